// The pool's budgets for a worker, and where the worker's script is: apart from pool.ts so that
// the standby worker (standby.ts) can be started before the rest of the tool is loaded.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Default per-device budgets on a worker: far above any real device (the benchmark's 200 MB
 * sdclient.log is diagnosed within 64 MB of heap), low enough to stop a runaway one. The heap
 * budget is also what V8 sizes its heap growth by (MemoryController::MaxGrowingFactor): from
 * 2,048 MB on it lets a heap grow to four times what is live before collecting; below, between
 * 1.3 and 2 times, and a worker with a young generation as large as V8's default then marks its
 * old space again as soon as it finished (the 200 MB file: 10 mark-compacts at 1,024 or 1,536 MB,
 * 3 at 2,048, --trace-gc). A lone worker takes 2,048 MB: the 200 MB file 0.91 to 0.95 of the wall
 * time, 203 MB of peak RSS against 168 (farm-bench, 9 and 11 runs). Workers that share the
 * machine take FLEET_DEVICE_MEMORY_MB (the API's one-job run diagnoses in the main thread, with no budget).
 * (With one budget for both, 2,048 MB had cost a fleet of 20 devices of 5 MB 363 MB of peak.)
 */
export const DEVICE_MEMORY_MB = 2048;
/**
 * The heap budget of a worker that shares the machine (two or more): V8 collects sooner still,
 * and a fleet holds every worker's heap at once. Still eight times what the benchmark's largest
 * device needs. Measured against 1,024 MB: 100 devices of 5 MB 231 to 241 MB of peak RSS against
 * 254 to 258 (single runs, the same time), 20 of them 196 MB against 206 (farm-bench, wall
 * 1.00). A lone worker keeps DEVICE_MEMORY_MB: at 512 MB the 200 MB file took 1.24 times as long.
 */
export const FLEET_DEVICE_MEMORY_MB = 2048;
/**
 * A worker's young generation, where it shares the machine with other workers: V8 grows it to
 * 48 MB for a worker that allocates a lot, and each worker's is memory the fleet holds at
 * once. The same for a fleet on one worker (the command line's --jobs 1, or a small fleet): 40
 * devices of 5 MB peaked at 179 MB against 196 with V8's default, at the same speed (farm-bench,
 * 7 runs; 149 MB in the main thread). At 24 MB, against V8's default: 20 devices of 5 MB 200 MB of peak RSS against 250
 * (farm-bench, wall 0.96), 100 of them 251 MB against 289 (single runs, wall 1.04), 10,000
 * small devices 192 MB against 226 (farm-bench, wall 1.00). One worker alone (one device: the
 * 200 MB file) keeps V8's default, where a smaller one cost it 5 to 15 % of its time.
 */
export const FLEET_YOUNG_GENERATION_MB = 24;
export const DEVICE_SECONDS = 600;
/**
 * A read on a worker that gives no byte for this long is given up (--read-timeout): the file is
 * a read error on its device, read again without it on a new worker, and the fleet goes on.
 */
export const READ_TIMEOUT_SECONDS = 30;

/** The built worker: beside this file in dist/, or dist/fleet/ when this runs from src/ (tests). */
export function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  const beside = path.join(path.dirname(here), 'worker.js');
  if (here.endsWith('.js') && existsSync(beside)) return beside;
  return path.join(path.dirname(here), '..', '..', 'dist', 'fleet', 'worker.js');
}
