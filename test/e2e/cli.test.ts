// End to end through the built CLI: every sample device gets its expected verdict
// (samples/expected.json is the oracle, written with the samples), exit codes follow the
// contract (0 nothing failed, 1 a device failed, 2 usage error or nothing readable),
// and the timeline's line accounting adds up.
import { execFile } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import tmp from 'tmp';
import { describe, expect, it } from 'vitest';
import { writeZip } from '../helpers/zip.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'ldforensics.js');

interface CliResult { code: number; stdout: string; stderr: string }

async function cli(...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

interface Expected { verdict: string; package: string | null; action: number | null }
const expected = JSON.parse(readFileSync(join(ROOT, 'samples', 'expected.json'), 'utf8')) as Record<string, Expected>;

interface JsonDevice {
  device: string;
  verdict: string;
  failedPackage: string | null;
  failedAction: number | null;
  findings: { rule: string; severity: string; confidence: string; time: string; package: string | null; message: string; fix: string; evidence: { file: string; line: number; time: string; text: string }[] }[];
  files: { path: string; kind: string; encoding: string; lines: number; parsed: number; unparsed: number }[];
}
interface JsonReport { schema: string; devices: JsonDevice[]; summary: { devices: number; verdicts: Record<string, number> } }

describe('ldforensics diagnose samples/', () => {
  it('gives every sample device its expected verdict, package and action, and exits 1', async () => {
    const result = await cli('diagnose', 'samples/', '--format', 'json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.schema).toBe('ldforensics.diagnosis/1');
    const names = report.devices.map((d) => d.device);
    expect(names).toEqual(Object.keys(expected).sort());
    for (const device of report.devices) {
      const want = expected[device.device];
      expect({ device: device.device, verdict: device.verdict }).toEqual({ device: device.device, verdict: want?.verdict });
      expect({ device: device.device, package: device.failedPackage, action: device.failedAction })
        .toEqual({ device: device.device, package: want?.package ?? null, action: want?.action ?? null });
    }
    const counts: Record<string, number> = {};
    for (const v of Object.values(expected)) counts[v.verdict] = (counts[v.verdict] ?? 0) + 1;
    expect(report.summary).toMatchObject({ devices: names.length, verdicts: counts });
  });

  it('backs the race verdict with evidence lines that point into the files', async () => {
    const result = await cli('diagnose', 'samples/LAB-0101', '--format', 'json');
    const report = JSON.parse(result.stdout) as JsonReport;
    const finding = report.devices[0]?.findings.find((f) => f.rule === 'vulscan-blocked-sdclient');
    expect(finding).toBeDefined();
    expect(finding?.confidence).toBe('high');
    expect(finding?.fix).toMatch(/3000/);
    expect(finding?.fix).toMatch(/last action/);
    expect(finding?.evidence.some((e) => /already in progress/i.test(e.text))).toBe(true);
    expect(finding?.evidence.some((e) => /waiting/i.test(e.text))).toBe(true);
    // Each evidence line is the very line of the file it names.
    for (const e of finding?.evidence ?? []) {
      const path = join(ROOT, 'samples', e.file.replace(/^samples\//, ''));
      const line = readFileSync(path, 'latin1').split(/\r?\n/)[e.line - 1] ?? '';
      expect(line).toContain(e.text.split('\n')[0]?.slice(0, 30));
    }
  });

  it('exits 0 for a device where nothing failed', async () => {
    const result = await cli('diagnose', 'samples/LAB-0102', '--format', 'json');
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as JsonReport).devices[0]?.verdict).toBe('no-failure');
  });

  it('exits 2 with a message on stderr for a path that does not exist', async () => {
    const result = await cli('diagnose', 'samples/NO-SUCH-DEVICE');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no such file or folder: samples\/NO-SUCH-DEVICE/);
    expect(result.stdout).toBe('');
  });

  it('writes nothing to stdout, in any streamed format, when the run fails before its first device', async () => {
    for (const format of ['json', 'ndjson', 'csv', 'md']) {
      const result = await cli('diagnose', 'samples/NO-SUCH-DEVICE', '--format', format);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/no such file or folder/);
      expect(result.stdout, format).toBe('');
    }
  });

  it('exits 2 when nothing readable is found', async () => {
    const dir = tmp.dirSync({ unsafeCleanup: true });
    mkdirSync(join(dir.name, 'EMPTY-01'));
    writeFileSync(join(dir.name, 'EMPTY-01', 'notes.bin'), Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0, 0]));
    const result = await cli('diagnose', join(dir.name, 'EMPTY-01'), '--format', 'json');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/nothing readable/);
    // Nothing read is never "no-failure": the device says it could not be read, and why.
    const device = (JSON.parse(result.stdout) as JsonReport & { devices: { errors: string[] }[] }).devices[0];
    expect(device?.verdict).toBe('unreadable');
    mkdirSync(join(dir.name, 'EMPTY-02'));
    const empty = await cli('diagnose', join(dir.name, 'EMPTY-02'), '--format', 'json');
    expect(empty.code).toBe(2);
    const emptyDevice = (JSON.parse(empty.stdout) as JsonReport & { devices: { errors: string[] }[] }).devices[0];
    expect(emptyDevice).toMatchObject({ verdict: 'unreadable', errors: ['no EPM log file found in this bundle'] });
    dir.removeCallback();
  });

  it('goes on past a broken bundle: it is reported unreadable with the reason, the others are diagnosed', async () => {
    const dir = tmp.dirSync({ unsafeCleanup: true });
    cpSync(join(ROOT, 'samples', 'LAB-0102'), join(dir.name, 'LAB-0102'), { recursive: true });
    writeFileSync(join(dir.name, 'LAB-0999.zip'), 'PK\u0003\u0004 this zip was cut short');
    const result = await cli('diagnose', dir.name, '--format', 'json');
    const report = JSON.parse(result.stdout) as JsonReport & { devices: { errors: string[] }[] };
    expect(report.devices.map((d) => [d.device, d.verdict])).toEqual([['LAB-0102', 'no-failure'], ['LAB-0999', 'unreadable']]);
    expect(report.devices[1]?.errors.join(' ')).toMatch(/LAB-0999\.zip/);
    // An unreadable device needs a person's attention: not a clean exit.
    expect(result.code).toBe(1);
    dir.removeCallback();
  });

  it('exits 2 on an unknown format or zone, naming the option', async () => {
    expect((await cli('diagnose', 'samples/', '--format', 'pdf')).code).toBe(2);
    const zone = await cli('diagnose', 'samples/LAB-0101', '--tz', 'Mars/Olympus');
    expect(zone.code).toBe(2);
    expect(zone.stderr).toMatch(/--tz/);
  });

  it('writes times with the zone\'s offset under --tz', async () => {
    const result = await cli('diagnose', 'samples/LAB-0101', '--format', 'json', '--tz', 'America/New_York');
    const finding = (JSON.parse(result.stdout) as JsonReport).devices[0]?.findings[0];
    expect(finding?.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-0[45]:00$/);
  });

  it('reads an agent version\'s own wording from a --patterns pack (the README\'s example), raising the confidence', async () => {
    const before = JSON.parse((await cli('diagnose', 'samples/LAB-0108', '--format', 'json')).stdout) as JsonReport;
    expect(before.devices[0]?.findings[0]?.confidence).toBe('medium');
    const dir = tmp.dirSync({ unsafeCleanup: true });
    const pack = join(dir.name, 'agent-2024.3.json');
    writeFileSync(pack, JSON.stringify({
      name: 'agent-2024.3',
      patterns: [
        { id: 'sdclient-busy-2024', logs: ['sdclient'], event: 'busy-refusal', regex: 'cannot continue: another agent task \\((?<blocker>\\w+)\\) holds the lock', samples: ['Mon, 09 Mar 2026 10:02:12 Cannot continue: another agent task (vulscan) holds the lock'] },
        { id: 'vulscan-deferring-2024', logs: ['vulscan'], event: 'waiting', regex: 'detected running process (?<blocker>\\S+) - deferring scan', samples: ['Mon, 09 Mar 2026 10:02:12 Detected running process sdclient.exe - deferring scan'] },
      ],
    }));
    const after = JSON.parse((await cli('diagnose', 'samples/LAB-0108', '--format', 'json', '--patterns', pack)).stdout) as JsonReport;
    const finding = after.devices[0]?.findings[0];
    expect(finding).toMatchObject({ rule: 'vulscan-blocked-sdclient', confidence: 'high' });
    expect(finding?.evidence.map((e) => e.text)).toEqual(expect.arrayContaining(['Cannot continue: another agent task (vulscan) holds the lock', 'Detected running process sdclient.exe - deferring scan']));
    dir.removeCallback();
  });

  it('refuses a broken --patterns pack with exit code 2, naming the file and the pattern', async () => {
    const dir = tmp.dirSync({ unsafeCleanup: true });
    const pack = join(dir.name, 'broken.json');
    writeFileSync(pack, JSON.stringify({ name: 'broken', patterns: [{ id: 'no-samples', logs: ['sdclient'], event: 'busy-refusal', regex: 'x', samples: [] }] }));
    const result = await cli('diagnose', 'samples/LAB-0101', '--patterns', pack);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(pack);
    expect(result.stderr).toMatch(/no-samples/);
    dir.removeCallback();
  });

  it('writes the HTML report to --output, nothing to stdout, and exits 2 where the file cannot be written', async () => {
    const dir = tmp.dirSync({ unsafeCleanup: true });
    const file = join(dir.name, 'report.html');
    const result = await cli('diagnose', 'samples/', '--format', 'html', '-o', file);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const page = readFileSync(file, 'utf8');
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    for (const name of Object.keys(expected)) expect(page).toContain(name);
    const bad = await cli('diagnose', 'samples/LAB-0101', '-o', join(dir.name, 'no-such-folder', 'x.html'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--output: the folder .*no-such-folder does not exist/);
    dir.removeCallback();
  });

  it('lists the rules', async () => {
    const result = await cli('rules', '--format', 'json');
    expect(result.code).toBe(0);
    const ids = (JSON.parse(result.stdout) as { id: string }[]).map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining(['vulscan-blocked-sdclient', 'policysync-blocked-sdclient', 'sdclient-overlap', 'package-install-failed', 'download-failed', 'scan-during-provisioning', 'provisioning-agent-active', 'clock-jump']));
    expect((await cli('--rules')).stdout).toMatch(/vulscan-blocked-sdclient/);
  });
});

