// The spool that holds a fleet's device texts until the summary is written: in memory up to
// its budget, in temporary files past it, and the same bytes in group order either way.
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tmp from 'tmp';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { GroupSpool } from '../../src/cli/spool.js';

const utf8 = new TextEncoder();

/** Device texts given to groups out of order, as a fleet finishes them (by name, not by group). */
const given: [number, string][] = [
  [2, 'healthy LAB-0001\n'],
  [0, 'failed LAB-0002 — ✖ refused\n'],
  [1, 'at risk LAB-0003\n'],
  [0, 'failed LAB-0004\n'],
  [2, 'healthy LAB-0005\n'],
];
const inGroupOrder = [0, 1, 2].flatMap((group) => given.filter(([g]) => g === group).map(([, text]) => text)).join('');

async function copied(spool: GroupSpool): Promise<{ text: string; writes: number[] }> {
  const chunks: Buffer[] = [];
  await spool.copyTo(async (chunk) => {
    chunks.push(Buffer.from(chunk));
  });
  return { text: Buffer.concat(chunks).toString('utf8'), writes: chunks.map((c) => c.byteLength) };
}

describe('GroupSpool', () => {
  let dir: tmp.DirResult;
  beforeEach(() => {
    dir = tmp.dirSync({ unsafeCleanup: true });
    // os.tmpdir() reads TMPDIR on each call: the spool's folder, if any, is made here.
    vi.stubEnv('TMPDIR', dir.name);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    dir.removeCallback();
  });

  it('holds a fleet within its budget in memory and copies it out in group order, making no file', async () => {
    const spool = new GroupSpool(3, 1 << 20);
    for (const [group, text] of given) spool.add(group, utf8.encode(text));
    expect(spool.onDisk).toBe(false);
    expect(readdirSync(dir.name)).toEqual([]);
    expect((await copied(spool)).text).toBe(inGroupOrder);
    spool.remove();
  });

  it('moves to temporary files past its budget, with what it held, and gives the same bytes', async () => {
    const spool = new GroupSpool(3, 50);
    for (const [index, [group, text]] of given.entries()) {
      spool.add(group, utf8.encode(text));
      // The first two texts (49 bytes of UTF-8) fit; the third passes the budget.
      expect(spool.onDisk).toBe(index >= 2);
    }
    expect(readdirSync(dir.name)).toHaveLength(1);
    expect((await copied(spool)).text).toBe(inGroupOrder);
    spool.remove();
    expect(readdirSync(dir.name)).toEqual([]);
  });

  it('copies held texts in writes of about a megabyte, not one write per device', async () => {
    const spool = new GroupSpool(1, 8 << 20);
    const text = utf8.encode(`${'x'.repeat(999)}\n`);
    for (let i = 0; i < 3000; i++) spool.add(0, text);
    const { text: out, writes } = await copied(spool);
    expect(out.length).toBe(3000 * 1000);
    expect(writes.length).toBe(3);
    expect(Math.max(...writes)).toBeLessThanOrEqual(1 << 20);
  });

  it('where its temporary files cannot be made, says so with the folder and what to do, as the user\'s error', () => {
    // TMPDIR names a file: no folder can be made in it (ENOTDIR), as with a full or read-only disk.
    const notAFolder = path.join(dir.name, 'not-a-folder');
    writeFileSync(notAFolder, '');
    vi.stubEnv('TMPDIR', notAFolder);
    const spool = new GroupSpool(3, 8);
    spool.add(0, utf8.encode('held'));
    let thrown: unknown;
    try {
      spool.add(1, utf8.encode('past the budget'));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UsageError);
    expect((thrown as UsageError).message).toMatch(new RegExp(`^cannot write the report's temporary files in ${notAFolder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ENOTDIR`));
    expect((thrown as UsageError).hint).toContain('TMPDIR');
    spool.remove();
  });

  it('refuses a group it does not have', () => {
    const spool = new GroupSpool(2);
    expect(() => spool.add(2, utf8.encode('x'))).toThrow(RangeError);
    expect(() => spool.add(-1, utf8.encode('x'))).toThrow(RangeError);
  });
});
