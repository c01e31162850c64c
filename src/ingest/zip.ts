// Reads a .zip device bundle in place: entries are streamed straight out of
// the archive and nothing is ever written to disk, so there is no
// destination folder, nothing to clean up, and no way for an entry named
// "../../Windows/evil.dll" to land anywhere.
//
// Zips come from the field, made by gathering scripts on broken machines, so
// one bad entry must not cost the others: names are decoded and checked here
// (yauzl's own check would fail the whole archive), and each refused entry is
// listed as skipped with the zip and the entry named. A zip that cannot be
// opened at all becomes a bundle with an error, never an exception, so one
// damaged bundle never stops a fleet run.

import path from 'node:path';
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import type { Entry, ZipFile } from 'yauzl';
import type { SkippedFile } from '../types.js';
import { appendAll, minMax } from '../arrays.js';
import { deviceNameOfFolder } from './gathered.js';
import { messageOf } from '../errors.js';
import { logKindFromFileName } from './names.js';
import { compareDeviceNames, isOsMetadata, isZipName, LAYOUT_FOLDERS, SOURCE_WARNING, type Bundle, type SourceFile } from './source.js';
import { readProgress } from './read-progress.js';

/** An entry declaring more than this uncompressed is refused: no device log is half a gigabyte. */
export const MAX_ENTRY_BYTES = 512 * 1024 * 1024;
/** Text logs deflate around 10:1, rarely past 50:1; past 200:1 an entry is padding or a bomb. */
export const MAX_COMPRESSION_RATIO = 200;
/**
 * The ratio is held against every entry bigger than this: below it, no entry can inflate to
 * anything that matters alone, and small, highly repetitive logs are common and harmless.
 * (Many such entries together are bounded by the bundle's total below.)
 */
export const RATIO_CHECK_ABOVE_BYTES = 1024 * 1024;
/** What one zip bundle may inflate to in all: a device's logs are tens of MB, a re-provisioned one's a few hundred. */
export const MAX_TOTAL_BYTES = 1024 * 1024 * 1024;

export interface ZipLimits {
  maxEntryBytes: number;
  maxCompressionRatio: number;
  ratioCheckAboveBytes: number;
  maxTotalBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntryBytes: MAX_ENTRY_BYTES,
  maxCompressionRatio: MAX_COMPRESSION_RATIO,
  ratioCheckAboveBytes: RATIO_CHECK_ABOVE_BYTES,
  maxTotalBytes: MAX_TOTAL_BYTES,
};

export interface ZipBundleOptions {
  /** The bundle (device) name. */
  name: string;
  /** The zip's display path; entries display as `<displayPath>/<entry path>`. */
  displayPath: string;
  limits?: ZipLimits;
  /** Entries read at the most (default MAX_ZIP_FILES); the rest are counted and said. */
  maxFiles?: number;
  /** A fleet archive's device names by device folder, where planning named them apart from other bundles' devices. */
  deviceNames?: Readonly<Record<string, string>>;
}

/** Entries one zip bundle may hold before the rest are left out. */
export const MAX_ZIP_FILES = 5000;

/**
 * Checks an entry name (already decoded, backslashes as in the archive) and
 * returns its clean relative path, or the reason it is refused. Backslashes
 * count as separators because Windows zippers write them.
 */
export function checkEntryName(name: string): { path: string } | { refused: string } {
  if (name.includes('\0')) return { refused: 'its name contains a NUL character' };
  const slashed = name.replace(/\\/g, '/');
  if (slashed.startsWith('/')) return { refused: 'its path is absolute' };
  if (/^[a-zA-Z]:/.test(slashed)) return { refused: 'its path starts with a drive letter' };
  const segments = slashed.split('/');
  if (segments.includes('..')) return { refused: 'its path leaves the bundle (a ".." segment)' };
  const clean = segments.filter((s) => s !== '' && s !== '.').join('/');
  if (clean === '') return { refused: 'its name is empty' };
  return { path: clean };
}