describe('ldforensics diagnose fleet.zip', () => {
  it('reads a fleet zipped together as one device per top folder, each with its verdict', async () => {
    const dir = tmp.dirSync({ unsafeCleanup: true });
    const entries: { name: string; data: Buffer }[] = [];
    const folders = readdirSync(join(ROOT, 'samples'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    for (const device of folders) {
      for (const file of readdirSync(join(ROOT, 'samples', device), { recursive: true, withFileTypes: true })) {
        if (!file.isFile()) continue;
        const full = join(file.parentPath, file.name);
        entries.push({ name: `${device}/${relative(join(ROOT, 'samples', device), full).split(sep).join('/')}`, data: readFileSync(full) });
      }
    }
    const zip = join(dir.name, 'fleet.zip');
    writeZip(zip, entries);
    const result = await cli('diagnose', zip, '--format', 'json');
    const report = JSON.parse(result.stdout) as JsonReport;
    expect(report.devices.map((d) => [d.device, d.verdict])).toEqual(folders.sort().map((name) => [name, expected[name]?.verdict]));
    expect(report.devices[0]?.files[0]?.path.startsWith(`fleet.zip/${folders[0]}/`)).toBe(true);
    dir.removeCallback();
  });
});

describe('ldforensics timeline samples/', () => {
  it('shows every sample device, and parsed plus unparsed lines equal the files\' line counts', async () => {
    const result = await cli('timeline', 'samples/', '--format', 'json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { devices: { device: string; entries: unknown[]; files: { path: string; lines: number; parsed: number; unparsed: number }[] }[]; totals: { lines: number; parsed: number; unparsed: number } };
    expect(report.devices.map((d) => d.device)).toEqual(Object.keys(expected).sort());
    for (const device of report.devices) {
      expect(device.entries.length).toBeGreaterThan(0);
      for (const f of device.files) expect(f.parsed + f.unparsed).toBe(f.lines);
    }
    expect(report.totals.parsed + report.totals.unparsed).toBe(report.totals.lines);
  });

  it('counts the lines of a plain file as an editor does', async () => {
    const result = await cli('timeline', 'samples/LAB-0101', '--format', 'json');
    const report = JSON.parse(result.stdout) as { devices: { files: { path: string; lines: number }[] }[] };
    for (const f of report.devices[0]?.files ?? []) {
      const bytes = readFileSync(join(ROOT, 'samples', f.path));
      const text = bytes.toString('latin1');
      const lines = text.length === 0 ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
      expect({ path: f.path, lines: f.lines }).toEqual({ path: f.path, lines });
    }
  });

  it('filters by device and time', async () => {
    const result = await cli('timeline', 'samples/', '--device', 'LAB-0101', '--since', '2000-01-01', '--until', '2000-01-02', '--format', 'json');
    const report = JSON.parse(result.stdout) as { devices: { device: string; entries: unknown[] }[] };
    expect(report.devices.map((d) => d.device)).toEqual(['LAB-0101']);
    expect(report.devices[0]?.entries).toEqual([]);
  });
});

describe('ldforensics patterns suggest', () => {
  it('writes a draft pack for a bundle in unknown wording that diagnose takes with --patterns; diagnose points to the command', async () => {
    const plain = await cli('diagnose', 'samples/LAB-0108');
    expect(plain.stdout.trimEnd().split('\n').pop()).toBe('2 runs on 1 device had no line in wording ldforensics knows (the windows alone were read): `ldforensics patterns suggest <paths> -o my-pack.json` drafts a pattern pack from them, for --patterns.');
    const dir = tmp.dirSync({ unsafeCleanup: true });
    try {
      const pack = join(dir.name, 'pack.json');
      const suggested = await cli('patterns', 'suggest', 'samples/LAB-0108', '-o', pack);
      expect(suggested.code).toBe(0);
      expect(suggested.stderr).toMatch(/unrecognised lines in 1 device\(s\) gave \d+ templates; the draft holds \d+ patterns/);
      const withPack = await cli('diagnose', 'samples/LAB-0108', '--patterns', pack, '-f', 'json');
      const report = JSON.parse(withPack.stdout) as JsonReport;
      expect(report.devices[0]?.findings[0]).toMatchObject({ rule: 'vulscan-blocked-sdclient', confidence: 'high' });
      const text = await cli('diagnose', 'samples/LAB-0108', '--patterns', pack);
      expect(text.stdout).not.toContain('patterns suggest');
    } finally {
      dir.removeCallback();
    }
  });
});
