// The vendor's gathering script's bundles (FORMATS.md): All_Zipped_Logs_<COMPUTERNAME>_<MMddyyyy>.zip,
// which unzips to a folder named PS1_Log_Script. Regression: such devices came out named
// "All_Zipped_Logs_LAB-0102_03092026" and "PS1_Log_Script".
import { mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tmp from 'tmp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deviceNameOfFolder, gatheredZipName } from '../../src/ingest/gathered.js';
import { diagnose, timelines } from '../../src/run.js';
import { renderTimelineText } from '../../src/render/timeline-text.js';
import { SAMPLES } from '../helpers/parse.js';
import { writeZip } from '../helpers/zip.js';

let root: tmp.DirResult;
beforeEach(() => {
  root = tmp.dirSync({ unsafeCleanup: true });
});
afterEach(() => {
  root.removeCallback();
});

/** A sample's files where the gathering script puts them: Log\, Policies\Policies\, Provisioning\, command outputs at the top. */
function gatheredLayout(sample: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        const name = entry.name;
        const where = /\.stat$/i.test(name) ? 'Policies/Policies/' : /provision/i.test(name) ? 'Provisioning/' : /^LocalSchedulerTasks\.log$/i.test(name) ? '' : 'Log/';
        out[`${where}${name}`] = readFileSync(full);
      }
    }
  };
  walk(path.join(SAMPLES, sample));
  return out;
}

function writeFolder(dir: string, files: Record<string, Buffer>): void {
  for (const [relative, data] of Object.entries(files)) {
    const full = path.join(dir, ...relative.split('/'));
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, data);
  }
}

const utf16 = (text: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);

describe('names in the gathering script\'s shape', () => {
  it('reads the device and the gathering date from the zip\'s name', () => {
    expect(gatheredZipName('All_Zipped_Logs_LAB-0102_03092026')).toEqual({ device: 'LAB-0102', gathered: '2026-03-09' });
    expect(gatheredZipName('all_zipped_logs_PC_WITH_UNDERSCORES_12312025')).toEqual({ device: 'PC_WITH_UNDERSCORES', gathered: '2025-12-31' });
    expect(gatheredZipName('All_Zipped_Logs_LAB-0102_13452026')).toEqual({ device: 'LAB-0102' });
    expect(gatheredZipName('LAB-0102')).toBeNull();
    // A second copy's name, as a browser or Explorer makes it: still the device's.
    for (const copy of [' (1)', ' (12)', ' - Copy', ' - copy (2)']) {
      expect(gatheredZipName(`All_Zipped_Logs_LAB-0102_03092026${copy}`), copy).toEqual({ device: 'LAB-0102', gathered: '2026-03-09' });
    }
    expect(gatheredZipName('All_Zipped_Logs_LAB-0102_03092026 (x)')).toBeNull();
    expect(deviceNameOfFolder('LAB-0101', 'share')).toBe('LAB-0101');
    expect(deviceNameOfFolder('All_Zipped_Logs_LAB-0103_03092026', 'share')).toBe('LAB-0103');
    expect(deviceNameOfFolder('PS1_Log_Script', 'All_Zipped_Logs_LAB-0102_03092026')).toBe('LAB-0102');
    expect(deviceNameOfFolder('PS1_Log_Script', 'batch-7')).toBe('batch-7');
    // At a zip's top there is no folder above: the name stays what it is rather than becoming "." or "".
    expect(deviceNameOfFolder('PS1_Log_Script', '')).toBe('PS1_Log_Script');
  });
});

