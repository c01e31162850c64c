// Lines → entries, for every timestamped EPM log. An entry is a timestamped line plus the
// lines without a timestamp that follow it (long messages wrap):
//   Thu, 10 Feb 2022 21:00:19 Info: Core did not find file
//   RebootBehavior_Apply.zip
// After plaso's text parsers: a bad line is counted and kept with its number, never thrown;
// after too many bad lines in a row the file is not what its name says, and we stop trying.
import type { UnparsedLine, WallTime } from '../types.js';
import { parseLeadingTimestamp, type TimestampResult } from './timestamp.js';

/** One line as the ingest layer delivers it. */
export interface SourceLine {
  number: number;
  text: string;
  /** Set when the line was too long and cut: how many characters were dropped. */
  oversizedChars?: number;
  /** The reader found it plain ASCII text without a NUL (see ingest/lines.ts). */
  plain?: true;
  /** The reader read its leading timestamp already (null: it has none); see ingest/lines.ts. */
  stamp?: TimestampResult | null;
}

export interface Entry {
  line: number;
  time: WallTime;
  /** The message without its timestamp; continuation lines joined with "\n". */
  text: string;
}

/** Line accounting for one file: lines = parsed + unparsed, always. */
export interface LineStats {
  lines: number;
  parsed: number;
  unparsed: number;
  unparsedLines: UnparsedLine[];
  warnings: string[];
  gaveUp: boolean;
}

/** Unparsed lines kept per file: the count is complete, the list is a sample. */
export const KEEP_UNPARSED = 50;
/** Consecutive unparsed lines, with no entry yet, after which a file is taken for not a log of its kind. */
export const GIVE_UP_AFTER = 200;
/** An entry's text is cut here: enough for any real message, bounded for memory. */
export const MAX_ENTRY_CHARS = 8000;
const SHOWN_CHARS = 300;

export function newStats(): LineStats {
  return { lines: 0, parsed: 0, unparsed: 0, unparsedLines: [], warnings: [], gaveUp: false };
}

export function countUnparsed(stats: LineStats, file: string, line: SourceLine, reason: string): void {
  stats.unparsed += 1;
  if (stats.unparsedLines.length < KEEP_UNPARSED) {
    const text = line.text.length > SHOWN_CHARS ? `${line.text.slice(0, SHOWN_CHARS)}…` : line.text;
    stats.unparsedLines.push({ file, line: line.number, reason, text });
  }
}

/** True for lines that are binary data rather than text: NULs, or mostly control characters. */
export function looksBinary(text: string): boolean {
  if (text.includes('\u0000')) return true;
  let controls = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x1b) || c === 0xfffd || (c >= 0x7f && c <= 0x9f)) controls += 1;
  }
  return controls > 0 && controls * 10 >= text.length;
}

/**
 * Groups a file's lines into timestamped entries, synchronously, a line at a time: `push`
 * gives back the entry a line completed (the one before a new timestamp), `end` the last.
 * Lines that belong to no entry are counted in `stats` with their reason; nothing here
 * throws on content.
 */
export class EntryGrouper {
  private readonly file: string;
  private readonly kindLabel: string;
  private readonly stats: LineStats;
  private pending: Entry | null = null;
  /** Continuation lines of the pending entry, joined only when it is given out. */
  private more: string[] | null = null;
  private moreChars = 0;
  private badInARow = 0;
  private entries = 0;

  constructor(file: string, kindLabel: string, stats: LineStats) {
    this.file = file;
    this.kindLabel = kindLabel;
    this.stats = stats;
  }

  push(line: SourceLine): Entry | null {
    const stats = this.stats;
    stats.lines += 1;
    if (stats.gaveUp) {
      countUnparsed(stats, this.file, line, `not read: gave up on this file (not a ${this.kindLabel} log?)`);
      return null;
    }
    if (line.oversizedChars !== undefined) {
      this.bad(line, `line of ${line.text.length + line.oversizedChars} characters, too long to be a log entry`);
      return null;
    }
    // A timestamped line of a plain chunk is text; any other line is checked for binary data.
    const plain = line.plain === true;
    if (!plain && looksBinary(line.text)) {
      this.bad(line, 'binary data');
      return null;
    }
    const stamp = line.stamp !== undefined ? line.stamp : parseLeadingTimestamp(line.text);
    if (stamp) {
      if (!stamp.ok) {
        this.bad(line, stamp.reason);
        return null;
      }
      const done = this.take();
      this.pending = { line: line.number, time: stamp.time, text: stamp.rest };
      this.entries += 1;
      stats.parsed += 1;
      this.badInARow = 0;
      return done;
    }
    if (plain && looksBinary(line.text)) {
      this.bad(line, 'binary data');
      return null;
    }
    if (isBlank(line.text)) {
      // Blank lines carry nothing; inside an entry they are part of it, before any entry they are noise.
      if (this.pending) stats.parsed += 1;
      else this.bad(line, 'blank line before the first entry');
      return null;
    }
    if (this.pending) {
      // A line without a timestamp continues the entry above it.
      if (this.pending.text.length + this.moreChars < MAX_ENTRY_CHARS) {
        (this.more ??= []).push(line.text);
        this.moreChars += line.text.length + 1;
      }
      stats.parsed += 1;
      this.badInARow = 0;
      return null;
    }
    this.bad(line, 'no timestamp, and no entry above it to continue');
    return null;
  }

  /** The last entry, at the end of the file. */
  end(): Entry | null {
    return this.take();
  }

  private take(): Entry | null {
    const done = this.pending;
    if (done && this.more) {
      done.text = `${done.text}\n${this.more.join('\n')}`.slice(0, MAX_ENTRY_CHARS);
    }
    this.pending = null;
    this.more = null;
    this.moreChars = 0;
    return done;
  }

  private bad(line: SourceLine, reason: string): void {
    countUnparsed(this.stats, this.file, line, reason);
    this.badInARow += 1;
    if (this.entries === 0 && this.badInARow >= GIVE_UP_AFTER) {
      this.stats.gaveUp = true;
      this.stats.warnings.push(`${this.file}: ${GIVE_UP_AFTER} lines in a row without a timestamp from line ${line.number - this.badInARow + 1}: not a ${this.kindLabel} log? The rest of the file is counted as unparsed.`);
    }
  }
}

/** True for a line of blanks only (what String.prototype.trim() would empty), without a copy. */
function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && !(c <= 0x0d && c >= 0x0a) && !isUnicodeBlank(c)) return false;
  }
  return true;
}

function isUnicodeBlank(c: number): boolean {
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** The entries of batches of lines: EntryGrouper as an async generator (tests, the benchmark). */
export async function* readEntries(
  batches: AsyncIterable<readonly SourceLine[]>, file: string, kindLabel: string, stats: LineStats,
): AsyncGenerator<Entry> {
  const grouper = new EntryGrouper(file, kindLabel, stats);
  for await (const batch of batches) {
    for (const line of batch) {
      const entry = grouper.push(line);
      if (entry) yield entry;
    }
  }
  const last = grouper.end();
  if (last) yield last;
}
