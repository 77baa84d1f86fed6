// Refused requests in the page's language. The API answers
// application/problem+json with a stable `type` (/problems/<slug>) and, for
// refused input, `problems` each with a `pointer` into the body; the English
// `detail` is written for API users. The pages say what went wrong from the
// type, and name the field from the pointer with the label the form shows,
// so a Chinese page stays Chinese.

import { el } from './common.js';
import { lang, t } from './i18n.js';

// typeText is what each problem type means, in both languages.
const typeText = {
  'invalid-case': { zh: '填写的内容有误，请按下列提示修改。', en: 'Some of what was entered is not accepted; see below.' },
  'invalid-clue': { zh: '填写的内容有误，请按下列提示修改。', en: 'Some of what was entered is not accepted; see below.' },
  'clue-finished': { zh: '该线索已核查或已关联其他线索、案件，不能再办理。', en: 'The clue is verified already, or linked to another clue or a case: it cannot be worked again.' },
  'invalid-geometry': { zh: '项目范围不是有效的几何图形（如自相交），请修改后再筛查。', en: 'The footprint is not a valid geometry (e.g. it intersects itself): fix it and screen again.' },
  'empty-footprint': { zh: '文件中没有可用的项目范围。', en: 'The file holds no usable footprint.' },
  'invalid-geojson': { zh: 'GeoJSON 文件有误。', en: 'The GeoJSON is not valid.' },
  'invalid-footprint': { zh: '项目范围有误。', en: 'The footprint is not accepted.' },
  'unsupported-format': { zh: '无法识别的文件格式：请上传 GeoJSON、KML/KMZ、WKT 或 CSV 坐标表。', en: 'Unrecognised file format: upload GeoJSON, KML/KMZ, WKT or a CSV coordinate table.' },
  'no-coordinate-columns': { zh: 'CSV 文件中找不到坐标列。', en: 'The CSV file has no coordinate columns.' },
  'unknown-crs': { zh: '不支持的坐标系。', en: 'Unsupported coordinate reference system.' },
  'unsupported-crs': { zh: '不支持的坐标系。', en: 'Unsupported coordinate reference system.' },
  'invalid-transition': { zh: '无法办理这一步：缺少版本号或目标状态。', en: 'This step cannot be taken: the version or the target status is missing.' },
  'stale-version': { zh: '案件在您查看后已被他人修改。已重新载入最新内容，请核对后再提交。', en: 'Someone changed the case after you opened it. It has been reloaded: check it and submit again.' },
  'transition-not-allowed': { zh: '案件当前状态不能转到这一步。', en: 'The case cannot take this step from where it is.' },
  'not-overdue-or-stalled': { zh: '案件既未逾期，最近一次联合检查也未认定整改缓慢或不彻底：公开约谈（第三步）暂不可用。', en: 'The case is neither overdue nor found slow or incomplete by the last joint inspection: the public interview (step 3) is not available yet.' },
  'verification-evidence-missing': { zh: '销号前须上传核查证据（照片或文件，用途选“销号核查”）。', en: 'Upload the verification evidence (photos or documents, purpose “verification”) before closing the case.' },
  'criminal-not-referred': { zh: '案件涉嫌犯罪，须先移送公安机关，不得以罚代刑。', en: 'The case is criminal: refer it to the police first; a fine cannot replace prosecution.' },
  'not-rectifying': { zh: '联合检查在案件移交属地后、整改完成前记录。', en: 'Joint inspections are recorded once the case is handed over and until it is rectified.' },
  'case-finished': { zh: '案件已办结，不能再修改。', en: 'The case is finished and can no longer be changed.' },
  'duplicate-evidence': { zh: '这份文件已是本案证据。', en: 'This file is already evidence on the case.' },
  'invalid-evidence': { zh: '证据有误。', en: 'The evidence is not accepted.' },
  'invalid-measure': { zh: '执法措施有误。', en: 'The measure is not accepted.' },
  'unsupported-media-type': { zh: '文件类型不支持：证据须为照片（JPEG、PNG、GIF、WebP）或文件（PDF、文本、DOCX、XLSX、ODT、DOC、XLS）。', en: 'Unsupported file type: evidence is a photo (JPEG, PNG, GIF, WebP) or a document (PDF, text, DOCX, XLSX, ODT, DOC, XLS).' },
  'too-large': { zh: '文件太大。', en: 'The file is too large.' },
  'no-file': { zh: '请先选择要上传的照片或文件。', en: 'Choose the photo or document to upload first.' },
  'empty-file': { zh: '文件是空的。', en: 'The file is empty.' },
  'malformed-form': { zh: '表单无法读取。', en: 'The form could not be read.' },
  'malformed-json': { zh: '请求内容无法读取。', en: 'The request could not be read.' },
  'unknown-field': { zh: '请求含有未知字段。', en: 'The request has an unknown field.' },
  'invalid-parameter': { zh: '参数有误。', en: 'A parameter is not accepted.' },
  'invalid-device': { zh: '设备信息有误，请按下列提示修改。', en: 'Some of the device\'s details are not accepted; see below.' },
  'device-exists': { zh: '该设备标识已登记。', en: 'A device with this ID is already registered.' },
  'unknown-reserve': { zh: '所选保护区不存在。', en: 'The reserve chosen does not exist.' },
  'not-found': { zh: '找不到该案件或文件。', en: 'The case or file does not exist.' },
  forbidden: { zh: '您的账号无权办理此事项（需要执法人员或管理员角色，且负责该保护区）。', en: 'Your account may not do this (it needs the officer or admin role for this reserve).' },
  unauthorized: { zh: '请先登录。', en: 'Sign in first.' },
  unauthenticated: { zh: '请先登录。', en: 'Sign in first.' },
  'csrf-token': { zh: '登录已失效，请重新登录。', en: 'The session has expired: sign in again.' },
  'rate-limited': { zh: '操作过于频繁，请稍后再试。', en: 'Too many requests: try again shortly.' },
  timeout: { zh: '服务器处理超时，请稍后再试。', en: 'The server took too long: try again shortly.' },
  internal: { zh: '服务器内部错误。', en: 'Internal server error.' },
};

