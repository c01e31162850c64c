// The line reader reading leading timestamps itself (ReadLinesOptions.stamps, for the
// timestamped logs, fed to a sink): what it hands over must lead to exactly the entries and
// line accounting the entry grouper makes when it reads the timestamps itself, on any file
// and chunking, in every encoding.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readLines, type Line, type LineSink } from '../../src/ingest/lines.js';
import { EntryGrouper, newStats, readEntries, type Entry, type LineStats } from '../../src/parsers/entries.js';
import { byteStamps } from '../../src/parsers/timestamp.js';

type Fed = { stamped: [number, number, string] } | { line: Line };

async function fedTo(bytes: Buffer, sinkTakesStamps = true): Promise<Fed[]> {
  const out: Fed[] = [];
  const sink: LineSink = { line: (line) => out.push({ line }) };
  if (sinkTakesStamps) sink.stamped = (number, time, message) => out.push({ stamped: [number, time[0] ?? Number.NaN, message] });
  await readLines(bytes, { stamps: byteStamps }).batches.feed(sink);
  return out;
}

/** Entries and accounting, read through the reader's feed with its timestamps (stamps) or through batches without. */
async function entriesOf(chunks: readonly Buffer[], stamps: boolean, maxLineChars?: number): Promise<{ entries: Entry[]; stats: LineStats }> {
  const stats = newStats();
  const entries: Entry[] = [];
  const reader = readLines(Readable.from(chunks.map((c) => Buffer.from(c))), { ...(stamps ? { stamps: byteStamps } : {}), ...(maxLineChars ? { maxLineChars } : {}) });
  if (stamps) {
    const grouper = new EntryGrouper('sdclient.log', 'sdclient', stats, (entry) => entries.push({ ...entry }));
    await reader.batches.feed(grouper);
    grouper.end();
  } else {
    // Batches only: readEntries feeds from an iterable without `feed`, one Line per line.
    const batches = { [Symbol.asyncIterator]: () => reader.batches[Symbol.asyncIterator]() };
    for await (const entry of readEntries(batches, 'sdclient.log', 'sdclient', stats)) entries.push(entry);
  }
  return { entries, stats };
}

describe('readLines fed to a sink, with stamps', () => {
  it('gives a plain line whose timestamp it read as its number, time and message; every other line as a Line', async () => {
    const fed = await fedTo(Buffer.from('Mon, 09 Mar 2026 10:02:11 Package: "Office 2016 ProPlus"\r\nRebootBehavior_Apply.zip\r\nMon, 31 Feb 2026 10:02:12 impossible\r\n'));
    expect(fed).toEqual([
      { stamped: [1, Date.UTC(2026, 2, 9, 10, 2, 11), 'Package: "Office 2016 ProPlus"'] },
      { line: { number: 2, text: 'RebootBehavior_Apply.zip', plain: true } },
      // An impossible date is the regexes' to name: it comes as the line.
      { line: { number: 3, text: 'Mon, 31 Feb 2026 10:02:12 impossible', plain: true } },
    ]);
  });

  it('gives the same message for the same bytes, however often they repeat', async () => {
    const fed = await fedTo(Buffer.from('Mon, 09 Mar 2026 10:02:11 Self update: files are up to date.\nMon, 09 Mar 2026 10:02:12 Self update: files are up to date.\nMon, 09 Mar 2026 10:02:13 Self update: files are up to dat!\n'));
    expect(fed.map((f) => ('stamped' in f ? f.stamped[2] : ''))).toEqual(['Self update: files are up to date.', 'Self update: files are up to date.', 'Self update: files are up to dat!']);
  });

  it('leaves lines of a chunk that is not plain ASCII, and every line for a sink that takes no stamps, as Lines', async () => {
    expect(await fedTo(Buffer.from('Mon, 09 Mar 2026 10:02:11 Café\n'))).toEqual([{ line: { number: 1, text: 'Mon, 09 Mar 2026 10:02:11 Café' } }]);
    expect(await fedTo(Buffer.from('Mon, 09 Mar 2026 10:02:11 Package\n'), false)).toEqual([{ line: { number: 1, text: 'Mon, 09 Mar 2026 10:02:11 Package', plain: true } }]);
  });

  it('gives the grouper the same entries and accounting as reading the timestamps there, on any file, chunking and encoding', async () => {
    const stamp = fc.constantFrom('Mon, 09 Mar 2026 10:02:11', 'Thu, 09 Mar 2026 23:59:59.250', '09 Mar 2026 09:41:02', '2026-03-09 10:02:11.5',
      '2026-03-09 10:02:11(12-34) ldProvision:', '03/09/2026 10:02:11 PM', '03/09/2026 10:02:11', 'Mon, 31 Feb 2026 10:02:11', 'Mon, 10 Mar 2026 00:00:00', 'Mon, 10 Mar 2026 00:00:00.1234');
    const message = fc.constantFrom('Package: "Office 2016 ProPlus"', 'SDClient exiting, return code 0', '- dash', ': colon', '', 'x', 'a message of thirteen+', 'Café crème', 'x'.repeat(250));
    const line = fc.oneof(
      fc.tuple(stamp, message).map(([s, m]) => `${s} ${m}`),
      fc.constantFrom('RebootBehavior_Apply.zip', '', '   ', 'junk \u0001\u0002\u0003', 'x'.repeat(90), '\u0000\u0000', 'Mon, 09 Mar 2026 10:02:11'),
    );
    const encodings = fc.constantFrom<'latin1' | 'utf8' | 'utf16le'>('latin1', 'utf8', 'utf16le');
    await fc.assert(fc.asyncProperty(
      fc.array(line, { maxLength: 40 }), fc.constantFrom('\r\n', '\n'), fc.integer({ min: 1, max: 200 }), fc.constantFrom(undefined, 40), encodings,
      async (lines, end, chunkSize, maxLineChars, encoding) => {
        const text = lines.join(end) + end;
        const bytes = encoding === 'utf16le' ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]) : Buffer.from(text, encoding);
        const chunks: Buffer[] = [];
        for (let at = 0; at < bytes.length; at += chunkSize) chunks.push(bytes.subarray(at, at + chunkSize));
        const read = await entriesOf(chunks, true, maxLineChars);
        expect(read).toEqual(await entriesOf(chunks, false, maxLineChars));
      },
    ), { numRuns: 400 });
  });
});

describe('the parsers fed with stamps', () => {
  it('make the same events and accounting of every sample log as from batches without, patterns and all', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const path = await import('node:path');
    const { logKindFromFileName } = await import('../../src/ingest/names.js');
    const { parsers } = await import('../../src/parsers/index.js');
    const { SAMPLES, builtInPatterns } = await import('../helpers/parse.js');
    let compared = 0;
    for (const entry of readdirSync(SAMPLES, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const kind = logKindFromFileName(entry.name);
      if (kind === null || parsers[kind].timestamped !== true) continue;
      const bytes = readFileSync(path.join(entry.parentPath, entry.name));
      const context = { file: entry.name, fileName: entry.name, patterns: builtInPatterns };
      const fed = await parsers[kind].parse(readLines(bytes, { stamps: byteStamps }).batches, context);
      const reader = readLines(bytes);
      const batched = await parsers[kind].parse({ [Symbol.asyncIterator]: () => reader.batches[Symbol.asyncIterator]() }, context);
      expect(fed, entry.name).toEqual(batched);
      compared += 1;
    }
    expect(compared).toBeGreaterThan(30);
  });
});
