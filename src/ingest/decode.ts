// Byte decoding for log files: what FORMATS.md says we meet is UTF-8 (with
// or without a BOM), Windows-1252, or UTF-16LE, and nothing in a file says
// which of the first two it is. So the stream is carried as "byte-chars"
// (a latin1 string: one char per byte, 0x00-0xFF) through line splitting, and
// each line is decoded on its own afterwards: a line that is valid UTF-8 is
// UTF-8, any other line is Windows-1252. Deciding per line, not per file,
// keeps a file readable when different writers appended to it in different
// code pages, and it makes a UTF-8 character split across two chunks a
// non-issue, because no decoding happens until the whole line is there.
//
// UTF-16LE files are decoded as a stream (the only way to find their line
// ends) and re-encoded to UTF-8 byte-chars, so the stages after this one see
// a single representation.

import { isAscii } from 'node:buffer';
import { TextDecoder } from 'node:util';
import type { FileReport } from '../types.js';

export type FileEncoding = FileReport['encoding'];

/** What the first bytes of a file say; 'windows-1252' is only ever decided line by line. */
export type SniffedEncoding = Exclude<FileEncoding, 'windows-1252'>;

// Enough for a BOM and for the BOM-less UTF-16 check: a few hundred bytes, never a whole chunk,
// so one non-ASCII character further on cannot change what the start of the file says.
const SNIFF_BYTES = 512;

/**
 * Does this look like UTF-16 without a BOM, in the byte order given? True when, over the first
 * SNIFF_BYTES bytes (at least two pairs), nine pairs in ten are an ASCII char and a 0x00 (log
 * lines are mostly ASCII: timestamps, words) and no pair is 0x00 0x00. A UTF-8 or 1252 text
 * file never has a NUL every other byte.
 */
function looksLikeUtf16(head: Uint8Array, littleEndian: boolean): boolean {
  const pairs = Math.floor(Math.min(head.length, SNIFF_BYTES) / 2);
  if (pairs < 2) return false;
  let ascii = 0;
  for (let i = 0; i < pairs * 2; i += 2) {
    const low = head[littleEndian ? i : i + 1] ?? 0;
    const high = head[littleEndian ? i + 1 : i] ?? 0;
    if (low === 0 && high === 0) return false;
    if (high === 0 && low > 0 && low < 0x80) ascii += 1;
  }
  return ascii * 10 >= pairs * 9;
}

export function looksLikeUtf16le(head: Uint8Array): boolean {
  return looksLikeUtf16(head, true);
}

export function looksLikeUtf16be(head: Uint8Array): boolean {
  return looksLikeUtf16(head, false);
}

/**
 * A file's bytes to byte-chars (one byte per character: the file's own bytes for UTF-8 and
 * 1252, UTF-8 re-encoded for UTF-16), chunk by chunk, synchronously: the line reader calls it
 * once per chunk, not once per line. It sniffs the first bytes for a BOM or BOM-less UTF-16,
 * strips the BOM, and exposes what it found as `encoding`. The result stays bytes (a Buffer):
 * each line is made a string of its own, so no kept line holds a whole chunk in memory.
 */
export class ByteCharDecoder {
  /** What the first bytes said; settled once the first SNIFF_BYTES bytes (or the whole, shorter file) went through. */
  encoding: SniffedEncoding = 'utf-8';
  /** The file ends its lines with CR alone: decided from its first text, every CR then ends a line. */
  crLineEnds = false;
  /**
   * The bytes `write` or `end` last gave are plain ASCII without a NUL (checked in native
   * code): nothing in them needs decoding, and they are text, not binary data.
   */
  plain = false;

  private head: Buffer[] = [];
  private headLength = 0;
  private sniffed = false;
  private utf16: TextDecoder | null = null;
  private lineEndsKnown = false;

  /** The byte-chars of the next chunk of the file (empty while the first bytes are held back for the sniff). */
  write(bytes: Buffer): Buffer {
    if (this.sniffed) return this.byteChars(bytes);
    // Hold the first bytes back until there are enough to sniff.
    this.head.push(bytes);
    this.headLength += bytes.length;
    this.plain = false;
    return this.headLength >= SNIFF_BYTES ? this.sniff() : EMPTY;
  }

  /** What is left at the end of the file. */
  end(): Buffer {
    if (!this.sniffed) return this.withRest(this.sniff());
    this.plain = false;
    return this.withRest(EMPTY);
  }

  /** A dangling odd byte or lone surrogate of UTF-16 comes out as U+FFFD, never as an exception. */
  private withRest(bytes: Buffer): Buffer {
    if (this.utf16 === null) return bytes;
    const rest = this.fromText(this.utf16.decode());
    return rest.length === 0 ? bytes : Buffer.concat([bytes, rest]);
  }

