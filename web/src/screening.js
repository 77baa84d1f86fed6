// The screening page: draw a footprint on the map (polygon, line or points)
// or upload a file, choose the activity, and see the verdict of
// POST /api/v1/screenings with its reasons, the zones touched and a link to
// the printable report.

import * as maplibregl from './maplibre-gl.mjs';

import { account } from './account.js';
import './casei18n.js';
import { fmtNumber } from './casecommon.js';
import { el, getJSON, showError } from './common.js';
import { lang, setupLangSwitch, t } from './i18n.js';
import { addTileLayers, baseStyle } from './mapbase.js';
import { problemView } from './problems.js';

// footprintOf turns the drawn vertices into a GeoJSON geometry, or null.
function footprintOf(mode, pts) {
  if (mode === 'polygon' && pts.length >= 3) return { type: 'Polygon', coordinates: [[...pts, pts[0]]] };
  if (mode === 'line' && pts.length >= 2) return { type: 'LineString', coordinates: pts };
  if (mode === 'point' && pts.length === 1) return { type: 'Point', coordinates: pts[0] };
  if (mode === 'point' && pts.length > 1) return { type: 'MultiPoint', coordinates: pts };
  return null;
}

// drawing lets the user click vertices onto the map.
function drawing(map) {
  let mode = 'polygon';
  let pts = [];
  const source = () => map.getSource('draft');
  const redraw = () => {
    const g = footprintOf(mode, pts);
    const features = pts.map((p) => ({ type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: p } }));
    if (g && g.type !== 'Point' && g.type !== 'MultiPoint') features.push({ type: 'Feature', properties: {}, geometry: g });
    else if (mode !== 'point' && pts.length >= 2) features.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: pts } });
    source().setData({ type: 'FeatureCollection', features });
    document.getElementById('vertex-count').textContent = t('screen.vertices', { n: pts.length });
  };
  map.addSource('draft', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({ id: 'draft-fill', type: 'fill', source: 'draft', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': '#1f4fd6', 'fill-opacity': 0.3 } });
  map.addLayer({ id: 'draft-line', type: 'line', source: 'draft', filter: ['!=', ['geometry-type'], 'Point'], paint: { 'line-color': '#1f4fd6', 'line-width': 2.5 } });
  map.addLayer({ id: 'draft-vertex', type: 'circle', source: 'draft', filter: ['==', ['geometry-type'], 'Point'], paint: { 'circle-radius': 4, 'circle-color': '#1f4fd6', 'circle-stroke-color': '#fff', 'circle-stroke-width': 1.5 } });
  map.on('click', (e) => {
    const { lng, lat } = e.lngLat.wrap();
    pts.push([Number(lng.toFixed(7)), Number(lat.toFixed(7))]);
    redraw();
  });
  for (const m of ['polygon', 'line', 'point']) {
    document.getElementById('mode-' + m).addEventListener('change', () => {
      mode = m;
      redraw();
    });
  }
  document.getElementById('clear').addEventListener('click', () => {
    pts = [];
    redraw();
  });
  document.addEventListener('langchange', redraw);
  redraw();
  return () => footprintOf(mode, pts);
}

// verdictView shows a screening's verdict, reasons and zones.
// articles are the rule table's articles by code, for their titles.
const articles = {};

// articleTitle names an article ("《自然保护区条例》第二十六条") instead of
// its code (NRR-26).
function articleTitle(code) {
  const a = articles[code];
  if (!a) return code;
  return (lang() === 'zh' ? a.short_zh || a.title_zh : a.short_en || a.title_en) || code;
}

function verdictView(sc) {
  const zh = lang() === 'zh';
  // the law the screening was judged under quotes its own provisions
  for (const a of sc.articles || []) articles[a.code] = a;
  const rows = sc.reserves.flatMap((r) => r.zones.map((z) => el('tr', { dataset: { reserve: r.code, kind: z.zone_kind } },
    el('td', {}, zh ? r.name_zh || r.name_en : r.name_en || r.name_zh),
    el('td', {}, zh ? z.zone_kind_zh : z.zone_kind_en),
    el('td', { class: 'num' }, fmtNumber(z.area_ha, 2)),
    el('td', { class: 'num' }, fmtNumber(z.length_m, 0)),
    el('td', { class: 'num' }, fmtNumber(100 * z.footprint_share, 1)),
    el('td', { class: 'num' }, fmtNumber(z.distance_m, 0)),
    el('td', { class: 'verdict-' + z.rule.verdict }, t('verdict.' + z.rule.verdict)),
    el('td', { class: 'articles', dataset: { codes: (z.rule.articles || []).join(',') } }, (z.rule.articles || []).map(articleTitle).join(zh ? '；' : '; ')))));
  return el('div', {},
    el('p', { id: 'verdict', class: 'verdict verdict-' + sc.verdict, dataset: { verdict: sc.verdict } },
      t('screen.verdict'), ' ', el('strong', {}, zh ? sc.verdict_zh : sc.verdict_en)),
    el('ul', { id: 'reasons' }, sc.reasons.map((r) => el('li', {}, zh ? r.zh : r.en))),
    rows.length === 0 ? '' : el('table', { id: 'zones-table' },
      el('thead', {}, el('tr', {}, ['screen.reserve', 'screen.zone', 'screen.areaHa', 'screen.lengthM', 'screen.share', 'screen.distanceM', 'screen.rule', 'screen.articles']
        .map((k) => el('th', {}, t(k))))),
      el('tbody', {}, rows)),
    (sc.cases || []).length === 0 ? '' : el('div', {}, el('h3', {}, t('tracks.cases')),
      el('ul', { id: 'screening-cases' }, sc.cases.map((c) => el('li', { dataset: { id: String(c.id), opened: String(c.opened) } },
        el('a', { href: c.page || `/cases/${c.id}` }, c.number), ' ', c.title || '', ' · ', t('caseStatus.' + c.status))))),
    el('p', {}, el('a', { id: 'report-link', href: sc.report, target: '_blank' }, t('screen.report'))));
}

async function main() {
  setupLangSwitch(document.getElementById('lang-switch'));
  const [config, served, rules] = await Promise.all([getJSON('/config.json'), getJSON('/tiles'), getJSON('/api/v1/rules')]);
  for (const a of rules.articles || []) articles[a.code] = a;
  const activity = document.getElementById('activity');
  const fillActivities = () => {
    const chosen = activity.value;
    activity.replaceChildren(...rules.activities.map((a) => el('option', { value: a.code }, lang() === 'zh' ? a.name_zh : a.name_en)));
    if (chosen) activity.value = chosen;
  };
  fillActivities();

  const session = await account();

  const map = new maplibregl.Map({
    container: 'map',
    style: baseStyle(config.basemap, served.layers),
    center: [86, 34.5],
    zoom: 4,
    doubleClickZoom: false,
    attributionControl: { compact: false },
  });
  map.addControl(new maplibregl.NavigationControl(), 'top-right');
  window.warden = { map };
  await new Promise((resolve) => map.once('load', resolve));
  addTileLayers(map, served.layers);
  const footprint = drawing(map);
  const params = new URLSearchParams(location.search);
  if (params.get('reserve')) {
    const r = await getJSON('/api/v1/reserves/' + encodeURIComponent(params.get('reserve')));
    if (r.bbox) map.fitBounds([[r.bbox[0], r.bbox[1]], [r.bbox[2], r.bbox[3]]], { padding: 30, duration: 0 });
  }

  const result = document.getElementById('result');
  let last = null;
  const render = () => {
    if (last) result.replaceChildren(verdictView(last));
  };
  document.addEventListener('langchange', () => {
    fillActivities();
    render();
  });

  document.getElementById('screen-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const file = document.getElementById('file').files[0];
    const project = { name: document.getElementById('project-name').value, developer: document.getElementById('developer').value, status: document.getElementById('project-status').value };
    let body;
    const headers = { Accept: 'application/json' };
    if (file) {
      body = new FormData();
      body.append('file', file);
      body.append('activity', activity.value);
      body.append('project_name', project.name);
      body.append('developer', project.developer);
      body.append('status', project.status);
      const crs = document.getElementById('crs').value.trim();
      if (crs) body.append('crs', crs);
    } else {
      const g = footprint();
      if (!g) {
        result.replaceChildren(el('p', { class: 'problem' }, t('screen.needFootprint')));
        return;
      }
      body = JSON.stringify({ footprint: g, activity: activity.value, project });
      headers['Content-Type'] = 'application/json';
    }
    if (session.csrf) headers['X-CSRF-Token'] = session.csrf;
    const res = await fetch('/api/v1/screenings', { method: 'POST', headers, body });
    const doc = await res.json();
    if (!res.ok) {
      last = null;
      document.body.classList.remove('has-result');
      result.replaceChildren(problemView(res.status, doc));
      return;
    }
    last = doc;
    document.body.classList.add('has-result');
    render();
    // what was screened, drawn where the user drew (a file's footprint too)
    if (doc.footprint.geometry) map.getSource('draft').setData({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: doc.footprint.geometry }] });
    if (doc.footprint.bbox) {
      const b = doc.footprint.bbox;
      map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 80, maxZoom: 12, duration: 0 });
    }
  });
  document.body.dataset.ready = 'true';
}

main().catch(showError);
