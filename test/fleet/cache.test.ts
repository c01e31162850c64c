// --cache: a rerun takes unchanged devices' reports from the cache; a changed file, a new
// pattern pack or a new option reads the device again; a corrupt cache entry is ignored.
import fsSync, { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tmp from 'tmp';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderers } from '../../src/render/index.js';
import type { PieceFormat } from '../../src/render/piece.js';
import { holdsEntries, pruneCache, seal, unseal, UNUSED_DAYS } from '../../src/fleet/cache.js';
import { diagnose, diagnosePieces } from '../../src/run.js';
import { SAMPLES } from '../helpers/parse.js';

let root: tmp.DirResult;
let fleet: string;
let cacheDir: string;
beforeEach(() => {
  root = tmp.dirSync({ unsafeCleanup: true });
  fleet = path.join(root.name, 'fleet');
  for (const sample of ['LAB-0101', 'LAB-0102', 'LAB-0104.zip']) cpSync(path.join(SAMPLES, sample), path.join(fleet, sample), { recursive: true });
  cacheDir = path.join(root.name, 'cache');
});
afterEach(() => {
  root.removeCallback();
});

function entries(ending = '.json'): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name));
      else if (e.name.endsWith(ending)) out.push(path.join(dir, e.name));
    }
  };
  walk(cacheDir);
  return out.sort();
}

/** An entry's body, behind its seal (the cache's length and checksum line). */
function body(file: string): Buffer {
  const bytes = readFileSync(file);
  const inner = unseal(new Uint8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
  if (typeof inner === 'string') throw new Error(`test setup: ${file} is ${inner}`);
  return Buffer.from(inner);
}

/** Writes an entry's body, sealed as the cache seals it. */
function writeBody(file: string, content: string | Uint8Array): void {
  writeFileSync(file, seal(content));
}

/** Marks every cached report, so a report that comes back marked came from the cache. */
function markCache(): void {
  for (const file of entries()) {
    const value = JSON.parse(body(file).toString('utf8')) as { report: { explanation: string } };
    value.report.explanation = `CACHED ${value.report.explanation}`;
    writeBody(file, JSON.stringify(value));
  }
}

const cache = (strategy: 'metadata' | 'content' = 'metadata') => ({ dir: cacheDir, strategy });

/**
 * Folders and listings are known by their times only where none changed in the last seconds (the
 * same clock tick could hide a change after them); the fleet was just copied, so the clock is
 * moved on instead.
 */
function moveClockOn(): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date(Date.now() + 60_000));
}

function restoreClock(): void {
  vi.useRealTimers();
  vi.restoreAllMocks();
}

/** The folders listed while `run` ran, relative to the fleet ('' for the fleet itself). */
async function foldersListed(run: () => Promise<unknown>): Promise<string[]> {
  const folders: string[] = [];
  const real = fsSync.readdirSync;
  vi.spyOn(fsSync, 'readdirSync').mockImplementation(((folder: string, options: unknown) => {
    folders.push(path.relative(fleet, String(folder)).split(path.sep).join('/'));
    return (real as (f: string, o: unknown) => unknown)(folder, options);
  }) as typeof fsSync.readdirSync);
  await run();
  vi.mocked(fsSync.readdirSync).mockRestore();
  return folders;
}

/** Marks every kept rendering (`.piece`, `.seen`) after its header line, so a text that comes back marked was read as it was kept. */
function markRenderings(ending: '.piece' | '.seen'): void {
  for (const file of entries(ending)) {
    const bytes = body(file);
    const newline = bytes.indexOf(0x0a);
    writeBody(file, Buffer.concat([bytes.subarray(0, newline + 1), Buffer.from('CACHED '), bytes.subarray(newline + 1)]));
  }
}