/** The reason an entry's declared sizes are refused, or null when they are in proportion. */
export function checkEntrySize(uncompressed: number, compressed: number, limits: ZipLimits = DEFAULT_ZIP_LIMITS): string | null {
  if (uncompressed > limits.maxEntryBytes) {
    return `it declares ${uncompressed} bytes uncompressed, over the ${limits.maxEntryBytes}-byte limit`;
  }
  if (uncompressed > limits.ratioCheckAboveBytes && uncompressed > compressed * limits.maxCompressionRatio) {
    const ratio = compressed === 0 ? 'an unbounded' : `a ${Math.round(uncompressed / compressed)}:1`;
    return `it would expand ${compressed} bytes to ${uncompressed} (${ratio} ratio, over ${limits.maxCompressionRatio}:1): a zip bomb?`;
  }
  return null;
}

// Unix file type bits, in the high half of the external attributes when the entry was made on Unix.
const MADE_BY_UNIX = 3;
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

function unixFileType(entry: Entry): number | null {
  if (entry.versionMadeBy >> 8 !== MADE_BY_UNIX) return null;
  const type = (entry.externalFileAttributes >>> 16) & S_IFMT;
  return type === 0 ? null : type;
}

/** Opens a zip as one device bundle. Never rejects: a damaged zip comes back as a bundle with an error. */
/** A zip inside a zip is read (in memory) up to this size; one more level of nesting is not read. */
export const MAX_NESTED_ZIP_BYTES = 256 * 1024 * 1024;

