// The line reader every parser reads through: bytes in, numbered lines out,
// streaming, in constant memory whatever the file size or line length.
//
//   input bytes → ByteCharDecoder (BOM / UTF-16LE sniffing, decode.ts)
//               → LineLengthGuard (cuts overlong lines, guard.ts)
//               → split2 (splits on LF)
//               → for await: strip CR, per-line UTF-8 / Windows-1252 decoding, numbering
//
// Parsing happens in the caller's for-await loop over these lines, never in
// split2's mapper: a throwing mapper destroys the stream (STYLE.md).

import { pipeline, type Readable } from 'node:stream';
import split2 from 'split2';
import { ByteCharDecoder, decodeLine, type FileEncoding } from './decode.js';
import { LineLengthGuard, splitOversized } from './guard.js';

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
}

export interface ReadLinesOptions {
  /**
   * The longest line kept whole (default DEFAULT_MAX_LINE_CHARS). The cut is
   * made on the raw line, before decoding, so it counts bytes: for ASCII and
   * Windows-1252 lines that is characters, and a UTF-8 (or UTF-16) line with
   * multibyte characters keeps somewhat fewer than maxLineChars characters.
   */
  maxLineChars?: number;
}

export interface LineReader {
  /**
   * The lines, in order. Single use. Nothing is read until iteration starts;
   * leaving the loop early (break, throw) destroys the input stream. Reading
   * errors (an unreadable file, a truncated zip entry) reject the iteration;
   * content never does: binary junk just comes out as text.
   */
  lines: AsyncIterable<Line>;
  /**
   * The file's encoding as read so far; final once `lines` is exhausted.
   * 'windows-1252' as soon as one line was not valid UTF-8, even in a file
   * with a UTF-8 BOM: it tells the reader how the text was actually decoded.
   */
  encoding(): FileEncoding;
  /** True where the file ended its lines with CR alone (each CR was taken for a line end). */
  crLineEnds(): boolean;
}

/** Reads `input` (a file's bytes) as numbered lines. See LineReader. */
export function readLines(input: Readable, options: ReadLinesOptions = {}): LineReader {
  const maxLineChars = options.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  if (!Number.isSafeInteger(maxLineChars) || maxLineChars < 1) {
    throw new RangeError(`maxLineChars must be a positive integer, got ${maxLineChars}`);
  }
  const decoder = new ByteCharDecoder();
  let windows1252 = false;
  let started = false;

  async function* iterate(): AsyncGenerator<Line> {
    // The input can be consumed only once; a second loop would silently see nothing.
    if (started) throw new Error('readLines: the lines of a stream can be iterated only once');
    started = true;
    // split2 on '\n' only: CRLF lines keep their CR, which is stripped below.
    // decodeStrings: false keeps the byte-chars strings as they are (split2's
    // StringDecoder passes strings through).
    const splitter = split2('\n', { decodeStrings: false });
    // Errors from any stage destroy the splitter, which rejects the loop
    // below; the callback has nothing left to do.
    pipeline(input, decoder, new LineLengthGuard(maxLineChars), splitter, () => {});
    let number = 0;
    for await (const chunk of splitter) {
      const raw: unknown = chunk;
      if (typeof raw !== 'string') continue;
      number++;
      const cut = splitOversized(raw);
      const decoded = decodeLine(cut === null ? withoutTrailingCRs(raw) : cut.kept, cut !== null);
      if (decoded.windows1252) windows1252 = true;
      if (cut === null) {
        yield { number, text: decoded.text };
        continue;
      }
      // A character cut in half at the end of the kept part counts as dropped.
      const dropped = decoded.windows1252 ? cut.droppedBytes : cut.droppedChars + (decoded.trimmedBytes > 0 ? 1 : 0);
      yield { number, text: decoded.text, oversizedChars: dropped };
    }
  }

  return {
    lines: { [Symbol.asyncIterator]: iterate },
    encoding: () => (windows1252 ? 'windows-1252' : decoder.encoding),
    crLineEnds: () => decoder.crLineEnds,
  };
}

/**
 * The line without the CRs at its end: the CR of a CRLF, a lone CR ending
 * the last line, and the "\r\r\n" of a CRLF written through a text-mode
 * stream are all line endings, not text. (A loop, not /\r+$/, which
 * backtracks badly on a line full of CRs.)
 */
function withoutTrailingCRs(line: string): string {
  let end = line.length;
  while (end > 0 && line.charCodeAt(end - 1) === 0x0d) end--;
  return end === line.length ? line : line.slice(0, end);
}