describe('--cache', () => {
  it('gives the same report, and a rerun takes every unchanged device from the cache', async () => {
    const cold = await diagnose({ paths: [fleet], cache: cache() });
    expect(renderers.json.render(cold, { color: false })).toBe(renderers.json.render(await diagnose({ paths: [fleet] }), { color: false }));
    expect(entries()).toHaveLength(3);
    markCache();
    const warm = await diagnose({ paths: [fleet], cache: cache() });
    expect(warm.devices.every((d) => d.explanation.startsWith('CACHED '))).toBe(true);
  });

  it('reads a device again when one of its files changed (size and time, or content)', async () => {
    await diagnose({ paths: [fleet], cache: cache() });
    markCache();
    appendFileSync(path.join(fleet, 'LAB-0101', 'ProgramData', 'LANDesk', 'Log', 'sdclient.log'), 'Tue, 17 Feb 2026 10:00:00 one more line\r\n');
    const warm = await diagnose({ paths: [fleet], cache: cache() });
    expect(warm.devices.map((d) => [d.device, d.explanation.startsWith('CACHED ')])).toEqual([['LAB-0101', false], ['LAB-0102', true], ['LAB-0104', true]]);

    // content: the same size and time, other bytes, is a change too.
    await diagnose({ paths: [fleet], cache: cache('content') });
    markCache();
    const file = path.join(fleet, 'LAB-0102', 'LocalSchedulerTasks.log');
    const { mtime, atime } = statSync(file);
    const bytes = readFileSync(file);
    bytes[0] = bytes[0] === 0x54 ? 0x74 : 0x54;
    writeFileSync(file, bytes);
    const { utimesSync } = await import('node:fs');
    utimesSync(file, atime, mtime);
    const content = await diagnose({ paths: [fleet], cache: cache('content') });
    expect(content.devices.find((d) => d.device === 'LAB-0102')?.explanation.startsWith('CACHED ')).toBe(false);
  });

  it('reads everything again under a new pattern pack or another zone', async () => {
    await diagnose({ paths: [fleet], cache: cache() });
    markCache();
    const pack = path.join(root.name, 'pack.json');
    writeFileSync(pack, JSON.stringify({ name: 'extra', patterns: [{ id: 'x-busy', logs: ['sdclient'], event: 'busy-refusal', regex: '^cannot continue: another agent task \\((?<blocker>\\w+)\\) holds the lock', samples: ['Mon, 09 Mar 2026 10:02:12 Cannot continue: another agent task (vulscan) holds the lock'] }] }));
    const withPack = await diagnose({ paths: [fleet], cache: cache(), patternFiles: [pack] });
    expect(withPack.devices.some((d) => d.explanation.startsWith('CACHED '))).toBe(false);
    const withZone = await diagnose({ paths: [fleet], cache: cache(), zone: 'Europe/Paris' });
    expect(withZone.devices.some((d) => d.explanation.startsWith('CACHED '))).toBe(false);
  });

  it('ignores a corrupt or foreign cache entry, reads the device again, and says so on the device', async () => {
    await diagnose({ paths: [fleet], cache: cache() });
    for (const file of entries()) writeFileSync(file, '{"not": "ours"');
    const again = await diagnose({ paths: [fleet], cache: cache() });
    expect(again.devices.map((d) => d.verdict)).toEqual(['vulscan-blocked-sdclient', 'no-failure', 'policysync-blocked-sdclient']);
    expect(again.devices[0]?.notes).toContainEqual(expect.stringMatching(/^the cache entry .* was damaged \(its seal, length or checksum did not match\); the device was read again$/));
    // The entry was written anew: the next run takes the device from the cache again.
    markCache();
    expect((await diagnose({ paths: [fleet], cache: cache() })).devices.every((d) => d.explanation.startsWith('CACHED '))).toBe(true);
  });
});

describe('--cache, a first run', () => {
  it('knows an empty cache (missing, empty, or holding other files) from one with entries, whose devices it then looks up', async () => {
    expect(holdsEntries(cache())).toBe(false);
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(path.join(cacheDir, 'notes.txt'), 'not an entry');
    mkdirSync(path.join(cacheDir, 'backup'));
    expect(holdsEntries(cache())).toBe(false);
    // The first run (nothing to look up in this thread) fills it; the second takes its devices from it.
    const first = await diagnose({ paths: [fleet], cache: cache(), jobs: 2 });
    expect(holdsEntries(cache())).toBe(true);
    markCache();
    const second = await diagnose({ paths: [fleet], cache: cache(), jobs: 2 });
    expect(second.devices.map((d) => d.explanation)).toEqual(first.devices.map((d) => `CACHED ${d.explanation}`));
  });
});

