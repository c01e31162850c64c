// --shard K/N splits a share between machines, every device in exactly one shard; merge of the
// shards' ndjson gives what one run over the whole share gives.
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import tmp from 'tmp';
import { describe, expect, it } from 'vitest';
import { inShard, nameHash, parseShard } from '../../src/fleet/shard.js';
import { diagnose } from '../../src/run.js';
import { SAMPLES } from '../helpers/parse.js';

const run = promisify(execFile);
const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'ldforensics.js');

async function cli(...args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, [BIN, ...args], { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code?: number; stdout?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '' };
  }
}

/** The samples' ndjson as N shards, written into `dir`: the files, shard 1 first. */
async function writeShards(dir: string, count: number): Promise<string[]> {
  const files: string[] = [];
  for (let k = 1; k <= count; k += 1) {
    const file = path.join(dir, `shard-${k}.ndjson`);
    writeFileSync(file, (await cli('diagnose', SAMPLES, '-f', 'ndjson', '--shard', `${k}/${count}`)).stdout);
    files.push(file);
  }
  return files;
}

describe('--shard', () => {
  it('is stable and case-blind, and refuses what is not K/N', () => {
    expect(nameHash('LAB-0101')).toBe(nameHash('lab-0101'));
    expect(parseShard('2/8')).toEqual({ index: 2, count: 8 });
    expect(() => parseShard('9/8')).toThrow('--shard: want K/N with 1 <= K <= N');
    expect(() => parseShard('x')).toThrow('--shard');
  });

  it('over 1..N puts every device in exactly one shard', async () => {
    const all = (await diagnose({ paths: [SAMPLES] })).devices.map((d) => d.device);
    for (const count of [1, 2, 3, 5]) {
      const seen: string[] = [];
      for (let index = 1; index <= count; index += 1) {
        const shard = { index, count };
        const devices = (await diagnose({ paths: [SAMPLES], shard })).devices.map((d) => d.device);
        for (const name of devices) expect(inShard(name, shard)).toBe(true);
        seen.push(...devices);
      }
      expect(seen.sort()).toEqual([...all].sort());
    }
  }, 120_000);

  it('a shard that holds no device is a valid, empty shard: exit 0 and a summary line that says which shard it is', async () => {
    // Regression: --shard K/8 over a share of fewer devices exited 2 ("nothing readable found"), breaking the parallel recipe.
    let empty: { code: number; stdout: string } | undefined;
    for (let k = 1; k <= 40 && !empty; k += 1) {
      const out = await cli('diagnose', `${SAMPLES}LAB-0101`, '-f', 'ndjson', '--shard', `${k}/40`);
      if (!out.stdout.includes('"device"')) empty = out;
    }
    expect(empty?.code).toBe(0);
    const summary = JSON.parse(empty?.stdout.trim() ?? '{}') as { summary?: { devices: number; shard?: { count: number; version: string } } };
    expect(summary.summary).toMatchObject({ devices: 0, shard: { count: 40 } });
    // The version names the code as well: two checkouts of one version whose rules differ are not one run to merge.
    expect(summary.summary?.shard?.version).toMatch(/^\d+\.\d+\.\d+ \(code [0-9a-f]{16}\)$/);
  });

  it('merge refuses a set with a shard missing or doubled; the complete set merges', async () => {
    const dir = tmp.dirSync({ unsafeCleanup: true });
    try {
      const files = await writeShards(dir.name, 2);
      expect((await cli('merge', files[0] ?? '', '-f', 'json')).code).toBe(2);
      expect((await cli('merge', files[0] ?? '', files[0] ?? '', '-f', 'json')).code).toBe(2);
      expect((await cli('merge', files[0] ?? '', '--allow-partial', '-f', 'json')).code).toBe(1);
      expect((await cli('merge', ...files, '-f', 'json')).code).toBe(1);
    } finally {
      dir.removeCallback();
    }
  });

  it('merge of the shards\' ndjson equals the single run, in every format checked', async () => {
    const dir = tmp.dirSync({ unsafeCleanup: true });
    try {
      const files = await writeShards(dir.name, 3);
      for (const format of ['json', 'csv', 'md', 'text', 'html']) {
        const single = await cli('diagnose', SAMPLES, '-f', format);
        const merged = await cli('merge', ...files, '-f', format);
        expect(merged.stdout, format).toBe(single.stdout);
        expect(merged.code).toBe(single.code);
      }
      // The HTML folder too: the same index and the same page per device.
      const fromRun = path.join(dir.name, 'run');
      const fromMerge = path.join(dir.name, 'merged');
      await cli('diagnose', SAMPLES, '-f', 'html', '-o', `${fromRun}/`);
      await cli('merge', ...files, '-f', 'html', '-o', `${fromMerge}/`);
      const pages = readdirSync(path.join(fromRun, 'devices')).sort();
      expect(pages.length).toBeGreaterThan(5);
      expect(readdirSync(path.join(fromMerge, 'devices')).sort()).toEqual(pages);
      for (const page of ['index.html', ...pages.map((p) => path.join('devices', p))]) {
        expect(readFileSync(path.join(fromMerge, page), 'utf8'), page).toBe(readFileSync(path.join(fromRun, page), 'utf8'));
      }
    } finally {
      dir.removeCallback();
    }
  }, 120_000);

  it('for N from 1 to 5, of every subset of the shards only the complete set merges, and it equals the single run byte for byte in every format', async () => {
    const dir = tmp.dirSync({ unsafeCleanup: true });
    try {
      const formats = ['json', 'ndjson', 'csv', 'md', 'text', 'html'];
      const single = Object.fromEntries(await Promise.all(formats.map(async (format) => [format, await cli('diagnose', SAMPLES, '-f', format)] as const)));
      for (let count = 1; count <= 5; count += 1) {
        const shardDir = path.join(dir.name, `n${count}`);
        mkdirSync(shardDir);
        const files = await writeShards(shardDir, count);
        const subsets: string[][] = [];
        for (let mask = 1; mask < 1 << count; mask += 1) subsets.push(files.filter((_, i) => (mask & (1 << i)) !== 0));
        // Two at a time: the machine has few cores.
        for (let i = 0; i < subsets.length; i += 2) {
          await Promise.all(subsets.slice(i, i + 2).map(async (subset) => {
            const merged = await cli('merge', ...subset, '-f', 'json');
            expect(merged.code, `${subset.length} of ${count} shards`).toBe(subset.length === count ? single.json?.code : 2);
          }));
        }
        for (const format of formats) {
          const merged = await cli('merge', ...files, '-f', format);
          expect(merged.stdout, `${format}, ${count} shards`).toBe(single[format]?.stdout);
        }
      }
    } finally {
      dir.removeCallback();
    }
  }, 300_000);
});