describe('the gathering script\'s bundles in a share', () => {
  it('as a zip, unzipped under its zip-named folder, and unzipped elsewhere (named from Hostname_IP_Info.log or SystemInfo.log, UTF-16LE)', async () => {
    const share = path.join(root.name, 'share');
    const zipped = gatheredLayout('LAB-0101');
    writeZip(path.join(share, 'All_Zipped_Logs_LAB-0101_03092026.zip'), Object.entries(zipped).map(([name, data]) => ({ name: `PS1_Log_Script/${name}`, data })));
    writeFolder(path.join(share, 'All_Zipped_Logs_LAB-0102_03112026', 'PS1_Log_Script'), gatheredLayout('LAB-0102'));
    writeFolder(path.join(share, 'batch-7', 'PS1_Log_Script'), { ...gatheredLayout('LAB-0103'), 'Hostname_IP_Info.log': utf16('Hostname: LAB-0103\r\nIPv4 Address: 10.20.4.17\r\n') });
    writeFolder(path.join(share, 'batch-8', 'PS1_Log_Script'), { ...gatheredLayout('LAB-0107'), 'SystemInfo.log': utf16('\r\nHost Name:                 LAB-0107\r\nOS Name:                   Microsoft Windows 10 Enterprise\r\n') });
    const report = await diagnose({ paths: [share] });
    expect(report.devices.map((d) => [d.device, d.verdict])).toEqual([
      ['LAB-0101', 'vulscan-blocked-sdclient'],
      ['LAB-0102', 'no-failure'],
      ['LAB-0103', 'package-install-failed'],
      ['LAB-0107', 'no-failure'],
    ]);
    // The gathering date, where the zip's name (or the folder that keeps it) gives one: in json, in a note, in CSV.
    expect(report.devices.map((d) => d.gathered)).toEqual(['2026-03-09', '2026-03-11', undefined, undefined]);
    expect(report.devices[0]?.notes).toContain('Gathered on 2026-03-09 (the gathering script\'s zip name).');
    const { renderers } = await import('../../src/render/index.js');
    const { parse } = await import('csv-parse/sync');
    const rows = parse(renderers.csv.render(report, { color: false }).replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.gathered)).toEqual(['2026-03-09', '2026-03-11', '', '']);
  });

  it('a PS1_Log_Script folder with no name anywhere in it takes the folder above it, never "PS1_Log_Script"', async () => {
    const share = path.join(root.name, 'share');
    writeFolder(path.join(share, 'LAB-0104', 'PS1_Log_Script'), gatheredLayout('LAB-0101'));
    writeFolder(path.join(share, 'LAB-0105', 'PS1_Log_Script'), gatheredLayout('LAB-0102'));
    const report = await diagnose({ paths: [share] });
    expect(report.devices.map((d) => d.device)).toEqual(['LAB-0104', 'LAB-0105']);
  });

  it('a fleet zip of gathered bundles names each from its folder', async () => {
    const zip = path.join(root.name, 'fleet.zip');
    writeZip(zip, [
      ...Object.entries(gatheredLayout('LAB-0101')).map(([name, data]) => ({ name: `All_Zipped_Logs_LAB-0101_03092026/PS1_Log_Script/${name}`, data })),
      ...Object.entries(gatheredLayout('LAB-0102')).map(([name, data]) => ({ name: `All_Zipped_Logs_LAB-0102_03092026/PS1_Log_Script/${name}`, data })),
    ]);
    const report = await diagnose({ paths: [zip] });
    expect(report.devices.map((d) => [d.device, d.verdict])).toEqual([['LAB-0101', 'vulscan-blocked-sdclient'], ['LAB-0102', 'no-failure']]);
    expect(report.devices.map((d) => d.gathered)).toEqual(['2026-03-09', '2026-03-09']);
  });

  it('skips the script\'s own outputs by name with what they are, and reads Process_Commandline.log for EPM processes still running', async () => {
    const bundle = path.join(root.name, 'All_Zipped_Logs_LAB-0101_03092026', 'PS1_Log_Script');
    const reg = 'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\LANDesk]\r\n"LastScan"="Mon, 09 Mar 2026 10:02:11 Another task is already in progress"\r\n';
    writeFolder(bundle, {
      ...gatheredLayout('LAB-0101'),
      'RegistryInfo/LANDesk_Registry.log': utf16(reg),
      'Log/PXETroubleshooting/pxe_check.log': Buffer.from('Mon, 09 Mar 2026 10:02:11 PXE rep found\r\n'),
      'Log/Install_7-Zip.log': Buffer.from('=== Verbose logging started: 3/9/2026  10:02:11  Build type: SHIP UNICODE 5.00.10011.00 ===\r\nMSI (s) (A0:B4) [10:02:11:123]: Resetting cached policy values\r\n'),
      'Process_Running.log': utf16('vulscan   4412\r\n'),
      'Process_Commandline.log': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Name CommandLine\r\nexplorer.exe C:\\Windows\\explorer.exe\r\nvulscan.exe "C:\\Program Files (x86)\\LANDesk\\LDClient\\vulscan.exe" /AgentBehavior=ERSC_Default /Scan\r\n')]),
    });
    const device = (await diagnose({ paths: [bundle] })).devices[0];
    expect(device?.device).toBe('LAB-0101');
    expect(device?.verdict).toBe('vulscan-blocked-sdclient');
    const reasons = Object.fromEntries((device?.skipped ?? []).map((s) => [path.basename(s.path), s.reason]));
    expect(reasons['LANDesk_Registry.log']).toBe('a registry export the gathering script saves as .log (.reg text), not an EPM log');
    expect(reasons['pxe_check.log']).toBe('the gathering script\'s PXE troubleshooting output, not an EPM log');
    expect(reasons['Install_7-Zip.log']).toBe('a package installer\'s own log (its package writes it into the agent\'s Log folder), not an EPM log');
    expect(reasons['Process_Running.log']).toBe('the gathering script\'s own output (the processes running when the logs were gathered), not an EPM log');
    expect(device?.files.map((f) => path.basename(f.path))).not.toContain('LANDesk_Registry.log');
    expect(device?.notes.some((n) => n.startsWith('Still running when these logs were gathered: vulscan.exe "C:\\Program Files (x86)\\LANDesk\\LDClient\\vulscan.exe" /AgentBehavior=ERSC_Default /Scan'))).toBe(true);
    expect(device?.notes.filter((n) => n.includes('explorer.exe'))).toEqual([]);
  });

  it('puts an EPM process still running at gathering on the timeline, last, at the list\'s own time (a zip entry\'s) or else after the last log line', async () => {
    const list = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Name CommandLine\r\nexplorer.exe C:\\Windows\\explorer.exe\r\nvulscan.exe "C:\\Program Files (x86)\\LANDesk\\LDClient\\vulscan.exe" /Scan\r\n')]);
    const files = { ...gatheredLayout('LAB-0101'), 'Process_Commandline.log': list };
    const zip = path.join(root.name, 'All_Zipped_Logs_LAB-0101_03092026.zip');
    // The test zip writer stamps every entry 2026-03-09 10:02:00, weeks after the sample's last line.
    writeZip(zip, Object.entries(files).map(([name, data]) => ({ name: `PS1_Log_Script/${name}`, data })));
    const zipped = (await timelines({ paths: [zip] })).devices[0];
    const last = zipped?.entries.at(-1);
    expect(last).toMatchObject({
      time: '2026-03-09T10:02:00', kind: 'running-at-gathering', source: 'process-list', line: 3,
      fields: { process: 'vulscan', timeFrom: 'file time' },
    });
    expect(last?.text).toBe('vulscan.exe was still running when these logs were gathered: vulscan.exe "C:\\Program Files (x86)\\LANDesk\\LDClient\\vulscan.exe" /Scan');
    expect(zipped?.entries.filter((e) => e.kind === 'running-at-gathering')).toHaveLength(1);

    // Unzipped by a copy that set the file's time to before the logs: placed after the last line instead.
    const bundle = path.join(root.name, 'All_Zipped_Logs_LAB-0101_03092026', 'PS1_Log_Script');
    writeFolder(bundle, files);
    utimesSync(path.join(bundle, 'Process_Commandline.log'), new Date('2020-01-01T00:00:00'), new Date('2020-01-01T00:00:00'));
    const folder = (await timelines({ paths: [bundle] })).devices[0];
    const entries = folder?.entries ?? [];
    const running = entries.find((e) => e.kind === 'running-at-gathering');
    expect(running).toMatchObject({ fields: { timeFrom: 'after the last log line' } });
    // At the last log line: a listed scheduler task's time is its next start (a day on, here), not a line written.
    const lines = entries.filter((e) => e.kind !== 'running-at-gathering' && e.kind !== 'task-listed' && e.kind !== 'task-status');
    expect(running?.time).toBe(lines.map((e) => e.time).sort().at(-1));
    expect(entries.some((e) => e.kind === 'task-listed' && e.time > (running?.time ?? ''))).toBe(true);
    const text = renderTimelineText({ schema: 'ldforensics.timeline/1', devices: folder ? [folder] : [], totals: { devices: 1, files: 0, lines: 0, parsed: 0, unparsed: 0 } });
    expect(text).toContain('Process_Commandline.log:3');
    // Evidence for the reader, never a line the rules read: the verdict is the same with it or without.
    expect((await diagnose({ paths: [bundle] })).devices[0]?.verdict).toBe('vulscan-blocked-sdclient');
  });
});
