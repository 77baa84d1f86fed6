// The pages in real headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core), against a running Warden with the sample reserves. Run by
// the Go test in internal/web (`make test`), which starts the server and sets
// WARDEN_URL (the server), WARDEN_ARTIFACTS (where screenshots go) and
// WARDEN_GK_REFERENCE (PostGIS's Gauss-Krüger values for a few points).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { openPage, shot, signIn, url, useChromium } from './harness.mjs';

useChromium();

// open loads path in a new page (opts are the browser context's), failing
// on any error answer the page gets or request that fails.
const open = (path, opts = {}) => openPage(path, { context: { viewport: { width: 1280, height: 820 }, acceptDownloads: true, ...opts }, strict: true });

// settle waits until the map has drawn every tile it asked for.
async function settle(page) {
  await page.waitForFunction(() => {
    const m = window.warden.map;
    return m.loaded() && m.areTilesLoaded() && !m.isMoving();
  }, null, { timeout: 30000 });
}

// rendered returns the distinct values of a property among the features
// MapLibre has drawn in the given style layer.
function rendered(page, layer, prop) {
  return page.evaluate(([l, p]) => [...new Set(window.warden.map.queryRenderedFeatures({ layers: [l] }).map((f) => f.properties[p]))].sort(), [layer, prop]);
}

test('the map page draws every zone kind of Qiangtang\'s current (two-zone) zoning, the outline and the markers, without console errors', async () => {
  const { page, errors, close } = await open('/?reserve=qiangtang');
  await settle(page);
  await page.waitForFunction(() => {
    const kinds = new Set(window.warden.map.queryRenderedFeatures({ layers: ['zones-fill'] }).map((f) => f.properties.kind));
    return ['core_protection', 'general_control'].every((k) => kinds.has(k));
  }, null, { timeout: 20000 });
  assert.deepEqual(await rendered(page, 'zones-fill', 'kind'), ['core_protection', 'general_control']);
  assert.deepEqual(await rendered(page, 'zones-fill', 'reserve'), ['qiangtang']);
  assert.deepEqual(await rendered(page, 'reserves-line', 'code'), ['qiangtang']);
  const statuses = await rendered(page, 'markers-symbol', 'status');
  assert.deepEqual(statuses, ['damaged', 'intact', 'missing']);
  const codes = await page.evaluate(() => new Set(window.warden.map.queryRenderedFeatures({ layers: ['markers-symbol'] }).map((f) => f.properties.code)).size);
  assert.ok(codes >= 35, `only ${codes} of Qiangtang's 40 markers drawn`);
  // The legend and the layer switcher list every layer, in Chinese.
  const legend = await page.$$eval('#legend-list li', (lis) => lis.map((li) => li.textContent.trim()));
  for (const label of ['核心区', '缓冲区', '实验区', '保护区范围', '完好', '损坏', '缺失']) {
    assert.ok(legend.includes(label), `legend ${JSON.stringify(legend)} lacks ${label}`);
  }
  const switches = await page.$$eval('#layer-list li', (lis) => lis.map((li) => li.textContent.trim()));
  assert.deepEqual(switches, ['底图', '功能区', '保护区范围', '界桩']);
  await shot(page, 'map-qiangtang-zh.png');
  assert.deepEqual(errors, []);
  await close();
});

test('an anonymous visitor opens on a reserve, not on the ocean between Qiangtang and the Pyrenees', async () => {
  const { page, errors, close } = await open('/');
  const view = await page.evaluate(() => {
    const b = window.warden.map.getBounds();
    return { qiangtang: b.contains([86, 34.5]), spain: b.contains([1.2, 42.5]) };
  });
  assert.deepEqual(view, { qiangtang: true, spain: false });
  await close();
  const markers = await open('/markers');
  assert.equal(await markers.page.inputValue('#reserve'), 'qiangtang');
  assert.deepEqual([...errors, ...markers.errors], []);
  await markers.close();
});

test('with no base map configured, the offline Natural Earth base map draws land, rivers, lakes, boundaries and names in the page\'s language, and can be switched off', async () => {
  const { page, errors, close } = await open('/#4/34/95');
  await settle(page);
  const drawnIn = (layer) => page.evaluate((l) => window.warden.map.queryRenderedFeatures({ layers: [l] }).length, layer);
  for (const layer of ['basemap-ocean', 'basemap-land', 'basemap-lakes', 'basemap-rivers', 'basemap-countries']) {
    assert.ok((await drawnIn(layer)) > 0, `nothing drawn in ${layer}`);
  }
  const countries = await page.evaluate(() => [...new Set(window.warden.map.queryRenderedFeatures({ layers: ['basemap-countries'] }).map((f) => f.properties.code))]);
  assert.ok(countries.includes('CHN') && countries.includes('IND'), `countries ${countries}`);
  // labels, drawn with the browser's fonts: China's provinces and the
  // countries, in the page's language
  const labels = (l) => page.evaluate((id) => window.warden.map.queryRenderedFeatures({ layers: [id] }).map((f) => f.properties.name_zh || f.properties.code), l);
  assert.ok((await labels('basemap-admin1-labels')).includes('青海省'), `division labels ${await labels('basemap-admin1-labels')}`);
  assert.ok((await labels('basemap-country-labels')).includes('CHN'), `country labels ${await labels('basemap-country-labels')}`);
  assert.ok((await labels('basemap-places')).includes('成都'), `places ${await labels('basemap-places')}`);
  const countryName = (code) => page.evaluate((c) => {
    const m = window.warden.map.getLayoutProperty('basemap-country-labels', 'text-field');
    const i = m.indexOf(c);
    return i > 1 ? m[i + 1] : null;
  }, code);
  assert.deepEqual([await countryName('CHN'), await countryName('NPL')], ['中国', '尼泊尔']);
  await shot(page, 'map-basemap-zh.png');
  await page.click('#lang-switch');
  for (const id of ['basemap-admin1-labels', 'basemap-places']) {
    assert.deepEqual(await page.evaluate((l) => window.warden.map.getLayoutProperty(l, 'text-field'), id), ['get', 'name_en']);
  }
  assert.deepEqual([await countryName('CHN'), await countryName('NPL')], ['China', 'Nepal']);
  await settle(page);
  await shot(page, 'map-basemap-en.png');
  await page.click('#lang-switch');
  await page.uncheck('#toggle-basemap');
  assert.equal(await page.evaluate(() => window.warden.map.getLayoutProperty('basemap-land', 'visibility')), 'none');
  assert.deepEqual(errors, []);
  await close();
});

