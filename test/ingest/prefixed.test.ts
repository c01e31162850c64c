// A flat folder of prefixed logs (the real-shares issue): LAB-0101_sdclient.log, LAB-0101-vulscan.log,
// sdclient_LAB-0103.log. Each device is its own; where some logs name no device, the folder is refused.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tmp from 'tmp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { splitPrefixed } from '../../src/ingest/prefixed.js';
import { diagnose } from '../../src/run.js';
import { SAMPLES } from '../helpers/parse.js';

let root: tmp.DirResult;
beforeEach(() => {
  root = tmp.dirSync({ unsafeCleanup: true });
});
afterEach(() => {
  root.removeCallback();
});

const LOG = ['ProgramData', 'LANDesk', 'Log'];
/** A sample's file, by its path inside the bundle. */
const sample = (device: string, ...parts: string[]): Buffer => readFileSync(path.join(SAMPLES, device, ...parts));

/** LAB-0101 (the race) and LAB-0102 (clean) as flat files, each named by `name(device, log)`. */
function flat(name: (device: string, log: string) => string): string {
  const dir = path.join(root.name, 'flat');
  mkdirSync(dir);
  for (const device of ['LAB-0101', 'LAB-0102']) {
    for (const log of ['sdclient.log', 'vulscan.log', 'localsch.log']) writeFileSync(path.join(dir, name(device, log)), sample(device, ...LOG, log));
    writeFileSync(path.join(dir, name(device, 'ldprovisioning.log')), sample(device, 'ldprovisioning', 'ldprovisioning.log'));
  }
  return dir;
}

describe('names that carry the device', () => {
  it('splits the three naming styles, and leaves plain log names and copies alone', () => {
    expect(splitPrefixed('LAB-0101_sdclient.log')).toEqual({ device: 'LAB-0101', logName: 'sdclient.log' });
    expect(splitPrefixed('LAB-0101-vulscan.log')).toEqual({ device: 'LAB-0101', logName: 'vulscan.log' });
    expect(splitPrefixed('sdclient_LAB-0101.log')).toEqual({ device: 'LAB-0101', logName: 'sdclient.log' });
    expect(splitPrefixed('LAB-0101_CP.1054.RunNow.stat')).toEqual({ device: 'LAB-0101', logName: 'CP.1054.RunNow.stat' });
    expect(splitPrefixed('PolicySync.exe_LAB-0101.log')).toEqual({ device: 'LAB-0101', logName: 'policysync.exe.log' });
    expect(splitPrefixed('sdclient.log')).toBeNull();
    expect(splitPrefixed('sdclient_task1054.log')).toBeNull();
    expect(splitPrefixed('old_sdclient.log')).toBeNull();
    expect(splitPrefixed('notes.txt')).toBeNull();
  });
});

describe('a flat folder of prefixed logs', () => {
  for (const [style, name] of [
    ['LAB-0101_sdclient.log', (device: string, log: string) => `${device}_${log}`],
    ['LAB-0101-sdclient.log', (device: string, log: string) => `${device}-${log}`],
    ['sdclient_LAB-0101.log', (device: string, log: string) => `${log.replace(/\.log$/, '')}_${device}.log`],
  ] as const) {
    it(`is one device per name (${style}), each with its own verdict`, async () => {
      const report = await diagnose({ paths: [flat(name)] });
      expect(report.devices.map((d) => [d.device, d.verdict])).toEqual([['LAB-0101', 'vulscan-blocked-sdclient'], ['LAB-0102', 'no-failure']]);
      expect(report.devices[0]?.files.map((f) => f.kind).sort()).toEqual(['localsch', 'provisioning', 'sdclient', 'vulscan']);
    });
  }

  it('inside a share beside device folders, and when its files are given one by one', async () => {
    const dir = flat((device, log) => `${device}_${log}`);
    const report = await diagnose({ paths: [path.join(dir, 'LAB-0101_sdclient.log'), path.join(dir, 'LAB-0101_vulscan.log'), path.join(dir, 'LAB-0102_sdclient.log')] });
    expect(report.devices.map((d) => d.device)).toEqual(['LAB-0101', 'LAB-0102']);
  });

  it('refuses a folder where some logs name their device and others none, saying how to lay it out', async () => {
    const dir = flat((device, log) => `${device}_${log}`);
    writeFileSync(path.join(dir, 'sdclient.log'), sample('LAB-0101', ...LOG, 'sdclient.log'));
    const report = await diagnose({ paths: [dir] });
    expect(report.devices).toHaveLength(1);
    expect(report.devices[0]?.verdict).toBe('unreadable');
    expect(report.devices[0]?.errors.join(' ')).toMatch(/holds logs named for devices \(LAB-0101_.*\) and logs named for none \(sdclient\.log\): which device the unnamed ones belong to cannot be told.*Put each device's logs in a folder of its own/);
  });
});
