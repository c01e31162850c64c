// `--cache [DIR]`: reruns over a growing share read only what is new (ESLint's --cache as the
// model). A device's report is kept in a file named by a hash of what it was made from: the
// tool's version, the pattern packs and rules in use, the options that change a report, and
// the bundle's files (path, size, modification time; with --cache-strategy content, their
// bytes). An unchanged bundle's key finds its report; anything changed makes a new key. No
// index is shared between worker threads: each report file is written atomically on its own.
// A folder bundle's rendering is also found by where the bundle is, with the listing it was
// made from (seenKey): a rerun then stats the bundle's folders and files instead of listing it.
// A corrupt or foreign file is ignored (the device is read again, and its report says why),
// never fatal; nothing here prints: problems come back to the caller as text.
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { writeFileAtomically } from '../atomic.js';
import path from 'node:path';
import type { KnownBundleFolders } from '../ingest/bundles.js';
import { settledTimes, type Bundle, type BundleListing } from '../ingest/source.js';
import type { PatternPack } from '../parsers/patterns.js';
import type { DevicePiece, PieceFormat } from '../render/piece.js';
import type { DeviceTally } from '../report.js';
import type { DeviceReport } from '../types.js';
import { planningAt, readProgress } from '../ingest/read-progress.js';
// Version 2: entries are sealed (length and checksum), and reports carry group, gathered and passedOver; a version-1 entry is never looked up (its key differs).

export const DEFAULT_CACHE_DIR = '.ldforensicscache';
const FORMAT = 'ldforensics.cache/2';
const PIECE_FORMAT = 'ldforensics.cache-piece/2';
const SEEN_FORMAT = 'ldforensics.cache-seen/2';
const FOLDERS_FORMAT = 'ldforensics.cache-folders/2';

export interface CacheOptions {
  dir: string;
  strategy: 'metadata' | 'content';
}

/** What every report depends on besides its bundle. */
export function configKey(parts: { version: string; packs: readonly PatternPack[]; rules: readonly string[]; base: string; zone?: string; maxFiles?: number; maxFileSize?: number }): string {
  return createHash('sha256').update(JSON.stringify([FORMAT, parts.version, parts.packs, parts.rules, parts.base, parts.zone ?? '', parts.maxFiles ?? 0, parts.maxFileSize ?? 0])).digest('hex');
}

/** The bundle's key: its name, where it came from, and each file's stamp (or bytes). */
export async function bundleKey(bundle: Bundle, config: string, strategy: CacheOptions['strategy']): Promise<string> {
  const hash = createHash('sha256').update(config).update(JSON.stringify([bundle.name, bundle.source ?? '', bundle.absoluteGiven === true, bundle.skipped, bundle.errors]));
  for (const file of bundle.files) {
    hash.update(`\u0000${file.path}\u0000${file.stamp ?? file.size}`);
    if (strategy === 'content') {
      readProgress(file.path);
      const bytes = await file.open();
      if (Buffer.isBuffer(bytes)) hash.update(bytes);
      else {
        for await (const chunk of bytes) {
          readProgress();
          hash.update(chunk as Buffer);
        }
      }
    }
  }
  return hash.digest('hex');
}

function fileOf(cache: CacheOptions, key: string): string {
  return path.join(cache.dir, key.slice(0, 2), `${key}.json`);
}

/** The cached report; or none, with the problem where a file was there but not one of ours (read again). */
export function cachedReport(cache: CacheOptions, key: string, device: string): { report: DeviceReport } | { report: null; problem?: string } {
  const entry = readEntry(fileOf(cache, key));
  if (entry === null) return { report: null };
  if (entry === 'damaged') return { report: null, problem: damagedNote(fileOf(cache, key)) };
  try {
    const value: unknown = JSON.parse(Buffer.from(entry.bytes.buffer, entry.bytes.byteOffset, entry.bytes.byteLength).toString('utf8'));
    if (typeof value === 'object' && value !== null && 'format' in value && value.format === FORMAT && 'report' in value) {
      const report = value.report as DeviceReport;
      if (typeof report === 'object' && report !== null && report.device === device) {
        entry.markUsed();
        return { report };
      }
    }
  } catch {
    // fall through: a damaged entry is read again
  }
  return { report: null, problem: `the cache entry ${fileOf(cache, key)} was not a report of ldforensics (damaged?); the device was read again` };
}

