import fsSync, { chmodSync, mkdirSync, promises as fsp, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tmp from 'tmp';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/errors.js';
import { findBundles, type Bundle, type FindBundlesOptions } from '../../src/ingest/bundles.js';
import { readLines } from '../../src/ingest/lines.js';
import { writeZip } from '../helpers/zip.js';

const LINE = 'Mon, 09 Mar 2026 10:02:11 ---------- SDClient starting (version 11.0.5.361) ----------\r\n';

let dir: tmp.DirResult;
beforeEach(() => {
  dir = tmp.dirSync({ unsafeCleanup: true });
});
afterEach(() => {
  dir.removeCallback();
});

/** Creates `relative` (and its folders) under the temp folder. */
function file(relative: string, content = LINE): string {
  const full = path.join(dir.name, ...relative.split('/'));
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, content);
  return full;
}

function at(relative: string): string {
  return path.join(dir.name, ...relative.split('/'));
}

async function collect(paths: string[], options?: FindBundlesOptions): Promise<Bundle[]> {
  const bundles: Bundle[] = [];
  for await (const bundle of findBundles(paths, options)) bundles.push(bundle);
  for (const bundle of bundles) await bundle.close();
  return bundles;
}

function summary(bundles: Bundle[]): Record<string, string[]> {
  return Object.fromEntries(bundles.map((b) => [b.name, b.files.map((f) => f.path)]));
}

// Inside a folder of devices, display paths are relative to that folder and start with the
// device's name ("LAB-0101/…"), as they do for a device folder given alone.
describe('findBundles: a folder of device bundles', () => {
  it('makes each child folder and child .zip one device, sorted by name, with display paths from the folder', async () => {
    file('fleet/LAB-0102/Program Files (x86)/LANDesk/LDClient/sdclient.log');
    file('fleet/LAB-0102/Program Files (x86)/LANDesk/LDClient/Data/sdclient_task1054.log');
    file('fleet/LAB-0101/ProgramData/LANDesk/Log/sdclient.log');
    file('fleet/LAB-0101/ProgramData/vulScan/vulscan.1.log');
    file('fleet/LAB-0103/SDCLIENT.LOG');
    file('fleet/LAB-0103/notes.txt');
    file('fleet/README.txt'); // loose, not a log: ignored
    file('fleet/.git/config'); // never a device
    writeZip(at('fleet/LAB-0104.zip'), [{ name: 'ProgramData/LANDesk/Log/sdclient.log', data: LINE }]);

    const bundles = await collect([at('fleet')]);
    expect(summary(bundles)).toEqual({
      'LAB-0101': ['LAB-0101/ProgramData/LANDesk/Log/sdclient.log', 'LAB-0101/ProgramData/vulScan/vulscan.1.log'],
      'LAB-0102': [
        'LAB-0102/Program Files (x86)/LANDesk/LDClient/Data/sdclient_task1054.log',
        'LAB-0102/Program Files (x86)/LANDesk/LDClient/sdclient.log',
      ],
      'LAB-0103': ['LAB-0103/SDCLIENT.LOG', 'LAB-0103/notes.txt'],
      'LAB-0104': ['LAB-0104.zip/ProgramData/LANDesk/Log/sdclient.log'],
    });
    expect(bundles.map((b) => b.name)).toEqual(['LAB-0101', 'LAB-0102', 'LAB-0103', 'LAB-0104']);
    for (const bundle of bundles) {
      expect(bundle.errors).toEqual([]);
      for (const f of bundle.files) expect(f.bundle).toBe(bundle.name);
    }
  });

  it('sorts device names numerically', async () => {
    for (const name of ['PC-10', 'PC-9', 'PC-100', 'pc-1']) file(`fleet/${name}/sdclient.log`);
    expect((await collect([at('fleet')])).map((b) => b.name)).toEqual(['pc-1', 'PC-9', 'PC-10', 'PC-100']);
  });

  it('keeps zips apart from a stray log lying next to them: the loose logs form a device named after the folder', async () => {
    writeZip(at('fleet/LAB-0201.zip'), [{ name: 'sdclient.log', data: LINE }]);
    writeZip(at('fleet/LAB-0202.ZIP'), [{ name: 'vulscan.log', data: LINE }]);
    file('fleet/localsch.log');
    file('fleet/todo.txt');
    const bundles = await collect([at('fleet')]);
    expect(summary(bundles)).toEqual({
      fleet: ['fleet/localsch.log'],
      'LAB-0201': ['LAB-0201.zip/sdclient.log'],
      'LAB-0202': ['LAB-0202.ZIP/vulscan.log'],
    });
  });

  it('reports a damaged zip as that device\'s error and reads the others', async () => {
    file('fleet/LAB-0301.zip', 'not a zip at all');
    file('fleet/LAB-0302/sdclient.log');
    const bundles = await collect([at('fleet')]);
    expect(bundles.map((b) => [b.name, b.files.length, b.errors.length])).toEqual([
      ['LAB-0301', 0, 1],
      ['LAB-0302', 1, 0],
    ]);
    expect(bundles[0]?.errors[0]).toContain('LAB-0301.zip: cannot be read as a zip');
  });

  it('lists a device folder without recognised logs as a device with no files found', async () => {
    file('fleet/LAB-0401/sdclient.log');
    mkdirSync(at('fleet/LAB-0402'));
    expect(summary(await collect([at('fleet')]))).toEqual({ 'LAB-0401': ['LAB-0401/sdclient.log'], 'LAB-0402': [] });
  });
});

