// What a thread loads at its start is paid by every run, in the main thread and again in each
// worker: a dependency that only some runs need (yauzl for zips, luxon for --tz and swimlanes)
// is loaded where it is first used, not by an import at the top of a module.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import tmp from 'tmp';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const LAZY = ['yauzl', 'luxon'];
const BIN = path.join(ROOT, 'bin', 'ldforensics.js');
const DEVICE = path.join(ROOT, 'samples', 'LAB-0101');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('a thread\'s start', () => {
  it('imports neither yauzl nor luxon from any module, other than for their types', () => {
    const found: string[] = [];
    for (const file of sourceFiles(path.join(ROOT, 'src'))) {
      // Whole statements, over as many lines as they take; `import type` is erased by tsc.
      for (const from of readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\s+(type\s+)?[^;]*?\bfrom\s+'([^']+)'/gm)) {
        if (from[1] === undefined && LAZY.includes(from[2] ?? '')) found.push(`${path.relative(ROOT, file)}: ${from[0].trim().split('\n')[0] ?? ''}`);
      }
    }
    expect(found).toEqual([]);
  });

  it('loads neither when the CLI and the diagnosis are loaded, and each once used', () => {
    const script = `
      import { createRequire } from 'node:module';
      const loaded = () => Object.keys(createRequire(import.meta.url)('module')._cache).filter((f) => /node_modules[\\\\/](yauzl|luxon)[\\\\/]/.test(f)).map((f) => f.match(/node_modules[\\\\/](yauzl|luxon)/)[1]);
      await import(${JSON.stringify(path.join(ROOT, 'dist', 'cli', 'cli.js'))});
      const atStart = [...new Set(loaded())];
      const { checkZone } = await import(${JSON.stringify(path.join(ROOT, 'dist', 'timeline', 'iso.js'))});
      checkZone('Europe/Paris');
      const { openZipBundle } = await import(${JSON.stringify(path.join(ROOT, 'dist', 'ingest', 'zip.js'))});
      await openZipBundle(${JSON.stringify(path.join(ROOT, 'samples', 'LAB-0104.zip'))}, { name: 'x', displayPath: 'x.zip' });
      console.log(JSON.stringify({ atStart, used: [...new Set(loaded())].sort() }));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ atStart: [], used: ['luxon', 'yauzl'] });
  });

  it('runs the bundled CLI: one device on the worker it started first, by default and with --jobs 2 (two threads, not three); the same report as the API\'s', async () => {
    const profiles = tmp.dirSync({ unsafeCleanup: true });
    const threads = (args: string[]): { run: ReturnType<typeof spawnSync>; count: number } => {
      const dir = tmp.dirSync({ unsafeCleanup: true, dir: profiles.name });
      // The run's own threads: unsupervised, so the supervisor process's profile is not among them.
      const run = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir.name}`, BIN, 'diagnose', DEVICE, '-f', 'json', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, LDFORENSICS_SUPERVISED: 'off' } });
      return { run, count: readdirSync(dir.name).filter((f) => f.endsWith('.cpuprofile')).length };
    };
    try {
      // One CPU profile per thread: a second copy of the standby module would leave its worker unadopted and start another.
      const { run, count } = threads([]);
      expect(run.status, String(run.stderr)).toBe(1);
      expect(count).toBe(2);
      const onWorker = threads(['--jobs', '2']);
      expect(onWorker.count).toBe(2);
      expect(onWorker.run.stdout).toBe(run.stdout);
      const { diagnose } = await import('../../src/run.js');
      const { renderers } = await import('../../src/render/index.js');
      expect(String(run.stdout).trim()).toBe(renderers.json.render(await diagnose({ paths: [DEVICE] }), { color: false }).trim());
    } finally {
      profiles.removeCallback();
    }
  }, 60_000);

  it.skipIf(spawnSync('strace', ['-V']).status !== 0)('opens only the bin and the bundle\'s files for a folder device: none of tsc\'s modules, no dependency', () => {
    const trace = tmp.fileSync();
    try {
      const run = spawnSync('strace', ['-f', '-e', 'trace=openat', '-o', trace.name, process.execPath, BIN, 'diagnose', DEVICE, '-f', 'json', '--jobs', '2'], { cwd: ROOT, encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(1);
      const opened = readFileSync(trace.name, 'utf8').match(/"[^"]+\.js"/g) ?? [];
      expect(opened.some((file) => file.includes(`${path.sep}dist${path.sep}bundle${path.sep}worker.js`))).toBe(true);
      expect(opened.filter((file) => !file.includes(`${path.sep}dist${path.sep}bundle${path.sep}`) && file !== JSON.stringify(BIN))).toEqual([]);
    } finally {
      trace.removeCallback();
    }
  }, 60_000);
});
