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
import type { CommonOptions } from '../run.js';
import type { DeviceReport } from '../types.js';

/** Default per-device budgets on a worker: far above any real device, low enough to stop a runaway one. */
export const DEVICE_MEMORY_MB = 2048;
export const DEVICE_SECONDS = 600;

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

interface Slot {
  worker: Worker;
  busy?: { id: number; spec: PlanSpec; timer: NodeJS.Timeout };
}

export async function* runOnWorkers(specs: readonly PlanSpec[], options: CommonOptions): AsyncGenerator<DeviceReport> {
  const jobs = Math.max(1, Math.min(options.jobs ?? defaultJobs(), specs.length));
  const memory = options.deviceMemoryMb ?? DEVICE_MEMORY_MB;
  const seconds = options.deviceSeconds ?? DEVICE_SECONDS;
  const data: CommonOptions = { ...options, jobs: 1 };
  const done = new Map<number, DeviceReport[]>();
  let next = 0;
  let wake: (() => void) | null = null;
  const slots: Slot[] = [];
  const file = workerFile();

  const finish = (slot: Slot, reports: DeviceReport[]): void => {
    if (!slot.busy) return;
    clearTimeout(slot.busy.timer);
    done.set(slot.busy.id, reports);
    slot.busy = undefined;
    wake?.();
  };
  const spawn = (slot: Slot): void => {
    const worker = new Worker(file, { workerData: data, resourceLimits: { maxOldGenerationSizeMb: memory } });
    slot.worker = worker;
    worker.on('message', (message: { id: number; reports?: DeviceReport[]; error?: string }) => {
      if (slot.worker !== worker || !slot.busy || message.id !== slot.busy.id) return;
      finish(slot, message.reports ?? [failedDeviceReport(slot.busy.spec.name, new Error(message.error ?? 'unknown error'))]);
    });
    const died = (reason: string): void => {
      // An 'error' is followed by an 'exit': only the first of them, for the worker still in the slot.
      if (closing || slot.worker !== worker) return;
      const busy = slot.busy;
      if (busy) finish(slot, [failedDeviceReport(busy.spec.name, new Error(reason))]);
      spawn(slot);
      wake?.();
    };
    worker.on('error', (error) => died(`its worker failed: ${error.message}${/heap|memory/i.test(error.message) ? ` (over the ${memory} MB a device may use)` : ''}`));
    worker.on('exit', (code) => {
      if (code !== 0 || slot.busy) died(`its worker stopped (exit code ${code})`);
    });
  };
  let closing = false;
  const assign = (slot: Slot): void => {
    if (slot.busy || next >= specs.length) return;
    // Keep the reports waiting for their turn few: a slow device holds back at most a window of others.
    if (next - emitted >= jobs * 4) return;
    const id = next;
    const spec = specs[id];
    if (!spec) return;
    next += 1;
    const timer = setTimeout(() => {
      if (slot.busy?.id !== id) return;
      finish(slot, [failedDeviceReport(spec.name, new Error(`it took longer than the ${seconds} s a device may take; stopped`))]);
      void slot.worker.terminate();
    }, seconds * 1000);
    slot.busy = { id, spec, timer };
    slot.worker.postMessage({ id, spec });
  };

  let emitted = 0;
  for (let i = 0; i < jobs; i += 1) {
    const slot = { worker: undefined as unknown as Worker } as Slot;
    spawn(slot);
    slots.push(slot);
  }
  try {
    while (emitted < specs.length) {
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
    for (const slot of slots) {
      if (slot.busy) clearTimeout(slot.busy.timer);
      await slot.worker.terminate();
    }
  }
}
