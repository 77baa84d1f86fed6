// The rule table page (规则表) in real headless Chromium, against a running
// Warden with the sample reserves (run by internal/web's TestRulesPage).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { openPage, shot, useChromium } from './harness.mjs';

useChromium();

// open loads path, failing on any error answer the page gets.
const open = (path) => openPage(path, { strict: true });

test('规则表: the 2026 Regulations through the zone conversion, the 2017 ones the day before, and the approved two-zone zoning from 2026-06-01', async () => {
  const { page, errors, close } = await open('/rules?reserve=qiangtang&on=2026-03-15&lang=zh');
  assert.match(await page.textContent('#ruleset h2'), /2026年修订/);
  // the rule set by its name, not its code
  const line = await page.textContent('#ruleset-line');
  assert.match(line, /^规则集：自然保护区分区管控规则（《自然保护区条例》2026年修订） · 施行日期：2026-03-15 · 适用日期：2026-03-15$/);
  assert.doesNotMatch(line, /cn-nrr/);
  const headings = await page.$$eval('.zone-rules h3', (hs) => hs.map((h) => h.textContent));
  assert.deepEqual(headings, ['核心区（按核心保护区管理）', '缓冲区（按核心保护区管理）', '实验区（按一般控制区管理）']);
  const quarry = await page.$eval('.zone-rules:nth-of-type(3) tr[data-activity="quarrying"]', (tr) => [...tr.cells].map((c) => c.textContent));
  assert.equal(quarry[1], '禁止');
  assert.match(quarry[2], /第二十七条/);
  assert.match(quarry[4], /第四十一条.*违法修筑设施: 5万元以上50万元以下/);
  assert.match(await page.textContent('#provisions'), /原有居民必要的生产生活活动/);
  await shot(page, 'rules-zh.png');
  await page.fill('#on', '2026-03-14');
  await page.dispatchEvent('#on', 'change');
  await page.waitForFunction(() => /2017年修订/.test(document.querySelector('#ruleset h2').textContent));
  assert.deepEqual(await page.$$eval('.zone-rules h3', (hs) => hs.map((h) => h.textContent)), ['核心区', '缓冲区', '实验区']);
  // from 2026-06-01 the sample's approved two-zone zoning is in force: no conversion
  await page.fill('#on', '2026-06-01');
  await page.dispatchEvent('#on', 'change');
  await page.waitForFunction(() => /2026年修订/.test(document.querySelector('#ruleset h2').textContent) && document.querySelectorAll('.zone-rules h3').length === 2);
  assert.deepEqual(await page.$$eval('.zone-rules h3', (hs) => hs.map((h) => h.textContent)), ['核心保护区', '一般控制区']);
  assert.deepEqual(errors, []);
  await close();
});

test('rule table in English is wholly English', async () => {
  const { page, errors, close } = await open('/rules?reserve=qiangtang&on=2026-05-31&lang=en');
  // the language switch names the other language, 中文, as on every page
  const text = await page.evaluate(() => document.querySelector('h1').innerText + document.querySelector('main').innerText);
  assert.match(text, /buffer zone \(managed as core protection zone\)/);
  assert.doesNotMatch(text, /[\u4e00-\u9fff]/, 'Chinese characters on the English page');
  // the cited articles are quoted in their unofficial English translation, marked as such
  const provisions = await page.textContent('#provisions');
  assert.match(provisions, /Human activities are prohibited in the core protection zone of a nature reserve, except the following/);
  assert.match(provisions, /\(6\) public service activities such as science popularisation, eco-tourism, education, culture and sport/);
  assert.match(provisions, /unofficial translation; the Chinese text is authoritative/);
  assert.match(provisions, /The authentic texts are Chinese: GET \/api\/v1\/law\/instruments\/nrr-2026\./);
  await shot(page, 'rules-en.png');
  assert.deepEqual(errors, []);
  await close();
});

test('规则表 of an agency whose rules are in English is still wholly Chinese, and opens on a reserve by itself', async () => {
  const { page, errors, close } = await open('/rules?reserve=alt-pirineu&on=2026-06-01&lang=zh');
  const text = await page.evaluate(() => document.querySelector('main').innerText);
  assert.match(text, /欧元/);
  assert.match(text, /本条没有中文文本/);
  assert.doesNotMatch(text, /[A-Za-z]{3,}/, 'English on the Chinese page');
  await close();
  const plain = await open('/rules?lang=zh');
  assert.equal(await plain.page.inputValue('#reserve'), 'qiangtang');
  assert.deepEqual([...errors, ...plain.errors], []);
  await plain.close();
});
