// A tiny zip writer for tests. Real archivers refuse to write the hostile
// archives the zip reader must survive (entries named "../evil.log", headers
// that lie about sizes), so tests build their zips byte by byte here.
// Format: APPNOTE.TXT, sections 4.3.7 (local header), 4.3.12 (central
// directory header) and 4.3.16 (end of central directory record).

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntrySpec {
  /** Stored as given: a string is written as UTF-8 bytes, a Buffer as is (e.g. CP437 bytes). */
  name: string | Buffer;
  data?: Buffer | string;
  /** Default 'deflate'. */
  method?: 'store' | 'deflate';
  /** Set general-purpose bit 11 (name is UTF-8). */
  utf8?: boolean;
  /** Set general-purpose bit 0 (traditional encryption); the data is written as is. */
  encrypted?: boolean;
  /** Lie in both headers about the sizes or CRC. */
  declaredUncompressedSize?: number;
  declaredCompressedSize?: number;
  declaredCrc?: number;
  /** A Unix mode (e.g. 0o120777 for a symbolic link): marks the entry as made on Unix. */
  unixMode?: number;
  /** Deflated bytes written as the entry's data as they are (a damaged stream); `data` stays what the sizes and CRC describe. */
  deflated?: Buffer;
  /** Write no data of its own: its directory entry points at entry N's local header and data (an overlap bomb). */
  sharesDataOf?: number;
}

const DOS_TIME = (10 << 11) | (2 << 5); // 10:02:00
const DOS_DATE = ((2026 - 1980) << 9) | (3 << 5) | 9; // 2026-03-09

/** The bytes of a zip holding `entries`, in order. */
export function makeZip(entries: ZipEntrySpec[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const written: { offset: number; crc: number; compressedSize: number; uncompressedSize: number }[] = [];
  for (const spec of entries) {
    const name = typeof spec.name === 'string' ? Buffer.from(spec.name, 'utf8') : spec.name;
    const data = typeof spec.data === 'string' ? Buffer.from(spec.data, 'utf8') : (spec.data ?? Buffer.alloc(0));
    const method = spec.method === 'store' && spec.deflated === undefined ? 0 : 8;
    const stored = spec.deflated ?? (method === 0 ? data : deflateRawSync(data));
    const flags = (spec.utf8 ? 0x800 : 0) | (spec.encrypted ? 0x1 : 0);
    const crc = spec.declaredCrc ?? crc32(data);
    const shared = spec.sharesDataOf === undefined ? undefined : written[spec.sharesDataOf];
    const compressedSize = shared?.compressedSize ?? spec.declaredCompressedSize ?? stored.length;
    const uncompressedSize = shared?.uncompressedSize ?? spec.declaredUncompressedSize ?? data.length;
    written.push({ offset: shared?.offset ?? offset, crc: shared?.crc ?? crc, compressedSize, uncompressedSize });

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(compressedSize, 18);
    local.writeUInt32LE(uncompressedSize, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28); // extra length
    if (!shared) parts.push(local, name, stored);

    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(spec.unixMode === undefined ? 20 : (3 << 8) | 20, 4); // version made by
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(flags, 8);
    header.writeUInt16LE(method, 10);
    header.writeUInt16LE(DOS_TIME, 12);
    header.writeUInt16LE(DOS_DATE, 14);
    header.writeUInt32LE((shared?.crc ?? crc) >>> 0, 16);
    header.writeUInt32LE(compressedSize, 20);
    header.writeUInt32LE(uncompressedSize, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt16LE(0, 30); // extra length
    header.writeUInt16LE(0, 32); // comment length
    header.writeUInt16LE(0, 34); // disk number
    header.writeUInt16LE(0, 36); // internal attributes
    header.writeUInt32LE(spec.unixMode === undefined ? 0 : (spec.unixMode << 16) >>> 0, 38);
    header.writeUInt32LE(shared?.offset ?? offset, 42);
    central.push(header, name);

    if (!shared) offset += local.length + name.length + stored.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20);
  return Buffer.concat([...parts, directory, end]);
}

/** Writes makeZip(entries) to `file`, creating its folder. */
export function writeZip(file: string, entries: ZipEntrySpec[]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, makeZip(entries));
}
