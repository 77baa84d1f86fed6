// What the map pages share: the base style (with the optional base map) and
// Warden's tile layers.

import { tileLayers } from './layers.js';

// baseStyle is the map style without Warden's layers: the configured
// MapLibre style (its URL), or a plain background with the configured raster
// base map if there is one.
export function baseStyle(basemap) {
  if (basemap && basemap.type === 'style') return basemap.url;
  const style = {
    version: 8,
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef2ea' } }],
  };
  if (basemap && basemap.type === 'raster') {
    style.sources.basemap = { type: 'raster', tiles: [basemap.url], tileSize: 256, attribution: basemap.attribution || '' };
    style.layers.push({ id: 'basemap', type: 'raster', source: 'basemap' });
  }
  return style;
}

// addTileLayers adds a source and its style layers for every tile layer the
// server lists (the non-public ones only to users who may read them) and
// this page knows how to draw; layers marked off start hidden.
export function addTileLayers(map, served) {
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
