// Leading timestamps of EPM client logs. Every shape FORMATS.md lists:
//   Thu, 10 Feb 2022 21:00:19 Info: Core did not find file      (sdclient, vulscan: the weekday may lie)
//   09 Mar 2026 09:41:02 Added task 3: …                        (the scheduler)
//   2026-03-09 10:02:11.250 Action 7 of 12 …                     (ISO-like, optional fraction)
//   03/09/2026 10:02:11 Run PolicySync                           (US month-first)
//   2011-06-29 00:23:15(1956-1960) ldProvision:Process exit code:0  (provisioning agent: pid-tid glued to the seconds, then component:)
// Times are the device's wall clock: we keep them as WallTime and never guess a zone here.
import type { LeadingStamp } from '../ingest/lines.js';
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

/**
 * A leading timestamp read: its time and the message after it (a suffix of the line), or, where
 * the line starts like a timestamp but names an impossible moment (31 Feb, 25:00), why not. The
 * line reader's type (it reads them itself for the timestamped logs: ReadLinesOptions.stamps).
 */
export type TimestampResult = LeadingStamp;

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
  let rest = line.slice(messageStart(line, matched));
  if (component) rest = rest.replace(COMPONENT, '');
  return { ok: true, time, rest };
}

/** Parses a leading timestamp; null when the line does not start with one. */
export function parseLeadingTimestamp(line: string): TimestampResult | null {
  const first = line.charCodeAt(0);
  // Cheap exit for continuation lines: every shape starts with a letter or a digit.
  if (!((first >= 0x30 && first <= 0x39) || ((first | 0x20) >= 0x61 && (first | 0x20) <= 0x7a))) return null;
  const fast = fastTimestamp(line);
  if (fast !== null) return fast;
  return generalTimestamp(line);
}

/** The regex path: every variant the shapes allow. fastTimestamp must agree with it wherever both answer. */
export function generalTimestamp(line: string): TimestampResult | null {

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
  // A report writes many times of a few days: the date part is made once per day, the time of
  // day from two-digit strings (a Date and toISOString per time were a twentieth of a 5 MB
  // device's diagnosis in the worker profile).
  if (Number.isInteger(time)) {
    const ofDay = time - formattedDay;
    if (ofDay >= 0 && ofDay < DAY_MS) return formattedDate + timeOfDayText(ofDay);
    const day = Math.floor(time / DAY_MS) * DAY_MS;
    const date = isoOf(day).slice(0, 11);
    // Four-digit years only (the ISO form of others is longer): those are left to the slow path.
    if (date.length === 11 && date.charCodeAt(10) === 0x54) {
      formattedDay = day;
      formattedDate = date;
      return date + timeOfDayText(time - day);
    }
  }
  return isoOf(time);
}

const DAY_MS = 86_400_000;
/** The day formatWallTime last wrote: its midnight, and its date part ("2026-03-09T"). */
let formattedDay = Number.NaN;
let formattedDate = '';
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));

/** "10:02:11", or "10:02:11.250" where there are milliseconds, for ms since midnight. */
function timeOfDayText(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const millis = ms - seconds * 1000;
  const text = `${TWO_DIGITS[Math.floor(seconds / 3600)] ?? ''}:${TWO_DIGITS[Math.floor(seconds / 60) % 60] ?? ''}:${TWO_DIGITS[seconds % 60] ?? ''}`;
  return millis === 0 ? text : `${text}.${String(millis).padStart(3, '0')}`;
}

function isoOf(time: WallTime): string {
  const iso = new Date(time).toISOString();
  return iso.endsWith('.000Z') ? iso.slice(0, 19) : iso.slice(0, 23);
}

// ---------------------------------------------------------------- the fast path
//
// Most lines of a log carry its one fixed shape, and the date part repeats for thousands of
// lines. So the common shapes are read from character codes at fixed offsets, the date part
// is looked up in a one-entry cache, and anything unusual (one-digit hours, long month names,
// a missing comma, an impossible date) is left to the regexes above: the fast path answers
// only where it is sure to give what they give, and null otherwise.

