// A file written beside its target and renamed over it: a reader (a rerun's cache lookup, a
// browser on the report folder) sees the old file or the whole new one, never half of one.
// A write that fails (a full disk) leaves the old file and no half-written one beside it.
import { renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';

/** All of `bytes` to `fd`: a write to a file may take less than it was given (the last of a filling disk). */
export function writeAllSync(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length;) {
    const written = writeSync(fd, bytes, at);
    // Never the case for a file, which says ENOSPC instead; a loop that could not end is not kept.
    if (written <= 0) throw new Error('the write took nothing');
    at += written;
  }
}

export function writeFileAtomically(file: string, text: string | Uint8Array): void {
  // The pid and a random part: worker threads of one process may write side by side.
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
