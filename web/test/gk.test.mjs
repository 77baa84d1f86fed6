// The browser's Gauss-Krüger formula (src/gk.js) against PostGIS: the
// reference points are projected with ST_Transform to EPSG:4513+n-25 by the
// Go test that runs this file (internal/web, `make test`), which passes
// their path in WARDEN_GK_REFERENCE.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { dms, gaussKruger, zoneOf } from '../src/gk.js';

test('Gauss-Krüger X/Y agree with PostGIS ST_Transform to 1 mm', () => {
  const path = process.env.WARDEN_GK_REFERENCE;
  assert.ok(path, 'WARDEN_GK_REFERENCE is not set: run this through `go test ./internal/web` (make test)');
  const refs = JSON.parse(readFileSync(path, 'utf8'));
  assert.ok(refs.length >= 100, `only ${refs.length} reference points`);
  let worst = 0;
  for (const r of refs) {
    const g = gaussKruger(r.lon, r.lat);
    assert.equal(g.zone, r.zone, `zone of ${r.lon}, ${r.lat}`);
    assert.equal(g.epsg, r.epsg, `EPSG code of ${r.lon}, ${r.lat}`);
    assert.equal(g.centralMeridian, 3 * r.zone);
    const d = Math.max(Math.abs(g.x - r.x), Math.abs(g.y - r.y));
    assert.ok(d < 0.001, `${r.lon}, ${r.lat}: X ${g.x} Y ${g.y}, PostGIS X ${r.x} Y ${r.y} (off by ${d} m)`);
    worst = Math.max(worst, d);
  }
  console.log(`gk: ${refs.length} points agree with PostGIS within ${worst.toExponential(2)} m`);
});

test('zones by longitude and DMS formatting', () => {
  assert.equal(zoneOf(73.5), 25);
  assert.equal(zoneOf(76.4999), 25);
  assert.equal(zoneOf(76.5), 26);
  assert.equal(zoneOf(134.9), 45);
  assert.equal(gaussKruger(1.2, 42.5).epsg, null); // outside China's zones
  assert.equal(dms(81.407288, 'E', 'W'), '81°24′26.24″E');
  assert.equal(dms(-0.5, 'N', 'S'), '0°30′00.00″S');
  assert.equal(dms(33.999999, 'N', 'S'), '34°00′00.00″N');
});
