// Working a case from its page: which workflow steps and records the API
// would accept now (and why the others are not available yet), and the form
// of each — the transitions of internal/cases/workflow.go, the monthly joint
// inspection, the enforcement measures, the evidence upload (with the
// photo's EXIF position and time checked against the case) and the party.
// Every form posts with the case version the page shows; a refused request
// is shown in the page's language (problems.js).

import './casei18n.js';
import { fmtNumber, problemView, today } from './casecommon.js';
import { el, request } from './common.js';
import { distanceToCase, nearM, readExif } from './exif.js';
import { lang, t } from './i18n.js';

// working are the statuses in which the rectification is under way.
const working = ['transferred', 'rectifying', 'interviewed', 'special_inspection'];
const finished = (cs) => cs.status === 'dismissed' || cs.status === 'closed';

// lastAssessment is the assessment of the case's latest joint inspection.
function lastAssessment(cs) {
  let a = '';
  for (const ev of cs.events || []) {
    const d = ev.data || {};
    if (ev.kind === 'inspection' && d.assessment) a = d.assessment;
    else if (d.inspection && d.inspection.assessment) a = d.inspection.assessment;
  }
  return a;
}

// whyByType words the API's reasons for a blocked step, by their stable
// problem type, as the rest of the page words them.
const whyByType = { 'not-overdue-or-stalled': 'why.interviewed', 'verification-evidence-missing': 'why.closedEvidence', 'criminal-not-referred': 'why.closedCriminal' };

// serverWhy is the reason the API gives for a step not being available now
// (blocked_transitions): by its type where the page knows it, else the
// API's own sentence in the page's language.
function serverWhy(item) {
  if (!item || typeof item !== 'object') return '';
  if (whyByType[item.type]) return t(whyByType[item.type]);
  return (lang() === 'zh' ? item.reason_zh : item.reason_en) || '';
}

// steps lists the workflow steps from where the case is: {to, ok, why}:
// the API's allowed_transitions (accepted now) and blocked_transitions
// (refused now, with the reason's type). The page checks the same
// conditions again on what it shows (overdue or stalled before an
// interview, verification evidence and a police referral before closing),
// so that a case read before a record was added offers nothing refused.
export function steps(cs) {
  const out = [];
  const listed = [...(cs.allowed_transitions || []), ...(cs.blocked_transitions || [])];
  for (const item of listed) {
    const to = typeof item === 'string' ? item : item.to;
    if (!to || out.some((s) => s.to === to)) continue;
    let ok = typeof item === 'string';
    let why = ok ? '' : serverWhy(item);
    if (ok && to === 'interviewed' && !cs.overdue && !['slow', 'incomplete'].includes(lastAssessment(cs))) [ok, why] = [false, t('why.interviewed')];
    if (ok && to === 'closed') {
      const ev = cs.evidence || [];
      const ms = cs.enforcement_measures || [];
      if (!ev.some((e) => e.role === 'verification')) [ok, why] = [false, t('why.closedEvidence')];
      else if (cs.criminal && !ms.some((m) => m.kind === 'police_referral')) [ok, why] = [false, t('why.closedCriminal')];
    }
    if (!ok && !why) why = t('why.' + to) === 'why.' + to ? '' : t('why.' + to);
    out.push({ to, ok, why });
  }
  return out;
}

// actions lists the records that can be added now: {action, ok, why}.
export function actions(cs) {
  const open = !finished(cs);
  const insp = working.includes(cs.status);
  return [
    { action: 'inspection', ok: insp, why: insp ? '' : !open ? t('why.finished') : cs.status === 'rectified' ? t('why.inspectionAfter') : t('why.inspectionBefore') },
    { action: 'measure', ok: open, why: open ? '' : t('why.finished') },
    { action: 'evidence', ok: open, why: open ? '' : t('why.finished') },
    { action: 'party', ok: open, why: open ? '' : t('why.finished') },
  ];
}

