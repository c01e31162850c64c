// The HTML report in a real browser: the timeline is drawn, hostile log text shows as
// text and runs nothing, the page asks for nothing over the network, and it fits the
// window. Leaves a full-page screenshot in its tmp folder (path printed) for a person.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import tmp from 'tmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { html } from '../../src/render/html.js';
import { HOSTILE, report } from '../fixtures/report.js';

const CHROMIUM = '/usr/bin/chromium';
const exists = existsSync(CHROMIUM);
if (!exists) {
  console.warn(`html.browser.test: skipped, ${CHROMIUM} not found (apt-get install chromium to run it)`);
}

describe.skipIf(!exists)('html report in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let folder: string;
  let url: string;
  const dialogs: string[] = [];
  const errors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    folder = tmp.dirSync({ prefix: 'ldforensics-html-' }).name;
    const file = join(folder, 'report.html');
    writeFileSync(file, html.render(report));
    url = pathToFileURL(file).href;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(url);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('draws the race device’s timeline: five lanes and the failure marker', async () => {
    const lanes = page.locator('#device-1 svg.timeline g.lane');
    expect(await lanes.count()).toBe(5);
    expect(await lanes.evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-lane')))).toEqual([
      'sdclient', 'vulscan', 'policysync', 'scheduler', 'provisioning',
    ]);
    expect(await page.locator('#device-1 .failure-marker').count()).toBe(1);
    expect(await page.locator('#device-1 .phase.waiting').count()).toBe(1);
    expect(await page.locator('#device-1 .phase.scanning').count()).toBe(1);
    expect(await page.locator('#device-1 .item.failed').count()).toBe(2);
    const box = await page.locator('#device-1 svg.timeline').boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(900);
  });

  it('shows hostile log text as visible text', async () => {
    for (const text of [HOSTILE.script, HOSTILE.img, HOSTILE.hyperlink, HOSTILE.dde]) {
      const found = page.locator('#device-4').getByText(text, { exact: true }).first();
      expect(await found.isVisible(), text).toBe(true);
    }
    const titles = await page.locator('svg title').allTextContents();
    expect(titles.some((title) => title.startsWith(`</title>${HOSTILE.script}`))).toBe(true);
  });

  it('runs nothing: no dialog, no error, no script or image element, no handler attribute', async () => {
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    // A string, evaluated in the page: the test's own TypeScript has no DOM types.
    const state: unknown = await page.evaluate(`({
      pwned: 'pwned' in window || '__pwned' in window,
      active: document.querySelectorAll('script, img, iframe, object, embed, link, base, form').length,
      handlers: [...document.querySelectorAll('*')].filter((element) => [...element.attributes].some((attribute) => attribute.name.startsWith('on'))).length,
      title: document.title,
      csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content'),
    })`);
    expect(state).toEqual({
      pwned: false,
      active: 0,
      handlers: 0,
      title: 'ldforensics: 4 devices, 3 failed',
      csp: "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    });
  });

  it('asks for nothing but itself', () => {
    expect(requests).toEqual([url]);
  });

  it('fits the window: no sideways scrolling', async () => {
    const sideways: unknown = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(sideways).toBeLessThanOrEqual(0);
  });

  it('saves a full-page screenshot', async () => {
    const file = join(folder, 'report.png');
    await page.screenshot({ path: file, fullPage: true });
    await page.locator('#device-1').screenshot({ path: join(folder, 'race-device.png') });
    expect(statSync(file).size).toBeGreaterThan(10_000);
    console.log(`html.browser.test: screenshots in ${folder}`);
  });
});
