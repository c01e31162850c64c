// The fast timestamp path (fixed offsets, a cached date) against the regexes it stands in
// for: wherever the fast path answers, it must give exactly what the regexes give, on every
// shape FORMATS.md lists and on the near-misses around them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byteStamps, fastStampOfBytes, fastTimestamp, generalTimestamp, parseLeadingTimestamp, type TimestampResult } from '../../src/parsers/timestamp.js';

/**
 * The byte path as the line reader takes it: the line inside a chunk, between other lines'
 * bytes (which it must never read), as a TimestampResult, or null where it declines.
 */
function fromBytes(line: string): TimestampResult | null {
  const before = 'Tue, 10 Mar 2026 11:11:11 the line before\n';
  const chunk = Buffer.from(`${before}${line}9999 more digits and text of the next line`, 'latin1');
  const start = Buffer.byteLength(before, 'latin1');
  const end = start + Buffer.byteLength(line, 'latin1');
  const message = fastStampOfBytes(chunk, start, end);
  return message < 0 ? null : { ok: true, time: byteStamps.time[0] ?? Number.NaN, rest: chunk.toString('latin1', message, end) };
}

/** Both fast paths against the regexes on one line: each answers what they answer, or declines. */
function expectAgreement(line: string): void {
  const general = generalTimestamp(line);
  const fast = fastTimestamp(line);
  if (fast !== null) expect(fast).toEqual(general);
  expect(parseLeadingTimestamp(line)).toEqual(general);
  if (/^[\x01-\x7f]*$/.test(line)) {
    const bytes = fromBytes(line);
    if (bytes !== null) expect(bytes).toEqual(general);
    // Both read the same shapes: a line one declines, the other declines too (the string path
    // copies 64 characters; past that it leaves what it cannot see to the regexes).
    if (line.length <= 64) expect(bytes === null).toBe(fast === null);
  }
}

const SHAPES = [
  'Thu, 10 Feb 2022 21:00:19 Info: Core did not find file',
  'Sun, 10 Feb 2022 21:00:19 a weekday that disagrees with the date',
  'Mon, 09 Mar 2026 10:02:12.250 with a fraction',
  'Mon, 09 Mar 2026 10:02:12,5 a comma fraction, one digit',
  'Mon, 09 Mar 2026 10:02:12.1234567 seven fraction digits',
  'Mon, 09 Mar 2026 10:02:12. a dot and no digits',
  'Mon, 09 Mar 2026 10:02:12 - a dash separator',
  'Mon, 09 Mar 2026 10:02:12 | a bar separator',
  'Mon, 09 Mar 2026 10:02:12 :no blank after the colon',
  'Mon, 09 Mar 2026 10:02:12\ttab then text',
  'Mon, 09 Mar 2026 10:02:12',
  'Mon, 09 MAR 2026 10:02:12 upper-case month',
  'Mon, 31 Feb 2026 10:02:12 impossible day',
  'Mon, 09 Mar 2026 24:02:12 impossible hour',
  'Mon, 09 Mar 2026 10:60:12 impossible minute',
  'Mon, 09 Xyz 2026 10:02:12 unknown month',
  'Mon, 09 Mar 2026  10:02:12 two blanks',
  'Mon, 9 Mar 2026 10:02:12 one-digit day',
  'Mon, 09 Mar 2026 9:02:12 one-digit hour',
  'Monday, 09 Mar 2026 10:02:12 long weekday',
  'Mon 09 Mar 2026 10:02:12 no comma',
  'Mon, 09 March 2026 10:02:12 long month',
  'Mon, 09 Mar 2026 10:02:123 three-digit seconds',
  '09 Mar 2026 09:41:02 Added task 3: vulscan.exe',
  '09-Mar-2026 09:41:02 dashes',
  '2026-03-09 10:02:11.250 Action 7 of 12',
  '2026-03-09T10:02:11 with a T',
  '2026-03-09 10:02:11.1234567890 ten fraction digits',
  '2026-03-09 10:02:11(1956-1960) ldProvision:Process exit code:0',
  '2011-06-29 00:23:15(1956-1960) return:0',
  '2026-02-30 10:02:11 impossible date',
  '03/09/2026 10:02:11 Run PolicySync',
  '03/09/2026 10:02:11 PM an afternoon',
  '03/09/2026 12:02:11 AM just after midnight',
  '03/09/2026 10:02:11 Amsterdam is no meridiem',
  '03/09/2026 10:02:11 pm',
  '03/09/2026 10:02:11 PM_x a word character after the meridiem',
  '03/09/2026 10:02:11 PM. a full stop after it',
  '03/09/2026 10:02:11 P',
  '3/9/2026 10:02:11 one-digit month and day',
  '13/09/2026 10:02:11 month 13',
  '03/09/2026, 10:02:11 a comma',
  'Info: no timestamp at all',
  '',
];

