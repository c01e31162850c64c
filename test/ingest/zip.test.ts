import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tmp from 'tmp';
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { readLines } from '../../src/ingest/lines.js';
import type { Bundle, SourceFile } from '../../src/ingest/source.js';
import {
  checkEntryName,
  checkEntrySize,
  DEFAULT_ZIP_LIMITS,
  deviceFolders,
  MAX_COMPRESSION_RATIO,
  MAX_ENTRY_BYTES,
  openZipBundle,
  openZipBundles,
  RATIO_CHECK_ABOVE_BYTES,
  type ZipBundleOptions,
} from '../../src/ingest/zip.js';
import { diagnose } from '../../src/run.js';
import { makeZip, writeZip } from '../helpers/zip.js';

const SDCLIENT = 'Mon, 09 Mar 2026 10:02:11 ---------- SDClient starting (version 11.0.5.361) ----------\r\nMon, 09 Mar 2026 10:02:12 SDClient exiting, return code -1916\r\n';
const VULSCAN = 'Mon, 09 Mar 2026 09:58:40 Vulscan.exe version 11.0.5.361 starting\n';

let dir: tmp.DirResult;
beforeEach(() => {
  dir = tmp.dirSync({ unsafeCleanup: true });
});
afterEach(() => {
  dir.removeCallback();
});

async function textOf(file: SourceFile): Promise<string[]> {
  const texts: string[] = [];
  for await (const line of readLines(await file.open()).lines) texts.push(line.text);
  return texts;
}

async function open(entries: Parameters<typeof makeZip>[0], name = 'LAB-0104'): Promise<Bundle> {
  const zipPath = path.join(dir.name, `${name}.zip`);
  writeZip(zipPath, entries);
  return openZipBundle(zipPath, { name, displayPath: `${name}.zip` });
}

