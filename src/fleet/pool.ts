// Devices diagnosed in parallel on worker threads, each worker reading and diagnosing whole
// devices. Reports come back in plan order (by device name) whatever the finishing order, and
// at most a few devices' reports wait for their turn, so memory stays flat with fleet size.
// A device whose worker dies (an exception, out of memory, past its deadline) is reported as
// unreadable with the reason; the worker is replaced and the fleet goes on.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PlanSpec } from '../ingest/bundles.js';
import { failedDeviceReport } from '../report.js';
import type { PieceFormat } from '../render/piece.js';
import type { CommonOptions } from '../run.js';
import type { DeviceReport } from '../types.js';

/**
 * Default per-device budgets on a worker: far above any real device (the benchmark's 200 MB
 * sdclient.log is diagnosed within 64 MB of heap), low enough to stop a runaway one. The heap
 * budget is also what V8 sizes its heap growth by (MemoryController::MaxGrowingFactor): from
 * 2,048 MB on it lets a heap grow to four times what is live before collecting; below, between
 * 1.3 and 2 times, and a worker with a young generation as large as V8's default then marks its
 * old space again as soon as it finished (the 200 MB file: 10 mark-compacts at 1,024 or 1,536 MB,
 * 3 at 2,048, --trace-gc). A lone worker takes 2,048 MB: the 200 MB file 0.91 to 0.95 of the wall
 * time, 203 MB of peak RSS against 168 (farm-bench, 9 and 11 runs); 100 devices of 5 MB on
 * --jobs 1 the same time and peak. Workers that share the machine take FLEET_DEVICE_MEMORY_MB.
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
export const FLEET_DEVICE_MEMORY_MB = 512;
/**
 * A worker's young generation, where it shares the machine with other workers: V8 grows it to
 * 48 MB for a worker that allocates a lot, and each worker's is memory the fleet holds at
 * once. At 24 MB, against V8's default: 20 devices of 5 MB 200 MB of peak RSS against 250
 * (farm-bench, wall 0.96), 100 of them 251 MB against 289 (single runs, wall 1.04), 10,000
 * small devices 192 MB against 226 (farm-bench, wall 1.00). One worker alone (one device: the
 * 200 MB file) keeps V8's default, where a smaller one cost it 5 to 15 % of its time.
 */
export const FLEET_YOUNG_GENERATION_MB = 24;
export const DEVICE_SECONDS = 600;

/** A worker's options: the run's, and the format its devices are rendered in where pieces are wanted. */
export interface WorkerOptions extends CommonOptions {
  /** Set: the worker posts each device's piece (rendered text and tally), not its report. */
  pieces?: { format?: PieceFormat };
}

/**
 * A device's results where this thread has them at hand (a warm --cache), or null: the device
 * goes to a worker. A warm rerun is mostly such hits, each a folder walk and a file read, which
 * cost less here than the round trip to a worker and back (measured: a warm rerun of 10,000
 * devices 2.0 s on one thread, 2.7 s on two workers).
 */
export type LocalResults<T> = (spec: PlanSpec) => Promise<T[] | null>;

export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

/** The built worker: beside this file in dist/, or dist/fleet/ when this runs from src/ (tests). */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  const beside = path.join(path.dirname(here), 'worker.js');
  if (here.endsWith('.js') && existsSync(beside)) return beside;
  return path.join(path.dirname(here), '..', '..', 'dist', 'fleet', 'worker.js');
}

/** A device sent to a worker: queued there, or running (its deadline armed once the worker says it started). */
interface Task {
  id: number;
  spec: PlanSpec;
  timer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  /** Sent and not finished, in the order the worker takes them; the first is the one running. */
  tasks: Task[];
}

/**
 * Devices sent ahead to each worker: the next one is already there when a device finishes, so
 * a worker never waits a round trip for work (with small devices, such as a warm cache's, that
 * wait was half of a worker's time).
 */
const AHEAD = 3;

/**
 * Each planned bundle's results, in plan order. A worker posts what `options.pieces` asks for
 * (reports, or rendered pieces: see worker.ts); a device whose worker failed is made here from
 * its failed report by `failed`, so both kinds of result come out alike.
 */
