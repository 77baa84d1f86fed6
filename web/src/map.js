// The map page: zones, reserve outlines and markers from Warden's vector
// tiles (and, switched off, patrol tracks and observations for a signed-in
// user who may read them: the session cookie goes with the tile requests),
// with a layer switcher, a legend, popups, reserve search and the
// coordinates under the pointer in lon/lat and CGCS2000 Gauss-Krüger.

import * as maplibregl from './maplibre-gl.mjs';

import { el, getJSON, reserveName, showError } from './common.js';
import { gaussKruger } from './gk.js';
import { setupLangSwitch, t } from './i18n.js';
import { drawSymbol, reserves as reserveIndex } from './layers.js';
import { addTileLayers, baseStyle } from './mapbase.js';
import { openingBounds } from './opening.js';

// layerSwitcher lists a checkbox per layer, and one for the base map's
// layers (baseIds) if there is a base map.
function layerSwitcher(map, added, baseIds) {
  const box = document.getElementById('layer-list');
  const item = (id, labelKey, layerIds, off = false) => {
    const input = el('input', { type: 'checkbox', id: 'toggle-' + id, ...(off ? {} : { checked: '' }) });
    input.addEventListener('change', () => {
      for (const l of layerIds) map.setLayoutProperty(l, 'visibility', input.checked ? 'visible' : 'none');
    });
    return el('li', {}, el('label', {}, input, ' ', el('span', { dataset: { i18n: labelKey } }, t(labelKey))));
  };
  if (baseIds.length > 0) box.append(item('basemap', 'layers.basemap', baseIds));
  for (const tl of added) box.append(item(tl.source, tl.label, tl.style.map((s) => s.id), tl.off));
}

// legend draws the legend of the added layers that are switched on, in the
// current language.
function legend(map, added) {
  const box = document.getElementById('legend-list');
  box.replaceChildren();
  for (const tl of added) {
    if (map.getLayoutProperty(tl.style[0].id, 'visibility') === 'none') continue;
    for (const e of tl.legend()) {
      let key;
      if (e.swatch) key = el('span', { class: 'swatch', style: `background:${e.swatch}` });
      else if (e.line) key = el('span', { class: 'swatch line', style: `border-color:${e.line}` });
      else key = el('img', { class: 'symbol', src: drawSymbol(e.symbol).toDataURL(), alt: '' });
      box.append(el('li', { dataset: { legend: tl.source } }, key, ' ', e.label));
    }
  }
}

// popupContent lists a feature's attributes with their labels.
function popupContent(tl, f) {
  const rows = tl.fields
    .filter((k) => f.properties[k] !== undefined && f.properties[k] !== '')
    .map((k) => {
      const v = f.properties[k];
      const shown = tl.format[k] ? tl.format[k](v) : String(v);
      return el('tr', {}, el('th', {}, t('field.' + k)), el('td', { dataset: { field: k } }, shown));
    });
  return el('div', { class: 'feature', dataset: { layer: tl.source } }, el('h3', {}, t(tl.title)), el('table', {}, rows));
}

// popups shows, on a click, the attributes of the features under the pointer
// (the topmost of each layer).
function popups(map, added) {
  const interactive = added.flatMap((tl) => tl.interactive);
  // The click handler below decides (closeOnClick would close the popup
  // right after a click on another feature had filled it).
  const popup = new maplibregl.Popup({ maxWidth: '320px', className: 'warden-popup', closeOnClick: false });
  let last = null;
  const render = () => {
    const seen = new Set();
    const parts = [];
    for (const f of map.queryRenderedFeatures(last.point, { layers: interactive })) {
      const tl = added.find((x) => x.source === f.source);
      if (seen.has(tl.source)) continue;
      seen.add(tl.source);
      parts.push(popupContent(tl, f));
    }
    if (parts.length === 0) {
      popup.remove();
      return;
    }
    popup.setLngLat(last.lngLat).setDOMContent(el('div', {}, parts)).addTo(map);
  };
  map.on('click', (e) => {
    last = e;
    render();
  });
  document.addEventListener('langchange', () => {
    if (last && popup.isOpen()) render();
  });
  for (const id of interactive) {
    map.on('mouseenter', id, () => (map.getCanvas().style.cursor = 'pointer'));
    map.on('mouseleave', id, () => (map.getCanvas().style.cursor = ''));
  }
}

