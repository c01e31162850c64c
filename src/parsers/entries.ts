// Lines → entries, for every timestamped EPM log. An entry is a timestamped line plus the
// lines without a timestamp that follow it (long messages wrap):
//   Thu, 10 Feb 2022 21:00:19 Info: Core did not find file
//   RebootBehavior_Apply.zip
// After plaso's text parsers: a bad line is counted and kept with its number, never thrown;
// after too many bad lines in a row the file is not what its name says, and we stop trying.
import type { LineSink, TimeCell } from '../ingest/lines.js';
import type { UnparsedLine, WallTime } from '../types.js';
import { parseLeadingTimestamp } from './timestamp.js';

/** One line as the ingest layer delivers it. */
/**
 * A file's lines as the ingest layer delivers them: in batches, in order; or, where `feed` is
 * there (the line reader's), given to a sink as they are split (feedLines).
 */
export type LineBatches = AsyncIterable<readonly SourceLine[]> & { feed?: (sink: LineSink) => Promise<void> };

export interface SourceLine {
  number: number;
  text: string;
  /** Set when the line was too long and cut: how many characters were dropped. */
  oversizedChars?: number;
  /** The reader found it plain ASCII text without a NUL (see ingest/lines.ts). */
  plain?: true;
}

/**
 * Where the grouper gives each entry it completes. The entry is the grouper's own, refilled for
 * the next one: read it there and then, copy what is kept. (One object for all entries, not one
 * each; and its time is read from a field, not passed as a double, which V8 boxes at every call
 * it does not inline.) `firstLine` is the text's first line, what the patterns look at: known
 * here without a search for the first newline.
 */
export type EntryHandler = (entry: Readonly<Entry>, firstLine: string) => void;

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
  /**
   * Entries read with a timestamp whose wording no pattern knows: parsed (nothing is lost),
   * but not understood. Counted apart from unparsed lines: a log in another language is all these.
   */
  unrecognised: number;
  /** Entries whose wording a pattern knows. */
  recognised: number;
}

/** Unparsed lines kept per file: the count is complete, the list is a sample. */
export const KEEP_UNPARSED = 50;
/** Consecutive unparsed lines, with no entry yet, after which a file is taken for not a log of its kind. */
export const GIVE_UP_AFTER = 200;
/** An entry's text is cut here: enough for any real message, bounded for memory. */
export const MAX_ENTRY_CHARS = 8000;
const SHOWN_CHARS = 300;

