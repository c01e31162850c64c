// merge takes the shards a device at a time, in the single run's order: shards in order are
// streamed (nothing holds the fleet), one out of order is sorted on its own, and what is not
// ldforensics' ndjson is refused with the file and line, never read without end.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import tmp from 'tmp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { mergeShards } from '../../src/fleet/merge.js';

let dir: tmp.DirResult;
beforeEach(() => {
  dir = tmp.dirSync({ unsafeCleanup: true });
});
afterEach(() => {
  dir.removeCallback();
});

/** A shard file of devices (each a minimal device line, tagged so a test can tell copies apart) and a summary line. */
function shard(name: string, devices: string[], tag = name): string {
  const file = path.join(dir.name, name);
  const lines = devices.map((device) => JSON.stringify({ device, verdict: 'no-failure', tag }));
  lines.push(JSON.stringify({ summary: { devices: devices.length } }));
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function merged(files: string[], options: { maxLineChars?: number } = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const device of mergeShards(files, options)) out.push(`${device.device}@${(device as unknown as { tag: string }).tag}`);
  return out;
}

async function refusal(files: string[], options: { maxLineChars?: number } = {}): Promise<string> {
  try {
    await merged(files, options);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error('merge took it');
}

describe('merge of shards', () => {
  it('interleaves the shards in the single run\'s order (numbers as numbers), the first file first for one name', async () => {
    const a = shard('a.ndjson', ['LAB-2', 'LAB-10', 'PC-1']);
    const b = shard('b.ndjson', ['LAB-1', 'LAB-9', 'LAB-10', 'ZZ']);
    const c = shard('c.ndjson', []);
    expect(await merged([a, b, c])).toEqual(['LAB-1@b.ndjson', 'LAB-2@a.ndjson', 'LAB-9@b.ndjson', 'LAB-10@a.ndjson', 'LAB-10@b.ndjson', 'PC-1@a.ndjson', 'ZZ@b.ndjson']);
  });

  it('sorts a file whose devices are out of order (shards concatenated) as the in-order ones are merged', async () => {
    const a = shard('a.ndjson', ['LAB-3', 'LAB-7'], 'x');
    const b = shard('b.ndjson', ['LAB-1', 'LAB-5'], 'x');
    const joined = path.join(dir.name, 'joined.ndjson');
    writeFileSync(joined, `${JSON.stringify({ device: 'LAB-3', verdict: 'no-failure', tag: 'x' })}\n${JSON.stringify({ device: 'LAB-7', verdict: 'no-failure', tag: 'x' })}\n${JSON.stringify({ device: 'LAB-1', verdict: 'no-failure', tag: 'x' })}\n${JSON.stringify({ device: 'LAB-5', verdict: 'no-failure', tag: 'x' })}\n`);
    expect(await merged([joined])).toEqual(await merged([a, b]));
    expect(await merged([joined])).toEqual(['LAB-1@x', 'LAB-3@x', 'LAB-5@x', 'LAB-7@x']);
  });

  it('refuses what is not a file (a device that never ends), a line that is not JSON, and an overlong line, with the file and line', async () => {
    expect(await refusal(['/dev/null'])).toBe('/dev/null: not a file; merge takes the ndjson files written by diagnose -f ndjson --shard K/N');
    expect(await refusal([path.join(dir.name, 'missing.ndjson')])).toMatch(/^cannot read .*missing\.ndjson: ENOENT/);
    const bad = path.join(dir.name, 'bad.ndjson');
    writeFileSync(bad, `${JSON.stringify({ device: 'LAB-1', verdict: 'no-failure' })}\n{"device": "LAB-2", "verd`);
    expect(await refusal([bad])).toBe(`${bad}:2: not a JSON line; merge takes the ndjson output of diagnose (-f ndjson)`);
    const long = path.join(dir.name, 'long.ndjson');
    writeFileSync(long, `${JSON.stringify({ device: 'LAB-1', verdict: 'no-failure', padding: 'x'.repeat(5000) })}\n`);
    expect(await refusal([long], { maxLineChars: 1000 })).toBe(`${long}:1: a line of more than 1000 characters; merge takes the ndjson output of diagnose (-f ndjson)`);
    const other = path.join(dir.name, 'other.ndjson');
    writeFileSync(other, '{"hello": 1}\n');
    expect(await refusal([other])).toBe(`${other}:1: neither a device nor a summary line of ldforensics' ndjson`);
  });
});