test('the layer switcher hides and shows a layer', async () => {
  const { page, errors, close } = await open('/?reserve=qiangtang');
  await settle(page);
  await page.uncheck('#toggle-zones');
  await settle(page);
  assert.equal(await page.evaluate(() => window.warden.map.getLayoutProperty('zones-fill', 'visibility')), 'none');
  // the legend lists only the layers that are on, and stays above the coordinate bar
  const legend = await page.$$eval('#legend-list li', (lis) => lis.map((li) => li.textContent.trim()));
  assert.ok(!legend.includes('核心区') && legend.includes('完好'), `legend ${JSON.stringify(legend)}`);
  const [panel, coords] = await page.evaluate(() => ['#panel', '#coords'].map((q) => document.querySelector(q).getBoundingClientRect().toJSON()));
  assert.ok(panel.bottom <= coords.top, `the legend panel (bottom ${panel.bottom}) covers the coordinate bar (top ${coords.top})`);
  assert.deepEqual(await rendered(page, 'zones-fill', 'kind'), []);
  await shot(page, 'map-zones-hidden.png');
  await page.check('#toggle-zones');
  await settle(page);
  assert.deepEqual(await rendered(page, 'zones-fill', 'kind'), ['core_protection', 'general_control']);
  assert.deepEqual(errors, []);
  await close();
});

test('the reserve search finds 羌塘 and moves the map to it', async () => {
  const { page, errors, close } = await open('/');
  await page.fill('#search-input', '羌塘');
  const hit = page.locator('#search-results button[data-code="qiangtang"]');
  await hit.waitFor();
  assert.match(await hit.textContent(), /西藏羌塘国家级自然保护区/);
  assert.equal(await page.locator('#search-results button').count(), 1);
  await hit.click();
  await page.waitForSelector('body[data-shown="qiangtang"]');
  await settle(page);
  const view = await page.evaluate(() => {
    const m = window.warden.map;
    return { zoom: m.getZoom(), inside: m.getBounds().contains([86, 34.5]) && !m.getBounds().contains([1.2, 42.5]) };
  });
  assert.ok(view.inside && view.zoom > 4, `after the search the map shows ${JSON.stringify(view)}`);
  assert.deepEqual(await rendered(page, 'zones-fill', 'kind'), ['core_protection', 'general_control']);
  // By code and in English too; a miss says so.
  await page.fill('#search-input', 'PIRINEU');
  await page.locator('#search-results button[data-code="alt-pirineu"]').waitFor();
  await page.fill('#search-input', 'no such reserve');
  await page.locator('#search-results .none').waitFor();
  assert.equal(await page.textContent('#search-results .none'), '没有找到保护区');
  assert.deepEqual(errors, []);
  await close();
});

test('a click shows the zone and marker attributes in a popup', async () => {
  const { page, errors, close } = await open('/?reserve=qiangtang');
  await settle(page);
  const box = await page.locator('#map canvas').boundingBox();
  const at = await page.evaluate(() => window.warden.map.project([86, 34.5]));
  await page.mouse.click(box.x + at.x, box.y + at.y);
  const popup = page.locator('.warden-popup .feature[data-layer="zones"]');
  await popup.waitFor();
  // the current zoning: version 2, the two-zone zoning approved 2026-06-01
  assert.equal(await popup.locator('td[data-field="kind"]').textContent(), '核心保护区');
  assert.equal(await popup.locator('td[data-field="reserve"]').textContent(), '西藏羌塘国家级自然保护区');
  assert.equal(await popup.locator('td[data-field="version"]').textContent(), '2');
  // The first marker, QT-001, on its own.
  const m = await page.evaluate(() => {
    const f = window.warden.map.queryRenderedFeatures({ layers: ['markers-symbol'] }).find((x) => x.properties.code === 'QT-001');
    return window.warden.map.project(f.geometry.coordinates);
  });
  await page.mouse.click(box.x + m.x, box.y + m.y);
  const mp = page.locator('.warden-popup .feature[data-layer="markers"]');
  await mp.waitFor();
  assert.equal(await mp.locator('td[data-field="code"]').textContent(), 'QT-001');
  assert.equal(await mp.locator('td[data-field="status"]').textContent(), '完好');
  assert.equal(await mp.locator('td[data-field="kind"]').textContent(), '界桩');
  await shot(page, 'map-popup-marker.png');
  assert.deepEqual(errors, []);
  await close();
});

