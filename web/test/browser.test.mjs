// The pages in real headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core), against a running Warden with the sample reserves. Run by
// the Go test in internal/web (`make test`), which starts the server and sets
// WARDEN_URL (the server), WARDEN_ARTIFACTS (where screenshots go) and
// WARDEN_GK_REFERENCE (PostGIS's Gauss-Krüger values for a few points).

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { chromium } from 'playwright-core';

const url = process.env.WARDEN_URL;
const artifacts = process.env.WARDEN_ARTIFACTS || 'test-artifacts';
const chromiumPath = process.env.WARDEN_CHROMIUM || '/usr/bin/chromium';

let browser;

before(async () => {
  assert.ok(url, 'WARDEN_URL is not set: run this through `go test ./internal/web` (make test)');
  mkdirSync(artifacts, { recursive: true });
  // launch() gives every run a fresh, temporary user-data-dir.
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--enable-unsafe-swiftshader', '--use-angle=swiftshader',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
});

// open loads path in a new page, collecting console errors and uncaught
// exceptions, and waits for the page to say it is ready.
async function open(path, opts = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, acceptDownloads: true, ...opts });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`exception: ${e.message}`));
  // Cancelled requests (MapLibre drops tiles it no longer needs) are normal.
  page.on('requestfailed', (r) => {
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(url + path);
  await page.waitForSelector('body[data-ready="true"], #error:not([hidden])', { timeout: 30000 });
  const shown = await page.$eval('#error', (e) => (e.hidden ? '' : e.textContent));
  assert.equal(shown, '', 'the page shows an error');
  return { page, errors, close: () => context.close() };
}

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

async function shot(page, name) {
  const path = join(artifacts, name);
  await page.screenshot({ path });
  console.log('screenshot', path);
}

test('the map page draws every zone kind, the outline and the markers of Qiangtang, without console errors', async () => {
  const { page, errors, close } = await open('/?reserve=qiangtang');
  await settle(page);
  await page.waitForFunction(() => {
    const kinds = new Set(window.warden.map.queryRenderedFeatures({ layers: ['zones-fill'] }).map((f) => f.properties.kind));
    return ['core', 'buffer', 'experimental'].every((k) => kinds.has(k));
  }, null, { timeout: 20000 });
  assert.deepEqual(await rendered(page, 'zones-fill', 'kind'), ['buffer', 'core', 'experimental']);
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
  assert.deepEqual(switches, ['功能区', '保护区范围', '界桩']);
  await shot(page, 'map-qiangtang-zh.png');
  assert.deepEqual(errors, []);
  await close();
});

test('the layer switcher hides and shows a layer', async () => {
  const { page, errors, close } = await open('/?reserve=qiangtang');
  await settle(page);
  await page.uncheck('#toggle-zones');
  await settle(page);
  assert.equal(await page.evaluate(() => window.warden.map.getLayoutProperty('zones-fill', 'visibility')), 'none');
  assert.deepEqual(await rendered(page, 'zones-fill', 'kind'), []);
  await shot(page, 'map-zones-hidden.png');
  await page.check('#toggle-zones');
  await settle(page);
  assert.deepEqual(await rendered(page, 'zones-fill', 'kind'), ['buffer', 'core', 'experimental']);
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
  assert.deepEqual(await rendered(page, 'zones-fill', 'kind'), ['buffer', 'core', 'experimental']);
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
  assert.equal(await popup.locator('td[data-field="kind"]').textContent(), '核心区');
  assert.equal(await popup.locator('td[data-field="reserve"]').textContent(), 'qiangtang');
  assert.equal(await popup.locator('td[data-field="version"]').textContent(), '1');
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
  assert.deepEqual(await page.$$eval('#layer-list li', (lis) => lis.map((li) => li.textContent.trim())), ['Zones', 'Reserve outlines', 'Boundary markers']);
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
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 } });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  let rasterTiles = 0;
  page.on('requestfinished', (r) => {
    if (r.url().startsWith(tiles)) rasterTiles++;
  });
  await page.goto(base + '/?reserve=qiangtang');
  await page.waitForSelector('body[data-ready="true"]');
  await settle(page);
  assert.ok(rasterTiles > 0, 'no base map tile was fetched');
  const switches = await page.$$eval('#layer-list li', (lis) => lis.map((li) => li.textContent.trim()));
  assert.deepEqual(switches, ['底图', '功能区', '保护区范围', '界桩']);
  assert.deepEqual(await rendered(page, 'zones-fill', 'kind'), ['buffer', 'core', 'experimental']);
  assert.match(await page.textContent('.maplibregl-ctrl-attrib'), /test base map/);
  await shot(page, 'map-basemap.png');
  await page.uncheck('#toggle-basemap');
  assert.equal(await page.evaluate(() => window.warden.map.getLayoutProperty('basemap', 'visibility')), 'none');
  assert.deepEqual(errors, []);
  await context.close();
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

test('screening: a polygon drawn in the core zone is prohibited for tourism, with its report', async () => {
  const { page, errors, close } = await open('/screening?reserve=qiangtang');
  await settle(page);
  await page.selectOption('#activity', 'tourism');
  await page.fill('#project-name', '测试营地');
  await page.fill('#token', process.env.WARDEN_ADMIN_TOKEN);
  for (const ll of [[85.8, 34.3], [86.2, 34.3], [86.2, 34.7], [85.8, 34.7]]) await clickAt(page, ll);
  assert.equal(await page.textContent('#vertex-count'), '已画 4 个顶点');
  await submit(page);
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'prohibited');
  assert.match(await page.textContent('#verdict'), /结论： 禁止/);
  assert.ok((await page.locator('#reasons li').count()) > 0);
  const core = page.locator('#zones-table tr[data-reserve="qiangtang"][data-kind="core"] td');
  assert.equal(await core.nth(1).textContent(), '核心区');
  assert.ok(Number(await core.nth(2).textContent()) > 100000, 'the polygon covers over 1,000 km² of core zone');
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
  await page.fill('#token', process.env.WARDEN_ADMIN_TOKEN);
  const road = { type: 'Feature', properties: { name: 'road' }, geometry: { type: 'LineString', coordinates: [[100, 20], [100.1, 20.1]] } };
  await page.setInputFiles('#file', { name: 'road.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(road)) });
  await submit(page);
  assert.equal(await page.getAttribute('#verdict', 'data-verdict'), 'outside');
  assert.equal(await page.locator('#zones-table').count(), 0);
  assert.deepEqual(errors, []);
  await close();
});
