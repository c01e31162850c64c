// A report says where each bundle is as the user gave its path: absolute stays absolute (a
// ticket or a spreadsheet read on another machine), relative stays relative to where the tool
// ran; a warm --cache keeps each form apart.
import { cpSync } from 'node:fs';
import path from 'node:path';
import tmp from 'tmp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { SAMPLES } from '../helpers/parse.js';

let dir: tmp.DirResult;
beforeEach(() => {
  dir = tmp.dirSync({ unsafeCleanup: true });
  cpSync(path.join(SAMPLES, 'LAB-0101'), path.join(dir.name, 'share', 'LAB-0101'), { recursive: true });
  cpSync(path.join(SAMPLES, 'LAB-0104.zip'), path.join(dir.name, 'share', 'LAB-0104.zip'));
});
afterEach(() => dir.removeCallback());

/** The CSV's bundle column, by device. */
async function bundles(args: string[]): Promise<Record<string, string>> {
  const result = await runCli(['diagnose', ...args, '-f', 'csv'], dir.name);
  const rows = result.stdout.replace(/^\uFEFF/, '').trimEnd().split('\r\n').map((line) => line.split(','));
  const at = rows[0]?.indexOf('bundle') ?? -1;
  return Object.fromEntries(rows.slice(1).map((row) => [row[0] ?? '', row[at] ?? '']));
}

describe('the bundle path in a report', () => {
  it('is absolute where the path was given absolute, relative where it was given relative, with a warm cache as without', async () => {
    const share = path.join(dir.name, 'share');
    const absolute = { 'LAB-0101': path.join(share, 'LAB-0101'), 'LAB-0104': path.join(share, 'LAB-0104.zip') };
    const relative = { 'LAB-0101': path.join('share', 'LAB-0101'), 'LAB-0104': path.join('share', 'LAB-0104.zip') };
    for (const cache of [[], ['--cache'], ['--cache']]) {
      expect(await bundles([share, ...cache])).toEqual(absolute);
      expect(await bundles(['share', ...cache])).toEqual(relative);
    }
    const json = await runCli(['diagnose', path.join(share, 'LAB-0101'), '-f', 'json'], dir.name);
    expect((JSON.parse(json.stdout) as { devices: { source: string }[] }).devices[0]?.source).toBe(absolute['LAB-0101']);
  });
});