describe('--cache, rendered devices', () => {
  const text: PieceFormat = { format: 'text', options: { color: false, width: 100 } };
  async function pieces(options: { jobs?: number; format?: PieceFormat; paths?: string[] } = {}): Promise<string[]> {
    const out: string[] = [];
    for await (const piece of diagnosePieces({ paths: options.paths ?? [fleet], cache: cache(), jobs: options.jobs ?? 1 }, options.format ?? text)) out.push(Buffer.from(piece.bytes).toString('utf8'));
    return out;
  }
  const markPieces = (): void => markRenderings('.piece');

  it('keeps each device as rendered, and a rerun (one job or two) reads it back as it was written', async () => {
    const uncached: string[] = [];
    for await (const piece of diagnosePieces({ paths: [fleet] }, text)) uncached.push(Buffer.from(piece.bytes).toString('utf8'));
    expect(await pieces()).toEqual(uncached);
    expect(entries('.piece')).toHaveLength(3);
    markPieces();
    expect(await pieces()).toEqual(uncached.map((t) => `CACHED ${t}`));
    expect(await pieces({ jobs: 2 })).toEqual(uncached.map((t) => `CACHED ${t}`));
  });

  it('renders again for another format or width (from the cached report), and for a changed bundle', async () => {
    await pieces();
    markCache();
    markPieces();
    const narrow = await pieces({ format: { format: 'text', options: { color: false, width: 80 } } });
    expect(narrow.every((t) => !t.startsWith('CACHED ') && t.includes('CACHED '))).toBe(true);
    const json = await pieces({ format: { format: 'json', options: { color: false } } });
    expect(json.every((t) => t.includes('"explanation": "CACHED '))).toBe(true);
    appendFileSync(path.join(fleet, 'LAB-0101', 'ProgramData', 'LANDesk', 'Log', 'sdclient.log'), 'Tue, 17 Feb 2026 10:00:00 one more line\r\n');
    expect((await pieces()).map((t) => t.startsWith('CACHED '))).toEqual([false, true, true]);
  });

  it.each([1, 2])('renders again where a kept rendering is damaged (said on the device) or another device\'s (the same bytes), with %i job(s)', async (jobs) => {
    const cold = await pieces({ jobs });
    const kept = entries('.piece');
    writeFileSync(kept[0] ?? '', 'not a piece');
    writeFileSync(kept[1] ?? '', readFileSync(kept[2] ?? ''));
    // With two jobs the damaged one is found in this thread first, then read on a worker, which says it.
    const again = await pieces({ jobs });
    const changed = again.filter((t, i) => t !== cold[i]);
    expect(changed).toHaveLength(1);
    expect(changed[0]).toContain('was damaged (its seal, length or checksum did not match)');
    // Said once: the next run renders it whole again and keeps it.
    expect(await pieces({ jobs })).toEqual(cold);
  });

  it('with two jobs, takes the kept devices in this thread and gives a changed or damaged one to a worker, in name order', async () => {
    const cold = await pieces({ jobs: 2 });
    markPieces();
    appendFileSync(path.join(fleet, 'LAB-0102', 'ProgramData', 'LANDesk', 'Log', 'sdclient.log'), 'Tue, 17 Feb 2026 10:00:00 one more line\r\n');
    const mixed = await pieces({ jobs: 2 });
    expect(mixed.map((t) => t.startsWith('CACHED '))).toEqual([true, false, true]);
    expect(mixed[0]).toBe(`CACHED ${cold[0] ?? ''}`);
    expect(mixed[2]).toBe(`CACHED ${cold[2] ?? ''}`);
    // Reports (the formats drawn from whole reports, and the HTML folder) come from here too.
    markCache();
    const reports = await diagnose({ paths: [fleet], cache: cache(), jobs: 2 });
    expect(reports.devices.map((d) => d.explanation.startsWith('CACHED '))).toEqual([true, true, true]);
    for (const file of entries()) writeFileSync(file, '{"not": "ours"');
    const damaged = await diagnose({ paths: [fleet], cache: cache(), jobs: 2 });
    expect(damaged.devices.map((d) => d.device)).toEqual(['LAB-0101', 'LAB-0102', 'LAB-0104']);
    expect(damaged.devices.every((d) => d.notes.some((n) => n.includes('was damaged (its seal, length or checksum did not match)')))).toBe(true);
  });

  it('never keeps a rendering that carries this run\'s cache problem', async () => {
    await pieces();
    for (const file of entries('.piece')) writeFileSync(file, 'x');
    for (const file of entries()) writeFileSync(file, '{"not": "ours"');
    const damaged = await pieces();
    expect(damaged.every((t) => t.includes('was damaged (its seal, length or checksum did not match)'))).toBe(true);
    const next = await pieces();
    expect(next.some((t) => t.includes('was damaged'))).toBe(false);
  });
});

