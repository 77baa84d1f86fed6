// The printable case dossier (/cases/{id}?view=dossier), the file kept when
// a case is closed (销号): the case's particulars and legal basis with the
// articles' names, every event with what it recorded, the enforcement
// measures with amounts, and the evidence with photo thumbnails and their
// EXIF check. Print CSS (case.css) lays it out on A4.

import './casei18n.js';
import { eventComment, fmtLocal, fmtNumber, fmtYuan, statusColours } from './casecommon.js';
import { exifView } from './casework.js';
import { el, reserveName } from './common.js';
import { readExif } from './exif.js';
import { lang, t } from './i18n.js';

// activityName is an activity's name in the page's language (the rule
// table's), else its code.
export function activityName(names, code) {
  const a = names.activities[code];
  if (a) return lang() === 'zh' ? a.name_zh : a.name_en;
  return code;
}

// articleName is a rule article's title ("《自然保护区条例》第二十六条").
function articleName(names, code) {
  const a = names.articles[code];
  if (!a) return code;
  return (lang() === 'zh' ? a.title_zh || a.short_zh : a.title_en || a.short_en) || code;
}

// eventDetails are what an event recorded, as label: value lines.
export function eventDetails(ev) {
  const d = ev.data || {};
  const zh = lang() === 'zh';
  const sep = zh ? '：' : ': ';
  const out = [];
  const add = (k, v) => {
    if (v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0)) out.push(`${t(k)}${sep}${Array.isArray(v) ? v.join(zh ? '、' : ', ') : v}`);
  };
  const who = (ps) => (ps || []).map((p) => (typeof p === 'string' ? p : [p.name, p.title, p.unit].filter(Boolean).join(' ')));
  add('step.reason', d.reason);
  add('case.unit', d.unit_name);
  add('step.deadline', d.deadline);
  add('step.measures', d.rectification_measures);
  const insp = ev.kind === 'inspection' ? d : d.inspection;
  if (insp) {
    add('f.date', insp.date);
    add('f.inspectors', insp.inspectors);
    add('f.progress', insp.progress);
    add('f.findings', insp.findings);
    if (insp.assessment) add('f.assessment', t('assessment.' + insp.assessment));
  }
  if (d.interview) {
    add('step.date', d.interview.date);
    add('step.by', d.interview.by);
    add('step.interviewed', who(d.interview.interviewed));
    add('step.record', d.interview.record);
  }
  if (d.special_inspection) {
    add('step.date', d.special_inspection.date);
    add('step.inspectors', d.special_inspection.inspectors);
    add('step.findings', d.special_inspection.findings);
    add('step.accountability', (d.special_inspection.accountability || []).map((a) => `${t('accountability.' + a.kind)} ${a.target}`));
  }
  if (d.rectification) {
    add('step.completedOn', d.rectification.completed_on);
    add('step.description', d.rectification.description);
  }
  if (d.verification) {
    add('step.date', d.verification.date);
    add('step.verifiers', d.verification.verifiers);
    add('step.note', d.verification.note);
  }
  if (ev.kind === 'measure') {
    add('f.decidedOn', d.decided_on);
    add('f.decisionNo', d.decision_no);
    if (d.amount) add('f.amount', fmtNumber(d.amount));
    if (d.daily_amount) add('f.dailyAmount', fmtNumber(d.daily_amount));
    add('f.startOn', d.start_on);
    add('f.authority', d.authority);
    add('f.target', d.target);
    if (d.card) add('f.card', t('card.' + d.card));
  }
  if (ev.kind === 'evidence') {
    add('event.detail.file', d.file_name);
    if (d.role) add('f.role', t('role.' + d.role));
  }
  if (d.party && d.party.name) add('case.party', `${d.party.name}（${t('partyKind.' + (d.party.kind || 'unknown'))}）`);
  return out;
}

