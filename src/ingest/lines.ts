// The line reader every parser reads through: bytes in, numbered lines out, in batches (the
// lines of one chunk at once), in constant memory whatever the file size or line length.
//
//   input bytes → ByteCharDecoder (BOM / UTF-16 sniffing, decode.ts), once per chunk
//               → LineSplitter: splits on LF, cuts overlong lines, strips CRs, decodes
//                 UTF-8 / Windows-1252 per line (only where the chunk is not plain ASCII)
//
// One await per chunk, not per line: a 200 MB log is 2.5 M lines, and a promise per line per
// stage was most of the time the program spent (see issue 8). split2 did the splitting until
// then; its per-line push is exactly the per-line cost we could not afford, so the split is
// done here, with split2's edge cases kept as tests (a line across chunks, CRLF split between
// chunks, a multibyte character across chunks, an overlong line).
//
// Parsing happens in the caller's loop over the batches; nothing here throws on content.

import type { Readable } from 'node:stream';
import { ByteCharDecoder, decodeLine, type FileEncoding } from './decode.js';
import { ByteInterner, latin1Slice } from './intern.js';
import { readProgress } from './read-progress.js';

export type { FileEncoding } from './decode.js';

/** 64 KiB: far above any real log line, small enough that a junk "line" of many MB costs nothing. */
export const DEFAULT_MAX_LINE_CHARS = 64 * 1024;

export interface Line {
  /** 1-based; blank and cut lines count, so numbers always match an editor's. */
  number: number;
  /** The line without its line ending. */
  text: string;
  /**
   * Set when the line was longer than maxLineChars: `text` then holds only
   * its start and this counts the characters dropped after it.
   */
  oversizedChars?: number;
  /**
   * Set when the reader found the line's chunk to be plain ASCII without a NUL: the line needs
   * no decoding, and only a line without a timestamp is still checked for control characters.
   */
  plain?: true;
}

/**
 * A time in a cell, [0]: how a line's time is handed on, line after line. A time in ms is no
 * small integer, and V8 boxes a double passed to a call it does not inline or kept in a
 * variable, an allocation per line per step; a typed array's cell holds it as it is.
 */
export type TimeCell = Float64Array;

/**
 * Reads a leading timestamp from a line's bytes (parsers/timestamp.ts's fast shapes): where
 * the message starts, or -1 where the line must be read as a string; the time it read is then
 * in `time`.
 */
export interface ByteStamps {
  read(bytes: Buffer, start: number, end: number): number;
  readonly time: TimeCell;
}

/**
 * Where the lines go when the reader is fed through (LineReader.batches.feed): each as it is
 * split, synchronously, with no batch, Line or timestamp object for a line whose timestamp the
 * reader read itself.
 */
export interface LineSink {
  line(line: Line): void;
  /**
   * A plain line whose leading timestamp the reader read (ReadLinesOptions.stamps): its number,
   * its time (in the cell, read it there and then), and its message (the line after its
   * timestamp; one string for all lines of one message). Without it every line goes to `line`.
   */
  stamped?(number: number, time: TimeCell, message: string): void;
}

/** Batches of lines that can also be fed, line by line, to a sink. */
export interface FeedableBatches extends AsyncIterable<Line[]> {
  /** The same lines to `sink`, one chunk at a time; resolves when they are all given, rejects as the batches would. */
  feed(sink: LineSink): Promise<void>;
}

export interface ReadLinesOptions {
  /**
   * The longest line kept whole (default DEFAULT_MAX_LINE_CHARS). The cut is
   * made on the raw line, before decoding, so it counts bytes: for ASCII and
   * Windows-1252 lines that is characters, and a UTF-8 (or UTF-16) line with
   * multibyte characters keeps somewhat fewer than maxLineChars characters.
   */
  maxLineChars?: number;
  /**
   * Reads each plain line's leading timestamp here, from the line's bytes, for a sink that takes
   * stamped lines: such a line never becomes a string, only its message does, interned (a
   * repeat is the string made before). For the timestamped logs.
   */
  stamps?: ByteStamps;
}

export interface LineReader {
  /**
   * The lines, in order, a batch (one chunk's finished lines, never empty) at a time. Single
   * use, shared with `lines`. Nothing is read until iteration starts; leaving the loop early
   * (break, throw) destroys the input stream. Reading errors (an unreadable file, a truncated
   * zip entry) reject the iteration; content never does: binary junk comes out as text.
   */
  batches: FeedableBatches;
  /** The same lines one at a time, for callers that want no batches (tests, small readers). */
  lines: AsyncIterable<Line>;
  /**
   * The file's encoding as read so far; final once the lines are exhausted.
   * 'windows-1252' as soon as one line was not valid UTF-8, even in a file
   * with a UTF-8 BOM: it tells the reader how the text was actually decoded.
   */
  encoding(): FileEncoding;
  /** True where the file ended its lines with CR alone (each CR was taken for a line end). */
  crLineEnds(): boolean;
}

