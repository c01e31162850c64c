import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readLines, DEFAULT_MAX_LINE_CHARS, type Line, type ReadLinesOptions } from '../../src/ingest/lines.js';

/** Feeds exactly these chunks, so chunk boundaries are where the test puts them. */
function chunks(...parts: (string | number[] | Buffer)[]): Readable {
  return Readable.from(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
}

/** One chunk per byte: every possible boundary at once. */
function byteByByte(bytes: Buffer): Readable {
  return Readable.from([...bytes].map((b) => Buffer.from([b])));
}

/** The lines read (without the reader's `plain` mark, which `plain` lists apart). */
async function read(input: Readable, options?: ReadLinesOptions): Promise<{ lines: Line[]; texts: string[]; encoding: string; plain: boolean[] }> {
  const reader = readLines(input, options);
  const lines: Line[] = [];
  const plain: boolean[] = [];
  for await (const { plain: mark, ...line } of reader.lines) {
    lines.push(line);
    plain.push(mark === true);
  }
  return { lines, texts: lines.map((l) => l.text), encoding: reader.encoding(), plain };
}

describe('readLines: line ends', () => {
  it('joins a line split across chunks', async () => {
    const { texts } = await read(chunks('Thu, 10 Feb 2022 21:0', '0:19 Info: Core did not find file\nRebootBe', 'havior_Apply.zip\n'));
    expect(texts).toEqual(['Thu, 10 Feb 2022 21:00:19 Info: Core did not find file', 'RebootBehavior_Apply.zip']);
  });

  it('ends lines on LF', async () => {
    expect((await read(chunks('a\nb\nc\n'))).texts).toEqual(['a', 'b', 'c']);
  });

  it('ends lines on CRLF, and drops the CR even when CR and LF are in different chunks', async () => {
    const { texts } = await read(chunks('first\r', '\nsecond\r\n', 'third\r\n'));
    expect(texts).toEqual(['first', 'second', 'third']);
  });

  it('numbers mixed CRLF / LF lines exactly, blank lines included', async () => {
    const { lines } = await read(chunks('a\r\nb\nc\r\n\r\n\nd'));
    expect(lines).toEqual([
      { number: 1, text: 'a' },
      { number: 2, text: 'b' },
      { number: 3, text: 'c' },
      { number: 4, text: '' },
      { number: 5, text: '' },
      { number: 6, text: 'd' },
    ]);
  });

  it('treats a lone CR ending the last line, and CR CR LF, as line ends', async () => {
    expect((await read(chunks('a\nb\r'))).texts).toEqual(['a', 'b']);
    expect((await read(chunks('a\r\r\nb\r\n'))).texts).toEqual(['a', 'b']);
  });

  it('keeps a CR inside a line as text', async () => {
    expect((await read(chunks('a\rb\r\n'))).texts).toEqual(['a\rb']);
  });

  it('keeps a final line without a newline, and adds no empty line after a final newline', async () => {
    expect((await read(chunks('a\nb'))).texts).toEqual(['a', 'b']);
    expect((await read(chunks('a\nb\n'))).texts).toEqual(['a', 'b']);
  });

  it('reads an empty file as 0 lines, and a lone newline as one empty line', async () => {
    const empty = await read(Readable.from([]));
    expect(empty.lines).toEqual([]);
    expect(empty.encoding).toBe('utf-8');
    expect((await read(chunks('\n'))).lines).toEqual([{ number: 1, text: '' }]);
  });
});

describe('readLines: encodings', () => {
  it('decodes UTF-8 multibyte characters split across chunks', async () => {
    // é = C3 A9, € = E2 82 AC, 😀 = F0 9F 98 80: each cut in the middle.
    const { texts, encoding } = await read(chunks([0x63, 0x61, 0x66, 0xc3], [0xa9, 0x20, 0xe2, 0x82], [0xac, 0x20, 0xf0, 0x9f], [0x98, 0x80, 0x0a]));
    expect(texts).toEqual(['café € 😀']);
    expect(encoding).toBe('utf-8');
  });

  it('strips a UTF-8 BOM, even one split across chunks, and reports utf-8-bom', async () => {
    const { texts, encoding } = await read(chunks([0xef], [0xbb, 0xbf, 0x61], 'bc\r\nd\r\n'));
    expect(texts).toEqual(['abc', 'd']);
    expect(encoding).toBe('utf-8-bom');
  });

  it('decodes UTF-16LE with a BOM, with characters split across chunks and CRLF', async () => {
    const text = 'Mon, 09 Mar 2026 10:02:11 Paket "Büro €" 😀\r\nzweite Zeile\r\n';
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const { texts, encoding } = await read(byteByByte(bytes));
    expect(texts).toEqual(['Mon, 09 Mar 2026 10:02:11 Paket "Büro €" 😀', 'zweite Zeile']);
    expect(encoding).toBe('utf-16le');
  });

  it('recognises UTF-16LE without a BOM from its ASCII / NUL pattern', async () => {
    const { texts, encoding } = await read(chunks(Buffer.from('Run PolicySync\r\nExit PolicySync\r\n', 'utf16le')));
    expect(texts).toEqual(['Run PolicySync', 'Exit PolicySync']);
    expect(encoding).toBe('utf-16le');
  });

  it('does not crash on UTF-16LE with an odd trailing byte', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('ok\r\nend', 'utf16le'), Buffer.from([0x41])]);
    const { texts } = await read(chunks(bytes));
    expect(texts).toEqual(['ok', 'end\ufffd']);
  });

  it('decodes a line that is not UTF-8 as Windows-1252 (0xE9 is é, 0x80 is €)', async () => {
    const { texts, encoding } = await read(chunks([0x63, 0x61, 0x66, 0xe9, 0x20, 0x80, 0x20, 0x93, 0x71, 0x94, 0x0d, 0x0a]));
    expect(texts).toEqual(['café € \u201cq\u201d']);
    expect(encoding).toBe('windows-1252');
  });

  it('decides per line in a file mixing UTF-8 and Windows-1252 lines', async () => {
    const utf8Line = Buffer.from('UTF-8: café\n', 'utf8');
    const cp1252Line = Buffer.from([...Buffer.from('1252: caf'), 0xe9, 0x0a]);
    const again = Buffer.from('naïve\n', 'utf8');
    const reader = readLines(chunks(utf8Line, cp1252Line, again));
    const seen: string[] = [];
    for await (const line of reader.lines) seen.push(line.text);
    expect(seen).toEqual(['UTF-8: café', '1252: café', 'naïve']);
    expect(reader.encoding()).toBe('windows-1252');
    // The file is reported as 1252 only where a 1252 line was actually met.
    const clean = readLines(chunks(utf8Line, again));
    for await (const line of clean.lines) expect(line.text).not.toBe('');
    expect(clean.encoding()).toBe('utf-8');
  });

  it('returns binary junk as text without throwing', async () => {
    const junk = Buffer.alloc(4096);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 37 + 11) % 256;
    const bytes = Buffer.concat([Buffer.from('junk '), junk, Buffer.from([0, 0, 0xff, 0xfe, 0x0a, 0x00])]);
    const expectedLines = bytes.filter((b) => b === 0x0a).length + 1; // the last line has no newline
    const { lines } = await read(byteByByte(bytes));
    expect(lines).toHaveLength(expectedLines);
    expect(lines.map((l) => l.number)).toEqual(Array.from({ length: expectedLines }, (_, i) => i + 1));
    expect(lines[0]?.text.startsWith('junk ')).toBe(true);
  });
});

