// The devices page (定位设备) in real headless Chromium, against a running
// Warden with a two-zone reserve, signed in as a GIS user (run by
// internal/web's TestDevicesPage).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { openPage, shot, signIn, url, useChromium } from './harness.mjs';

useChromium();

// open signs in on path, accepting the page's confirmations, and waits for
// the first list.
async function open(path) {
  // the refused registration's 409 is logged by the browser itself
  const opened = await openPage(path, { ignore: /status of 409/, setup: (page) => page.on('dialog', (d) => d.accept()) });
  await signIn(opened.page);
  await opened.page.waitForSelector('body[data-loaded="true"]');
  return opened;
}

// register fills the form for a new device and sends it.
async function register(page, id) {
  await page.fill('#d-id', id);
  await page.fill('#d-name', '巡护手机 1');
  await page.selectOption('#d-kind', 'phone');
  await page.fill('#d-subject', '扎西');
  await page.selectOption('#d-subject-kind', 'patrol');
  await page.selectOption('#d-reserves', ['plateau']);
  await page.fill('#d-interval', '30');
  await page.click('#d-submit');
}

test('定位设备: register a device and see its token once, which works; edit it; delete it', async () => {
  const { page, errors, close } = await open('/devices?lang=zh');
  await register(page, 'ranger-phone-1');
  await page.waitForSelector('#token-box:not([hidden])');
  const token = await page.$eval('#token-value', (e) => e.textContent);
  assert.match(token, /^wdv_/);
  assert.equal(await page.$eval('#token-url', (e) => e.textContent), `${url}/ingest/osmand?key=${token}`);
  await page.waitForSelector('#devices-table tr[data-id="ranger-phone-1"]');
  let row = await page.$eval('#devices-table tr[data-id="ranger-phone-1"]', (tr) => [...tr.cells].map((c) => c.textContent));
  assert.deepEqual(row.slice(0, 8), ['ranger-phone-1', '巡护手机 1', '手机', '扎西 · 巡护人员', '高原', '30', '尚未定位', '—']);

  // The token shown is the device's: a fix sent with it is accepted.
  const q = new URLSearchParams({ id: 'ranger-phone-1', lat: '30.02', lon: '100.02', timestamp: String(Math.floor(Date.now() / 1000) - 60), batt: '71', key: token });
  const fix = await (await fetch(`${url}/ingest/osmand?${q}`)).json();
  assert.equal(fix.status, 'accepted');

  // Registering the same id again is refused, in Chinese.
  await register(page, 'ranger-phone-1');
  await page.waitForSelector('#form-problem .problem[data-type="device-exists"]');
  assert.match(await page.$eval('#form-problem', (e) => e.textContent), /已登记/);

  // Edit: the form takes the device, the id cannot change.
  await page.reload();
  await page.waitForSelector('body[data-loaded="true"]');
  assert.equal(await page.isHidden('#token-box'), true, 'the token is not shown again');
  await page.waitForSelector('#devices-table tr[data-id="ranger-phone-1"]');
  await page.click('#devices-table tr[data-id="ranger-phone-1"] button.edit');
  assert.equal(await page.$eval('#d-id', (e) => e.disabled), true);
  assert.equal(await page.inputValue('#d-subject'), '扎西');
  await page.fill('#d-name', '巡护手机 2');
  await page.fill('#d-interval', '60');
  await page.click('#d-submit');
  await page.waitForFunction(() => document.querySelector('#devices-table tr[data-id="ranger-phone-1"] td:nth-child(2)')?.textContent === '巡护手机 2');
  row = await page.$eval('#devices-table tr[data-id="ranger-phone-1"]', (tr) => [...tr.cells].map((c) => c.textContent));
  assert.equal(row[5], '60');
  assert.match(row[6], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+08:00$/, 'the last fix in the reserve\'s local time with its offset');
  assert.equal(row[7], '71%');
  await shot(page, 'devices-zh.png', { fullPage: true });

  // Delete (the confirmation is accepted): the row goes, and the token stops working.
  await page.click('#devices-table tr[data-id="ranger-phone-1"] button.delete');
  await page.waitForSelector('#devices-table tr[data-id="ranger-phone-1"]', { state: 'detached' });
  q.set('timestamp', String(Math.floor(Date.now() / 1000) - 30));
  assert.equal((await fetch(`${url}/ingest/osmand?${q}`)).status, 404);
  assert.deepEqual(errors, []);
  await close();
});

test('the devices page in English is wholly English', async () => {
  const { page, errors, close } = await open('/devices?lang=en');
  await register(page, 'ranger-phone-9');
  await page.waitForSelector('#token-box:not([hidden])');
  await page.waitForSelector('#devices-table tr[data-id="ranger-phone-9"]');
  const text = await page.evaluate(() => [...document.querySelectorAll('nav a')].map((a) => a.innerText).join(' ') + '\n' + ['h1', '.list-tools', '#devices-table thead', '#device-form', '#token-box'].map((s) => document.querySelector(s).innerText).join('\n'));
  assert.match(text, /Register a device/);
  assert.match(text, /shown only this once/);
  assert.doesNotMatch(text, /[\u4e00-\u9fff]/, 'Chinese characters on the English page');
  const row = await page.$eval('#devices-table tr[data-id="ranger-phone-9"]', (tr) => [...tr.cells].map((c) => c.textContent));
  assert.deepEqual([row[2], row[4], row[6]], ['Phone', 'Plateau', 'no fix yet']);
  await shot(page, 'devices-en.png', { fullPage: true });
  assert.deepEqual(errors, []);
  await close();
});