// A field is [name in the body (a.b for nested), label key, type, required,
// options]; types: text, textarea, date, number, list (comma-separated
// names), select, checkbox.
const transitionFields = {
  verified: [['criminal', 'step.criminal', 'checkbox'], ['party.name', 'f.partyName', 'text'], ['party.kind', 'f.partyKind', 'select', false, ['unknown', 'person', 'enterprise'].map((k) => [k, 'partyKind.' + k])],
    ['party.id', 'f.partyID', 'text']],
  dismissed: [['reason', 'step.reason', 'textarea', true]],
  transferred: [['unit', 'step.unit', 'text'], ['deadline', 'step.deadline', 'date', true], ['rectification_measures', 'step.measures', 'textarea']],
  rectifying: [],
  interviewed: [['interview.date', 'step.date', 'date', true], ['interview.by', 'step.by', 'text'], ['interview.interviewed', 'step.interviewed', 'list', true],
    ['interview.record', 'step.record', 'textarea', true], ['deadline', 'step.newDeadline', 'date']],
  special_inspection: [['special_inspection.date', 'step.date', 'date', true], ['special_inspection.inspectors', 'step.inspectors', 'list', true],
    ['special_inspection.findings', 'step.findings', 'textarea', true],
    ['accountability.kind', 'step.accountability', 'select', true, ['notified_criticism', 'accountability_interview', 'discipline_referral'].map((k) => [k, 'accountability.' + k])],
    ['accountability.target', 'step.target', 'text', true], ['deadline', 'step.newDeadline', 'date']],
  rectified: [['rectification.completed_on', 'step.completedOn', 'date', true], ['rectification.description', 'step.description', 'textarea', true]],
  closed: [['verification.date', 'step.date', 'date', true], ['verification.verifiers', 'step.verifiers', 'list', true], ['verification.note', 'step.note', 'textarea']],
};

const inspectionFields = [['date', 'f.date', 'date', true], ['inspectors', 'f.inspectors', 'list', true], ['progress', 'f.progress', 'textarea', true],
  ['findings', 'f.findings', 'textarea'], ['assessment', 'f.assessment', 'select', true, ['on_track', 'slow', 'incomplete'].map((k) => [k, 'assessment.' + k])]];

export const measureKinds = ['administrative_penalty', 'daily_penalty', 'seizure', 'production_limit', 'production_stop', 'police_referral', 'listed_supervision',
  'media_exposure', 'credit_card', 'notified_criticism', 'accountability_interview', 'discipline_referral'];

// measureFields are the fields of each kind of measure besides its kind and
// date, as the API checks them (internal/cases/measures.go).
function measureFields(kind) {
  const no = ['decision_no', 'f.decisionNo', 'text'];
  const desc = (req) => ['description', 'f.description', 'textarea', req];
  const auth = (label = 'f.authority', req = false) => ['authority', label, 'text', req];
  switch (kind) {
    case 'administrative_penalty': return [no, auth(), ['amount', 'f.amount', 'number', true], desc()];
    case 'daily_penalty': return [no, auth(), ['daily_amount', 'f.dailyAmount', 'number', true], ['start_on', 'f.startOn', 'date', true], ['end_on', 'f.endOn', 'date'], desc()];
    case 'seizure': case 'media_exposure': return [no, auth(), desc(true)];
    case 'police_referral': return [no, auth('f.policeAuthority', true), desc()];
    case 'listed_supervision': return [no, auth('f.supervisor', true), desc()];
    case 'credit_card': return [['card', 'f.card', 'select', true, [['red', 'card.red'], ['yellow', 'card.yellow']]], no, auth(), desc()];
    case 'notified_criticism': case 'accountability_interview': case 'discipline_referral': return [['target', 'f.target', 'text', true], no, auth(), desc()];
    default: return [no, auth(), desc()];
  }
}

const inputID = (name) => 'f-' + name.replace(/[._]/g, '-');

// field makes the label and input of one field.
function field([name, label, type, req, options], tz) {
  let input;
  const id = inputID(name);
  if (type === 'select') input = el('select', { id, name }, options.map(([v, k]) => el('option', { value: v }, t(k))));
  else if (type === 'textarea') input = el('textarea', { id, name, rows: '2' });
  else if (type === 'checkbox') return el('label', { class: 'block check' }, el('input', { type: 'checkbox', id, name }), ' ', t(label));
  else {
    input = el('input', { type: type === 'list' ? 'text' : type, id, name, ...(type === 'number' ? { min: '0', step: 'any', inputmode: 'decimal' } : {}) });
    if (type === 'date' && req) input.value = today(tz);
  }
  return el('label', { class: 'block' }, el('span', {}, t(label) + (req ? ' *' : '') + (type === 'list' ? t('step.commas') : '')), input);
}

// put sets body[a][b] for the path "a.b".
function put(body, path, v) {
  const keys = path.split('.');
  let o = body;
  for (const k of keys.slice(0, -1)) o = o[k] ??= {};
  o[keys.at(-1)] = v;
}

// collect reads the fields into a request body (empty fields are left out).
function collect(form, fields, body = {}) {
  for (const [name, , type] of fields) {
    const input = form.querySelector('#' + inputID(name));
    if (!input) continue;
    if (type === 'checkbox') put(body, name, input.checked);
    else if (type === 'list') {
      const names = input.value.split(/[,，、;；]/).map((s) => s.trim()).filter(Boolean);
      put(body, name, name === 'interview.interviewed' ? names.map((n) => ({ name: n })) : names);
    } else if (type === 'number') {
      if (input.value.trim() !== '') put(body, name, Number(input.value.replace(/[,，\s]/g, '')));
    } else if (input.value.trim() !== '') put(body, name, input.value.trim());
  }
  return body;
}