test('the coordinates under the pointer, in lon/lat and CGCS2000 Gauss-Krüger', async () => {
  const refs = JSON.parse(readFileSync(process.env.WARDEN_GK_REFERENCE, 'utf8'));
  const ref = refs.find((r) => r.lon === 86.3 && r.lat === 34.5);
  assert.ok(ref, 'the reference points lack 86.3, 34.5');
  const { page, errors, close } = await open('/');
  assert.equal(await page.textContent('#coords-lonlat'), '将鼠标移到地图上查看坐标');
  await page.evaluate(() => window.warden.map.jumpTo({ center: [86.3, 34.5], zoom: 15 }));
  await settle(page);
  const box = await page.locator('#map canvas').boundingBox();
  const at = await page.evaluate(() => window.warden.map.project([86.3, 34.5]));
  await page.mouse.move(box.x + at.x, box.y + at.y);
  await page.waitForSelector('#coords-gk[data-zone]');
  const gk = await page.$eval('#coords-gk', (e) => ({ ...e.dataset, text: e.textContent }));
  assert.equal(gk.zone, '29');
  assert.equal(gk.epsg, '4517');
  assert.match(gk.text, /CGCS2000 3°高斯-克吕格 第29带 \(EPSG:4517\) X（北） \d+\.\d\d {2}Y（东） 29\d{6}\.\d\d/);
  // Within a few metres of PostGIS's value for the point (the pointer is
  // within half a pixel of it: ~2 m at zoom 15).
  assert.ok(Math.abs(Number(gk.x) - ref.x) < 10 && Math.abs(Number(gk.y) - ref.y) < 10,
    `readout X ${gk.x} Y ${gk.y}, PostGIS X ${ref.x} Y ${ref.y}`);
  assert.match(await page.textContent('#coords-lonlat'), /^经纬度 86\.30\d{4}, 34\.5\d{5}|^经纬度 86\.29\d{4}, 34\.49\d{4}/);
  await page.click('#lang-switch');
  assert.match(await page.textContent('#coords-gk'), /^CGCS2000 3° Gauss-Krüger zone 29 \(EPSG:4517\) X \(north\)/);
  await page.evaluate(() => window.warden.map.jumpTo({ center: [1.2, 42.5], zoom: 10 }));
  await page.mouse.move(box.x + box.width / 2 + 1, box.y + box.height / 2);
  await page.waitForFunction(() => !document.querySelector('#coords-gk').dataset.zone);
  assert.match(await page.textContent('#coords-gk'), /outside CGCS2000 3° zones 25–45/);
  assert.deepEqual(errors, []);
  await close();
});

test('the language switch turns every label to English and back', async () => {
  const { page, errors, close } = await open('/?reserve=qiangtang');
  await settle(page);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.equal(await page.textContent('h1'), 'Warden 自然保护区地图');
  await page.click('#lang-switch');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.textContent('h1'), 'Warden reserve map');
  assert.equal(await page.getAttribute('#search-input', 'placeholder'), 'Find a reserve by name or code');
  const legend = await page.$$eval('#legend-list li', (lis) => lis.map((li) => li.textContent.trim()));
  for (const label of ['Core zone', 'Buffer zone', 'Experimental zone', 'Reserve outlines', 'Intact', 'Damaged', 'Missing']) {
    assert.ok(legend.includes(label), `legend ${JSON.stringify(legend)} lacks ${label}`);
  }
  assert.deepEqual(await page.$$eval('#layer-list li', (lis) => lis.map((li) => li.textContent.trim())), ['Base map', 'Zones', 'Reserve outlines', 'Boundary markers']);
  // No Chinese is left in the page's own labels.
  const text = await page.$eval('body', (b) => [...b.querySelectorAll('header, #panel, #coords')].map((e) => e.innerText).join('\n'));
  assert.doesNotMatch(text.replace('中文', ''), /[\u4e00-\u9fff]/, text);
  await shot(page, 'map-qiangtang-en.png');
  // The choice is remembered.
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.textContent('h1'), 'Warden reserve map');
  await page.click('#lang-switch');
  assert.equal(await page.textContent('h1'), 'Warden 自然保护区地图');
  assert.deepEqual(errors, []);
  await close();
});

test('the markers page lists the markers with their status and gives the announcement table as CSV', async () => {
  const { page, errors, close } = await open('/markers?reserve=qiangtang');
  assert.equal(await page.locator('#markers-body tr').count(), 40);
  assert.equal(await page.textContent('#count'), '共 40 个界桩');
  assert.equal(await page.textContent('#markers-body tr[data-code="QT-013"] td.status'), ' 损坏');
  assert.equal(await page.textContent('#markers-body tr[data-code="QT-034"] td.status'), ' 缺失');
  await shot(page, 'markers-qiangtang.png');

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
  assert.equal(download.suggestedFilename(), 'qiangtang-markers-announcement.csv');
  const text = readFileSync(await download.path(), 'utf8');
  assert.ok(text.startsWith('\ufeff编号,类型,状态,经度,纬度,经度（度分秒）,纬度（度分秒）,3°带号,X（北，米）,Y（东，米）,公告坐标\r\n'), text.slice(0, 200));
  const lines = text.trim().split('\r\n').slice(1).map((l) => l.split(','));
  assert.equal(lines.length, 40);
  // The computed Gauss-Krüger X/Y agree with the announced survey
  // coordinates, which geodata/derive.sql made with PostGIS (0.01 m).
  for (const l of lines) {
    const [code, , , , , , , zone, x, y, survey] = l;
    const m = survey.match(/^EPSG:(\d+) X=([\d.]+) Y=([\d.]+)$/);
    assert.ok(m, `${code}: announced coordinates ${survey}`);
    assert.equal(zone, `${Number(m[1]) - 4513 + 25} (EPSG:${m[1]})`, code);
    assert.ok(Math.abs(Number(x) - Number(m[2])) < 0.006 && Math.abs(Number(y) - Number(m[3])) < 0.006, `${code}: X ${x} Y ${y}, announced ${survey}`);
  }
  assert.deepEqual(lines[0].slice(0, 7), ['QT-001', '界桩', '完好', '81.407288', '33.052490', '81°24′26.24″E', '33°03′08.96″N']);

  // A status filter, and English.
  await page.selectOption('#status', 'damaged');
  await page.waitForFunction(() => document.querySelectorAll('#markers-body tr').length === 2);
  await page.click('#lang-switch');
  assert.equal(await page.textContent('#count'), '2 markers');
  assert.equal(await page.textContent('#csv'), 'Download the coordinate announcement table (CSV)');
  assert.equal(await page.textContent('#markers-body tr[data-code="QT-013"] td.status'), ' Damaged');
  assert.deepEqual(errors, []);
  await close();
});