export async function openZipBundle(zipPath: string | Buffer, options: ZipBundleOptions & { nested?: number }): Promise<Bundle> {
  const { name, displayPath } = options;
  // Its directory is read now: a stall here is said as this archive's.
  readProgress(displayPath);
  const limits = options.limits ?? DEFAULT_ZIP_LIMITS;
  const closers: (() => Promise<void>)[] = [];
  const yauzl = await zipReader();
  let zip: ZipFile;
  try {
    zip = await openZip(yauzl, zipPath);
  } catch (error) {
    return {
      name,
      files: [],
      skipped: [],
      errors: [`${displayPath}: cannot be read as a zip (${messageOf(error)}); is it a complete .zip file?`],
      close: async () => {},
    };
  }

  const files: SourceFile[] = [];
  const skipped: SkippedFile[] = [];
  const errors: string[] = [];
  const { entries, error } = await listEntries(zip);
  // Later errors on the archive itself (failing to close the file) have no
  // one left to tell and must not crash the run; entry streams report their own.
  zip.on('error', () => {});
  if (error !== null) {
    // The central directory is damaged past this point: keep what was listed before it.
    errors.push(`${displayPath}: the zip's directory is damaged after ${entries.length} entries (${error.message}); the rest of it was not read`);
  }

  const overlapping = overlappingEntries(entries);
  const maxFiles = options.maxFiles ?? MAX_ZIP_FILES;
  let leftOut = 0;
  const seenPaths = new Map<string, number>();
  let totalBytes = 0;
  for (const entry of entries) {
    // yauzl decodes per the spec: UTF-8 when general-purpose bit 11 is set
    // (or from an Info-ZIP Unicode path field), else CP437. strict = true
    // leaves backslashes alone so checkEntryName sees the name as stored.
    const rawName = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
    const refuse = (reason: string, entryPath = rawName): void => {
      skipped.push({ path: `${displayPath}/${entryPath}`, reason: `entry ${JSON.stringify(rawName)} of ${displayPath} refused: ${reason}` });
    };
    const type = unixFileType(entry);
    if (/[\\/]$/.test(rawName) || type === S_IFDIR) continue; // folders carry no data
    const checked = checkEntryName(rawName);
    if ('refused' in checked) {
      refuse(checked.refused);
      continue;
    }
    const entryPath = checked.path;
    const baseName = path.posix.basename(entryPath);
    if (entryPath.split('/').some(isOsMetadata)) continue;
    if (type !== null && type !== S_IFREG) {
      refuse('it is not a regular file (a symbolic link or special file), so it is not followed', entryPath);
      continue;
    }
    if (entry.isEncrypted()) {
      refuse('it is encrypted', entryPath);
      continue;
    }
    if (!entry.canDecodeFileData()) {
      refuse(`its compression method (${entry.compressionMethod}) is not supported; re-zip it with deflate`, entryPath);
      continue;
    }
    const tooBig = checkEntrySize(entry.uncompressedSize, entry.compressedSize, limits);
    if (tooBig !== null) {
      refuse(tooBig, entryPath);
      continue;
    }
    if (overlapping.has(entry)) {
      // Two directory entries over the same bytes: a way to inflate one small payload many times.
      refuse('its data overlaps another entry\'s (a crafted zip?)', entryPath);
      continue;
    }
    if (totalBytes + entry.uncompressedSize > limits.maxTotalBytes) {
      refuse(`the bundle's entries would inflate past ${limits.maxTotalBytes} bytes in all; this one and the rest are not read`, entryPath);
      continue;
    }
    totalBytes += entry.uncompressedSize;
    if (isZipName(baseName)) {
      // A zip inside: its logs are this bundle's (a device zip holding a zip of logs), or, in a
      // zip of device zips, each inner zip is a device (openZipBundles splits them).
      if ((options.nested ?? 0) >= 1 || entry.uncompressedSize > MAX_NESTED_ZIP_BYTES) {
        skipped.push({ path: `${displayPath}/${entryPath}`, reason: (options.nested ?? 0) >= 1 ? 'a zip inside a zip inside a zip is not read' : `a zip inside the zip larger than ${MAX_NESTED_ZIP_BYTES} bytes is not read` });
        continue;
      }
      try {
        const inner = await openZipBundle(await readEntry(zip, entry), {
          name, displayPath: `${displayPath}/${entryPath}`, limits, maxFiles: Math.max(0, (options.maxFiles ?? MAX_ZIP_FILES) - files.length), nested: (options.nested ?? 0) + 1,
        });
        appendAll(files, inner.files);
        appendAll(skipped, inner.skipped);
        appendAll(errors, inner.errors);
        closers.push(inner.close);
      } catch (error) {
        errors.push(`${displayPath}/${entryPath}: cannot be read as a zip (${messageOf(error)})`);
      }
      continue;
    }
    if (files.length >= maxFiles) {
      leftOut += 1;
      continue;
    }
    // The same name twice (zippers allow it): each copy is read, shown under a name of its own.
    const copies = (seenPaths.get(entryPath) ?? 0) + 1;
    seenPaths.set(entryPath, copies);
    files.push({
      bundle: name,
      path: copies === 1 ? `${displayPath}/${entryPath}` : `${displayPath}/${entryPath} (copy ${copies})`,
      name: baseName,
      size: entry.uncompressedSize,
      stamp: `${entry.uncompressedSize}:${entry.crc32}`,
      ...optionalTime(dosWallTime(entry.lastModFileDate, entry.lastModFileTime)),
      // validateEntrySizes (on by default) fails this stream if the data
      // inflates past the declared size, so the size checks above hold.
      // pipeline, not pipe: a failing entry stream (a size that lied) must fail the reader too.
      open: async () => pipeline(await openEntry(zip, entry), new Crc32Check(entry.crc32), () => {}),
    });
  }

  if (leftOut > 0) skipped.push({ path: displayPath, reason: `${leftOut} more entries not read: the zip holds more than ${maxFiles} files (raise the limit with --max-files)` });
  files.sort((a, b) => compareText(a.path, b.path));
  return {
    name,
    files,
    skipped,
    errors,
    close: async () => {
      // yauzl's close is idempotent; the handle is released once open entry streams end.
      zip.close();
      for (const close of closers) await close();
    },
  };
}

