// Lines → entries, for every timestamped EPM log. An entry is a timestamped line plus the
// lines without a timestamp that follow it (long messages wrap):
//   Thu, 10 Feb 2022 21:00:19 Info: Core did not find file
//   RebootBehavior_Apply.zip
// After plaso's text parsers: a bad line is counted and kept with its number, never thrown;
// after too many bad lines in a row the file is not what its name says, and we stop trying.
import type { UnparsedLine, WallTime } from '../types.js';
import { parseLeadingTimestamp } from './timestamp.js';

/** One line as the ingest layer delivers it. */
export interface SourceLine {
  number: number;
  text: string;
  /** Set when the line was too long and cut: how many characters were dropped. */
  oversizedChars?: number;
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
 * Groups a file's lines into timestamped entries. Lines that belong to no entry are counted
 * in `stats` with their reason; the generator never throws on content.
 */
export async function* readEntries(
  lines: AsyncIterable<SourceLine>, file: string, kindLabel: string, stats: LineStats,
): AsyncGenerator<Entry> {
  let pending: Entry | null = null;
  let badInARow = 0;
  let entries = 0;
  for await (const line of lines) {
    stats.lines += 1;
    if (stats.gaveUp) {
      countUnparsed(stats, file, line, `not read: gave up on this file (not a ${kindLabel} log?)`);
      continue;
    }
    const bad = (reason: string): void => {
      countUnparsed(stats, file, line, reason);
      badInARow += 1;
      if (entries === 0 && badInARow >= GIVE_UP_AFTER) {
        stats.gaveUp = true;
        stats.warnings.push(`${file}: ${GIVE_UP_AFTER} lines in a row without a timestamp from line ${line.number - badInARow + 1}: not a ${kindLabel} log? The rest of the file is counted as unparsed.`);
      }
    };
    if (line.oversizedChars !== undefined) {
      bad(`line of ${line.text.length + line.oversizedChars} characters, too long to be a log entry`);
      continue;
    }
    if (looksBinary(line.text)) {
      bad('binary data');
      continue;
    }
    const stamp = parseLeadingTimestamp(line.text);
    if (stamp && !stamp.ok) {
      bad(stamp.reason);
      continue;
    }
    if (stamp) {
      if (pending) yield pending;
      pending = { line: line.number, time: stamp.time, text: stamp.rest };
      entries += 1;
      stats.parsed += 1;
      badInARow = 0;
      continue;
    }
    if (line.text.trim() === '') {
      // Blank lines carry nothing; inside an entry they are part of it, before any entry they are noise.
      if (pending) stats.parsed += 1;
      else bad('blank line before the first entry');
      continue;
    }
    if (pending) {
      // A line without a timestamp continues the entry above it.
      if (pending.text.length < MAX_ENTRY_CHARS) pending.text = `${pending.text}\n${line.text}`.slice(0, MAX_ENTRY_CHARS);
      stats.parsed += 1;
      badInARow = 0;
      continue;
    }
    bad('no timestamp, and no entry above it to continue');
  }
  if (pending) yield pending;
}