// dossierView is the whole dossier.
export function dossierView(cs, names) {
  const zh = lang() === 'zh';
  const tz = cs.timezone;
  const reserve = names.reserves[cs.reserve];
  const row = (k, v, id) => el('tr', {}, el('th', {}, t(k)), el('td', id ? { id } : {}, v || '—'));
  const party = cs.party && cs.party.name ? `${cs.party.name}（${t('partyKind.' + (cs.party.kind || 'unknown'))}）` : t('case.partyUnknown');
  const articles = (cs.articles || []).map((a) => articleName(names, a)).join(zh ? '；' : '; ');
  const summary = el('table', { class: 'dossier-summary', id: 'dossier-summary' },
    row('col.number', cs.number), row('col.title', cs.title),
    row('case.status', el('span', { class: 'status-badge', style: `background:${statusColours[cs.status]}` }, t('caseStatus.' + cs.status)), 'dossier-status'),
    row('case.reserve', reserve ? reserveName(reserve) : cs.reserve),
    row('case.source', t('caseSource.' + cs.source) + (cs.source_ref ? ` · ${cs.source_ref}` : '')),
    row('case.activity', activityName(names, cs.activity)),
    row('case.zone', cs.zone_kind ? t('kind.' + cs.zone_kind) : ''),
    row('case.location', `${fmtNumber(cs.point[0], 6)}, ${fmtNumber(cs.point[1], 6)}`),
    row('case.party', party),
    row('case.reporter', cs.reporter),
    row('case.criminal', cs.criminal ? t('yes') : t('no')),
    row('case.unit', cs.unit ? cs.unit.unit_name || cs.unit.name_zh : ''),
    row('case.measuresText', cs.rectification_measures),
    row('case.deadline', cs.deadline),
    row('case.observed', fmtLocal(cs.observed_at, tz)),
    row('case.reported', fmtLocal(cs.reported_at, tz)),
    row('case.closedAt', cs.closed_at ? fmtLocal(cs.closed_at, tz) : ''),
    row('case.basis', [articles, zh ? cs.basis_zh : cs.basis_en].filter(Boolean).join(zh ? '。' : '. '), 'dossier-basis'));
  const events = el('table', { class: 'dossier-table', id: 'dossier-events' },
    el('thead', {}, el('tr', {}, ['dossier.time', 'dossier.event', 'dossier.actor', 'dossier.details'].map((k) => el('th', {}, t(k))))),
    el('tbody', {}, (cs.events || []).map((ev) => el('tr', { dataset: { kind: ev.kind, to: ev.to || '' } },
      el('td', { class: 'time' }, fmtLocal(ev.at, tz)),
      el('td', {}, ev.from || ev.to ? (ev.from ? `${t('caseStatus.' + ev.from)} → ` : '') + t('caseStatus.' + ev.to) : ev.kind === 'measure' && ev.data?.kind ? t('measure.' + ev.data.kind) : t('event.' + ev.kind)),
      el('td', {}, ev.actor),
      el('td', {}, [...eventDetails(ev), eventComment(ev)].filter(Boolean).map((s) => el('div', {}, s)))))));
  const ms = cs.enforcement_measures || [];
  const measures = ms.length === 0 ? el('p', {}, t('case.noMeasures')) : el('table', { class: 'dossier-table', id: 'dossier-measures' },
    el('thead', {}, el('tr', {}, ['f.kind', 'f.decidedOn', 'f.decisionNo', 'f.amount', 'f.authority', 'f.description'].map((k) => el('th', {}, t(k))))),
    el('tbody', {}, ms.map((m) => el('tr', { dataset: { kind: m.kind } },
      el('td', {}, t('measure.' + m.kind) + (m.card ? ` · ${t('card.' + m.card)}` : '')), el('td', {}, m.decided_on), el('td', {}, m.decision_no || ''),
      el('td', { class: 'num' }, m.amount ? fmtYuan(m.amount) : m.daily_amount ? `${fmtYuan(m.daily_amount)}/${zh ? '日' : 'day'}${m.accrued ? ` · ${t('measure.accruedTo', { amount: fmtYuan(m.accrued) })}` : ''}` : ''),
      el('td', {}, m.authority || m.target || ''), el('td', {}, m.description || '')))));
  const law = el('dl', { class: 'dossier-law', id: 'dossier-law' }, (cs.legal_basis || []).flatMap((a) => [
    el('dt', { dataset: { code: a.code } }, (zh ? a.title_zh : a.title_en) || articleName(names, a.code)),
    el('dd', {}, (zh ? a.text_zh : a.text_en) || '')]));
  const ev = cs.evidence || [];
  const evidence = ev.length === 0 ? el('p', {}, t('case.noEvidence')) : el('ul', { class: 'dossier-evidence', id: 'dossier-evidence' }, ev.map((e) => {
    const li = el('li', { dataset: { kind: e.kind, role: e.role } },
      e.kind === 'photo' && e.content ? el('img', { class: 'thumb', src: e.content, alt: e.file_name || '' }) : '',
      el('div', {}, el('strong', {}, [t('evidence.' + e.kind), t('role.' + e.role)].join(' · ')), el('div', {}, [e.file_name, e.note].filter(Boolean).join(' · ')),
        el('div', {}, `${e.added_by} · ${fmtLocal(e.added_at, tz)}`), e.sha256 ? el('div', { class: 'hash' }, `SHA-256 ${e.sha256}`) : ''));
    if (e.kind === 'photo' && e.content) {
      fetch(e.content).then((r) => r.arrayBuffer()).then(readExif).then((info) => {
        li.lastChild.append(exifView(info, cs));
        li.dataset.exif = 'read';
      });
    }
    return li;
  }));
  return el('article', { id: 'dossier', dataset: { status: cs.status } },
    el('p', { class: 'no-print' }, el('button', { type: 'button', id: 'print', onclick: () => window.print() }, t('dossier.print')), ' ',
      el('a', { href: `/cases/${cs.id}` }, t('dossier.back'))),
    el('h2', {}, `${t('dossier.title')} ${cs.number}`),
    el('p', { class: 'hint' }, t('case.timesIn', { tz })),
    el('h3', {}, t('dossier.summary')), summary,
    (cs.legal_basis || []).length ? [el('h3', {}, t('dossier.law')), law] : '',
    el('h3', {}, t('dossier.events')), events,
    el('h3', {}, t('case.measures')), measures,
    el('h3', {}, t('case.evidence')), evidence,
    el('p', { class: 'signatures' }, t('dossier.signatures')),
    el('p', { class: 'hint' }, t('dossier.generated', { time: fmtLocal(new Date().toISOString(), tz) })));
}