/** A file's bytes: a stream, or (a small file, read in one call) the whole of them. */
export type FileBytes = Readable | Buffer;

/** How much of a file's start, all zero bytes, makes it zero-filled (a sparse or preallocated file, not a log). */
export const ZERO_FILLED_BYTES = 64 * 1024;

/** Thrown where a file's first ZERO_FILLED_BYTES are all zero bytes: it is not read further. */
export class ZeroFilledError extends Error {
  constructor() {
    super(`its first ${ZERO_FILLED_BYTES / 1024} KiB are all zero bytes (a zero-filled or sparse file, not a log): not read further`);
  }
}

/** Follows a file's first bytes: throws ZeroFilledError once ZERO_FILLED_BYTES of zeros are seen; stops looking at the first other byte. */
class ZeroWatch {
  private zeros = 0;
  private done = false;

  see(bytes: Buffer): void {
    if (this.done) return;
    for (let i = 0; i < bytes.length; i += 1) {
      if (bytes[i] !== 0) {
        this.done = true;
        return;
      }
      this.zeros += 1;
      if (this.zeros >= ZERO_FILLED_BYTES) throw new ZeroFilledError();
    }
  }
}

/** Reads `input` (a file's bytes) as numbered lines. See LineReader. */
export function readLines(input: FileBytes, options: ReadLinesOptions = {}): LineReader {
  const maxLineChars = options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  if (!Number.isSafeInteger(maxLineChars) || maxLineChars < 1) {
    throw new RangeError(`maxLineChars must be a positive integer, got ${maxLineChars}`);
  }
  const decoder = new ByteCharDecoder();
  const splitter = new LineSplitter(maxLineChars, options.stamps);
  let started = false;

  function start(): void {
    // The input can be consumed only once; a second loop would silently see nothing.
    if (started) throw new Error('readLines: the lines of a stream can be iterated only once');
    started = true;
  }
  const chunks = (): AsyncIterable<unknown> | Iterable<unknown> => (Buffer.isBuffer(input) ? [input] : input);
  const zeros = new ZeroWatch();
  const bytesOf = (chunk: unknown): Buffer => {
    readProgress();
    const raw = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    zeros.see(raw);
    return decoder.write(raw);
  };

  async function* batches(): AsyncGenerator<Line[]> {
    start();
    let out: Line[] = [];
    const collect: LineSink = { line: (line) => out.push(line) };
    for await (const chunk of chunks()) {
      const bytes = bytesOf(chunk);
      if (bytes.length === 0) continue;
      splitter.push(bytes, collect, decoder.plain);
      if (out.length > 0) {
        yield out;
        out = [];
      }
    }
    const rest = decoder.end();
    if (rest.length > 0) splitter.push(rest, collect, decoder.plain);
    splitter.end(collect);
    if (out.length > 0) yield out;
  }

  async function feed(sink: LineSink): Promise<void> {
    start();
    for await (const chunk of chunks()) {
      const bytes = bytesOf(chunk);
      if (bytes.length > 0) splitter.push(bytes, sink, decoder.plain);
    }
    const rest = decoder.end();
    if (rest.length > 0) splitter.push(rest, sink, decoder.plain);
    splitter.end(sink);
  }

  const batchIterable: FeedableBatches = { [Symbol.asyncIterator]: batches, feed };
  return {
    batches: batchIterable,
    lines: { [Symbol.asyncIterator]: () => flatten(batchIterable) },
    encoding: () => (splitter.windows1252 ? 'windows-1252' : decoder.encoding),
    crLineEnds: () => decoder.crLineEnds,
  };
}

/** The lines of batches, one at a time. */
export async function* flatten<T>(batches: AsyncIterable<readonly T[]>): AsyncGenerator<T> {
  for await (const batch of batches) yield* batch;
}

const CR = 0x0d;
const LF = 0x0a;

/** The messages of every reader in this thread: a message repeats across files and devices too. */
const interned = new ByteInterner();

/**
 * Byte-chars in, numbered lines out, synchronously. Each line becomes a string of its own
 * (never a slice of a chunk-sized string, which would keep the whole chunk alive as long as
 * one event from it is kept). The unfinished last line of a chunk is carried to the next; a
 * line longer than maxChars keeps its first maxChars bytes and only counts the rest as it
 * goes by, so a "line" of many MB costs no memory.
 */
