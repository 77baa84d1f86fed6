// The cases page (/cases): the problem list of GET /api/v1/cases for the
// signed-in user, filtered by reserve, status, source, responsible unit,
// grid cell and overdue (kept in the address as the API's parameters), each
// case opening its page /cases/{id}.

import { account } from './account.js';
import { problemView, sources, statusColours, statuses } from './casecommon.js';
import { el, fmtTime, getJSON, reserveName, showError } from './common.js';
import { lang, setupLangSwitch, t } from './i18n.js';

async function main() {
  setupLangSwitch(document.getElementById('lang-switch'));
  const { reserves } = await getJSON('/api/v1/reserves');
  const q = new URLSearchParams(location.search);
  const f = {
    reserve: document.getElementById('f-reserve'), status: document.getElementById('f-status'), source: document.getElementById('f-source'),
    unit: document.getElementById('f-unit'), grid_cell: document.getElementById('f-cell'), overdue: document.getElementById('f-overdue'),
  };
  const fill = () => {
    const keep = [f.reserve.value || q.get('reserve') || '', f.status.value || q.get('status') || '', f.source.value || q.get('source') || ''];
    f.reserve.replaceChildren(el('option', { value: '' }, t('cases.all')), ...reserves.map((r) => el('option', { value: r.code }, reserveName(r))));
    f.status.replaceChildren(el('option', { value: '' }, t('cases.all')), ...statuses.map((s) => el('option', { value: s }, t('caseStatus.' + s))));
    f.source.replaceChildren(el('option', { value: '' }, t('cases.all')), ...sources.map((s) => el('option', { value: s }, t('caseSource.' + s))));
    [f.reserve.value, f.status.value, f.source.value] = keep;
  };
  fill();
  f.unit.value = q.get('unit') || '';
  f.grid_cell.value = q.get('grid_cell') || '';
  f.overdue.checked = q.get('overdue') === 'true';

  const body = document.querySelector('#cases-table tbody');
  const count = document.getElementById('count');
  let session = null;
  let last = null;
  const render = () => {
    if (!last) return;
    const zh = lang() === 'zh';
    count.textContent = t('cases.count', { n: last.total });
    body.replaceChildren(...last.cases.map((c) => el('tr', { dataset: { id: String(c.id), status: c.status } },
      el('td', {}, el('a', { href: `/cases/${c.id}` }, c.number)),
      el('td', {}, el('span', { class: 'status-badge', style: `background:${statusColours[c.status]}` }, t('caseStatus.' + c.status))),
      el('td', {}, c.title || c.activity),
      el('td', {}, zh ? c.source_zh : c.source),
      el('td', {}, c.zone_kind ? t('kind.' + c.zone_kind) : '—'),
      el('td', {}, c.unit ? c.unit.unit_name || c.unit.name_zh : '—'),
      el('td', { class: c.overdue ? 'overdue' : '' }, c.deadline ? c.deadline + (c.overdue ? ` ${t('case.overdue')}` : '') : '—'),
      el('td', {}, fmtTime(c.reported_at, c.timezone)))));
  };
  const load = async () => {
    document.body.dataset.loaded = 'false';
    if (!session.me.authenticated) {
      last = null;
      count.textContent = t('cases.signInToSee');
      body.replaceChildren();
      document.body.dataset.loaded = 'true';
      return;
    }
    const p = new URLSearchParams();
    for (const k of ['reserve', 'status', 'source', 'unit', 'grid_cell']) if (f[k].value.trim()) p.set(k, f[k].value.trim());
    if (f.overdue.checked) p.set('overdue', 'true');
    history.replaceState(null, '', p.size ? `/cases?${p}` : '/cases');
    p.set('limit', '200');
    const res = await fetch(`/api/v1/cases?${p}`, { headers: { Accept: 'application/json' } });
    const doc = await res.json();
    if (!res.ok) {
      last = null;
      count.replaceChildren(problemView(res.status, doc));
      body.replaceChildren();
    } else {
      last = doc;
      render();
    }
    document.body.dataset.loaded = 'true';
  };
  session = await account(() => load().catch(showError));
  for (const k of ['reserve', 'status', 'source', 'overdue']) f[k].addEventListener('change', () => load().catch(showError));
  for (const k of ['unit', 'grid_cell']) f[k].addEventListener('change', () => load().catch(showError));
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
