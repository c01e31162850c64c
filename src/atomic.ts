// A file written beside its target and renamed over it: a reader (a rerun's cache lookup, a
// browser on the report folder) sees the old file or the whole new one, never half of one.
// A write that fails (a full disk) leaves the old file and no half-written one beside it.
import { renameSync, rmSync, writeFileSync } from 'node:fs';

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