export async function* runOnWorkers<T = DeviceReport>(specs: readonly PlanSpec[], options: WorkerOptions, failed: (report: DeviceReport) => T = (r) => r as T, local?: LocalResults<T>): AsyncGenerator<T> {
  const jobs = Math.max(1, Math.min(options.jobs ?? defaultJobs(), specs.length));
  const memory = options.deviceMemoryMb ?? (jobs > 1 ? FLEET_DEVICE_MEMORY_MB : DEVICE_MEMORY_MB);
  const seconds = options.deviceSeconds ?? DEVICE_SECONDS;
  const data: WorkerOptions = { ...options, jobs: 1 };
  const done = new Map<number, T[]>();
  /** Devices taken back from a worker that died before it started them: sent again first. */
  const again: number[] = [];
  let next = 0;
  let wake: (() => void) | null = null;
  const slots: Slot[] = [];
  const file = workerFile();

  const finish = (slot: Slot, id: number, reports: T[]): void => {
    const at = slot.tasks.findIndex((t) => t.id === id);
    if (at === -1) return;
    const [task] = slot.tasks.splice(at, 1);
    if (task?.timer) clearTimeout(task.timer);
    done.set(id, reports);
    wake?.();
  };
  const arm = (slot: Slot, task: Task): void => {
    task.timer = setTimeout(() => {
      if (!slot.tasks.includes(task)) return;
      finish(slot, task.id, [failed(failedDeviceReport(task.spec.name, new Error(`it took longer than the ${seconds} s a device may take; stopped`)))]);
      // The devices queued behind it never started: they go to the next worker, not down with this one.
      for (const waiting of slot.tasks) again.push(waiting.id);
      again.sort((a, b) => a - b);
      slot.tasks = [];
      // A new worker takes the slot at once, so nothing is sent to the one being stopped; that
      // one's last events are ignored (they are not the slot's worker's).
      const stopped = slot.worker;
      spawn(slot);
      void stopped.terminate();
      wake?.();
    }, seconds * 1000);
    // The deadline alone never keeps the process alive: the worker it watches does, while it runs.
    task.timer.unref();
  };
  const spawn = (slot: Slot): void => {
    const worker = new Worker(file, { workerData: data, resourceLimits: { maxOldGenerationSizeMb: memory, ...(jobs > 1 ? { maxYoungGenerationSizeMb: FLEET_YOUNG_GENERATION_MB } : {}) } });
    slot.worker = worker;
    worker.on('message', (message: { id: number; started?: boolean; reports?: T[]; error?: string }) => {
      // Once the pool is closing, a device that starts is not waited for: its deadline would
      // keep the process alive ten minutes after the run (a consumer that stopped on an error).
      if (closing || slot.worker !== worker) return;
      const task = slot.tasks.find((t) => t.id === message.id);
      if (!task) return;
      if (message.started) {
        arm(slot, task);
        return;
      }
      finish(slot, task.id, message.reports ?? [failed(failedDeviceReport(task.spec.name, new Error(message.error ?? 'unknown error')))]);
    });
    const died = (reason: string): void => {
      // An 'error' is followed by an 'exit': only the first of them, for the worker still in the slot.
      if (closing || slot.worker !== worker) return;
      // The device it was running costs its report; the ones waiting behind it are sent again.
      const [running, ...waiting] = slot.tasks;
      slot.tasks = [];
      if (running) {
        if (running.timer) clearTimeout(running.timer);
        done.set(running.id, [failed(failedDeviceReport(running.spec.name, new Error(reason)))]);
      }
      for (const task of waiting) again.push(task.id);
      again.sort((a, b) => a - b);
      spawn(slot);
      wake?.();
    };
    worker.on('error', (error) => died(`its worker failed: ${error.message}${/heap|memory/i.test(error.message) ? ` (over the ${memory} MB a device may use)` : ''}`));
    worker.on('exit', (code) => {
      if (code !== 0 || slot.tasks.length > 0) died(`its worker stopped (exit code ${code})`);
    });
  };
  let closing = false;
  /** With `local`: the devices looked at here (those before `checked`), and of them the ones left to the workers, in order. */
  let checked = 0;
  const misses: number[] = [];
  const assign = (slot: Slot): void => {
    while (slot.tasks.length < AHEAD) {
      const retried = again.length > 0;
      const id = retried ? (again[0] ?? 0) : local ? misses[0] : next;
      if (id === undefined) return;
      if (!retried && (id >= specs.length || id - emitted >= jobs * 4)) return;
      // Keep the reports waiting for their turn few: a slow device holds back at most a window of others.
      const spec = specs[id];
      if (!spec) return;
      if (retried) again.shift();
      else if (local) misses.shift();
      else next += 1;
      slot.tasks.push({ id, spec });
      slot.worker.postMessage({ id, spec });
    }
  };

  let emitted = 0;
  // With `local`, the workers start at the first device it cannot answer: a rerun over an
  // unchanged share starts none.
  const startWorkers = (): void => {
    for (let i = slots.length; i < jobs; i += 1) {
      const slot = { worker: undefined as unknown as Worker, tasks: [] } as Slot;
      spawn(slot);
      slots.push(slot);
    }
  };
  if (!local) startWorkers();
  try {
    while (emitted < specs.length) {
      // Within the same window as the workers' devices, each device is first looked up here.
      while (local && checked < specs.length && checked - emitted < jobs * 4) {
        const id = checked;
        const spec = specs[id];
        checked += 1;
        let answer: T[] | null = null;
        try {
          answer = spec ? await local(spec) : null;
        } catch {
          answer = null; // the worker reads it, and says what is wrong there
        }
        if (answer) done.set(id, answer);
        else {
          misses.push(id);
          startWorkers();
          for (const slot of slots) assign(slot);
        }
      }
      for (const slot of slots) assign(slot);
      const ready = done.get(emitted);
      if (ready) {
        done.delete(emitted);
        emitted += 1;
        yield* ready;
        continue;
      }
      await new Promise<void>((resolve) => { wake = resolve; });
      wake = null;
    }
  } finally {
    closing = true;
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
    for (const slot of slots) for (const task of slot.tasks) if (task.timer) clearTimeout(task.timer);
  }
}
