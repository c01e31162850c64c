// The entry names of a zip, read from its central directory alone, synchronously, while a share
// is planned: a fleet zip's devices must be named before any device is read, so that two fleet
// zips holding a device of the same name (site-a.zip/LAB-0101, site-b.zip/LAB-0101) name both
// apart, as two folders would be. yauzl reads the same directory on a promise round trip per
// read, about 1 ms a zip, which a share of 2,000 device zips would pay again on every run; this
// reads the directory's bytes in one or two calls (tens of microseconds). It only peeks: anything
// it does not understand (Zip64, a damaged or oversized directory) gives undefined, and the zip is
// then named as before, when it is opened.
import fs from 'node:fs';

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const EOCD_SIZE = 22;
/** The end record sits within its own size plus the longest comment (65,535 bytes) of the end. */
const TAIL_BYTES = EOCD_SIZE + 0xffff;
/** A device zip's directory is kilobytes; one larger than this is left to the real open. */
const MAX_DIRECTORY_BYTES = 16 * 1024 * 1024;
/** Flag bit 11: the name is UTF-8 (otherwise code page 437, of which ASCII names are the same). */
const UTF8_FLAG = 0x800;

export function zipEntryNames(zipPath: string): string[] | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(zipPath, 'r');
    const size = fs.fstatSync(fd).size;
    if (size < EOCD_SIZE) return undefined;
    const tailLength = Math.min(size, TAIL_BYTES);
    const tail = Buffer.allocUnsafe(tailLength);
    if (fs.readSync(fd, tail, 0, tailLength, size - tailLength) !== tailLength) return undefined;
    let end = -1;
    for (let i = tailLength - EOCD_SIZE; i >= 0; i -= 1) {
      if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
        end = i;
        break;
      }
    }
    if (end < 0) return undefined;
    const count = tail.readUInt16LE(end + 10);
    const directorySize = tail.readUInt32LE(end + 12);
    const directoryOffset = tail.readUInt32LE(end + 16);
    // Zip64 writes 0xFFFF / 0xFFFFFFFF here and the real values elsewhere: not peeked.
    if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) return undefined;
    if (directorySize > MAX_DIRECTORY_BYTES || directoryOffset + directorySize > size) return undefined;
    const directory = Buffer.allocUnsafe(directorySize);
    if (fs.readSync(fd, directory, 0, directorySize, directoryOffset) !== directorySize) return undefined;
    const names: string[] = [];
    let at = 0;
    for (let n = 0; n < count; n += 1) {
      if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL_SIGNATURE) return undefined;
      const flags = directory.readUInt16LE(at + 8);
      const nameLength = directory.readUInt16LE(at + 28);
      const extraLength = directory.readUInt16LE(at + 30);
      const commentLength = directory.readUInt16LE(at + 32);
      if (at + 46 + nameLength > directory.length) return undefined;
      names.push(directory.toString((flags & UTF8_FLAG) !== 0 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLength));
      at += 46 + nameLength + extraLength + commentLength;
    }
    return names;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
