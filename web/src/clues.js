// The clue ledger page (/clues, 问题线索台账): the Green Shield clues of GET
// /api/v1/clues for the signed-in user, filtered by reserve, status and
// verifier (a verifier's task list with "mine", also as /clues?mine=1), on a
// map and in a table, downloadable as the ledger workbook (GET
// /api/v1/clues.xlsx, the same filters). A clue picked from the table is
// worked below it: assigned to a verifier with a deadline (POST
// /api/v1/clues/{id}/assignment), and verified with its result, note, visit
// and photos (POST /api/v1/clues/{id}/verification; the server reads the
// photos' EXIF), which closes it or opens its case. Wholly Chinese or
// wholly English.

import * as maplibregl from './maplibre-gl.mjs';
import './casei18n.js';
import './clues.css';
import { account } from './account.js';
import { fmtLocal, fmtNumber, loadList, problemView } from './casecommon.js';
import { fieldLabels } from './problems.js';
import { el, getJSON, request, reserveName, showError } from './common.js';
import { lang, messages, setupLangSwitch, t } from './i18n.js';
import { addTileLayers, baseStyle } from './mapbase.js';
import labels from './messages/clues.json' with { type: 'json' };

Object.assign(messages, labels);

fieldLabels({ deadline: { zh: '核查期限', en: 'deadline' } });

const results = ['illegal_activity', 'lawful', 'pre_existing', 'natural_change', 'false_detection'];

const statuses = ['new', 'assigned', 'case_opened', 'closed', 'linked'];
const statusColours = { new: '#c0392b', assigned: '#e67e22', case_opened: '#8e44ad', closed: '#1b7f3b', linked: '#9e9e9e' };

// zoneText names a clue's zones as the law judges them.
function zoneText(c) {
  if (!c.zones.length) return t('clues.outside');
  return c.zones.map((z) => t('kind.' + z.zone_kind) + (z.legal_zone_kind && z.legal_zone_kind !== z.zone_kind ? ` → ${t('kind.' + z.legal_zone_kind)}` : '')).join(lang() === 'zh' ? '、' : ', ');
}