describe('--cache, folder bundles found by their listing', () => {
  const text: PieceFormat = { format: 'text', options: { color: false, width: 100 } };
  const log = (device: string) => path.join(fleet, device, 'ProgramData', 'LANDesk', 'Log');
  beforeEach(moveClockOn);
  afterEach(restoreClock);
  async function pieces(options: { jobs?: number; devices?: string[] } = {}, cached = true): Promise<string[]> {
    const out: string[] = [];
    for await (const piece of diagnosePieces({ paths: [fleet], ...(cached ? { cache: cache() } : {}), jobs: options.jobs ?? 1, ...(options.devices ? { devices: options.devices } : {}) }, text)) out.push(Buffer.from(piece.bytes).toString('utf8'));
    return out;
  }
  const markSeen = (): void => markRenderings('.seen');

  it('an entry cut to a third, its header line intact, is never served: the device is read and rendered again whole, and the damage is said', async () => {
    const cold = await pieces();
    const cut = (file: string): void => {
      const bytes = readFileSync(file);
      writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 3)));
    };
    // A folder device's rendering kept under its listing (.seen): said through onCacheProblem, and the same bytes as cold.
    for (const file of entries('.seen')) cut(file);
    const problems: string[] = [];
    const again: string[] = [];
    for await (const piece of diagnosePieces({ paths: [fleet], cache: cache(), jobs: 1, onCacheProblem: (device, problem) => problems.push(`${device}: ${problem}`) }, text)) {
      again.push(Buffer.from(piece.bytes).toString('utf8'));
    }
    expect(again).toEqual(cold);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^LAB-0101: the cache entry .*\.seen was damaged \(its seal, length or checksum did not match\); the device was read again$/);
    // The zip device's rendering (.piece): rendered again whole, with the note on the device.
    for (const file of entries('.piece')) cut(file);
    const third = await pieces();
    expect(third.slice(0, 2)).toEqual(cold.slice(0, 2));
    expect(third[2]).toContain('was damaged (its seal, length or checksum did not match)');
    expect((third[2] ?? '').length).toBeGreaterThan((cold[2] ?? '').length);
    // And a report (.json) cut short: read again, its note on the device, the verdicts as before.
    for (const file of entries()) cut(file);
    const reports = await diagnose({ paths: [fleet], cache: cache() });
    expect(reports.devices.map((d) => d.verdict)).toEqual(['vulscan-blocked-sdclient', 'no-failure', 'policysync-blocked-sdclient']);
    expect(reports.devices.every((d) => d.notes.some((n) => n.includes('was damaged')))).toBe(true);
  });
  /** The folders listed below the devices' own folders while `run` ran. */
  const listedInside = async (run: () => Promise<unknown>): Promise<string[]> => (await foldersListed(run)).filter((folder) => folder.includes('/') && !folder.startsWith('..'));

  it('keeps each folder device under its listing, and a rerun (one job or two) takes it without listing its folders', async () => {
    const uncached = await pieces({}, false);
    expect(await pieces()).toEqual(uncached);
    // The two folder devices by their listing; the zip device as before.
    expect(entries('.seen')).toHaveLength(2);
    expect(entries('.piece')).toHaveLength(1);
    markSeen();
    for (const jobs of [1, 2]) {
      let warm: string[] = [];
      expect(await listedInside(async () => { warm = await pieces({ jobs }); })).toEqual([]);
      expect(warm.map((t) => t.startsWith('CACHED '))).toEqual([true, true, false]);
      expect(warm.map((t) => t.replace(/^CACHED /, ''))).toEqual(uncached);
    }
  });

  it('lists and reads a device again when a file is added, removed or written anywhere in it, or the folder is renamed', async () => {
    await pieces();
    markSeen();
    // A file added in a folder three levels down moves that folder's times only.
    writeFileSync(path.join(log(DEVICE_A), 'vulscan2.log'), readFileSync(path.join(log(DEVICE_A), 'vulscan.log')));
    let warm = await pieces();
    expect(warm.map((t) => t.startsWith('CACHED '))).toEqual([false, true, false]);
    expect(warm.map((t) => t.replace(/^CACHED /, ''))).toEqual(await pieces({}, false));
    markSeen();
    unlinkSync(path.join(log(DEVICE_A), 'vulscan2.log'));
    appendFileSync(path.join(log(DEVICE_B), 'sdclient.log'), 'Tue, 17 Feb 2026 10:00:00 one more line\r\n');
    warm = await pieces();
    expect(warm.map((t) => t.startsWith('CACHED '))).toEqual([false, false, false]);
    expect(warm).toEqual(await pieces({}, false));
    // A file written to its old size and time again is the limit of --cache-strategy metadata, as for every stamp.
    markSeen();
    const renamed = path.join(fleet, 'LAB-0199');
    fsSync.renameSync(path.join(fleet, DEVICE_B), renamed);
    warm = await pieces();
    expect(warm.map((t) => t.startsWith('CACHED '))).toEqual([true, false, false]);
    expect(warm.map((t) => t.replace(/^CACHED /, ''))).toEqual(await pieces({}, false));
  });

  it('keeps no listing for a folder changed in the last seconds, or a bundle with a link, and finds those by their files as before', async () => {
    vi.useRealTimers();
    await pieces();
    expect(entries('.seen')).toHaveLength(0);
    expect(entries('.piece')).toHaveLength(3);
    moveClockOn();
    symlinkSync(path.join(log(DEVICE_B), 'vulscan.log'), path.join(log(DEVICE_B), 'vulscan-link.log'));
    // The second run finds each by its files' stamps, and keeps the plain one under its listing from then on.
    const second = await pieces();
    expect(entries('.seen').length).toBe(1);
    markSeen();
    const third = await pieces();
    expect(third.map((t) => t.startsWith('CACHED '))).toEqual([true, false, false]);
    expect(third.map((t) => t.replace(/^CACHED /, ''))).toEqual(second);
  });

  it('renders again where a kept listing is damaged, another device\'s or names what is gone, with the same bytes; and skips devices not asked for', async () => {
    const cold = await pieces();
    const [first, second] = entries('.seen');
    writeFileSync(second ?? '', readFileSync(first ?? ''));
    writeFileSync(first ?? '', 'not a listing');
    expect(await pieces()).toEqual(cold);
    for (const file of entries('.seen')) {
      const bytes = body(file);
      const newline = bytes.indexOf(0x0a);
      const head = JSON.parse(bytes.subarray(0, newline).toString('utf8')) as { listing: { files: [string, number, number][] } };
      head.listing.files.push([path.join(fleet, 'gone.log'), 1, 1]);
      writeBody(file, Buffer.concat([Buffer.from(`${JSON.stringify(head)}\n`), Buffer.from('CACHED '), bytes.subarray(newline + 1)]));
    }
    expect(await pieces()).toEqual(cold);
    markSeen();
    expect(await pieces({ devices: [DEVICE_B] })).toEqual([`CACHED ${cold[1] ?? ''}`]);
    expect(await pieces({ devices: [DEVICE_B], jobs: 2 })).toEqual([`CACHED ${cold[1] ?? ''}`]);
  });
});

