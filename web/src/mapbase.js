// What the map pages share: the base style (with the optional base map) and
// Warden's tile layers.

import countries from 'i18n-iso-countries';
import countriesEN from 'i18n-iso-countries/langs/en.json';
import countriesZH from 'i18n-iso-countries/langs/zh.json';

import { lang } from './i18n.js';
import { tileLayers } from './layers.js';

countries.registerLocale(countriesEN);
countries.registerLocale(countriesZH);

// offlineBase draws the tile layer "basemap" (internal/basemap: Natural
// Earth's ocean, land, lakes, rivers, country and first-order boundaries,
// the names of countries and of China's provinces, and GeoNames' places,
// the larger first) as the base map, quietly, under Warden's layers.
const offlineBase = [
  { id: 'basemap-ocean', type: 'fill', filter: ['==', ['get', 'kind'], 'ocean'], paint: { 'fill-color': '#d6e6f0' } },
  { id: 'basemap-land', type: 'fill', filter: ['==', ['get', 'kind'], 'land'], paint: { 'fill-color': '#f3f1ea' } },
  { id: 'basemap-lakes', type: 'fill', filter: ['==', ['get', 'kind'], 'lake'], paint: { 'fill-color': '#d6e6f0', 'fill-outline-color': '#9cc0d8' } },
  { id: 'basemap-rivers', type: 'line', filter: ['==', ['get', 'kind'], 'river'], paint: { 'line-color': '#9cc0d8', 'line-width': ['interpolate', ['linear'], ['zoom'], 2, 0.5, 8, 1.5] } },
  { id: 'basemap-admin1', type: 'line', filter: ['==', ['get', 'kind'], 'admin1'], paint: { 'line-color': '#b9aec3', 'line-width': 0.6, 'line-dasharray': [3, 2] } },
  { id: 'basemap-countries', type: 'line', filter: ['==', ['get', 'kind'], 'country'], paint: { 'line-color': '#9d8fa8', 'line-width': ['interpolate', ['linear'], ['zoom'], 2, 0.6, 8, 1.4] } },
  { id: 'basemap-place-dots', type: 'circle', filter: ['==', ['get', 'kind'], 'place'], paint: { 'circle-radius': ['step', ['get', 'population'], 1.8, 1000000, 2.6], 'circle-color': '#5b5b5b' } },
  { id: 'basemap-places', type: 'symbol', filter: ['==', ['get', 'kind'], 'place'], layout: { 'symbol-sort-key': ['-', ['get', 'population']], 'text-size': ['step', ['get', 'population'], 10, 1000000, 12], 'text-anchor': 'top', 'text-offset': [0, 0.3], 'text-max-width': 8 }, paint: { 'text-color': '#4a4a4a', 'text-halo-color': '#ffffff', 'text-halo-width': 1.2 } },
  { id: 'basemap-country-labels', type: 'symbol', minzoom: 2, filter: ['==', ['get', 'kind'], 'country-label'], layout: { 'text-size': 13, 'text-max-width': 8 }, paint: { 'text-color': '#6e6279', 'text-halo-color': '#ffffff', 'text-halo-width': 1.2 } },
  { id: 'basemap-admin1-labels', type: 'symbol', minzoom: 3.5, filter: ['==', ['get', 'kind'], 'admin1-label'], layout: { 'text-size': 11, 'text-max-width': 6 }, paint: { 'text-color': '#8a7f93', 'text-halo-color': '#ffffff', 'text-halo-width': 1 } },
];

// labelText is what the base map's label layers show in the page's language:
// a country's name from its ISO 3166-1 alpha-3 code (the npm package
// i18n-iso-countries), a first-order division's or a place's name as the
// server stores it.
// The style has no glyph server: MapLibre draws the text with the browser's
// own fonts.
function labelText(l) {
  const names = countries.getNames(l, { select: 'alias' });
  const match = ['match', ['get', 'code']];
  for (const [alpha2, name] of Object.entries(names)) {
    const alpha3 = countries.alpha2ToAlpha3(alpha2);
    if (alpha3) match.push(alpha3, name);
  }
  match.push('');
  const own = ['get', l === 'zh' ? 'name_zh' : 'name_en'];
  return { 'basemap-country-labels': match, 'basemap-admin1-labels': own, 'basemap-places': own };
}

// baseStyle is the map style without Warden's layers: the configured
// MapLibre style (its URL), or a plain background with the configured raster
// base map if there is one, else with the offline base map if the server
// lists its tile layer among served (the layers of /tiles).
export function baseStyle(basemap, served = []) {
  if (basemap && basemap.type === 'style') return basemap.url;
  const style = {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef2ea' } }],
  };
  const offline = served.find((l) => l.name === 'basemap');
  if (basemap && basemap.type === 'raster') {
    style.sources.basemap = { type: 'raster', tiles: [basemap.url], tileSize: 256, attribution: basemap.attribution || '' };
    style.layers.push({ id: 'basemap', type: 'raster', source: 'basemap' });
  } else if (offline) {
    style.sources.basemap = { type: 'vector', url: offline.tilejson, attribution: 'Natural Earth · GeoNames (CC BY 4.0)' };
    const text = labelText(lang());
    style.layers.push(...offlineBase.map((l) => {
      const layer = { ...l, source: 'basemap', 'source-layer': 'basemap' };
      if (text[l.id]) layer.layout = { ...l.layout, 'text-field': text[l.id] };
      return layer;
    }));
  }
  return style;
}

// addTileLayers adds a source and its style layers for every tile layer the
// server lists (the non-public ones only to users who may read them) and
// this page knows how to draw; layers marked off start hidden.
export function addTileLayers(map, served) {
  document.addEventListener('langchange', (e) => {
    for (const [id, field] of Object.entries(labelText(e.detail))) {
      if (map.getLayer(id)) map.setLayoutProperty(id, 'text-field', field);
    }
  });
  const names = new Set(served.map((l) => l.name));
  const added = [];
  for (const tl of tileLayers) {
    if (!names.has(tl.source)) continue;
    const info = served.find((l) => l.name === tl.source);
    map.addSource(tl.source, { type: 'vector', url: info.tilejson });
    for (const img of tl.images || []) {
      const c = img.draw();
      map.addImage(img.id, c.getContext('2d').getImageData(0, 0, c.width, c.height), { pixelRatio: 1 });
    }
    for (const layer of tl.style) {
      const layout = { ...layer.layout, visibility: tl.off ? 'none' : 'visible' };
      map.addLayer({ ...layer, layout, source: tl.source, 'source-layer': tl.source });
    }
    added.push(tl);
  }
  return added;
}
