// A run stopped by Ctrl-C or TERM removes what it had on disk until its end (the -o file's
// temporary copy, the text report's spool folder) and ends with the shell's code for the
// signal; the old report stays as it was.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tmp from 'tmp';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pendingCleanups } from '../../src/cli/interrupt.js';
import { OutputFile } from '../../src/cli/output-file.js';
import { GroupSpool } from '../../src/cli/spool.js';
import { BIN } from '../helpers/cli.js';

let root: tmp.DirResult;
beforeEach(() => {
  root = tmp.dirSync({ unsafeCleanup: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
  root.removeCallback();
});

/** A device whose sdclient.log takes the run a few seconds: time to stop it midway. */
function slowDevice(): string {
  const log = path.join(root.name, 'fleet', 'LAB-SLOW', 'ProgramData', 'LANDesk', 'Log');
  mkdirSync(log, { recursive: true });
  const lines: string[] = [];
  for (let i = 0; i < 600_000; i += 1) lines.push(`Mon, 09 Mar 2026 10:02:11 Downloading file http://core/packages/app/setup-${i}.msi\r\n`);
  writeFileSync(path.join(log, 'sdclient.log'), lines.join(''));
  return path.join(root.name, 'fleet');
}

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}

describe('a run stopped by a signal', () => {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal}: removes the -o file's temporary copy, keeps the old report, exits ${code}`, async () => {
      const fleet = slowDevice();
      const report = path.join(root.name, 'report.json');
      writeFileSync(report, 'the old report\n');
      const child = spawn(process.execPath, [BIN, 'diagnose', fleet, '-f', 'json', '-o', report], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
      const exited = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      const temporary = (): string[] => readdirSync(root.name).filter((name) => name.startsWith('.report.json.'));
      expect(await until(() => temporary().length === 1, 10_000)).toBe(true);
      child.kill(signal);
      expect(await exited).toBe(code);
      expect(stderr).toContain(`ldforensics: stopped (${signal}); its temporary files were removed`);
      expect(temporary()).toEqual([]);
      expect(readFileSync(report, 'utf8')).toBe('the old report\n');
    }, 30_000);
  }

  it('is never held by a log that is a stream (/proc/kmsg bound over vulscan.log, which a plain read waits on for ever): read as far as it goes and said, in the main thread and on workers', async (context) => {
    // The simulation of a hung share: a plain read of it blocks, and a read blocked in the
    // main thread lets no signal handler run. Files are opened non-blocking (bundles.ts), so it
    // never blocks, whichever thread reads it; the run ends by itself, the other device whole.
    const { execFileSync } = await import('node:child_process');
    const fleet = path.join(root.name, 'hung');
    for (const device of ['LAB-0101', 'LAB-HUNG']) {
      const log = path.join(fleet, device, 'ProgramData', 'LANDesk', 'Log');
      mkdirSync(log, { recursive: true });
      writeFileSync(path.join(log, 'sdclient.log'), readFileSync(path.join(import.meta.dirname, '..', '..', 'samples', 'LAB-0101', 'ProgramData', 'LANDesk', 'Log', 'sdclient.log')));
    }
    const hung = path.join(fleet, 'LAB-HUNG', 'ProgramData', 'LANDesk', 'Log', 'vulscan.log');
    writeFileSync(hung, '');
    try {
      execFileSync('mount', ['--bind', '/proc/kmsg', hung], { stdio: 'ignore' });
    } catch {
      process.stderr.write('interrupt.test: skipped the stream test: cannot bind-mount /proc/kmsg here (needs root and mount rights)\n');
      context.skip();
      return;
    }
    try {
      for (const jobs of [[], ['--jobs', '1'], ['--jobs', '2']]) {
        const child = spawn(process.execPath, [BIN, 'diagnose', fleet, '-f', 'json', ...jobs], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
        const started = Date.now();
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
        clearTimeout(timer);
        expect(code, `${jobs.join(' ')}: ended by itself`).toBe(1);
        expect(Date.now() - started).toBeLessThan(15_000);
        const report = JSON.parse(stdout) as { devices: { device: string; verdict: string; files: { path: string; warnings: string[] }[] }[] };
        expect(report.devices.map((d) => [d.device, d.verdict])).toEqual([['LAB-0101', 'vulscan-blocked-sdclient'], ['LAB-HUNG', 'vulscan-blocked-sdclient']]);
        const stream = report.devices[1]?.files.find((f) => f.path.endsWith('vulscan.log'));
        expect(stream?.warnings.join(' ')).toContain('it is a stream, not a file written out (it would have waited for more bytes, for ever): read as far as it went');
      }
    } finally {
      execFileSync('umount', [hung], { stdio: 'ignore' });
    }
  }, 60_000);

  it('registers the -o file and a spool that went to disk, and lets go of them when they are done', () => {
    const before = pendingCleanups();
    const file = new OutputFile(path.join(root.name, 'r.json'));
    expect(pendingCleanups()).toBe(before + 1);
    file.discard();
    expect(pendingCleanups()).toBe(before);
    vi.stubEnv('TMPDIR', root.name);
    const spool = new GroupSpool(2, 4);
    spool.add(0, new TextEncoder().encode('more than four bytes'));
    expect(pendingCleanups()).toBe(before + 1);
    const folder = readdirSync(root.name).find((name) => name.startsWith('ldforensics-report-'));
    expect(folder).toBeDefined();
    spool.remove();
    expect(pendingCleanups()).toBe(before);
    expect(existsSync(path.join(root.name, folder ?? 'none'))).toBe(false);
  });
});

describe('the supervisor (cli/supervisor.ts)', () => {
  it('passes the run\'s exit code through, and says a run killed from outside (kill -9 of the run), ending as the shell would (137)', async () => {
    const { execFileSync } = await import('node:child_process');
    const fleet = slowDevice();
    const child = spawn(process.execPath, [BIN, 'diagnose', fleet, '-f', 'json'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    // The run is the supervisor's only child.
    let run = '';
    expect(await until(() => {
      try {
        run = execFileSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).trim();
      } catch {
        run = '';
      }
      return run !== '';
    }, 10_000)).toBe(true);
    process.kill(Number(run), 'SIGKILL');
    expect(await exited).toBe(137);
    expect(stderr).toContain('ldforensics: the run was ended by SIGKILL');
  }, 30_000);
});
