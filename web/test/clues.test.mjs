// The clue ledger page (问题线索台账) in real headless Chromium, against a
// running Warden with a small clue batch (run by internal/web's TestCluesPage).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { openPage, shot, signIn, useChromium } from './harness.mjs';

useChromium({ need: ['WARDEN_USER', 'WARDEN_PASSWORD', 'WARDEN_PHOTO'] });

// open signs in on path and waits for the clues listed.
async function open(path) {
  const opened = await openPage(path);
  await signIn(opened.page);
  await opened.page.waitForSelector('#clues-table tbody tr');
  return opened;
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
  await shot(page, 'clues-zh.png', { fullPage: true });
  assert.deepEqual(errors, []);
  await close();
});

test('the clue ledger in English is wholly English', async () => {
  const { page, errors, close } = await open('/clues?lang=en');
  await page.click('#clues-table tbody tr:first-child button.work');
  await page.waitForSelector('#clue-work:not([hidden]) #verify-form:not([hidden])');
  const text = await page.evaluate(() => document.querySelector('h1').innerText + document.querySelector('#filters').innerText +
    document.querySelector('#clues-table').innerText + document.querySelector('#count').innerText + document.querySelector('#clue-work').innerText);
  assert.match(text, /Field verification/);
  assert.match(text, /Quarry or mine/);
  assert.match(text, /core zone → core protection zone/i);
  assert.doesNotMatch(text, /[\u4e00-\u9fff]/, 'Chinese characters on the English page');
  await shot(page, 'clues-en.png', { fullPage: true });
  assert.deepEqual(errors, []);
  await close();
});

test('线索办理: assign a clue to a verifier, verify another with a photo, the case opened and linked', async () => {
  const { page, errors, close } = await open('/clues?lang=zh');
  const status = (i) => page.$eval(`#clues-table tbody tr:nth-child(${i})`, (tr) => tr.dataset.status);
  assert.equal(await status(2), 'new');

  // assignment of the new clue, with a deadline
  await page.click('#clues-table tbody tr:nth-child(2) button.work');
  await page.waitForSelector('#clue-work:not([hidden]) #assign-form:not([hidden])');
  await page.fill('#assign-assignee', process.env.WARDEN_USER);
  await page.fill('#assign-deadline', '2099-01-31');
  await page.click('#assign-submit');
  await page.waitForSelector('#work-status[data-status="assigned"]');
  await page.waitForFunction(() => document.querySelector('#clues-table tbody tr:nth-child(2)').dataset.status === 'assigned');
  const row2 = await page.$eval('#clues-table tbody tr:nth-child(2)', (tr) => [...tr.cells].map((c) => c.textContent));
  assert.equal(row2[5], '待核查');
  assert.equal(row2[6], process.env.WARDEN_USER);
  assert.equal(row2[7], '2099-01-31');

  // a deadline in the past is refused in Chinese, naming the field
  await page.fill('#assign-deadline', '2000-01-01');
  await page.click('#assign-submit');
  await page.waitForSelector('#work-problem #problem');
  assert.equal(await page.textContent('#work-problem'), '填写的内容有误，请按下列提示修改。核查期限：不能早于今天');

  // verification of the quarry with a photo: illegal activity opens its case
  const quarry = await page.$eval('#clues-table tbody tr:nth-child(1) td:first-child', (td) => td.textContent);
  await page.click('#clues-table tbody tr:nth-child(1) button.work');
  await page.waitForFunction((n) => document.querySelector('#work-number').textContent === n, quarry);
  await page.waitForSelector('#clue-work:not([hidden]) #verify-form:not([hidden])');
  assert.equal(await page.$eval('#work-problem', (e) => e.textContent), '');
  await page.selectOption('#verify-result', 'illegal_activity');
  assert.equal(await page.isVisible('#verify-approval'), false);
  await page.fill('#verify-note', '现场有挖掘机，无采矿许可');
  await page.setInputFiles('#verify-photos', process.env.WARDEN_PHOTO);
  await page.click('#verify-submit');
  await page.waitForSelector('#work-case');
  assert.equal(await page.$eval('#work-status', (e) => e.dataset.status), 'case_opened');
  assert.equal(await page.$eval('#work-result', (e) => e.dataset.result), 'illegal_activity');
  const photo = await page.textContent('#work-photos li');
  assert.match(photo, /拍摄于 2026-05-10 11:05:00 \+08:00/);
  assert.match(photo, /86\.00050, 34\.80000/);
  assert.match(photo, /读自照片 EXIF/);
  assert.equal(await page.isVisible('#verify-form'), false);
  await page.waitForFunction(() => document.querySelector('#clues-table tbody tr:nth-child(1)').dataset.status === 'case_opened');
  const caseHref = await page.getAttribute('#work-case', 'href');
  assert.match(caseHref, /^\/cases\/\d+$/);
  const row1 = await page.$eval('#clues-table tbody tr:nth-child(1)', (tr) => [...tr.cells].map((c) => c.textContent));
  assert.equal(row1[5], '已立案');
  assert.equal(await page.getAttribute('#clues-table tbody tr:nth-child(1) td:nth-child(9) a', 'href'), caseHref);
  assert.equal(row1[8], await page.textContent('#work-case'));
  await shot(page, 'clues-work-zh.png', { fullPage: true });

  // the case opened from the clue is a remote-sensing case carrying the photo
  const cs = await page.evaluate(async (href) => (await fetch('/api/v1' + href)).json(), caseHref);
  assert.equal(cs.source, 'remote_sensing');
  assert.equal(cs.source_ref, row1[0]);
  // the browser logs the refused deadline's 422, and nothing else
  assert.deepEqual(errors, ['console: Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)']);
  await close();
});
