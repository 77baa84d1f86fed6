// The case page (/cases/{id}): sign in, then the case on the map, its
// summary, what can be done now (the workflow steps the API would accept,
// the records — joint inspection, measures, evidence, party — and why the
// rest is not available yet), the timeline of its events, its measures and
// its evidence with each photo's EXIF position checked against the case.
// With ?view=dossier it is the printable dossier for 销号 instead.

import * as maplibregl from './maplibre-gl.mjs';

import './casei18n.js';
import './case.css';
import { account } from './account.js';
import { activityName, dossierView } from './dossier.js';
import { eventComment, fmtLocal, fmtNumber, fmtYuan, problemView, statusColours } from './casecommon.js';
import { actionForm, actions, exifView, stepForm, stepName, steps } from './casework.js';
import { el, getJSON, request, reserveName, showError } from './common.js';
import { readExif } from './exif.js';
import { lang, setupLangSwitch, t } from './i18n.js';
import { addTileLayers, baseStyle } from './mapbase.js';

const caseID = location.pathname.split('/').filter(Boolean)[1];
const dossier = new URLSearchParams(location.search).get('view') === 'dossier';

// names are the rule table's and the reserves' names for codes.
const names = { activities: {}, articles: {}, reserves: {} };

async function loadNames() {
  const [rules, { reserves }] = await Promise.all([getJSON('/api/v1/rules'), getJSON('/api/v1/reserves')]);
  for (const a of rules.activities || []) names.activities[a.code] = a;
  for (const a of rules.articles || []) names.articles[a.code] = a;
  for (const r of reserves) names.reserves[r.code] = r;
}

// eventText says what an event was.
function eventText(ev) {
  if (ev.kind === 'transition' || (ev.kind === 'created' && ev.to)) {
    return ev.from ? `${t('caseStatus.' + ev.from)} → ${t('caseStatus.' + ev.to)}` : t('event.created', { status: t('caseStatus.' + ev.to) });
  }
  if (ev.kind === 'measure' && ev.data?.kind) return `${t('event.measure')}：${t('measure.' + ev.data.kind)}`;
  return t('event.' + ev.kind);
}

// measureLine is one measure with its amount, days and accrual.
function measureLine(m) {
  const bits = [m.decided_on];
  if (m.decision_no) bits.push(m.decision_no);
  if (m.amount) bits.push(fmtYuan(m.amount));
  if (m.daily_amount) bits.push(`${fmtYuan(m.daily_amount)}/${lang() === 'zh' ? '日' : 'day'}`);
  if (m.days) bits.push(t('measure.days', { n: fmtNumber(m.days, 0) }));
  if (m.accrued) bits.push(t('measure.accruedTo', { amount: fmtYuan(m.accrued) }));
  if (m.card) bits.push(t('card.' + m.card));
  if (m.authority) bits.push(m.authority);
  if (m.target) bits.push(m.target);
  if (m.description) bits.push(m.description);
  return bits.filter(Boolean).join(' · ');
}

// evidenceItem is one evidence item: a photo as a thumbnail (its EXIF read
// from the stored file), a document as a link, a track or screening linked.
function evidenceItem(e, cs) {
  const href = e.content || (e.screening_id ? `/api/v1/screenings/${e.screening_id}/report` : e.track_id ? `/tracks?track=${e.track_id}` : '');
  const label = [t('evidence.' + e.kind), e.role === 'verification' ? t('role.verification') : '', e.file_name, e.note].filter(Boolean).join(' · ');
  const li = el('li', { dataset: { kind: e.kind, role: e.role, id: String(e.id) } },
    e.kind === 'photo' && e.content ? el('a', { href: e.content }, el('img', { class: 'thumb', src: e.content, alt: e.file_name || '' })) : '',
    el('span', {}, el('strong', {}, label), ' · ', fmtLocal(e.added_at, cs.timezone), ' ', href ? el('a', { href }, t('case.open')) : ''));
  if (e.kind === 'photo' && e.content) {
    fetch(e.content).then((r) => r.arrayBuffer()).then(readExif).then((info) => {
      li.append(exifView(info, cs));
      li.dataset.exif = 'read';
      document.dispatchEvent(new CustomEvent('photoexif', { detail: { id: e.id, info } }));
    }).catch(showError);
  }
  return li;
}

