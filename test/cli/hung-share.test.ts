// A run whose share stops answering in the middle (a read, or a listing, that waits in the
// kernel for ever) still ends on a signal: within 2 s, with its temporary files removed, the
// old report left as it was, the message said and the shell's code for the signal. The share is
// a real FUSE file system that does not answer (helpers/hung-share.ts), so the read blocks as it
// would on a hard-mounted NFS share: in the main thread (one device, a small fleet, --jobs 1)
// or on a worker (--jobs 2), and at planning.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tmp from 'tmp';
import { afterEach, beforeEach, describe, expect, it, type TestContext } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { mountHungShare, until, type HungCall, type HungShare } from '../helpers/hung-share.js';
import { SAMPLES } from '../helpers/parse.js';

const SAMPLE = path.join(SAMPLES, 'LAB-0101');

let root: tmp.DirResult;
beforeEach(() => {
  root = tmp.dirSync({ unsafeCleanup: true });
});
afterEach(() => {
  root.removeCallback();
});

/** Two devices, LAB-0101 and LAB-HUNG (the same logs), on a share where `call` on LAB-HUNG's `hang` waits. */
async function hungFleet(context: TestContext, hang: string, call: HungCall): Promise<HungShare> {
  const src = path.join(root.name, 'src');
  for (const device of ['LAB-0101', 'LAB-HUNG']) cpSync(SAMPLE, path.join(src, device), { recursive: true });
  const share = await mountHungShare(src, root.name, path.join('LAB-HUNG', hang), call);
  if (typeof share === 'string') {
    process.stderr.write(`hung-share.test: skipped: ${share}\n`);
    context.skip();
  }
  return share as HungShare;
}

interface Stopped {
  code: number | null;
  /** From the signal to the end of the process the user started. */
  ms: number;
  stderr: string;
}

/** Runs the CLI on the share, sends `signal` once a call hangs, and times the end of the process. */
async function stopWhileHung(share: HungShare, args: readonly string[], signal: NodeJS.Signals): Promise<Stopped> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  // 'exit', not 'close': a run killed while its read waits in the kernel holds the pipe until the share answers.
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
  try {
    expect(await share.hanging(), 'the run reached the call that hangs').toBe(true);
    // The run is waiting in the kernel now (and for ever): the moment the signal comes.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const sent = Date.now();
    child.kill(signal);
    const code = await exited;
    const ms = Date.now() - sent;
    await until(() => stderr.includes('stopped'), 500);
    return { code, ms, stderr };
  } finally {
    clearTimeout(guard);
  }
}

/**
 * Runs the CLI to its end: the process the user started ('exit'), or that and both its pipes
 * ('close'); what it wrote so far is read on (`stdout` is the live text).
 */
async function runToEnd(args: readonly string[], endsAt: 'exit' | 'close'): Promise<{ code: number | null; ms: number; readonly stdout: string; stderr: string }> {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => { out.stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { out.stderr += chunk.toString(); });
  const ended = new Promise<number | null>((resolve) => child.on(endsAt, (code: number | null) => resolve(code)));
  const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await ended;
  clearTimeout(guard);
  return { code, ms: Date.now() - started, get stdout() { return out.stdout; }, stderr: out.stderr };
}

const temporaries = (folder: string): string[] => readdirSync(folder).filter((name) => name.startsWith('.report'));