describe('fastTimestamp', () => {
  it.each(SHAPES)('agrees with the regexes on %j, from a string and from bytes', (line) => {
    expectAgreement(line);
  });

  it('answers for the common shapes itself (the point of having it), from a string and from bytes', () => {
    for (const line of [SHAPES[0], SHAPES[2], SHAPES[23], SHAPES[25], SHAPES[31]]) {
      expect(fastTimestamp(line ?? '')).not.toBeNull();
      expect(fromBytes(line ?? '')).not.toBeNull();
    }
  });

  it('leaves to the regexes a string whose timestamp runs past the characters it copies, or holds one that is not a byte', () => {
    const long = ['Mon, 09 Mar 2026 10:02:12.' + '1'.repeat(60) + ' a long fraction', 'Mon, 09 Mar 2026 10:02:12' + ' '.repeat(60) + 'blanks', '2026-03-09 10:02:11' + '\t'.repeat(50) + '- x'];
    for (const line of long) {
      expect(fastTimestamp(line)).toBeNull();
      expectAgreement(line);
      expect(parseLeadingTimestamp(line)?.ok).toBe(true);
    }
    // U+3000 is a blank to the regexes; the copy stops before it, so the fast path declines.
    const wide = 'Mon, 09 Mar 2026 10:02:12\u3000message';
    expect(fastTimestamp(wide)).toBeNull();
    expect(parseLeadingTimestamp(wide)).toEqual({ ok: true, time: Date.UTC(2026, 2, 9, 10, 2, 12), rest: 'message' });
  });

  it('reads a line from bytes only up to its end, never into the next line', () => {
    // "10:02:12" ends the line; the next line's digits would make it a three-digit second or a fraction.
    expect(fromBytes('Mon, 09 Mar 2026 10:02:12')).toEqual({ ok: true, time: Date.UTC(2026, 2, 9, 10, 2, 12), rest: '' });
    expect(fromBytes('Mon, 09 Mar 2026 10:02:12.')).toEqual(generalTimestamp('Mon, 09 Mar 2026 10:02:12.'));
    expect(fromBytes('03/09/2026 10:02:11 P')).toEqual(generalTimestamp('03/09/2026 10:02:11 P'));
  });

  it('does not carry one line\'s date into the next when only the date part differs', () => {
    expect(parseLeadingTimestamp('Mon, 09 Mar 2026 10:02:12 a')).toEqual(generalTimestamp('Mon, 09 Mar 2026 10:02:12 a'));
    expect(parseLeadingTimestamp('Mon, 10 Mar 2026 10:02:12 b')).toEqual(generalTimestamp('Mon, 10 Mar 2026 10:02:12 b'));
    expect(parseLeadingTimestamp('Mon, 10 Mar 2026X10:02:12 c')).toEqual(generalTimestamp('Mon, 10 Mar 2026X10:02:12 c'));
  });

  it('reads the same date through its cache whatever weekday a line gives, and whichever shape set it', () => {
    const lines = ['09 Mar 2026 09:41:02 scheduler', 'Mon, 09 Mar 2026 10:02:12 a', 'Thu, 09 Mar 2026 10:02:13 a lying weekday', 'Thu, 09 Mar 2027 10:02:14 another year', '09 Mar 2027 10:02:15 scheduler again'];
    for (const line of lines) expect(parseLeadingTimestamp(line)).toEqual(generalTimestamp(line));
  });

  it('agrees with the regexes on generated lines of every shape and their near-misses', () => {
    const two = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
    const anyDigits = fc.stringMatching(/^\d{1,2}$/);
    const sep = fc.constantFrom(' ', '  ', 'T', '-', ',', '\t');
    const tail = fc.constantFrom('', ' msg', ' - msg', ': msg', '.250 msg', ',1 msg', '.1234567 msg', 'PM', ' AM x', '(12-34) ldProvision:Go', '5 msg');
    const day = fc.tuple(fc.constantFrom('Mon, ', 'Thu, ', 'Monday, ', 'Mon ', ''), anyDigits, sep, fc.constantFrom('Mar', 'MAR', 'Feb', 'Xyz', 'March'), sep, fc.integer({ min: 1990, max: 2100 }));
    const time = fc.tuple(anyDigits, two, two).map(([h, m, s]) => `${h}:${m}:${s}`);
    const dmy = fc.tuple(day, sep, time, tail).map(([[w, d, s1, mon, s2, y], s3, t, rest]) => `${w}${d}${s1}${mon}${s2}${y}${s3}${t}${rest}`);
    const ymd = fc.tuple(fc.integer({ min: 1990, max: 2100 }), two, two, sep, time, tail).map(([y, mo, d, s, t, rest]) => `${y}-${mo}-${d}${s}${t}${rest}`);
    const mdy = fc.tuple(anyDigits, anyDigits, fc.integer({ min: 1990, max: 2100 }), sep, time, tail).map(([mo, d, y, s, t, rest]) => `${mo}/${d}/${y}${s}${t}${rest}`);
    fc.assert(fc.property(fc.oneof(dmy, ymd, mdy), (line) => {
      expectAgreement(line);
    }), { numRuns: 5000 });
  });
});
