// The README's GNU parallel recipe for several machines, run as written (the fleet-runs issue):
// --shard K/8 over a share where some shards hold no device, each writing its ndjson, then merge;
// the merged report must equal one run over the whole share. Only the ssh login file is left out
// (the shards run here), and /mnt/share and /mnt/out are this test's folders.
import { execFileSync, execSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tmp from 'tmp';
import { describe, expect, it } from 'vitest';
import { SAMPLES } from '../helpers/parse.js';

const ROOT = path.join(import.meta.dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'ldforensics.js');

const HAS_PARALLEL = ((): boolean => {
  try {
    execFileSync('parallel', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    process.stderr.write('parallel-recipe.test: skipped: GNU parallel is not installed (Debian: apt-get install parallel; .ci/run installs it)\n');
    return false;
  }
})();

/** The recipe's commands, from the README's code block that follows "With GNU parallel". */
function recipe(): string[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf('With GNU parallel');
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  if (at < 0 || !block?.[1]) throw new Error('README: the GNU parallel recipe was not found');
  return block[1].trim().split('\n');
}

describe.skipIf(!HAS_PARALLEL)('the README\'s GNU parallel recipe', () => {
  it('splits a share into 8 shards (some of them empty), merges them, and gives the report of one run', () => {
    const root = tmp.dirSync({ unsafeCleanup: true });
    try {
      // A nested share: two sites, five devices in all, fewer than the 8 shards.
      const share = path.join(root.name, 'share');
      for (const [site, device] of [['site-a', 'LAB-0101'], ['site-a', 'LAB-0102'], ['site-b', 'LAB-0105'], ['site-b', 'LAB-0110'], ['site-b', 'LAB-0113']] as const) {
        cpSync(path.join(SAMPLES, device), path.join(share, site, device), { recursive: true });
      }
      const out = path.join(root.name, 'out');
      mkdirSync(out);
      // `ldforensics` on the PATH, as an installed tool is.
      const bin = path.join(root.name, 'bin');
      mkdirSync(bin);
      writeFileSync(path.join(bin, 'ldforensics'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
      chmodSync(path.join(bin, 'ldforensics'), 0o755);
      const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, NO_COLOR: '1' };
      const [split, merge] = recipe();
      expect(split).toContain('parallel --sshloginfile hosts.txt');
      expect(merge).toContain('ldforensics merge');
      const local = (command: string): string => command.replace('--sshloginfile hosts.txt ', '').replaceAll('/mnt/share', share).replaceAll('/mnt/out', out);
      execSync(local(split ?? ''), { cwd: root.name, env, shell: '/bin/bash', stdio: 'pipe' });
      const shards = execSync(`ls ${out}`, { encoding: 'utf8' }).trim().split('\n');
      expect(shards).toHaveLength(8);
      // The merge exits 1 (these devices failed); its report is what counts.
      try {
        execSync(local(merge ?? ''), { cwd: root.name, env, shell: '/bin/bash', stdio: 'pipe' });
      } catch (error) {
        expect((error as { status: number }).status).toBe(1);
      }
      const one = (() => {
        try {
          return execFileSync(process.execPath, [BIN, 'diagnose', share, '-f', 'csv'], { cwd: root.name, env, encoding: 'utf8' });
        } catch (error) {
          return (error as { stdout: string }).stdout;
        }
      })();
      expect(readFileSync(path.join(root.name, 'fleet.csv'), 'utf8')).toBe(one);
      expect(one.split('\n').filter((l) => /LAB-01/.test(l))).toHaveLength(5);
    } finally {
      root.removeCallback();
    }
  }, 120_000);
});