describe('a run on a share that stops answering', () => {
  for (const jobs of [[], ['--jobs', '1'], ['--jobs', '2']]) {
    const named = jobs.length === 0 ? 'the default jobs' : jobs.join(' ');
    it(`ends on TERM within 2 s while a log's read waits (${named}): temporary file removed, old report kept, code 143`, async (context) => {
      const share = await hungFleet(context, 'ProgramData/LANDesk/Log/vulscan.log', 'read');
      try {
        const report = path.join(root.name, 'report.json');
        writeFileSync(report, 'the old report\n');
        const stopped = await stopWhileHung(share, ['diagnose', share.mount, '-f', 'json', '-o', report, ...jobs], 'SIGTERM');
        expect(stopped.code).toBe(143);
        expect(stopped.ms).toBeLessThan(2_000);
        expect(stopped.stderr).toContain('ldforensics: stopped (SIGTERM); its temporary files were removed');
        expect(temporaries(root.name)).toEqual([]);
        expect(readFileSync(report, 'utf8')).toBe('the old report\n');
      } finally {
        await share.close();
      }
    }, 40_000);
  }

  it('ends on Ctrl-C (INT) within 2 s while an HTML folder report waits on a read: the old folder as it was, no temporary folder, code 130', async (context) => {
    const share = await hungFleet(context, 'ProgramData/LANDesk/Log/vulscan.log', 'read');
    try {
      const out = path.join(root.name, 'report');
      mkdirSync(out);
      writeFileSync(path.join(out, 'index.html'), 'the old index\n');
      const stopped = await stopWhileHung(share, ['diagnose', share.mount, '-f', 'html', '-o', `${out}/`], 'SIGINT');
      expect(stopped.code).toBe(130);
      expect(stopped.ms).toBeLessThan(2_000);
      expect(stopped.stderr).toContain('ldforensics: stopped (SIGINT); its temporary files were removed');
      expect(readdirSync(out)).toEqual(['index.html']);
      expect(readFileSync(path.join(out, 'index.html'), 'utf8')).toBe('the old index\n');
      expect(readdirSync(root.name).filter((name) => name.startsWith('.'))).toEqual([]);
    } finally {
      await share.close();
    }
  }, 40_000);

  it('ends on TERM within 2 s while planning waits on a folder listing', async (context) => {
    const share = await hungFleet(context, 'ProgramData', 'readdir');
    try {
      const stopped = await stopWhileHung(share, ['diagnose', share.mount, '-f', 'json'], 'SIGTERM');
      expect(stopped.code).toBe(143);
      expect(stopped.ms).toBeLessThan(2_000);
      expect(stopped.stderr).toContain('ldforensics: stopped (SIGTERM)');
    } finally {
      await share.close();
    }
  }, 40_000);

  for (const jobs of [[], ['--jobs', '2']]) {
    const named = jobs.length === 0 ? 'the default jobs' : jobs.join(' ');
    it(`gives up a log whose read stalls past --read-timeout (${named}): a read error on its device, the fleet goes on, the run ends by itself with its own code and lets go of the pipe`, async (context) => {
      const share = await hungFleet(context, 'ProgramData/LANDesk/Log/vulscan.log', 'read');
      try {
        const { code, ms, stdout, stderr } = await runToEnd(['diagnose', share.mount, '-f', 'json', '--read-timeout', '2', ...jobs], 'close');
        expect(code, stderr).toBe(1);
        expect(ms).toBeLessThan(15_000);
        const report = JSON.parse(stdout) as { devices: { device: string; verdict: string; readErrors?: { path: string; reason: string }[] }[] };
        expect(report.devices.map((d) => [d.device, d.verdict])).toEqual([['LAB-0101', 'vulscan-blocked-sdclient'], ['LAB-HUNG', 'vulscan-blocked-sdclient']]);
        expect(report.devices[0]?.readErrors ?? []).toEqual([]);
        expect(report.devices[1]?.readErrors).toEqual([{ path: 'LAB-HUNG/ProgramData/LANDesk/Log/vulscan.log', reason: 'cannot be read: its read stalled: no byte for 2 s (--read-timeout), as from a share that stopped answering; not read' }]);
        expect(stderr).toContain('LAB-HUNG: 1 log could not be read: LAB-HUNG/ProgramData/LANDesk/Log/vulscan.log');
      } finally {
        await share.close();
      }
    }, 40_000);
  }

  for (const [hang, listed] of [['', 'LAB-HUNG'], ['ProgramData/LANDesk/Log', 'LAB-HUNG/ProgramData/LANDesk/Log']] as const) {
    it(`plans again without a folder whose listing stalls at planning (${listed}): its device unreadable, naming the listing; the fleet goes on, exit 1`, async (context) => {
      const share = await hungFleet(context, hang, 'readdir');
      try {
        // 'exit': the run killed on the stall waits in the kernel, holding the pipes, until the share is released.
        const ended = await runToEnd(['diagnose', share.mount, '-f', 'json', '--read-timeout', '2'], 'exit');
        const { code, ms, stderr } = ended;
        expect(code, stderr).toBe(1);
        expect(ms).toBeLessThan(20_000);
        expect(stderr).toMatch(/no answer for 2 s \(--read-timeout\); planning again without it/);
        await until(() => ended.stdout.trimEnd().endsWith('}'), 2_000);
        const report = JSON.parse(ended.stdout) as { devices: { device: string; verdict: string; errors?: string[] }[] };
        expect(report.devices.map((d) => [d.device, d.verdict])).toEqual([['LAB-0101', 'vulscan-blocked-sdclient'], ['LAB-HUNG', 'unreadable']]);
        expect(report.devices[1]?.errors?.join(' ')).toContain(`listing ${listed} stalled: no answer for 2 s (--read-timeout), as from a share that stopped answering`);
      } finally {
        await share.close();
      }
    }, 60_000);
  }

  it('the share helper hangs for real: a plain read of the file waits until the share is released', async (context) => {
    const share = await hungFleet(context, 'ProgramData/LANDesk/Log/vulscan.log', 'read');
    const reader = spawn('cat', [path.join(share.mount, 'LAB-HUNG', 'ProgramData', 'LANDesk', 'Log', 'vulscan.log')], { stdio: 'ignore' });
    const ended = new Promise<number | null>((resolve) => reader.on('exit', (code) => resolve(code)));
    try {
      expect(await share.hanging()).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(reader.exitCode).toBeNull();
    } finally {
      await share.close();
    }
    // Released, it ends (however its read came out).
    expect(await Promise.race([ended.then(() => 'ended'), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 5_000))])).toBe('ended');
    expect(existsSync(share.mount)).toBe(true);
  }, 40_000);
});