describe('--cache, device folders planned by their times', () => {
  const text: PieceFormat = { format: 'text', options: { color: false, width: 100 } };
  beforeEach(moveClockOn);
  afterEach(restoreClock);
  async function names(options: { jobs?: number; cached?: boolean } = {}): Promise<string[]> {
    const out: string[] = [];
    for await (const piece of diagnosePieces({ paths: [fleet], ...(options.cached === false ? {} : { cache: cache() }), jobs: options.jobs ?? 1 }, text)) out.push(piece.tally.device);
    return out;
  }
  const listed = foldersListed;

  it('plans a rerun over an unchanged share listing only the share itself (one job or two)', async () => {
    expect(await names()).toEqual(['LAB-0101', 'LAB-0102', 'LAB-0104']);
    expect(entries('.folders')).toHaveLength(1);
    for (const jobs of [1, 2]) {
      let found: string[] = [];
      expect(await listed(async () => { found = await names({ jobs }); })).toEqual(['']);
      expect(found).toEqual(['LAB-0101', 'LAB-0102', 'LAB-0104']);
    }
  });

  it('finds a device added, leaves out one removed, and lists again a device folder that became a folder of devices', async () => {
    await names();
    cpSync(path.join(SAMPLES, 'LAB-0103'), path.join(fleet, 'LAB-0103'), { recursive: true });
    rmSync(path.join(fleet, 'LAB-0101'), { recursive: true });
    // LAB-0102's logs move one folder down, under a device folder of their own.
    const inner = path.join(root.name, 'inner');
    fsSync.renameSync(path.join(fleet, 'LAB-0102'), inner);
    mkdirSync(path.join(fleet, 'LAB-0102'));
    fsSync.renameSync(inner, path.join(fleet, 'LAB-0102', 'LAB-0102-B'));
    const expected = await names({ cached: false });
    expect(expected).toEqual(['LAB-0102-B', 'LAB-0103', 'LAB-0104']);
    expect(await names()).toEqual(expected);
    expect(await names()).toEqual(expected);
  });

  it('never knows a folder that is no bundle by its own times: devices added further down are found', async () => {
    // An empty folder is a device of its own (the run says it holds no logs), until a bundle lands two folders below it.
    mkdirSync(path.join(fleet, 'site-b', '2026-03-01'), { recursive: true });
    expect(await names()).toEqual(['LAB-0101', 'LAB-0102', 'LAB-0104', 'site-b']);
    cpSync(path.join(SAMPLES, 'LAB-0103'), path.join(fleet, 'site-b', '2026-03-01', 'LAB-0103'), { recursive: true });
    expect(await names()).toEqual(['LAB-0101', 'LAB-0102', 'LAB-0103', 'LAB-0104']);
  });

  it('plans a fleet whose device folder cannot be stat\'ed (a missing search permission), and reports that device', async () => {
    await names();
    rmSync(cacheDir, { recursive: true });
    const real = fsSync.statSync;
    vi.spyOn(fsSync, 'statSync').mockImplementation(((file: string, options?: unknown) => {
      if (String(file) === path.join(fleet, 'LAB-0102')) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      return (real as (f: string, o?: unknown) => unknown)(file, options);
    }) as typeof fsSync.statSync);
    expect(await names()).toEqual(['LAB-0101', 'LAB-0102', 'LAB-0104']);
  });

  it('lists every folder again where the kept file is damaged, and keeps no folder changed in the last seconds', async () => {
    await names();
    for (const file of entries('.folders')) writeFileSync(file, '{"format": "ldforensics.cache-folders/2", "folders": [1, ["x"]]');
    expect(await listed(async () => { expect(await names()).toEqual(['LAB-0101', 'LAB-0102', 'LAB-0104']); })).toEqual(expect.arrayContaining(['LAB-0101', 'LAB-0102']));
    vi.useRealTimers();
    rmSync(cacheDir, { recursive: true });
    await names();
    expect(await listed(() => names())).toEqual(expect.arrayContaining(['LAB-0101', 'LAB-0102']));
  });
});

