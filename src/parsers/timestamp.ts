// Leading timestamps of EPM client logs. Every shape FORMATS.md lists:
//   Thu, 10 Feb 2022 21:00:19 Info: Core did not find file      (sdclient, vulscan: the weekday may lie)
//   09 Mar 2026 09:41:02 Added task 3: …                        (the scheduler)
//   2026-03-09 10:02:11.250 Action 7 of 12 …                     (ISO-like, optional fraction)
//   03/09/2026 10:02:11 Run PolicySync                           (US month-first)
//   2011-06-29 00:23:15(1956-1960) ldProvision:Process exit code:0  (provisioning agent: pid-tid glued to the seconds, then component:)
// Times are the device's wall clock: we keep them as WallTime and never guess a zone here.
import type { ByteStamps } from '../ingest/lines.js';
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
 * the line starts like a timestamp but names an impossible moment (31 Feb, 25:00), why not.
 */
export type TimestampResult = { ok: true; time: WallTime; rest: string } | { ok: false; reason: string };

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
//
// It reads bytes, not a string: the line reader hands it a plain (ASCII) line's bytes in the
// chunk they arrived in, so a line whose timestamp it reads never becomes a string of its own
// (only its message does, and a repeated message not even that: see ingest/intern.ts). A string
// is copied into a small scratch buffer first; see fastTimestamp.

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

/** The line being read: its bytes, where it ends in them, and whether a read went that far. */
let codes: Uint8Array = new Uint8Array(0);
let limit = 0;
let readToLimit = false;

/** The code at `i`, or -1 past the line's end. */
function code(i: number): number {
  if (i < limit) return codes[i] ?? -1;
  readToLimit = true;
  return -1;
}

function digit(at: number): number {
  const d = code(at) - 0x30;
  return d >= 0 && d <= 9 ? d : -1;
}