// summaryView lists the case's fields.
function summaryView(cs) {
  const zh = lang() === 'zh';
  const row = (k, v, id) => [el('dt', {}, t(k)), el('dd', id ? { id } : {}, v ?? '—')];
  const reserve = names.reserves[cs.reserve];
  const party = cs.party && cs.party.name ? `${cs.party.name}（${t('partyKind.' + (cs.party.kind || 'unknown'))}）` : t('case.partyUnknown');
  return el('dl', { class: 'summary' },
    row('case.status', el('span', { class: 'status-badge', dataset: { status: cs.status }, style: `background:${statusColours[cs.status]}` }, t('caseStatus.' + cs.status)), 'case-status'),
    row('case.reserve', reserve ? reserveName(reserve) : cs.reserve),
    row('case.source', t('caseSource.' + cs.source)),
    row('case.activity', activityName(names, cs.activity), 'case-activity'),
    row('case.zone', cs.zone_kind ? t('kind.' + cs.zone_kind) : '—'),
    row('case.party', party, 'case-party'),
    cs.reporter || cs.subject ? row('case.reporter', cs.reporter || cs.subject) : '',
    row('case.criminal', cs.criminal ? t('yes') : t('no')),
    row('case.unit', cs.unit ? cs.unit.unit_name || cs.unit.name_zh : '—'),
    row('case.cell', cs.grid_cell ? cs.grid_cell.code : '—'),
    row('case.deadline', cs.deadline ? cs.deadline + (cs.overdue ? ` ${t('case.overdue')}` : '') : '—', 'case-deadline'),
    row('case.observed', fmtLocal(cs.observed_at, cs.timezone)),
    row('case.reported', fmtLocal(cs.reported_at, cs.timezone)),
    cs.closed_at ? row('case.closedAt', fmtLocal(cs.closed_at, cs.timezone), 'case-closed-at') : '',
    row('case.basis', (zh ? cs.basis_zh : cs.basis_en) || '—'),
    cs.accrued_penalty_total ? row('case.accrued', fmtYuan(cs.accrued_penalty_total)) : '',
    row('case.version', String(cs.version), 'case-version'));
}

// workView is what can be done now, and what not yet and why.
function workView(cs, canWrite, ctx) {
  const box = el('div', { id: 'work' });
  if (!canWrite) return el('div', { id: 'steps' }, el('p', { class: 'none' }, t('step.readOnly')));
  const st = steps(cs);
  const acts = actions(cs);
  const area = el('div', { id: 'work-form' });
  const open = (form) => area.replaceChildren(form);
  const stepBox = el('div', { id: 'steps' });
  const ok = st.filter((s) => s.ok);
  if (st.length === 0) stepBox.append(el('p', { class: 'none', id: 'no-steps' }, t('step.none')));
  if (ok.length) {
    stepBox.append(el('p', { class: 'step-buttons' }, ok.map((s) => el('button', { type: 'button', class: 'step', dataset: { to: s.to },
      onclick: () => open(stepForm(cs, s.to, ctx)) }, stepName(cs, s.to)))));
  }
  const recs = acts.filter((a) => a.ok);
  const actBox = el('p', { id: 'actions', class: 'step-buttons' }, recs.map((a) => el('button', { type: 'button', class: 'action', dataset: { action: a.action },
    onclick: () => open(actionForm(cs, a.action, ctx)) }, t('action.' + a.action))));
  const blocked = [...st.filter((s) => !s.ok).map((s) => ({ key: s.to, label: stepName(cs, s.to), why: s.why })),
    ...acts.filter((a) => !a.ok && !(a.action !== 'inspection' && ['dismissed', 'closed'].includes(cs.status))).map((a) => ({ key: a.action, label: t('action.' + a.action), why: a.why }))];
  box.append(el('h3', {}, t('case.next')), stepBox);
  if (recs.length) box.append(el('h3', {}, t('case.record')), actBox);
  if (blocked.length) {
    box.append(el('h3', {}, t('case.notYet')), el('ul', { id: 'blocked' }, blocked.map((b) => el('li', { dataset: { key: b.key } }, el('strong', {}, b.label), '：', b.why))));
  }
  if (ctx.notice) box.append(el('div', { id: 'notice' }, ctx.notice));
  box.append(area);
  return box;
}

// caseView is the panel: summary, work, timeline, measures, evidence.
function caseView(cs, canWrite, ctx) {
  const tz = cs.timezone;
  const events = el('ol', { id: 'timeline' }, (cs.events || []).map((ev) => el('li', { dataset: { kind: ev.kind, version: String(ev.version), to: ev.to || '' } },
    el('time', {}, fmtLocal(ev.at, tz)), ' ', el('strong', {}, eventText(ev)), ' · ', ev.actor,
    ev.comment ? el('p', { class: 'comment' }, eventComment(ev)) : '')));
  const ms = cs.enforcement_measures || [];
  const measures = ms.length === 0 ? el('p', { class: 'none' }, t('case.noMeasures'))
    : el('ul', { id: 'measures' }, ms.map((m) => el('li', { dataset: { kind: m.kind } }, el('strong', {}, t('measure.' + m.kind)), ' · ', measureLine(m))));
  const ev = cs.evidence || [];
  const evidence = ev.length === 0 ? el('p', { class: 'none' }, t('case.noEvidence')) : el('ul', { id: 'evidence' }, ev.map((e) => evidenceItem(e, cs)));
  return el('div', { id: 'case-view', dataset: { id: String(cs.id), status: cs.status, version: String(cs.version) } },
    el('h2', {}, cs.number, ' ', el('small', {}, cs.title)),
    cs.description ? el('p', {}, cs.description) : '',
    el('p', {}, el('a', { id: 'dossier-link', href: `/cases/${cs.id}?view=dossier` }, t('case.dossier'))),
    summaryView(cs),
    workView(cs, canWrite, ctx),
    el('h3', {}, t('case.timeline')), el('p', { class: 'hint' }, t('case.timesIn', { tz })), events,
    el('h3', {}, t('case.measures')), measures,
    el('h3', {}, t('case.evidence')), evidence);
}

