// The clue ledger page (问题线索台账) in real headless Chromium, against a
// running Warden with a small clue batch (run by internal/web's TestCluesPage).

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { chromium } from 'playwright-core';

const url = process.env.WARDEN_URL;
const artifacts = process.env.WARDEN_ARTIFACTS || 'test-artifacts';
let browser;

before(async () => {
  assert.ok(url, 'WARDEN_URL is not set: run this through `go test ./internal/web`');
  mkdirSync(artifacts, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.WARDEN_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
});

async function open(path) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.goto(url + path);
  await page.waitForSelector('body[data-ready="true"], #error:not([hidden])', { state: 'attached', timeout: 60000 }).catch((e) => {
    throw new Error(`${e.message}; page errors: ${errors.join(' | ')}`);
  });
  assert.equal(await page.$eval('#error', (e) => (e.hidden ? '' : e.textContent)), '', 'the page shows an error');
  await page.fill('#login-name', process.env.WARDEN_USER);
  await page.fill('#login-password', process.env.WARDEN_PASSWORD);
  await page.click('#login-submit');
  await page.waitForSelector('#clues-table tbody tr');
  return { page, errors, close: () => context.close() };
}

test('问题线索台账: the clues on the map and in the table, and the verifier\'s own tasks', async () => {
  const { page, errors, close } = await open('/clues?lang=zh');
  const rows = await page.$$eval('#clues-table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.equal(rows.length, 2);
  assert.deepEqual(rows[0].slice(1, 3), ['采石采矿', '核心区 → 核心保护区']);
  assert.equal(rows[0][4], '高');
  assert.equal(rows[0][5], '待核查');
  assert.equal(rows[1][3], '0');
  // both clues are drawn on the map: the features MapLibre holds for the clue source
  await page.waitForFunction(() => new Set(window.warden.map.querySourceFeatures('clue-list').map((f) => f.properties.id)).size === 2, null, { timeout: 30000 });
  await page.check('#f-mine');
  await page.waitForFunction(() => document.querySelectorAll('#clues-table tbody tr').length === 1);
  assert.match(await page.getAttribute('#export-xlsx', 'href'), /^\/api\/v1\/clues\.xlsx\?assignee=/);
  await page.screenshot({ path: join(artifacts, 'clues-zh.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await close();
});

test('the clue ledger in English is wholly English', async () => {
  const { page, errors, close } = await open('/clues?lang=en');
  const text = await page.evaluate(() => document.querySelector('h1').innerText + document.querySelector('#filters').innerText +
    document.querySelector('#clues-table').innerText + document.querySelector('#count').innerText);
  assert.match(text, /Quarry or mine/);
  assert.match(text, /core zone → core protection zone/i);
  assert.doesNotMatch(text, /[\u4e00-\u9fff]/, 'Chinese characters on the English page');
  await page.screenshot({ path: join(artifacts, 'clues-en.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await close();
});