// send sends a request with the session's CSRF token and returns {ok,
// status, doc}.
const send = (url, csrf, init) => request(url, { ...init, csrf });

const postJSON = (url, csrf, body, method = 'POST') => send(url, csrf, { method, json: body });

// shell is a form with a heading, fields, a submit button and a result area.
function shell(id, data, title, children) {
  const out = el('div', { id: id === 'step-form' ? 'step-result' : 'action-result' });
  const form = el('form', { id, class: 'work-form', dataset: data, novalidate: '' },
    el('h3', {}, title), ...children,
    el('button', { type: 'submit', id: id === 'step-form' ? 'step-submit' : 'action-submit' }, t('step.submit')), out);
  return { form, out };
}

// submitting wires a form's submit to a request; answered(doc) gets the
// 2xx answer, refused(status, doc) the problem.
function submitting(form, out, request, answered, refused) {
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    out.replaceChildren();
    try {
      const r = await request();
      if (r.ok) await answered(r.doc);
      else {
        out.replaceChildren(problemView(r.status, r.doc));
        refused(r.status, r.doc);
      }
    } finally {
      button.disabled = false;
    }
  });
}

// stepName names the step from the case's status to `to`: the status it
// leads to, except going back from rectified to rectifying, which sends the
// rectification back (退回整改) rather than starting it.
export function stepName(cs, to) {
  return cs.status === 'rectified' && to === 'rectifying' ? t('step.sendBack') : t('caseStatus.' + to);
}

// stepForm is the form of one workflow step.
export function stepForm(cs, to, ctx) {
  const fields = transitionFields[to] || [];
  const commentReq = to === 'rectifying' && cs.status === 'rectified';
  const comment = el('textarea', { id: 'step-comment', rows: '2' });
  const { form, out } = shell('step-form', { to }, t('step.to', { status: stepName(cs, to) }), [
    ...fields.map((f) => field(f, cs.timezone)),
    el('label', { class: 'block' }, el('span', {}, t('step.comment') + (commentReq ? ' *' : '')), comment)]);
  submitting(form, out, () => {
    const body = collect(form, fields, { to, version: cs.version, comment: comment.value.trim() });
    if (body.accountability) {
      body.special_inspection = { ...body.special_inspection, accountability: [body.accountability] };
      delete body.accountability;
    }
    if (body.party && !body.party.name) delete body.party;
    return postJSON(`/api/v1/cases/${cs.id}/transitions`, ctx.csrf(), body);
  }, (doc) => ctx.changed(doc), (status, doc) => ctx.refused(status, doc));
  return form;
}

// actionForm is the form of one record: inspection, measure, evidence, party.
export function actionForm(cs, action, ctx) {
  const base = `/api/v1/cases/${cs.id}`;
  const title = t(`action.${action}Title`);
  if (action === 'inspection') {
    const { form, out } = shell('action-form', { action }, title, inspectionFields.map((f) => field(f, cs.timezone)));
    submitting(form, out, () => postJSON(`${base}/inspections`, ctx.csrf(), collect(form, inspectionFields, { version: cs.version })),
      (doc) => ctx.changed(doc), (s, d) => ctx.refused(s, d));
    return form;
  }
  if (action === 'party') {
    const fields = transitionFields.verified.slice(1).map(([n, ...r]) => [n.replace('party.', ''), ...r]);
    const { form, out } = shell('action-form', { action }, title, fields.map((f) => field(f, cs.timezone)));
    form.querySelector('#f-name').value = cs.party?.name || '';
    form.querySelector('#f-kind').value = cs.party?.kind || 'unknown';
    form.querySelector('#f-id').value = cs.party?.id || '';
    submitting(form, out, () => postJSON(base, ctx.csrf(), { version: cs.version, party: collect(form, fields) }, 'PATCH'),
      (doc) => ctx.changed(doc), (s, d) => ctx.refused(s, d));
    return form;
  }
  if (action === 'measure') return measureForm(cs, ctx, title);
  return evidenceForm(cs, ctx, title);
}

