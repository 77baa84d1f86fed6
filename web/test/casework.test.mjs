// A case from a patrol finding to 销号, entirely through the pages, in real
// headless Chromium: run by TestBrowserCaseWork (internal/web), which starts
// Warden on a fresh database with the sample reserves and makes a ranger and
// an officer (WARDEN_RANGER, WARDEN_OFFICER, WARDEN_PASSWORD).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { openPage, shot as screenshot, signIn, url, useChromium } from './harness.mjs';

useChromium({ need: ['WARDEN_RANGER', 'WARDEN_OFFICER', 'WARDEN_PASSWORD'] });

// The finding: a snare line (盗猎) seen in Qiangtang's core protection zone.
const site = [86.01, 34.51];

// exifJPEG puts an EXIF block (APP1: IFD0 → Exif IFD with DateTimeOriginal
// and OffsetTimeOriginal, GPS IFD with latitude and longitude) into a
// JPEG's bytes right after its SOI marker, written here by hand from the
// EXIF 2.32 layout, so the page's reader is checked against an independent
// writer.
function exifJPEG(jpeg, { lon, lat, taken, offset }) {
  const dms = (v) => {
    const a = Math.abs(v);
    const d = Math.floor(a);
    const m = Math.floor((a - d) * 60);
    const s = Math.round(((a - d) * 60 - m) * 60 * 10000);
    return [[d, 1], [m, 1], [s, 10000]];
  };
  // Layout (offsets from the TIFF header): IFD0 at 8 (2 entries), Exif IFD
  // (2 entries), GPS IFD (5 entries), then the values.
  const ifd = (n) => 2 + 12 * n + 4;
  const ifd0 = 8, exif = ifd0 + ifd(2), gps = exif + ifd(2);
  let data = gps + ifd(5);
  const values = [];
  const place = (bytes) => {
    const at = data;
    values.push([at, bytes]);
    data += bytes.length + (bytes.length % 2);
    return at;
  };
  const ascii = (s) => Buffer.from(s + '\0', 'ascii');
  const rationals = (rs) => {
    const b = Buffer.alloc(8 * rs.length);
    rs.forEach(([n, d], i) => {
      b.writeUInt32LE(n, 8 * i);
      b.writeUInt32LE(d, 8 * i + 4);
    });
    return b;
  };
  const takenAt = place(ascii(taken));
  const offsetAt = place(ascii(offset));
  const latAt = place(rationals(dms(lat)));
  const lonAt = place(rationals(dms(lon)));
  const tiff = Buffer.alloc(data);
  tiff.write('II', 0, 'ascii');
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(ifd0, 4);
  const writeIFD = (at, entries) => {
    tiff.writeUInt16LE(entries.length, at);
    entries.forEach(([tag, type, count, value], i) => {
      const e = at + 2 + 12 * i;
      tiff.writeUInt16LE(tag, e);
      tiff.writeUInt16LE(type, e + 2);
      tiff.writeUInt32LE(count, e + 4);
      if (Buffer.isBuffer(value)) value.copy(tiff, e + 8);
      else tiff.writeUInt32LE(value, e + 8);
    });
    tiff.writeUInt32LE(0, at + 2 + 12 * entries.length);
  };
  const BYTE = 1, ASCII = 2, LONG = 4, RATIONAL = 5;
  writeIFD(ifd0, [[0x8769, LONG, 1, exif], [0x8825, LONG, 1, gps]]);
  writeIFD(exif, [[0x9003, ASCII, taken.length + 1, takenAt], [0x9011, ASCII, offset.length + 1, offsetAt]]);
  writeIFD(gps, [[0x0000, BYTE, 4, Buffer.from([2, 3, 0, 0])], [0x0001, ASCII, 2, Buffer.from(lat >= 0 ? 'N\0' : 'S\0')],
    [0x0002, RATIONAL, 3, latAt], [0x0003, ASCII, 2, Buffer.from(lon >= 0 ? 'E\0' : 'W\0')], [0x0004, RATIONAL, 3, lonAt]]);
  for (const [at, bytes] of values) bytes.copy(tiff, at);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'binary'), tiff]);
  const app1 = Buffer.alloc(4);
  app1.writeUInt16BE(0xffe1, 0);
  app1.writeUInt16BE(body.length + 2, 2);
  assert.deepEqual([...jpeg.subarray(0, 2)], [0xff, 0xd8], 'not a JPEG');
  return Buffer.concat([jpeg.subarray(0, 2), app1, body, jpeg.subarray(2)]);
}

