// Where the map and markers pages open when the URL does not say: on the
// reserves the user works in (a signed-in user limited to some reserves),
// else on the reserves the visitor can see when they lie together, else on
// the first of them — national reserves before provincial, municipal and
// county ones, then by code — so that a service holding reserves on two
// continents opens on one of them, not on the ocean between.

import { getJSON } from './common.js';

const levelRank = { national: 0, provincial: 1, municipal: 2, county: 3 };

// together is how far apart, in degrees, the reserves may lie to be shown
// at once.
const together = 30;

// openingReserves returns the codes of the reserves to open on, first the
// one a single-reserve page (markers) takes; reserves is the list of
// /api/v1/reserves, me the answer of /api/v1/auth/me.
export function openingReserves(reserves, me) {
  const known = new Set(reserves.map((r) => r.code));
  if (me.authenticated && me.user && !me.user.all_reserves) {
    const mine = (me.user.reserves || []).filter((c) => known.has(c));
    if (mine.length) return mine;
  }
  return [...reserves].sort((a, b) => (levelRank[a.level] ?? 9) - (levelRank[b.level] ?? 9) || a.code.localeCompare(b.code)).map((r) => r.code);
}

// union is the bounding box of boxes.
function union(boxes) {
  return boxes.reduce((a, b) => [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])]);
}

// openingBounds is the box the map opens on: the reserves of
// openingReserves with a zoning, all of them if they lie within `together`
// degrees of each other, else the first; null if there is none.
export async function openingBounds(reserves, me) {
  const codes = openingReserves(reserves, me);
  const shown = (await Promise.all(codes.map((c) => getJSON('/api/v1/reserves/' + encodeURIComponent(c)).catch(() => null)))).filter((r) => r && r.bbox);
  if (shown.length === 0) return null;
  const all = union(shown.map((r) => r.bbox));
  return all[2] - all[0] <= together && all[3] - all[1] <= together ? all : shown[0].bbox;
}
