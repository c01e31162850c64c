// How many worker threads a run takes when the user did not say (--jobs not given): workers
// only where the work pays for them. Each worker starts, loads and warms up on its own, and
// its devices' results cross threads; on small fleets that costs more than it gives. Measured
// side by side (farm-bench, medians of 5, 2 vCPUs, 2026-12-07): 1,000 small devices (44 MB)
// took 1.18 times as long on two workers as in the main thread; 40 devices of 5 MB (210 MB)
// 0.87 times; 10,000 small devices (440 MB) 0.94 times.
import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { PlanSpec } from '../ingest/bundles.js';
import { planningAt } from '../ingest/read-progress.js';

/** From this many bytes planned, the devices are spread over workers (between 44 MB, slower on two, and 210 MB, faster). */
export const WORKERS_FROM_BYTES = 128 * 1024 * 1024;
/** Bundles looked at to estimate a share's bytes: spread over the plan, each listed up to MAX_SAMPLED_ENTRIES. */
const SAMPLED_BUNDLES = 24;
const MAX_SAMPLED_ENTRIES = 400;

/**
 * The worker threads for a plan: `cores` where it holds one device and a standby worker,
 * started before the plan was known, waits to take it (fleet/standby.ts: with --jobs given), or
 * where it holds enough bytes to be worth them; one otherwise: the main thread for the API, one
 * worker for the command line, which reads every device on a worker so that a read that stalls
 * is given up (options.ts, readsOnWorkers). One device in the main thread took 0.84 of the time
 * it took on a worker (farm-bench, 15 runs): the price of that.
 */
export function jobsFor(specs: readonly PlanSpec[], cores: number, standbyWaiting = false): number {
  if (cores < 2 || specs.length === 0) return 1;
  if (specs.length === 1 && standbyWaiting) return cores;
  return estimatedBytes(specs) >= WORKERS_FROM_BYTES ? cores : 1;
}

/**
 * The planned bundles' bytes, estimated from a sample of them spread over the plan (a share of
 * 10,000 folders is not walked twice): an archive by its size, a folder by its files' sizes.
 */
export function estimatedBytes(specs: readonly PlanSpec[]): number {
  const step = Math.max(1, Math.floor(specs.length / SAMPLED_BUNDLES));
  let sampled = 0;
  let bytes = 0;
  for (let i = 0; i < specs.length && sampled < SAMPLED_BUNDLES; i += step) {
    const spec = specs[i];
    if (!spec) continue;
    sampled += 1;
    bytes += bytesOf(spec);
  }
  return sampled === 0 ? 0 : (bytes / sampled) * specs.length;
}

function bytesOf(spec: PlanSpec): number {
  switch (spec.type) {
    case 'zip': return sizeOf(spec.zipPath);
    case 'files': return spec.files.slice(0, MAX_SAMPLED_ENTRIES).reduce((sum, file) => sum + sizeOf(file), 0);
    case 'folder': return folderBytes(spec.folder);
    case 'error': return 0;
  }
}

function sizeOf(file: string): number {
  if (planningAt(file) !== null) return 0;
  try {
    return lstatSync(file).size;
  } catch {
    return 0;
  }
}

/** A folder's files' bytes, breadth first, up to MAX_SAMPLED_ENTRIES entries (links not followed). */
function folderBytes(root: string): number {
  let bytes = 0;
  let entries = 0;
  const folders = [root];
  for (let folder = folders.shift(); folder !== undefined && entries < MAX_SAMPLED_ENTRIES; folder = folders.shift()) {
    let children;
    if (planningAt(folder) !== null) continue;
    try {
      children = readdirSync(folder, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const child of children) {
      if (++entries > MAX_SAMPLED_ENTRIES) break;
      const full = path.join(folder, child.name);
      if (child.isDirectory()) folders.push(full);
      else if (child.isFile()) bytes += sizeOf(full);
    }
  }
  return bytes;
}