/**
 * A zip of one device, or of a fleet: where the zip's top folders each hold a device's logs
 * (fleet.zip/LAB-0101/…, fleet.zip/LAB-0102/…), each folder is a device of its own, so
 * a fleet zipped together is never read as one device. The devices share the open zip,
 * which is closed when the last of them is.
 */
export async function openZipBundles(zipPath: string, options: ZipBundleOptions): Promise<Bundle[]> {
  return splitArchive(await openZipBundle(zipPath, options), options.displayPath, options.deviceNames);
}

/**
 * A zip's device folders from its entry names alone (zip-peek.ts), where it is a fleet; none for
 * a device zip. The names are checked and cleaned as openZipBundle does; a zip inside is a device
 * of its own (a zip of device zips), as when it is opened.
 */
export function fleetFoldersOf(entryNames: readonly string[]): string[] {
  const paths: string[] = [];
  for (const raw of entryNames) {
    if (/[\\/]$/.test(raw)) continue;
    const checked = checkEntryName(raw);
    if ('refused' in checked || checked.path.split('/').some(isOsMetadata)) continue;
    paths.push(isZipName(checked.path) ? `${checked.path}/sdclient.log` : checked.path);
  }
  const devices = deviceFolders(paths);
  return devices.length < 2 ? [] : devices;
}

/**
 * An archive's bundle as its devices: one where it holds one device, each device folder's where
 * it holds a fleet (deviceFolders). Zips and tar archives alike.
 */
export function splitArchive(whole: Bundle, displayPath: string, plannedNames?: Readonly<Record<string, string>>): Bundle[] {
  const options = { displayPath };
  const prefix = `${options.displayPath}/`;
  const devices = deviceFolders(whole.files.map((f) => f.path.slice(prefix.length)));
  // A zip of one device zip is that device; of several, a fleet.
  if (devices.length < 2) return [whole];
  let open = devices.length;
  const closeOne = async (): Promise<void> => {
    open -= 1;
    if (open === 0) await whole.close();
  };
  const names = deviceFolderNames(devices);
  const bundles = devices.map((device): Bundle => {
    const inside = `${prefix}${device}/`;
    const files = whole.files.filter((f) => f.path.startsWith(inside)).map((f) => ({ ...f, bundle: device }));
    const named = plannedNames?.[device] ?? names.get(device) ?? device;
    // The archive's place and the folders inside it before the device: site-b.tgz/logs.
    const group = [...displayPath.split('/'), ...device.split('/').slice(0, -1)].join('/');
    return { name: named, group, files: files.map((f) => ({ ...f, bundle: named })), skipped: whole.skipped.filter((s) => s.path.startsWith(inside)), errors: [], close: closeOne };
  }).sort((a, b) => compareDeviceNames(a.name, b.name));
  // In the order of a share's devices (by name), not of the zip's entries.
  // What lies outside every device folder belongs to no device: say so on the first one.
  const first = bundles[0];
  if (first) {
    appendAll(first.errors, whole.errors);
    for (const file of whole.files) {
      if (!devices.some((d) => file.path.startsWith(`${prefix}${d}/`))) first.skipped.push({ path: file.path, reason: `in ${options.displayPath} but outside its device folders` });
    }
  }
  return bundles;
}

/**
 * The folders of a zip that are device bundles themselves: more than one means a fleet zipped
 * together, whose logs must not be read as one device's. A folder is a device bundle where it
 * holds a folder of the client's layout (PC-1/ProgramData/…), or logs of two kinds or more directly
 * (a flat gathered device), at any depth: a wrapper folder around the devices (logs.zip →
 * logs/LAB-0101/…) or a zipped nested share (site/date/device/) is a fleet as well. A zip with
 * logs at its root, or with a layout folder at its root, is one device whatever else it holds:
 * stray copies in old/ or backup/ do not make it a fleet, nor does a folder inside a device's.
 */