const DEVICE_A = 'LAB-0101';
const DEVICE_B = 'LAB-0102';

describe('--cache and the folder the tool runs in', () => {
  it('says where each bundle is relative to the folder of this run, not of the run that kept it', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const run = promisify(execFile);
    const bin = path.join(import.meta.dirname, '..', '..', 'bin', 'ldforensics.js');
    // The share given relative to the folder each run is in; given absolute, it is shown absolute (test/e2e/bundle-path.test.ts).
    const sources = async (cwd: string): Promise<string[]> => {
      const out = await run(process.execPath, [bin, 'diagnose', path.relative(cwd, fleet) || '.', '-f', 'ndjson', '--cache-location', cacheDir], { cwd }).catch((e: { stdout: string }) => e);
      return out.stdout.trim().split('\n').map((line) => JSON.parse(line) as { source?: string }).filter((r) => r.source !== undefined).map((r) => r.source ?? '');
    };
    expect(await sources(root.name)).toEqual(['fleet/LAB-0101', 'fleet/LAB-0102', 'fleet/LAB-0104.zip']);
    expect(await sources(fleet)).toEqual(['LAB-0101', 'LAB-0102', 'LAB-0104.zip']);
    expect(await sources(root.name)).toEqual(['fleet/LAB-0101', 'fleet/LAB-0102', 'fleet/LAB-0104.zip']);
  });
});

