import { describe, expect, it } from 'vitest';
import { CSP, html } from '../../src/render/html.js';
import { HOSTILE, injection, race, report, single, unexplained, unreadable } from '../fixtures/report.js';


/** Every tag the page may contain: anything else came from a log. */
const TAGS = new Set([
  '!doctype', 'html', 'head', 'meta', 'title', 'style', 'body', 'header', 'main', 'footer', 'section', 'nav', 'article',
  'h1', 'h2', 'h3', 'h4', 'p', 'ol', 'ul', 'li', 'a', 'span', 'strong', 'code', 'br', 'wbr', 'div', 'figure', 'figcaption',
  'details', 'summary', 'table', 'colgroup', 'col', 'thead', 'tbody', 'tr', 'th', 'td',
  'svg', 'defs', 'pattern', 'g', 'rect', 'line', 'path', 'text',
]);

function tags(page: string): string[] {
  return [...page.matchAll(/<\/?([!a-z0-9]+)/gi)].map((match) => (match[1] ?? '').toLowerCase());
}

/** The SVG of the device section `n` (1-based). */
function svgOf(page: string, n: number): string {
  const section = page.split(`<section class="card device" id="device-${n}"`)[1] ?? '';
  return section.slice(section.indexOf('<svg'), section.indexOf('</svg>') + 6);
}

