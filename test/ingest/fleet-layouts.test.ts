// The layouts real shares have: nested site/date/device folders, the same device gathered twice,
// a log file given alone. Built from the samples in a temporary folder.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tmp from 'tmp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diagnose } from '../../src/run.js';
import { BIN } from '../helpers/cli.js';
import { SAMPLES } from '../helpers/parse.js';
import { writeZip } from '../helpers/zip.js';

let root: tmp.DirResult;
beforeEach(() => {
  root = tmp.dirSync({ unsafeCleanup: true });
});
afterEach(() => {
  root.removeCallback();
});

function place(sample: string, ...where: string[]): string {
  const to = path.join(root.name, ...where);
  mkdirSync(path.dirname(to), { recursive: true });
  cpSync(path.join(SAMPLES, sample), to, { recursive: true });
  return to;
}

describe('a nested share', () => {
  it('gives one device per bundle folder at any depth, never one device per date folder', async () => {
    // Regression: batches/2026-03-01/{LAB-0101,LAB-0102} came out as one device "2026-03-01" with both the race and the fix.
    place('LAB-0101', 'share', 'site-a', '2026-03-01', 'LAB-0101');
    place('LAB-0102', 'share', 'site-a', '2026-03-01', 'LAB-0102');
    place('LAB-0112', 'share', 'site-b', '2026-04-14', 'batch-2', 'LAB-0112');
    const report = await diagnose({ paths: [path.join(root.name, 'share')] });
    expect(report.devices.map((d) => [d.device, d.verdict])).toEqual([
      ['LAB-0101', 'vulscan-blocked-sdclient'],
      ['LAB-0102', 'no-failure'],
      ['LAB-0112', 'vulscan-blocked-sdclient'],
    ]);
    // Which folder each device came from, in its report and its files' paths.
    // Given absolute, shown absolute.
    expect(report.devices[2]?.source).toBe(path.join(root.name, 'share', 'site-b', '2026-04-14', 'batch-2', 'LAB-0112'));
    expect(report.devices[0]?.files[0]?.path).toMatch(/^site-a\/2026-03-01\/LAB-0101\//);
  });

  it('two bundles of one device name are two devices, named with their parent folder', async () => {
    place('LAB-0101', 'fleet', 'first-build', 'LAB-0101');
    place('LAB-0102', 'fleet', 'rebuild', 'LAB-0101');
    const report = await diagnose({ paths: [path.join(root.name, 'fleet')] });
    expect(report.devices.map((d) => [d.device, d.verdict])).toEqual([
      ['first-build/LAB-0101', 'vulscan-blocked-sdclient'],
      ['rebuild/LAB-0101', 'no-failure'],
    ]);
  });

  it('the same path given twice is one device', async () => {
    const dir = place('LAB-0101', 'LAB-0101');
    const report = await diagnose({ paths: [dir, `${dir}/`] });
    expect(report.devices.map((d) => d.device)).toEqual(['LAB-0101']);
  });
});

describe('a log file given alone', () => {
  it('is named after its bundle folder above the layout folders, not "Log"', async () => {
    const dir = place('LAB-0101', 'LAB-0101');
    const report = await diagnose({ paths: [path.join(dir, 'ProgramData', 'LANDesk', 'Log', 'sdclient.log')] });
    expect(report.devices.map((d) => d.device)).toEqual(['LAB-0101']);
  });
});

describe('what one bundle may hold', () => {
  it('reads a folder bundle\'s first files up to --max-files and says how many were left out', async () => {
    const dir = path.join(root.name, 'LAB-MANY');
    mkdirSync(path.join(dir, 'Data'), { recursive: true });
    for (let i = 0; i < 60; i += 1) writeFileSync(path.join(dir, 'Data', `sdclient_task${1000 + i}.log`), 'Mon, 09 Mar 2026 10:02:11 SDClient exiting, return code 0\r\n');
    const report = await diagnose({ paths: [dir], maxFiles: 25 });
    const device = report.devices[0];
    expect(device?.files).toHaveLength(25);
    expect(device?.skipped).toContainEqual({ path: 'LAB-MANY', reason: '35 more files not read: the bundle holds more than 25 files (raise the limit with --max-files)' });
  });

  it('reads a zip bundle\'s first entries up to --max-files and says how many were left out', async () => {
    const zip = path.join(root.name, 'LAB-ZIPMANY.zip');
    writeZip(zip, Array.from({ length: 40 }, (_, i) => ({ name: `Data/sdclient_task${1000 + i}.log`, data: 'Mon, 09 Mar 2026 10:02:11 SDClient exiting, return code 0\r\n' })));
    const report = await diagnose({ paths: [zip], maxFiles: 10 });
    expect(report.devices[0]?.files).toHaveLength(10);
    expect(report.devices[0]?.skipped).toContainEqual({ path: 'LAB-ZIPMANY.zip', reason: '30 more entries not read: the zip holds more than 10 files (raise the limit with --max-files)' });
  });
});

/** A sample's files as zip entries under `prefix`. */
function entriesOf(sample: string, prefix: string): { name: string; data: Buffer }[] {
  const out: { name: string; data: Buffer }[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full, `${rel}${entry.name}/`);
      else out.push({ name: `${prefix}${rel}${entry.name}`, data: readFileSync(full) });
    }
  };
  walk(path.join(SAMPLES, sample), '');
  return out;
}