test('a configured raster base map is drawn under the layers and can be switched off', async () => {
  const base = process.env.WARDEN_URL_BASEMAP;
  const tiles = process.env.WARDEN_BASEMAP_TILES;
  assert.ok(base && tiles, 'WARDEN_URL_BASEMAP and WARDEN_BASEMAP_TILES are not set');
  let rasterTiles = 0;
  const { page, errors, close } = await openPage('/?reserve=qiangtang', {
    base,
    context: { viewport: { width: 1280, height: 820 } },
    setup: (p) => p.on('requestfinished', (r) => {
      if (r.url().startsWith(tiles)) rasterTiles++;
    }),
  });
  await settle(page);
  assert.ok(rasterTiles > 0, 'no base map tile was fetched');
  const switches = await page.$$eval('#layer-list li', (lis) => lis.map((li) => li.textContent.trim()));
  assert.deepEqual(switches, ['底图', '功能区', '保护区范围', '界桩']);
  assert.deepEqual(await rendered(page, 'zones-fill', 'kind'), ['core_protection', 'general_control']);
  assert.match(await page.textContent('.maplibregl-ctrl-attrib'), /test base map/);
  await shot(page, 'map-basemap.png');
  await page.uncheck('#toggle-basemap');
  assert.equal(await page.evaluate(() => window.warden.map.getLayoutProperty('basemap', 'visibility')), 'none');
  assert.deepEqual(errors, []);
  await close();
});

// clickAt clicks the map at a lon/lat.
async function clickAt(page, lonLat) {
  const box = await page.locator('#map canvas').boundingBox();
  const p = await page.evaluate((ll) => window.warden.map.project(ll), lonLat);
  await page.mouse.click(box.x + p.x, box.y + p.y);
}

// submit sends the screening and waits for its verdict (failing with the
// problem the page shows, if any).
async function submit(page) {
  await page.click('#submit');
  await page.waitForSelector('#verdict, #problem, #result .problem', { timeout: 60000 });
  const problem = await page.$eval('#result', (r) => (r.querySelector('#verdict') ? '' : r.textContent));
  assert.equal(problem, '', 'the screening was refused');
}

test('screening: a polygon drawn in the core protection zone is prohibited for tourism, with its report', async () => {
  const { page, errors, close } = await open('/screening?reserve=qiangtang');
  await settle(page);
  await page.selectOption('#activity', 'tourism');
  await page.fill('#project-name', '测试营地');
  await signIn(page); // the reviewer the Go test made
  for (const ll of [[85.8, 34.3], [86.2, 34.3], [86.2, 34.7], [85.8, 34.7]]) await clickAt(page, ll);
  assert.equal(await page.textContent('#vertex-count'), '已画 4 个顶点');
  await submit(page);
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'prohibited');
  assert.match(await page.textContent('#verdict'), /结论： 禁止/);
  assert.ok((await page.locator('#reasons li').count()) > 0);
  const core = page.locator('#zones-table tr[data-reserve="qiangtang"][data-kind="core_protection"] td');
  assert.equal(await core.nth(1).textContent(), '核心保护区');
  assert.ok(Number((await core.nth(2).textContent()).replace(/,/g, '')) > 100000, 'the polygon covers over 1,000 km² of core protection zone');
  assert.match(await core.nth(2).textContent(), /^\d{1,3}(,\d{3})+\.\d\d$/, 'areas have thousands separators');
  // rules by their articles' names, not codes
  const arts = await page.locator('#zones-table td.articles').first().textContent();
  assert.match(arts, /条/);
  assert.doesNotMatch(arts, /NRR-/);
  await settle(page);
  await shot(page, 'screening-polygon.png');
  const href = await page.getAttribute('#report-link', 'href');
  assert.match(href, /^\/api\/v1\/screenings\/\d+\/report$/);
  const report = await page.request.get(url + href);
  assert.equal(report.status(), 200);
  assert.match(await report.text(), /禁止/);
  await page.click('#lang-switch');
  assert.match(await page.textContent('#verdict'), /Verdict: prohibited/i);
  assert.deepEqual(errors, []);
  await close();
});

