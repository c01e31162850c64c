// Devices diagnosed in parallel on worker threads, each worker reading and diagnosing whole
// devices. Reports come back in plan order (by device name) whatever the finishing order, and
// at most a few devices' reports wait for their turn, so memory stays flat with fleet size.
// A device whose worker dies (an exception, out of memory, past its deadline) is reported as
// unreadable with the reason; the worker is replaced and the fleet goes on.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { PlanSpec } from '../ingest/bundles.js';
import { failedDeviceReport } from '../report.js';
import type { PieceFormat } from '../render/piece.js';
import type { CommonOptions } from '../options.js';
import type { DeviceReport } from '../types.js';
import { DEVICE_MEMORY_MB, DEVICE_SECONDS, FLEET_DEVICE_MEMORY_MB, FLEET_YOUNG_GENERATION_MB, READ_TIMEOUT_SECONDS, workerFile } from './pool-limits.js';
import { newReadProgress, readProgressOf, stallReason, type ReadProgressMemory } from '../ingest/read-progress.js';
import { dropStandbyWorker, takeStandbyWorker } from './standby.js';


/** A worker's options: the run's, and the format its devices are rendered in where pieces are wanted. */
export interface WorkerOptions extends CommonOptions {
  /** Set: the worker posts each device's piece (rendered text and tally), not its report. */
  pieces?: { format?: PieceFormat };
  /** Where the worker tells how its reads stand (read-progress.ts). */
  readProgress?: ReadProgressMemory;
}

/**
 * A device's results where this thread has them at hand (a warm --cache), or null: the device
 * goes to a worker. A warm rerun is mostly such hits, each a folder walk and a file read, which
 * cost less here than the round trip to a worker and back (measured: a warm rerun of 10,000
 * devices 2.0 s on one thread, 2.7 s on two workers).
 */
export type LocalResults<T> = (spec: PlanSpec) => Promise<T[] | null>;

/** Workers left in a read that stalled, in this process (their threads hold its exit: cli/supervisor.ts ends it). */
let workersLeftInReads = 0;

export function workersLeftInStalledReads(): number {
  return workersLeftInReads;
}

export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

/** A device sent to a worker: queued there, or running (its deadline armed once the worker says it started). */
interface Task {
  id: number;
  spec: PlanSpec;
  timer?: NodeJS.Timeout;
  /** Set once the worker says it started the device: from then on its reads are watched. */
  started?: boolean;
}

interface Slot {
  worker: Worker;
  /** How the worker's reads stand. */
  progress: ReadProgressMemory;
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
  const jobs = Math.max(1, Math.min(typeof options.jobs === 'number' ? options.jobs : defaultJobs(), specs.length));
  const memory = options.deviceMemoryMb ?? (jobs > 1 ? FLEET_DEVICE_MEMORY_MB : DEVICE_MEMORY_MB);
  const seconds = options.deviceSeconds ?? DEVICE_SECONDS;
  const readTimeoutMs = (options.readTimeoutSeconds ?? READ_TIMEOUT_SECONDS) * 1000;
  /** A device's files whose reads stalled, by the device's plan index: not read when it is sent again. */
  const stalledFiles = new Map<number, string[]>();
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
  /**
   * A read blocked in the kernel (a share that stopped answering) cannot be ended by its thread:
   * the worker is left to it (its thread ends, if ever, when the share answers; the supervisor
   * process ends the run's exit if it still waits then: cli/supervisor.ts) and a new worker
   * takes the slot. The device is sent again without the file, which is a read error on it; a
   * folder listing that stalls, or a third file, costs the device, reported unreadable.
   */
  const giveUpStalled = (slot: Slot, task: Task, what: { path: string; kind: 'file' | 'folder' }): void => {
    if (task.timer) clearTimeout(task.timer);
    const [, ...waiting] = slot.tasks;
    slot.tasks = [];
    const files = stalledFiles.get(task.id) ?? [];
    const stalledFor = stallReason(what.kind, readTimeoutMs / 1000);
    if (what.kind === 'file' && what.path !== '' && files.length < 2 && !files.includes(what.path)) {
      stalledFiles.set(task.id, [...files, what.path]);
      again.push(task.id);
    } else {
      done.set(task.id, [failed(failedDeviceReport(task.spec.name, new Error(`${what.kind === 'folder' ? `listing ${what.path}` : `reading ${what.path || 'a file'}`} stalled: ${stalledFor}`)))]);
    }
    for (const queued of waiting) again.push(queued.id);
    again.sort((a, b) => a - b);
    const left = slot.worker;
    spawn(slot);
    left.unref();
    left.removeAllListeners('message');
    void left.terminate();
    workersLeftInReads += 1;
    wake?.();
  };
  const watch = setInterval(() => {
    for (const slot of slots) {
      const running = slot.tasks[0];
      if (!running?.started) continue;
      const now = readProgressOf(slot.progress);
      if (now.idleMs >= readTimeoutMs) giveUpStalled(slot, running, now);
    }
  }, Math.min(1000, Math.max(100, readTimeoutMs / 4)));
  watch.unref();
  // The standby worker (standby.ts) has a lone worker's budget: it takes a run of one worker
  // with the default budget, its options sent as its first message; any other run stops it
  // (a run with `local`, a warm --cache, may start no worker at all).
  let standby = jobs === 1 && local === undefined && options.deviceMemoryMb === undefined ? takeStandbyWorker() : null;
  if (standby === null) dropStandbyWorker();
  const spawn = (slot: Slot): void => {
    let worker: Worker;
    slot.progress = newReadProgress();
    const ownData: WorkerOptions = { ...data, readProgress: slot.progress };
    if (standby !== null) {
      worker = standby;
      standby = null;
      worker.postMessage({ options: ownData });
    } else {
      worker = new Worker(file, { workerData: ownData, resourceLimits: { maxOldGenerationSizeMb: memory, ...(jobs > 1 || specs.length > 1 ? { maxYoungGenerationSizeMb: FLEET_YOUNG_GENERATION_MB } : {}) } });
    }
    slot.worker = worker;
    worker.on('message', (message: { id: number; started?: boolean; reports?: T[]; error?: string }) => {
      // Once the pool is closing, a device that starts is not waited for: its deadline would
      // keep the process alive ten minutes after the run (a consumer that stopped on an error).
      if (closing || slot.worker !== worker) return;
      const task = slot.tasks.find((t) => t.id === message.id);
      if (!task) return;
      if (message.started) {
        task.started = true;
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
      const stalled = stalledFiles.get(id);
      slot.worker.postMessage(stalled ? { id, spec, stalled } : { id, spec });
    }
  };

  let emitted = 0;
  // With `local`, the workers start at the first device it cannot answer: a rerun over an
  // unchanged share starts none.
  const startWorkers = (): void => {
    for (let i = slots.length; i < jobs; i += 1) {
      // Its worker and that worker's progress memory are set by spawn.
      const slot: Slot = { worker: undefined as unknown as Worker, progress: newReadProgress(), tasks: [] };
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
    clearInterval(watch);
    if (standby !== null) void standby.terminate();
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
    for (const slot of slots) for (const task of slot.tasks) if (task.timer) clearTimeout(task.timer);
  }
}
