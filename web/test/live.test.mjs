// The live map (实时监控) in real headless Chromium, against a running Warden
// with the zone engine, a two-zone reserve and a visitor's phone (run by
// internal/web's TestLivePage).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { openPage, shot, signIn, url, useChromium } from './harness.mjs';

const device = process.env.WARDEN_DEVICE;
const token = process.env.WARDEN_DEVICE_TOKEN;

useChromium({ need: ['WARDEN_DEVICE', 'WARDEN_DEVICE_TOKEN'], args: ['--autoplay-policy=no-user-gesture-required'] });

// open signs in on path and waits for the event stream and the page's first
// load. Notifications shown are recorded for the test in window.shown
// (headless Chromium shows none).
async function open(path) {
  const opened = await openPage(path, {
    setup: async (page) => {
      await page.context().grantPermissions(['notifications'], { origin: url });
      await page.addInitScript(() => {
        window.shown = [];
        const Real = window.Notification;
        window.Notification = class extends Real {
          constructor(title, options) {
            window.shown.push({ title, body: options?.body || '' });
            super(title, options);
          }
        };
      });
    },
  });
  await signIn(opened.page);
  await opened.page.waitForSelector('#stream-state[data-state="open"]', { timeout: 30000 });
  await opened.page.waitForSelector('body[data-loaded="true"]');
  return opened;
}

// walk sends a phone's fixes over the Traccar Client (OsmAnd) protocol, a
// fix every 10 s ending a few minutes ago: from 96 m outside the core
// protection zone's west edge (lon 100.04) in 19 m steps to 190 m inside,
// where it stays.
async function walk() {
  const start = Math.floor(Date.now() / 1000) - 15 * 60;
  const lons = [];
  for (let i = 0; i < 16; i++) lons.push(100.039 + 0.0002 * i);
  for (let i = 0; i < 20; i++) lons.push(100.042);
  for (const [i, lon] of lons.entries()) {
    const q = new URLSearchParams({ id: device, lat: '30.05', lon: lon.toFixed(6), timestamp: String(start + 10 * i), speed: '1.2', bearing: '90',
      altitude: '4510', accuracy: '6', batt: '88', key: token });
    const res = await fetch(`${url}/ingest/osmand?${q}`, { method: 'POST' });
    const doc = await res.json();
    assert.equal(res.status, 200, JSON.stringify(doc));
    assert.equal(doc.status, 'accepted', `fix ${i}: ${JSON.stringify(doc)}`);
  }
}

test('实时监控: a walk into the core protection zone raises one entry alert on the open page, which an officer acknowledges', async () => {
  const { page, errors, close } = await open('/live?lang=zh');
  await page.click('#notify');
  await page.waitForSelector('#notify[data-on="true"]');
  assert.equal(await page.$$eval('#alerts li', (li) => li.length), 0);
  await walk();
  await page.waitForSelector('#alerts li[data-kind="enter"]', { timeout: 30000 });
  // The stream has had time to bring anything else; and the device's row
  // and trail follow the events.
  await page.waitForFunction((id) => document.querySelector(`#devices-table tr[data-id="${id}"] td.age`)?.textContent.includes('分钟前'), device, { timeout: 30000 });
  await page.waitForFunction(() => window.warden.map.querySourceFeatures('live-trails').length > 0, null, { timeout: 30000 });
  const items = await page.$$eval('#alerts li', (li) => li.map((x) => ({ kind: x.dataset.kind, text: x.innerText })));
  assert.equal(items.length, 1, `alerts: ${JSON.stringify(items)}`);
  assert.equal(items[0].kind, 'enter');
  assert.match(items[0].text, /进入/);
  assert.match(items[0].text, /核心保护区/);
  assert.match(items[0].text, /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+08:00/, 'the alert\'s time is the reserve\'s local time with its offset');
  const row = await page.$eval(`#devices-table tr[data-id="${device}"]`, (tr) => [...tr.cells].map((c) => c.textContent));
  assert.match(row[1], /V-1024 · 游客/);
  assert.match(row[2], / \+08:00$/);
  assert.equal(row[4], '88%');
  assert.deepEqual(await page.evaluate(() => window.shown.map((n) => n.title)), ['Warden 实时监控: 进入'], 'one browser notification');

  await page.click('#alerts li[data-kind="enter"] button.ack');
  await page.waitForSelector('#alerts li[data-kind="enter"][data-acknowledged="true"]');
  assert.match(await page.$eval('#alerts li .acked', (e) => e.textContent), /已确认（dawa，\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+08:00）/);
  const stillOpen = await page.evaluate(async () => (await (await fetch('/api/v1/events?alerts=true&open=true')).json()).events.length);
  assert.equal(stillOpen, 0, 'the alert is acknowledged in the store too');
  await shot(page, 'live-zh.png', { fullPage: true });
  assert.deepEqual(errors, []);
  await close();
});

test('the live map in English is wholly English', async () => {
  const { page, errors, close } = await open('/live?lang=en');
  await page.waitForSelector(`#devices-table tr[data-id="${device}"]`);
  const text = await page.evaluate(() => [...document.querySelectorAll('nav a')].map((a) => a.innerText).join(' ') + '\n' + ['h1', '#filters', '#alerts-panel', '#devices-table'].map((s) => document.querySelector(s).innerText).join('\n'));
  assert.match(text, /Live: connected/);
  assert.match(text, /No alerts\./);
  assert.match(text, /V-1024 · Visitor/);
  assert.match(text, /\+08:00/);
  assert.doesNotMatch(text, /[\u4e00-\u9fff]/, 'Chinese characters on the English page');
  await shot(page, 'live-en.png', { fullPage: true });
  assert.deepEqual(errors, []);
  await close();
});
