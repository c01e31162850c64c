// The -o report file is written whole or not at all: a write that fails (a full disk) is said
// with the file's name and exits 2, never a crash or a hang, and the old report stays as it was.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import tmp from 'tmp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SAMPLES } from '../helpers/parse.js';

/** Set by a test: the next writes to a file fail as on a full disk. */
const disk = vi.hoisted(() => ({ full: false }));

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const writeSync = ((...args: Parameters<typeof actual.writeSync>) => {
    if (disk.full && typeof args[0] === 'number' && args[0] > 2) {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    }
    return (actual.writeSync as (...a: unknown[]) => number)(...args);
  }) as typeof actual.writeSync;
  // The HTML folder's pages are written whole to a temporary file, then renamed.
  const writeFileSync = ((...args: Parameters<typeof actual.writeFileSync>) => {
    if (disk.full && /\.html\.[^/]*\.tmp$/.test(String(args[0]))) {
      (actual.writeFileSync as (...a: unknown[]) => void)(args[0], 'half a pa');
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    }
    (actual.writeFileSync as (...a: unknown[]) => void)(...args);
  }) as typeof actual.writeFileSync;
  return { ...actual, default: { ...actual, writeSync, writeFileSync }, writeSync, writeFileSync };
});

afterEach(() => {
  disk.full = false;
  vi.restoreAllMocks();
});

async function run(args: string[]): Promise<{ code: number; stderr: string }> {
  const { main } = await import('../../src/cli/cli.js');
  const written: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  const code = await main(args);
  return { code, stderr: written.join('') };
}

describe('the -o report file', () => {
  for (const format of ['json', 'ndjson', 'text', 'md', 'csv', 'html']) {
    it(`${format}: a full disk is said with the file's name, exits 2, and keeps the old report`, async () => {
      const dir = tmp.dirSync({ unsafeCleanup: true });
      const report = path.join(dir.name, `report.${format}`);
      fs.writeFileSync(report, 'the old report\n');
      disk.full = true;
      const { code, stderr } = await run(['diagnose', path.join(SAMPLES, 'LAB-0101'), path.join(SAMPLES, 'LAB-0102'), '-f', format, '-o', report]);
      expect(code).toBe(2);
      expect(stderr).toContain(`ldforensics: --output: cannot write ${report}: ENOSPC: no space left on device`);
      expect(stderr).not.toContain('internal error');
      expect(fs.readFileSync(report, 'utf8')).toBe('the old report\n');
      // Nothing half-written is left beside it.
      expect(fs.readdirSync(dir.name)).toEqual([`report.${format}`]);
    });
  }

  it('html as a folder: a full disk is said with the page\'s name, exits 2, and leaves no half-written page', async () => {
    const dir = tmp.dirSync({ unsafeCleanup: true });
    const out = path.join(dir.name, 'site');
    fs.mkdirSync(path.join(out, 'devices'), { recursive: true });
    fs.writeFileSync(path.join(out, 'index.html'), 'the old index\n');
    disk.full = true;
    const { code, stderr } = await run(['diagnose', path.join(SAMPLES, 'LAB-0101'), path.join(SAMPLES, 'LAB-0102'), '-f', 'html', '-o', `${out}/`]);
    expect(code).toBe(2);
    expect(stderr).toContain(`ldforensics: --output: cannot write ${path.join(out, 'devices', 'LAB-0101.html')}: ENOSPC: no space left on device`);
    expect(stderr).not.toContain('internal error');
    expect(fs.readFileSync(path.join(out, 'index.html'), 'utf8')).toBe('the old index\n');
    expect(fs.readdirSync(path.join(out, 'devices'))).toEqual([]);
  });

  it('a report written whole replaces the old one, and no temporary file is left', async () => {
    const dir = tmp.dirSync({ unsafeCleanup: true });
    const report = path.join(dir.name, 'report.json');
    fs.writeFileSync(report, 'the old report\n');
    const { code } = await run(['diagnose', path.join(SAMPLES, 'LAB-0101'), path.join(SAMPLES, 'LAB-0102'), '-f', 'json', '-o', report]);
    expect(code).toBe(1);
    const parsed = JSON.parse(fs.readFileSync(report, 'utf8')) as { devices: { device: string }[] };
    expect(parsed.devices.map((d) => d.device)).toEqual(['LAB-0101', 'LAB-0102']);
    expect(fs.readdirSync(dir.name)).toEqual(['report.json']);
  });

  // Only a regular file is replaced by a rename: `-o /dev/null` as root once replaced the
  // machine's /dev/null with a regular file. A named pipe stands in for any such target here.
  it('a named pipe (as /dev/null or /dev/stdout) is written into, never replaced', async () => {
    const dir = tmp.dirSync({ unsafeCleanup: true });
    const pipe = path.join(dir.name, 'report.pipe');
    expect(spawnSync('mkfifo', [pipe]).status).toBe(0);
    const reader = spawn('cat', [pipe]);
    const read: Buffer[] = [];
    reader.stdout.on('data', (chunk: Buffer) => read.push(chunk));
    const closed = new Promise((resolve) => reader.on('close', resolve));
    const { code } = await run(['diagnose', path.join(SAMPLES, 'LAB-0101'), path.join(SAMPLES, 'LAB-0102'), '-f', 'json', '-o', pipe]);
    await closed;
    expect(code).toBe(1);
    const parsed = JSON.parse(Buffer.concat(read).toString('utf8')) as { devices: { device: string }[] };
    expect(parsed.devices.map((d) => d.device)).toEqual(['LAB-0101', 'LAB-0102']);
    expect(fs.lstatSync(pipe).isFIFO()).toBe(true);
    expect(fs.readdirSync(dir.name)).toEqual(['report.pipe']);
  });

  it('a symbolic link keeps pointing where it did: the file it points to is replaced', async () => {
    const dir = tmp.dirSync({ unsafeCleanup: true });
    const reports = path.join(dir.name, 'reports');
    fs.mkdirSync(reports);
    const report = path.join(reports, 'report.json');
    fs.writeFileSync(report, 'the old report\n');
    const link = path.join(dir.name, 'latest.json');
    fs.symlinkSync(report, link);
    const { code } = await run(['diagnose', path.join(SAMPLES, 'LAB-0101'), '-f', 'json', '-o', link]);
    expect(code).toBe(1);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect((JSON.parse(fs.readFileSync(report, 'utf8')) as { devices: unknown[] }).devices).toHaveLength(1);
    expect(fs.readdirSync(dir.name).sort()).toEqual(['latest.json', 'reports']);
    expect(fs.readdirSync(reports)).toEqual(['report.json']);
  });
});
