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
  it('interleaves the shards in the single run\'s order (numbers as numbers)', async () => {
    const a = shard('a.ndjson', ['LAB-2', 'LAB-10', 'PC-1']);
    const b = shard('b.ndjson', ['LAB-1', 'LAB-9', 'LAB-11', 'ZZ']);
    const c = shard('c.ndjson', []);
    expect(await merged([a, b, c])).toEqual(['LAB-1@b.ndjson', 'LAB-2@a.ndjson', 'LAB-9@b.ndjson', 'LAB-10@a.ndjson', 'LAB-11@b.ndjson', 'PC-1@a.ndjson', 'ZZ@b.ndjson']);
  });

  it('refuses a device in two shard files: it would be counted twice', async () => {
    const a = shard('a.ndjson', ['LAB-2', 'LAB-10']);
    const b = shard('b.ndjson', ['LAB-1', 'LAB-10']);
    expect(await refusal([a, b])).toBe(`device LAB-10 is in both ${a} and ${b}: the same device in two shards`);
    expect(await refusal([a, a])).toMatch(/^device LAB-2 is in both /);
  });

  it('refuses a shard cut short (no summary line), an empty file, and a summary that disagrees with its devices; --allow-partial takes one cut short, saying so', async () => {
    const cut = path.join(dir.name, 'cut.ndjson');
    writeFileSync(cut, `${JSON.stringify({ device: 'LAB-1', verdict: 'no-failure', tag: 'cut' })}\n`);
    expect(await refusal([cut])).toBe(`${cut}: no summary line, so the shard was cut short (its writer stopped before the end); it holds 1 device`);
    const empty = path.join(dir.name, 'empty.ndjson');
    writeFileSync(empty, '');
    expect(await refusal([empty])).toBe(`${empty}: no summary line, so the shard was cut short (its writer stopped before the end); it holds 0 devices`);
    const lying = path.join(dir.name, 'lying.ndjson');
    writeFileSync(lying, `${JSON.stringify({ summary: { devices: 4 } })}\n`);
    expect(await refusal([lying])).toBe(`${lying}: its summary says 4 devices, but it holds 0; the file was cut or edited`);
    const warnings: string[] = [];
    const out: string[] = [];
    for await (const device of mergeShards([cut], { allowPartial: true, onWarning: (m) => warnings.push(m) })) out.push(device.device);
    expect(out).toEqual(['LAB-1']);
    expect(warnings).toEqual([`${cut}: no summary line, so the shard was cut short (its writer stopped before the end); it holds 1 device, taken as it is (--allow-partial)`]);
  });

  it('refuses shards of different splits, versions or packs, the same K twice, and a missing shard unless --allow-partial', async () => {
    const sharded = (name: string, devices: string[], index: number, count: number, extra: { version?: string; key?: string } = {}): string => {
      const file = path.join(dir.name, name);
      const lines = devices.map((device) => JSON.stringify({ device, verdict: 'no-failure', tag: name }));
      lines.push(JSON.stringify({ summary: { devices: devices.length, shard: { index, count, version: extra.version ?? '0.1.0', key: extra.key ?? 'k' } } }));
      writeFileSync(file, `${lines.join('\n')}\n`);
      return file;
    };
    const one = sharded('1of3.ndjson', ['LAB-1'], 1, 3);
    const two = sharded('2of3.ndjson', ['LAB-2'], 2, 3);
    const three = sharded('3of3.ndjson', [], 3, 3);
    expect(await merged([one, two, three])).toEqual(['LAB-1@1of3.ndjson', 'LAB-2@2of3.ndjson']);
    expect(await refusal([one, sharded('1of4.ndjson', ['LAB-3'], 1, 4)])).toMatch(/is shard 1\/4, but .* is 1\/3: shards of different splits$/);
    expect(await refusal([one, two, sharded('3of3-new.ndjson', [], 3, 3, { version: '0.2.0' })])).toMatch(/written by ldforensics 0\.2\.0, .* by 0\.1\.0/);
    expect(await refusal([one, two, sharded('3of3-pack.ndjson', [], 3, 3, { key: 'other' })])).toMatch(/different pattern packs, rules, --tz or --max-files$/);
    expect(await refusal([one, two, sharded('2of3-again.ndjson', ['LAB-9'], 2, 3)])).toMatch(/are both shard 2\/3: the same shard given twice$/);
    expect(await refusal([one, three])).toBe('shard 2/3 missing: the merged report would lack their devices');
    const warnings: string[] = [];
    const out: string[] = [];
    for await (const device of mergeShards([one, three], { allowPartial: true, onWarning: (m) => warnings.push(m) })) out.push(device.device);
    expect(out).toEqual(['LAB-1']);
    expect(warnings).toEqual(['shard 2/3 missing: the report lacks their devices (--allow-partial)']);
  });

  it('sorts a file whose devices are out of order (shards concatenated) as the in-order ones are merged', async () => {
    const a = shard('a.ndjson', ['LAB-3', 'LAB-7'], 'x');
    const b = shard('b.ndjson', ['LAB-1', 'LAB-5'], 'x');
    const joined = path.join(dir.name, 'joined.ndjson');
    writeFileSync(joined, `${JSON.stringify({ device: 'LAB-3', verdict: 'no-failure', tag: 'x' })}\n${JSON.stringify({ device: 'LAB-7', verdict: 'no-failure', tag: 'x' })}\n${JSON.stringify({ device: 'LAB-1', verdict: 'no-failure', tag: 'x' })}\n${JSON.stringify({ device: 'LAB-5', verdict: 'no-failure', tag: 'x' })}\n${JSON.stringify({ summary: { devices: 4 } })}\n`);
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
