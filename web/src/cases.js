// The cases page (/cases): the problem list of GET /api/v1/cases for the
// signed-in user, filtered by reserve, status, source, responsible unit,
// grid cell and overdue (kept in the address as the API's parameters), and
// by deadline; sorted by clicking a column (the API sorts); downloadable as
// the problem list workbook (format=xlsx, the same filters); each case opening its page /cases/{id} and its
// printable dossier.

import './casei18n.js';
import './cases.css';
import { account } from './account.js';
import { fmtLocal, fmtNumber, loadList, sources, statusColours, statuses, today } from './casecommon.js';
import { el, getJSON, reserveName, showError } from './common.js';
import { lang, setupLangSwitch, t } from './i18n.js';

// deadlineWindows turn the deadline filter into the API's parameters.
const deadlineWindows = {
  '': () => ({}),
  overdue: () => ({ overdue: 'true' }),
  week: (day) => ({ deadline_from: day, deadline_to: addDays(day, 7) }),
  month: (day) => ({ deadline_from: day, deadline_to: addDays(day, 30) }),
};

function addDays(day, n) {
  const d = new Date(day + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

async function main() {
  setupLangSwitch(document.getElementById('lang-switch'));
  const [{ reserves }, rules] = await Promise.all([getJSON('/api/v1/reserves'), getJSON('/api/v1/rules')]);
  const activities = Object.fromEntries((rules.activities || []).map((a) => [a.code, a]));
  const activityName = (code) => (activities[code] ? (lang() === 'zh' ? activities[code].name_zh : activities[code].name_en) : code);
  const q = new URLSearchParams(location.search);
  const f = {
    reserve: document.getElementById('f-reserve'), status: document.getElementById('f-status'), source: document.getElementById('f-source'),
    unit: document.getElementById('f-unit'), grid_cell: document.getElementById('f-cell'), overdue: document.getElementById('f-overdue'),
    deadline: document.getElementById('f-deadline'),
  };
  const fill = () => {
    const keep = [f.reserve.value || q.get('reserve') || '', f.status.value || q.get('status') || '', f.source.value || q.get('source') || '', f.deadline.value || q.get('deadline') || ''];
    f.reserve.replaceChildren(el('option', { value: '' }, t('cases.all')), ...reserves.map((r) => el('option', { value: r.code }, reserveName(r))));
    f.status.replaceChildren(el('option', { value: '' }, t('cases.all')), ...statuses.map((s) => el('option', { value: s }, t('caseStatus.' + s))));
    f.source.replaceChildren(el('option', { value: '' }, t('cases.all')), ...sources.map((s) => el('option', { value: s }, t('caseSource.' + s))));
    f.deadline.replaceChildren(...Object.keys(deadlineWindows).map((k) => el('option', { value: k }, t('deadline.' + (k || 'all')))));
    [f.reserve.value, f.status.value, f.source.value, f.deadline.value] = keep;
  };
  fill();
  f.unit.value = q.get('unit') || '';
  f.grid_cell.value = q.get('grid_cell') || '';
  f.overdue.checked = q.get('overdue') === 'true';
  let sort = q.get('sort') || '';

  const body = document.querySelector('#cases-table tbody');
  const count = document.getElementById('count');
  let session = null;
  let last = null;
  // shown is the loaded page of cases, as the API sorted it.
  const shown = () => last.cases;
  const unitName = (c) => (c.unit ? c.unit.unit_name || c.unit.name_zh : '—');
  const render = () => {
    for (const th of document.querySelectorAll('#cases-table th[data-sort]')) {
      th.dataset.dir = sort === th.dataset.sort ? 'asc' : sort === '-' + th.dataset.sort ? 'desc' : '';
    }
    if (!last) return;
    const list = shown();
    count.textContent = t('cases.count', { n: fmtNumber(list.length, 0) }) + (list.length < last.total ? t('cases.ofTotal', { n: fmtNumber(last.total, 0) }) : '');
    body.replaceChildren(...list.map((c) => el('tr', { dataset: { id: String(c.id), status: c.status, deadline: c.deadline || '', overdue: String(c.overdue) } },
      el('td', {}, el('a', { href: `/cases/${c.id}` }, c.number)),
      el('td', {}, el('span', { class: 'status-badge', style: `background:${statusColours[c.status]}` }, t('caseStatus.' + c.status))),
      el('td', {}, c.title || activityName(c.activity)),
      el('td', { class: 'activity' }, activityName(c.activity)),
      el('td', {}, t('caseSource.' + c.source)),
      el('td', {}, c.zone_kind ? t('kind.' + c.zone_kind) : '—'),
      el('td', {}, unitName(c)),
      el('td', { class: 'measures' }, c.rectification_measures || '—'),
      el('td', { class: c.overdue ? 'deadline overdue' : 'deadline' }, c.deadline ? c.deadline + (c.overdue ? ` ${t('case.overdue')}` : '') : '—'),
      el('td', { class: 'time' }, fmtLocal(c.reported_at, c.timezone)),
      el('td', {}, el('a', { href: `/cases/${c.id}?view=dossier`, class: 'dossier' }, t('cases.dossier'))))));
  };
  // The problem list as a workbook: the same filters and order, format=xlsx.
  const workbook = document.getElementById('export-xlsx');
  const address = () => {
    const p = new URLSearchParams();
    for (const k of ['reserve', 'status', 'source', 'unit', 'grid_cell']) if (f[k].value.trim()) p.set(k, f[k].value.trim());
    if (f.overdue.checked) p.set('overdue', 'true');
    if (f.deadline.value) p.set('deadline', f.deadline.value);
    if (sort) p.set('sort', sort);
    history.replaceState(null, '', p.size ? `/cases?${p}` : '/cases');
    // the API's parameters
    p.delete('deadline');
    for (const [k, v] of Object.entries((deadlineWindows[f.deadline.value] || deadlineWindows[''])(today()))) p.set(k, v);
    workbook.href = `/api/v1/cases?${p}&format=xlsx`;
    return p;
  };
  const load = () => loadList({
    session, count, body, signIn: 'cases.signInToSee',
    url: () => {
      const p = address();
      p.set('limit', '500');
      return `/api/v1/cases?${p}`;
    },
    shown: (doc) => {
      last = doc;
      if (doc) render();
    },
  });
  session = await account(() => load().catch(showError));
  for (const k of ['reserve', 'status', 'source', 'overdue']) f[k].addEventListener('change', () => load().catch(showError));
  for (const k of ['unit', 'grid_cell']) f[k].addEventListener('change', () => load().catch(showError));
  f.deadline.addEventListener('change', () => load().catch(showError));
  for (const th of document.querySelectorAll('#cases-table th[data-sort]')) {
    th.addEventListener('click', () => {
      sort = sort === th.dataset.sort ? '-' + th.dataset.sort : th.dataset.sort;
      load().catch(showError);
    });
  }
  document.getElementById('filters').addEventListener('submit', (e) => {
    e.preventDefault();
    load().catch(showError);
  });
  document.addEventListener('langchange', () => {
    fill();
    render();
  });
  await load();
  document.body.dataset.ready = 'true';
}

main().catch(showError);
