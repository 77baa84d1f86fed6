// The clue ledger page (/clues, 问题线索台账): the Green Shield clues of GET
// /api/v1/clues for the signed-in user, filtered by reserve, status and
// verifier (a verifier's task list with "mine"), on a map and in a table,
// downloadable as the ledger workbook (GET /api/v1/clues.xlsx, the same
// filters). Wholly Chinese or wholly English.

import * as maplibregl from './maplibre-gl.mjs';
import './casei18n.js';
import './clues.css';
import { account } from './account.js';
import { fmtNumber, problemView } from './casecommon.js';
import { el, getJSON, reserveName, showError } from './common.js';
import { lang, messages, setupLangSwitch, t } from './i18n.js';
import { addTileLayers, baseStyle } from './mapbase.js';

Object.assign(messages, {
  'clues.title': { zh: 'Warden 问题线索台账', en: 'Warden clue ledger' },
  'clues.reserve': { zh: '保护区', en: 'Reserve' },
  'clues.status': { zh: '状态', en: 'Status' },
  'clues.assignee': { zh: '核查人', en: 'Verifier' },
  'clues.mine': { zh: '我的核查任务', en: 'My verification tasks' },
  'clues.export': { zh: '下载问题线索台账（Excel）', en: 'Download the clue ledger (Excel)' },
  'clues.number': { zh: '线索编号', en: 'Clue' },
  'clues.change': { zh: '变化类型', en: 'Change' },
  'clues.zone': { zh: '功能区', en: 'Zone' },
  'clues.area': { zh: '面积（公顷）', en: 'Area (ha)' },
  'clues.priority': { zh: '优先级', en: 'Priority' },
  'clues.deadline': { zh: '核查期限', en: 'Deadline' },
  'clues.case': { zh: '案件', en: 'Case' },
  'clues.all': { zh: '全部', en: 'All' },
  'clues.count': { zh: '共 {n} 条线索', en: '{n} clues' },
  'clues.signIn': { zh: '登录后可查看问题线索。', en: 'Sign in to see the clues.' },
  'clues.outside': { zh: '保护区外', en: 'outside' },
  'clues.overdue': { zh: '（逾期）', en: '(overdue)' },
  'clueStatus.new': { zh: '待分派', en: 'New' },
  'clueStatus.assigned': { zh: '待核查', en: 'Assigned' },
  'clueStatus.case_opened': { zh: '已立案', en: 'Case opened' },
  'clueStatus.closed': { zh: '已办结', en: 'Closed' },
  'clueStatus.linked': { zh: '重复（已关联）', en: 'Repeat (linked)' },
  'priority.high': { zh: '高', en: 'High' },
  'priority.medium': { zh: '中', en: 'Medium' },
  'priority.low': { zh: '低', en: 'Low' },
  'change.construction': { zh: '新增建设', en: 'Construction' },
  'change.quarry_mine': { zh: '采石采矿', en: 'Quarry or mine' },
  'change.road': { zh: '道路', en: 'Road' },
  'change.farmland': { zh: '开垦耕地', en: 'Farmland' },
  'change.hydropower': { zh: '水电', en: 'Hydropower' },
  'change.tourism_facility': { zh: '旅游设施', en: 'Tourism facility' },
  'change.deforestation': { zh: '毁林', en: 'Deforestation' },
  'change.other': { zh: '其他', en: 'Other' },
});

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
      el('td', {}, c.case ? el('a', { href: `/cases/${c.case.id}` }, c.case.number) : '—'))));
  };
  const params = () => {
    const p = new URLSearchParams();
    if (f.reserve.value) p.set('reserve', f.reserve.value);
    if (f.status.value) p.set('status', f.status.value);
    const who = f.mine.checked && session?.me?.user?.name ? session.me.user.name : f.assignee.value.trim();
    if (who) p.set('assignee', who);
    history.replaceState(null, '', p.size ? `/clues?${p}${lang() === 'en' ? '&lang=en' : ''}` : location.pathname + (lang() === 'en' ? '?lang=en' : ''));
    workbook.href = `/api/v1/clues.xlsx?${p}`;
    return p;
  };
  const load = async () => {
    document.body.dataset.loaded = 'false';
    if (!session.me.authenticated) {
      clues = null;
      count.textContent = t('clues.signIn');
      body.replaceChildren();
      document.body.dataset.loaded = 'true';
      return;
    }
    const res = await fetch(`/api/v1/clues?${params()}`, { headers: { Accept: 'application/json' } });
    const doc = await res.json();
    if (!res.ok) {
      clues = null;
      count.replaceChildren(problemView(res.status, doc));
      body.replaceChildren();
    } else {
      clues = doc;
      const features = clues.map((c) => ({ type: 'Feature', properties: { id: c.id, status: c.status }, geometry: c.geometry }));
      map.getSource('clue-list').setData({ type: 'FeatureCollection', features });
      if (clues.length) {
        const b = new maplibregl.LngLatBounds();
        for (const c of clues) b.extend(c.center);
        map.fitBounds(b, { padding: 40, maxZoom: 12, duration: 0 });
      }
      render();
    }
    document.body.dataset.loaded = 'true';
  };
  session = await account(() => load().catch(showError));
  for (const k of ['reserve', 'status', 'assignee', 'mine']) f[k].addEventListener('change', () => load().catch(showError));
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
