// The case page (/cases/{id}): sign in, then the case on the map, its
// summary, the timeline of its events, its enforcement measures and
// evidence, and the next allowed steps of the workflow, each a form that
// POSTs /api/v1/cases/{id}/transitions with the case's version and the
// fields that step needs (internal/cases/workflow.go).

import * as maplibregl from './maplibre-gl.mjs';

import { account } from './account.js';
import { problemView, statusColours } from './casecommon.js';
import { el, fmtTime, getJSON, showError } from './common.js';
import { lang, setupLangSwitch, t } from './i18n.js';
import { addTileLayers, baseStyle } from './mapbase.js';

const caseID = location.pathname.split('/').filter(Boolean)[1];

// The fields of each step, beyond the comment: [name in the body (a.b for
// nested), label key, input type, required].
const stepFields = {
  verified: [['criminal', 'step.criminal', 'checkbox', false]],
  dismissed: [['reason', 'step.reason', 'text', true]],
  transferred: [['unit', 'step.unit', 'text', false], ['deadline', 'step.deadline', 'date', true], ['rectification_measures', 'step.measures', 'text', false]],
  rectifying: [],
  interviewed: [['interview.date', 'step.date', 'date', true], ['interview.by', 'step.by', 'text', false],
    ['interview.interviewed', 'step.interviewed', 'list', true], ['interview.record', 'step.record', 'text', true], ['deadline', 'step.newDeadline', 'date', false]],
  special_inspection: [['special_inspection.date', 'step.date', 'date', true], ['special_inspection.inspectors', 'step.inspectors', 'list', true],
    ['special_inspection.findings', 'step.findings', 'text', true], ['special_inspection.accountability', 'step.accountability', 'accountability', true],
    ['deadline', 'step.newDeadline', 'date', false]],
  rectified: [['rectification.completed_on', 'step.completedOn', 'date', true], ['rectification.description', 'step.description', 'text', true]],
  closed: [['verification.date', 'step.date', 'date', true], ['verification.verifiers', 'step.verifiers', 'list', true], ['verification.note', 'step.note', 'text', false]],
};

// put sets body[a][b] for the path "a.b".
function put(body, path, v) {
  const keys = path.split('.');
  let o = body;
  for (const k of keys.slice(0, -1)) o = o[k] ??= {};
  o[keys.at(-1)] = v;
}

