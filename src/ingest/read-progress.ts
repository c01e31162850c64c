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

/** Why a read was given up, the same words wherever it is said: a folder gives no answer, a file no byte. */
export function stallReason(kind: ReadKind, seconds: number): string {
  return `${kind === 'folder' ? 'no answer' : 'no byte'} for ${seconds} s (--read-timeout), as from a share that stopped answering`;
}
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

// Planning lists the share in the main thread (a listing per device folder: a round trip to
// another thread for each was 7 to 10 times slower). A listing that never returns there holds
// the whole run, so the command line's supervisor watches planning from outside
// (cli/supervisor.ts): it is told each path before it is listed, and where one has had no
// answer for the read timeout, it starts the run again with that path known as stalled.

/** What planning tells the watcher: a path it is about to list, stat or read; null once planning is done. */
export type PlanningWatch = (path: string | null) => void;

let planningWatch: PlanningWatch | null = null;
let stalledPaths: ReadonlySet<string> = new Set();
let stalledReason = '';

/** Planning in this thread is watched by `watch`; `stalled` are paths an earlier try found stalled, with the reason to give. */
export function watchPlanning(watch: PlanningWatch | null, stalled: readonly string[] = [], reason = ''): void {
  planningWatch = watch;
  stalledPaths = new Set(stalled);
  stalledReason = reason;
}

/**
 * Called by planning before a call that may wait on the share: the watcher hears of `path`; a
 * path that stalled on an earlier try gives the reason not to touch it (null where it may be).
 */
export function planningAt(path: string): string | null {
  if (stalledPaths.has(path)) return stalledReason;
  planningWatch?.(path);
  return null;
}

/** Planning is over: the watcher stops watching. */
export function planningDone(): void {
  planningWatch?.(null);
}
