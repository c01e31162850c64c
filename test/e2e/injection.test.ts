// The hostile sample (samples/LAB-0111) through every output format of the built CLI. Its
// logs carry <script>, "><img onerror=…>, pipes, backticks, =HYPERLINK(…), +cmd|… and real
// terminal escape sequences, in the failed package's name and the template's name, so they
// reach the verdict, the evidence and the summary. Each format must keep them inert.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'ldforensics.js');
const HOSTILE_PACKAGE = '=HYPERLINK("http://evil.example","click") <script>alert(1)</script> | `rm`';

async function render(format: string): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, [BIN, 'diagnose', 'samples/LAB-0111', '--format', format], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    return stdout;
  } catch (error) {
    // Exit code 1 (a device failed) is this sample's expected outcome.
    const e = error as { code?: number; stdout?: string };
    if (e.code === 1 && e.stdout !== undefined) return e.stdout;
    throw error;
  }
}

/** A Markdown line without its code spans (CommonMark: a run of n backticks closes at the next run of exactly n). */
function withoutCodeSpans(line: string): string {
  let out = '';
  let i = 0;
  while (i < line.length) {
    const open = /`+/.exec(line.slice(i));
    if (!open) return out + line.slice(i);
    out += line.slice(i, i + open.index);
    const fence = open[0];
    let j = i + open.index + fence.length;
    let closed = -1;
    while (j < line.length) {
      const next = /`+/.exec(line.slice(j));
      if (!next) break;
      if (next[0].length === fence.length) {
        closed = j + next.index + fence.length;
        break;
      }
      j += next.index + next[0].length;
    }
    if (closed < 0) return out + line.slice(i + open.index);
    i = closed;
  }
  return out;
}

/** C0 controls but newline, DEL, C1: what must never reach a terminal or viewer from a log. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('the hostile sample through every format', () => {
  it('json and ndjson carry the strings exactly, as data', async () => {
    const json = JSON.parse(await render('json')) as { devices: { failedPackage: string; findings: { evidence: { text: string }[] }[] }[] };
    expect(json.devices[0]?.failedPackage).toBe(HOSTILE_PACKAGE);
    const texts = json.devices[0]?.findings.flatMap((f) => f.evidence.map((e) => e.text)) ?? [];
    expect(texts.some((t) => t.includes('\u001b[31m'))).toBe(true);
    const lines = (await render('ndjson')).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const device = JSON.parse(lines[0] ?? '') as { failedPackage: string };
    expect(device.failedPackage).toBe(HOSTILE_PACKAGE);
    expect(JSON.parse(lines[1] ?? '')).toMatchObject({ summary: { devices: 1 } });
  });

  it('text passes no control character or escape sequence to the terminal', async () => {
    const text = await render('text');
    expect(text).toContain('<script>alert(1)</script>');
    expect(text).not.toMatch(CONTROL);
    expect(text).toMatch(/\\x1b\[31mbuild/);
  });

  it('md keeps every table row to its three cells and shows no raw control character', async () => {
    const md = await render('md');
    expect(md).not.toMatch(CONTROL);
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---'));
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) {
      // Cells split on pipes that are not escaped (GFM's rule); a log's `|` is written `\|`.
      const cells = row.replace(/\\\|/g, '').split('|').length - 2;
      expect({ row, cells }).toEqual({ row, cells: row.startsWith('| Verdict') || row.startsWith('| Package') ? cells : 3 });
    }
    // Log text sits in code spans, where Markdown shows `<script>` as text; outside them it must be escaped.
    const prose = md.split('\n').map(withoutCodeSpans).join('\n');
    expect(prose).not.toMatch(/<script>/);
    expect(md).toContain('<script>alert(1)</script>');
  });

  it('jira puts log lines in {noformat} blocks, escapes markup in prose and shows no raw control character', async () => {
    const jira = await render('jira');
    expect(jira).not.toMatch(CONTROL);
    const prose = jira.replace(/\{noformat\}[\s\S]*?\{noformat\}/g, '');
    // One device: no table; every line of prose is one paragraph, whatever the log text held.
    expect(prose.split('\n').filter((l) => l.startsWith('|'))).toEqual([]);
    // The package's pipe, backticks and brackets are text, not cells or markup.
    expect(prose).toContain('=HYPERLINK("http://evil.example","click") <script>alert(1)</script> \\| `rm`');
    expect(jira.split('{noformat}').length % 2).toBe(1);
  });

  it('html shows the strings as text: no script, no event handler, no control character', async () => {
    const html = await render('html');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    // The words may show as text; no tag may carry them.
    for (const [tag] of html.matchAll(/<[a-z][^>]*>/gi)) expect(tag).not.toMatch(/\son\w+\s*=/i);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(CONTROL);
  });

  it('csv quotes the cells and guards the formula', async () => {
    const rows = parse(await render('csv'), { bom: true, relax_column_count: false }) as string[][];
    expect(rows[0]?.[0]).toBe('device');
    const row = rows[1] ?? [];
    const pkg = row[rows[0]?.indexOf('failed_package') ?? -1];
    expect(pkg).toBe(`'${HOSTILE_PACKAGE}`);
    for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });
});
