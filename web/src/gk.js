// CGCS2000 3-degree Gauss-Krüger coordinates (EPSG:4513-4533), computed in the
// browser with Krüger's series for the transverse Mercator projection (the
// n-series to n^4, as in Karney 2011 and PROJ's tmerc; far below a millimetre
// within a 3-degree zone). Ellipsoid: CGCS2000 (a = 6378137 m,
// 1/f = 298.257222101, the GRS 80 values). The zone is chosen by longitude:
// n = floor((lon + 1.5) / 3), central meridian 3n degrees, false easting
// n * 1e6 + 500000 m (the zone number in front of the easting), scale 1.
// WGS 84 positions are used as CGCS2000 ones (they agree to a few centimetres).

const a = 6378137;
const f = 1 / 298.257222101;
const n = f / (2 - f);
const n2 = n * n, n3 = n2 * n, n4 = n3 * n;
const A = (a / (1 + n)) * (1 + n2 / 4 + n4 / 64);
const alpha = [
  n / 2 - (2 / 3) * n2 + (5 / 16) * n3 + (41 / 180) * n4,
  (13 / 48) * n2 - (3 / 5) * n3 + (557 / 1440) * n4,
  (61 / 240) * n3 - (103 / 140) * n4,
  (49561 / 161280) * n4,
];
const e2n = (2 * Math.sqrt(n)) / (1 + n); // the eccentricity e

// The CGCS2000 3-degree zones with an EPSG code: 25 (75°E) to 45 (135°E).
export const firstZone = 25;
export const lastZone = 45;

// zoneOf returns the 3-degree zone number of a longitude.
export function zoneOf(lon) {
  return Math.floor((lon + 1.5) / 3);
}

// gaussKruger projects lon/lat (degrees) to the 3-degree zone of lon. It
// returns {zone, epsg, centralMeridian, x, y} with x the northing (纵坐标 X)
// and y the easting with the zone number in front (横坐标 Y), as Chinese
// surveys write them; epsg is null outside zones 25-45.
export function gaussKruger(lon, lat) {
  const zone = zoneOf(lon);
  const cm = 3 * zone;
  const phi = (lat * Math.PI) / 180;
  const dl = ((lon - cm) * Math.PI) / 180;
  const sphi = Math.sin(phi);
  const t = Math.sinh(Math.atanh(sphi) - e2n * Math.atanh(e2n * sphi));
  const xi = Math.atan2(t, Math.cos(dl));
  const eta = Math.atanh(Math.sin(dl) / Math.sqrt(1 + t * t));
  let northing = xi, easting = eta;
  for (let j = 1; j <= 4; j++) {
    northing += alpha[j - 1] * Math.sin(2 * j * xi) * Math.cosh(2 * j * eta);
    easting += alpha[j - 1] * Math.cos(2 * j * xi) * Math.sinh(2 * j * eta);
  }
  const epsg = zone >= firstZone && zone <= lastZone ? 4513 + zone - firstZone : null;
  return { zone, epsg, centralMeridian: cm, x: A * northing, y: zone * 1e6 + 500000 + A * easting };
}

// dms writes a decimal angle as degrees, minutes and seconds (0.01″).
export function dms(deg, pos, neg) {
  const h = deg < 0 ? neg : pos;
  let s = Math.round(Math.abs(deg) * 360000) / 100;
  const d = Math.floor(s / 3600);
  s -= d * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${d}°${String(m).padStart(2, '0')}′${s.toFixed(2).padStart(5, '0')}″${h}`;
}