test('screening: an uploaded line far from any reserve is outside', async () => {
  const { page, errors, close } = await open('/screening');
  await page.selectOption('#activity', 'non_production_facility');
  await signIn(page); // the reviewer the Go test made
  const road = { type: 'Feature', properties: { name: 'road' }, geometry: { type: 'LineString', coordinates: [[100, 20], [100.1, 20.1]] } };
  await page.setInputFiles('#file', { name: 'road.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(road)) });
  await submit(page);
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'outside');
  assert.equal(await page.locator('#zones-table').count(), 0);
  // the uploaded file's footprint is drawn on the map
  await settle(page);
  assert.ok(await page.evaluate(() => window.warden.map.queryRenderedFeatures({ layers: ['draft-line'] }).length) > 0, 'the uploaded road is not drawn');
  assert.deepEqual(errors, []);
  await close();
});

// Patrol tracks: the tracks page signs in as an admin (WARDEN_TRACKS_USER),
// uploads a generated track across Qiangtang's core/buffer boundary and a
// corpus GPX far from any reserve by drag and drop, and the main map then
// offers the tracks layer to the signed-in user.

const metre = 1 / 111320; // degrees of latitude in a metre, near enough

// coreBufferEdge finds where Qiangtang's core meets its buffer on the
// meridian 86°E north of the core's middle (34.5°N), to 0.1 m by bisection
// with GET /api/v1/locate, and where the buffer ends further north, in the
// three-zone zoning in force on the day (the sample's two-zone zoning is
// approved 2026-06-01).
async function coreBufferEdge(request, day) {
  const lats = Array.from({ length: 400 }, (_, i) => 34.5 + 0.01 * i);
  const res = await request.post(`${url}/api/v1/locate?on=${day}`, { data: lats.map((lat) => [86, lat]) });
  const kinds = (await res.json()).results.map((r) => r.zone_kind || 'outside');
  const i = kinds.findIndex((k) => k !== 'core');
  assert.ok(kinds[0] === 'core' && i > 1 && kinds[i] === 'buffer', `zones north along 86°E: ${kinds.slice(0, i + 1)}`);
  const j = kinds.findIndex((k, n) => n > i && k !== 'buffer');
  const kindAt = async (lat) => (await (await request.get(`${url}/api/v1/locate?lon=86&lat=${lat}&on=${day}`)).json()).zone_kind;
  let south = lats[i - 1], north = lats[i];
  while (north - south > 1e-6) {
    const mid = (south + north) / 2;
    if ((await kindAt(mid)) === 'core') south = mid;
    else north = mid;
  }
  return { edge: (south + north) / 2, bufferEnd: lats[j - 1] };
}

// crossingTrack is a visitor's walk along 86°E, a fix every 30 s: from the
// buffer south 2 km into the core (a logging waypoint 1 km in) and back
// north into the buffer, then a poke 8 m across the boundary and back
// (boundary jitter). It returns the GPX and the fixes [lat, time].
function crossingTrack(edge, bufferEnd, start) {
  const lats = [];
  let lat = edge + Math.min(0.02, (bufferEnd - edge) / 2);
  for (; lat > edge - 2000 * metre; lat -= 60 * metre) lats.push(lat);
  for (; lat < edge + 240 * metre; lat += 60 * metre) lats.push(lat);
  for (let k = 0; k < 4; k++) lats.push(edge + (240 - 52.5 * (k + 1)) * metre);
  lats.push(edge - 8 * metre, edge + 30 * metre);
  for (let k = 1; k <= 5; k++) lats.push(edge + (30 + 60 * k) * metre);
  const fixes = lats.map((l, i) => [l, new Date(start.getTime() + 30000 * i)]);
  const logging = fixes.find(([l]) => l < edge - 1000 * metre);
  const pts = fixes.map(([l, t]) => `<trkpt lat="${l.toFixed(8)}" lon="86"><ele>4900</ele><time>${t.toISOString()}</time></trkpt>`).join('\n');
  const gpx = `<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="warden browser test" xmlns="http://www.topografix.com/GPX/1/1">
<wpt lat="${logging[0].toFixed(8)}" lon="86"><time>${logging[1].toISOString()}</time><name>发现盗伐</name><type>logging</type></wpt>
<trk><name>羌塘游客轨迹</name><trkseg>
${pts}
</trkseg></trk></gpx>
`;
  return { gpx, fixes };
}

// crossingAt is when the fixes cross latitude edge for the n-th time
// (interpolated linearly between the fixes either side), in ms.
function crossingAt(fixes, edge, n) {
  let seen = 0;
  for (let i = 1; i < fixes.length; i++) {
    const [a, ta] = fixes[i - 1], [b, tb] = fixes[i];
    if ((a - edge) * (b - edge) < 0 && seen++ === n) return ta.getTime() + ((a - edge) / (a - b)) * (tb - ta);
  }
  throw new Error(`the track crosses ${edge} fewer than ${n + 1} times`);
}

// inShanghai formats a time as the page does in the context's time zone.
const inShanghai = (iso) => new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
}).format(new Date(iso));

// dropFile drops a file on the page's drop box, as a drag from the desktop does.
async function dropFile(page, name, text) {
  const dt = await page.evaluateHandle(([n, body]) => {
    const d = new DataTransfer();
    d.items.add(new File([body], n, { type: 'application/gpx+xml' }));
    return d;
  }, [name, text]);
  await page.dispatchEvent('#drop', 'drop', { dataTransfer: dt });
  await page.waitForFunction((n) => document.getElementById('file-name').textContent.startsWith(n), name);
}

// uploadTrack sends the form and waits for the track it answers.
async function uploadTrack(page) {
  const before = await page.evaluate(() => document.body.dataset.track || '');
  await page.click('#upload-submit');
  await page.waitForFunction((b) => (document.body.dataset.track && document.body.dataset.track !== b && document.querySelector('#saved')) || document.querySelector('#problem'), before, { timeout: 60000 });
  assert.equal(await page.locator('#problem').count(), 0, await page.textContent('#result'));
  return Number(await page.evaluate(() => document.body.dataset.track));
}

const drawn = (page, layer) => page.evaluate((l) => window.warden.map.queryRenderedFeatures({ layers: [l] }).length, layer);