// stepForm is the form of one next step.
function stepForm(cs, to, done) {
  const id = (name) => `step-${name.replace(/\./g, '-')}`;
  const inputs = stepFields[to].map(([name, label, type, req]) => {
    let input;
    if (type === 'accountability') {
      input = el('span', {},
        el('select', { id: id(name) + '-kind' }, ['notified_criticism', 'accountability_interview', 'discipline_referral'].map((k) => el('option', { value: k }, t('accountability.' + k)))),
        ' ', el('input', { type: 'text', id: id(name) + '-target', placeholder: t('step.target') }));
    } else {
      input = el('input', { type: type === 'list' ? 'text' : type, id: id(name) });
    }
    return el('label', { class: 'block' }, el('span', {}, t(label) + (req ? ' *' : '') + (type === 'list' ? t('step.commas') : '')), input);
  });
  const comment = el('input', { type: 'text', id: 'step-comment' });
  const out = el('div', { id: 'step-result' });
  const form = el('form', { id: 'step-form', dataset: { to } },
    el('h3', {}, t('step.to', { status: t('caseStatus.' + to) })),
    ...inputs,
    el('label', { class: 'block' }, el('span', {}, t('step.comment') + (to === 'rectifying' && cs.status === 'rectified' ? ' *' : '')), comment),
    el('button', { type: 'submit', id: 'step-submit' }, t('step.submit')), out);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { to, version: cs.version, comment: comment.value.trim() };
    for (const [name, , type] of stepFields[to]) {
      const v = type === 'accountability' ? null : document.getElementById(id(name));
      if (type === 'checkbox') put(body, name, v.checked);
      else if (type === 'list') {
        const names = v.value.split(/[,，、]/).map((s) => s.trim()).filter(Boolean);
        put(body, name, name === 'interview.interviewed' ? names.map((n) => ({ name: n })) : names);
      } else if (type === 'accountability') {
        put(body, name, [{ kind: document.getElementById(id(name) + '-kind').value, target: document.getElementById(id(name) + '-target').value.trim() }]);
      } else if (v.value.trim() !== '') put(body, name, v.value.trim());
    }
    const res = await fetch(`/api/v1/cases/${cs.id}/transitions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': done.csrf() },
      body: JSON.stringify(body),
    });
    const doc = await res.json();
    if (!res.ok) {
      out.replaceChildren(problemView(res.status, doc));
      return;
    }
    done.moved(doc);
  });
  return form;
}

// eventText says what an event was.
function eventText(ev) {
  if (ev.kind === 'transition' || (ev.kind === 'created' && ev.to)) {
    return ev.from ? `${t('caseStatus.' + ev.from)} → ${t('caseStatus.' + ev.to)}` : t('event.created', { status: t('caseStatus.' + ev.to) });
  }
  return t('event.' + ev.kind);
}

// evidenceLink opens what an evidence item refers to, if it can be opened.
function evidenceLink(e) {
  const href = e.content || (e.screening_id ? `/api/v1/screenings/${e.screening_id}/report` : e.track_id ? `/tracks?track=${e.track_id}` : '');
  return href ? [' ', el('a', { href }, t('case.open'))] : '';
}

// caseView is the panel: summary, next steps, timeline, measures, evidence.
function caseView(cs, canWrite, done) {
  const zh = lang() === 'zh';
  const tz = cs.timezone;
  const row = (k, v, id) => [el('dt', {}, t(k)), el('dd', id ? { id } : {}, v ?? '—')];
  const summary = el('dl', { class: 'summary' },
    row('case.status', el('span', { class: 'status-badge', dataset: { status: cs.status }, style: `background:${statusColours[cs.status]}` }, t('caseStatus.' + cs.status)), 'case-status'),
    row('case.reserve', cs.reserve),
    row('case.source', zh ? cs.source_zh : cs.source),
    row('case.activity', cs.activity),
    row('case.zone', cs.zone_kind ? t('kind.' + cs.zone_kind) : '—'),
    row('case.party', cs.party && cs.party.name ? cs.party.name : '—'),
    row('case.unit', cs.unit ? cs.unit.unit_name || cs.unit.name_zh : '—'),
    row('case.cell', cs.grid_cell ? cs.grid_cell.code : '—'),
    row('case.deadline', cs.deadline ? cs.deadline + (cs.overdue ? ` · ${t('case.overdue')}` : '') : '—'),
    row('case.reported', fmtTime(cs.reported_at, tz)),
    row('case.basis', zh ? cs.basis_zh : cs.basis_en),
    row('case.version', String(cs.version), 'case-version'));

  const steps = el('div', { id: 'steps' });
  const allowed = cs.allowed_transitions || [];
  if (!canWrite) steps.append(el('p', { class: 'none' }, t('step.readOnly')));
  else if (allowed.length === 0) steps.append(el('p', { class: 'none', id: 'no-steps' }, t('step.none')));
  else {
    steps.append(el('p', { class: 'step-buttons' }, allowed.map((to) => el('button', {
      type: 'button', class: 'step', dataset: { to },
      onclick: () => {
        document.getElementById('step-form')?.remove();
        steps.append(stepForm(cs, to, done));
      },
    }, t('caseStatus.' + to)))));
  }

  const events = el('ol', { id: 'timeline' }, (cs.events || []).map((ev) => el('li', { dataset: { kind: ev.kind, version: String(ev.version), to: ev.to || '' } },
    el('time', {}, fmtTime(ev.at, tz)), ' ', el('strong', {}, eventText(ev)), ' · ', ev.actor,
    ev.comment ? el('p', { class: 'comment' }, ev.comment) : '')));

  const measures = (cs.enforcement_measures || []).length === 0 ? el('p', { class: 'none' }, t('case.noMeasures'))
    : el('ul', { id: 'measures' }, cs.enforcement_measures.map((m) => el('li', { dataset: { kind: m.kind } },
      el('strong', {}, zh ? m.kind_zh : m.kind.replace(/_/g, ' ')), m.decided_on ? ` · ${m.decided_on}` : '', m.amount ? ` · ${m.amount}` : '', m.target ? ` · ${m.target}` : '', m.description ? ` · ${m.description}` : '')));
  const evidence = (cs.evidence || []).length === 0 ? el('p', { class: 'none' }, t('case.noEvidence'))
    : el('ul', { id: 'evidence' }, cs.evidence.map((e) => el('li', { dataset: { kind: e.kind } },
      el('strong', {}, t('evidence.' + e.kind)), e.note ? ` · ${e.note}` : '', ' · ', fmtTime(e.added_at, tz), evidenceLink(e))));

  return el('div', { id: 'case-view', dataset: { id: String(cs.id), status: cs.status, version: String(cs.version) } },
    el('h2', {}, cs.number, ' ', el('small', {}, cs.title)),
    cs.description ? el('p', {}, cs.description) : '',
    summary,
    el('h3', {}, t('case.next')), steps,
    el('h3', {}, t('case.timeline')), events,
    el('h3', {}, t('case.measures')), measures,
    el('h3', {}, t('case.evidence')), evidence);
}

async function main() {
  setupLangSwitch(document.getElementById('lang-switch'));
  const [config, served] = await Promise.all([getJSON('/config.json'), getJSON('/tiles')]);
  const panel = document.getElementById('case');
  const map = new maplibregl.Map({ container: 'map', style: baseStyle(config.basemap), center: [86, 34.5], zoom: 4, attributionControl: { compact: false } });
  map.addControl(new maplibregl.NavigationControl(), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');
  window.warden = { map };
  await new Promise((resolve) => map.once('load', resolve));
  addTileLayers(map, served.layers.filter((l) => l.public));
  map.addSource('case', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({ id: 'case-area', type: 'fill', source: 'case', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': '#c0392b', 'fill-opacity': 0.3 } });
  map.addLayer({ id: 'case-line', type: 'line', source: 'case', filter: ['!=', ['geometry-type'], 'Point'], paint: { 'line-color': '#c0392b', 'line-width': 2 } });
  map.addLayer({ id: 'case-point', type: 'circle', source: 'case', filter: ['==', ['get', 'point'], true], paint: { 'circle-radius': 8, 'circle-color': ['get', 'colour'], 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 } });

  let shown = null;
  let session = null;
  const canWrite = () => session.me.authenticated && (session.me.user.roles.includes('admin') || session.me.user.roles.includes('officer'));
  const done = {
    csrf: () => session.csrf,
    moved: (cs) => show(cs),
  };
  const show = (cs) => {
    shown = cs;
    panel.replaceChildren(caseView(cs, canWrite(), done));
    const point = { type: 'Feature', properties: { point: true, colour: statusColours[cs.status] }, geometry: { type: 'Point', coordinates: cs.point } };
    map.getSource('case').setData({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: cs.location }, point] });
    document.body.dataset.status = cs.status;
    document.body.dataset.version = String(cs.version);
  };
  const load = async () => {
    if (!session.me.authenticated) {
      shown = null;
      panel.replaceChildren(el('p', { class: 'none', id: 'sign-in' }, t('cases.signInToSee')));
      return;
    }
    const res = await fetch(`/api/v1/cases/${encodeURIComponent(caseID)}`, { headers: { Accept: 'application/json' } });
    const doc = await res.json();
    if (!res.ok) {
      panel.replaceChildren(problemView(res.status, doc));
      return;
    }
    show(doc);
    map.jumpTo({ center: doc.point, zoom: 11 });
  };
  session = await account(() => load().catch(showError));
  await load();
  document.addEventListener('langchange', () => {
    if (shown) show(shown);
  });
  document.body.dataset.ready = 'true';
}

main().catch(showError);