// coordinates shows the position under the pointer.
function coordinates(map) {
  const ll = document.getElementById('coords-lonlat');
  const gk = document.getElementById('coords-gk');
  let pos = null;
  const render = () => {
    if (!pos) {
      ll.textContent = t('coords.hint');
      gk.textContent = '';
      return;
    }
    const { lng, lat } = pos;
    ll.textContent = `${t('coords.lonlat')} ${lng.toFixed(6)}, ${lat.toFixed(6)}`;
    ll.dataset.lon = lng;
    ll.dataset.lat = lat;
    const g = gaussKruger(lng, lat);
    if (g.epsg === null) {
      gk.textContent = `${t('coords.gk')}: ${t('coords.outside')}`;
      delete gk.dataset.zone;
      return;
    }
    gk.textContent = `${t('coords.gk')} ${t('coords.zone', { n: g.zone })} (EPSG:${g.epsg}) ` +
      `${t('coords.x')} ${g.x.toFixed(2)}  ${t('coords.y')} ${g.y.toFixed(2)}`;
    Object.assign(gk.dataset, { zone: g.zone, epsg: g.epsg, x: g.x.toFixed(3), y: g.y.toFixed(3) });
  };
  map.on('mousemove', (e) => {
    pos = e.lngLat.wrap();
    render();
  });
  document.addEventListener('langchange', render);
  render();
}

// search finds reserves by code or name, and fits the map to the one chosen.
async function search(map) {
  const input = document.getElementById('search-input');
  const list = document.getElementById('search-results');
  const { reserves } = await getJSON('/api/v1/reserves');
  for (const r of reserves) reserveIndex[r.code] = r;
  const show = async (code) => {
    const r = await getJSON('/api/v1/reserves/' + encodeURIComponent(code));
    list.replaceChildren();
    input.value = reserveName(r);
    if (r.bbox) map.fitBounds([[r.bbox[0], r.bbox[1]], [r.bbox[2], r.bbox[3]]], { padding: 40, duration: 0 });
    document.body.dataset.shown = code;
  };
  const matches = () => {
    const q = input.value.trim().toLowerCase();
    if (!q) return [];
    return reserves.filter((r) => [r.code, r.name_zh, r.name_en].some((s) => s && s.toLowerCase().includes(q)));
  };
  const render = () => {
    const found = matches();
    list.replaceChildren(
      ...(input.value.trim() && found.length === 0 ? [el('li', { class: 'none' }, t('search.none'))] : []),
      ...found.map((r) =>
        el('li', {}, el('button', { type: 'button', dataset: { code: r.code }, onclick: () => show(r.code).catch(showError) },
          reserveName(r), ' ', el('small', {}, r.code)))),
    );
  };
  input.addEventListener('input', render);
  input.addEventListener('keydown', (e) => {
    const found = matches();
    if (e.key === 'Enter' && found.length > 0) show(found[0].code).catch(showError);
  });
  document.addEventListener('langchange', render);
}

// initialBounds is where the map opens: the reserve of ?reserve=CODE, else
// (unless the URL has a position) where openingBounds says.
async function initialBounds(params) {
  let bb = null;
  if (params.get('reserve')) {
    const r = await getJSON('/api/v1/reserves/' + encodeURIComponent(params.get('reserve')));
    document.getElementById('search-input').value = reserveName(r);
    bb = r.bbox;
  } else if (!location.hash) {
    const [me, list] = await Promise.all([getJSON('/api/v1/auth/me'), getJSON('/api/v1/reserves').catch(() => ({ reserves: [] }))]);
    bb = await openingBounds(list.reserves, me);
  }
  return bb ? { bounds: [[bb[0], bb[1]], [bb[2], bb[3]]], fitBoundsOptions: { padding: { top: 40, bottom: 40, right: 60, left: 200 } } } : { center: [100, 35], zoom: 3 };
}

async function main() {
  setupLangSwitch(document.getElementById('lang-switch'));
  const [config, served] = await Promise.all([getJSON('/config.json'), getJSON('/tiles')]);
  const basemap = config.basemap;
  const map = new maplibregl.Map({
    container: 'map',
    style: baseStyle(basemap, served.layers),
    ...(await initialBounds(new URLSearchParams(location.search))),
    hash: true,
    attributionControl: { compact: false },
  });
  map.addControl(new maplibregl.NavigationControl(), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');
  window.warden = { map };
  await new Promise((resolve) => map.once('load', resolve));
  const baseIds = map.getStyle().layers.map((l) => l.id).filter((id) => id !== 'background');
  const added = addTileLayers(map, served.layers);
  layerSwitcher(map, added, baseIds);
  legend(map, added);
  document.addEventListener('langchange', () => legend(map, added));
  document.getElementById('layer-list').addEventListener('change', () => legend(map, added));
  popups(map, added);
  coordinates(map);
  await search(map);
  document.body.dataset.ready = 'true';
}

main().catch(showError);
