import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatWallTime, parseLeadingTimestamp, parseTimestampValue, wallTime } from '../../src/parsers/timestamp.js';

/** The parsed time as ISO wall-clock text and the rest of the line, or the failure. */
function parsed(line: string): [string, string] | { ok: false; reason: string } | null {
  const result = parseLeadingTimestamp(line);
  if (result === null || !result.ok) return result;
  return [formatWallTime(result.time), result.rest];
}

describe('parseLeadingTimestamp', () => {
  it.each([
    ['Thu, 10 Feb 2022 21:00:19 Info: Core did not find file', '2022-02-10T21:00:19', 'Info: Core did not find file'],
    ['Mon, 09 Mar 2026 10:02:11 ---------- SDClient starting', '2026-03-09T10:02:11', '---------- SDClient starting'],
    ['Thursday, 10 February 2022 21:00:19 long names', '2022-02-10T21:00:19', 'long names'],
    ['10 Feb 2022 21:00:19 scheduler shape', '2022-02-10T21:00:19', 'scheduler shape'],
    ['09 Mar 2026 09:41:02', '2026-03-09T09:41:02', ''],
    ['2026-03-09 10:02:11.250 Action 7 of 12', '2026-03-09T10:02:11.250', 'Action 7 of 12'],
    ['2026-03-09 10:02:11.5 half a second', '2026-03-09T10:02:11.500', 'half a second'],
    ['2026-03-09T10:02:11 ISO with T', '2026-03-09T10:02:11', 'ISO with T'],
    ['2026-03-09 10:02:11 - after a dash', '2026-03-09T10:02:11', 'after a dash'],
    ['03/09/2026 10:02:11 Run PolicySync', '2026-03-09T10:02:11', 'Run PolicySync'],
    ['3/9/2026 9:02:11 one-digit parts', '2026-03-09T09:02:11', 'one-digit parts'],
    ['03/09/2026 10:02:11 PM evening', '2026-03-09T22:02:11', 'evening'],
    ['03/09/2026 12:02:11 PM noon', '2026-03-09T12:02:11', 'noon'],
    ['03/09/2026 12:02:11 AM midnight', '2026-03-09T00:02:11', 'midnight'],
    ['03/09/2026 09:02:11 am lower case', '2026-03-09T09:02:11', 'lower case'],
    // The provisioning agent's shape (seen): (pid-tid) glued to the seconds, then component:message.
    ['2011-06-29 00:23:15(1956-1960) ldProvision:Using [CORE_NAME9] for Core', '2011-06-29T00:23:15', 'Using [CORE_NAME9] for Core'],
    ['2011-06-29 00:23:15(1956-1960) ldProvision:Process exit code:0', '2011-06-29T00:23:15', 'Process exit code:0'],
    ['2026-03-09 10:02:11(2212-2240) Recieved command to set print: Action', '2026-03-09T10:02:11', 'Recieved command to set print: Action'],
    ['2026-03-09 10:02:13(2212-2240) return:-1917517692', '2026-03-09T10:02:13', 'return:-1917517692'],
    ['2026-03-09 10:02:13.250(2212-2240) Action 7 FAILED', '2026-03-09T10:02:13.250', 'Action 7 FAILED'],
  ])('reads %j', (line, time, rest) => {
    expect(parsed(line)).toEqual([time, rest]);
  });

  it('takes the date and ignores a weekday that disagrees with it', () => {
    // 10 Feb 2022 was a Thursday; real files carry wrong weekdays (FORMATS.md).
    expect(parsed('Fri, 10 Feb 2022 21:00:19 x')).toEqual(['2022-02-10T21:00:19', 'x']);
    expect(parsed('Sun, 10 Feb 2022 21:00:19 x')).toEqual(parsed('Thu, 10 Feb 2022 21:00:19 x'));
  });

  it('reads a start in the year 3000 (the provisioning-only agent)', () => {
    expect(parsed('01 Jan 3000 00:00:00 far future')).toEqual(['3000-01-01T00:00:00', 'far future']);
    expect(parseTimestampValue('06 Nov 3000 17:39:47')).toBe(Date.UTC(3000, 10, 6, 17, 39, 47));
  });

  it.each([
    ['Tue, 31 Feb 2022 10:00:00 x', '31 Feb'],
    ['29 Feb 2025 10:00:00 x', 'not a leap year'],
    ['10 Feb 2022 25:00:00 x', 'hour 25'],
    ['10 Feb 2022 10:60:00 x', 'minute 60'],
    ['2026-13-01 10:00:00 x', 'month 13'],
    ['2026-04-31 10:00:00 x', '31 April'],
    ['13/09/2026 10:00:00 x', 'month 13, month first'],
  ])('refuses %j (%s) with a reason naming the text', (line) => {
    const result = parseLeadingTimestamp(line);
    expect(result).toMatchObject({ ok: false });
    expect(result && !result.ok ? result.reason : '').toMatch(/^impossible date or time "/);
    expect(result && !result.ok ? result.reason : '').toContain(line.slice(0, 10));
  });

  it('takes 29 Feb in a leap year', () => {
    expect(parsed('29 Feb 2024 10:00:00 x')).toEqual(['2024-02-29T10:00:00', 'x']);
  });

  it('refuses an unknown month name', () => {
    expect(parseLeadingTimestamp('12 Foo 2022 10:00:00 x')).toEqual({ ok: false, reason: 'unknown month "Foo"' });
  });

  it.each([
    'RebootBehavior_Apply.zip',
    '',
    '   indented continuation',
    '\tTabbed continuation',
    '<TaskIdn>1054</TaskIdn>',
    'Task ID: 3',
    '  Start: 09 Mar 2026 09:41:02',
    'Error 126 at 10:02:11',
    '2026-03-09 without a time',
    '10 Feb 2022',
  ])('returns null for %j (no leading timestamp)', (line) => {
    expect(parseLeadingTimestamp(line)).toBeNull();
  });
});

describe('parseTimestampValue', () => {
  it('reads a whole value, trimmed, and gives null for anything else', () => {
    expect(parseTimestampValue(' 09 Mar 2026 09:41:02 ')).toBe(Date.UTC(2026, 2, 9, 9, 41, 2));
    expect(parseTimestampValue('31 Feb 2026 09:41:02')).toBeNull();
    expect(parseTimestampValue('never')).toBeNull();
  });
});

describe('wallTime', () => {
  it('builds the wall time as if the wall clock were UTC', () => {
    expect(wallTime(2026, 3, 9, 10, 2, 11, 250)).toBe(Date.UTC(2026, 2, 9, 10, 2, 11, 250));
  });
  it('refuses dates that Date.UTC would roll over', () => {
    expect(wallTime(2026, 2, 31)).toBeNull();
    expect(wallTime(2026, 0, 1)).toBeNull();
    expect(wallTime(2026, 1, 1, 24)).toBeNull();
    expect(wallTime(2026, 1, 1, 0, 0, 60)).toBeNull();
  });
});

describe('formatWallTime', () => {
  it('writes ISO 8601 without an offset, with milliseconds only when there are some', () => {
    expect(formatWallTime(Date.UTC(2026, 2, 9, 10, 2, 12))).toBe('2026-03-09T10:02:12');
    expect(formatWallTime(Date.UTC(2026, 2, 9, 10, 2, 12, 5))).toBe('2026-03-09T10:02:12.005');
    expect(formatWallTime(Date.UTC(3000, 0, 1))).toBe('3000-01-01T00:00:00');
  });

  /** What it wrote before it kept a day's date part: Date's ISO text, without a zone, milliseconds only where there are some. */
  const reference = (time: number): string => {
    const iso = new Date(time).toISOString();
    return iso.endsWith('.000Z') ? iso.slice(0, 19) : iso.slice(0, 23);
  };

  it('writes the last millisecond of a day, the next midnight, and what no Date can hold', () => {
    expect(formatWallTime(Date.UTC(2026, 2, 9, 10, 2, 11))).toBe('2026-03-09T10:02:11');
    expect(formatWallTime(Date.UTC(2026, 2, 9, 10, 2, 11, 250))).toBe('2026-03-09T10:02:11.250');
    expect(formatWallTime(Date.UTC(2026, 2, 9, 23, 59, 59, 999))).toBe('2026-03-09T23:59:59.999');
    expect(formatWallTime(Date.UTC(2026, 2, 10))).toBe('2026-03-10T00:00:00');
    expect(formatWallTime(Number.NaN)).toBe('(invalid time NaN)');
    expect(formatWallTime(9e15)).toBe('(invalid time 9000000000000000)');
  });

  it('agrees with Date\'s ISO text on any time, in any order (the day it keeps never leaks into another)', () => {
    const day = 86_400_000;
    fc.assert(fc.property(fc.array(fc.oneof(
      fc.integer({ min: -8.64e15, max: 8.64e15 }),
      fc.integer({ min: Date.UTC(1969, 11, 30), max: Date.UTC(1970, 0, 2) }),
      fc.integer({ min: Date.UTC(2026, 2, 8), max: Date.UTC(2026, 2, 11) }),
      fc.constantFrom(0, -1, day - 1, day, -day, Date.UTC(0, 0, 1) - 1, Date.UTC(9999, 11, 31, 23, 59, 59, 999) + 1),
      fc.double({ min: -1e12, max: 1e12, noNaN: true }),
    ), { maxLength: 20 }), (times) => {
      for (const time of times) expect(formatWallTime(time)).toBe(reference(time));
    }), { numRuns: 2000 });
  });
});
