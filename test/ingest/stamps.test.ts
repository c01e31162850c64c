// The line reader reading leading timestamps itself (ReadLinesOptions.stamps, for the
// timestamped logs): what it hands over must lead to exactly the entries and line accounting
// the entry grouper makes when it reads the timestamps itself, on any file and chunking.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readLines, type Line } from '../../src/ingest/lines.js';
import { newStats, readEntries, type Entry, type LineStats } from '../../src/parsers/entries.js';
import { parseLeadingTimestamp } from '../../src/parsers/timestamp.js';

async function linesOf(bytes: Buffer, stamps: boolean): Promise<Line[]> {
  const out: Line[] = [];
  for await (const line of readLines(bytes, stamps ? { stamps: parseLeadingTimestamp } : {}).lines) out.push(line);
  return out;
}

async function entriesOf(chunks: readonly Buffer[], stamps: boolean, maxLineChars?: number): Promise<{ entries: Entry[]; stats: LineStats }> {
  const stats = newStats();
  const entries: Entry[] = [];
  const reader = readLines(Readable.from(chunks.map((c) => Buffer.from(c))), { ...(stamps ? { stamps: parseLeadingTimestamp } : {}), ...(maxLineChars ? { maxLineChars } : {}) });
  for await (const entry of readEntries(reader.batches, 'sdclient.log', 'sdclient', stats)) entries.push(entry);
  return { entries, stats };
}

describe('readLines with stamps', () => {
  it('reads a plain line\'s timestamp, with the message as its own string, and says where there is none', async () => {
    const lines = await linesOf(Buffer.from('Mon, 09 Mar 2026 10:02:11 Package: "Office 2016 ProPlus"\r\nRebootBehavior_Apply.zip\r\nMon, 31 Feb 2026 10:02:12 impossible\r\n'), true);
    expect(lines[0]?.stamp).toEqual({ ok: true, time: Date.UTC(2026, 2, 9, 10, 2, 11), rest: 'Package: "Office 2016 ProPlus"' });
    expect(lines[0]?.text).toBe('Mon, 09 Mar 2026 10:02:11 Package: "Office 2016 ProPlus"');
    expect(lines[1]?.stamp).toBeNull();
    expect(lines[2]?.stamp).toEqual({ ok: false, reason: 'impossible date or time "Mon, 31 Feb 2026 10:02:12"' });
  });

  it('leaves lines of a chunk that is not plain ASCII, and lines of a reader not asked, to the parser', async () => {
    expect((await linesOf(Buffer.from('Mon, 09 Mar 2026 10:02:11 Café\n'), true))[0]?.stamp).toBeUndefined();
    expect((await linesOf(Buffer.from('Mon, 09 Mar 2026 10:02:11 Package\n'), false))[0]?.stamp).toBeUndefined();
  });

  it('gives the grouper the same entries and accounting as reading the timestamps there, on any file and chunking', async () => {
    const stamp = fc.constantFrom('Mon, 09 Mar 2026 10:02:11', 'Thu, 09 Mar 2026 23:59:59.250', '09 Mar 2026 09:41:02', '2026-03-09 10:02:11.5',
      '2026-03-09 10:02:11(12-34) ldProvision:', '03/09/2026 10:02:11 PM', 'Mon, 31 Feb 2026 10:02:11', 'Mon, 10 Mar 2026 00:00:00');
    const message = fc.constantFrom('Package: "Office 2016 ProPlus"', 'SDClient exiting, return code 0', '- dash', ': colon', '', 'x', 'a message of thirteen+');
    const line = fc.oneof(
      fc.tuple(stamp, message).map(([s, m]) => `${s} ${m}`),
      fc.constantFrom('RebootBehavior_Apply.zip', '', '   ', 'junk \u0001\u0002\u0003', 'x'.repeat(90), '\u0000\u0000'),
    );
    await fc.assert(fc.asyncProperty(
      fc.array(line, { maxLength: 40 }), fc.constantFrom('\r\n', '\n'), fc.integer({ min: 1, max: 200 }), fc.constantFrom(undefined, 40),
      async (lines, end, chunkSize, maxLineChars) => {
        const bytes = Buffer.from(lines.join(end) + end, 'latin1');
        const chunks: Buffer[] = [];
        for (let at = 0; at < bytes.length; at += chunkSize) chunks.push(bytes.subarray(at, at + chunkSize));
        const read = await entriesOf(chunks, true, maxLineChars);
        expect(read).toEqual(await entriesOf(chunks, false, maxLineChars));
      },
    ), { numRuns: 300 });
  });
});
