// Where a worker's reads stand, in memory its pool's thread shares (fleet/pool.ts): when the
// last byte came, and what is being read. A read blocked in the kernel (a share that stopped
// answering) cannot be timed out by the thread that made it; the pool's thread sees the clock
// stand still and gives up on that read (--read-timeout). Outside a worker, nothing is kept.

/** The shared memory's layout: a clock and a kind (Int32), then the path's UTF-8 bytes. */
const CLOCK = 0;
const KIND = 1;
const LENGTH = 2;
const HEADER_BYTES = 3 * 4;
const PATH_BYTES = 4096;
export const READ_PROGRESS_BYTES = HEADER_BYTES + PATH_BYTES;

export type ReadKind = 'file' | 'folder';
const KINDS: readonly ReadKind[] = ['file', 'folder'];

let shared: { header: Int32Array; path: Uint8Array; base: number } | null = null;
const encoder = new TextEncoder();

/** The memory a worker's progress is kept in, and the time its clock counts from (ms, Date.now()). */
export interface ReadProgressMemory {
  buffer: SharedArrayBuffer;
  base: number;
}

export function newReadProgress(): ReadProgressMemory {
  return { buffer: new SharedArrayBuffer(READ_PROGRESS_BYTES), base: Date.now() };
}

/** This worker's reads are told to `memory` from now on. */
export function keepReadProgressIn(memory: ReadProgressMemory): void {
  shared = { header: new Int32Array(memory.buffer, 0, 3), path: new Uint8Array(memory.buffer, HEADER_BYTES, PATH_BYTES), base: memory.base };
  readProgress();
}

/** A byte came, a listing or an open returned: the clock moves. With `path`, that is what is read from now on. */
export function readProgress(path?: string, kind: ReadKind = 'file'): void {
  if (shared === null) return;
  Atomics.store(shared.header, CLOCK, Date.now() - shared.base);
  if (path === undefined) return;
  const { written } = encoder.encodeInto(path, shared.path);
  Atomics.store(shared.header, KIND, KINDS.indexOf(kind));
  Atomics.store(shared.header, LENGTH, written);
}

/** What `memory` says: how long since the last progress (ms), and what was being read. */
export function readProgressOf(memory: ReadProgressMemory): { idleMs: number; path: string; kind: ReadKind } {
  const header = new Int32Array(memory.buffer, 0, 3);
  const length = Atomics.load(header, LENGTH);
  const path = new TextDecoder().decode(new Uint8Array(memory.buffer, HEADER_BYTES, Math.min(length, PATH_BYTES)).slice());
  return { idleMs: Date.now() - memory.base - Atomics.load(header, CLOCK), path, kind: KINDS[Atomics.load(header, KIND)] ?? 'file' };
}