test('tracks: an uploaded track across the core/buffer boundary shows its zone visits, jitter and findings; a corpus GPX outside is stored and drawn; the map offers the tracks layer', async () => {
  const { page, errors, close } = await open('/tracks', { timezoneId: 'Asia/Shanghai' });
  assert.equal(await page.textContent('#recent-list'), '登录后可查看和上传轨迹。');
  // Before signing in: a POST with the session cookie would need its CSRF token.
  const { edge, bufferEnd } = await coreBufferEdge(page.request, '2024-07-01');
  await signIn(page, process.env.WARDEN_TRACKS_USER, process.env.WARDEN_TRACKS_PASSWORD);
  await page.waitForSelector('#recent-list li.none');
  assert.equal(await page.textContent('#recent-list'), '还没有轨迹');

  const start = new Date('2024-07-01T02:00:00Z');
  const { gpx, fixes } = crossingTrack(edge, bufferEnd, start);
  await dropFile(page, 'qiangtang-visitor.gpx', gpx);
  await page.fill('#subject', '游客张三');
  await page.selectOption('#subject-kind', 'visitor');
  await page.selectOption('#reserve', 'qiangtang');
  const id = await uploadTrack(page);
  assert.equal(await page.textContent('#saved'), `已保存为轨迹 #${id}`);
  const api = await (await page.request.get(`${url}/api/v1/tracks/${id}`)).json();

  // The visits, in order, as the API has them; the poke across the boundary is jitter.
  const rows = page.locator('#visits-table tbody tr');
  assert.equal(await rows.count(), api.visits.length);
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.kind)), ['buffer', 'core', 'buffer', 'core', 'buffer']);
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.jitter)), ['false', 'false', 'false', 'true', 'false']);
  assert.equal(await rows.nth(3).getAttribute('class'), 'jitter');
  assert.equal(await rows.nth(3).locator('.jitter-mark').textContent(), '边界抖动');
  assert.equal(await page.locator('#visits-table .jitter-mark').count(), 1);
  assert.equal(await rows.nth(1).locator('td.zone').textContent(), '核心区');
  assert.equal(await page.textContent('#visits-table caption'), '2024-07-01，时间按 Asia/Shanghai 时区显示');
  for (let i = 0; i < api.visits.length; i++) {
    const v = api.visits[i];
    assert.ok(inShanghai(v.entered_at).startsWith('2024-07-01 ') && inShanghai(v.exited_at).startsWith('2024-07-01 '));
    assert.ok((await rows.nth(i).locator('td.entered').textContent()).startsWith(inShanghai(v.entered_at).slice(11)), `visit ${i} entered`);
    assert.ok((await rows.nth(i).locator('td.exited').textContent()).startsWith(inShanghai(v.exited_at).slice(11)), `visit ${i} exited`);
  }
  assert.match(await rows.nth(0).locator('td.entered').textContent(), /（轨迹起于区内）$/);
  assert.match(await rows.nth(4).locator('td.exited').textContent(), /（轨迹止于区内）$/);
  // The core visit's entry and exit are at the boundary crossings, computed
  // here from the fixes (to a second), shown in Beijing time (UTC+8).
  const core = api.visits[1];
  assert.ok(Math.abs(Date.parse(core.entered_at) - crossingAt(fixes, edge, 0)) < 1000, `core entered ${core.entered_at}`);
  assert.ok(Math.abs(Date.parse(core.exited_at) - crossingAt(fixes, edge, 1)) < 1000, `core exited ${core.exited_at}`);
  assert.match(await rows.nth(1).locator('td.entered').textContent(), /^10:\d\d:\d\d$/);
  assert.match(await rows.nth(1).locator('td.duration').textContent(), /^\d+分\d\d秒$|^\d+小时\d\d分\d\d秒$/);
  // Findings: the visitor in the core and the buffer (not for the jitter), and the logging seen in the core.
  const found = await page.locator('#findings li').evaluateAll((lis) => lis.map((li) => `${li.dataset.kind}/${li.dataset.zoneKind}`).sort());
  assert.deepEqual(found, api.findings.map((f) => `${f.kind}/${f.zone_kind}`).sort());
  assert.deepEqual(found, ['prohibited_activity/core', 'prohibited_entry/buffer', 'prohibited_entry/buffer', 'prohibited_entry/buffer', 'prohibited_entry/core']);
  assert.match(await page.textContent('#findings li[data-kind="prohibited_activity"]'), /禁止的活动 · 核心区 · 2024-07-01 1\d:\d\d:\d\d/);
  assert.equal(await page.locator('#observations li[data-category="logging"]').count(), 1);
  await settle(page);
  assert.ok((await drawn(page, 'track-line')) > 0, 'the track is not drawn');
  assert.ok((await drawn(page, 'visit-points')) > 0, 'the visits are not drawn');
  assert.ok((await drawn(page, 'finding-line')) > 0, 'the findings are not drawn');
  assert.equal(await drawn(page, 'observation-points'), 1);
  await shot(page, 'tracks-visits-zh.png');
  await page.click('#lang-switch');
  assert.equal(await rows.nth(3).locator('.jitter-mark').textContent(), 'Boundary jitter');
  assert.match(await page.textContent('#visits-table thead'), /Entered.*Exited/);
  assert.equal(await page.textContent('#visits-table caption'), '2024-07-01, times in Asia/Shanghai');
  await shot(page, 'tracks-visits-en.png');
  await page.click('#lang-switch');

  // A corpus GPX far from any reserve: stored, drawn, no visits; the same file again is the same track.
  const run = readFileSync(join(process.env.WARDEN_TEST_CORPUS, 'gpx', 'togeojson', 'run.gpx'), 'utf8');
  await dropFile(page, 'run.gpx', run);
  await page.fill('#subject', 'ranger-7');
  await page.selectOption('#subject-kind', 'patrol');
  await page.selectOption('#reserve', '');
  const runID = await uploadTrack(page);
  assert.notEqual(runID, id);
  assert.equal(await page.textContent('#no-visits'), '轨迹未进入任何功能区。');
  assert.equal(await page.textContent('#no-findings'), '没有发现问题。');
  assert.equal(await page.textContent('#track-reserve'), '不在任何保护区内');
  await settle(page);
  assert.ok((await drawn(page, 'track-line')) > 0, 'the corpus track is not drawn');
  const centre = await page.evaluate(() => window.warden.map.getCenter());
  assert.ok(Math.abs(centre.lng + 77.02) < 0.05 && Math.abs(centre.lat - 38.93) < 0.05, `the map shows ${centre.lng}, ${centre.lat}`);
  await shot(page, 'tracks-corpus-run.png');
  await page.waitForFunction(() => document.querySelectorAll('#recent-list button').length === 2);
  const stored = await (await page.request.get(`${url}/api/v1/tracks/${runID}`)).json();
  assert.equal(stored.totals.points_read, 206); // cleaning reports what it dropped
  assert.match(await page.textContent('#track dl.summary'), new RegExp(`${stored.totals.points_kept} 个点`));
  await dropFile(page, 'run-again.gpx', run);
  await page.click('#upload-submit');
  await page.waitForFunction(() => document.querySelector('#saved')?.textContent.includes('之前已上传过'));
  assert.equal(await page.evaluate(() => document.body.dataset.track), String(runID));
  // What cleaning dropped is said in Chinese.
  const notes = await page.$$eval('#notes li', (lis) => lis.map((li) => li.textContent));
  assert.equal(notes.length, stored.notes.length, `notes ${notes}`);
  for (const n of notes) assert.match(n, /^剔除 \d+ 个(重复点|速度异常点（快于每小时 15 公里）)$/);
  // A file that is not well-formed is refused in Chinese, saying where.
  const seen = errors.length;
  await dropFile(page, 'broken.gpx', '<?xml version="1.0"?>\n<gpx version="1.1" creator="x" xmlns="http://www.topografix.com/GPX/1/1">\n<trk><trkseg><trkpt lat="34.5"');
  await page.click('#upload-submit');
  await page.waitForFunction(() => document.querySelector('#problem p')?.textContent === 'XML 格式错误');
  assert.equal(await page.textContent('#problem li'), '第 3 行：不符合要求');
  errors.push(...errors.splice(seen).filter((e) => !/HTTP 400: .*\/api\/v1\/tracks$|status of 400/.test(e)));

  // The list opens a track.
  await page.click(`#recent-list button[data-id="${id}"]`);
  await page.waitForFunction((i) => document.body.dataset.track === String(i) && document.querySelector('#visits-table'), id);

  // The main map, with the session: the tracks layer is offered, off, and draws the track when switched on.
  await page.goto(url + '/?reserve=qiangtang');
  await page.waitForSelector('body[data-ready="true"]');
  const switches = await page.$$eval('#layer-list li', (lis) => lis.map((li) => li.textContent.trim()));
  assert.deepEqual(switches, ['底图', '功能区', '保护区范围', '巡护轨迹', '界桩', '巡护观测点', '违法违规问题']);
  assert.equal(await page.isChecked('#toggle-tracks'), false);
  assert.equal(await page.evaluate(() => window.warden.map.getLayoutProperty('tracks-line', 'visibility')), 'none');
  await page.check('#toggle-tracks');
  await page.check('#toggle-observations');
  await page.evaluate((lat) => window.warden.map.jumpTo({ center: [86, lat], zoom: 11 }), edge);
  await settle(page);
  const ids = await page.evaluate(() => [...new Set(window.warden.map.queryRenderedFeatures({ layers: ['tracks-line'] }).map((f) => f.properties.track))]);
  assert.deepEqual(ids, [id]);
  await clickAt(page, [86, edge + 100 * metre]);
  const popup = page.locator('.warden-popup .feature[data-layer="tracks"]');
  await popup.waitFor();
  assert.equal(await popup.locator('td[data-field="subject_kind"]').textContent(), '游客');
  assert.equal(await popup.locator('td[data-field="started_at"]').textContent(), '2024-07-01 10:00:00');
  await shot(page, 'map-tracks.png');
  assert.deepEqual(errors, []);
  await close();
});

