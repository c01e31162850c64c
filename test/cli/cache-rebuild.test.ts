// A checkout updated or rebuilt without a new version (the README's `git pull` and rerun) must
// not find the reports the build before it cached: the cache key holds a hash of the code the
// command line runs (version.ts, codeIdentity), not the package's version alone.
import { execFile } from 'node:child_process';
import { appendFileSync, cpSync, readdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import tmp from 'tmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLES } from '../helpers/parse.js';

const run = promisify(execFile);
const ROOT = path.join(import.meta.dirname, '..', '..');
let dir: tmp.DirResult;
let checkout: string;

beforeAll(() => {
  dir = tmp.dirSync({ unsafeCleanup: true });
  // A copy of the built tool, as a second checkout of it would be.
  checkout = path.join(dir.name, 'checkout');
  for (const part of ['bin', 'dist', 'package.json']) cpSync(path.join(ROOT, part), path.join(checkout, part), { recursive: true });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(checkout, 'node_modules'));
});
afterAll(() => dir.removeCallback());

/** The cache's report entries (one per device and key), by name. */
function entries(cache: string): string[] {
  const found: string[] = [];
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(at, entry.name));
      else if (entry.name.endsWith('.json') || entry.name.endsWith('.json.gz')) found.push(entry.name);
    }
  };
  walk(cache);
  return found.sort();
}

async function diagnose(cache: string): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, [path.join(checkout, 'bin', 'ldforensics.js'), 'diagnose', path.join(SAMPLES, 'LAB-0101'), '-f', 'csv', '--cache-location', cache], { cwd: dir.name });
    return stdout;
  } catch (error) {
    return (error as { stdout: string }).stdout;
  }
}

describe('--cache across builds', () => {
  it('a rerun of the same build takes the cached report; a rebuilt one makes its own', async () => {
    const cache = path.join(dir.name, 'cache');
    const first = await diagnose(cache);
    const written = entries(cache);
    expect(written.length).toBeGreaterThan(0);
    expect(await diagnose(cache)).toBe(first);
    expect(entries(cache)).toEqual(written);
    // The same version, other code: a byte added to the bundle the command line runs.
    const bundle = path.join(checkout, 'dist', 'bundle');
    const chunk = readdirSync(bundle).find((name) => name.startsWith('chunk-'));
    appendFileSync(path.join(bundle, chunk!), '\n// rebuilt\n');
    expect(await diagnose(cache)).toBe(first);
    const after = entries(cache);
    expect(after.length).toBeGreaterThan(written.length);
    expect(after).toEqual(expect.arrayContaining(written));
  });
});
