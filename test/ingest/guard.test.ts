import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineLengthGuard, splitOversized } from '../../src/ingest/guard.js';

/** Runs byte-char strings through the guard and returns every chunk it emitted. */
async function guard(maxChars: number, input: Iterable<string> | AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of Readable.from(input).pipe(new LineLengthGuard(maxChars))) {
    const text: unknown = chunk;
    if (typeof text === 'string') out.push(text);
  }
  return out;
}

describe('LineLengthGuard', () => {
  it('passes lines within the limit through unchanged', async () => {
    expect((await guard(8, ['short\r\nline', 's\n'])).join('')).toBe('short\r\nlines\n');
  });

  it('never passes on more than maxChars of one line, however it is chunked', async () => {
    // Proves the memory bound: what reaches split2 for a 4 MB line is maxChars plus a marker.
    async function* blob(): AsyncGenerator<string> {
      for (let i = 0; i < 64; i++) yield 'x'.repeat(64 * 1024);
      yield '\nnext\n';
    }
    const out = (await guard(1000, blob())).join('');
    const [first, second] = out.split('\n');
    expect(out.length).toBeLessThan(1100);
    expect(splitOversized(first ?? '')).toEqual({ kept: 'x'.repeat(1000), droppedBytes: 64 * 64 * 1024 - 1000, droppedChars: 64 * 64 * 1024 - 1000 });
    expect(second).toBe('next');
  });

  it('does not count the CRs of a CRLF as dropped, but counts CRs inside the dropped text', async () => {
    const [line] = (await guard(3, ['abcd\re\r\r\n'])).join('').split('\n');
    expect(splitOversized(line ?? '')).toEqual({ kept: 'abc', droppedBytes: 3, droppedChars: 3 });
  });

  it('counts UTF-8 continuation bytes as part of the character before them', async () => {
    const bytes = Buffer.from('abcé€', 'utf8').toString('latin1'); // 3 + 2 + 3 bytes
    const [line] = (await guard(3, [bytes])).join('').split('\n');
    expect(splitOversized(line ?? '')).toEqual({ kept: 'abc', droppedBytes: 5, droppedChars: 2 });
  });

  it('leaves lines that were not cut without a marker', () => {
    expect(splitOversized('plain line')).toBeNull();
  });
});
