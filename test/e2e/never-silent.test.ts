// Inputs that once ended a fleet run from one field, or were read as nothing and called healthy
// (the second red-team pass). Each bundle is built in a temporary folder; none is committed.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import tmp from 'tmp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderers } from '../../src/render/index.js';
import { diagnose, timelines } from '../../src/run.js';
import type { DeviceReport } from '../../src/types.js';
import { PATHS, statXml, type BundleFiles } from '../helpers/bundle.js';
import { SAMPLES } from '../helpers/parse.js';
import { writeZip } from '../helpers/zip.js';
import { cleanStory, raceStory } from '../rules/scenarios.js';

const run = promisify(execFile);
const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'ldforensics.js');

let root: tmp.DirResult;
beforeEach(() => {
  root = tmp.dirSync({ unsafeCleanup: true });
});
afterEach(() => {
  root.removeCallback();
});

/** Writes a bundle whose files are given as text (re-encoded by `encode`) or as raw bytes. */
function write(device: string, files: Readonly<Record<string, string | Buffer>>, encode: (text: string) => Buffer = (t) => Buffer.from(t, 'utf8'), parent = root.name): string {
  const dir = path.join(parent, device);
  for (const [relative, content] of Object.entries(files)) {
    const full = path.join(dir, ...relative.split('/'));
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, typeof content === 'string' ? encode(content) : content);
  }
  return dir;
}

async function only(dir: string, zone?: string): Promise<DeviceReport> {
  const report = await diagnose({ paths: [dir], ...(zone ? { zone } : {}) });
  expect(report.devices).toHaveLength(1);
  const device = report.devices[0];
  if (!device) throw new Error('unreachable');
  return device;
}

function utf16be(text: string, bom: boolean): Buffer {
  const le = Buffer.from(text, 'utf16le');
  const be = Buffer.alloc(le.length);
  for (let i = 0; i + 1 < le.length; i += 2) {
    be[i] = le[i + 1] ?? 0;
    be[i + 1] = le[i] ?? 0;
  }
  return bom ? Buffer.concat([Buffer.from([0xfe, 0xff]), be]) : be;
}

const race = (): BundleFiles => raceStory({ withStatFiles: true }).files;
const RACE = 'vulscan-blocked-sdclient';