describe('html', () => {
  const page = html.render(report);

  it('matches the reviewed snapshot', async () => {
    await expect(page).toMatchFileSnapshot('./__snapshots__/report.html');
  });

  it('is one self-contained page under a strict CSP', () => {
    expect(page.startsWith('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n')).toBe(true);
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="${CSP}">`);
    expect(CSP).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    // No scripts, no external anything: links are in-page, no src attributes, no url() but #ids.
    expect(page).not.toMatch(/<script/i);
    for (const [markup] of page.matchAll(/<[^>]*>/g)) expect(markup).not.toMatch(/\ssrc\s*=/i);
    for (const [, target] of page.matchAll(/href="([^"]*)"/g)) expect(target).toMatch(/^#/);
    for (const [, target] of page.matchAll(/url\(([^)]*)\)/g)) expect(target).toMatch(/^#/);
    expect(page).not.toMatch(/@import|@font-face/);
  });

  it('has only its own tags, and no event-handler attributes: log text is never markup', () => {
    for (const tag of tags(page)) expect(TAGS).toContain(tag);
    for (const [markup] of page.matchAll(/<[^>]*>/g)) {
      expect(markup).not.toMatch(/\son[a-z]+\s*=/i);
      expect(markup).not.toMatch(/^<img/i);
    }
  });

  it('shows every hostile string as escaped text', () => {
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(page).toContain('&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('=HYPERLINK(&quot;http://evil.example&quot;,&quot;x&quot;)');
    expect(page).toContain('\\x1b]0;pwned\\x07');
    // The only "<" are our tags: every "<" is followed by a known tag name.
    const stray = [...page.matchAll(/<(?!\/?[a-z!])/gi)];
    expect(stray).toHaveLength(0);
  });

  it('carries no control character from the logs', () => {
    expect(page).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    expect(page).not.toContain(HOSTILE.sgr);
  });

  it('draws the race: five lanes, waiting then scanning, the failed run and the failure marker', () => {
    const svg = svgOf(page, 1);
    expect(svg.startsWith('<svg class="timeline"')).toBe(true);
    expect([...svg.matchAll(/<g class="lane" data-lane="([a-z]+)">/g)].map((match) => match[1])).toEqual([
      'sdclient', 'vulscan', 'policysync', 'scheduler', 'provisioning',
    ]);
    expect(svg).toMatch(/<rect class="phase waiting"[^>]*fill="url\(#device-1-hatch-vulscan\)"/);
    expect(svg).toContain('class="phase scanning"');
    expect(svg).toContain('class="phase running"');
    expect(svg.match(/class="item failed/g)).toHaveLength(2);
    expect(svg.match(/class="failure-marker"/g)).toHaveLength(1);
    expect(svg).toContain('✖ failure 10:02:13 (action 7)');
    // Tooltips carry label, times and file:line.
    expect(svg).toContain('<title>vulscan /AgentBehavior=ERSC_Default /Scan\n09:58:40 – 10:14:37 (15 min 57 s)\nwaiting 09:58:41 – 10:02:05 (3 min 24 s)\nscanning 10:02:06 – 10:14:37 (12 min 31 s)\nLAB-PC-017/vulScan/vulscan.log:1698</title>');
    expect(svg).toMatch(/<text class="tick"[^>]*>09:35<\/text>/);
  });

  it('draws no failure marker where nothing failed', () => {
    const svg = svgOf(page, 2);
    expect(svg).toContain('<g class="lane" data-lane="vulscan">');
    expect(svg).not.toContain('failure-marker');
  });

  it('zooms to the runs around the failure when the activity spans hours, and says so', () => {
    const one = html.render(single(unexplained));
    // From the start of the sdclient run open just before the failed one (10:49:30) to the failure (11:20:41), padded.
    expect(one).toContain('Zoomed to 10:47–11:28, the runs around the failure; all activity spans 2026-03-11 07:02 to 2026-03-11 15:40');
    expect(one).toContain('nothing in the time shown (2 runs outside it)');
    // Action 7 began hours before: drawn cut at the left edge, whole in its tooltip.
    expect(one).toContain('<title>Action 7 &quot;Reboot and wait for user&quot;\n08:32:00 – 10:49:20 (2 h 17 min)');
    expect(one).toMatch(/<text class="clip" [^>]*>◀<\/text>/);
  });

  it('does not zoom when the runs around the failure are most of the span', () => {
    expect(html.render(single(race))).not.toContain('Zoomed');
  });

  it('gives each device section an id from its index, never from its name', () => {
    const fleet = html.render(report);
    const at = report.devices.findIndex((d) => d === injection);
    expect(fleet).toContain(`<section class="card device" id="device-${at + 1}"`);
    expect(fleet).toContain(`<a href="#device-${at + 1}" class="device-name">=HYPERLINK(&quot;`);
  });

  it('leads one device\'s page with the answer: verdict, what failed, why, the fix; then the picture, then the evidence; no fleet summary', () => {
    const one = html.render(single(race));
    const at = (needle: string): number => {
      const index = one.indexOf(needle);
      expect(index, needle).toBeGreaterThan(0);
      return index;
    };
    const order = [
      at('<h2 id="device-1-title">'), at('<p class="headline">'), at('<p class="explain">'), at('<div class="fix lead-fix">'),
      at('<figure class="swimlanes">'), at('<h3 class="evidence-title">Evidence</h3>'), at('<table class="lines">'),
    ];
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(one).not.toContain('Fleet summary');
    expect(one).not.toContain('<nav');
    // The fix is said once, at the top.
    expect(one.split('Provision with an agent configuration').length - 1).toBe(1);
  });

  it('marks a device at risk with an at-risk badge, in its heading and in the fleet summary\'s list', async () => {
    const { diagnose } = await import('../../src/run.js');
    const fleet = html.render(await diagnose({ paths: ['samples/LAB-0101', 'samples/LAB-0107'] }));
    expect(fleet).toMatch(/<span class="device-name">LAB-0107<\/span> <span class="badge tone-ok">no-failure<\/span> <span class="badge tone-warning">at risk<\/span>/);
    expect(fleet).toMatch(/<span class="badge tone-warning">at risk<\/span> 1 device: a scan or sync was due during provisioning[^<]*<a href="#device-2" class="device-name">LAB-0107<\/a>/);
    const one = html.render(await diagnose({ paths: ['samples/LAB-0107'] }));
    expect(one).toContain('<span class="badge tone-warning">at risk</span>');
    // Its fix leads too: what to change before it fails.
    expect(one).toContain('<div class="fix lead-fix">');
  });

  it('explains the verdict in plain language and shows the fix', () => {
    const one = html.render(single(race));
    expect(one).toContain('<p class="headline">Action 7 (Adobe Reader DC) failed at 2026-03-09 10:02:13.</p>');
    expect(one).toContain('The security scan (vulscan) started while a software distribution was running, waited for it to finish, then began scanning; the next distribution found vulscan running and refused to start.');
    expect(one).toContain('<div class="fix lead-fix"><strong>Fix:</strong> Provision with an agent configuration');
  });

  it('renders a device of which nothing could be read: no timeline, the error', () => {
    const one = html.render(single(unreadable));
    expect(one).not.toContain('<svg');
    expect(one).toContain('<p class="muted">No process activity to draw.</p>');
    expect(one).toContain('<li>could not analyse this bundle: LAB-PC-031.zip: end of central directory not found (truncated download?)</li>');
    expect(one).toContain('Nothing in this bundle could be read as a log entry (no log file, or files that are empty, binary or in a shape ldforensics cannot read), so nothing could be diagnosed; see the errors.');
  });
});