/** Two digits at `at` as a number, or -1. */
function two(at: number): number {
  const a = digit(at);
  const b = digit(at + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

function four(at: number): number {
  const a = two(at);
  const b = two(at + 2);
  return a < 0 || b < 0 ? -1 : a * 100 + b;
}

function isLetter(c: number): boolean {
  return (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
}

/** messageStart over the line's codes. */
function messageStartAt(at: number): number {
  let i = at;
  while (isSpace(code(i))) i++;
  const c = code(i);
  if (c === 0x2d || c === 0x3a || c === 0x7c) {
    let j = i + 1;
    while (isSpace(code(j))) j++;
    if (j > i + 1) return j;
  }
  return i;
}

/** Month numbers by their three lower-case letters' codes, so no string is made per line. */
const MONTH_CODES = new Map(Object.entries(MONTHS).map(([name, n]) => [(name.charCodeAt(0) << 16) | (name.charCodeAt(1) << 8) | name.charCodeAt(2), n]));

/** The last date part read (its codes), and the midnight it names: a log's lines share their day. */
const cachedDate = new Uint8Array(16);
let cachedDateLength = 0;
let cachedMidnight = 0;

function midnightOf(start: number, end: number, year: number, month: number, day: number): number | null {
  if (holdsCachedDate(start, end - start)) return cachedMidnight;
  const midnight = wallTime(year, month, day);
  if (midnight === null) return null;
  cachedDate.set(codes.subarray(start, end));
  cachedDateLength = end - start;
  cachedMidnight = midnight;
  return midnight;
}

/** True where the line holds the cached date part, `length` codes long, at `start`. */
function holdsCachedDate(start: number, length: number): boolean {
  if (cachedDateLength !== length || start + length > limit) return false;
  for (let i = 0; i < length; i++) {
    if (codes[start + i] !== cachedDate[i]) return false;
  }
  return true;
}

/** Where the time of day that timeOfDay last read ends: a variable, not an object per line. */
let timeEnd = 0;
/**
 * The time the last stamp read names. A cell of a typed array, not a variable: a time in ms is
 * no small integer, and V8 boxes a double stored in a variable (16 bytes a line).
 */
const stampTime = new Float64Array(1);

/**
 * "HH:MM:SS" at `at`, then an optional fraction: the time of day in ms (where it ends is left
 * in timeEnd), or -1 (the regexes decide). `fractionDigits` is how many digits after the third
 * the regex lets a fraction have (Infinity: any number).
 */
function timeOfDay(at: number, fractionDigits: number): number {
  if (code(at + 2) !== 0x3a || code(at + 5) !== 0x3a) return -1;
  const h = two(at);
  const m = two(at + 3);
  const s = two(at + 6);
  if (h < 0 || m < 0 || s < 0 || h > 23 || m > 59 || s > 59) return -1;
  let end = at + 8;
  let ms = 0;
  if (digit(end) >= 0) return -1; // a third digit of seconds: not a shape we know fast
  const sep = code(end);
  if ((sep === 0x2e || sep === 0x2c) && digit(end + 1) >= 0) {
    let i = end + 1;
    let taken = 0;
    while (taken < 3 && digit(i) >= 0) {
      ms = ms * 10 + digit(i);
      i++;
      taken++;
    }
    for (let k = taken; k < 3; k++) ms *= 10;
    let extra = 0;
    while (digit(i) >= 0) {
      if (extra === fractionDigits) return -1;
      i++;
      extra++;
    }
    end = i;
  }
  timeEnd = end;
  return h * 3_600_000 + m * 60_000 + s * 1000 + ms;
}

/**
 * The fixed shapes in bytes[start, end), a line without its line end: where its message starts
 * (the time is then in byteStamps.time), or -1 where the regexes must decide (on the line as a
 * string). The bytes must be the line's own characters, one byte each (a plain ASCII line).
 */
export function fastStampOfBytes(bytes: Uint8Array, start: number, end: number): number {
  codes = bytes;
  limit = end;
  readToLimit = false;
  const c0 = code(start);
  if (isLetter(c0)) {
    // "Thu, 10 Feb 2022 21:00:19": a three-letter weekday, a comma, one blank.
    if (!isLetter(code(start + 1)) || !isLetter(code(start + 2)) || code(start + 3) !== 0x2c || code(start + 4) !== 0x20) return -1;
    return dayMonthYear(start + 5);
  }
  if (digit(start) < 0) return -1;
  const c2 = code(start + 2);
  if (c2 === 0x20) return dayMonthYear(start); // "09 Mar 2026 09:41:02"
  if (c2 === 0x2f) return monthDayYear(start); // "03/09/2026 10:02:11"
  if (code(start + 4) === 0x2d) return yearMonthDay(start); // "2026-03-09 10:02:11.250"
  return -1;
}

/** The fast shapes for the line reader (ReadLinesOptions.stamps); every other line comes to parseLeadingTimestamp as a string. */
export const byteStamps: ByteStamps = { read: fastStampOfBytes, time: stampTime };

/** A string's first characters as bytes for the fast path: its shapes are at most this long. */
const SCRATCH_CHARS = 64;
const scratch = new Uint8Array(SCRATCH_CHARS);

/** The fixed shapes, or null where the regexes must decide. Exported for the test that holds it to them. */
export function fastTimestamp(line: string): TimestampResult | null {
  // The line's first characters, up to one that is not a byte (no fixed shape holds one).
  let length = 0;
  const most = Math.min(line.length, SCRATCH_CHARS);
  while (length < most) {
    const c = line.charCodeAt(length);
    if (c > 0xff) break;
    scratch[length++] = c;
  }
  const start = fastStampOfBytes(scratch, 0, length);
  // What was read up to the copy's end, where the line goes on, is not known to end there.
  if (start < 0 || (readToLimit && length < line.length)) return null;
  return { ok: true, time: stampTime[0] ?? 0, rest: line.slice(start) };
}

/** "DD Mon YYYY HH:MM:SS" from `at`. */
function dayMonthYear(at: number): number {
  const same = sameDayWholeSeconds(at);
  if (same >= 0) return same;
  // The same day as the line before: only the time is read. The date part alone is compared,
  // not the weekday before it, which real files get wrong and which names no other day.
  if (code(at + 11) === 0x20 && holdsCachedDate(at, 11)) {
    const time = timeOfDay(at + 12, Infinity);
    if (time < 0) return -1;
    stampTime[0] = cachedMidnight + time;
    return messageStartAt(timeEnd);
  }
  const day = two(at);
  if (day < 0 || code(at + 2) !== 0x20 || code(at + 6) !== 0x20 || code(at + 11) !== 0x20) return -1;
  const a = code(at + 3) | 0x20;
  const b = code(at + 4) | 0x20;
  const c = code(at + 5) | 0x20;
  if (!isLetter(a) || !isLetter(b) || !isLetter(c)) return -1;
  const month = MONTH_CODES.get((a << 16) | (b << 8) | c);
  const year = four(at + 7);
  if (month === undefined || year < 0) return -1;
  const time = timeOfDay(at + 12, Infinity);
  if (time < 0) return -1;
  const end = timeEnd;
  const midnight = midnightOf(at, at + 11, year, month, day);
  if (midnight === null) return -1;
  stampTime[0] = midnight + time;
  return messageStartAt(end);
}

/**
 * Most lines of a log: "DD Mon YYYY HH:MM:SS" of the cached day, whole seconds, the line long
 * enough to hold it all. Read from the bytes at fixed offsets, with no call per character; -1
 * for anything else (dayMonthYear's general reading decides: another day, a fraction, a short line).
 */
function sameDayWholeSeconds(at: number): number {
  const b = codes;
  if (at + 20 > limit || cachedDateLength !== 11 || b[at + 11] !== 0x20 || b[at + 14] !== 0x3a || b[at + 17] !== 0x3a) return -1;
  for (let i = 0; i < 11; i++) {
    if (b[at + i] !== cachedDate[i]) return -1;
  }
  const h1 = (b[at + 12] ?? 0) - 0x30;
  const h2 = (b[at + 13] ?? 0) - 0x30;
  const m1 = (b[at + 15] ?? 0) - 0x30;
  const m2 = (b[at + 16] ?? 0) - 0x30;
  const s1 = (b[at + 18] ?? 0) - 0x30;
  const s2 = (b[at + 19] ?? 0) - 0x30;
  // Unsigned, each digit is 0 to 9 or not a digit at all.
  if ((h1 >>> 0) > 9 || (h2 >>> 0) > 9 || (m1 >>> 0) > 9 || (m2 >>> 0) > 9 || (s1 >>> 0) > 9 || (s2 >>> 0) > 9) return -1;
  const h = h1 * 10 + h2;
  const m = m1 * 10 + m2;
  const sec = s1 * 10 + s2;
  if (h > 23 || m > 59 || sec > 59) return -1;
  // Through code(): it may be past the line's end, which a string's copy must know (fastTimestamp).
  const after = code(at + 20);
  if ((after >= 0x30 && after <= 0x39) || after === 0x2e || after === 0x2c) return -1;
  stampTime[0] = cachedMidnight + h * 3_600_000 + m * 60_000 + sec * 1000;
  timeEnd = at + 20;
  // One blank, then the message's first character (not a blank, nor the "-", ":" or "|" that
  // messageStartAt would look past): the message starts there.
  if (after === 0x20 && at + 21 < limit) {
    const first = b[at + 21] ?? 0;
    if (first > 0x20 && first < 0x7f && first !== 0x2d && first !== 0x3a && first !== 0x7c) return at + 21;
  }
  return messageStartAt(at + 20);
}

/** "YYYY-MM-DD HH:MM:SS[.ffffff][(pid-tid)]" from `at`. */
function yearMonthDay(at: number): number {
  const year = four(at);
  const month = two(at + 5);
  const day = two(at + 8);
  if (year < 0 || month < 0 || day < 0 || code(at + 7) !== 0x2d) return -1;
  const sep = code(at + 10);
  if (sep !== 0x20 && sep !== 0x54) return -1;
  const time = timeOfDay(at + 11, 6);
  if (time < 0) return -1;
  const end = timeEnd;
  // The provisioning agent's (pid-tid) and the component after it: the regexes handle those.
  if (code(end) === 0x28) return -1;
  const midnight = midnightOf(at, at + 10, year, month, day);
  if (midnight === null) return -1;
  stampTime[0] = midnight + time;
  return messageStartAt(end);
}

/** /^[AaPp][Mm]\b/ at `at`, without a slice and a regex per line. */
function meridiemAt(at: number): boolean {
  const a = code(at) | 0x20;
  if ((a !== 0x61 && a !== 0x70) || (code(at + 1) | 0x20) !== 0x6d) return false;
  // Past the end of the line is a word boundary too (-1 is no letter, digit or "_").
  const next = code(at + 2);
  return !(isLetter(next) || digit(at + 2) >= 0 || next === 0x5f);
}

/** "MM/DD/YYYY HH:MM:SS" from `at`, with no AM/PM after it (that one is the regexes' too). */
function monthDayYear(at: number): number {
  const month = two(at);
  const day = two(at + 3);
  const year = four(at + 6);
  if (month < 0 || day < 0 || year < 0 || code(at + 5) !== 0x2f || code(at + 10) !== 0x20) return -1;
  const time = timeOfDay(at + 11, Infinity);
  if (time < 0) return -1;
  const start = messageStartAt(timeEnd);
  // A meridiem after the time changes the hour.
  if (meridiemAt(start)) return -1;
  const midnight = midnightOf(at, at + 10, year, month, day);
  if (midnight === null) return -1;
  stampTime[0] = midnight + time;
  return start;
}