// measureForm changes its fields with the kind of measure chosen.
function measureForm(cs, ctx, title) {
  const enterprise = cs.party?.kind === 'enterprise';
  const kind = el('select', { id: 'f-kind' }, measureKinds.map((k) => el('option', { value: k, ...(k === 'credit_card' && !enterprise ? { disabled: '' } : {}) }, t('measure.' + k))));
  const decided = field(['decided_on', 'f.decidedOn', 'date', true], cs.timezone);
  const extra = el('div', { id: 'measure-fields' });
  const note = enterprise ? '' : el('p', { class: 'hint' }, t('why.creditCard'));
  const redraw = () => extra.replaceChildren(...measureFields(kind.value).map((f) => field(f, cs.timezone)));
  kind.addEventListener('change', redraw);
  redraw();
  const { form, out } = shell('action-form', { action: 'measure' }, title,
    [el('label', { class: 'block' }, el('span', {}, t('f.kind') + ' *'), kind), note, decided, extra]);
  submitting(form, out, () => postJSON(`/api/v1/cases/${cs.id}/measures`, ctx.csrf(),
    collect(form, [['decided_on', '', 'date'], ...measureFields(kind.value)], { version: cs.version, kind: kind.value })),
  (doc) => ctx.changed(doc), (s, d) => ctx.refused(s, d));
  return form;
}

// exifView shows a photo's EXIF position and time and how far it was
// taken from the case.
export function exifView(info, cs, isPhoto = true) {
  if (!isPhoto) return el('p', { class: 'exif', dataset: { check: 'none' } }, t('exif.notPhoto'));
  if (!info) return el('p', { class: 'exif', dataset: { check: 'none' } }, t('exif.none'));
  const parts = [];
  let check = 'none';
  let m = null;
  if (info.lat !== null) {
    m = Math.round(distanceToCase([info.lon, info.lat], cs));
    check = m <= nearM ? 'near' : 'far';
    parts.push(`${t('exif.position')} ${info.lon.toFixed(6)}, ${info.lat.toFixed(6)}`);
  } else parts.push(`${t('exif.position')}：${t('exif.noPosition')}`);
  if (info.taken) parts.push(`${t('exif.time')} ${info.taken}${info.offset ? ' ' + info.offset : t('exif.noOffset')}`);
  const verdict = m === null ? '' : el('strong', { class: 'exif-' + check }, t(check === 'near' ? 'exif.near' : 'exif.far', { m: fmtNumber(m, 0), limit: fmtNumber(nearM, 0) }));
  return el('p', { class: 'exif', dataset: { check, distance: m === null ? '' : String(m), lat: String(info.lat ?? ''), lon: String(info.lon ?? ''), taken: info.taken || '' } },
    parts.join(lang() === 'zh' ? '；' : '; '), parts.length ? ' · ' : '', verdict);
}

// evidenceForm uploads a photo or document; a photo's EXIF is read and
// checked as soon as it is chosen, before anything is sent.
function evidenceForm(cs, ctx, title) {
  const file = el('input', { type: 'file', id: 'f-file', accept: 'image/jpeg,image/png,image/gif,image/webp,application/pdf,text/plain,.docx,.xlsx,.odt,.doc,.xls' });
  const role = el('select', { id: 'f-role' }, ['evidence', 'verification'].map((r) => el('option', { value: r }, t('role.' + r))));
  if (cs.status === 'rectified') role.value = 'verification';
  const note = el('textarea', { id: 'f-note', rows: '2' });
  const check = el('div', { id: 'exif-check' });
  file.addEventListener('change', async () => {
    const f = file.files[0];
    check.replaceChildren();
    if (!f) return;
    if (!f.type.startsWith('image/')) {
      check.replaceChildren(exifView(null, cs, false));
      return;
    }
    check.replaceChildren(el('p', { class: 'exif' }, t('exif.reading')));
    check.replaceChildren(el('img', { class: 'preview', src: URL.createObjectURL(f), alt: f.name }), exifView(await readExif(f), cs));
  });
  const { form, out } = shell('action-form', { action: 'evidence' }, title, [
    el('label', { class: 'block' }, el('span', {}, t('f.file') + ' *'), file), check,
    el('label', { class: 'block' }, el('span', {}, t('f.role')), role),
    el('label', { class: 'block' }, el('span', {}, t('f.note')), note)]);
  submitting(form, out, async () => {
    if (!file.files[0]) return { ok: false, status: 400, doc: { type: '/problems/no-file', problems: [{ pointer: 'file', reason: 'file is required' }] } };
    const fd = new FormData();
    fd.append('role', role.value);
    fd.append('note', note.value.trim());
    fd.append('version', String(cs.version));
    fd.append('file', file.files[0]);
    return send(`/api/v1/cases/${cs.id}/evidence`, ctx.csrf(), { method: 'POST', body: fd });
  }, () => ctx.reload(), (s, d) => ctx.refused(s, d));
  return form;
}
