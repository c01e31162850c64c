// A worker thread of the fleet pool: it takes planned bundles one at a time, diagnoses them
// with the run's options, and posts the reports back, or each device rendered (piece.ts).
// It holds nothing between bundles but the prepared options (run.ts).
import { parentPort, workerData } from 'node:worker_threads';
import type { PlanSpec } from '../ingest/bundles.js';
import { diagnosePlanned, piecesOfPlanned } from '../run.js';
import type { WorkerOptions } from './pool.js';

const options = workerData as WorkerOptions;
const pieces = options.pieces;

// Devices come a few ahead (see pool.ts) and are diagnosed one after another, each announced
// as it starts, so its deadline counts its own time only.
const queue: { id: number; spec: PlanSpec }[] = [];
let working = false;

async function drain(): Promise<void> {
  working = true;
  for (let task = queue.shift(); task !== undefined; task = queue.shift()) {
    parentPort?.postMessage({ id: task.id, started: true });
    try {
      if (pieces) {
        // Rendered here where pieces are wanted: their bytes are moved to the main thread, not copied.
        const rendered = await piecesOfPlanned(task.spec, options, pieces.format);
        parentPort?.postMessage({ id: task.id, reports: rendered }, rendered.map((piece) => piece.bytes.buffer));
      } else parentPort?.postMessage({ id: task.id, reports: await diagnosePlanned(task.spec, options) });
    } catch (error) {
      parentPort?.postMessage({ id: task.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  working = false;
}

parentPort?.on('message', (task: { id: number; spec: PlanSpec }) => {
  queue.push(task);
  if (!working) void drain();
});