// photo draws a small picture in the browser and returns it as JPEG bytes.
async function photo(page, colour) {
  const b64 = await page.evaluate((c) => {
    const canvas = document.createElement('canvas');
    canvas.width = 160;
    canvas.height = 120;
    const g = canvas.getContext('2d');
    g.fillStyle = c;
    g.fillRect(0, 0, 160, 120);
    g.fillStyle = '#553';
    g.fillRect(40, 50, 80, 20);
    return canvas.toDataURL('image/jpeg', 0.8).split(',')[1];
  }, colour);
  return Buffer.from(b64, 'base64');
}

// patrolGPX is a ranger's patrol in the core protection zone with a waypoint reporting
// a snare line (盗猎).
function patrolGPX() {
  const start = Date.parse('2026-11-20T02:00:00Z');
  const pts = Array.from({ length: 30 }, (_, i) => `<trkpt lat="${(34.5 + i * 0.0006).toFixed(6)}" lon="${(86 + i * 0.0006).toFixed(6)}"><ele>4900</ele><time>${new Date(start + 60000 * i).toISOString()}</time></trkpt>`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="warden case walk" xmlns="http://www.topografix.com/GPX/1/1">
<wpt lat="${site[1]}" lon="${site[0]}"><time>${new Date(start + 60000 * 17).toISOString()}</time><name>发现盗猎套子</name><type>hunting</type></wpt>
<trk><name>羌塘巡护</name><trkseg>
${pts.join('\n')}
</trkseg></trk></gpx>
`;
}

// open loads path in a new page in Madrid's time zone, far from the
// reserve's, so that the times shown are seen to be the reserve's.
const open = (path) => openPage(path, { context: { timezoneId: 'Europe/Madrid', acceptDownloads: true } });

const t0 = Date.now();
const mark = (what) => console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);

async function shot(page, name) {
  mark(name);
  await screenshot(page, name, { fullPage: true });
}

// step opens a workflow step's form and returns its locator.
async function openStep(page, to) {
  await page.click(`#steps button.step[data-to="${to}"]`);
  await page.waitForSelector(`#step-form[data-to="${to}"]`);
}

// submitStep submits the open step and waits for the case to reach status.
async function submitStep(page, status) {
  mark(`step to ${status}`);
  await page.click('#step-submit');
  await page.waitForSelector(`#case-view[data-status="${status}"], #step-result #problem`);
  const problem = await page.$eval('#step-result #problem', (e) => e.textContent).catch(() => '');
  assert.equal(problem, '', `the step to ${status} was refused`);
}

// record opens a record form (inspection, measure, evidence, party).
async function record(page, action) {
  await page.click(`#actions button.action[data-action="${action}"]`);
  await page.waitForSelector(`#action-form[data-action="${action}"]`);
}

// saveRecord submits the open record and waits for the case version to move.
async function saveRecord(page) {
  mark(`record ${await page.getAttribute('#action-form', 'data-action')}`);
  const before = await page.getAttribute('#case-view', 'data-version');
  await page.click('#action-submit');
  await page.waitForFunction((v) => document.querySelector('#case-view')?.dataset.version !== v || document.querySelector('#action-result #problem'), before);
  const problem = await page.$eval('#action-result #problem', (e) => e.textContent).catch(() => '');
  assert.equal(problem, '', 'the record was refused');
}

const buttons = (page, sel) => page.$$eval(sel, (bs) => bs.map((b) => b.dataset.to || b.dataset.action));

test('an officer works a case from a patrol finding to 销号 through the pages, and its dossier shows it all', async () => {
  // The ranger reports: a patrol track with a hunting waypoint in the core protection zone.
  const r = await open('/tracks');
  await signIn(r.page, process.env.WARDEN_RANGER);
  const dt = await r.page.evaluateHandle((gpx) => {
    const d = new DataTransfer();
    d.items.add(new File([gpx], 'patrol.gpx', { type: 'application/gpx+xml' }));
    return d;
  }, patrolGPX());
  await r.page.dispatchEvent('#drop', 'drop', { dataTransfer: dt });
  await r.page.fill('#subject', process.env.WARDEN_RANGER);
  await r.page.selectOption('#subject-kind', 'patrol');
  await r.page.selectOption('#reserve', 'qiangtang');
  await r.page.click('#upload-submit');
  await r.page.waitForSelector('#saved, #problem', { timeout: 60000 });
  assert.equal(await r.page.locator('#problem').count(), 0, await r.page.textContent('#result'));
  // the upload names the case it opened, with a link to it
  assert.equal(await r.page.locator('#track-cases li[data-opened="true"] a').count(), 1);
  assert.equal(await r.page.textContent('#track-reserve'), '西藏羌塘国家级自然保护区');
  assert.deepEqual(r.errors, []);
  await r.context.close();
  mark('track uploaded');

  // The officer finds the case it opened in the problem list.
  const { page, errors, context } = await open('/cases');
  await signIn(page, process.env.WARDEN_OFFICER);
  await page.waitForSelector('#cases-table tbody tr');
  await page.selectOption('#f-source', 'patrol');
  await page.waitForFunction(() => document.body.dataset.loaded === 'true' && new URLSearchParams(location.search).get('source') === 'patrol');
  const rows = await page.$$eval('#cases-table tbody tr', (rs) => rs.map((x) => x.dataset.id));
  assert.equal(rows.length, 1, `patrol cases listed: ${rows}`);
  const id = rows[0];
  await page.click(`#cases-table a[href="/cases/${id}"]`);
  await page.waitForSelector('#case-view[data-status="reported"]');
  const api = async () => (await page.request.get(`${url}/api/v1/cases/${id}`)).json();
  const opened = await api();
  assert.equal(opened.source, 'patrol');
  assert.equal(opened.activity, 'hunting');
  // 2026-11-20: the sample's two-zone zoning, approved 2026-06-01, is in force
  assert.equal(opened.zone_kind, 'core_protection');
  assert.equal(await page.textContent('#case-activity'), '狩猎');
  // Warden's own comment on the first event is in the page's language
  const firstComment = () => page.textContent('#timeline li[data-version="1"] .comment');
  assert.match(await firstComment(), /^由发现 \d+（巡护观察）立案$/);
  await page.click('#lang-switch');
  assert.match(await firstComment(), /^Opened from finding \d+ \(patrol observation\)$/);
  await page.click('#lang-switch');

  // Reported: verify or dismiss; the records that need a hand-over say so.
  assert.deepEqual(await buttons(page, '#steps button.step'), ['verified', 'dismissed']);
  assert.match(await page.textContent('#blocked li[data-key="inspection"]'), /移交/);
  await shot(page, 'casework-1-reported.png');

  // Verified, the party identified, criminal (hunting in the core protection zone).
  await openStep(page, 'verified');
  await page.check('#f-criminal');
  await page.fill('#f-party-name', '张某');
  await page.selectOption('#f-party-kind', 'person');
  await page.fill('#step-comment', '现场核实：核心保护区内发现猎套 12 个');
  await submitStep(page, 'verified');
  assert.equal(await page.textContent('#case-party'), '张某（个人）');

  // Step 1: handed over to the county where it lies, with a deadline.
  await openStep(page, 'transferred');
  await page.fill('#f-deadline', '2099-12-31');
  await page.fill('#f-rectification-measures', '清除全部猎套，开展巡护宣传');
  await submitStep(page, 'transferred');
  assert.equal(await page.textContent('#case-deadline'), '2099-12-31');

  // Step 2: rectifying. The public interview is not offered until the case
  // is overdue or an inspection finds it stalled, and the page says why.
  await openStep(page, 'rectifying');
  await submitStep(page, 'rectifying');
  assert.deepEqual(await buttons(page, '#steps button.step'), ['rectified']);
  assert.match(await page.textContent('#blocked li[data-key="interviewed"]'), /逾期.*落实缓慢/);
  await record(page, 'inspection');
  await page.fill('#f-inspectors', '李四，王五');
  await page.fill('#f-progress', '猎套仅清除一半');
  await page.selectOption('#f-assessment', 'slow');
  await saveRecord(page);
  assert.deepEqual(await buttons(page, '#steps button.step'), ['interviewed', 'rectified']);
  assert.equal(await page.locator('#timeline li[data-kind="inspection"]').count(), 1);

  // Step 3: the interview. Without a record the API refuses it, and the page
  // says so in Chinese, naming the field.
  await openStep(page, 'interviewed');
  await page.fill('#f-interview-interviewed', '某县林草局局长');
  await page.click('#step-submit');
  await page.waitForSelector('#step-result #problem');
  const refused = await page.textContent('#step-result #problem');
  assert.match(refused, /约谈记录：必须填写/);
  assert.doesNotMatch(refused, /[A-Za-z]{3,}/, 'English in a Chinese page');
  assert.equal(await page.getAttribute('#case-view', 'data-status'), 'rectifying');
  await page.fill('#f-interview-by', '市生态环境局');
  await page.fill('#f-interview-record', '责令 30 日内清除全部猎套');
  await submitStep(page, 'interviewed');

  // Measures: a fine (refused first without its amount), a police referral.
  await record(page, 'measure');
  await page.selectOption('#f-kind', 'administrative_penalty');
  await page.click('#action-submit');
  await page.waitForSelector('#action-result #problem');
  assert.match(await page.textContent('#action-result #problem'), /罚款金额：必须填写/);
  await page.fill('#f-amount', '50000');
  await page.fill('#f-decision-no', '林罚决字〔2026〕12号');
  await saveRecord(page);
  assert.match(await page.textContent('#measures li[data-kind="administrative_penalty"]'), /50,000 元/);
  await record(page, 'measure');
  await page.selectOption('#f-kind', 'police_referral');
  await page.fill('#f-authority', '某县森林公安局');
  await saveRecord(page);

  // Step 4: the special inspection with accountability.
  await openStep(page, 'special_inspection');
  await page.fill('#f-special-inspection-inspectors', '赵六');
  await page.fill('#f-special-inspection-findings', '县林草局监管不力');
  await page.selectOption('#f-accountability-kind', 'notified_criticism');
  await page.fill('#f-accountability-target', '某县林草局');
  await submitStep(page, 'special_inspection');

  await openStep(page, 'rectified');
  await page.fill('#f-rectification-description', '猎套已全部清除并销毁');
  await submitStep(page, 'rectified');
  // Closing needs verification evidence first.
  assert.deepEqual(await buttons(page, '#steps button.step'), ['rectifying']);
  // going back from rectified sends the rectification back; it does not start it
  assert.equal(await page.textContent('#steps button.step[data-to="rectifying"]'), '退回整改');
  assert.match(await page.textContent('#blocked li[data-key="closed"]'), /销号核查/);
  await shot(page, 'casework-2-rectified.png');

  // The verification photo: its EXIF position and time are shown and
  // checked against the case before it is sent. One taken 30 km away is
  // flagged; the one taken at the site matches.
  await record(page, 'evidence');
  const far = exifJPEG(await photo(page, '#7a9'), { lon: site[0] + 0.3, lat: site[1], taken: '2026:12:01 11:20:00', offset: '+08:00' });
  await page.setInputFiles('#f-file', { name: 'far.jpg', mimeType: 'image/jpeg', buffer: far });
  await page.waitForSelector('#exif-check .exif[data-check]');
  assert.equal(await page.getAttribute('#exif-check .exif', 'data-check'), 'far');
  assert.match(await page.textContent('#exif-check .exif'), /超过 500 米/);
  const near = exifJPEG(await photo(page, '#9b8'), { lon: site[0] + 0.0005, lat: site[1], taken: '2026:12:02 10:15:30', offset: '+08:00' });
  await page.setInputFiles('#f-file', { name: '核查照片.jpg', mimeType: 'image/jpeg', buffer: near });
  await page.waitForSelector('#exif-check .exif[data-check="near"]');
  const check = await page.textContent('#exif-check .exif');
  assert.match(check, /拍摄位置 86\.010500, 34\.510000/);
  assert.match(check, /拍摄时间 2026-12-02 10:15:30 \+08:00/);
  assert.match(check, /距案件位置 \d+ 米，与案件位置相符/);
  assert.equal(await page.inputValue('#f-role'), 'verification');
  await page.fill('#f-note', '现场复核照片');
  await saveRecord(page);
  await page.waitForSelector('#evidence li[data-kind="photo"][data-exif="read"]');
  assert.equal(await page.getAttribute('#evidence li[data-kind="photo"] .exif', 'data-check'), 'near');
  assert.ok(await page.evaluate(() => document.querySelector('#evidence img.thumb').naturalWidth) === 160, 'the thumbnail is not the stored photo');
  await page.waitForFunction(() => window.warden.photos === 1); // drawn on the case's map

  // 销号.
  assert.deepEqual(await buttons(page, '#steps button.step'), ['closed', 'rectifying']);
  await openStep(page, 'closed');
  await page.fill('#f-verification-verifiers', '李四、王五');
  await page.fill('#f-verification-note', '核查属实，同意销号');
  await submitStep(page, 'closed');
  assert.equal(await page.textContent('#case-status'), '已销号');
  assert.equal(await page.locator('#steps button.step').count(), 0);
  assert.equal(await page.locator('#actions').count(), 0);
  await shot(page, 'casework-3-closed.png');
  const closed = await api();
  assert.equal(closed.status, 'closed');
  const transitions = closed.events.filter((e) => e.kind === 'transition').map((e) => e.to);
  assert.deepEqual(transitions, ['verified', 'transferred', 'rectifying', 'interviewed', 'special_inspection', 'rectified', 'closed']);
  assert.deepEqual(closed.enforcement_measures.map((m) => m.kind).sort(), ['administrative_penalty', 'notified_criticism', 'police_referral']);
  assert.equal(closed.evidence.filter((e) => e.role === 'verification' && e.kind === 'photo').length, 1);

  // The dossier: everything that happened, in local time with the offset,
  // no raw codes, laid out for print.
  await page.click('#dossier-link');
  await page.waitForSelector('#dossier[data-status="closed"]');
  assert.equal(await page.textContent('#dossier-status'), '已销号');
  assert.equal(await page.locator('#dossier-events tbody tr').count(), closed.events.length);
  assert.match(await page.textContent('#dossier-events tbody tr[data-to="closed"]'), /李四、王五.*核查属实，同意销号/);
  assert.match(await page.textContent('#dossier-events tbody tr[data-to="interviewed"]'), /某县林草局局长.*责令 30 日内清除全部猎套/);
  assert.match(await page.textContent('#dossier-measures tr[data-kind="administrative_penalty"]'), /50,000 元/);
  assert.match(await page.textContent('#dossier-basis'), /《自然保护区条例》|自然保护区条例/);
  await page.waitForSelector('#dossier-evidence li[data-kind="photo"][data-exif="read"]');
  assert.equal(await page.getAttribute('#dossier-evidence li[data-kind="photo"] .exif', 'data-check'), 'near');
  const text = await page.textContent('#dossier');
  assert.doesNotMatch(text, /\bhunting\b|\bpatrol\b|\bcore\b|NRR-\d+|\bclosed\b/, 'raw codes in the dossier');
  const times = await page.$$eval('#dossier-events td.time', (tds) => tds.map((td) => td.textContent));
  assert.ok(times.every((s) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+08:00$/.test(s)), `times ${times}`);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('header')).display), 'none');
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('#print').parentElement).display), 'none');
  await shot(page, 'casework-4-dossier-print.png');
  const pdf = await page.pdf({ format: 'A4' });
  assert.ok(pdf.length > 10000, `the dossier prints to ${pdf.length} bytes`);
  await page.emulateMedia({ media: 'screen' });

  // English throughout.
  await page.click('#lang-switch');
  assert.equal(await page.textContent('#dossier-status'), 'Closed');
  assert.ok(await page.locator('#dossier-law dt').count() >= 1, 'no legal basis in the dossier');
  assert.match(await page.textContent('#dossier-measures tr[data-kind="administrative_penalty"]'), /¥50,000/);
  await shot(page, 'casework-5-dossier-en.png');
  await page.click('#lang-switch');

  // The office's list: the closed case is not overdue; sorted by deadline;
  // the problem list as an Excel workbook with the same filters.
  await page.goto(`${url}/cases`);
  await page.waitForSelector('body[data-ready="true"][data-loaded="true"]');
  assert.equal(await page.textContent(`#cases-table tr[data-id="${id}"] td.activity`), '狩猎');
  await page.selectOption('#f-deadline', 'overdue');
  await page.waitForFunction(() => document.body.dataset.loaded === 'true' && new URLSearchParams(location.search).get('deadline') === 'overdue');
  assert.equal(await page.locator('#cases-table tbody tr').count(), 0);
  await page.selectOption('#f-deadline', '');
  await page.waitForFunction(() => document.body.dataset.loaded === 'true' && !location.search.includes('deadline'));
  await page.click('#cases-table th[data-sort="deadline"]');
  await page.waitForFunction(() => document.body.dataset.loaded === 'true' && new URLSearchParams(location.search).get('sort') === 'deadline');
  assert.equal(await page.getAttribute('#cases-table th[data-sort="deadline"]', 'data-dir'), 'asc');
  assert.match(await page.getAttribute('#export-xlsx', 'href'), /format=xlsx/);
  assert.match(await page.getAttribute('#export-xlsx', 'href'), /sort=deadline/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-xlsx')]);
  assert.match(download.suggestedFilename(), /\.xlsx$/);
  assert.equal(readFileSync(await download.path()).subarray(0, 2).toString(), 'PK', 'not a workbook');
  await shot(page, 'casework-6-list.png');

  // The officer works in Qiangtang only: the markers page and the map open there.
  await page.goto(`${url}/markers`);
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.inputValue('#reserve'), 'qiangtang');
  await page.goto(`${url}/`);
  await page.waitForSelector('body[data-ready="true"]');
  const view = await page.evaluate(() => {
    const b = window.warden.map.getBounds();
    return { qiangtang: b.contains([86, 34.5]), spain: b.contains([1.2, 42.5]) };
  });
  assert.deepEqual(view, { qiangtang: true, spain: false });
  // the two refusals above (the interview without its record, the fine
  // without its amount), as the console saw them
  assert.deepEqual(errors.filter((e) => !/status of 422/.test(e)), []);
  assert.equal(errors.length, 2, errors.join('; '));
  await context.close();
});
