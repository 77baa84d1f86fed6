// The devices page (/devices, 定位设备): the registry of devices that report
// live positions (GET /api/v1/devices), registering one (POST, its ingest
// token shown this once with the URL to enter in Traccar Client), editing
// (PATCH, with a new token on request) and removing (DELETE). Times are the
// reserve's local time with its offset; the page is wholly Chinese or wholly
// English.

import './devices.css';
import { account } from './account.js';
import { fmtLocal, fmtNumber, loadList, problemView } from './casecommon.js';
import { el, getJSON, request, reserveName, showError } from './common.js';
import { lang, messages, setupLangSwitch, t } from './i18n.js';
import labels from './messages/devices.json' with { type: 'json' };

Object.assign(messages, labels);

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
    const r = await request(url, { method, csrf: session.csrf, json: body });
    if (!r.ok) {
      formProblem.replaceChildren(problemView(r.status, r.doc));
      return null;
    }
    formProblem.replaceChildren();
    return r.doc;
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

  const load = () => loadList({
    session, count, body, signIn: 'devices.signIn',
    url: () => {
      const p = new URLSearchParams();
      if (filter.value) p.set('reserve', filter.value);
      return `/api/v1/devices?${p}`;
    },
    shown: (doc) => {
      devices = doc && doc.devices;
      if (doc) render();
    },
  });

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
