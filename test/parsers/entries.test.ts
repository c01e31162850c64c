import { describe, expect, it } from 'vitest';
import {
  GIVE_UP_AFTER, KEEP_UNPARSED, MAX_ENTRY_CHARS, looksBinary, newStats, readEntries,
  type Entry, type LineStats, type SourceLine,
} from '../../src/parsers/entries.js';
import { formatWallTime } from '../../src/parsers/timestamp.js';
import { logText, splitLines, streamOf } from '../helpers/lines.js';

async function entriesOf(lines: readonly SourceLine[]): Promise<{ entries: Entry[]; stats: LineStats }> {
  const stats = newStats();
  const entries: Entry[] = [];
  for await (const entry of readEntries(streamOf(lines), 'sdclient.log', 'sdclient', stats)) entries.push(entry);
  // The accounting every file report relies on.
  expect(stats.lines).toBe(lines.length);
  expect(stats.parsed + stats.unparsed).toBe(stats.lines);
  return { entries, stats };
}

const brief = (e: Entry): string => `${e.line} ${formatWallTime(e.time)} ${e.text}`;

describe('readEntries', () => {
  it('joins continuation lines to the entry above (FORMATS.md\'s seen lines)', async () => {
    const { entries, stats } = await entriesOf(splitLines([
      'Thu, 10 Feb 2022 21:00:19 Info: Core did not find file',
      'RebootBehavior_Apply.zip',
      'Thu, 10 Feb 2022 21:00:19 Self update: files are up to date.',
      'Thu, 10 Feb 2022 21:00:20 Check last error after load library.  Error: 126',
      '   at LoadLibrary',
      '',
      '   (end of trace)',
    ].join('\n')));
    expect(entries.map(brief)).toEqual([
      '1 2022-02-10T21:00:19 Info: Core did not find file\nRebootBehavior_Apply.zip',
      '3 2022-02-10T21:00:19 Self update: files are up to date.',
      '4 2022-02-10T21:00:20 Check last error after load library.  Error: 126\n   at LoadLibrary\n   (end of trace)',
    ]);
    expect(stats).toMatchObject({ lines: 7, parsed: 7, unparsed: 0, gaveUp: false, warnings: [] });
  });

  it('keeps a first line without a timestamp as unparsed, with its number', async () => {
    const { entries, stats } = await entriesOf(splitLines(logText([
      'LANDesk Management Agent log',
      ['10:02:11', 'SDClient starting'],
    ])));
    expect(entries.map((e) => e.line)).toEqual([2]);
    expect(stats.unparsed).toBe(1);
    expect(stats.unparsedLines).toEqual([{
      file: 'sdclient.log', line: 1, reason: 'no timestamp, and no entry above it to continue', text: 'LANDesk Management Agent log',
    }]);
  });

  it('counts a blank line before the first entry as unparsed, and blank lines inside an entry as parsed', async () => {
    const { stats } = await entriesOf(splitLines(`\n${logText([['10:02:11', 'a'], '', ['10:02:12', 'b']])}`));
    expect(stats.unparsedLines.map((u) => [u.line, u.reason])).toEqual([[1, 'blank line before the first entry']]);
    expect(stats).toMatchObject({ lines: 4, parsed: 3, unparsed: 1 });
  });

  it('refuses binary junk lines without breaking the entry they interrupt', async () => {
    const { entries, stats } = await entriesOf(splitLines(logText([
      ['10:02:11', 'Package: "Office 2016 ProPlus"'],
      '\u0000\u0000\u0001\u0002PK\u0003\u0004',
      '\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000e\u000f',
      'wrapped text',
    ])));
    expect(entries.map(brief)).toEqual(['1 2026-03-09T10:02:11 Package: "Office 2016 ProPlus"\nwrapped text']);
    expect(stats.unparsedLines.map((u) => [u.line, u.reason])).toEqual([[2, 'binary data'], [3, 'binary data']]);
    expect(stats).toMatchObject({ parsed: 2, unparsed: 2 });
  });

  it('refuses an oversized line, naming its full length', async () => {
    const lines: SourceLine[] = [
      { number: 1, text: 'Mon, 09 Mar 2026 10:02:11 SDClient starting' },
      { number: 2, text: 'Mon, 09 Mar 2026 10:02:12 AAAA', oversizedChars: 1_000_000 },
      { number: 3, text: 'Mon, 09 Mar 2026 10:02:13 SDClient exiting' },
    ];
    const { entries, stats } = await entriesOf(lines);
    expect(entries.map((e) => e.line)).toEqual([1, 3]);
    expect(stats.unparsedLines).toEqual([{
      file: 'sdclient.log', line: 2, reason: `line of ${30 + 1_000_000} characters, too long to be a log entry`, text: lines[1]?.text,
    }]);
  });

  it('refuses a line whose timestamp names an impossible date, and does not let it continue the entry above', async () => {
    const { entries, stats } = await entriesOf(splitLines([
      'Mon, 09 Mar 2026 10:02:11 SDClient starting',
      'Tue, 31 Feb 2026 10:02:12 Package: "Office"',
      'Mon, 09 Mar 2026 10:02:13 SDClient exiting',
    ].join('\r\n')));
    expect(entries.map(brief)).toEqual(['1 2026-03-09T10:02:11 SDClient starting', '3 2026-03-09T10:02:13 SDClient exiting']);
    expect(stats.unparsedLines.map((u) => [u.line, u.reason])).toEqual([[2, 'impossible date or time "Tue, 31 Feb 2026 10:02:12"']]);
  });

  it('cuts an entry\'s text at MAX_ENTRY_CHARS however many lines wrap into it', async () => {
    const wrapped = Array.from({ length: 500 }, (_, i) => `continuation ${i} ${'x'.repeat(40)}`);
    const { entries, stats } = await entriesOf(splitLines(logText([['10:02:11', 'start'], ...wrapped, ['10:02:12', 'next']])));
    expect(entries[0]?.text.length).toBe(MAX_ENTRY_CHARS);
    expect(entries[1]?.text).toBe('next');
    expect(stats).toMatchObject({ parsed: 502, unparsed: 0 });
  });

  it(`gives up after ${GIVE_UP_AFTER} bad lines with no entry, and counts the rest as unparsed`, async () => {
    const junk = Array.from({ length: GIVE_UP_AFTER + 50 }, (_, i) => `<row id="${i}">not a log</row>`);
    const { entries, stats } = await entriesOf(splitLines(logText([...junk, ['10:02:11', 'SDClient starting']])));
    expect(entries).toEqual([]);
    expect(stats.gaveUp).toBe(true);
    expect(stats.parsed).toBe(0);
    expect(stats.unparsed).toBe(GIVE_UP_AFTER + 51);
    expect(stats.warnings).toHaveLength(1);
    expect(stats.warnings[0]).toContain('sdclient.log: ');
    expect(stats.warnings[0]).toContain(`${GIVE_UP_AFTER} lines in a row without a timestamp from line 1`);
    expect(stats.warnings[0]).toContain('not a sdclient log?');
    // The kept sample stops at KEEP_UNPARSED, so the "gave up" reasons of the tail are not in it; the count is complete.
    expect(stats.unparsedLines).toHaveLength(KEEP_UNPARSED);
  });

  it('names the log kind it was asked for in the give-up warning, and reads nothing after it', async () => {
    const stats = newStats();
    const lines = splitLines([...Array.from({ length: GIVE_UP_AFTER }, () => 'junk'), 'Mon, 09 Mar 2026 10:02:11 a'].join('\n'));
    const out: Entry[] = [];
    for await (const entry of readEntries(streamOf(lines), 'vulscan.log', 'vulscan', stats)) out.push(entry);
    expect(out).toEqual([]);
    expect(stats.gaveUp).toBe(true);
    expect(stats.warnings).toEqual([
      `vulscan.log: ${GIVE_UP_AFTER} lines in a row without a timestamp from line 1: not a vulscan log? The rest of the file is counted as unparsed.`,
    ]);
    expect(stats).toMatchObject({ lines: GIVE_UP_AFTER + 1, parsed: 0, unparsed: GIVE_UP_AFTER + 1 });
  });

  it('does not give up once an entry was read, however much junk follows', async () => {
    const junk = Array.from({ length: GIVE_UP_AFTER + 10 }, () => 'Mon, 30 Feb 2026 10:00:00 bad date');
    const { entries, stats } = await entriesOf(splitLines(logText([['10:02:11', 'first'], ...junk, ['10:02:12', 'last']])));
    expect(stats.gaveUp).toBe(false);
    expect(stats.warnings).toEqual([]);
    expect(entries.map((e) => e.line)).toEqual([1, GIVE_UP_AFTER + 12]);
  });

  it(`does not give up on ${GIVE_UP_AFTER - 1} bad lines`, async () => {
    const junk = Array.from({ length: GIVE_UP_AFTER - 1 }, () => 'header');
    const { entries, stats } = await entriesOf(splitLines(logText([...junk, ['10:02:11', 'first']])));
    expect(stats.gaveUp).toBe(false);
    expect(entries).toHaveLength(1);
  });

  it(`keeps the first ${KEEP_UNPARSED} unparsed lines and counts all of them`, async () => {
    const bad = Array.from({ length: 120 }, (_, i) => `Mon, 32 Mar 2026 10:00:00 bad ${i}`);
    const { stats } = await entriesOf(splitLines(logText([['10:00:00', 'first'], ...bad])));
    expect(stats.unparsed).toBe(120);
    expect(stats.unparsedLines).toHaveLength(KEEP_UNPARSED);
    expect(stats.unparsedLines.map((u) => u.line)).toEqual(Array.from({ length: KEEP_UNPARSED }, (_, i) => i + 2));
  });

  it('cuts the text of a kept unparsed line to a printable length', async () => {
    const { stats } = await entriesOf([{ number: 1, text: 'z'.repeat(5000) }]);
    expect(stats.unparsedLines[0]?.text).toBe(`${'z'.repeat(300)}…`);
  });

  it('reads an empty file as nothing, without warnings', async () => {
    const { entries, stats } = await entriesOf([]);
    expect(entries).toEqual([]);
    expect(stats).toEqual(newStats());
  });
});

describe('looksBinary', () => {
  it.each([
    ['plain text', false],
    ['tab\tseparated', false],
    ['\u001b[31mcoloured\u001b[0m', false],
    ['café, naïve, Größe', false],
    ['NUL inside\u0000', true],
    ['\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008', true],
    ['\ufffd\ufffd\ufffd\ufffdab', true],
    ['one \ufffd in a long line of otherwise readable text', false],
  ])('%j → %s', (text, binary) => {
    expect(looksBinary(text)).toBe(binary);
  });
});
