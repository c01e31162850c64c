// Line length guard, between the byte-char decoder and split2.
//
// split2 keeps the unfinished line in memory, so a file with a line of
// several MB (a binary blob, a log that lost its newlines) would be held
// whole. split2's own maxLength either fails the stream or, with
// skipOverflow, drops the line silently, and a dropped line shifts every
// later line number: the evidence we print would point at the wrong line.
// So this stage cuts the line instead: it passes on the first maxChars
// byte-chars, counts the rest as it goes by without keeping it, and at the
// line's end appends a marker that split2 passes through untouched.
// `splitOversized` turns the marker back into counts.
//
// The input is byte-chars (see decode.ts), so every char is 0x00-0xFF and a
// marker char above 0xFF cannot occur in real content.

import { Transform, type TransformCallback } from 'node:stream';

const MARK = '\uffff';

export interface OversizedLine {
  /** The first maxChars byte-chars of the line. */
  kept: string;
  /** Bytes dropped after the cut (line-ending CRs not included). */
  droppedBytes: number;
  /**
   * Dropped bytes that begin a UTF-8 character (all but 0x80-0xBF): the
   * number of characters dropped if the line is UTF-8. Counting both lets
   * the line be decoded as UTF-8 or 1252 later without keeping the dropped part.
   */
  droppedChars: number;
}

/** Splits a line that went through the guard into what was kept and what was dropped; null when it was not cut. */
export function splitOversized(line: string): OversizedLine | null {
  const at = line.indexOf(MARK);
  if (at === -1) return null;
  const [bytes, chars] = line.slice(at + 1).split(':');
  return {
    kept: line.slice(0, at),
    droppedBytes: Number(bytes),
    droppedChars: Number(chars),
  };
}

/** Object-mode Transform over byte-char strings: cuts every line longer than maxChars, see the header. */
export class LineLengthGuard extends Transform {
  private readonly maxChars: number;
  /** Byte-chars of the current line already passed on. */
  private lineLength = 0;
  private cutting = false;
  private droppedBytes = 0;
  private droppedChars = 0;
  /**
   * CRs seen while cutting and not yet known to be content: CRs right before
   * the LF end the line (they are not dropped text), so they are only counted
   * once something else follows them.
   */
  private pendingCRs = 0;

  constructor(maxChars: number) {
    super({ objectMode: true });
    this.maxChars = maxChars;
  }

  override _transform(chunk: unknown, _encoding: BufferEncoding, callback: TransformCallback): void {
    const text = typeof chunk === 'string' ? chunk : String(chunk);
    const out: string[] = [];
    let pos = 0;
    while (pos < text.length) {
      const newline = text.indexOf('\n', pos);
      const end = newline === -1 ? text.length : newline;
      if (end > pos) this.passOrCount(text, pos, end, out);
      if (newline === -1) break;
      this.endLine(out);
      out.push('\n');
      pos = newline + 1;
    }
    const joined = out.join('');
    if (joined.length > 0) this.push(joined);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    // A last line without a newline: split2 emits it from its own flush.
    const out: string[] = [];
    this.endLine(out);
    if (out.length > 0) this.push(out.join(''));
    callback();
  }

  /** Passes on or counts text[start, end), a piece of the current line without its newline. */
  private passOrCount(text: string, start: number, end: number, out: string[]): void {
    let from = start;
    if (!this.cutting) {
      const room = this.maxChars - this.lineLength;
      if (end - from <= room) {
        out.push(text.slice(from, end));
        this.lineLength += end - from;
        return;
      }
      out.push(text.slice(from, from + room));
      this.lineLength = this.maxChars;
      this.cutting = true;
      from += room;
    }
    for (let i = from; i < end; i++) {
      const code = text.charCodeAt(i);
      if (code === 0x0d) {
        this.pendingCRs++;
        continue;
      }
      this.droppedBytes += this.pendingCRs + 1;
      this.droppedChars += this.pendingCRs + ((code & 0xc0) === 0x80 ? 0 : 1);
      this.pendingCRs = 0;
    }
  }

  /** Closes the current line: appends the marker when something was dropped, and resets. */
  private endLine(out: string[]): void {
    if (this.droppedBytes > 0) out.push(`${MARK}${this.droppedBytes}:${this.droppedChars}`);
    this.lineLength = 0;
    this.cutting = false;
    this.droppedBytes = 0;
    this.droppedChars = 0;
    this.pendingCRs = 0;
  }
}
