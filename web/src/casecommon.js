// What the case pages share: the statuses and sources with their labels,
// refused requests in the page's language, times, dates and amounts as the
// reserve's staff read them, and the loading of a signed-in list (the
// cases, clues and devices pages).

import { request } from './common.js';
import { lang, t } from './i18n.js';
import { problemView } from './problems.js';

export { problemView };

// statuses are the workflow's, in order (internal/cases/cases.go).
export const statuses = ['reported', 'verified', 'dismissed', 'transferred', 'rectifying', 'interviewed', 'special_inspection', 'rectified', 'closed'];

// sources are where cases come from.
export const sources = ['patrol', 'screening', 'marker_check', 'central_inspection', 'provincial_inspection', 'ministry_patrol', 'special_action', 'public_report', 'system', 'remote_sensing'];

// statusColours colour cases by status on the map and in the pages.
export const statusColours = {
  reported: '#c0392b',
  verified: '#e67e22',
  dismissed: '#9e9e9e',
  transferred: '#8e44ad',
  rectifying: '#2e6fd8',
  interviewed: '#b71c1c',
  special_inspection: '#6a1b9a',
  rectified: '#16a085',
  closed: '#1b7f3b',
};

// offsetOf is the UTC offset of tz at the instant d, as "+08:00".
function offsetOf(d, tz) {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value || 'GMT';
  return name === 'GMT' ? '+00:00' : name.slice(3);
}

// fmtLocal writes an RFC 3339 time as "YYYY-MM-DD HH:MM:SS +08:00": the
// wall-clock time in the reserve's (the case's) time zone, with its offset,
// so that a reader anywhere knows which instant it is.
export function fmtLocal(iso, tz = 'Asia/Shanghai') {
  if (!iso) return '—';
  const d = new Date(iso);
  const wall = new Intl.DateTimeFormat('sv-SE', {
    timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
  }).format(d);
  return `${wall} ${offsetOf(d, tz)}`;
}

// today is the date in tz as YYYY-MM-DD (what a date field starts with).
export function today(tz = 'Asia/Shanghai') {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

// fmtNumber writes a number with thousands separators in the page's
// language, with at most `digits` decimals.
export function fmtNumber(n, digits = 2) {
  if (n === null || n === undefined || Number.isNaN(Number(n))) return '—';
  return new Intl.NumberFormat(lang() === 'zh' ? 'zh-CN' : 'en-US', { maximumFractionDigits: digits }).format(Number(n));
}

// fmtYuan writes an amount of money: "12,000 元" or "¥12,000".
export function fmtYuan(n) {
  return lang() === 'zh' ? `${fmtNumber(n)} 元` : `¥${fmtNumber(n)}`;
}

// systemComments are the comments Warden itself writes on case events
// (migrations 00004, internal/cases' sweep and registration), each in a fixed wording,
// matched and said again in the page's language.
const systemComments = [
  [/^opened from finding (\d+) \((\w+)\)$/, (m) => t('comment.fromFinding', { id: m[1], source: t('findingSource.' + m[2]) })],
  [/^opened from the check of marker (.+)$/, (m) => t('comment.fromMarker', { code: m[1] })],
  [/^整改期限(\d{4}-\d\d-\d\d)已过$/, (m) => t('comment.overdue', { deadline: m[1] })],
  [/^registered from (\w+)$/, (m) => t('comment.registered', { source: t('caseSource.' + m[1]) })],
];

// eventComment is an event's comment in the page's language: the comments
// Warden writes itself (also on a person's registration) are translated,
// people's own are shown as written.
export function eventComment(ev) {
  if (!ev.comment) return '';
  for (const [re, say] of systemComments) {
    const m = re.exec(ev.comment);
    if (m) return say(m);
  }
  return ev.comment;
}

// loadList loads a signed-in list page's list: signed in, it fetches url()
// and hands the answer to shown; signed out, or refused, it calls
// shown(null), says signIn's message or the problem in count and empties
// the table body. body[data-loaded] is "true" once it is done.
export async function loadList({ session, url, count, body, signIn, shown }) {
  document.body.dataset.loaded = 'false';
  const r = session.me.authenticated ? await request(url()) : null;
  if (r?.ok) {
    shown(r.doc);
  } else {
    shown(null);
    if (r) count.replaceChildren(problemView(r.status, r.doc));
    else count.textContent = t(signIn);
    body.replaceChildren();
  }
  document.body.dataset.loaded = 'true';
}