export function deviceFolders(entryPaths: readonly string[]): string[] {
  const layouts = new Set<string>();
  const kinds = new Map<string, Set<string>>();
  for (const entryPath of entryPaths) {
    const parts = entryPath.split('/');
    if (parts[0] === undefined) continue;
    const kind = logKindFromFileName(parts[parts.length - 1] ?? '');
    if (parts.length < 2 ? kind !== null : LAYOUT_FOLDERS.has((parts[0] ?? '').toLowerCase())) return [];
    if (kind === null) continue;
    // A zip inside that holds logs, at any depth, is a device zip of its own (a zip of device zips).
    const inner = parts.findIndex((part, i) => i < parts.length - 1 && isZipName(part));
    if (inner >= 0) {
      layouts.add(parts.slice(0, inner + 1).join('/'));
      continue;
    }
    // The device folder is the one above the first layout folder on the way down.
    const layout = parts.findIndex((part, i) => i > 0 && i < parts.length - 1 && LAYOUT_FOLDERS.has(part.toLowerCase()));
    if (layout > 0) {
      layouts.add(parts.slice(0, layout).join('/'));
      continue;
    }
    const folder = parts.slice(0, -1).join('/');
    const set = kinds.get(folder) ?? new Set<string>();
    set.add(kind);
    kinds.set(folder, set);
  }
  const candidates = new Set(layouts);
  for (const [folder, set] of kinds) if (set.size >= 2) candidates.add(folder);
  // A folder inside a device's folder is part of that device (its old/ copy, its per-task logs).
  const devices = [...candidates].filter((folder) => {
    const parts = folder.split('/');
    for (let i = 1; i < parts.length; i += 1) if (candidates.has(parts.slice(0, i).join('/'))) return false;
    return true;
  });
  return devices.sort(compareText);
}

/**
 * The names of a zip's device folders: the folder's own name, or, where two devices share it
 * (site-a/LAB-0101, site-b/LAB-0101), the path that tells them apart, without the folders that
 * every device sits in (a wrapper).
 */
export function deviceFolderNames(devices: readonly string[]): Map<string, string> {
  const split = devices.map((d) => d.split('/'));
  let common = 0;
  const shortest = minMax(split.map((parts) => parts.length - 1))?.min ?? 0;
  while (common < shortest && split.every((parts) => parts[common] === split[0]?.[common])) common += 1;
  const own = (device: string): string => {
    const parts = device.split('/');
    const last = parts[parts.length - 1] ?? device;
    // The gathering script's folder is named from the folder it was unzipped into, or its own zip's name.
    return deviceNameOfFolder(isZipName(last) ? last.slice(0, -'.zip'.length) || last : last, parts[parts.length - 2] ?? '');
  };
  const counts = new Map<string, number>();
  for (const device of devices) counts.set(own(device).toLowerCase(), (counts.get(own(device).toLowerCase()) ?? 0) + 1);
  return new Map(devices.map((device, index) => {
    const name = own(device);
    if ((counts.get(name.toLowerCase()) ?? 0) < 2) return [device, name];
    const parts = split[index] ?? [];
    return [device, [...parts.slice(common, -1), name].join('/')];
  }));
}

/** Where an entry's bytes lie in its zip: the fields of yauzl's Entry this check reads (and all the public declarations name, so the package's types need no yauzl types). */
export interface EntryPlace {
  relativeOffsetOfLocalHeader: number;
  fileNameLength: number;
  compressedSize: number;
}

/**
 * Entries whose data lies inside another entry's (same local header, or starting before the
 * previous entry's compressed data ends). Sizes are the central directory's; a local header's
 * own length is at least 30 bytes plus the name.
 */
export function overlappingEntries<E extends EntryPlace>(entries: readonly E[]): Set<E> {
  const byOffset = [...entries].sort((a, b) => a.relativeOffsetOfLocalHeader - b.relativeOffsetOfLocalHeader);
  const overlapping = new Set<E>();
  let end = -1;
  for (const entry of byOffset) {
    const start = entry.relativeOffsetOfLocalHeader;
    if (start < end) overlapping.add(entry);
    else end = start + 30 + entry.fileNameLength + entry.compressedSize;
  }
  return overlapping;
}

