// A worker thread of the fleet pool: it takes planned bundles one at a time, diagnoses them
// with the run's options, and posts the reports back. It holds nothing between bundles.
import { parentPort, workerData } from 'node:worker_threads';
import type { PlanSpec } from '../ingest/bundles.js';
import { diagnosePlanned, type CommonOptions } from '../run.js';

const options = workerData as CommonOptions;

parentPort?.on('message', (task: { id: number; spec: PlanSpec }) => {
  diagnosePlanned(task.spec, options).then(
    (reports) => parentPort?.postMessage({ id: task.id, reports }),
    (error: unknown) => parentPort?.postMessage({ id: task.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
