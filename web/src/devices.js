// The devices page (/devices, 定位设备): the registry of devices that report
// live positions (GET /api/v1/devices), registering one (POST, its ingest
// token shown this once with the URL to enter in Traccar Client), editing
// (PATCH, with a new token on request) and removing (DELETE). Times are the
// reserve's local time with its offset; the page is wholly Chinese or wholly
// English.

import './devices.css';
import { account } from './account.js';
import { fmtLocal, fmtNumber, problemView } from './casecommon.js';
import { el, getJSON, reserveName, showError } from './common.js';
import { lang, messages, setupLangSwitch, t } from './i18n.js';

Object.assign(messages, {
  'devices.title': { zh: 'Warden 定位设备', en: 'Warden devices' },
  'devices.login': { zh: '登录（管理设备需要地理信息或管理员账号）', en: 'Sign in (managing devices needs a GIS or admin account)' },
  'devices.reserve': { zh: '保护区', en: 'Reserve' },
  'devices.all': { zh: '全部', en: 'All' },
  'devices.count': { zh: '共 {n} 台设备', en: 'Devices: {n}' },
  'devices.signIn': { zh: '登录后可查看设备。', en: 'Sign in to see the devices.' },
  'devices.id': { zh: '设备标识', en: 'Device ID' },
  'devices.name': { zh: '名称', en: 'Name' },
  'devices.kind': { zh: '设备类型', en: 'Kind' },
  'devices.subject': { zh: '跟踪对象', en: 'Tracks' },
  'devices.subjectKind': { zh: '对象类型', en: 'Subject kind' },
  'devices.reserves': { zh: '保护区', en: 'Reserves' },
  'devices.interval': { zh: '上报间隔（秒）', en: 'Reporting interval (s)' },
  'devices.lastFix': { zh: '最后定位时间', en: 'Last fix' },
  'devices.battery': { zh: '电量', en: 'Battery' },
  'devices.actions': { zh: '操作', en: 'Actions' },
  'devices.never': { zh: '尚未定位', en: 'no fix yet' },
  'devices.register': { zh: '登记设备', en: 'Register a device' },
  'devices.editTitle': { zh: '修改设备 {id}', en: 'Edit device {id}' },
  'devices.submitNew': { zh: '登记', en: 'Register' },
  'devices.submitEdit': { zh: '保存修改', en: 'Save' },
  'devices.cancel': { zh: '取消修改', en: 'Cancel' },
  'devices.edit': { zh: '修改', en: 'Edit' },
  'devices.rotate': { zh: '重新生成密钥', en: 'New token' },
  'devices.delete': { zh: '删除', en: 'Delete' },
  'devices.confirmDelete': { zh: '删除设备 {id}？其密钥将立即失效（已收到的定位和事件保留备查）。', en: 'Delete device {id}? Its token stops working at once (its fixes and events are kept for audit).' },
  'devices.confirmRotate': { zh: '为设备 {id} 重新生成密钥？旧密钥将立即失效。', en: 'Make a new token for device {id}? The old one stops working at once.' },
  'devices.tokenTitle': { zh: '设备接入密钥（只显示这一次）', en: 'The device\'s token (shown only this once)' },
  'devices.tokenNote': {
    zh: '请立即抄录：关闭或刷新本页后无法再次查看，只能重新生成。在 Traccar Client 中，“设备标识”填设备标识，“服务器地址”填下面的地址。',
    en: 'Copy it now: once this page is closed or reloaded it cannot be shown again, only replaced. In Traccar Client, set Device identifier to the device ID and Server URL to the address below.',
  },
  'devices.token': { zh: '密钥：', en: 'Token: ' },
  'devices.url': { zh: '服务器地址：', en: 'Server URL: ' },
  'deviceKind.phone': { zh: '手机', en: 'Phone' },
  'deviceKind.vehicle_logger': { zh: '车载定位器', en: 'Vehicle logger' },
  'deviceKind.collar': { zh: '动物项圈', en: 'Collar' },
  'deviceKind.satellite_messenger': { zh: '卫星通信终端', en: 'Satellite messenger' },
});

