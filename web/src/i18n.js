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
  'screen.token': { zh: '管理令牌（写操作需要）', en: 'Admin token (needed to screen)' },
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
