// A worker thread of the fleet pool: it takes planned bundles one at a time, diagnoses them
// with the run's options, and posts the reports back, or each device rendered (piece.ts).
// It holds nothing between bundles but the prepared options (run.ts). A standby worker
// (standby.ts), started before the run knew its options, gets them as its first message.
import { parentPort, workerData } from 'node:worker_threads';
import type { PlanSpec } from '../ingest/bundles.js';
import { diagnosePlanned, piecesOfPlanned } from './device-run.js';
import type { WorkerOptions } from './pool.js';
import { keepReadProgressIn, readProgress } from '../ingest/read-progress.js';

let options: WorkerOptions | null = (workerData as { standby?: boolean } | null)?.standby === true ? null : (workerData as WorkerOptions);
/** Where this worker's reads stand, for the pool's thread to see one stall (read-progress.ts). */
function watchReads(run: WorkerOptions | null): void {
  if (run?.readProgress) keepReadProgressIn(run.readProgress);
}
watchReads(options);

// Devices come a few ahead (see pool.ts) and are diagnosed one after another, each announced
// as it starts, so its deadline counts its own time only.
const queue: { id: number; spec: PlanSpec; stalled?: string[] }[] = [];
let working = false;

async function drain(run: WorkerOptions): Promise<void> {
  const pieces = run.pieces;
  working = true;
  for (let task = queue.shift(); task !== undefined; task = queue.shift()) {
    readProgress();
    parentPort?.postMessage({ id: task.id, started: true });
    // A device sent again after one of its files stalled: those are not read (device-run.ts).
    const runOfTask = task.stalled ? { ...run, stalled: task.stalled } : run;
    try {
      if (pieces) {
        // Rendered here where pieces are wanted: their bytes are moved to the main thread, not copied.
        const rendered = await piecesOfPlanned(task.spec, runOfTask, pieces.format);
        parentPort?.postMessage({ id: task.id, reports: rendered }, rendered.map((piece) => piece.bytes.buffer));
      } else parentPort?.postMessage({ id: task.id, reports: await diagnosePlanned(task.spec, runOfTask) });
    } catch (error) {
      parentPort?.postMessage({ id: task.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  working = false;
}

parentPort?.on('message', (message: { id: number; spec: PlanSpec; stalled?: string[] } | { options: WorkerOptions }) => {
  if ('options' in message) {
    options = message.options;
    watchReads(options);
    return;
  }
  queue.push(message);
  if (!working && options !== null) void drain(options);
});
