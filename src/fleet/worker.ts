// A worker thread of the fleet pool: it takes planned bundles one at a time, diagnoses them
// with the run's options, and posts the reports back. It holds nothing between bundles but
// the prepared options (run.ts).
import { parentPort, workerData } from 'node:worker_threads';
import type { PlanSpec } from '../ingest/bundles.js';
import { diagnosePlanned, type CommonOptions } from '../run.js';

const options = workerData as CommonOptions;

// Devices come a few ahead (see pool.ts) and are diagnosed one after another, each announced
// as it starts, so its deadline counts its own time only.
const queue: { id: number; spec: PlanSpec }[] = [];
let working = false;

async function drain(): Promise<void> {
  working = true;
  for (let task = queue.shift(); task !== undefined; task = queue.shift()) {
    parentPort?.postMessage({ id: task.id, started: true });
    try {
      parentPort?.postMessage({ id: task.id, reports: await diagnosePlanned(task.spec, options) });
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
