// What every page test in web/test shares: the Warden under test (set up by
// the Go tests in internal/web, which pass WARDEN_URL, WARDEN_ARTIFACTS and
// WARDEN_CHROMIUM), one headless Chromium (Debian's, driven by
// playwright-core) for the test file, and pages opened and signed in to the
// way a user does.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';

import { chromium } from 'playwright-core';

export const url = process.env.WARDEN_URL;
export const artifacts = process.env.WARDEN_ARTIFACTS || 'test-artifacts';

let browser;

// useChromium launches Chromium before the file's tests and closes it after
// them. It fails first when WARDEN_URL or a variable of need is not set;
// args are Chromium's flags beyond the usual ones.
export function useChromium({ need = [], args = [] } = {}) {
  before(async () => {
    for (const name of ['WARDEN_URL', ...need]) {
      assert.ok(process.env[name], `${name} is not set: run this through \`go test ./internal/web\` (make test)`);
    }
    mkdirSync(artifacts, { recursive: true });
    // launch() gives every run a fresh, temporary user-data-dir; SwiftShader
    // draws the maps' WebGL without a GPU.
    browser = await chromium.launch({
      executablePath: process.env.WARDEN_CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--enable-unsafe-swiftshader', '--use-angle=swiftshader',
        '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', ...args],
    });
  });
  after(async () => {
    await browser?.close();
  });
}

// openPage loads path (from base, the server under test unless given) in a
// new browser context made with context's options, after setup(page) has
// run, and waits for the page to say it is ready or to show an error, which
// fails the test. errors collects what went wrong in the page: uncaught
// exceptions and console errors (but those ignore matches) and, when strict,
// failed requests (but those MapLibre cancels) and HTTP answers of 400 and
// more.
export async function openPage(path, { base = url, context: options = {}, setup, ignore, strict = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(120000); // a shared, busy machine can be slow
  const errors = [];
  page.on('pageerror', (e) => errors.push(`exception: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !ignore?.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  if (strict) {
    page.on('requestfailed', (r) => {
      if (r.failure()?.errorText !== 'net::ERR_ABORTED') errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
    });
  }
  await setup?.(page);
  await page.goto(base + path);
  await page.waitForSelector('body[data-ready="true"], #error:not([hidden])', { state: 'attached', timeout: 120000 }).catch((e) => {
    throw new Error(`${e.message}; page errors: ${errors.join(' | ')}`);
  });
  assert.equal(await page.$eval('#error', (e) => (e.hidden ? '' : e.textContent)), '', 'the page shows an error');
  return { page, errors, context, close: () => context.close() };
}

// signIn signs in with the page's login form and waits until it says who.
export async function signIn(page, name = process.env.WARDEN_USER, password = process.env.WARDEN_PASSWORD) {
  await page.fill('#login-name', name);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
  await page.waitForSelector('#whoami:not([hidden])');
}

// shot saves a screenshot of the page as name in the artifacts folder.
export async function shot(page, name, options = {}) {
  const path = join(artifacts, name);
  await page.screenshot({ path, ...options });
  console.log('screenshot', path);
}