export class LineSplitter {
  /** True once a line was not valid UTF-8 and was decoded as Windows-1252. */
  windows1252 = false;
  private readonly maxChars: number;
  private number = 0;
  /** The unfinished line (at most maxChars bytes of it), in pieces. */
  private carry: Buffer[] = [];
  private carried = 0;
  private open = false;
  private cutting = false;
  private droppedBytes = 0;
  /** Dropped bytes that begin a UTF-8 character: the characters dropped if the line is UTF-8. */
  private droppedChars = 0;
  /** CRs seen while cutting and not yet known to be content: before the LF they end the line. */
  private pendingCRs = 0;

  private readonly stamps: ByteStamps | undefined;

  constructor(maxChars: number, stamps?: ByteStamps) {
    this.maxChars = maxChars;
    this.stamps = stamps;
  }

  /** Splits the next chunk (`plain`: see Line.plain); the lines it finishes go to `sink`. */
  push(chunk: Buffer, sink: LineSink, plain = false): void {
    let pos = 0;
    if (this.open) {
      const newline = chunk.indexOf(LF);
      this.extend(chunk, 0, newline === -1 ? chunk.length : newline);
      if (newline === -1) return;
      this.finish(sink);
      pos = newline + 1;
    }
    const stamps = plain && sink.stamped !== undefined ? this.stamps : undefined;
    for (;;) {
      const newline = chunk.indexOf(LF, pos);
      if (newline === -1) break;
      if (newline - pos <= this.maxChars) {
        let end = newline;
        while (end > pos && chunk[end - 1] === CR) end--;
        this.number += 1;
        const message = stamps === undefined ? -1 : stamps.read(chunk, pos, end);
        // A plain chunk is ASCII, which decodes to itself; any other line is decoded on its own.
        if (message >= 0 && stamps !== undefined) sink.stamped?.(this.number, stamps.time, interned.intern(chunk, message, end));
        else if (plain) sink.line({ number: this.number, text: latin1Slice(chunk, pos, end), plain: true });
        else sink.line({ number: this.number, text: this.decode(latin1Slice(chunk, pos, end), false).text });
      } else {
        this.extend(chunk, pos, newline);
        this.finish(sink);
      }
      pos = newline + 1;
    }
    if (pos < chunk.length) this.extend(chunk, pos, chunk.length);
  }

  /** The end of the input: a last line without a newline is a line too. */
  end(sink: LineSink): void {
    if (this.open) this.finish(sink);
  }

  /** Adds chunk[start, end), a piece of the current line without its newline. */
  private extend(chunk: Buffer, start: number, end: number): void {
    this.open = true;
    let from = start;
    if (!this.cutting) {
      const room = this.maxChars - this.carried;
      const take = Math.min(room, end - from);
      // A copy: the chunk's memory is reused by the stream once this call returns.
      if (take > 0) this.carry.push(Buffer.from(chunk.subarray(from, from + take)));
      this.carried += take;
      from += take;
      if (from === end) return;
      this.cutting = true;
    }
    for (let i = from; i < end; i++) {
      const code = chunk[i] ?? 0;
      if (code === CR) {
        this.pendingCRs++;
        continue;
      }
      this.droppedBytes += this.pendingCRs + 1;
      this.droppedChars += this.pendingCRs + ((code & 0xc0) === 0x80 ? 0 : 1);
      this.pendingCRs = 0;
    }
  }

  /** Ends the current line (carried over or cut) and resets. */
  private finish(sink: LineSink): void {
    this.number += 1;
    const raw = Buffer.concat(this.carry, this.carried).toString('latin1');
    if (this.droppedBytes === 0) {
      sink.line({ number: this.number, text: this.decode(withoutTrailingCRs(raw), false).text });
    } else {
      const decoded = this.decode(raw, true);
      // A character cut in half at the end of the kept part counts as dropped.
      const dropped = decoded.windows1252 ? this.droppedBytes : this.droppedChars + (decoded.trimmedBytes > 0 ? 1 : 0);
      sink.line({ number: this.number, text: decoded.text, oversizedChars: dropped });
    }
    this.carry = [];
    this.carried = 0;
    this.open = false;
    this.cutting = false;
    this.droppedBytes = 0;
    this.droppedChars = 0;
    this.pendingCRs = 0;
  }

  private decode(raw: string, cut: boolean): ReturnType<typeof decodeLine> {
    const decoded = decodeLine(raw, cut);
    if (decoded.windows1252) this.windows1252 = true;
    return decoded;
  }
}

/**
 * The line without the CRs at its end: the CR of a CRLF, a lone CR ending
 * the last line, and the "\r\r\n" of a CRLF written through a text-mode
 * stream are all line endings, not text. (A loop, not /\r+$/, which
 * backtracks badly on a line full of CRs.)
 */
function withoutTrailingCRs(line: string): string {
  let end = line.length;
  while (end > 0 && line.charCodeAt(end - 1) === CR) end--;
  return end === line.length ? line : line.slice(0, end);
}