async function main() {
  setupLangSwitch(document.getElementById('lang-switch'));
  const [{ reserves }, config, served] = await Promise.all([getJSON('/api/v1/reserves'), getJSON('/config.json'), getJSON('/tiles')]);
  const q = new URLSearchParams(location.search);
  const f = { reserve: document.getElementById('f-reserve'), status: document.getElementById('f-status'), assignee: document.getElementById('f-assignee'), mine: document.getElementById('f-mine') };
  const fill = () => {
    const keep = [f.reserve.value || q.get('reserve') || '', f.status.value || q.get('status') || ''];
    f.reserve.replaceChildren(el('option', { value: '' }, t('clues.all')), ...reserves.map((r) => el('option', { value: r.code }, reserveName(r))));
    f.status.replaceChildren(el('option', { value: '' }, t('clues.all')), ...statuses.map((s) => el('option', { value: s }, t('clueStatus.' + s))));
    [f.reserve.value, f.status.value] = keep;
  };
  fill();
  f.assignee.value = q.get('assignee') || '';
  f.mine.checked = q.get('mine') === '1';

  const map = new maplibregl.Map({ container: 'clue-map', style: baseStyle(config.basemap, served.layers), center: [86, 34.5], zoom: 4, attributionControl: { compact: false } });
  map.addControl(new maplibregl.NavigationControl(), 'top-right');
  window.warden = { map };
  await new Promise((resolve) => map.once('load', resolve));
  addTileLayers(map, served.layers.filter((l) => l.public));
  map.addSource('clue-list', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  const colour = ['match', ['get', 'status'], ...Object.entries(statusColours).flat(), '#777777'];
  map.addLayer({ id: 'clue-fill', type: 'fill', source: 'clue-list', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': colour, 'fill-opacity': 0.5 } });
  map.addLayer({ id: 'clue-line', type: 'line', source: 'clue-list', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'line-color': colour, 'line-width': 2 } });
  map.addLayer({ id: 'clue-point', type: 'circle', source: 'clue-list', paint: { 'circle-radius': 6, 'circle-color': colour, 'circle-stroke-color': '#fff', 'circle-stroke-width': 1.5 } });

  const body = document.querySelector('#clues-table tbody');
  const count = document.getElementById('count');
  const workbook = document.getElementById('export-xlsx');
  let session = null;
  let clues = null;
  const render = () => {
    if (!clues) return;
    count.textContent = t('clues.count', { n: fmtNumber(clues.length, 0) });
    body.replaceChildren(...clues.map((c) => el('tr', { dataset: { id: String(c.id), status: c.status, overdue: String(c.overdue) } },
      el('td', {}, c.number),
      el('td', {}, t('change.' + c.change_type)),
      el('td', {}, zoneText(c)),
      el('td', { class: 'num' }, fmtNumber(c.area_ha, 2)),
      el('td', { class: 'priority-' + c.priority }, t('priority.' + c.priority)),
      el('td', {}, el('span', { class: 'status-badge', style: `background:${statusColours[c.status]}` }, t('clueStatus.' + c.status))),
      el('td', {}, c.assignee || '—'),
      el('td', { class: c.overdue ? 'overdue' : '' }, c.deadline ? c.deadline + (c.overdue ? ' ' + t('clues.overdue') : '') : '—'),
      el('td', {}, c.case ? el('a', { href: `/cases/${c.case.id}` }, c.case.number) : '—'),
      el('td', {}, el('button', { type: 'button', class: 'work', onclick: () => work.open(c.id).catch(showError) }, t('clues.work'))))));
    for (const tr of body.rows) tr.classList.toggle('selected', tr.dataset.id === String(work.id));
  };
  const params = () => {
    const p = new URLSearchParams();
    if (f.reserve.value) p.set('reserve', f.reserve.value);
    if (f.status.value) p.set('status', f.status.value);
    const mine = f.mine.checked && session?.me?.user?.name;
    const who = mine ? session.me.user.name : f.assignee.value.trim();
    if (who) p.set('assignee', who);
    const shown = new URLSearchParams(p);
    if (mine) {
      shown.delete('assignee');
      shown.set('mine', '1');
    }
    history.replaceState(null, '', shown.size ? `/clues?${shown}${lang() === 'en' ? '&lang=en' : ''}` : location.pathname + (lang() === 'en' ? '?lang=en' : ''));
    workbook.href = `/api/v1/clues.xlsx?${p}`;
    return p;
  };
  const load = () => loadList({
    session, count, body, signIn: 'clues.signIn',
    url: () => `/api/v1/clues?${params()}`,
    shown: (doc) => {
      clues = doc;
      if (!doc) return;
      const features = clues.map((c) => ({ type: 'Feature', properties: { id: c.id, status: c.status }, geometry: c.geometry }));
      map.getSource('clue-list').setData({ type: 'FeatureCollection', features });
      if (clues.length) {
        const b = new maplibregl.LngLatBounds();
        for (const c of clues) b.extend(c.center);
        map.fitBounds(b, { padding: 40, maxZoom: 12, duration: 0 });
      }
      render();
    },
  });
  const work = workPanel(map, () => session, () => load());
  session = await account(() => load().catch(showError));
  for (const k of ['reserve', 'status', 'assignee', 'mine']) f[k].addEventListener('change', () => load().catch(showError));
  document.getElementById('filters').addEventListener('submit', (e) => {
    e.preventDefault();
    load().catch(showError);
  });
  document.addEventListener('langchange', () => {
    fill();
    render();
    work.render();
  });
  await load();
  document.body.dataset.ready = 'true';
}

// send posts to the API with the session's CSRF token; a refusal is shown
// in the work panel in the page's language and answers null.
async function send(session, url, init) {
  const problem = document.getElementById('work-problem');
  problem.replaceChildren();
  const r = await request(url, { method: 'POST', ...init, csrf: session.csrf });
  if (!r.ok) {
    problem.replaceChildren(problemView(r.status, r.doc));
    return null;
  }
  return r.doc;
}

// visitText names a visit: a patrol track or a live device, who, and when
// in the reserve's local time.
function visitText(v, tz) {
  const vars = { id: v.source === 'live' ? v.device : v.track, subject: v.subject, at: fmtLocal(v.at, tz) };
  return t(v.source === 'live' ? 'work.visitLive' : 'work.visitTrack', vars);
}

// photoText says where and when a verification photo was taken, and where
// that came from.
function photoText(p, tz) {
  if (p.lon == null) return t('work.photoNoPlace', { name: p.file_name });
  return t('work.photo', { name: p.file_name, at: fmtLocal(p.taken_at, tz), lon: p.lon.toFixed(5), lat: p.lat.toFixed(5), d: fmtNumber(p.distance_m, 0),
    from: t(p.position_from === 'exif' ? 'work.fromExif' : 'work.fromClient') });
}

// workPanel is the panel under the table where the picked clue is assigned
// and verified; reload refreshes the list after a change.
function workPanel(map, session, reload) {
  const panel = document.getElementById('clue-work');
  const result = document.getElementById('verify-result');
  const approval = document.getElementById('verify-approval-label');
  const visit = document.getElementById('verify-visit');
  const w = { id: null, clue: null };
  const row = (key, value) => [el('dt', {}, t(key)), el('dd', {}, value)];
  w.render = () => {
    const c = w.clue;
    if (!c) return;
    panel.hidden = false;
    document.getElementById('work-number').textContent = c.number;
    const images = `${c.imaged_before ?? '—'} → ${c.imaged_after}`;
    document.getElementById('work-summary').replaceChildren(
      ...row('clues.change', t('change.' + c.change_type)), ...row('work.zones', zoneText(c)),
      ...row('work.area', t('work.hectares', { n: fmtNumber(c.area_ha, 2) })), ...row('work.images', images),
      ...row('work.grid', c.grid_cell || '—'),
      ...row('work.status', el('span', { id: 'work-status', dataset: { status: c.status } }, t('clueStatus.' + c.status))),
      ...row('clues.assignee', c.assignee ? `${c.assignee}${c.deadline ? ` · ${t('clues.deadline')} ${c.deadline}` : ''}` : '—'));
    const open = c.status === 'new' || c.status === 'assigned';
    for (const id of ['assign-form', 'verify-form']) document.getElementById(id).hidden = !open;
    const keep = result.value;
    result.replaceChildren(...results.map((r) => el('option', { value: r }, t('result.' + r))));
    result.value = keep || results[0];
    approval.hidden = result.value !== 'lawful';
    visit.replaceChildren(...(c.visits?.length
      ? [el('option', { value: '' }, t('work.visitLatest')), ...c.visits.map((v) => el('option', { value: v.source === 'live' ? `device:${v.device}` : `track:${v.track}` }, visitText(v, c.time_zone)))]
      : [el('option', { value: '' }, t('work.noVisit'))]));
    const outcome = [];
    if (!open) outcome.push(el('p', {}, t('work.finished')));
    if (c.result) {
      outcome.push(el('p', { id: 'work-result', dataset: { result: c.result } }, t('work.resultDone'), t('result.' + c.result),
        c.verified_by ? t('work.verifiedBy', { who: c.verified_by, at: fmtLocal(c.verified_at, c.time_zone) }) : ''));
    }
    if (c.case) outcome.push(el('p', {}, t('work.case'), el('a', { id: 'work-case', href: `/cases/${c.case.id}` }, c.case.number)));
    if (c.photos.length) outcome.push(el('ul', { id: 'work-photos' }, c.photos.map((p) => el('li', {}, photoText(p, c.time_zone)))));
    document.getElementById('work-outcome').replaceChildren(...outcome);
  };
  w.open = async (id) => {
    w.id = id;
    w.clue = await getJSON(`/api/v1/clues/${id}`);
    document.getElementById('work-problem').replaceChildren();
    for (const tr of document.querySelectorAll('#clues-table tbody tr')) tr.classList.toggle('selected', tr.dataset.id === String(id));
    w.render();
    map.easeTo({ center: w.clue.center, zoom: Math.max(map.getZoom(), 13), duration: 0 });
    panel.scrollIntoView({ block: 'nearest' });
  };
  const after = async (doc) => {
    if (!doc) return;
    w.clue = await getJSON(`/api/v1/clues/${w.id}`);
    w.render();
    await reload();
  };
  result.addEventListener('change', () => {
    approval.hidden = result.value !== 'lawful';
  });
  document.getElementById('assign-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const body = {};
    const who = document.getElementById('assign-assignee').value.trim();
    const deadline = document.getElementById('assign-deadline').value;
    if (who) body.assignee = who;
    if (deadline) body.deadline = deadline;
    send(session(), `/api/v1/clues/${w.id}/assignment`, { json: body }).then(after).catch(showError);
  });
  document.getElementById('verify-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const fd = new FormData();
    fd.set('result', result.value);
    fd.set('note', document.getElementById('verify-note').value.trim());
    if (result.value === 'lawful') fd.set('approval', document.getElementById('verify-approval').value.trim());
    const [kind, ref] = visit.value.split(/:(.*)/s);
    if (kind === 'track') fd.set('track', ref);
    if (kind === 'device') fd.set('device', ref);
    for (const file of document.getElementById('verify-photos').files) fd.append('photo', file, file.name);
    send(session(), `/api/v1/clues/${w.id}/verification`, { body: fd }).then(async (doc) => {
      if (doc) document.getElementById('verify-form').reset();
      await after(doc);
    }).catch(showError);
  });
  return w;
}

main().catch(showError);