// byStatus covers types this table does not know.
const byStatus = {
  400: { zh: '请求有误。', en: 'The request is not accepted.' },
  401: { zh: '请先登录。', en: 'Sign in first.' },
  403: { zh: '您的账号无权执行此操作。', en: 'Your account may not do this.' },
  404: { zh: '找不到。', en: 'Not found.' },
  409: { zh: '与案件当前状态冲突。', en: 'This conflicts with the case as it is now.' },
  413: { zh: '文件太大。', en: 'The file is too large.' },
  415: { zh: '文件类型不支持。', en: 'Unsupported file type.' },
  422: { zh: '填写的内容有误。', en: 'Some of what was entered is not accepted.' },
};

// fieldNames label the body's fields as the forms do.
const fieldNames = {
  reason: { zh: '不予立案理由', en: 'reason for dismissal' },
  deadline: { zh: '整改期限', en: 'deadline' },
  unit: { zh: '责任单位', en: 'responsible unit' },
  comment: { zh: '说明', en: 'comment' },
  version: { zh: '版本', en: 'version' },
  to: { zh: '目标状态', en: 'target status' },
  date: { zh: '日期', en: 'date' },
  inspectors: { zh: '检查人员', en: 'inspectors' },
  progress: { zh: '整改进展', en: 'progress' },
  findings: { zh: '发现的问题', en: 'findings' },
  assessment: { zh: '评价', en: 'assessment' },
  interviewed: { zh: '被约谈人', en: 'interviewed' },
  record: { zh: '约谈记录', en: 'record' },
  by: { zh: '约谈单位', en: 'interviewed by' },
  accountability: { zh: '问责措施', en: 'accountability' },
  target: { zh: '问责对象', en: 'whom' },
  completed_on: { zh: '完成日期', en: 'completed on' },
  description: { zh: '说明', en: 'description' },
  verifiers: { zh: '核查人员', en: 'verifiers' },
  kind: { zh: '类型', en: 'kind' },
  decided_on: { zh: '决定日期', en: 'decided on' },
  amount: { zh: '罚款金额', en: 'amount' },
  daily_amount: { zh: '每日罚款金额', en: 'daily amount' },
  start_on: { zh: '起算日期', en: 'start date' },
  end_on: { zh: '截止日期', en: 'end date' },
  card: { zh: '红黄牌', en: 'card' },
  authority: { zh: '决定机关或接收机关', en: 'authority' },
  role: { zh: '用途', en: 'purpose' },
  note: { zh: '备注', en: 'note' },
  name: { zh: '名称', en: 'name' },
  id: { zh: '编号', en: 'id' },
  file: { zh: '文件', en: 'file' },
  subject: { zh: '对象', en: 'subject' },
  subject_kind: { zh: '对象类型', en: 'subject kind' },
  timezone: { zh: '时区', en: 'time zone' },
  reserve: { zh: '保护区', en: 'reserve' },
  permit: { zh: '许可证', en: 'permit' },
  coords: { zh: '坐标系', en: 'coordinates' },
  max_speed_kmh: { zh: '最高速度', en: 'highest speed' },
  reserves: { zh: '保护区', en: 'reserves' },
  expected_interval_s: { zh: '上报间隔', en: 'reporting interval' },
  assignee: { zh: '核查人', en: 'verifier' },
  result: { zh: '核查结果', en: 'result' },
  approval: { zh: '批准文件', en: 'approval' },
  track: { zh: '巡护轨迹', en: 'track' },
  device: { zh: '实时定位设备', en: 'live device' },
  photo: { zh: '现场照片', en: 'photo' },
};