/** Checks an entry's CRC-32 as its bytes go by; a mismatch is said on the file, its lines still read. */
class Crc32Check extends Transform {
  private crc = 0;
  constructor(private readonly expected: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.crc = crc32(chunk, this.crc);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if ((this.crc >>> 0) !== (this.expected >>> 0)) {
      this.emit(SOURCE_WARNING, `its CRC-32 is ${hex(this.crc)}, not the ${hex(this.expected)} the zip declares: the entry is damaged; its lines were read as they are`);
    }
    callback();
  }
}

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}

/** zlib.crc32 where Node has it (20.15+); a table otherwise. */
const crc32: (data: Uint8Array, value: number) => number = typeof zlib.crc32 === 'function'
  ? (data, value) => zlib.crc32(data, value)
  : tableCrc32;

let TABLE: Uint32Array | undefined;
function tableCrc32(data: Uint8Array, value: number): number {
  if (!TABLE) {
    TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n += 1) {
      let c = n;
      for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      TABLE[n] = c >>> 0;
    }
  }
  let crc = ~value >>> 0;
  for (const byte of data) crc = (TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return ~crc >>> 0;
}

type Yauzl = typeof import('yauzl');
let yauzlLoaded: Promise<Yauzl> | null = null;

/**
 * yauzl, loaded where the first zip is opened: most runs read folders only, and its load was
 * about 20 ms of every thread's start (a worker's and the main thread's), in a run of one device
 * a twelfth of the time.
 */
function zipReader(): Promise<Yauzl> {
  yauzlLoaded ??= import('yauzl').then((loaded) => loaded.default);
  return yauzlLoaded;
}

function openZip(yauzl: Yauzl, source: string | Buffer): Promise<ZipFile> {
  // decodeStrings: false, so a bad name is ours to refuse, entry by entry.
  // autoClose: false, so the file stays open for entries read later; Bundle.close() closes it.
  const options = { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true };
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, zip: ZipFile): void => (error === null ? resolve(zip) : reject(error));
    if (typeof source === 'string') yauzl.open(source, options, done);
    else yauzl.fromBuffer(source, options, done);
  });
}

/** An entry's bytes, whole (for a zip inside a zip, which needs random access). */
async function readEntry(zip: ZipFile, entry: Entry): Promise<Buffer> {
  const stream = await openEntry(zip, entry);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function listEntries(zip: ZipFile): Promise<{ entries: Entry[]; error: Error | null }> {
  return new Promise((resolve) => {
    const entries: Entry[] = [];
    zip.on('entry', (entry: Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve({ entries, error: null }));
    zip.once('error', (error: Error) => resolve({ entries, error }));
    zip.readEntry();
  });
}

function openEntry(zip: ZipFile, entry: Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, {}, (error, stream) => (error === null ? resolve(stream) : reject(error)));
  });
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A zip entry's DOS date and time as a wall-clock time (types.ts WallTime): DOS times carry no
 * zone, they are the zipping machine's clock, as a log's lines are. Undefined where unset or invalid.
 */
export function dosWallTime(date: number, time: number): number | undefined {
  const year = ((date >> 9) & 0x7f) + 1980;
  const month = (date >> 5) & 0x0f;
  const day = date & 0x1f;
  const hours = time >> 11;
  const minutes = (time >> 5) & 0x3f;
  const seconds = (time & 0x1f) * 2;
  if (month < 1 || month > 12 || day < 1 || hours > 23 || minutes > 59 || seconds > 59) return undefined;
  return Date.UTC(year, month - 1, day, hours, minutes, seconds);
}

function optionalTime(modified: number | undefined): { modified?: number } {
  return modified === undefined ? {} : { modified };
}
