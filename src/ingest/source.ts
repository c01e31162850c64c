// The shapes the ingest layer hands to the rest of the program: a bundle is
// one device's logs, wherever they came from (a folder, a zip, loose files),
// and a source file is something that can be opened as a byte stream. The
// parsers never learn whether a file came from disk or from a zip.

import type { Readable } from 'node:stream';
import type { SkippedFile, WallTime } from '../types.js';

export interface SourceFile {
  /** The device bundle's name. */
  bundle: string;
  /**
   * Display path: relative to the parent of the path given on the command
   * line, with forward slashes ("LAB-0101/ProgramData/LANDesk/Log/sdclient.log",
   * "LAB-0104.zip/sdclient.log"). This is what errors and evidence show.
   */
  path: string;
  /** Base name, which decides the log kind (see names.ts). */
  name: string;
  /** Bytes, as stored on disk or declared by the zip (uncompressed). */
  size: number;
  /** What changes when the file does, without reading it: size and modification time, or a zip entry's size and CRC. */
  stamp?: string;
  /**
   * When the file was last written, as a wall-clock time (types.ts WallTime): a zip entry's own
   * DOS time as stored, a file's time on this machine's clock. Only as good as the copy that kept
   * it: read for what has no time of its own (Process_Commandline.log), never for a log's lines.
   */
  modified?: WallTime;
  /**
   * The file's bytes: a fresh stream, or for a small file on disk the whole of them, read in
   * one call (a stream's open, read, close and abort machinery cost more than such a file's
   * parsing). I/O errors reject here or fail the stream. A problem that does not stop the
   * reading (a zip entry's CRC mismatch) is emitted on the stream as SOURCE_WARNING.
   */
  open(): Promise<Readable | Buffer>;
}

export interface Bundle {
  /** The device: a folder's name, or a zip's name without ".zip" (with its parent folder where two share a name). */
  name: string;
  /** Where the bundle came from on disk (its folder, zip or file). */
  source?: string;
  /** True where the path it was found under was given absolute: its report then shows `source` absolute too, not relative. */
  absoluteGiven?: boolean;
  /** The folders between the path given and the device (site-a/2026-03-01), for a spreadsheet to pivot on; absent where none. */
  group?: string;
  /** Every file of the bundle, at any depth, sorted by path. */
  files: SourceFile[];
  /** Files seen but refused, each with the reason (escaping zip entries, encrypted entries, zip bombs, links out of the tree). */
  skipped: SkippedFile[];
  /** Problems that kept part or all of the bundle from being read (an unreadable folder, a damaged zip). */
  errors: string[];
  /** Releases what the bundle holds open (a zip's file handle). Safe to call twice. */
  close(): Promise<void>;
  /** How a folder bundle was listed, where it was asked for and can be trusted (BundleListing). */
  listing?: BundleListing;
}

/**
 * A folder whose times are this close to now (or ahead of it) is not known by them: a change in
 * the same clock tick, after it was listed, could leave them as they were (FAT's times are 2 s apart).
 */
export const RECENT_CHANGE_MS = 5000;

/** True where a folder's times are older than RECENT_CHANGE_MS before `now`: it may be known by them. */
export function settledTimes(times: { mtimeMs: number; ctimeMs: number }, now: number): boolean {
  const since = now - RECENT_CHANGE_MS;
  return times.mtimeMs <= since && times.ctimeMs <= since;
}

/**
 * A folder bundle's listing as it was walked, so that --cache can tell the bundle is unchanged
 * with a stat per folder and per file, without listing its folders again (git's untracked cache
 * is the model): a folder's modification and change times move whenever an entry is added,
 * removed or renamed in it, and a file's size or time when it is written. Kept only for a
 * bundle of plain folders and files (no links, zips, special files, errors or files left out),
 * and only where no folder's times are settledTimes' recent.
 */
export interface BundleListing {
  /** The bundle's folder, absolute. */
  root: string;
  /** Each folder listed, absolute, with its times (ms, as stat gives them) before it was listed. */
  folders: [folder: string, mtimeMs: number, ctimeMs: number][];
  /** Each file read, absolute, with its size and modification time: its stamp. */
  files: [file: string, size: number, mtimeMs: number][];
}

// Files that operating systems and archivers add next to real content; they
// are never logs and listing them as skipped would only be noise.
const OS_METADATA = new Set(['__macosx', '.ds_store', 'thumbs.db', 'desktop.ini']);

/** True for a path segment that is OS or archiver metadata (macOS resource forks, Finder and Explorer files). */
export function isOsMetadata(segment: string): boolean {
  return OS_METADATA.has(segment.toLowerCase()) || segment.startsWith('._');
}

/** Folder names of the EPM client's on-disk layout (lower case); a folder holding one is a device's copy. */
export const LAYOUT_FOLDERS: ReadonlySet<string> = new Set([
  'programdata',
  'landesk',
  'ldclient',
  'log',
  'data',
  'vulscan',
  'policies',
  'ldprovisioning',
  // Older templates (Configure Target OS) put their files in C:\ldprovision\.
  'ldprovision',
  'program files (x86)',
  'program files',
  // Newer agents install under C:\Program Files (x86)\Ivanti\EPM Agent\.
  'ivanti',
  'epm agent',
]);

/** True for a folder named like one of the client's layout folders (LAYOUT_FOLDERS). */
export function isLayoutFolder(entry: { readonly name: string; isDirectory(): boolean }): boolean {
  return entry.isDirectory() && LAYOUT_FOLDERS.has(entry.name.toLowerCase());
}

/** True for a file name ending in .zip (any case). */
export function isZipName(name: string): boolean {
  return name.toLowerCase().endsWith('.zip');
}

/** The event a source stream emits, with a message, for a problem that does not stop the reading. */
export const SOURCE_WARNING = 'ldforensics-warning';

const byName = new Intl.Collator('en', { numeric: true });

/** The order devices are reported in: by name, numbers as numbers (LAB-9 before LAB-10), then by code point. */
export function compareDeviceNames(a: string, b: string): number {
  return byName.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** A file system time (ms since the epoch) as the wall clock of this machine read it. */
export function wallTimeOfFileTime(epochMs: number): WallTime {
  return epochMs - new Date(epochMs).getTimezoneOffset() * 60_000;
}