// Cases: the cases pages sign in as the admin (WARDEN_TRACKS_USER), register
// a case from a public letter about grazing in Qiangtang's core zone
// (POST /api/v1/cases with the session's CSRF token), open its page, see its
// timeline, verify it from the page and see the timeline grow; the list
// filters by status; the map offers the cases layer, which draws it.
test('cases: a case page shows its timeline and moves the case on; the list filters by status; the map draws the case', async () => {
  const { page, errors, close } = await open('/cases', { timezoneId: 'Asia/Shanghai' });
  assert.equal(await page.textContent('#count'), '登录后可查看案件。');
  await signIn(page, process.env.WARDEN_TRACKS_USER, process.env.WARDEN_TRACKS_PASSWORD);
  const created = await page.evaluate(async () => {
    const me = await (await fetch('/api/v1/auth/me')).json();
    const res = await fetch('/api/v1/cases', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
      body: JSON.stringify({ source: 'public_report', source_ref: '来信 2024-07', activity: 'grazing', title: '核心区放牧',
        location: { type: 'Point', coordinates: [86.02, 34.52] } }),
    });
    return { status: res.status, doc: await res.json() };
  });
  assert.equal(created.status, 201, JSON.stringify(created.doc));
  const id = created.doc.id;
  assert.equal(created.doc.status, 'reported');

  await page.goto(`${url}/cases/${id}`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForSelector('#case-view');
  assert.equal(await page.getAttribute('#case-view', 'data-status'), 'reported');
  assert.equal(await page.textContent('#case-status'), '已登记');
  const before = (await (await page.request.get(`${url}/api/v1/cases/${id}`)).json()).events.length;
  assert.ok(before >= 1);
  assert.equal(await page.locator('#timeline li').count(), before);
  assert.equal(await page.getAttribute('#timeline li:first-child', 'data-kind'), 'created');
  assert.equal(await page.textContent('#timeline li:first-child .comment'), '登记，来源：群众来信来访');
  assert.deepEqual(await page.$$eval('#steps button.step', (bs) => bs.map((b) => b.dataset.to)), ['verified', 'dismissed']);
  await settle(page);
  assert.ok(await page.evaluate(() => window.warden.map.queryRenderedFeatures({ layers: ['case-point'] }).length) >= 1, 'the case is not on its map');
  await shot(page, 'case-reported.png');

  // Dismissing needs a reason: the page shows the 422 and keeps the case as it was.
  await page.click('#steps button.step[data-to="dismissed"]');
  await page.click('#step-submit');
  await page.waitForSelector('#step-result #problem');
  assert.equal(await page.getAttribute('#step-result #problem', 'data-status'), '422');
  assert.match(await page.textContent('#step-result'), /不予立案理由：必须填写/);
  assert.equal(await page.getAttribute('#case-view', 'data-status'), 'reported');

  // Verify it from the page.
  await page.click('#steps button.step[data-to="verified"]');
  assert.equal(await page.textContent('#step-form h3'), '转为：已核实');
  await page.fill('#step-comment', '现场核实属实');
  await page.click('#step-submit');
  await page.waitForSelector('#case-view[data-status="verified"]');
  assert.equal(await page.textContent('#case-status'), '已核实');
  assert.equal(await page.locator('#timeline li').count(), before + 1);
  const last = page.locator('#timeline li').last();
  assert.equal(await last.getAttribute('data-to'), 'verified');
  assert.match(await last.textContent(), /已登记 → 已核实.*现场核实属实/);
  assert.deepEqual(await page.$$eval('#steps button.step', (bs) => bs.map((b) => b.dataset.to)), ['transferred', 'dismissed']);
  const stored = await (await page.request.get(`${url}/api/v1/cases/${id}`)).json();
  assert.equal(stored.status, 'verified');
  assert.equal(stored.events.at(-1).comment, '现场核实属实');
  await shot(page, 'case-verified.png');
  await page.click('#lang-switch');
  assert.equal(await page.textContent('#case-status'), 'Verified');
  assert.match(await last.textContent(), /Reported → Verified/);
  await page.click('#lang-switch');

  // The list: every case, then by status.
  await page.goto(`${url}/cases`);
  await page.waitForSelector('body[data-ready="true"][data-loaded="true"]');
  const all = await page.$$eval('#cases-table tbody tr', (rs) => rs.map((r) => [Number(r.dataset.id), r.dataset.status]));
  assert.ok(all.some(([i]) => i === id), 'the case is not listed');
  const reported = all.filter(([, s]) => s === 'reported').length;
  await page.selectOption('#f-status', 'verified');
  await page.waitForFunction(() => document.body.dataset.loaded === 'true' && new URLSearchParams(location.search).get('status') === 'verified');
  const verified = await page.$$eval('#cases-table tbody tr', (rs) => rs.map((r) => [Number(r.dataset.id), r.dataset.status]));
  assert.deepEqual(verified, [[id, 'verified']]);
  assert.equal(await page.textContent('#count'), '共 1 个案件');
  await shot(page, 'cases-verified.png');
  await page.selectOption('#f-status', 'reported');
  await page.waitForFunction(() => document.body.dataset.loaded === 'true' && new URLSearchParams(location.search).get('status') === 'reported');
  const rows = await page.$$eval('#cases-table tbody tr', (rs) => rs.map((r) => r.dataset.status));
  assert.equal(rows.length, reported);
  assert.ok(rows.every((st) => st === 'reported'));
  await page.selectOption('#f-status', '');
  await page.waitForFunction(() => document.body.dataset.loaded === 'true' && !location.search.includes('status'));
  await page.click(`#cases-table a[href="/cases/${id}"]`);
  await page.waitForSelector('#case-view[data-status="verified"]');

  // The main map offers the cases layer, off; switched on, it draws the case.
  await page.goto(url + '/?reserve=qiangtang');
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.isChecked('#toggle-cases'), false);
  await page.check('#toggle-cases');
  await page.evaluate(() => window.warden.map.jumpTo({ center: [86.02, 34.52], zoom: 10 }));
  await settle(page);
  const drawnCases = await page.evaluate(() => window.warden.map.queryRenderedFeatures({ layers: ['cases-circle'] }).map((f) => [f.properties.case, f.properties.status]));
  assert.ok(drawnCases.some(([c, st]) => c === id && st === 'verified'), JSON.stringify(drawnCases));
  await shot(page, 'map-cases.png');
  // the one refused dismissal above, as the page and the console saw it
  assert.deepEqual(errors.filter((e) => !/HTTP 422: .*\/transitions$|status of 422/.test(e)), []);
  assert.equal(errors.length, 2, errors.join('; '));
  await close();
});