describe('a fleet zipped inside one wrapper folder', () => {
  it('logs.zip → logs/LAB-0101/…, logs/LAB-0103/…: each folder is a device, never one device', async () => {
    // Regression: 14 devices zipped with one wrapper folder came out as one device with a confident verdict.
    const zip = path.join(root.name, 'logs.zip');
    writeZip(zip, [...entriesOf('LAB-0101', 'logs/LAB-0101/'), ...entriesOf('LAB-0102', 'logs/LAB-0102/'), ...entriesOf('LAB-0103', 'logs/LAB-0103/')]);
    const report = await diagnose({ paths: [zip] });
    expect(report.devices.map((d) => [d.device, d.verdict])).toEqual([
      ['LAB-0101', 'vulscan-blocked-sdclient'],
      ['LAB-0102', 'no-failure'],
      ['LAB-0103', 'package-install-failed'],
    ]);
  });

  it('a zipped nested share (site/date/device), with one name in two sites: devices at any depth, told apart by their path', async () => {
    const zip = path.join(root.name, 'share.zip');
    writeZip(zip, [
      ...entriesOf('LAB-0101', 'share/site-a/2026-03-01/LAB-0101/'),
      ...entriesOf('LAB-0102', 'share/site-b/2026-03-02/LAB-0101/'),
      ...entriesOf('LAB-0112', 'share/site-b/2026-03-02/LAB-0112/'),
    ]);
    const report = await diagnose({ paths: [zip] });
    expect(report.devices.map((d) => [d.device, d.verdict])).toEqual([
      ['LAB-0112', 'vulscan-blocked-sdclient'],
      ['site-a/2026-03-01/LAB-0101', 'vulscan-blocked-sdclient'],
      ['site-b/2026-03-02/LAB-0101', 'no-failure'],
    ]);
  });

  it('one device whose folder holds an old/ copy of its logs stays one device', async () => {
    const zip = path.join(root.name, 'LAB-0101.zip');
    writeZip(zip, [...entriesOf('LAB-0101', 'LAB-0101/'), ...entriesOf('LAB-0101', 'LAB-0101/old/')]);
    const report = await diagnose({ paths: [zip] });
    expect(report.devices).toHaveLength(1);
  });
});

