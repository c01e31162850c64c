// The HTML report in a real browser: the timeline is drawn, hostile log text shows as
// text and runs nothing, the page asks for nothing over the network, and it fits the
// window. Leaves a full-page screenshot in its tmp folder (path printed) for a person.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import tmp from 'tmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { html } from '../../src/render/html.js';
import { HOSTILE, race, report, single } from '../fixtures/report.js';

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

/** Poppler's pdftotext, to read what a printed page holds (.ci/run installs poppler-utils). */
const PDFTOTEXT = '/usr/bin/pdftotext';
const hasPdfToText = existsSync(PDFTOTEXT);
if (exists && !hasPdfToText) console.warn(`html.browser.test: the print check is skipped, ${PDFTOTEXT} not found (apt-get install poppler-utils to run it)`);

describe.skipIf(!exists)('one device\'s page in Chromium, on screen and printed', () => {
  let browser: Browser;
  let page: Page;
  let folder: string;

  beforeAll(async () => {
    folder = tmp.dirSync({ prefix: 'ldforensics-page-' }).name;
    const file = join(folder, 'device.html');
    writeFileSync(file, html.render(single(race)));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(pathToFileURL(file).href);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('leads with the answer: the verdict, what failed, why and the fix above the timeline, and the timeline above the evidence', async () => {
    const top = async (selector: string): Promise<number> => (await page.locator(selector).first().boundingBox())?.y ?? Number.NaN;
    const order = [
      await top('#device-1-title'), await top('#device-1 .headline'), await top('#device-1 .explain'), await top('#device-1 .lead-fix'),
      await top('#device-1 figure.swimlanes'), await top('#device-1 .evidence-title'), await top('#device-1 .finding table.lines'),
    ];
    expect(order.every(Number.isFinite)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // On a 900-pixel window the answer is seen without scrolling.
    const fix = await page.locator('#device-1 .lead-fix').boundingBox();
    expect((fix?.y ?? Infinity) + (fix?.height ?? 0)).toBeLessThan(900);
    expect(await page.locator('.fleet, nav').count()).toBe(0);
  });

  it.skipIf(!hasPdfToText)('prints with the verdict and the fix on page 1, no hover hint, and the timeline labels legible', async () => {
    const pdf = join(folder, 'device.pdf');
    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true });
    const pageText = (n: number): string => execFileSync(PDFTOTEXT, ['-f', String(n), '-l', String(n), '-layout', pdf, '-'], { encoding: 'utf8' });
    const first = pageText(1).replace(/\s+/g, ' ');
    expect(first).toContain(race.device);
    expect(first).toContain(race.verdict);
    expect(first).toContain('Action 7 (Adobe Reader DC) failed at 2026-03-09 10:02:13.');
    expect(first).toContain('Fix: Provision with an agent configuration');
    const all = execFileSync(PDFTOTEXT, ['-layout', pdf, '-'], { encoding: 'utf8' });
    expect(all).not.toContain('Hover an item');
    // The swimlanes' labels print at 11 px or more.
    const sizes = await page.evaluate(`[...document.querySelectorAll('svg.timeline text')].map((t) => {
      const svg = t.closest('svg'); const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      return parseFloat(getComputedStyle(t).fontSize) * scale;
    })`) as number[];
    expect(sizes.length).toBeGreaterThan(0);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(7.5);
    console.log(`html.browser.test: the printed page is ${pdf}`);
  });
});

