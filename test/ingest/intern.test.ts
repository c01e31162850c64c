// The interner hands out, for a message's bytes, the string those bytes spell: whatever it
// holds, clears or bypasses, and wherever in a buffer the bytes are.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteInterner, MAX_INTERNED_BYTES } from '../../src/ingest/intern.js';

/** `texts` laid out in one buffer behind `pad` bytes, with where each one is. */
function layOut(texts: readonly string[], pad: number): { bytes: Buffer; spans: [number, number][] } {
  const parts: Buffer[] = [Buffer.alloc(pad, 0x41)];
  const spans: [number, number][] = [];
  let at = pad;
  for (const text of texts) {
    const part = Buffer.from(text, 'latin1');
    parts.push(part, Buffer.from('\n'));
    spans.push([at, at + part.length]);
    at += part.length + 1;
  }
  return { bytes: Buffer.concat(parts), spans };
}

describe('ByteInterner', () => {
  it('gives the string of the bytes, for repeats, near-repeats and lengths around the word size', () => {
    const interner = new ByteInterner();
    const texts = ['Self update: files are up to date.', 'Self update: files are up to date.', 'Self update: files are up to date!', '', 'a', 'ab', 'abc', 'abcd', 'abcde', 'abcd', 'x'.repeat(MAX_INTERNED_BYTES), 'x'.repeat(MAX_INTERNED_BYTES + 1), 'caf\u00e9 \u00ff'];
    for (const pad of [0, 1, 2, 3]) {
      const { bytes, spans } = layOut(texts, pad);
      expect(spans.map(([start, end]) => interner.intern(bytes, start, end))).toEqual(texts);
    }
  });

  it('stays right past its capacity (it starts again) and where hardly anything repeats (it steps aside)', () => {
    const interner = new ByteInterner();
    const texts = Array.from({ length: 40_000 }, (_, i) => `sdmcache: received ${i * 7919} of 48740736 bytes`);
    const { bytes, spans } = layOut([...texts, ...texts.slice(0, 5000)], 0);
    const out = spans.map(([start, end]) => interner.intern(bytes, start, end));
    expect(out).toEqual([...texts, ...texts.slice(0, 5000)]);
    // And a repeating log after that still reads right.
    const again = layOut(['Task status: Downloading', 'Task status: Installing', 'Task status: Downloading'], 3);
    expect(again.spans.map(([start, end]) => interner.intern(again.bytes, start, end))).toEqual(['Task status: Downloading', 'Task status: Installing', 'Task status: Downloading']);
  });

  // A message is first compared with the one that followed its predecessor last time: a
  // successor that differs in its last byte only, or in its length, must not be taken for it.
  it('gives the right string where the message after a repeat is not the one that came after it before', () => {
    const interner = new ByteInterner();
    // After "Installing" came pid 5120 the first time, so 5120 is what it is compared with when 5121 comes.
    const texts = [0, 1, 0, 0, 2, 1, 3].flatMap((n) => ['Task status: Installing', `Waiting for installer to finish (pid 512${n})`]);
    const { bytes, spans } = layOut(texts, 1);
    expect(spans.map(([start, end]) => interner.intern(bytes, start, end))).toEqual(texts);
  });

  it('gives the string of any bytes, in any buffer, reused or not', () => {
    const interner = new ByteInterner();
    const text = fc.oneof(fc.constantFrom('Task status: Done', 'Task status: Don', 'Task status: Done.'), fc.string({ maxLength: 12 }).map((s) => Buffer.from(s, 'utf8').toString('latin1')));
    fc.assert(fc.property(fc.array(text, { maxLength: 30 }), fc.integer({ min: 0, max: 7 }), (texts, pad) => {
      const { bytes, spans } = layOut(texts, pad);
      expect(spans.map(([start, end]) => interner.intern(bytes, start, end))).toEqual(texts);
      // The same buffer object with other bytes in it (a stream that reuses its memory).
      bytes.fill(0x5a);
      expect(spans.map(([start, end]) => interner.intern(bytes, start, end))).toEqual(spans.map(([start, end]) => 'Z'.repeat(end - start)));
    }), { numRuns: 500 });
  });
});
