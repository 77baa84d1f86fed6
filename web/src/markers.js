// The markers page: a reserve's boundary markers in a table with their
// status, and the coordinate announcement table (公告坐标点位) as CSV: code,
// kind, status, lon/lat in decimal degrees and in degrees-minutes-seconds,
// and CGCS2000 3° Gauss-Krüger X/Y in the zone of each marker.

import { el, getJSON, reserveName, showError } from './common.js';
import { dms, gaussKruger } from './gk.js';
import { setupLangSwitch, t } from './i18n.js';
import { drawSymbol } from './layers.js';
import { openingReserves } from './opening.js';

// announcement returns the CSV rows (header first) of the markers.
function announcement(markers) {
  const header = ['col.code', 'col.kind', 'col.status', 'col.lon', 'col.lat', 'col.lonDMS', 'col.latDMS',
    'col.gkZone', 'col.gkX', 'col.gkY', 'col.survey'].map((k) => t(k));
  const rows = markers.map((f) => {
    const p = f.properties;
    const [lon, lat] = f.geometry.coordinates;
    const g = gaussKruger(lon, lat);
    const inZone = g.epsg !== null;
    return [p.code, t('markerKind.' + p.kind), t('status.' + p.status), lon.toFixed(6), lat.toFixed(6),
      dms(lon, 'E', 'W'), dms(lat, 'N', 'S'), inZone ? `${g.zone} (EPSG:${g.epsg})` : '',
      inZone ? g.x.toFixed(3) : '', inZone ? g.y.toFixed(3) : '', survey(p)];
  });
  return [header, ...rows];
}

function survey(p) {
  return p.survey ? `${p.survey.crs} X=${p.survey.x} Y=${p.survey.y}` : '';
}

// csv writes rows as RFC 4180 CSV, with a byte-order mark so that
// spreadsheet programs read the Chinese text as UTF-8.
function csv(rows) {
  const cell = (v) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return '\ufeff' + rows.map((r) => r.map((v) => cell(String(v))).join(',')).join('\r\n') + '\r\n';
}

function row(f) {
  const p = f.properties;
  const [lon, lat] = f.geometry.coordinates;
  const g = gaussKruger(lon, lat);
  return el('tr', { dataset: { code: p.code, status: p.status } },
    el('td', {}, p.code),
    el('td', {}, t('markerKind.' + p.kind)),
    el('td', { class: 'status' }, el('img', { class: 'symbol', src: drawSymbol(p.status).toDataURL(), alt: '' }), ' ', t('status.' + p.status)),
    el('td', { class: 'num' }, lon.toFixed(6)),
    el('td', { class: 'num' }, lat.toFixed(6)),
    el('td', { class: 'num' }, g.epsg === null ? '' : g.x.toFixed(2)),
    el('td', { class: 'num' }, g.epsg === null ? '' : g.y.toFixed(2)),
    el('td', {}, survey(p)),
    el('td', {}, p.last_inspected_on || ''),
    el('td', {}, p.note || ''));
}

async function main() {
  setupLangSwitch(document.getElementById('lang-switch'));
  const reserveSel = document.getElementById('reserve');
  const statusSel = document.getElementById('status');
  const body = document.getElementById('markers-body');
  const count = document.getElementById('count');
  const link = document.getElementById('csv');
  const mapLink = document.getElementById('map-link');
  const { reserves } = await getJSON('/api/v1/reserves');
  let markers = [];
  let csvURL = null;

  const fillSelects = () => {
    const chosen = reserveSel.value;
    reserveSel.replaceChildren(...reserves.map((r) => el('option', { value: r.code }, reserveName(r))));
    if (chosen) reserveSel.value = chosen;
    const status = statusSel.value;
    statusSel.replaceChildren(el('option', { value: '' }, t('markers.all')),
      ...['intact', 'damaged', 'missing', 'moved'].map((s) => el('option', { value: s }, t('status.' + s))));
    statusSel.value = status;
  };
  const render = () => {
    body.replaceChildren(...markers.map(row));
    count.textContent = t('markers.count', { n: markers.length });
    if (csvURL) URL.revokeObjectURL(csvURL);
    csvURL = URL.createObjectURL(new Blob([csv(announcement(markers))], { type: 'text/csv;charset=utf-8' }));
    link.href = csvURL;
    link.download = `${reserveSel.value}-markers-announcement.csv`;
    mapLink.href = '/?reserve=' + encodeURIComponent(reserveSel.value);
  };
  const load = async () => {
    const q = statusSel.value ? '?status=' + encodeURIComponent(statusSel.value) : '';
    const fc = await getJSON(`/api/v1/reserves/${encodeURIComponent(reserveSel.value)}/markers${q}`);
    markers = fc.features;
    render();
  };

  fillSelects();
  // ?reserve=, else the first reserve the page opens on (opening.js).
  const me = await getJSON('/api/v1/auth/me');
  const wanted = new URLSearchParams(location.search).get('reserve') || openingReserves(reserves, me)[0];
  if (wanted && reserves.some((r) => r.code === wanted)) reserveSel.value = wanted;
  reserveSel.addEventListener('change', () => load().catch(showError));
  statusSel.addEventListener('change', () => load().catch(showError));
  document.addEventListener('langchange', () => {
    fillSelects();
    render();
  });
  if (reserves.length > 0) await load();
  document.body.dataset.ready = 'true';
}

main().catch(showError);
