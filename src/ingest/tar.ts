// Device bundles as tar archives (.tar, .tar.gz, .tgz), read like zips with the same limits:
// entry names checked, sizes bounded, a fleet tarred together split into its devices. A tar is
// read from its start to its end (it has no directory), so its entries are held in memory, up
// to MAX_TAR_BYTES. tar-stream reads them: a maintained streaming tar reader with no native
// code (the one under tar-fs), rather than a tar reader written here.
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { messageOf } from '../errors.js';
import type { SkippedFile } from '../types.js';
import { wallTimeOfFileTime, type Bundle, type SourceFile } from './source.js';
import { checkEntryName, DEFAULT_ZIP_LIMITS, MAX_ZIP_FILES, splitArchive, type ZipBundleOptions } from './zip.js';
import { readProgress } from './read-progress.js';

/** What a tar bundle holds in memory at the most: a device's logs are megabytes. */
export const MAX_TAR_BYTES = 256 * 1024 * 1024;

export function isTarName(name: string): boolean {
  return /\.(?:tar|tgz|tar\.gz)$/i.test(name);
}

/** The name of a tar bundle without its extension (LAB-0105.tar.gz → LAB-0105). */
export function tarStem(fileName: string): string {
  return fileName.replace(/\.(?:tar\.gz|tgz|tar)$/i, '') || fileName;
}

export async function openTarBundles(tarPath: string, options: ZipBundleOptions): Promise<Bundle[]> {
  return splitArchive(await openTarBundle(tarPath, options), options.displayPath, options.deviceNames);
}

export async function openTarBundle(tarPath: string, options: ZipBundleOptions): Promise<Bundle> {
  readProgress(options.displayPath);
  const { name, displayPath } = options;
  const limits = options.limits ?? DEFAULT_ZIP_LIMITS;
  const maxFiles = options.maxFiles ?? MAX_ZIP_FILES;
  const maxTotal = Math.min(limits.maxTotalBytes, MAX_TAR_BYTES);
  const files: SourceFile[] = [];
  const skipped: SkippedFile[] = [];
  const errors: string[] = [];
  let total = 0;
  let leftOut = 0;
  const extract = tar.extract();
  const gzipped = /\.(?:tgz|gz)$/i.test(tarPath);
  const reading = gzipped ? pipeline(createReadStream(tarPath), createGunzip(), extract) : pipeline(createReadStream(tarPath), extract);
  let stopped = false;
  try {
    for await (const entry of extract) {
      const header = entry.header;
      const checked = checkEntryName(header.name);
      const display = `${displayPath}/${'path' in checked ? checked.path : header.name}`;
      if (header.type === 'directory') {
        entry.resume();
        continue;
      }
      if ('refused' in checked) {
        skipped.push({ path: display, reason: `not read: ${checked.refused}` });
        entry.resume();
        continue;
      }
      if (header.type !== 'file' && header.type !== 'contiguous-file') {
        skipped.push({ path: display, reason: 'not a regular file' });
        entry.resume();
        continue;
      }
      const size = header.size ?? 0;
      if (size > limits.maxEntryBytes) {
        skipped.push({ path: display, reason: `${size} bytes, larger than an entry may be (${limits.maxEntryBytes}): not read` });
        entry.resume();
        continue;
      }
      if (files.length >= maxFiles) {
        leftOut += 1;
        entry.resume();
        continue;
      }
      if (total + size > maxTotal) {
        errors.push(`${displayPath}: more than ${maxTotal} bytes of entries; the rest of the archive is not read (from ${display} on)`);
        stopped = true;
        break;
      }
      const chunks: Buffer[] = [];
      readProgress(display);
      for await (const chunk of entry) {
        readProgress();
        chunks.push(chunk as Buffer);
      }
      const bytes = Buffer.concat(chunks);
      total += bytes.length;
      const mtime = header.mtime instanceof Date ? header.mtime.getTime() : 0;
      files.push({ bundle: name, path: display, name: path.posix.basename(display), size: bytes.length, stamp: `${bytes.length}:${mtime}`, ...(mtime > 0 ? { modified: wallTimeOfFileTime(mtime) } : {}), open: async () => bytes });
    }
    if (!stopped) await reading;
  } catch (error) {
    errors.push(`${displayPath}: cannot be read as a tar archive (${messageOf(error)}); is it a complete .tar or .tar.gz file?`);
  } finally {
    extract.destroy();
    await reading.catch(() => undefined);
  }
  if (leftOut > 0) errors.push(`${displayPath}: ${leftOut} more entries than the ${maxFiles} read per bundle were left out`);
  return { name, files, skipped, errors, close: async () => {} };
}
