// The position and time a photo's EXIF block records, read in the browser
// with exifr (npm, the widely used EXIF reader), and checked against the
// case's location. Reading it here rather than on the server lets the officer
// see the check before the upload, and lets every page that shows a stored
// photo (the case page, the dossier) read it from the stored bytes.

import exifr from 'exifr/dist/lite.esm.mjs';

// nearM is how far from the case a photo may be taken and still count as
// taken at it: enough for a phone's GPS error and for photographing a site
// from its edge.
export const nearM = 500;

// readExif returns {lat, lon, taken, offset} from a File, Blob or
// ArrayBuffer (each null when absent), or null when there is no EXIF block.
export async function readExif(input) {
  const buf = input instanceof ArrayBuffer ? input : await input.arrayBuffer();
  let tags;
  try {
    tags = await exifr.parse(buf, { tiff: true, exif: true, gps: true, reviveValues: false, translateValues: false });
  } catch {
    return null;
  }
  if (!tags) return null;
  const ok = (v) => typeof v === 'number' && Number.isFinite(v);
  const lat = ok(tags.latitude) ? tags.latitude : null;
  const lon = ok(tags.longitude) ? tags.longitude : null;
  // DateTimeOriginal is the camera's wall clock, "YYYY:MM:DD HH:MM:SS";
  // OffsetTimeOriginal (EXIF 2.31) says its offset, when the camera wrote it.
  const raw = tags.DateTimeOriginal || tags.CreateDate || tags.DateTime || null;
  const taken = typeof raw === 'string' ? raw.replace(/^(\d{4}):(\d\d):(\d\d)/, '$1-$2-$3').trim() : null;
  const offset = typeof tags.OffsetTimeOriginal === 'string' ? tags.OffsetTimeOriginal.trim() : null;
  if (lat === null && taken === null) return null;
  return { lat, lon, taken, offset };
}

// metres is the great-circle distance between two lon/lat positions.
export function metres([lon1, lat1], [lon2, lat2]) {
  const r = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * r) / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(a)));
}

// positions lists every vertex of a GeoJSON geometry.
function positions(g) {
  if (!g) return [];
  if (g.type === 'GeometryCollection') return g.geometries.flatMap(positions);
  const walk = (c) => (typeof c[0] === 'number' ? [c] : c.flatMap(walk));
  return walk(g.coordinates);
}

// inRing is the even-odd test of a position against one ring.
function inRing([x, y], ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i], [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

// inside says whether a position lies within a (Multi)Polygon location.
function inside(pos, g) {
  if (!g) return false;
  if (g.type === 'GeometryCollection') return g.geometries.some((x) => inside(pos, x));
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
  return polys.some((rings) => inRing(pos, rings[0]) && !rings.slice(1).some((h) => inRing(pos, h)));
}

// distanceToCase is how far a photo's position is from the case: 0 inside
// its area, else from its point or the nearest vertex of its location.
export function distanceToCase(pos, cs) {
  if (inside(pos, cs.location)) return 0;
  const all = [cs.point, ...positions(cs.location)].filter(Boolean);
  return Math.min(...all.map((p) => metres(pos, p)));
}
