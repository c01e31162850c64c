// Files that never end (the fleet-runs issue): a 10 GB sparse vulscan.log was still being read
// after 60 s. A file larger than --max-file-size (2 GiB by default) is not read, and one whose
// first 64 KiB are all zero bytes is not read further: each is a read error named on its device.
import { execFile } from 'node:child_process';
import { closeSync, cpSync, ftruncateSync, openSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import tmp from 'tmp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diagnose } from '../../src/run.js';
import { SAMPLES } from '../helpers/parse.js';

const run = promisify(execFile);
const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'ldforensics.js');
const LOG = ['ProgramData', 'LANDesk', 'Log'];

let root: tmp.DirResult;
beforeEach(() => {
  root = tmp.dirSync({ unsafeCleanup: true });
});
afterEach(() => {
  root.removeCallback();
});

function sample(name: string): string {
  const dir = path.join(root.name, name);
  cpSync(path.join(SAMPLES, name), dir, { recursive: true });
  return dir;
}

describe('a file larger than --max-file-size', () => {
  it('a 10 GB sparse vulscan.log is not read: a read error on the device, which keeps its verdict', async () => {
    const dir = sample('LAB-0101');
    const fd = openSync(path.join(dir, ...LOG, 'vulscan.log'), 'w');
    ftruncateSync(fd, 10 * 1024 ** 3);
    closeSync(fd);
    const device = (await diagnose({ paths: [dir] })).devices[0];
    expect(device?.readErrors).toEqual([{ path: 'LAB-0101/ProgramData/LANDesk/Log/vulscan.log', reason: '10 GiB, larger than --max-file-size (2 GiB): not read' }]);
    expect(device?.verdict).toBe('vulscan-blocked-sdclient');
  }, 30_000);

  it('--max-file-size 1K leaves the decisive logs unread: never no-failure, and stderr says which', async () => {
    const dir = sample('LAB-0102');
    let result: { stdout: string; stderr: string; code: number };
    try {
      result = { ...(await run(process.execPath, [BIN, 'diagnose', dir, '--max-file-size', '1K', '-f', 'json'])), code: 0 };
    } catch (error) {
      result = error as { stdout: string; stderr: string; code: number };
    }
    const device = (JSON.parse(result.stdout) as { devices: { verdict: string; readErrors?: { path: string; reason: string }[] }[] }).devices[0];
    expect(device?.verdict).toBe('unreadable');
    expect(device?.readErrors?.some((e) => e.path.endsWith('sdclient.log') && / KiB, larger than --max-file-size \(1 KiB\): not read$/.test(e.reason))).toBe(true);
    expect(result.stderr).toMatch(/LAB-0102: \d+ logs could not be read/);
  });

  it('refuses a size it cannot read', async () => {
    const result = await run(process.execPath, [BIN, 'diagnose', SAMPLES, '--max-file-size', 'lots']).catch((error: { code: number; stderr: string }) => error);
    expect(result).toMatchObject({ code: 2 });
    expect((result as { stderr: string }).stderr).toContain('--max-file-size: want a size in bytes, or with K, M or G (for example 2G), not "lots"');
  });
});

describe('a zero-filled file', () => {
  it('an sdclient.log whose first 64 KiB are zero bytes is not read further: a read error, and the device is not called healthy', async () => {
    const dir = sample('LAB-0102');
    const log = path.join(dir, ...LOG, 'sdclient.log');
    writeFileSync(log, Buffer.concat([Buffer.alloc(200 * 1024), Buffer.from('Mon, 09 Mar 2026 10:02:11 SDClient exiting, return code 0\r\n')]));
    const device = (await diagnose({ paths: [dir] })).devices[0];
    expect(device?.readErrors).toEqual([{ path: 'LAB-0102/ProgramData/LANDesk/Log/sdclient.log', reason: 'its first 64 KiB are all zero bytes (a zero-filled or sparse file, not a log): not read further' }]);
    expect(device?.verdict).toBe('unreadable');
  });

  it('a log that begins with a few NUL bytes is read as before', async () => {
    const dir = sample('LAB-0101');
    const log = path.join(dir, ...LOG, 'vulscan.log');
    writeFileSync(log, Buffer.concat([Buffer.alloc(16), Buffer.from('\r\n'), Buffer.from((await import('node:fs')).readFileSync(path.join(SAMPLES, 'LAB-0101', ...LOG, 'vulscan.log')))]));
    const device = (await diagnose({ paths: [dir] })).devices[0];
    expect(device?.readErrors).toBeUndefined();
    expect(device?.verdict).toBe('vulscan-blocked-sdclient');
  });
});