describe('readLines: oversized lines', () => {
  it('cuts a line of several MB fed in chunks, counts what it dropped, and keeps the numbering', async () => {
    const hugeLength = 5 * 1024 * 1024 + 123;
    const chunkSize = 64 * 1024;
    let chunksFed = 0;
    async function* source(): AsyncGenerator<Buffer> {
      yield Buffer.from('first line\r\n');
      for (let sent = 0; sent < hugeLength; sent += chunkSize) {
        chunksFed++;
        yield Buffer.alloc(Math.min(chunkSize, hugeLength - sent), 'x');
      }
      yield Buffer.from('\r\nafter the blob\r\nlast');
    }
    const { lines } = await read(Readable.from(source()));
    expect(chunksFed).toBeGreaterThan(50);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toEqual({ number: 1, text: 'first line' });
    expect(lines[1]?.number).toBe(2);
    expect(lines[1]?.text).toBe('x'.repeat(DEFAULT_MAX_LINE_CHARS));
    expect(lines[1]?.oversizedChars).toBe(hugeLength - DEFAULT_MAX_LINE_CHARS);
    expect(lines[2]).toEqual({ number: 3, text: 'after the blob' });
    expect(lines[3]).toEqual({ number: 4, text: 'last' });
  });

  it('cuts a final line without a newline too', async () => {
    const { lines } = await read(chunks('ok\n', 'abcdefghij', 'klmnop'), { maxLineChars: 4 });
    expect(lines).toEqual([
      { number: 1, text: 'ok' },
      { number: 2, text: 'abcd', oversizedChars: 12 },
    ]);
  });

  it('does not call a line of exactly maxLineChars (plus CRLF) oversized', async () => {
    const { lines } = await read(chunks('abcd\r', '\nefgh\r\r\n'), { maxLineChars: 4 });
    expect(lines).toEqual([
      { number: 1, text: 'abcd' },
      { number: 2, text: 'efgh' },
    ]);
  });

  it('counts dropped characters, not bytes, in a cut UTF-8 line, even when the cut splits a character', async () => {
    // 20 × "é" is 40 bytes; a 9-byte cut falls in the middle of the fifth é.
    const { lines, encoding } = await read(chunks(`${'é'.repeat(20)}\nnext\n`), { maxLineChars: 9 });
    expect(lines[0]).toEqual({ number: 1, text: 'éééé', oversizedChars: 16 });
    expect(lines[1]).toEqual({ number: 2, text: 'next' });
    expect(encoding).toBe('utf-8');
  });

  it('counts dropped bytes as characters in a cut Windows-1252 line', async () => {
    const { lines, encoding } = await read(chunks(Buffer.alloc(20, 0xe9), '\n'), { maxLineChars: 9 });
    expect(lines).toEqual([{ number: 1, text: 'é'.repeat(9), oversizedChars: 11 }]);
    expect(encoding).toBe('windows-1252');
  });

  it('cuts UTF-16LE lines too', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${'y'.repeat(100)}\r\nz\r\n`, 'utf16le')]);
    const { lines } = await read(chunks(bytes), { maxLineChars: 10 });
    expect(lines).toEqual([
      { number: 1, text: 'y'.repeat(10), oversizedChars: 90 },
      { number: 2, text: 'z' },
    ]);
  });

  it('refuses a maxLineChars that is not a positive integer', () => {
    expect(() => readLines(chunks('a'), { maxLineChars: 0 })).toThrow(RangeError);
  });
});

describe('readLines: stream behaviour', () => {
  it('rejects the iteration with the I/O error of the input', async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.from('one\ntwo\n');
      throw new Error('unexpected EOF in zip entry');
    }
    const reader = readLines(Readable.from(failing()));
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const line of reader.lines) seen.push(line.text);
      })(),
    ).rejects.toThrow('unexpected EOF in zip entry');
    expect(seen.length).toBeLessThanOrEqual(2);
  });

  it('destroys the input when the loop is left early', async () => {
    const input = chunks('a\n', 'b\n', 'c\n');
    const reader = readLines(input);
    for await (const line of reader.lines) {
      if (line.number === 1) break;
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(input.destroyed).toBe(true);
  });

  it('reads nothing until iterated, and can be iterated only once', async () => {
    const input = chunks('a\n');
    const reader = readLines(input);
    expect(input.readableFlowing).toBeNull();
    for await (const line of reader.lines) expect(line.text).toBe('a');
    await expect(
      (async () => {
        for await (const line of reader.lines) expect(line).toBeUndefined();
      })(),
    ).rejects.toThrow(/only once/);
  });
});

describe('readLines: batches and chunk boundaries in every encoding', () => {
  const text = 'Mon, 09 Mar 2026 10:02:11 café € naïve\r\nsecond line\r\n\r\nMon, 09 Mar 2026 10:02:12 last';
  const expected = ['Mon, 09 Mar 2026 10:02:11 café € naïve', 'second line', '', 'Mon, 09 Mar 2026 10:02:12 last'];
  const encodings: [string, Buffer][] = [
    ['UTF-8', Buffer.from(text, 'utf8')],
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])],
    ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
    ['UTF-16LE without BOM', Buffer.from(text, 'utf16le')],
    ['UTF-16BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()])],
    ['Windows-1252', Buffer.from([...text].map((c) => (c === '€' ? 0x80 : c.charCodeAt(0))))],
  ];

  it.each(encodings)('gives the same lines for %s whatever the chunking (whole, byte by byte, every split point)', async (_name, bytes) => {
    const whole = (await read(chunks(bytes))).texts;
    expect(whole).toEqual(expected);
    expect((await read(byteByByte(bytes))).texts).toEqual(expected);
    for (let cut = 1; cut < bytes.length; cut += 1) {
      expect((await read(chunks(bytes.subarray(0, cut), bytes.subarray(cut)))).texts).toEqual(expected);
    }
  });

  it('yields each chunk\'s finished lines as one batch, numbered across batches', async () => {
    const reader = readLines(chunks('a\nb\nc'.padEnd(600, 'x'), '\nd\ne\n'));
    const batches: Line[][] = [];
    for await (const batch of reader.batches) batches.push(batch);
    expect(batches[0]?.[0]?.plain).toBe(true);
    expect(batches.map((b) => b.map((l) => l.number))).toEqual([[1, 2], [3, 4, 5]]);
    expect(batches[1]?.[0]?.text.length).toBe(596);
  });

  it('reads a whole small file given as a Buffer, as it reads a stream', async () => {
    const reader = readLines(Buffer.from('a\r\nb\r\n'));
    const texts: string[] = [];
    for await (const line of reader.lines) texts.push(line.text);
    expect(texts).toEqual(['a', 'b']);
  });

  it('marks lines of a plain ASCII chunk, and no line with a NUL or a byte above 0x7F', async () => {
    const { lines, plain } = await read(chunks('Mon, 09 Mar 2026 10:02:11 plain\n'.repeat(20), Buffer.from([0x61, 0x00, 0x62, 0x0a]), Buffer.from('caf\u00e9\n', 'utf8')));
    expect(plain.slice(0, 20).every(Boolean)).toBe(true);
    expect(plain.slice(20)).toEqual([false, false]);
    expect(lines[20]).toEqual({ number: 21, text: 'a\u0000b' });
    expect(lines[21]).toEqual({ number: 22, text: 'café' });
  });
});

describe('readLines: cutting overlong lines (what the length guard did before the splitter)', () => {
  it('does not count the CRs of a CRLF as dropped, but counts CRs inside the dropped text', async () => {
    const { lines } = await read(chunks('abcd\re\r\r\n'), { maxLineChars: 3 });
    expect(lines).toEqual([{ number: 1, text: 'abc', oversizedChars: 3 }]);
  });

  it('counts UTF-8 continuation bytes as part of the character before them', async () => {
    const { lines } = await read(chunks(Buffer.from('abcé€\n', 'utf8')), { maxLineChars: 3 });
    expect(lines).toEqual([{ number: 1, text: 'abc', oversizedChars: 2 }]);
  });

  it('cuts the same way whether the long line sits in one chunk or spans many', async () => {
    const line = `${'y'.repeat(50)}\r\n`;
    const oneChunk = (await read(chunks(line), { maxLineChars: 10 })).lines;
    const spread = (await read(byteByByte(Buffer.from(line)), { maxLineChars: 10 })).lines;
    expect(oneChunk).toEqual([{ number: 1, text: 'y'.repeat(10), oversizedChars: 40 }]);
    expect(spread).toEqual(oneChunk);
  });
});