/** Keeps a report, written to a temporary file and renamed: a reader never sees half of one. Returns the problem, or null. */
export function storeReport(cache: CacheOptions, key: string, report: DeviceReport): string | null {
  const file = fileOf(cache, key);
  try {
    writeEntry(file, JSON.stringify({ format: FORMAT, report }));
    return null;
  } catch (error) {
    return `this report could not be kept in the cache ${cache.dir}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * Every entry is sealed: a first line with its body's length and checksum. A cut or damaged
 * entry whose own header still parsed was served as it was (a report cut off mid-table, with a
 * normal exit); one that does not match its seal is a miss, said on the device, and the device
 * is read again. CRC-32 (zlib's, native) against truncation and bit rot, not tampering: measured
 * over 20,000 entries of 16 KiB, 55 ms against SHA-1's 178 ms.
 */
const SEAL = 'ldforensics-cache';
const checksumOf: (body: Uint8Array) => string = typeof zlib.crc32 === 'function'
  ? (body) => `crc32:${zlib.crc32(body).toString(16)}`
  : (body) => `sha1:${createHash('sha1').update(body).digest('hex')}`;

export function seal(content: string | Uint8Array): Buffer {
  const body = typeof content === 'string' ? Buffer.from(content) : content;
  return Buffer.concat([Buffer.from(`${SEAL} ${body.length} ${checksumOf(body)}\n`), body]);
}

/** What an entry's seal says of its bytes: its body; damaged; or unsealed (not an entry of this version: damaged too). */
export function unseal(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> | 'damaged' | 'unsealed' {
  if (!Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, SEAL.length + 1)).equals(Buffer.from(`${SEAL} `))) return 'unsealed';
  const newline = bytes.subarray(0, 128).indexOf(0x0a);
  if (newline === -1) return 'damaged';
  const [, length, checksum] = Buffer.from(bytes.buffer, bytes.byteOffset, newline).toString('latin1').split(' ');
  const body = bytes.subarray(newline + 1);
  if (Number(length) !== body.length || checksum !== checksumOf(body)) return 'damaged';
  return body;
}

/** The note on a device whose cache entry did not match its seal. */
function damagedNote(file: string): string {
  return `the cache entry ${file} was damaged (its seal, length or checksum did not match); the device was read again`;
}

/** Writes an entry atomically, sealed; its folder is made only where it is missing (a mkdir per entry was 2,000 calls for 1,000 devices, nearly all of them failing with EEXIST). */
function writeEntry(file: string, content: string | Uint8Array): void {
  const sealed = seal(content);
  try {
    writeFileAtomically(file, sealed);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomically(file, sealed);
  }
}

/**
 * A device's report also kept as rendered, per format and render options (a rerun over an
 * unchanged share is mostly this): the file is a JSON header line (the tally and group), then
 * the rendered bytes as they are, so a hit is one read, with no report parsed or rendered.
 */
export function pieceKey(key: string, format: PieceFormat): string {
  return createHash('sha256').update(JSON.stringify([key, format.format, format.options])).digest('hex');
}

function pieceFileOf(cache: CacheOptions, key: string): string {
  return path.join(cache.dir, key.slice(0, 2), `${key}.piece`);
}

/** The rendered piece kept under `key`, or null (absent, damaged, or another device's: the report path decides then). */
export function cachedPiece(cache: CacheOptions, key: string, device: string): DevicePiece | { problem: string } | null {
  return pieceIn(pieceFileOf(cache, key), PIECE_FORMAT, device);
}

/** Removes a kept rendering (found damaged, and said so on its device). */
export function dropPiece(cache: CacheOptions, key: string): void {
  rmSync(pieceFileOf(cache, key), { force: true });
}

/** Keeps a rendered piece beside its report; a failure only costs the next run a render. */
export function storePiece(cache: CacheOptions, key: string, piece: DevicePiece): void {
  try {
    writeEntry(pieceFileOf(cache, key), withHead({ format: PIECE_FORMAT }, piece));
  } catch {
    // The report is kept (or its problem said) already: a piece that cannot be kept is rendered again next time.
  }
}

/**
 * A piece as kept: a JSON header line (the format, the tally and group, and what `holds` checks)
 * and the rendered bytes as they are. Null where absent, damaged, of another format or another
 * device's, or where `holds` says the header no longer holds.
 */
function pieceIn(file: string, format: string, device: string, holds?: (head: object) => boolean): DevicePiece | { problem: string } | null {
  const entry = readEntry(file);
  if (entry === null) return null;
  if (entry === 'damaged') return { problem: damagedNote(file) };
  const bytes = entry.bytes;
  const newline = bytes.indexOf(0x0a);
  if (newline === -1) return null;
  try {
    const head: unknown = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, newline).toString('utf8'));
    if (typeof head !== 'object' || head === null || !('format' in head) || head.format !== format || !('tally' in head) || !('group' in head)) return null;
    const tally = head.tally as DeviceTally;
    if (typeof tally !== 'object' || tally === null || tally.device !== device || typeof head.group !== 'number') return null;
    if (holds && !holds(head)) return null;
    entry.markUsed();
    // A view into the entry's own buffer, which is moved (transferred) to the main thread whole.
    return { tally, group: head.group, bytes: bytes.subarray(newline + 1) };
  } catch {
    return null;
  }
}

/** A piece's bytes behind its header line. */
function withHead(head: object, piece: DevicePiece): Buffer {
  return Buffer.concat([Buffer.from(`${JSON.stringify({ ...head, tally: piece.tally, group: piece.group })}\n`), piece.bytes]);
}

/**
 * A folder bundle's piece kept under where the bundle is (its folder), with the listing it was
 * made from (BundleListing): a rerun stats the listing's folders and files and, where none of
 * them moved, takes the piece without listing the bundle, hashing its stamps or reading a
 * second file. A listing's folders are a bundle's usual six; listing one costs four system
 * calls where a stat costs one, and a warm rerun of a share is mostly that.
 */
export function seenKey(config: string, folder: string, format: PieceFormat, absoluteGiven = false): string {
  // A report shows its bundle's path as it was given (absolute or relative): two keys.
  return createHash('sha256').update(JSON.stringify([SEEN_FORMAT, config, path.resolve(folder), absoluteGiven, format.format, format.options])).digest('hex');
}

function seenFileOf(cache: CacheOptions, key: string): string {
  return path.join(cache.dir, key.slice(0, 2), `${key}.seen`);
}

/** The piece kept under `key` where its listing still holds, else null (absent, changed, damaged, another device's). */
export function cachedSeen(cache: CacheOptions, key: string, device: string): DevicePiece | { problem: string } | null {
  return pieceIn(seenFileOf(cache, key), SEEN_FORMAT, device, (head) => 'listing' in head && listingHolds(head.listing));
}

/** True where every folder and file of a kept listing has the times (and a file the size) it had. */
function listingHolds(listing: unknown): boolean {
  if (typeof listing !== 'object' || listing === null || !('folders' in listing) || !('files' in listing)) return false;
  const { folders, files } = listing as BundleListing;
  if (!Array.isArray(folders) || !Array.isArray(files) || folders.length === 0) return false;
  for (const [folder, mtimeMs, ctimeMs] of folders) {
    const stats = statSync(folder, { throwIfNoEntry: false });
    if (stats === undefined || !stats.isDirectory() || stats.mtimeMs !== mtimeMs || stats.ctimeMs !== ctimeMs) return false;
  }
  for (const [file, size, mtimeMs] of files) {
    const stats = statSync(file, { throwIfNoEntry: false });
    if (stats === undefined || !stats.isFile() || stats.size !== size || stats.mtimeMs !== mtimeMs) return false;
  }
  return true;
}

/** Keeps a folder bundle's piece under its folder, with the listing it came from; a failure only costs the next run a listing. */
export function storeSeen(cache: CacheOptions, key: string, listing: BundleListing, piece: DevicePiece): void {
  try {
    writeEntry(seenFileOf(cache, key), withHead({ format: SEEN_FORMAT, listing: { folders: listing.folders, files: listing.files } }, piece));
  } catch {
    // The report is kept already (or its problem said): the next run lists the bundle again.
  }
}

/**
 * The device folders that planning a run's paths found (KnownBundleFolders), with their times,
 * kept in one file per config and paths: a rerun plans a share of 10,000 devices with a stat a
 * device where it listed each device's folder (a system call against four, and on a share a
 * round trip against several). Written only where planning found something else than it read.
 */
export class KnownFolders implements KnownBundleFolders {
  private readonly file: string;
  private readonly kept = new Map<string, [mtimeMs: number, ctimeMs: number]>();
  private readonly found = new Map<string, [mtimeMs: number, ctimeMs: number]>();
  private readonly now = Date.now();
  private changed = false;

  constructor(cache: CacheOptions, config: string, paths: readonly string[]) {
    const key = createHash('sha256').update(JSON.stringify([FOLDERS_FORMAT, config, paths.map((given) => path.resolve(given))])).digest('hex');
    this.file = path.join(cache.dir, key.slice(0, 2), `${key}.folders`);
    const entry = readEntry(this.file);
    if (entry === null || entry === 'damaged') return;
    try {
      const value: unknown = JSON.parse(Buffer.from(entry.bytes.buffer, entry.bytes.byteOffset, entry.bytes.byteLength).toString('utf8'));
      if (typeof value !== 'object' || value === null || !('format' in value) || value.format !== FOLDERS_FORMAT || !('folders' in value) || !Array.isArray(value.folders)) return;
      for (const item of value.folders as unknown[]) {
        if (Array.isArray(item) && typeof item[0] === 'string' && typeof item[1] === 'number' && typeof item[2] === 'number') this.kept.set(item[0], [item[1], item[2]]);
      }
      entry.markUsed();
    } catch {
      // a damaged file: every folder is listed, and the file written anew
    }
  }

  unchanged(folder: string): boolean {
    const times = this.kept.get(folder);
    if (times === undefined) return false;
    if (planningAt(folder) !== null) return false;
    let stats;
    try {
      stats = statSync(folder, { throwIfNoEntry: false });
    } catch {
      return false;
    }
    if (stats === undefined || !stats.isDirectory() || stats.mtimeMs !== times[0] || stats.ctimeMs !== times[1]) return false;
    this.found.set(folder, times);
    return true;
  }

  note(folder: string, times: { mtimeMs: number; ctimeMs: number }): void {
    if (!settledTimes(times, this.now)) return;
    this.found.set(folder, [times.mtimeMs, times.ctimeMs]);
    this.changed = true;
  }

  /** Keeps what this run's planning found for the next run; a failure only costs it the listings. */
  save(): void {
    if (!this.changed && this.found.size === this.kept.size) return;
    try {
      writeEntry(this.file, JSON.stringify({ format: FOLDERS_FORMAT, folders: Array.from(this.found, ([folder, [mtimeMs, ctimeMs]]) => [folder, mtimeMs, ctimeMs]) }));
    } catch {
      // a read-only cache: planned by listing next time too
    }
  }
}

/** Entries no run has used for this long are removed: a share rerun for months must not fill the disk. */
export const UNUSED_DAYS = 30;
const DAY_MS = 86_400_000;
/** Where the last look for unused entries is noted: it is made once a day at the most. */
const PRUNED_MARK = '.pruned';
/** A file every used cache folder holds (written by the first run's prune): tells a cache folder from a share. */
export const CACHE_MARKER = PRUNED_MARK;
/** An entry's name (its key, a SHA-256 in hex), and a temporary file's (writeFileAtomically's). */
const ENTRY_NAME = /^[0-9a-f]{64}\.(?:json|piece|seen|folders)$/;
/** An entries' folder: the first two hex digits of their keys. */
const ENTRY_FOLDER = /^[0-9a-f]{2}$/;
const TEMPORARY_NAME = /^[0-9a-f]{64}\.(?:json|piece|seen|folders)\.\d+\.[0-9a-z]+\.tmp$/;

/**
 * An entry's time is moved to now when a run uses it and it is older than this: pruneCache
 * then knows it is in use. Once a day, not on every hit: a time written is an inode written
 * (a journal commit on most file systems), and a warm rerun is mostly hits.
 */
const TOUCH_AFTER_MS = DAY_MS;

/**
 * A cache file's bytes, read into a buffer of its own (not Node's shared pool, so that it can
 * be transferred to the main thread), with what marks it used; null where it cannot be read
 * (absent: a miss). One open, one fstat, one read: the fstat gives the time markUsed needs.
 */
function readEntry(file: string): { bytes: Uint8Array<ArrayBuffer>; markUsed(): void } | 'damaged' | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  let bytes: Uint8Array<ArrayBuffer>;
  let mtime: number;
  try {
    const stats = fstatSync(fd);
    mtime = stats.mtimeMs;
    bytes = new Uint8Array(stats.size);
    let read = 0;
    while (read < bytes.length) {
      const got = readSync(fd, bytes, read, bytes.length - read, read);
      if (got === 0) break;
      read += got;
    }
    if (read < bytes.length) bytes = bytes.slice(0, read);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
  const body = unseal(bytes);
  // The device is read anew, and its entry written over (the thread that reads it again finds the damage too, and says it).
  if (body === 'damaged' || body === 'unsealed') return 'damaged';
  return {
    bytes: body,
    markUsed: () => {
      if (Date.now() - mtime < TOUCH_AFTER_MS) return;
      try {
        const now = new Date();
        utimesSync(file, now, now);
      } catch {
        // A read-only cache still serves; its entries are only never pruned as unused.
      }
    },
  };
}

/**
 * True where the cache holds an entry folder (the first two hex digits of a key): false for a
 * first run, whose folder is missing or empty, so that its devices need not be looked up at all.
 */
export function holdsEntries(cache: CacheOptions): boolean {
  try {
    return readdirSync(cache.dir).some((name) => ENTRY_FOLDER.test(name));
  } catch {
    return false;
  }
}

/**
 * Removes the entries no run has used (read or written) for UNUSED_DAYS, and temporary files a
 * stopped run left, once a day at the most. Nothing here fails a run: what cannot be removed stays.
 * Returns how many files were removed.
 */
export function pruneCache(cache: CacheOptions, now = Date.now()): number {
  const mark = path.join(cache.dir, PRUNED_MARK);
  try {
    if (now - statSync(mark).mtimeMs < DAY_MS) return 0;
  } catch {
    // never pruned: go on
  }
  let removed = 0;
  let folders: string[];
  try {
    folders = readdirSync(cache.dir).filter((name) => ENTRY_FOLDER.test(name));
  } catch {
    return 0;
  }
  for (const folder of folders) {
    let names: string[];
    try {
      names = readdirSync(path.join(cache.dir, folder));
    } catch {
      continue;
    }
    for (const name of names) {
      // Only names this cache writes: --cache may name a folder that holds other files too.
      const entry = ENTRY_NAME.test(name) && name.startsWith(folder);
      const temporary = TEMPORARY_NAME.test(name) && name.startsWith(folder);
      if (!entry && !temporary) continue;
      const file = path.join(cache.dir, folder, name);
      try {
        const age = now - statSync(file).mtimeMs;
        if ((entry && age > UNUSED_DAYS * DAY_MS) || (temporary && age > DAY_MS)) {
          rmSync(file, { force: true });
          removed += 1;
        }
      } catch {
        // gone already, or not ours to remove
      }
    }
  }
  try {
    writeFileSync(mark, new Date(now).toISOString());
  } catch {
    // a read-only cache: looked at again next run
  }
  return removed;
}