describe('findBundles: one device bundle', () => {
  it('reads a device folder with the EPM 2016+ layout as one bundle, every file at any depth', async () => {
    file('LAB-0101/ProgramData/LANDesk/Log/sdclient.log');
    file('LAB-0101/ProgramData/LANDesk/Log/PolicySync.exe.log');
    file('LAB-0101/ProgramData/LANDesk/Policies/CP.1054.RunNow.stat', '<TaskIdn>1054</TaskIdn>');
    file('LAB-0101/ProgramData/vulScan/vulscan.log');
    file('LAB-0101/ldprovisioning/ldprovisioning.log');
    file('LAB-0101/ldprovisioning/unknown.dat', '\u0000\u0001');
    file('LAB-0101/ProgramData/.DS_Store', 'mac junk');
    const bundles = await collect([at('LAB-0101')]);
    expect(summary(bundles)).toEqual({
      'LAB-0101': [
        'LAB-0101/ProgramData/LANDesk/Log/PolicySync.exe.log',
        'LAB-0101/ProgramData/LANDesk/Log/sdclient.log',
        'LAB-0101/ProgramData/LANDesk/Policies/CP.1054.RunNow.stat',
        'LAB-0101/ProgramData/vulScan/vulscan.log',
        'LAB-0101/ldprovisioning/ldprovisioning.log',
        'LAB-0101/ldprovisioning/unknown.dat',
      ],
    });
    const sdclient = bundles[0]?.files.find((f) => f.name === 'sdclient.log');
    expect(sdclient?.size).toBe(Buffer.byteLength(LINE));
  });

  it('recognises the layout folders case-insensitively', async () => {
    file('LAB-0102/programdata/landesk/log/sdclient.log');
    file('LAB-0102/PROGRAMDATA/x.txt');
    expect((await collect([at('LAB-0102')])).map((b) => b.name)).toEqual(['LAB-0102']);
  });

  it('reads a flat gathered folder (recognised logs directly in it) as one device, with unknown subfolders', async () => {
    file('LAB-0103/VulScan.Log');
    file('LAB-0103/extra/trace.txt');
    expect(summary(await collect([at('LAB-0103')]))).toEqual({ 'LAB-0103': ['LAB-0103/VulScan.Log', 'LAB-0103/extra/trace.txt'] });
  });

  it('reads a .zip given on the command line as one device named after it', async () => {
    writeZip(at('in/LAB-0104.zip'), [{ name: 'sdclient.log', data: LINE }]);
    const bundles: Bundle[] = [];
    for await (const bundle of findBundles([at('in/LAB-0104.zip')])) bundles.push(bundle);
    try {
      expect(summary(bundles)).toEqual({ 'LAB-0104': ['LAB-0104.zip/sdclient.log'] });
      const lines: string[] = [];
      for await (const line of readLines(await (bundles[0]?.files[0] ?? expect.fail('no file')).open()).lines) lines.push(line.text);
      expect(lines).toEqual([LINE.trim()]);
    } finally {
      for (const bundle of bundles) await bundle.close();
    }
  });

  it('reads a .zip inside a device folder as part of that device', async () => {
    file('LAB-0105/sdclient.log');
    writeZip(at('LAB-0105/older.zip'), [{ name: 'vulscan.log', data: LINE }]);
    // With a layout folder the zip cannot turn LAB-0105 into a folder of devices.
    file('LAB-0105/Log/vulscan.log');
    const bundles = await collect([at('LAB-0105')]);
    expect(bundles.map((b) => b.name)).toEqual(['LAB-0105']);
    expect(bundles[0]?.files.map((f) => f.path)).toEqual(['LAB-0105/Log/vulscan.log', 'LAB-0105/older.zip/vulscan.log', 'LAB-0105/sdclient.log']);
    expect(bundles[0]?.skipped).toEqual([]);
  });
});

describe('findBundles: single log files', () => {
  it('makes files given one by one a device named after their folder, with paths from that folder', async () => {
    const sdclient = file('LAB-0106/sdclient.log');
    const vulscan = file('LAB-0106/vulscan.log', 'Mon, 09 Mar 2026 09:58:40 Vulscan.exe version 11.0.5.361 starting\n');
    const other = file('LAB-0107/localsch.log');
    const bundles = await collect([vulscan, other, sdclient]);
    expect(summary(bundles)).toEqual({ 'LAB-0106': ['sdclient.log', 'vulscan.log'], 'LAB-0107': ['localsch.log'] });
    const stream = await (bundles[0]?.files[1] ?? expect.fail('no file')).open();
    const lines: string[] = [];
    for await (const line of readLines(stream).lines) lines.push(line.text);
    expect(lines).toEqual(['Mon, 09 Mar 2026 09:58:40 Vulscan.exe version 11.0.5.361 starting']);
  });

  it('reads the same path given twice once', async () => {
    const log = file('LAB-0108/sdclient.log');
    expect((await collect([at('LAB-0108'), at('LAB-0108/')])).map((b) => b.name)).toEqual(['LAB-0108']);
    expect(summary(await collect([log, log]))).toEqual({ 'LAB-0108': ['sdclient.log'] });
  });
});