// setupMap draws the case's location, point and photo positions.
async function setupMap(config, served) {
  const map = new maplibregl.Map({ container: 'map', style: baseStyle(config.basemap, served.layers), center: [86, 34.5], zoom: 4, attributionControl: { compact: false } });
  map.addControl(new maplibregl.NavigationControl(), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');
  window.warden = { map };
  await new Promise((resolve) => map.once('load', resolve));
  addTileLayers(map, served.layers.filter((l) => l.public));
  map.addSource('case', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({ id: 'case-area', type: 'fill', source: 'case', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': '#c0392b', 'fill-opacity': 0.3 } });
  map.addLayer({ id: 'case-line', type: 'line', source: 'case', filter: ['!=', ['geometry-type'], 'Point'], paint: { 'line-color': '#c0392b', 'line-width': 2 } });
  map.addLayer({ id: 'case-point', type: 'circle', source: 'case', filter: ['==', ['get', 'point'], true], paint: { 'circle-radius': 8, 'circle-color': ['get', 'colour'], 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 } });
  map.addSource('photos', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({ id: 'photo-points', type: 'circle', source: 'photos', paint: { 'circle-radius': 5, 'circle-color': '#1565c0', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.5 } });
  const photos = new Map();
  document.addEventListener('photoexif', (e) => {
    const { id, info } = e.detail;
    if (!info || info.lat === null) return;
    photos.set(id, { type: 'Feature', properties: { evidence: id }, geometry: { type: 'Point', coordinates: [info.lon, info.lat] } });
    map.getSource('photos').setData({ type: 'FeatureCollection', features: [...photos.values()] });
    window.warden.photos = photos.size;
  });
  return map;
}

async function main() {
  setupLangSwitch(document.getElementById('lang-switch'));
  const [config, served] = await Promise.all([getJSON('/config.json'), getJSON('/tiles'), loadNames()]);
  const panel = document.getElementById('case');
  if (dossier) document.body.classList.add('dossier-page');
  const map = dossier ? null : await setupMap(config, served);

  let shown = null;
  let session = null;
  const canWrite = () => session.me.authenticated && (session.me.user.roles.includes('admin') || session.me.user.roles.includes('officer'));
  const show = (cs) => {
    shown = cs;
    document.body.dataset.status = cs.status;
    document.body.dataset.version = String(cs.version);
    if (dossier) {
      panel.replaceChildren(dossierView(cs, names));
      return;
    }
    panel.replaceChildren(caseView(cs, canWrite(), ctx));
    ctx.notice = null;
    const point = { type: 'Feature', properties: { point: true, colour: statusColours[cs.status] }, geometry: { type: 'Point', coordinates: cs.point } };
    map.getSource('case').setData({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: cs.location }, point] });
  };
  // The dossier reads GET .../dossier: the case with its legal basis in full.
  const fetchCase = async () => {
    const r = await request(`/api/v1/cases/${encodeURIComponent(caseID)}${dossier ? '/dossier' : ''}`);
    if (r.ok && dossier) return { ok: true, doc: { ...r.doc.case, legal_basis: r.doc.legal_basis || [] } };
    return r;
  };
  const ctx = {
    notice: null,
    csrf: () => session.csrf,
    changed: (doc) => {
      // Writes answer with the case; an answer without its events (an
      // evidence item, or a bare version) makes the page read it again.
      if (doc && doc.id && doc.events) show(doc);
      else return ctx.reload();
    },
    reload: async () => {
      const r = await fetchCase();
      if (r.ok) show(r.doc);
      else panel.replaceChildren(problemView(r.status, r.doc));
    },
    refused: (status, doc) => {
      // A stale version: someone else moved the case on; show it as it is now.
      if (status === 409 && String(doc.type || '').endsWith('/stale-version')) {
        ctx.notice = problemView(status, doc);
        ctx.reload().catch(showError);
      }
    },
  };
  const load = async () => {
    if (!session.me.authenticated) {
      shown = null;
      panel.replaceChildren(el('p', { class: 'none', id: 'sign-in' }, t('cases.signInToSee')));
      return;
    }
    const r = await fetchCase();
    if (!r.ok) {
      panel.replaceChildren(problemView(r.status, r.doc));
      return;
    }
    show(r.doc);
    map?.jumpTo({ center: r.doc.point, zoom: 11 });
  };
  session = await account(() => load().catch(showError));
  await load();
  document.addEventListener('langchange', () => {
    if (shown) show(shown);
  });
  document.body.dataset.ready = 'true';
}

main().catch(showError);