describe('openZipBundle', () => {
  it('lists stored and deflated entries, with display paths inside the zip, and streams their content', async () => {
    const bundle = await open([
      { name: 'ProgramData/LANDesk/Log/', data: '' },
      { name: 'ProgramData/LANDesk/Log/sdclient.log', data: SDCLIENT, method: 'deflate' },
      { name: 'ProgramData\\vulScan\\vulscan.log', data: VULSCAN, method: 'store' },
    ]);
    try {
      expect(bundle.name).toBe('LAB-0104');
      expect(bundle.errors).toEqual([]);
      expect(bundle.skipped).toEqual([]);
      expect(bundle.files.map((f) => [f.bundle, f.path, f.name, f.size])).toEqual([
        ['LAB-0104', 'LAB-0104.zip/ProgramData/LANDesk/Log/sdclient.log', 'sdclient.log', Buffer.byteLength(SDCLIENT)],
        ['LAB-0104', 'LAB-0104.zip/ProgramData/vulScan/vulscan.log', 'vulscan.log', Buffer.byteLength(VULSCAN)],
      ]);
      const [sdclient, vulscan] = bundle.files;
      if (sdclient === undefined || vulscan === undefined) throw new Error('entries missing');
      expect(await textOf(sdclient)).toEqual(SDCLIENT.split('\r\n').slice(0, 2));
      // An entry can be opened again, and read after another one.
      expect(await textOf(vulscan)).toEqual([VULSCAN.trim()]);
      expect(await textOf(sdclient)).toHaveLength(2);
    } finally {
      await bundle.close();
    }
  });

  it('refuses entries that leave the bundle, naming the zip and the entry, and reads the others', async () => {
    const bundle = await open([
      { name: '../evil.log', data: 'x' },
      { name: 'Log/../../evil2.log', data: 'x' },
      { name: '..\\evil3.log', data: 'x' },
      { name: '/etc/evil.log', data: 'x' },
      { name: 'C:\\Windows\\evil.log', data: 'x' },
      { name: 'sdclient.log', data: SDCLIENT },
    ]);
    try {
      expect(bundle.files.map((f) => f.path)).toEqual(['LAB-0104.zip/sdclient.log']);
      expect(await textOf(bundle.files[0] ?? expect.fail('no file'))).toHaveLength(2);
      const reasons = bundle.skipped.map((s) => s.reason);
      expect(reasons).toHaveLength(5);
      for (const reason of reasons) expect(reason).toContain('of LAB-0104.zip refused');
      expect(reasons[0]).toBe('entry "../evil.log" of LAB-0104.zip refused: its path leaves the bundle (a ".." segment)');
      expect(reasons[1]).toContain('"Log/../../evil2.log"');
      expect(reasons[2]).toContain('".."');
      expect(reasons[3]).toContain('absolute');
      expect(reasons[4]).toContain('drive letter');
      expect(bundle.skipped[0]?.path).toBe('LAB-0104.zip/../evil.log');
      expect(bundle.errors).toEqual([]);
    } finally {
      await bundle.close();
    }
  });

  it('refuses an entry whose compression ratio is out of proportion (a real 1000:1 deflate)', async () => {
    const zeros = Buffer.alloc(RATIO_CHECK_ABOVE_BYTES + 1024 * 1024);
    const bundle = await open([
      { name: 'vulscan.log', data: zeros },
      { name: 'sdclient.log', data: SDCLIENT },
    ]);
    try {
      expect(bundle.files.map((f) => f.name)).toEqual(['sdclient.log']);
      expect(bundle.skipped).toHaveLength(1);
      expect(bundle.skipped[0]?.path).toBe('LAB-0104.zip/vulscan.log');
      expect(bundle.skipped[0]?.reason).toMatch(/^entry "vulscan\.log" of LAB-0104\.zip refused: it would expand \d+ bytes to \d+ \(a \d+:1 ratio, over 200:1\): a zip bomb\?$/);
    } finally {
      await bundle.close();
    }
  });

  it('refuses an entry declaring more than MAX_ENTRY_BYTES uncompressed', async () => {
    const bundle = await open([{ name: 'sdclient.log', data: SDCLIENT, declaredUncompressedSize: MAX_ENTRY_BYTES + 1, declaredCompressedSize: MAX_ENTRY_BYTES }]);
    try {
      expect(bundle.files).toEqual([]);
      expect(bundle.skipped[0]?.reason).toContain(`over the ${MAX_ENTRY_BYTES}-byte limit`);
    } finally {
      await bundle.close();
    }
  });

  it('fails the stream of an entry whose data is bigger than its header says', async () => {
    const bundle = await open([
      { name: 'sdclient.log', data: SDCLIENT.repeat(100), declaredUncompressedSize: 10 },
      { name: 'vulscan.log', data: VULSCAN },
    ]);
    try {
      const [liar, honest] = bundle.files;
      if (liar === undefined || honest === undefined) throw new Error('entries missing');
      await expect(textOf(liar)).rejects.toThrow(/too many bytes/);
      expect(await textOf(honest)).toEqual([VULSCAN.trim()]);
    } finally {
      await bundle.close();
    }
  });

  it('refuses encrypted entries, symbolic links and unsupported compression, and reads a zip inside as part of the device (one level deep)', async () => {
    const bundle = await open([
      { name: 'secret.log', data: 'x', encrypted: true },
      { name: 'link.log', data: '/etc/passwd', method: 'store', unixMode: 0o120777 },
      { name: 'more.zip', data: makeZip([{ name: 'vulscan.log', data: VULSCAN }, { name: 'deeper.zip', data: makeZip([{ name: 'a.log', data: 'a' }]) }]) },
      { name: 'sdclient.log', data: SDCLIENT, unixMode: 0o100644 },
    ]);
    try {
      expect(bundle.files.map((f) => f.path)).toEqual(['LAB-0104.zip/more.zip/vulscan.log', 'LAB-0104.zip/sdclient.log']);
      expect(await textOf(bundle.files[0] ?? expect.fail('no file'))).toEqual([VULSCAN.trim()]);
      const byPath = Object.fromEntries(bundle.skipped.map((s) => [s.path, s.reason]));
      expect(byPath['LAB-0104.zip/secret.log']).toContain('encrypted');
      expect(byPath['LAB-0104.zip/link.log']).toContain('not a regular file');
      expect(byPath['LAB-0104.zip/more.zip/deeper.zip']).toBe('a zip inside a zip inside a zip is not read');
    } finally {
      await bundle.close();
    }
  });

  it('decodes entry names as UTF-8 when flag bit 11 is set, else as CP437', async () => {
    const bundle = await open([
      { name: 'Büro/sdclient.log', data: 'a', utf8: true },
      // CP437: 0x81 is ü, 0x82 is é.
      { name: Buffer.from([0x63, 0x61, 0x66, 0x82, 0x2f, 0x81, 0x2e, 0x6c, 0x6f, 0x67]), data: 'b' },
    ]);
    try {
      expect(bundle.files.map((f) => f.path)).toEqual(['LAB-0104.zip/Büro/sdclient.log', 'LAB-0104.zip/café/ü.log']);
    } finally {
      await bundle.close();
    }
  });

  it('ignores folders and macOS metadata', async () => {
    const bundle = await open([
      { name: 'Log/', data: '' },
      { name: '__MACOSX/Log/._sdclient.log', data: 'junk' },
      { name: 'Log/.DS_Store', data: 'junk' },
      { name: 'Log/sdclient.log', data: SDCLIENT },
    ]);
    try {
      expect(bundle.files.map((f) => f.path)).toEqual(['LAB-0104.zip/Log/sdclient.log']);
      expect(bundle.skipped).toEqual([]);
    } finally {
      await bundle.close();
    }
  });

  it('turns a file that is not a zip into a bundle with an error', async () => {
    const zipPath = path.join(dir.name, 'LAB-0105.zip');
    writeFileSync(zipPath, 'Mon, 09 Mar 2026 10:02:11 this is a log, not a zip\n');
    const bundle = await openZipBundle(zipPath, { name: 'LAB-0105', displayPath: 'fleet/LAB-0105.zip' });
    expect(bundle.name).toBe('LAB-0105');
    expect(bundle.files).toEqual([]);
    expect(bundle.errors).toHaveLength(1);
    expect(bundle.errors[0]).toMatch(/^fleet\/LAB-0105\.zip: cannot be read as a zip \(.+\)/);
    await bundle.close();
  });

  it('turns a truncated zip into a bundle with an error', async () => {
    const whole = makeZip([{ name: 'sdclient.log', data: SDCLIENT }]);
    const zipPath = path.join(dir.name, 'LAB-0106.zip');
    writeFileSync(zipPath, whole.subarray(0, whole.length - 30));
    const bundle = await openZipBundle(zipPath, { name: 'LAB-0106', displayPath: 'LAB-0106.zip' });
    expect(bundle.files).toEqual([]);
    expect(bundle.errors[0]).toContain('LAB-0106.zip: cannot be read as a zip');
  });

  it('keeps the entries listed before a damaged central directory record', async () => {
    const whole = makeZip([
      { name: 'sdclient.log', data: SDCLIENT },
      { name: 'vulscan.log', data: VULSCAN },
    ]);
    // Break the signature of the second central directory header.
    const second = whole.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    whole[second] = 0;
    const zipPath = path.join(dir.name, 'LAB-0107.zip');
    writeFileSync(zipPath, whole);
    const bundle = await openZipBundle(zipPath, { name: 'LAB-0107', displayPath: 'LAB-0107.zip' });
    try {
      expect(bundle.files.map((f) => f.name)).toEqual(['sdclient.log']);
      expect(bundle.errors[0]).toMatch(/^LAB-0107\.zip: the zip's directory is damaged after 1 entries/);
      expect(await textOf(bundle.files[0] ?? expect.fail('no file'))).toHaveLength(2);
    } finally {
      await bundle.close();
    }
  });

  it('reads in place: takes no destination and writes nothing next to the zip', async () => {
    expectTypeOf<keyof ZipBundleOptions>().toEqualTypeOf<'name' | 'displayPath' | 'limits' | 'maxFiles' | 'deviceNames'>();
    expect(openZipBundle.length).toBe(2);
    const bundle = await open([
      { name: 'Log/sdclient.log', data: SDCLIENT },
      { name: '../evil.log', data: 'x' },
    ]);
    for (const file of bundle.files) await textOf(file);
    await bundle.close();
    expect(readdirSync(dir.name)).toEqual(['LAB-0104.zip']);
  });

  it('rejects open() once the bundle is closed, and closes twice safely', async () => {
    const bundle = await open([{ name: 'sdclient.log', data: SDCLIENT }]);
    await bundle.close();
    await bundle.close();
    await expect(bundle.files[0]?.open()).rejects.toThrow(/closed/);
  });
});

describe('checkEntryName / checkEntrySize', () => {
  it('cleans harmless names and refuses escaping ones', () => {
    expect(checkEntryName('./Log//sdclient.log')).toEqual({ path: 'Log/sdclient.log' });
    expect(checkEntryName('Log\\sdclient.log')).toEqual({ path: 'Log/sdclient.log' });
    expect(checkEntryName('a/..b/c..log')).toEqual({ path: 'a/..b/c..log' });
    expect(checkEntryName('a/../b')).toHaveProperty('refused');
    expect(checkEntryName('\\\\server\\share\\x.log')).toHaveProperty('refused');
    expect(checkEntryName('d:x.log')).toHaveProperty('refused');
    expect(checkEntryName('x\0.log')).toHaveProperty('refused');
    expect(checkEntryName('./')).toHaveProperty('refused');
  });

  it('holds the ratio only against entries over the threshold', () => {
    const big = RATIO_CHECK_ABOVE_BYTES + 1;
    expect(checkEntrySize(RATIO_CHECK_ABOVE_BYTES, 1)).toBeNull();
    expect(checkEntrySize(big, Math.ceil(big / MAX_COMPRESSION_RATIO))).toBeNull();
    expect(checkEntrySize(big, Math.floor(big / MAX_COMPRESSION_RATIO) - 1)).toMatch(/zip bomb/);
    expect(checkEntrySize(big, 0)).toMatch(/unbounded/);
    expect(checkEntrySize(MAX_ENTRY_BYTES, MAX_ENTRY_BYTES)).toBeNull();
    expect(checkEntrySize(MAX_ENTRY_BYTES + 1, MAX_ENTRY_BYTES)).toMatch(/limit/);
  });
});

describe('a zip that holds several devices', () => {
  it('opens as one device per top folder, sharing the zip until the last is closed', async () => {
    const zipPath = path.join(dir.name, 'fleet.zip');
    writeZip(zipPath, [
      { name: 'LAB-01/ProgramData/LANDesk/Log/sdclient.log', data: SDCLIENT },
      { name: 'LAB-02/ProgramData/LANDesk/Log/vulscan.log', data: VULSCAN },
      { name: 'README.txt', data: 'gathered on Monday' },
    ]);
    const bundles = await openZipBundles(zipPath, { name: 'fleet', displayPath: 'fleet.zip' });
    expect(bundles.map((b) => [b.name, b.files.map((f) => f.path)])).toEqual([
      ['LAB-01', ['fleet.zip/LAB-01/ProgramData/LANDesk/Log/sdclient.log']],
      ['LAB-02', ['fleet.zip/LAB-02/ProgramData/LANDesk/Log/vulscan.log']],
    ]);
    expect(bundles[0]?.skipped).toEqual([{ path: 'fleet.zip/README.txt', reason: 'in fleet.zip but outside its device folders' }]);
    // The first device's close leaves the zip open for the second one's files.
    await bundles[0]?.close();
    expect(await textOf(bundles[1]!.files[0]!)).toEqual([VULSCAN.trim()]);
    await bundles[1]?.close();
  });

  it('stays one device for one device, with or without a top folder', async () => {
    const zipPath = path.join(dir.name, 'LAB-01.zip');
    writeZip(zipPath, [{ name: 'LAB-01/ProgramData/LANDesk/Log/sdclient.log', data: SDCLIENT }, { name: 'LAB-01/ldprovisioning/ldprovisioning.log', data: SDCLIENT }]);
    const bundles = await openZipBundles(zipPath, { name: 'LAB-01', displayPath: 'LAB-01.zip' });
    expect(bundles.map((b) => [b.name, b.files.length])).toEqual([['LAB-01', 2]]);
    await bundles[0]?.close();
    expect(deviceFolders(['ProgramData/LANDesk/Log/sdclient.log', 'ldprovisioning/ldprovisioning.log', 'Program Files (x86)/LANDesk/LDClient/sdclient.log'])).toEqual([]);
    expect(deviceFolders(['PC-1/sdclient.log', 'PC-1/vulscan.log', 'PC-2/notes.txt'])).toEqual(['PC-1']);
    // A top folder holding one stray log is no device of its own.
    expect(deviceFolders(['PC-1/sdclient.log', 'PC-2/vulscan.log'])).toEqual([]);
  });

  it('stays one device where logs sit at the root or in a layout folder, whatever stray copies lie in other folders', async () => {
    // Regression: old/sdclient.log and backup/vulscan.log made "a fleet of two devices", both no-failure, and the real logs were skipped.
    const entries = [
      { name: 'ProgramData/LANDesk/Log/sdclient.log', data: SDCLIENT },
      { name: 'ProgramData/LANDesk/Log/vulscan.log', data: VULSCAN },
      { name: 'old/sdclient.log', data: SDCLIENT },
      { name: 'backup/vulscan.log', data: VULSCAN },
    ];
    expect(deviceFolders(entries.map((e) => e.name))).toEqual([]);
    expect(deviceFolders(['sdclient.log', 'PC-1/ProgramData/LANDesk/Log/sdclient.log', 'PC-2/ProgramData/LANDesk/Log/sdclient.log'])).toEqual([]);
    const zipPath = path.join(dir.name, 'LAB-07.zip');
    writeZip(zipPath, entries);
    const bundles = await openZipBundles(zipPath, { name: 'LAB-07', displayPath: 'LAB-07.zip' });
    expect(bundles.map((b) => [b.name, b.files.length])).toEqual([['LAB-07', 4]]);
    await bundles[0]?.close();
  });
});

describe('a zip of device zips', () => {
  it('opens as one device per inner zip, named after it', async () => {
    const device = (sd: string) => makeZip([{ name: 'ProgramData/LANDesk/Log/sdclient.log', data: sd }, { name: 'ProgramData/LANDesk/Log/vulscan.log', data: VULSCAN }]);
    const zipPath = path.join(dir.name, 'fleet.zip');
    writeZip(zipPath, [{ name: 'LAB-01.zip', data: device(SDCLIENT) }, { name: 'site/LAB-02.zip', data: device(SDCLIENT) }, { name: 'LAB-03.zip', data: makeZip([{ name: 'sdclient.log', data: SDCLIENT }]) }]);
    const bundles = await openZipBundles(zipPath, { name: 'fleet', displayPath: 'fleet.zip' });
    expect(bundles.map((b) => [b.name, b.files.map((f) => f.path)])).toEqual([
      ['LAB-01', ['fleet.zip/LAB-01.zip/ProgramData/LANDesk/Log/sdclient.log', 'fleet.zip/LAB-01.zip/ProgramData/LANDesk/Log/vulscan.log']],
      ['LAB-02', ['fleet.zip/site/LAB-02.zip/ProgramData/LANDesk/Log/sdclient.log', 'fleet.zip/site/LAB-02.zip/ProgramData/LANDesk/Log/vulscan.log']],
      ['LAB-03', ['fleet.zip/LAB-03.zip/sdclient.log']],
    ]);
    for (const bundle of bundles) await bundle.close();
  });

  it('gives its devices in name order (numbers as numbers), not in the order of its entries', async () => {
    const device = makeZip([{ name: 'ProgramData/LANDesk/Log/sdclient.log', data: SDCLIENT }]);
    const zipPath = path.join(dir.name, 'unordered.zip');
    writeZip(zipPath, [{ name: 'b/PC-10.zip', data: device }, { name: 'a/PC-9.zip', data: device }, { name: 'PC-100.zip', data: device }]);
    const bundles = await openZipBundles(zipPath, { name: 'unordered', displayPath: 'unordered.zip' });
    expect(bundles.map((b) => b.name)).toEqual(['PC-9', 'PC-10', 'PC-100']);
    for (const bundle of bundles) await bundle.close();
  });
});

describe('zip limits that cannot be walked around', () => {
  it('refuses, past a total for the bundle, entries that are each under every per-entry limit', async () => {
    const block = 'x'.repeat(64 * 1024);
    const zipPath = path.join(dir.name, 'LAB-08.zip');
    writeZip(zipPath, Array.from({ length: 5 }, (_, i) => ({ name: `ProgramData/LANDesk/Log/vulscan.${i + 1}.log`, data: block })));
    const bundle = await openZipBundle(zipPath, {
      name: 'LAB-08', displayPath: 'LAB-08.zip',
      limits: { maxEntryBytes: MAX_ENTRY_BYTES, maxCompressionRatio: 10_000, ratioCheckAboveBytes: RATIO_CHECK_ABOVE_BYTES, maxTotalBytes: 3 * block.length },
    });
    expect(bundle.files.length).toBe(3);
    expect(bundle.skipped.map((s) => s.reason)).toEqual([0, 1].map(() => expect.stringContaining(`would inflate past ${3 * block.length} bytes in all`)));
    await bundle.close();
  });

  it('holds the ratio against entries from 1 MiB up (a 10 MiB entry of one byte repeated is a bomb)', () => {
    expect(checkEntrySize(10 * 1024 * 1024, 10 * 1024, DEFAULT_ZIP_LIMITS)).toMatch(/1024:1 ratio, over 200:1/);
    expect(checkEntrySize(2 * 1024 * 1024, 5 * 1024, DEFAULT_ZIP_LIMITS)).toMatch(/410:1 ratio/);
    expect(checkEntrySize(512 * 1024, 1024, DEFAULT_ZIP_LIMITS)).toBeNull();
  });

  it('refuses entries whose data overlaps another\'s (one payload inflated many times)', async () => {
    const bundle = await open([
      { name: 'ProgramData/LANDesk/Log/sdclient.log', data: SDCLIENT },
      { name: 'ProgramData/LANDesk/Log/sdclient_task1.log', sharesDataOf: 0 },
      { name: 'ProgramData/LANDesk/Log/sdclient_task2.log', sharesDataOf: 0 },
    ]);
    expect(bundle.files.map((f) => f.name)).toEqual(['sdclient.log']);
    expect(bundle.skipped.map((s) => s.reason)).toEqual([0, 1].map(() => expect.stringContaining('its data overlaps another entry\'s')));
    await bundle.close();
  });

  it('checks each entry\'s CRC-32 as it is read: a mismatch is a warning on that file, its lines still read', async () => {
    const zipPath = path.join(dir.name, 'LAB-09.zip');
    writeZip(zipPath, [{ name: 'ProgramData/LANDesk/Log/sdclient.log', data: SDCLIENT, declaredCrc: 0x12345678 }]);
    const report = await diagnose({ paths: [zipPath] });
    const file = report.devices[0]?.files[0];
    expect(file).toMatchObject({ lines: 2, parsed: 2 });
    expect(file?.warnings).toEqual([expect.stringMatching(/LAB-09\.zip\/ProgramData\/LANDesk\/Log\/sdclient\.log: its CRC-32 is 0x[0-9a-f]{8}, not the 0x12345678 the zip declares/)]);
  });

  it('gives entries of the same name distinct display paths, and reads each', async () => {
    const bundle = await open([
      { name: 'ProgramData/LANDesk/Log/sdclient.log', data: SDCLIENT },
      { name: 'ProgramData/LANDesk/Log/sdclient.log', data: SDCLIENT },
    ]);
    expect(bundle.files.map((f) => [f.path, f.name])).toEqual([
      ['LAB-0104.zip/ProgramData/LANDesk/Log/sdclient.log', 'sdclient.log'],
      ['LAB-0104.zip/ProgramData/LANDesk/Log/sdclient.log (copy 2)', 'sdclient.log'],
    ]);
    await bundle.close();
  });
});
