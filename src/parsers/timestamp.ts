// Leading timestamps of EPM client logs. Every shape FORMATS.md lists:
//   Thu, 10 Feb 2022 21:00:19 Info: Core did not find file      (sdclient, vulscan: the weekday may lie)
//   09 Mar 2026 09:41:02 Added task 3: …                        (the scheduler)
//   2026-03-09 10:02:11.250 Action 7 of 12 …                     (ISO-like, optional fraction)
//   03/09/2026 10:02:11 Run PolicySync                           (US month-first)
//   2011-06-29 00:23:15(1956-1960) ldProvision:Process exit code:0  (provisioning agent: pid-tid glued to the seconds, then component:)
// Times are the device's wall clock: we keep them as WallTime and never guess a zone here.
import type { WallTime } from '../types.js';

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

// Weekday is optional and ignored: real files carry weekdays that disagree with the date.
const DAY_MONTH_YEAR = /^(?:[A-Za-z]{3,9},?\s+)?(\d{1,2})[ -]([A-Za-z]{3})[a-z]*[ -](\d{4})[ T]+(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d{1,3})\d*)?/;
const YEAR_MONTH_DAY = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d{1,3})\d{0,6})?(\(\d{1,10}-\d{1,10}\))?/;
/**
 * After the (pid-tid) shape, the writing component glued to its message: "ldProvision:Using …".
 * Only a word glued to a capitalised message: "return:0" is a message, not a component.
 */
const COMPONENT = /^(?![Rr][Ee][Tt][Uu][Rr][Nn]:)[A-Za-z][\w.]{0,40}:(?=[A-Z])/;
const MONTH_DAY_YEAR = /^(\d{1,2})\/(\d{1,2})\/(\d{4})[ ,]+(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d{1,3})\d*)?(?:\s*([AaPp][Mm])\b)?/;

export type TimestampResult =
  | { ok: true; time: WallTime; rest: string }
  /** The line starts like a timestamp but names an impossible moment (31 Feb, 25:00). */
  | { ok: false; reason: string };

/** Builds a WallTime from its parts; null when the parts name no real moment. */
export function wallTime(
  year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0,
): WallTime | null {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  const time = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(time);
  // Date.UTC rolls 31 Feb over into March; a log that says 31 Feb is wrong, not March.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return time;
}

function fraction(text: string | undefined): number {
  if (!text) return 0;
  return Number(text.padEnd(3, '0'));
}

function build(
  year: number, month: number, day: number, h: number, m: number, s: number, ms: number, line: string, matched: number,
  component = false,
): TimestampResult {
  const time = wallTime(year, month, day, h, m, s, ms);
  if (time === null) return { ok: false, reason: `impossible date or time "${line.slice(0, matched)}"` };
  // The message follows after blanks, sometimes after a separator such as " - " or ": ".
  let rest = line.slice(matched).replace(/^\s*(?:[-:|]\s+)?/, '');
  if (component) rest = rest.replace(COMPONENT, '');
  return { ok: true, time, rest };
}

/** Parses a leading timestamp; null when the line does not start with one. */
export function parseLeadingTimestamp(line: string): TimestampResult | null {
  const first = line.charCodeAt(0);
  // Cheap exit for continuation lines: every shape starts with a letter or a digit.
  if (Number.isNaN(first) || !/[0-9A-Za-z]/.test(line[0] ?? '')) return null;

  let m = DAY_MONTH_YEAR.exec(line);
  if (m) {
    const month = MONTHS[(m[2] ?? '').toLowerCase()];
    if (month === undefined) return { ok: false, reason: `unknown month "${m[2] ?? ''}"` };
    return build(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]), fraction(m[7]), line, m[0].length);
  }
  m = YEAR_MONTH_DAY.exec(line);
  if (m) {
    return build(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), fraction(m[7]), line, m[0].length, m[8] !== undefined);
  }
  m = MONTH_DAY_YEAR.exec(line);
  if (m) {
    let hour = Number(m[4]);
    const meridiem = m[8]?.toLowerCase();
    if (meridiem === 'pm' && hour < 12) hour += 12;
    if (meridiem === 'am' && hour === 12) hour = 0;
    return build(Number(m[3]), Number(m[1]), Number(m[2]), hour, Number(m[5]), Number(m[6]), fraction(m[7]), line, m[0].length);
  }
  return null;
}

/** Parses a whole timestamp value such as the scheduler's /start="06 Nov 2001 17:39:47". */
export function parseTimestampValue(text: string): WallTime | null {
  const result = parseLeadingTimestamp(text.trim());
  return result && result.ok ? result.time : null;
}

/** ISO 8601 wall-clock text of a WallTime, without offset: 2026-03-09T10:02:12. */
export function formatWallTime(time: WallTime): string {
  // Never throws: a time past what Date can hold is shown as what it is, not a crash of the report.
  if (!Number.isFinite(time) || Math.abs(time) > 8.64e15) return `(invalid time ${String(time)})`;
  const iso = new Date(time).toISOString();
  return iso.endsWith('.000Z') ? iso.slice(0, 19) : iso.slice(0, 23);
}