// fieldLabels names fields as this page's forms label them, where a name
// means something else on the case pages (a clue's deadline is for its
// verification, a case's for its rectification).
export function fieldLabels(names) {
  Object.assign(fieldNames, names);
}

// reasonKinds read what kind of fault an English reason describes.
const reasonKinds = [
  [/is required|must name|must list|missing/i, { zh: '必须填写', en: 'is required' }],
  [/must be a date/i, { zh: '须为日期（年-月-日）', en: 'must be a date (YYYY-MM-DD)' }],
  [/more than 0/i, { zh: '须大于 0 元', en: 'must be more than 0 yuan' }],
  [/is before today/i, { zh: '不能早于今天', en: 'is before today' }],
  [/is before/i, { zh: '不能早于起算日期', en: 'is before the start date' }],
  [/applies only/i, { zh: '不适用于这类措施', en: 'does not apply to this kind of measure' }],
  [/not an enterprise/i, { zh: '违法主体不是企业：红黄牌只适用于企业，请先把违法主体类型设为企业', en: 'the party is not an enterprise: cards are for enterprises; set the party kind to enterprise first' }],
  [/not an administrative area/i, { zh: '不是已登记的行政区代码', en: 'is not a known administrative area code' }],
  [/NUL/i, { zh: '含有无法保存的字符', en: 'contains a character that cannot be stored' }],
  [/must be/i, { zh: '取值不在允许范围内', en: 'is not one of the accepted values' }],
];

// slug is the last part of a problem type URI.
export function slug(doc) {
  return String(doc?.type || '').split('/').filter(Boolean).pop() || '';
}

// fieldName names a pointer such as "interview.interviewed[0].name".
function fieldName(pointer) {
  const parts = String(pointer).replace(/\[\d+\]/g, '').split('.').filter(Boolean);
  for (const p of parts.reverse()) {
    if (fieldNames[p]) return fieldNames[p][lang()];
  }
  return pointer;
}

// detailText says what is wrong with one field, in the page's language.
export function detailText(d) {
  const kind = reasonKinds.find(([re]) => re.test(d.reason || ''));
  const what = kind ? kind[1][lang()] : lang() === 'zh' ? '不符合要求' : 'is not accepted';
  const line = d.line ? (lang() === 'zh' ? `第 ${d.line} 行：` : `line ${d.line}: `) : '';
  return line + (d.pointer ? `${fieldName(d.pointer)}${lang() === 'zh' ? '：' : ' '}${what}` : what);
}

// problemText is the sentence for a refused request.
export function problemText(status, doc) {
  const m = typeText[slug(doc)] || byStatus[status] || byStatus[Math.floor(status / 100) * 100] || { zh: `请求失败（${status}）`, en: `The request failed (${status})` };
  return m[lang()];
}

// served are the API's own titles of its problem types (GET
// /api/v1/problem-types), read once, when a type this table lacks is met.
let served = null;
function servedTypes() {
  served ??= fetch('/api/v1/problem-types', { headers: { Accept: 'application/json' } }).then((r) => (r.ok ? r.json() : {})).catch(() => ({}));
  return served;
}

// problemView shows a refused request: what went wrong, which fields, and
// the steps the case may take instead. The API's English detail stays on
// the element's title for whoever needs it.
export function problemView(status, doc) {
  const details = (doc.problems || []).map((p) => el('li', { dataset: { pointer: p.pointer || '' } }, detailText(p)));
  const allowed = Array.isArray(doc.allowed) && slug(doc) === 'transition-not-allowed'
    ? el('p', {}, t('problem.allowed', { steps: doc.allowed.length ? doc.allowed.map((s) => t('caseStatus.' + s)).join(lang() === 'zh' ? '、' : ', ') : t('problem.noSteps') }))
    : '';
  const text = el('p', {}, problemText(status, doc));
  if (!typeText[slug(doc)]) {
    servedTypes().then((types) => {
      const m = types[slug(doc)];
      if (m && m[lang()]) text.textContent = m[lang()];
    });
  }
  return el('div', { class: 'problem', id: 'problem', title: doc.detail || '', dataset: { status: String(status), type: slug(doc) } },
    text, details.length ? el('ul', {}, details) : '', allowed);
}