/** True for what the regex class \s matches. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c > 0x7f && (c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff));
}

/** Where the message starts after a timestamp that ends at `at`: /^\s*(?:[-:|]\s+)?/ as a loop. */
function messageStart(line: string, at: number): number {
  let i = at;
  while (i < line.length && isSpace(line.charCodeAt(i))) i++;
  const c = line.charCodeAt(i);
  if (c === 0x2d || c === 0x3a || c === 0x7c) {
    let j = i + 1;
    while (j < line.length && isSpace(line.charCodeAt(j))) j++;
    if (j > i + 1) return j;
  }
  return i;
}

function digit(line: string, at: number): number {
  const d = line.charCodeAt(at) - 0x30;
  return d >= 0 && d <= 9 ? d : -1;
}

/** Two digits at `at` as a number, or -1. */
function two(line: string, at: number): number {
  const a = digit(line, at);
  const b = digit(line, at + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

function four(line: string, at: number): number {
  const a = two(line, at);
  const b = two(line, at + 2);
  return a < 0 || b < 0 ? -1 : a * 100 + b;
}

function isLetter(c: number): boolean {
  return (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
}

/** Month numbers by their three lower-case letters' codes, so no string is made per line. */
const MONTH_CODES = new Map(Object.entries(MONTHS).map(([name, n]) => [(name.charCodeAt(0) << 16) | (name.charCodeAt(1) << 8) | name.charCodeAt(2), n]));

/** The last date part read, and the midnight it names: a log's lines share their day. */
let cachedDate = '';
let cachedMidnight = 0;

function midnightOf(line: string, start: number, end: number, year: number, month: number, day: number): number | null {
  if (cachedDate.length === end - start && holdsAt(line, cachedDate, start)) return cachedMidnight;
  const midnight = wallTime(year, month, day);
  if (midnight === null) return null;
  cachedDate = line.slice(start, end);
  cachedMidnight = midnight;
  return midnight;
}

/**
 * True where `line` holds `part` at `start`. A loop over character codes: String.prototype.startsWith
 * was most of the date check's self time in the worker profile of the benchmark's 200 MB file.
 */
function holdsAt(line: string, part: string, start: number): boolean {
  if (start + part.length > line.length) return false;
  for (let i = 0; i < part.length; i++) {
    if (line.charCodeAt(start + i) !== part.charCodeAt(i)) return false;
  }
  return true;
}

/** Where the time of day that timeOfDay last read ends: a variable, not an object per line. */
let timeEnd = 0;

/**
 * "HH:MM:SS" at `at`, then an optional fraction: the time of day in ms (where it ends is left
 * in timeEnd), or -1 (the regexes decide). `fractionDigits` is how many digits after the third
 * the regex lets a fraction have (Infinity: any number).
 */
function timeOfDay(line: string, at: number, fractionDigits: number): number {
  if (line.charCodeAt(at + 2) !== 0x3a || line.charCodeAt(at + 5) !== 0x3a) return -1;
  const h = two(line, at);
  const m = two(line, at + 3);
  const s = two(line, at + 6);
  if (h < 0 || m < 0 || s < 0 || h > 23 || m > 59 || s > 59) return -1;
  let end = at + 8;
  let ms = 0;
  if (digit(line, end) >= 0) return -1; // a third digit of seconds: not a shape we know fast
  const sep = line.charCodeAt(end);
  if ((sep === 0x2e || sep === 0x2c) && digit(line, end + 1) >= 0) {
    let i = end + 1;
    let taken = 0;
    while (taken < 3 && digit(line, i) >= 0) {
      ms = ms * 10 + digit(line, i);
      i++;
      taken++;
    }
    for (let k = taken; k < 3; k++) ms *= 10;
    let extra = 0;
    while (digit(line, i) >= 0) {
      if (extra === fractionDigits) return -1;
      i++;
      extra++;
    }
    end = i;
  }
  timeEnd = end;
  return h * 3_600_000 + m * 60_000 + s * 1000 + ms;
}

/** The fixed shapes, or null where the regexes must decide. Exported for the test that holds it to them. */
export function fastTimestamp(line: string): TimestampResult | null {
  const c0 = line.charCodeAt(0);
  if (isLetter(c0)) {
    // "Thu, 10 Feb 2022 21:00:19": a three-letter weekday, a comma, one blank.
    if (!isLetter(line.charCodeAt(1)) || !isLetter(line.charCodeAt(2)) || line.charCodeAt(3) !== 0x2c || line.charCodeAt(4) !== 0x20) return null;
    return dayMonthYear(line, 5);
  }
  if (digit(line, 0) < 0) return null;
  const c2 = line.charCodeAt(2);
  if (c2 === 0x20) return dayMonthYear(line, 0); // "09 Mar 2026 09:41:02"
  if (c2 === 0x2f) return monthDayYear(line); // "03/09/2026 10:02:11"
  if (line.charCodeAt(4) === 0x2d) return yearMonthDay(line); // "2026-03-09 10:02:11.250"
  return null;
}

/** "DD Mon YYYY HH:MM:SS" from `at`. */
function dayMonthYear(line: string, at: number): TimestampResult | null {
  // The same day as the line before: only the time is read. The date part alone is compared,
  // not the weekday before it, which real files get wrong and which names no other day.
  if (cachedDate.length === 11 && line.charCodeAt(at + 11) === 0x20 && holdsAt(line, cachedDate, at)) {
    const time = timeOfDay(line, at + 12, Infinity);
    return time < 0 ? null : { ok: true, time: cachedMidnight + time, rest: line.slice(messageStart(line, timeEnd)) };
  }
  const day = two(line, at);
  if (day < 0 || line.charCodeAt(at + 2) !== 0x20 || line.charCodeAt(at + 6) !== 0x20 || line.charCodeAt(at + 11) !== 0x20) return null;
  const a = line.charCodeAt(at + 3) | 0x20;
  const b = line.charCodeAt(at + 4) | 0x20;
  const c = line.charCodeAt(at + 5) | 0x20;
  if (!isLetter(a) || !isLetter(b) || !isLetter(c)) return null;
  const month = MONTH_CODES.get((a << 16) | (b << 8) | c);
  const year = four(line, at + 7);
  if (month === undefined || year < 0) return null;
  const time = timeOfDay(line, at + 12, Infinity);
  if (time < 0) return null;
  const end = timeEnd;
  const midnight = midnightOf(line, at, at + 11, year, month, day);
  if (midnight === null) return null;
  return { ok: true, time: midnight + time, rest: line.slice(messageStart(line, end)) };
}

/** "YYYY-MM-DD HH:MM:SS[.ffffff][(pid-tid)]". */
function yearMonthDay(line: string): TimestampResult | null {
  const year = four(line, 0);
  const month = two(line, 5);
  const day = two(line, 8);
  if (year < 0 || month < 0 || day < 0 || line.charCodeAt(7) !== 0x2d) return null;
  const sep = line.charCodeAt(10);
  if (sep !== 0x20 && sep !== 0x54) return null;
  const time = timeOfDay(line, 11, 6);
  if (time < 0) return null;
  const end = timeEnd;
  // The provisioning agent's (pid-tid) and the component after it: the regexes handle those.
  if (line.charCodeAt(end) === 0x28) return null;
  const midnight = midnightOf(line, 0, 10, year, month, day);
  if (midnight === null) return null;
  return { ok: true, time: midnight + time, rest: line.slice(messageStart(line, end)) };
}

/** /^[AaPp][Mm]\b/ at `at`, without a slice and a regex per line. */
function meridiemAt(line: string, at: number): boolean {
  const a = line.charCodeAt(at) | 0x20;
  if ((a !== 0x61 && a !== 0x70) || (line.charCodeAt(at + 1) | 0x20) !== 0x6d) return false;
  // Past the end of the line is a word boundary too (NaN is no letter, digit or "_").
  const next = line.charCodeAt(at + 2);
  return !(isLetter(next) || digit(line, at + 2) >= 0 || next === 0x5f);
}

/** "MM/DD/YYYY HH:MM:SS" with no AM/PM after it (that one is the regexes' too). */
function monthDayYear(line: string): TimestampResult | null {
  const month = two(line, 0);
  const day = two(line, 3);
  const year = four(line, 6);
  if (month < 0 || day < 0 || year < 0 || line.charCodeAt(5) !== 0x2f || line.charCodeAt(10) !== 0x20) return null;
  const time = timeOfDay(line, 11, Infinity);
  if (time < 0) return null;
  const start = messageStart(line, timeEnd);
  // A meridiem after the time changes the hour.
  if (meridiemAt(line, start)) return null;
  const midnight = midnightOf(line, 0, 10, year, month, day);
  if (midnight === null) return null;
  return { ok: true, time: midnight + time, rest: line.slice(start) };
}
