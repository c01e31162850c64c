// Regenerates the README's pictures of the HTML report from the bundled samples:
//   npm run build && node scripts/screenshot.js
// Needs Debian's chromium (/usr/bin/chromium); playwright-core drives it, nothing is downloaded.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { diagnose } from '../dist/run.js';
import { renderers } from '../dist/render/index.js';

const report = await diagnose({ paths: ['samples/'] });
const page = renderers.html.render(report, { color: false });
const file = join(mkdtempSync(join(tmpdir(), 'ldforensics-shot-')), 'report.html');
writeFileSync(file, page);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await tab.goto(`file://${file}`);
  await tab.screenshot({ path: 'docs/report-html-summary.png' });
  const race = tab.locator('section.device').filter({ hasText: 'LAB-0101' }).first();
  await race.screenshot({ path: 'docs/report-html-race-device.png' });
  await tab.screenshot({ path: 'docs/report-html.png', fullPage: true });
} finally {
  await browser.close();
}
console.log('wrote docs/report-html-summary.png, docs/report-html-race-device.png, docs/report-html.png');
