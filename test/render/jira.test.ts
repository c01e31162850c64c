// `--format jira`: Jira wiki markup for a Jira Server / Data Center ticket. Its escaping is
// tested as md's is: no table row gains or loses a cell, no log text becomes markup, a macro or a
// link, and log lines (in {noformat} blocks) are shown as written, a "{noformat}" in them included.
import { describe, expect, it } from 'vitest';
import { escapeJira, jiraNoformat } from '../../src/render/escape.js';
import { jira } from '../../src/render/jira.js';
import { diagnose } from '../../src/run.js';
import { injection, report, single } from '../fixtures/report.js';

/** The cell separators of a Jira table row: pipes not escaped with a backslash. */
function separators(row: string): number {
  return [...row].filter((ch, index) => ch === '|' && row[index - 1] !== '\\').length;
}

/** The text outside {noformat} blocks. */
function outsideNoformat(text: string): string {
  return text.replace(/\{noformat\}[\s\S]*?\{noformat\}/g, '');
}

describe('jira', () => {
  const output = jira.render(report);

  it('matches the reviewed snapshot', async () => {
    await expect(output).toMatchFileSnapshot('./__snapshots__/report.jira');
  });

  it('keeps every table row at its table\'s cell count, a hostile device name and package included', () => {
    const prose = outsideNoformat(output).split('\n');
    const rows = prose.filter((line) => line.startsWith('|'));
    expect(rows.length).toBeGreaterThanOrEqual(6);
    const heads = prose.filter((line) => line.startsWith('||'));
    for (const head of heads) {
      const cells = head.split('||').length - 2;
      const at = prose.indexOf(head);
      for (let i = at + 1; i < prose.length && prose[i]?.startsWith('|') && !prose[i]?.startsWith('||'); i += 1) {
        expect({ row: prose[i], cells: separators(prose[i] ?? '') - 1 }).toEqual({ row: prose[i], cells });
      }
    }
  });

  it('escapes markup, macros, links and cells in prose; shows a backslash as an entity', () => {
    expect(escapeJira('a | b {code} [link|http://x] *bold* _it_ -strike- +u+ ^s^ ~s~ ??c?? !img.png! #1')).toBe(
      'a \\| b \\{code\\} \\[link\\|http://x\\] \\*bold\\* \\_it\\_ \\-strike\\- \\+u\\+ \\^s\\^ \\~s\\~ \\?\\?c\\?\\? \\!img.png\\! \\#1',
    );
    expect(escapeJira('C:\\Program Files\\LANDesk & co')).toBe('C:&#92;Program Files&#92;LANDesk &amp; co');
    expect(escapeJira('line one\nline two')).toBe('line one⏎line two');
    const device = outsideNoformat(jira.render(single(injection)));
    // Every markup character left in the prose is escaped, bar the renderer's own (* for bold and lists, h1., ||, |).
    const own = device.replace(/^h[1-3]\. /gm, '').replace(/^\* /gm, '').replace(/\*(?:Fix|History|Lines around the failure|error|warning|info):?\*/g, '').replace(/\*Action [^*]*\*/g, '');
    expect(own).not.toMatch(/(?<!\\)[{}[\]_^~!]/);
    // Jira wiki markup shows HTML as text: the tag is kept, its brackets need no escape.
    expect(device).toContain('<script>alert(1)</script>');
  });

  it('shows log lines as written in {noformat} blocks, and a "{noformat}" in one cannot close its block', () => {
    expect(jiraNoformat('C:\\path\\| {noformat} [x]')).toBe('C:\\path\\| {\u200bnoformat} [x]');
    const text = jira.render(single(injection));
    const blocks = text.match(/\{noformat\}[\s\S]*?\{noformat\}/g) ?? [];
    expect(blocks.length).toBeGreaterThan(0);
    expect(text).toContain('C:\\path\\| backslash before a pipe, and a trailing backslash \\');
    expect(text.split('{noformat}').length % 2).toBe(1);
  });

  it('carries no control character, and sorts devices failed first with at-risk devices marked', async () => {
    expect(output).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    const fleet = jira.render(await diagnose({ paths: ['samples/LAB-0102', 'samples/LAB-0107', 'samples/LAB-0101'] }));
    const headings = fleet.split('\n').filter((line) => line.startsWith('h2. ') && !line.startsWith('h2. Fleet'));
    expect(headings).toEqual(['h2. LAB\\-0101: vulscan\\-blocked\\-sdclient', 'h2. LAB\\-0107: no\\-failure (at risk)', 'h2. LAB\\-0102: no\\-failure']);
    expect(fleet).toContain('*At risk*');
    expect(jira.summary(report.summary).startsWith('h1. ldforensics diagnosis\n\nh2. Fleet summary\n')).toBe(true);
  });
});