describe('findBundles: errors and the tree boundary', () => {
  it('throws InputError for a path that does not exist, before yielding anything', async () => {
    file('LAB-0101/sdclient.log');
    const missing = at('LAB-9999');
    const seen: string[] = [];
    const run = async (): Promise<void> => {
      for await (const bundle of findBundles([at('LAB-0101'), missing])) seen.push(bundle.name);
    };
    await expect(run()).rejects.toThrow(InputError);
    await expect(run()).rejects.toThrow(`no such file or folder: ${missing}`);
    expect(seen).toEqual([]);
  });

  it('does not follow symbolic links out of the bundle, but reads links to files inside it', async () => {
    const outside = file('elsewhere/secret.log');
    file('LAB-0109/sdclient.log');
    symlinkSync(outside, at('LAB-0109/escape.log'));
    symlinkSync(at('LAB-0109/sdclient.log'), at('LAB-0109/alias.log'));
    symlinkSync(at('LAB-0109'), at('LAB-0109/loop'));
    symlinkSync(at('LAB-0109/nowhere.log'), at('LAB-0109/broken.log'));
    const [bundle] = await collect([at('LAB-0109')]);
    expect(bundle?.files.map((f) => f.path)).toEqual(['LAB-0109/alias.log', 'LAB-0109/sdclient.log']);
    const skipped = Object.fromEntries((bundle?.skipped ?? []).map((s) => [s.path, s.reason]));
    expect(skipped['LAB-0109/escape.log']).toContain('outside the bundle');
    expect(skipped['LAB-0109/loop']).toContain('folder');
    expect(skipped['LAB-0109/broken.log']).toContain('broken');
  });

  const isRoot = process.getuid?.() === 0;
  it.skipIf(isRoot)('makes an unreadable folder a bundle error, not a crash', async () => {
    file('LAB-0110/sdclient.log');
    file('LAB-0110/Data/sdclient_task1.log');
    chmodSync(at('LAB-0110/Data'), 0o000);
    try {
      const [bundle] = await collect([at('LAB-0110')]);
      expect(bundle?.files.map((f) => f.path)).toEqual(['LAB-0110/sdclient.log']);
      expect(bundle?.errors).toEqual(['cannot read folder LAB-0110/Data: permission denied']);
    } finally {
      chmodSync(at('LAB-0110/Data'), 0o755);
    }
  });

  it('makes a folder that fails to list a bundle error (simulated, so it also runs as root)', async () => {
    file('LAB-0112/sdclient.log');
    file('LAB-0112/Data/sdclient_task1.log');
    file('LAB-0113/sdclient.log');
    const locked = at('LAB-0112/Data');
    const lockedRoot = at('LAB-0113');
    const realReaddir = fsp.readdir;
    const realReaddirSync = fsSync.readdirSync;
    const denied = (): Error => Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    // Folders are listed asynchronously while the share is planned, and synchronously while a bundle is walked.
    const spy = vi.spyOn(fsp, 'readdir').mockImplementation(async (folder, options) => {
      if (folder === locked || folder === lockedRoot) throw denied();
      return realReaddir(folder, options);
    });
    const spySync = vi.spyOn(fsSync, 'readdirSync').mockImplementation(((folder: string, options: { withFileTypes: true }) => {
      if (folder === locked || folder === lockedRoot) throw denied();
      return realReaddirSync(folder, options);
    }) as typeof fsSync.readdirSync);
    try {
      const [bundle, root] = await collect([at('LAB-0112'), lockedRoot]);
      expect(spySync).toHaveBeenCalled();
      expect(bundle?.files.map((f) => f.path)).toEqual(['LAB-0112/sdclient.log']);
      expect(bundle?.errors).toEqual(['cannot read folder LAB-0112/Data: permission denied']);
      // A command-line folder that cannot be listed is still one device, with the error.
      expect(root?.name).toBe('LAB-0113');
      expect(root?.files).toEqual([]);
      expect(root?.errors).toEqual(['cannot read folder LAB-0113: permission denied']);
    } finally {
      spy.mockRestore();
      spySync.mockRestore();
    }
  });

  it('passes zip limits through to the zip reader', async () => {
    writeZip(at('LAB-0111.zip'), [{ name: 'sdclient.log', data: LINE.repeat(10) }]);
    const [bundle] = await collect([at('LAB-0111.zip')], { zipLimits: { maxEntryBytes: 100, maxCompressionRatio: 200, ratioCheckAboveBytes: 1000, maxTotalBytes: 1_000_000 } });
    expect(bundle?.files).toEqual([]);
    expect(bundle?.skipped[0]?.reason).toContain('over the 100-byte limit');
  });
});