  private sniff(): Buffer {
    this.sniffed = true;
    let bytes = Buffer.concat(this.head, this.headLength);
    this.head = [];
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
      this.encoding = 'utf-8-bom';
      bytes = bytes.subarray(3);
    } else if (bytes[0] === 0xff && bytes[1] === 0xfe) {
      this.encoding = 'utf-16le';
      bytes = bytes.subarray(2);
    } else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
      this.encoding = 'utf-16be';
      bytes = bytes.subarray(2);
    } else if (looksLikeUtf16le(bytes)) {
      this.encoding = 'utf-16le';
    } else if (looksLikeUtf16be(bytes)) {
      this.encoding = 'utf-16be';
    }
    if (this.encoding === 'utf-16le' || this.encoding === 'utf-16be') this.utf16 = new TextDecoder(this.encoding);
    return this.byteChars(bytes);
  }

  private byteChars(bytes: Buffer): Buffer {
    if (this.utf16 !== null) {
      this.plain = false;
      // stream: true keeps a code unit or surrogate pair split across chunks for the next call.
      return this.fromText(this.utf16.decode(bytes, { stream: true }));
    }
    this.plain = isAscii(bytes) && bytes.indexOf(0) === -1;
    return this.lineEnds(bytes);
  }

  private fromText(text: string): Buffer {
    return text.length > 0 ? this.lineEnds(Buffer.from(text, 'utf8')) : EMPTY;
  }

  private lineEnds(bytes: Buffer): Buffer {
    if (bytes.length === 0) return bytes;
    if (!this.lineEndsKnown) {
      // A file whose first text has CRs and not one LF ends its lines with CR alone.
      this.lineEndsKnown = true;
      this.crLineEnds = bytes.includes(0x0d) && !bytes.includes(0x0a);
    }
    if (!this.crLineEnds) return bytes;
    const copy = Buffer.from(bytes);
    for (let at = copy.indexOf(0x0d); at !== -1; at = copy.indexOf(0x0d, at + 1)) copy[at] = 0x0a;
    return copy;
  }
}

const EMPTY = Buffer.alloc(0);

// Windows-1252 is latin1 except for 0x80-0x9F, where it has printable chars.
// (Node's own TextDecoder('windows-1252') decodes these as latin1 C1
// controls, so it cannot be used: 0x80 must come out as "€".) The five bytes
// 1252 leaves undefined map to the C1 control of the same value, as WHATWG does.
const CP1252_HIGH = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
  0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
  0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
  0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
];

/** Decodes byte-chars as Windows-1252. */
export function decodeWindows1252(byteChars: string): string {
  return byteChars.replace(/[\x80-\x9f]/g, (c) => String.fromCharCode(CP1252_HIGH[c.charCodeAt(0) - 0x80] ?? c.charCodeAt(0)));
}

/**
 * How many bytes at the end of `bytes` are the start of a UTF-8 sequence whose
 * remaining bytes are missing (0 when the end is complete). Used on lines cut
 * for length, where the cut can fall inside a character.
 */
export function incompleteUtf8Tail(bytes: Uint8Array): number {
  const stop = Math.max(0, bytes.length - 4);
  for (let i = bytes.length - 1; i >= stop; i--) {
    const b = bytes[i] ?? 0;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: keep looking for its lead
    if (b < 0xc0) return 0; // ASCII: the tail is complete
    const needed = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    const have = bytes.length - i;
    return have < needed ? have : 0;
  }
  return 0;
}

export interface DecodedLine {
  text: string;
  /** True when the line was not valid UTF-8 and was decoded as Windows-1252. */
  windows1252: boolean;
  /** Bytes of a character cut in half at the end of a cut line, left out of `text` (0 otherwise). */
  trimmedBytes: number;
}

// fatal: an invalid sequence throws, which is how a 1252 line is told apart.
// (ignoreBOM is left false, so a BOM starting a line, left where two files
// were concatenated, is dropped too.)
const utf8 = new TextDecoder('utf-8', { fatal: true });
/** A byte-char above 0x7F: a line without one is ASCII, the same in every encoding read here. */
const NON_ASCII = /[\x80-\xff]/;

/**
 * Decodes one line of byte-chars: UTF-8 when it is valid UTF-8, else
 * Windows-1252. `cut` says the line was cut for length, so an incomplete
 * character at its very end is dropped rather than taken as proof of 1252.
 */
export function decodeLine(byteChars: string, cut: boolean): DecodedLine {
  // Most log lines are ASCII, which is the same in every encoding we accept.
  if (!NON_ASCII.test(byteChars)) return { text: byteChars, windows1252: false, trimmedBytes: 0 };
  const bytes = Buffer.from(byteChars, 'latin1');
  const whole = tryUtf8(bytes);
  if (whole !== null) return { text: whole, windows1252: false, trimmedBytes: 0 };
  if (cut) {
    const tail = incompleteUtf8Tail(bytes);
    const trimmed = tail > 0 ? tryUtf8(bytes.subarray(0, bytes.length - tail)) : null;
    if (trimmed !== null) return { text: trimmed, windows1252: false, trimmedBytes: tail };
  }
  return { text: decodeWindows1252(byteChars), windows1252: true, trimmedBytes: 0 };
}

function tryUtf8(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null; // not UTF-8: the caller falls back to Windows-1252
  }
}