describe('the same device name twice', () => {
  it('is told apart by the part of the path that differs, for folders and zips alike (never "(2)"), with the group as a field and --device taking a bare or a qualified name', async () => {
    place('LAB-0101', 'share', 'site-a', '2026-03-01', 'LAB-0101');
    place('LAB-0102', 'share', 'site-b', '2026-03-01', 'LAB-0101');
    place('LAB-0105', 'share', 'site-c', '2026-03-01', 'LAB-0105');
    writeZip(path.join(root.name, 'share', 'site-a', 'LAB-0104.zip'), entriesOf('LAB-0101', ''));
    writeZip(path.join(root.name, 'share', 'site-b', 'LAB-0104.zip'), entriesOf('LAB-0102', ''));
    const share = path.join(root.name, 'share');
    const report = await diagnose({ paths: [share] });
    expect(report.devices.map((d) => [d.device, d.group, d.verdict])).toEqual([
      ['LAB-0105', 'site-c/2026-03-01', 'download-failed'],
      ['site-a/2026-03-01/LAB-0101', 'site-a/2026-03-01', 'vulscan-blocked-sdclient'],
      ['site-a/LAB-0104', 'site-a', 'vulscan-blocked-sdclient'],
      ['site-b/2026-03-01/LAB-0101', 'site-b/2026-03-01', 'no-failure'],
      ['site-b/LAB-0104', 'site-b', 'no-failure'],
    ].sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? '')));
    expect(report.devices.some((d) => d.device.includes('(2)'))).toBe(false);
    const bare = await diagnose({ paths: [share], devices: ['LAB-0101'] });
    expect(bare.devices.map((d) => d.device)).toEqual(['site-a/2026-03-01/LAB-0101', 'site-b/2026-03-01/LAB-0101']);
    const qualified = await diagnose({ paths: [share], devices: ['site-b/2026-03-01/LAB-0101'] });
    expect(qualified.devices.map((d) => d.device)).toEqual(['site-b/2026-03-01/LAB-0101']);
  });

  it('gathered twice by the vendor\'s script into one folder: told apart by the gathering date, a second copy of one gathering by its zip\'s name, and all found by the bare name, from the CLI too', async () => {
    const share = path.join(root.name, 'share');
    mkdirSync(share);
    const gathering = path.join(SAMPLES, 'All_Zipped_Logs_LAB-0116_02172026.zip');
    cpSync(gathering, path.join(share, 'All_Zipped_Logs_LAB-0116_02172026.zip'));
    cpSync(gathering, path.join(share, 'All_Zipped_Logs_LAB-0116_02172026 (1).zip'));
    cpSync(gathering, path.join(share, 'All_Zipped_Logs_LAB-0116_03012026.zip'));
    cpSync(gathering, path.join(share, 'All_Zipped_Logs_LAB-0117_03012026.zip'));
    const names = (await diagnose({ paths: [share] })).devices.map((d) => d.device);
    expect(names).toEqual([
      'All_Zipped_Logs_LAB-0116_02172026 (1).zip',
      'All_Zipped_Logs_LAB-0116_02172026.zip',
      'LAB-0116 (gathered 2026-03-01)',
      'LAB-0117',
    ]);
    expect((await diagnose({ paths: [share], devices: ['lab-0116'] })).devices.map((d) => d.device)).toEqual(names.slice(0, 3));
    expect((await diagnose({ paths: [share], devices: ['LAB-0116 (gathered 2026-03-01)'] })).devices.map((d) => d.device)).toEqual(['LAB-0116 (gathered 2026-03-01)']);
    const cli = spawnSync(process.execPath, [BIN, 'diagnose', share, '--device', 'LAB-0116', '-f', 'csv'], { encoding: 'utf8' });
    expect(cli.stdout.split('\n').filter((line) => /^(All_Zipped_Logs_)?LAB-0116/.test(line))).toHaveLength(3);
    expect(cli.stderr).not.toMatch(/no device named/);
  });

  it('inside two fleet zips (site-a.zip, site-b.zip), and beside a folder of one of their names, on this thread and on workers alike', async () => {
    // Regression: the devices of two fleet zips were named when each zip was opened, so both were "LAB-0101".
    const share = path.join(root.name, 'share');
    mkdirSync(share);
    writeZip(path.join(share, 'site-a.zip'), [...entriesOf('LAB-0101', 'site-a/LAB-0101/'), ...entriesOf('LAB-0102', 'site-a/LAB-0102/')]);
    writeZip(path.join(share, 'site-b.zip'), [...entriesOf('LAB-0102', 'site-b/LAB-0101/'), ...entriesOf('LAB-0103', 'site-b/LAB-0103/')]);
    place('LAB-0112', 'share', 'LAB-0102');
    const expected = [
      ['LAB-0102', undefined, 'vulscan-blocked-sdclient'],
      ['LAB-0103', 'site-b.zip/site-b', 'package-install-failed'],
      ['site-a/LAB-0101', 'site-a.zip/site-a', 'vulscan-blocked-sdclient'],
      ['site-a/LAB-0102', 'site-a.zip/site-a', 'no-failure'],
      ['site-b/LAB-0101', 'site-b.zip/site-b', 'no-failure'],
    ];
    for (const jobs of [1, 2]) {
      const report = await diagnose({ paths: [share], jobs });
      const rows = report.devices.map((d) => [d.device, d.group, d.verdict]);
      expect(rows.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual(expected);
    }
    const one = await diagnose({ paths: [share], devices: ['site-b/LAB-0101'] });
    expect(one.devices.map((d) => d.device)).toEqual(['site-b/LAB-0101']);
  });
});
