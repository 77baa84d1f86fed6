// Every label of the pages, in Chinese (the default) and English. Elements
// carry data-i18n="key" (text), data-i18n-placeholder or data-i18n-title;
// setLang rewrites them and tells the page (the "langchange" event) so that
// it can redraw what it wrote itself.

export const messages = {
  'app.title': { zh: 'Warden 自然保护区地图', en: 'Warden reserve map' },
  'app.markersTitle': { zh: 'Warden 界桩一览', en: 'Warden boundary markers' },
  'nav.map': { zh: '地图', en: 'Map' },
  'nav.markers': { zh: '界桩', en: 'Markers' },
  'nav.screening': { zh: '项目筛查', en: 'Screening' },
  'nav.api': { zh: '接口文档', en: 'API' },
  'lang.switch': { zh: 'English', en: '中文' },
  'lang.switchTitle': { zh: '切换为英文', en: 'Switch to Chinese' },

  'search.placeholder': { zh: '按名称或代码查找保护区', en: 'Find a reserve by name or code' },
  'search.label': { zh: '查找保护区', en: 'Find a reserve' },
  'search.none': { zh: '没有找到保护区', en: 'No reserve found' },

  'layers.title': { zh: '图层', en: 'Layers' },
  'layers.basemap': { zh: '底图', en: 'Base map' },
  'layers.zones': { zh: '功能区', en: 'Zones' },
  'layers.reserves': { zh: '保护区范围', en: 'Reserve outlines' },
  'layers.markers': { zh: '界桩', en: 'Boundary markers' },
  'legend.title': { zh: '图例', en: 'Legend' },

  'kind.core': { zh: '核心区', en: 'Core zone' },
  'kind.buffer': { zh: '缓冲区', en: 'Buffer zone' },
  'kind.experimental': { zh: '实验区', en: 'Experimental zone' },
  'kind.peripheral': { zh: '外围保护地带', en: 'Peripheral belt' },
  'kind.core_protection': { zh: '核心保护区', en: 'Core protection zone' },
  'kind.general_control': { zh: '一般控制区', en: 'General control zone' },

  'markerKind.post': { zh: '界桩', en: 'Post' },
  'markerKind.monument': { zh: '界碑', en: 'Monument' },
  'markerKind.sign': { zh: '标识牌', en: 'Sign' },
  'status.intact': { zh: '完好', en: 'Intact' },
  'status.damaged': { zh: '损坏', en: 'Damaged' },
  'status.missing': { zh: '缺失', en: 'Missing' },
  'status.moved': { zh: '移位', en: 'Moved' },

  'level.national': { zh: '国家级', en: 'National' },
  'level.provincial': { zh: '省级', en: 'Provincial' },
  'level.municipal': { zh: '市级', en: 'Municipal' },
  'level.county': { zh: '县级', en: 'County' },

  'popup.zone': { zh: '功能区', en: 'Zone' },
  'popup.reserve': { zh: '保护区', en: 'Reserve' },
  'popup.marker': { zh: '界桩', en: 'Marker' },
  'field.kind': { zh: '类型', en: 'Kind' },
  'field.reserve': { zh: '保护区', en: 'Reserve' },
  'field.version': { zh: '区划版本', en: 'Zoning version' },
  'field.name': { zh: '名称', en: 'Name' },
  'field.area_ha': { zh: '面积（公顷）', en: 'Area (ha)' },
  'field.code': { zh: '编号', en: 'Code' },
  'field.name_zh': { zh: '中文名称', en: 'Chinese name' },
  'field.name_en': { zh: '英文名称', en: 'English name' },
  'field.level': { zh: '级别', en: 'Level' },
  'field.illustrative': { zh: '示意数据', en: 'Illustrative data' },
  'field.status': { zh: '状态', en: 'Status' },
  'field.id': { zh: '标识', en: 'ID' },
  'value.yes': { zh: '是（非正式区划）', en: 'yes (not an official zoning)' },
  'value.no': { zh: '否', en: 'no' },

  'coords.hint': { zh: '将鼠标移到地图上查看坐标', en: 'Move the pointer over the map to read coordinates' },
  'coords.lonlat': { zh: '经纬度', en: 'Lon/lat' },
  'coords.gk': { zh: 'CGCS2000 3°高斯-克吕格', en: 'CGCS2000 3° Gauss-Krüger' },
  'coords.zone': { zh: '第{n}带', en: 'zone {n}' },
  'coords.outside': { zh: '不在 CGCS2000 3° 分带 25–45 范围内', en: 'outside CGCS2000 3° zones 25–45' },
  'coords.x': { zh: 'X（北）', en: 'X (north)' },
  'coords.y': { zh: 'Y（东）', en: 'Y (east)' },

  'error.load': { zh: '加载失败：', en: 'Could not load: ' },

  'markers.reserve': { zh: '保护区', en: 'Reserve' },
  'markers.statusFilter': { zh: '状态', en: 'Status' },
  'markers.all': { zh: '全部', en: 'All' },
  'markers.count': { zh: '共 {n} 个界桩', en: '{n} markers' },
  'markers.csv': { zh: '下载坐标公告表（CSV）', en: 'Download the coordinate announcement table (CSV)' },
  'markers.showOnMap': { zh: '在地图上查看', en: 'Show on the map' },
  'col.code': { zh: '编号', en: 'Code' },
  'col.kind': { zh: '类型', en: 'Kind' },
  'col.status': { zh: '状态', en: 'Status' },
  'col.lon': { zh: '经度', en: 'Longitude' },
  'col.lat': { zh: '纬度', en: 'Latitude' },
  'col.lonDMS': { zh: '经度（度分秒）', en: 'Longitude (DMS)' },
  'col.latDMS': { zh: '纬度（度分秒）', en: 'Latitude (DMS)' },
  'col.gkZone': { zh: '3°带号', en: '3° zone' },
  'col.gkX': { zh: 'X（北，米）', en: 'X (north, m)' },
  'col.gkY': { zh: 'Y（东，米）', en: 'Y (east, m)' },
  'col.survey': { zh: '公告坐标', en: 'Announced coordinates' },
  'col.inspected': { zh: '最近巡查', en: 'Last inspected' },
  'col.note': { zh: '备注', en: 'Note' },

  'app.screeningTitle': { zh: 'Warden 建设项目选址筛查', en: 'Warden project-site screening' },
  'screen.footprint': { zh: '项目范围', en: 'Footprint' },
  'screen.drawHint': { zh: '在地图上单击添加顶点；或上传文件。', en: 'Click on the map to add vertices, or upload a file.' },
  'screen.polygon': { zh: '面', en: 'Polygon' },
  'screen.line': { zh: '线', en: 'Line' },
  'screen.point': { zh: '点', en: 'Points' },
  'screen.clear': { zh: '清除', en: 'Clear' },
  'screen.vertices': { zh: '已画 {n} 个顶点', en: '{n} vertices drawn' },
  'screen.file': { zh: '或上传文件（GeoJSON、KML/KMZ、WKT、CSV）', en: 'or upload a file (GeoJSON, KML/KMZ, WKT, CSV)' },
  'screen.crs': { zh: '文件坐标系（如 EPSG:4515，可空）', en: 'CRS of the file (e.g. EPSG:4515, optional)' },
  'screen.activity': { zh: '活动类型', en: 'Activity' },
  'screen.project': { zh: '项目名称', en: 'Project name' },
  'screen.developer': { zh: '建设单位', en: 'Developer' },
  'screen.status': { zh: '项目状态', en: 'Project status' },
  'screen.status.proposed': { zh: '拟建', en: 'Proposed' },
  'screen.status.under_construction': { zh: '在建', en: 'Under construction' },
  'screen.status.existing': { zh: '已建', en: 'Existing' },
  'login.title': { zh: '登录（筛查需要审查员账号）', en: 'Sign in (screening needs a reviewer account)' },
  'login.name': { zh: '用户名', en: 'User name' },
  'login.password': { zh: '密码', en: 'Password' },
  'login.submit': { zh: '登录', en: 'Sign in' },
  'login.as': { zh: '已登录：', en: 'Signed in as' },
  'login.logout': { zh: '退出', en: 'Sign out' },
  'screen.submit': { zh: '筛查', en: 'Screen' },
  'screen.needFootprint': { zh: '请先在地图上画出项目范围，或选择文件。', en: 'Draw the footprint on the map first, or choose a file.' },
  'screen.verdict': { zh: '结论：', en: 'Verdict:' },
  'screen.reserve': { zh: '保护区', en: 'Reserve' },
  'screen.zone': { zh: '功能区', en: 'Zone' },
  'screen.areaHa': { zh: '占用面积（公顷）', en: 'Area inside (ha)' },
  'screen.lengthM': { zh: '穿越长度（米）', en: 'Length inside (m)' },
  'screen.share': { zh: '占项目比例（%）', en: 'Share of footprint (%)' },
  'screen.distanceM': { zh: '距离（米）', en: 'Distance (m)' },
  'screen.rule': { zh: '规定', en: 'Rule' },
  'screen.articles': { zh: '依据条款', en: 'Articles' },
  'screen.report': { zh: '打开可打印的筛查报告', en: 'Open the printable report' },
  'verdict.prohibited': { zh: '禁止', en: 'Prohibited' },
  'verdict.needs_approval': { zh: '需经批准', en: 'Needs approval' },
  'verdict.allowed': { zh: '允许', en: 'Allowed' },
  'verdict.outside': { zh: '不涉及保护区', en: 'Outside' },

  'nav.tracks': { zh: '巡护轨迹', en: 'Patrol tracks' },
  'app.tracksTitle': { zh: 'Warden 巡护轨迹', en: 'Warden patrol tracks' },
  'login.tracksTitle': { zh: '登录（查看和上传轨迹需要账号）', en: 'Sign in (tracks need an account)' },
  'layers.tracks': { zh: '巡护轨迹', en: 'Patrol tracks' },
  'layers.observations': { zh: '巡护观测点', en: 'Patrol observations' },
  'popup.track': { zh: '巡护轨迹', en: 'Patrol track' },
  'popup.observation': { zh: '观测点', en: 'Observation' },
  'field.track': { zh: '轨迹编号', en: 'Track' },
  'field.subject_kind': { zh: '对象类型', en: 'Subject kind' },
  'field.started_at': { zh: '开始时间', en: 'Started' },
  'field.category': { zh: '类别', en: 'Category' },
  'field.zone_kind': { zh: '所在功能区', en: 'Zone' },
  'field.observed_at': { zh: '时间', en: 'Time' },
  'subjectKind.patrol': { zh: '巡护人员', en: 'Patrol staff' },
  'subjectKind.research_permit': { zh: '科研人员（持许可）', en: 'Researcher (permit)' },
  'subjectKind.visitor': { zh: '游客', en: 'Visitor' },
  'subjectKind.vehicle': { zh: '车辆', en: 'Vehicle' },
  'subjectKind.unknown': { zh: '不明', en: 'Unknown' },
  'tracks.upload': { zh: '上传轨迹', en: 'Upload a track' },
  'tracks.drop': { zh: '将轨迹文件拖放到这里，或点击选择文件（GPX、KML/KMZ、TCX、GeoJSON、CSV）', en: 'Drop a track file here, or click to choose one (GPX, KML/KMZ, TCX, GeoJSON, CSV)' },
  'tracks.noFile': { zh: '尚未选择文件', en: 'No file chosen' },
  'tracks.subject': { zh: '对象（巡护员编号、车牌等）', en: 'Subject (ranger id, plate number...)' },
  'tracks.subjectKind': { zh: '对象类型', en: 'Subject kind' },
  'tracks.reserve': { zh: '保护区', en: 'Reserve' },
  'tracks.reserveAuto': { zh: '自动（按轨迹判断）', en: 'Automatic (from the track)' },
  'tracks.timezone': { zh: '时区（可空，如 Asia/Shanghai）', en: 'Time zone (optional, e.g. Asia/Shanghai)' },
  'tracks.submit': { zh: '上传', en: 'Upload' },
  'tracks.needFile': { zh: '请先拖入或选择轨迹文件。', en: 'Drop or choose a track file first.' },
  'tracks.uploading': { zh: '正在上传……', en: 'Uploading…' },
  'tracks.uploaded': { zh: '已保存为轨迹 #{id}', en: 'Saved as track #{id}' },
  'tracks.again': { zh: '此文件之前已上传过：显示已保存的轨迹 #{id}', en: 'This file was uploaded before: showing stored track #{id}' },
  'tracks.recent': { zh: '最近的轨迹', en: 'Recent tracks' },
  'tracks.none': { zh: '还没有轨迹', en: 'No tracks yet' },
  'tracks.signInToSee': { zh: '登录后可查看和上传轨迹。', en: 'Sign in to see and upload tracks.' },
  'tracks.track': { zh: '轨迹 #{id}', en: 'Track #{id}' },
  'tracks.who': { zh: '对象', en: 'Subject' },
  'tracks.outside': { zh: '不在任何保护区内', en: 'outside every reserve' },
  'tracks.points': { zh: '{n} 个点', en: '{n} points' },
  'tracks.length': { zh: '长度', en: 'Length' },
  'tracks.duration': { zh: '历时', en: 'Duration' },
  'tracks.started': { zh: '开始', en: 'Started' },
  'tracks.ended': { zh: '结束', en: 'Ended' },
  'tracks.noTime': { zh: '无时间', en: 'no time' },
  'tracks.timesIn': { zh: '{day}，时间按 {tz} 时区显示', en: '{day}, times in {tz}' },
  'tracks.visits': { zh: '进出功能区', en: 'Zone visits' },
  'tracks.noVisits': { zh: '轨迹未进入任何功能区。', en: 'The track enters no zone.' },
  'tracks.findings': { zh: '发现的问题', en: 'Findings' },
  'tracks.noFindings': { zh: '没有发现问题。', en: 'No findings.' },
  'tracks.observations': { zh: '观测点', en: 'Observations' },
  'tracks.gpx': { zh: '下载 GPX', en: 'Download GPX' },
  'tracks.kml': { zh: '下载 KML', en: 'Download KML' },
  'visit.no': { zh: '序号', en: '#' },
  'visit.zone': { zh: '功能区', en: 'Zone' },
  'visit.entered': { zh: '进入时间', en: 'Entered' },
  'visit.exited': { zh: '离开时间', en: 'Exited' },
  'visit.duration': { zh: '停留时长', en: 'Duration' },
  'visit.length': { zh: '区内长度（米）', en: 'Inside (m)' },
  'visit.depth': { zh: '最大深入（米）', en: 'Deepest (m)' },
  'visit.jitter': { zh: '边界抖动', en: 'Boundary jitter' },
  'visit.startedInside': { zh: '（轨迹起于区内）', en: '(began inside)' },
  'visit.endedInside': { zh: '（轨迹止于区内）', en: '(ended inside)' },
  'finding.prohibited_entry': { zh: '违规进入', en: 'Prohibited entry' },
  'finding.unpermitted_entry': { zh: '未经许可进入', en: 'Entry without a permit' },
  'finding.prohibited_activity': { zh: '禁止的活动', en: 'Prohibited activity' },
  'dur.hms': { zh: '{h}小时{m}分{s}秒', en: '{h} h {m} min {s} s' },
  'dur.ms': { zh: '{m}分{s}秒', en: '{m} min {s} s' },
};

const storageKey = 'warden.lang';

// lang is the page's language: ?lang=, then the saved choice, then Chinese.
export function initialLang() {
  const q = new URLSearchParams(location.search).get('lang');
  if (q === 'zh' || q === 'en') return q;
  try {
    const saved = localStorage.getItem(storageKey);
    if (saved === 'zh' || saved === 'en') return saved;
  } catch {
    // storage may be unavailable (private mode); Chinese then
  }
  return 'zh';
}

let current = 'zh';

// lang returns the current language, "zh" or "en".
export function lang() {
  return current;
}

// t returns the label key in the current language, with {name} filled from vars.
export function t(key, vars = {}) {
  const m = messages[key];
  if (!m) return key;
  return m[current].replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));
}

// setLang switches the page's language and rewrites its labels.
export function setLang(l) {
  current = l;
  document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
  try {
    localStorage.setItem(storageKey, l);
  } catch {
    // not saved: the choice lasts for this page
  }
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of document.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  document.dispatchEvent(new CustomEvent('langchange', { detail: l }));
}

// setupLangSwitch wires the switch button and applies the initial language.
export function setupLangSwitch(button) {
  button.addEventListener('click', () => setLang(current === 'zh' ? 'en' : 'zh'));
  setLang(initialLang());
}
