// Planning reads the share in the main thread; a call there that never returns is seen by the
// supervisor (cli/supervisor.ts), which plans again without that path. Made here without a hung
// share: the gathering script's hostname file (read at planning to name a PS1_Log_Script
// folder's device) is a FIFO with no writer, whose open waits in the kernel for ever.
// (hung-share.test.ts does the same over a real FUSE share, where FUSE can be mounted.)
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import tmp from 'tmp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { SAMPLES } from '../helpers/parse.js';


let root: tmp.DirResult;
beforeEach(() => {
  root = tmp.dirSync({ unsafeCleanup: true });
});
afterEach(() => {
  root.removeCallback();
});

/** A share of LAB-0102 and `held` sites, each a PS1_Log_Script folder whose hostname file is a FIFO nobody writes. */
function shareWithHeldNames(held: number): string {
  const share = path.join(root.name, 'share');
  cpSync(path.join(SAMPLES, 'LAB-0102'), path.join(share, 'LAB-0102'), { recursive: true });
  for (let i = 1; i <= held; i += 1) {
    const gathered = path.join(share, `site-${i}`, 'PS1_Log_Script');
    mkdirSync(path.dirname(gathered), { recursive: true });
    cpSync(path.join(SAMPLES, 'LAB-0101'), gathered, { recursive: true });
    execFileSync('mkfifo', [path.join(gathered, 'Hostname_IP_Info.log')]);
  }
  return share;
}

function run(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const guard = setTimeout(() => child.kill('SIGKILL'), 40_000);
  return new Promise((resolve) => child.on('close', (code) => {
    clearTimeout(guard);
    resolve({ code, stdout, stderr, ms: Date.now() - started });
  }));
}

describe.runIf(process.platform !== 'win32')('a call at planning that never returns', () => {
  it('has the run planned again without it: the device is named without the file, the fleet is read whole, exit 1', async () => {
    const share = shareWithHeldNames(1);
    const result = await run(['diagnose', share, '-f', 'json', '--read-timeout', '1']);
    expect(result.code, result.stderr).toBe(1);
    expect(result.ms).toBeLessThan(20_000);
    expect(result.stderr).toContain(`ldforensics: ${path.join(share, 'site-1', 'PS1_Log_Script', 'Hostname_IP_Info.log')}: no answer for 1 s (--read-timeout); planning again without it`);
    const report = JSON.parse(result.stdout) as { devices: { device: string; verdict: string }[] };
    // Named after the folder above the script's folder, as where the script's outputs say nothing.
    expect(report.devices.map((d) => [d.device, d.verdict])).toEqual([['LAB-0102', 'no-failure'], ['site-1', 'vulscan-blocked-sdclient']]);
  }, 60_000);

  it('gives up after six such paths: exit 2, naming them', async () => {
    const share = shareWithHeldNames(6);
    const result = await run(['diagnose', share, '-f', 'json', '--read-timeout', '1']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('ldforensics: planning gave up: 6 paths had no answer for 1 s (--read-timeout), as from a share that stopped answering: ');
    for (let i = 1; i <= 6; i += 1) expect(result.stderr).toContain(path.join(share, `site-${i}`, 'PS1_Log_Script', 'Hostname_IP_Info.log'));
  }, 60_000);
});
