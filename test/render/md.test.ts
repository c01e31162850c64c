import { describe, expect, it } from 'vitest';
import { md } from '../../src/render/md.js';
import { diagnose } from '../../src/run.js';
import { injection, race, report, single } from '../fixtures/report.js';


/** The cell-separating pipes of a GFM table row: cmark-gfm takes a pipe right after a backslash into the cell. */
function separators(row: string): number {
  return [...row].filter((ch, index) => ch === '|' && row[index - 1] !== '\\').length;
}

/** Runs of consecutive table rows. */
function tables(markdown: string): string[][] {
  const result: string[][] = [];
  let current: string[] = [];
  for (const line of markdown.split('\n')) {
    if (line.startsWith('|')) current.push(line);
    else if (current.length > 0) {
      result.push(current);
      current = [];
    }
  }
  if (current.length > 0) result.push(current);
  return result;
}

/** The text with code spans removed (a backtick run, content, the same run). */
function outsideCode(markdown: string): string {
  return markdown.replace(/(`+)(?:(?!\1)[\s\S])+?\1(?!`)/g, '');
}

describe('md', () => {
  const output = md.render(report);

  it('matches the reviewed snapshot', async () => {
    await expect(output).toMatchFileSnapshot('./__snapshots__/report.md');
  });

  it('keeps every table row at its table’s column count (the injection device too)', () => {
    const found = tables(output);
    expect(found.length).toBeGreaterThanOrEqual(6);
    for (const rows of found) {
      const expected = separators(rows[0] ?? '');
      for (const row of rows) expect({ row, count: separators(row) }).toEqual({ row, count: expected });
    }
    const injectionTable = tables(md.render(single(injection)))[0] ?? [];
    expect(injectionTable).toHaveLength(2 + (injection.findings[0]?.evidence.length ?? 0));
    for (const row of injectionTable) expect(separators(row)).toBe(4);
  });

  it('puts a table row on one line: newlines in log text become ⏎', () => {
    expect(output).toContain('`first line⏎second line⏎third line`');
  });

  it('escapes Markdown and HTML outside code spans', () => {
    const device = md.render(single(injection));
    // Without code spans and without our own bold markup.
    const prose = outsideCode(device).replace(/\*\*/g, '');
    expect(prose).not.toMatch(/(?<!\\)</);
    expect(prose).not.toMatch(/(?<!\\)[*_[\]]/);
    expect(prose).toContain('\\<script\\>alert(1)\\</script\\>');
    expect(prose).toContain('\\*Not emphasis\\* \\_nor this\\_ \\[not a link\\](http://evil.example)');
    expect(device).toContain('## \\=HYPERLINK("http://evil.example","x"): policysync-blocked-sdclient');
  });

  it('uses a longer fence for code spans holding backticks', () => {
    expect(output).toContain('```pipe \\| in \\| text, ``double`` and `single` backticks```');
    expect(output).toContain('`` `starts and ends with a backtick` ``');
  });

  it('carries no control character', () => {
    expect(output).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
  });

  it('has the fleet summary only for more than one device', () => {
    expect(output).toContain('## Fleet summary');
    const one = md.render(single(race));
    expect(one).not.toContain('Fleet summary');
    expect(one).toContain('## LAB-PC-017: vulscan-blocked-sdclient');
    expect(one).toContain('The security scan (vulscan) started while a software distribution was running');
  });

  it('sorts devices as text does, failed first, and marks a device at risk in its heading and in the summary', async () => {
    const fleet = await diagnose({ paths: ['samples/LAB-0102', 'samples/LAB-0107', 'samples/LAB-0101'] });
    const text = md.render(fleet);
    const headings = text.split('\n').filter((line) => line.startsWith('## ') && !line.startsWith('## Fleet'));
    expect(headings).toEqual(['## LAB-0101: vulscan-blocked-sdclient', '## LAB-0107: no-failure (at risk)', '## LAB-0102: no-failure']);
    expect(text).toContain('**At risk** (a scan or policy sync was due while provisioning ran; it did not fail this time): 1 device(s): LAB-0107');
    const one = md.render(await diagnose({ paths: ['samples/LAB-0107'] }));
    expect(one).toContain('## LAB-0107: no-failure (at risk)');
  });

  it('gives the fleet summary alone for --summary, for pasting into a ticket', () => {
    const alone = md.summary(report.summary);
    expect(alone.startsWith('# ldforensics diagnosis\n\n## Fleet summary\n')).toBe(true);
    expect(alone).not.toContain('## LAB-PC-017');
  });
});