export function newStats(): LineStats {
  return { lines: 0, parsed: 0, unparsed: 0, unparsedLines: [], warnings: [], gaveUp: false, unrecognised: 0, recognised: 0 };
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
 * Groups a file's lines into timestamped entries, synchronously, a line at a time: each entry
 * goes to `onEntry` once the line after it shows it complete (a new timestamp) or at `end`.
 * A line sink (ingest/lines.ts): the reader gives it lines whose timestamps it read itself as
 * `stamped`, every other line as `line`. Lines that belong to no entry are counted in `stats`
 * with their reason; nothing here throws on content. The entry being built is held in fields,
 * not an object: most entries of a large file are thinned away unseen (line-log.ts).
 */
export class EntryGrouper implements LineSink {
  private readonly file: string;
  private readonly kindLabel: string;
  private readonly stats: LineStats;
  private readonly onEntry: EntryHandler;
  /** The entry being built: its first line (0: none), time and text. */
  private pendingLine = 0;
  private pendingTime: WallTime = Number.NaN;
  private pendingText = '';
  /** The entry handed out, refilled each time. */
  private readonly done: Entry = { line: 0, time: Number.NaN, text: '' };
  /**
   * Continuation lines of the pending entry, joined only when it is given out: the first on its
   * own (most entries that wrap have one, and an array and a join for it were most of what a
   * large sdclient.log allocated), any after it in an array.
   */
  private moreOne: string | null = null;
  private more: string[] | null = null;
  private moreChars = 0;
  private badInARow = 0;
  private entries = 0;

  constructor(file: string, kindLabel: string, stats: LineStats, onEntry: EntryHandler) {
    this.file = file;
    this.kindLabel = kindLabel;
    this.stats = stats;
    this.onEntry = onEntry;
  }

  /** A line whose timestamp the reader read: a new entry. */
  stamped(number: number, time: TimeCell, message: string): void {
    const stats = this.stats;
    stats.lines += 1;
    if (stats.gaveUp) {
      // The line itself is not at hand; giving up takes GIVE_UP_AFTER bad lines, more than are shown.
      countUnparsed(stats, this.file, { number, text: message }, `not read: gave up on this file (not a ${this.kindLabel} log?)`);
      return;
    }
    // Read from its cell first: giving the entry before runs the patterns, whose own timestamps
    // (a scheduler line's /start=) are read through the same cell.
    const at = time[0] ?? Number.NaN;
    this.give();
    this.pendingTime = at;
    this.begin(number, message);
  }

  line(line: SourceLine): void {
    const stats = this.stats;
    stats.lines += 1;
    if (stats.gaveUp) {
      countUnparsed(stats, this.file, line, `not read: gave up on this file (not a ${this.kindLabel} log?)`);
      return;
    }
    if (line.oversizedChars !== undefined) {
      this.bad(line, `line of ${line.text.length + line.oversizedChars} characters, too long to be a log entry`);
      return;
    }
    // A timestamped line of a plain chunk is text; any other line is checked for binary data.
    const plain = line.plain === true;
    if (!plain && looksBinary(line.text)) {
      this.bad(line, 'binary data');
      return;
    }
    const stamp = parseLeadingTimestamp(line.text);
    if (stamp) {
      if (stamp.ok) {
        this.give();
        this.pendingTime = stamp.time;
        this.begin(line.number, stamp.rest);
      } else this.bad(line, stamp.reason);
      return;
    }
    if (plain && looksBinary(line.text)) {
      this.bad(line, 'binary data');
      return;
    }
    if (isBlank(line.text)) {
      // Blank lines carry nothing; inside an entry they are part of it, before any entry they are noise.
      if (this.pendingLine > 0) stats.parsed += 1;
      else this.bad(line, 'blank line before the first entry');
      return;
    }
    if (this.pendingLine > 0) {
      // A line without a timestamp continues the entry above it.
      if (this.pendingText.length + this.moreChars < MAX_ENTRY_CHARS) {
        if (this.moreOne === null) this.moreOne = line.text;
        else (this.more ??= []).push(line.text);
        this.moreChars += line.text.length + 1;
      }
      stats.parsed += 1;
      this.badInARow = 0;
      return;
    }
    this.bad(line, 'no timestamp, and no entry above it to continue');
  }

  /** The end of the file: the last entry is complete. */
  end(): void {
    this.give();
  }

  /** A new entry, once the one before was given and the new one's time set. */
  private begin(number: number, message: string): void {
    this.pendingLine = number;
    this.pendingText = message;
    this.entries += 1;
    this.stats.parsed += 1;
    this.badInARow = 0;
  }

  private give(): void {
    if (this.pendingLine === 0) return;
    const first = this.pendingText;
    let text = first;
    if (this.moreOne !== null) {
      text = this.more ? `${text}\n${this.moreOne}\n${this.more.join('\n')}` : `${text}\n${this.moreOne}`;
      if (text.length > MAX_ENTRY_CHARS) text = text.slice(0, MAX_ENTRY_CHARS);
      this.moreOne = null;
      this.more = null;
      this.moreChars = 0;
    }
    const done = this.done;
    done.line = this.pendingLine;
    done.time = this.pendingTime;
    done.text = text;
    this.pendingLine = 0;
    this.pendingText = '';
    // A line holds no newline: the first line is the message, or as much of it as the text kept.
    this.onEntry(done, text.length > first.length ? first : text);
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

/** The lines of `input` to `sink`: fed by the reader where it can be (no batch or Line per stamped line), else a batch at a time. */
export async function feedLines(input: LineBatches, sink: LineSink): Promise<void> {
  if (input.feed) {
    await input.feed(sink);
    return;
  }
  for await (const batch of input) {
    for (const line of batch) sink.line(line);
  }
}

/** The entries of batches of lines: EntryGrouper as an async generator (tests, the benchmark). */
export async function* readEntries(
  batches: LineBatches, file: string, kindLabel: string, stats: LineStats,
): AsyncGenerator<Entry> {
  const entries: Entry[] = [];
  const grouper = new EntryGrouper(file, kindLabel, stats, (entry) => entries.push({ ...entry }));
  await feedLines(batches, grouper);
  grouper.end();
  yield* entries;
}