const kinds = ['phone', 'vehicle_logger', 'collar', 'satellite_messenger'];
const subjectKinds = ['patrol', 'research_permit', 'original_resident', 'visitor', 'vehicle', 'unknown'];

async function main() {
  setupLangSwitch(document.getElementById('lang-switch'));
  const { reserves } = await getJSON('/api/v1/reserves');
  const zoneOf = Object.fromEntries(reserves.map((r) => [r.code, r.time_zone || 'Asia/Shanghai']));
  const nameOf = (code) => {
    const r = reserves.find((x) => x.code === code);
    return r ? reserveName(r) : code;
  };
  const $ = (id) => document.getElementById(id);
  const form = { id: $('d-id'), name: $('d-name'), kind: $('d-kind'), subject: $('d-subject'), subjectKind: $('d-subject-kind'), reserves: $('d-reserves'), interval: $('d-interval') };
  const filter = $('f-reserve');
  const fill = () => {
    const keep = filter.value;
    filter.replaceChildren(el('option', { value: '' }, t('devices.all')), ...reserves.map((r) => el('option', { value: r.code }, reserveName(r))));
    filter.value = keep;
    const k = [form.kind.value, form.subjectKind.value, [...form.reserves.selectedOptions].map((o) => o.value)];
    form.kind.replaceChildren(...kinds.map((x) => el('option', { value: x }, t('deviceKind.' + x))));
    form.subjectKind.replaceChildren(...subjectKinds.map((x) => el('option', { value: x }, t('subjectKind.' + x))));
    form.reserves.replaceChildren(...reserves.map((r) => el('option', { value: r.code }, reserveName(r))));
    form.kind.value = k[0] || 'phone';
    form.subjectKind.value = k[1] || 'patrol';
    for (const o of form.reserves.options) o.selected = k[2].includes(o.value);
  };
  fill();

  const body = document.querySelector('#devices-table tbody');
  const count = $('count');
  const formProblem = $('form-problem');
  let session = null;
  let devices = null;
  let editing = null; // the device being edited, or null for a new one

  const showToken = (d) => {
    $('token-value').textContent = d.token;
    $('token-url').textContent = `${location.origin}/ingest/osmand?key=${d.token}`;
    $('token-box').hidden = false;
  };
  const modeLabels = () => {
    $('device-form-title').textContent = editing ? t('devices.editTitle', { id: editing.id }) : t('devices.register');
    $('d-submit').textContent = t(editing ? 'devices.submitEdit' : 'devices.submitNew');
    $('d-cancel').hidden = !editing;
  };
  const setMode = (d) => {
    editing = d;
    formProblem.replaceChildren();
    modeLabels();
    form.id.disabled = !!d;
    form.id.value = d ? d.id : '';
    form.name.value = d ? d.name : '';
    form.kind.value = d ? d.kind : 'phone';
    form.subject.value = d ? d.subject : '';
    form.subjectKind.value = d ? d.subject_kind : 'patrol';
    for (const o of form.reserves.options) o.selected = d ? d.reserves.includes(o.value) : false;
    form.interval.value = d && d.expected_interval_s ? String(d.expected_interval_s) : '';
  };

  // send makes a write with the session's CSRF token; a refusal is shown
  // under the form in the page's language and returns null.
  const send = async (method, url, body) => {
    const res = await fetch(url, {
      method,
      headers: { Accept: 'application/json', 'X-CSRF-Token': session.csrf, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const doc = res.status === 204 ? {} : await res.json();
    if (!res.ok) {
      formProblem.replaceChildren(problemView(res.status, doc));
      return null;
    }
    formProblem.replaceChildren();
    return doc;
  };

  const render = () => {
    if (!devices) return;
    count.textContent = t('devices.count', { n: fmtNumber(devices.length, 0) });
    body.replaceChildren(...devices.map((d) => {
      const lf = d.last_fix;
      return el('tr', { dataset: { id: d.id } },
        el('td', {}, d.id),
        el('td', {}, d.name || '—'),
        el('td', {}, t('deviceKind.' + d.kind)),
        el('td', {}, `${d.subject} · ${t('subjectKind.' + d.subject_kind)}`),
        el('td', {}, d.reserves.map(nameOf).join(lang() === 'zh' ? '、' : ', ') || '—'),
        el('td', { class: 'num' }, d.expected_interval_s ? fmtNumber(d.expected_interval_s, 0) : '—'),
        el('td', {}, lf ? fmtLocal(lf.at, zoneOf[d.reserves.find((r) => zoneOf[r])] || 'Asia/Shanghai') : t('devices.never')),
        el('td', { class: 'num' }, lf && lf.battery !== null && lf.battery !== undefined ? `${fmtNumber(lf.battery, 0)}%` : '—'),
        el('td', { class: 'actions' },
          el('button', { type: 'button', class: 'edit', onclick: () => setMode(d) }, t('devices.edit')),
          el('button', { type: 'button', class: 'rotate', onclick: () => rotate(d).catch(showError) }, t('devices.rotate')),
          el('button', { type: 'button', class: 'delete', onclick: () => remove(d).catch(showError) }, t('devices.delete'))));
    }));
  };

  const load = async () => {
    document.body.dataset.loaded = 'false';
    if (!session.me.authenticated) {
      devices = null;
      count.textContent = t('devices.signIn');
      body.replaceChildren();
      document.body.dataset.loaded = 'true';
      return;
    }
    const p = new URLSearchParams();
    if (filter.value) p.set('reserve', filter.value);
    const res = await fetch(`/api/v1/devices?${p}`, { headers: { Accept: 'application/json' } });
    const doc = await res.json();
    if (!res.ok) {
      devices = null;
      count.replaceChildren(problemView(res.status, doc));
      body.replaceChildren();
    } else {
      devices = doc.devices;
      render();
    }
    document.body.dataset.loaded = 'true';
  };

  const rotate = async (d) => {
    if (!confirm(t('devices.confirmRotate', { id: d.id }))) return;
    const doc = await send('PATCH', `/api/v1/devices/${encodeURIComponent(d.id)}`, { rotate_token: true });
    if (doc) showToken(doc);
  };
  const remove = async (d) => {
    if (!confirm(t('devices.confirmDelete', { id: d.id }))) return;
    if (await send('DELETE', `/api/v1/devices/${encodeURIComponent(d.id)}`)) {
      if (editing?.id === d.id) setMode(null);
      await load();
    }
  };

  $('device-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const interval = form.interval.value.trim();
    const doc = {
      name: form.name.value.trim(),
      kind: form.kind.value,
      subject: form.subject.value.trim(),
      subject_kind: form.subjectKind.value,
      reserves: [...form.reserves.selectedOptions].map((o) => o.value),
    };
    if (interval) doc.expected_interval_s = Number(interval);
    $('token-box').hidden = true;
    let saved;
    if (editing) {
      saved = await send('PATCH', `/api/v1/devices/${encodeURIComponent(editing.id)}`, doc);
    } else {
      saved = await send('POST', '/api/v1/devices', { id: form.id.value.trim(), ...doc });
      if (saved) showToken(saved);
    }
    if (saved) {
      setMode(null);
      await load();
    }
  });
  $('d-cancel').addEventListener('click', () => setMode(null));
  filter.addEventListener('change', () => load().catch(showError));
  session = await account(() => load().catch(showError));
  document.addEventListener('langchange', () => {
    fill();
    modeLabels();
    render();
  });
  await load();
  document.body.dataset.ready = 'true';
}

main().catch(showError);