describe('one value never ends the run', () => {
  const farFuture = (): BundleFiles => ({ ...race(), [PATHS.stat(1054)]: statXml({ taskId: 1054, status: 5, code: -1916, lastRun: 0 }).replace(/<LastRunTime>\d+<\/LastRunTime>/, '<LastRunTime>99999999999999</LastRunTime>') });

  it('a .stat LastRunTime past the year 9999 is not taken for a time: the status is read untimed, with a warning; the device keeps its verdict, in every format and under --tz', async () => {
    const dir = write('LAB-STAT', farFuture());
    for (const zone of [undefined, 'Europe/Paris']) {
      const device = await only(dir, zone);
      expect(device.verdict).toBe(RACE);
      expect(device.errors).toEqual([]);
      const stat = device.files.find((f) => f.path.endsWith('CP.1054.RunNow.stat'));
      expect(stat).toMatchObject({ unparsed: 0 });
      expect(stat?.parsed).toBe(stat?.lines);
      expect(stat?.warnings).toEqual([expect.stringMatching(/<LastRunTime>99999999999999<\/LastRunTime> is not a time \(past the year 9999\): the task's status is read without a time of its own/)]);
      const report = await diagnose({ paths: [dir], ...(zone ? { zone } : {}) });
      for (const [name, renderer] of Object.entries(renderers)) expect(renderer.render(report, { color: false, width: 100 }).length, name).toBeGreaterThan(0);
    }
    const shown = await timelines({ paths: [dir], zone: 'Europe/Paris' });
    expect(shown.devices[0]?.errors).toEqual([]);
    expect(shown.devices[0]?.entries.length).toBeGreaterThan(0);
  });
});

describe('a key log read in part, or not at all, is never "no-failure"', () => {
  /** A clean device: every distribution succeeded. */
  const clean = (): BundleFiles => cleanStory();

  it('a zip entry whose data is damaged mid-way: what was read counts, the rest is a read error, and the device is not called healthy', async () => {
    const files = clean();
    expect((await only(write('LAB-CLEAN', files))).verdict).toBe('no-failure');
    const sdclient = Buffer.from(files[PATHS.sdclient] ?? '', 'utf8');
    const deflated = deflateRawSync(sdclient);
    // Bytes flipped a third of the way in: the inflater stops there ("invalid …").
    for (let i = Math.floor(deflated.length / 3); i < Math.floor(deflated.length / 3) + 40; i += 1) deflated[i] = (deflated[i] ?? 0) ^ 0x5a;
    const zip = path.join(root.name, 'LAB-DAMAGED.zip');
    writeZip(zip, Object.entries(files).map(([name, data]) => (name === PATHS.sdclient
      ? { name, data: sdclient, deflated }
      : { name, data })));
    const device = await only(zip);
    expect(device.verdict).toBe('unreadable');
    expect(device.readErrors).toEqual([{ path: `LAB-DAMAGED.zip/${PATHS.sdclient}`, reason: expect.stringMatching(/^read up to line \d+, then reading stopped: /) }]);
    expect(device.explanation).toMatch(/^Key logs of this bundle could not be read: sdclient\.log \(read up to line \d+/);
    expect(device.files.find((f) => f.path.endsWith('sdclient.log'))?.warnings).toEqual([expect.stringMatching(/reading stopped after line \d+/)]);
  });

  it('a sdclient.log of binary data beside readable logs: given up on, and the device is not called healthy', async () => {
    const junk = Buffer.from(Array.from({ length: 16_384 }, (_, i) => (i * 7919) % 256));
    const device = await only(write('LAB-JUNK', { ...clean(), [PATHS.sdclient]: junk }));
    expect(device.verdict).toBe('unreadable');
    expect(device.explanation).toMatch(/^Key logs of this bundle could not be read: sdclient\.log \(none of its \d+ lines could be read as a sdclient log entry/);
    // A vulscan.log given up on is not decisive: the verdict stands on what was read.
    expect((await only(write('LAB-JUNK-VULSCAN', { ...clean(), [PATHS.vulscan]: junk }))).verdict).toBe('no-failure');
  });

  it('a .stat saying Failed_Exception with no LastRunTime, alone in its bundle: a failure, with no time claimed', async () => {
    const device = await only(write('LAB-STAT-ONLY', { 'Policies/Policies/CP.3101.RunNow.stat': '<?xml version="1.0"?>\r\n<TaskStatus>\r\n <TaskIdn>3101</TaskIdn>\r\n <Status>8</Status>\r\n</TaskStatus>\r\n' }));
    expect(device.verdict).toBe('unexplained-failure');
    expect(device.failureTime).toBeNull();
    expect(device.explanation).toContain('Task 3101\'s status file (CP.3101.RunNow.stat) says Failed_Exception (status 8). It gives no time of its own');
  });

  it('a .stat saying Failed with 1603 beside empty logs: unexplained, the code named with its meaning, and no finding that claims an installer ran', async () => {
    const device = await only(write('LAB-STAT-1603', {
      [PATHS.sdclient]: '', [PATHS.vulscan]: '',
      [PATHS.stat(3100)]: '<TaskStatus><TaskIdn>3100</TaskIdn><Status>5</Status><ReturnCode>1603</ReturnCode><LastRunTime>1771339338</LastRunTime></TaskStatus>',
    }));
    expect(device.verdict).toBe('unexplained-failure');
    expect(device.explanation).toContain('Task 3100\'s status file (CP.3100.RunNow.stat) says Failed (status 5), return code 1603 (ERROR_INSTALL_FAILURE: Fatal error during installation).');
    // Verdict and findings agree: nothing claims the package's installer ran.
    expect(device.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });
});

describe('a bundle without the template\'s logs is never "no-failure"', () => {
  const vulscanOnly = (): BundleFiles => ({ [PATHS.vulscan]: cleanStory({ scan: 'between' })[PATHS.vulscan] ?? '' });

  it('a vulscan.log alone: nothing failed in it, and nothing could have; the verdict says the template\'s logs are missing and what the bundle holds', async () => {
    const files = vulscanOnly();
    expect(files[PATHS.vulscan]).toMatch(/Vulscan/);
    const device = await only(write('LAB-VULSCAN-ONLY', files));
    expect(device.verdict).toBe('no-template-logs');
    expect(device.explanation).toMatch(/^None of the logs that record the template's work is in this bundle/);
    expect(device.explanation).toMatch(/What this bundle holds: vulscan\.log \(\d+ lines read\)\.$/);
  });

  it('an empty sdclient.log beside it says no more: the same verdict', async () => {
    const device = await only(write('LAB-EMPTY-SDCLIENT', { ...vulscanOnly(), [PATHS.sdclient]: '' }));
    expect(device.verdict).toBe('no-template-logs');
    expect(device.explanation).toContain('sdclient.log (empty)');
  });

  it('a .stat that says Success is a template log: no-failure stands', async () => {
    const device = await only(write('LAB-STAT-SUCCESS', { ...vulscanOnly(), [PATHS.stat(2203)]: statXml({ taskId: 2203, status: 4, code: 0, lastRun: '10:02:13' }) }));
    expect(device.verdict).toBe('no-failure');
  });

  it('the CLI counts it as a device that could not be judged: exit 1, never 0', async () => {
    const dir = write('LAB-VULSCAN-ONLY', vulscanOnly());
    const result = await run(process.execPath, [BIN, 'diagnose', dir, '-f', 'csv']).then(() => ({ code: 0 }), (error: { code: number }) => ({ code: error.code }));
    expect(result.code).toBe(1);
  });
});

describe('nothing read is never "no-failure"', () => {
  it('a bundle of empty files is unreadable, with the reason', async () => {
    const device = await only(write('LAB-EMPTY', { [PATHS.sdclient]: '', [PATHS.vulscan]: '', [PATHS.localsch]: '', [PATHS.provisioning]: '' }));
    expect(device.verdict).toBe('unreadable');
    expect(device.errors).toEqual([expect.stringMatching(/^no line of this bundle's 4 files could be read as a log entry, so nothing can be judged: .*sdclient\.log: empty/)]);
  });

  it('a bundle of binary files is unreadable, with the reason', async () => {
    const junk = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    const device = await only(write('LAB-BIN', { [PATHS.sdclient]: junk, [PATHS.vulscan]: junk }));
    expect(device.verdict).toBe('unreadable');
    expect(device.errors[0]).toMatch(/lines unparsed/);
  });

  it.each([['with a BOM', true], ['without a BOM', false]])('UTF-16BE %s is read: the race is found', async (_name, bom) => {
    const device = await only(write('LAB-BE', race(), (t) => utf16be(t, bom)));
    expect(device.verdict).toBe(RACE);
    expect(device.files.every((f) => f.encoding === 'utf-16be' && f.unparsed === 0)).toBe(true);
  });

  it('CR-only line ends are lines: the race is found, and each file says how its lines ended', async () => {
    const device = await only(write('LAB-CR', race(), (t) => Buffer.from(t.replace(/\r\n/g, '\r'), 'utf8')));
    expect(device.verdict).toBe(RACE);
    const sdclient = device.files.find((f) => f.path.endsWith('sdclient.log'));
    expect(sdclient?.lines).toBe((race()[PATHS.sdclient] ?? '').split('\r\n').length - 1);
    expect(sdclient?.warnings).toContain(`${sdclient?.path}: lines end in CR alone (old Mac style); each CR was read as a line end`);
  });

  it('BOM-less UTF-16LE with a non-ASCII character past its first bytes is UTF-16LE, every line parsed', async () => {
    const files = race();
    const sd = files[PATHS.sdclient] ?? '';
    const device = await only(write('LAB-LE', { [PATHS.sdclient]: Buffer.from(sd.replace('Adobe Reader DC', 'Adobe Reader DC – Français'), 'utf16le') }));
    const file = device.files[0];
    expect(file).toMatchObject({ encoding: 'utf-16le', unparsed: 0 });
  });

  it('a device zip with stray copies in old/ and backup/ stays one device with its true verdict', async () => {
    const files = race();
    const zip = path.join(root.name, 'LAB-ZIP.zip');
    writeZip(zip, [
      ...Object.entries(files).map(([name, data]) => ({ name, data })),
      { name: 'old/sdclient.log', data: files[PATHS.sdclient] ?? '' },
      { name: 'backup/vulscan.log', data: files[PATHS.vulscan] ?? '' },
    ]);
    const report = await diagnose({ paths: [zip] });
    expect(report.devices.map((d) => [d.device, d.verdict])).toEqual([['LAB-ZIP', RACE]]);
  });
});

describe('the red-team fleet', () => {
  it('gives the good devices exactly the verdicts they get alone, and every broken one a verdict other than no-failure', async () => {
    const fleet = path.join(root.name, 'fleet');
    mkdirSync(fleet);
    for (const good of ['LAB-0101', 'LAB-0102', 'LAB-0112']) cpSync(path.join(SAMPLES, good), path.join(fleet, good), { recursive: true });
    const farFuture = { ...race(), [PATHS.stat(1054)]: (race()[PATHS.stat(1054)] ?? '').replace(/<LastRunTime>\d+</, '<LastRunTime>99999999999999<') };
    write('BAD-STAT', farFuture, undefined, fleet);
    write('BAD-EMPTY', { [PATHS.sdclient]: '', [PATHS.vulscan]: '' }, undefined, fleet);
    write('BAD-BINARY', { [PATHS.sdclient]: Buffer.alloc(2048, 0xff) }, undefined, fleet);
    write('BAD-BE', race(), (t) => utf16be(t, true), fleet);
    write('BAD-CR', race(), (t) => Buffer.from(t.replace(/\r\n/g, '\r')), fleet);
    const report = await diagnose({ paths: [fleet] });
    const verdicts = Object.fromEntries(report.devices.map((d) => [d.device, d.verdict]));
    for (const good of ['LAB-0101', 'LAB-0102', 'LAB-0112']) {
      const alone = await only(path.join(SAMPLES, good));
      expect(verdicts[good], good).toBe(alone.verdict);
    }
    expect(verdicts).toMatchObject({ 'BAD-STAT': RACE, 'BAD-EMPTY': 'unreadable', 'BAD-BINARY': 'unreadable', 'BAD-BE': RACE, 'BAD-CR': RACE });
  });
});

describe('the CLI with broken input', () => {
  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' } });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  }

  it('keeps the old report when a run fails, and replaces it when a run completes', async () => {
    const old = path.join(root.name, 'old.html');
    writeFileSync(old, 'the old report');
    const failed = await cli('diagnose', path.join(root.name, 'nonexistent'), '-f', 'html', '-o', old);
    expect(failed.code).toBe(2);
    expect(readFileSync(old, 'utf8')).toBe('the old report');
    const done = await cli('diagnose', path.join(SAMPLES, 'LAB-0101'), '-f', 'html', '-o', old);
    expect(done.code).toBe(1);
    expect(readFileSync(old, 'utf8')).toMatch(/^<!DOCTYPE html>/i);
  });

  it('never prints a pattern pack\'s sample raw to the terminal', async () => {
    const pack = path.join(root.name, 'evil.json');
    writeFileSync(pack, JSON.stringify({ name: 'evil', patterns: [{ id: 'x', logs: ['sdclient'], event: 'message', regex: 'nomatch', samples: ['\u001b]0;pwned\u0007 sample'] }] }));
    const result = await cli('diagnose', path.join(SAMPLES, 'LAB-0101'), '--patterns', pack);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('\\x1b]0;pwned\\x07 sample');
    expect(result.stderr).not.toContain('\u001b');
  });

  it('timeline --format json escapes U+202E, U+2028/2029, C1 controls and DEL as diagnose does', async () => {
    const files = race();
    const dir = write('LAB-ESC', { ...files, [PATHS.sdclient]: (files[PATHS.sdclient] ?? '').replace('Self update: files are up to date.', 'Self update: \u202Eevil\u2028x\u2029y\u0085z\u007f') });
    const result = await cli('timeline', dir, '--format', 'json');
    for (const ch of ['\u202E', '\u2028', '\u2029', '\u0085', '\u007f']) expect(result.stdout.includes(ch), JSON.stringify(ch)).toBe(false);
    expect(result.stdout).toContain('Self update: \\u202eevil\\u2028x\\u2029y\\u0085z\\u007f');
    expect(JSON.stringify(JSON.parse(result.stdout))).toContain('Self update: \u202Eevil');
  });
});