describe('--cache, entries no run uses', () => {
  const daysAgo = (days: number): Date => new Date(Date.now() - days * 86_400_000);
  const age = (file: string, days: number): void => utimesSync(file, daysAgo(days), daysAgo(days));
  const prunedMark = (): string => path.join(cacheDir, '.pruned');

  it('removes entries unused for the limit and stale temporary files, keeps the rest, and looks once a day at the most', async () => {
    await diagnose({ paths: [fleet], cache: cache() });
    const [old, fresh, used] = entries();
    age(old ?? '', UNUSED_DAYS + 1);
    age(fresh ?? '', UNUSED_DAYS - 1);
    const temporary = `${used ?? ''}.123.abc.tmp`;
    writeFileSync(temporary, 'half');
    age(temporary, 2);
    // Files of other names, however old, are not the cache's to remove.
    const foreign = [path.join(path.dirname(old ?? ''), 'notes.json'), path.join(cacheDir, 'zz', `${'a'.repeat(64)}.json`)];
    for (const file of foreign) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, '{}');
      age(file, UNUSED_DAYS + 100);
    }
    rmSync(prunedMark(), { force: true });
    expect(pruneCache(cache())).toBe(2);
    for (const file of foreign) expect(existsSync(file)).toBe(true);
    for (const file of foreign) rmSync(file);
    expect(entries()).toEqual([fresh, used]);
    expect(existsSync(temporary)).toBe(false);
    // Looked at today: not again until tomorrow.
    age(fresh ?? '', UNUSED_DAYS + 1);
    expect(pruneCache(cache())).toBe(0);
    expect(pruneCache(cache(), Date.now() + 86_400_000 + 1000)).toBe(1);
  });

  it('counts a report or rendering read by a run as used, so an unchanged device is never pruned', async () => {
    await diagnose({ paths: [fleet], cache: cache() });
    for await (const _ of diagnosePieces({ paths: [fleet], cache: cache() }, { format: 'json', options: { color: false } })) { /* kept */ }
    for (const file of [...entries(), ...entries('.piece')]) age(file, UNUSED_DAYS + 5);
    rmSync(prunedMark(), { force: true });
    // This run reads every device's rendering (and prunes after it): the renderings stay, the reports it did not need go.
    for await (const _ of diagnosePieces({ paths: [fleet], cache: cache() }, { format: 'json', options: { color: false } })) { /* read */ }
    expect(entries('.piece')).toHaveLength(3);
    expect(entries()).toHaveLength(0);
    expect(existsSync(prunedMark())).toBe(true);
    // The next run of reports reads the devices again and keeps them anew.
    const again = await diagnose({ paths: [fleet], cache: cache() });
    expect(again.devices.map((d) => d.verdict)).toEqual(['vulscan-blocked-sdclient', 'no-failure', 'policysync-blocked-sdclient']);
    expect(entries()).toHaveLength(3);
  });

  it('moves an entry\'s time only when it is a day old: a hit on a fresher entry writes nothing', async () => {
    for await (const _ of diagnosePieces({ paths: [fleet], cache: cache() }, { format: 'json', options: { color: false } })) { /* kept */ }
    const pieces = entries('.piece');
    const hoursAgo = (hours: number): Date => new Date(Date.now() - hours * 3_600_000);
    const [recent, old] = pieces;
    utimesSync(recent ?? '', hoursAgo(2), hoursAgo(2));
    utimesSync(old ?? '', hoursAgo(30), hoursAgo(30));
    const before = statSync(recent ?? '').mtimeMs;
    const again: string[] = [];
    for await (const piece of diagnosePieces({ paths: [fleet], cache: cache() }, { format: 'json', options: { color: false } })) again.push(Buffer.from(piece.bytes).toString('utf8'));
    expect(again).toHaveLength(3);
    expect(JSON.parse(again[0] ?? '')).toMatchObject({ verdict: 'vulscan-blocked-sdclient' });
    expect(statSync(recent ?? '').mtimeMs).toBe(before);
    expect(Date.now() - statSync(old ?? '').mtimeMs).toBeLessThan(3_600_000);
  });
});
