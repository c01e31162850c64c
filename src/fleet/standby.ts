// A worker started before anything else, for the run of one device: the main thread loads the
// CLI's modules, a worker then starts and loads its own (each about 120 ms unbundled, 35 to 60
// ms from dist/bundle/), and one device waits for both, one after the other, with the second
// core idle. Started first
// (bin/ldforensics.js), the worker loads its modules while the main thread loads the CLI's and
// plans; the pool adopts it for a run of one device (runOnWorkers with one job), or stops it.
//
// It waits for its options as its first message (worker.ts), and until the pool adopts it, it
// keeps nothing alive: a run that ends early (a usage error, --help) just exits.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { isLayoutFolder, isOsMetadata, isZipName } from '../ingest/source.js';
import { DEVICE_MEMORY_MB, workerFile } from './pool-limits.js';

let standby: Worker | null = null;
/** What clears `standby` when the waiting worker fails or ends: removed once it is taken. */
let onGone: (() => void) | null = null;

/** diagnose's options followed by a value (cli.ts); a variadic one's further values count as paths, and then there is no standby. */
const TAKES_A_VALUE: ReadonlySet<string> = new Set(['-f', '--format', '-o', '--output', '--tz', '--patterns', '--device', '--fail-on', '--shard', '--cache-location', '--cache-strategy', '--jobs', '--max-files', '--max-file-size', '--read-timeout', '--width']);

/**
 * For the command line `args`: starts the standby worker where the run looks like one device
 * (`diagnose`; the command line reads every device on a worker). A guess made before the tool is loaded, from the paths in `args`: one path,
 * a log file, a folder of files only, or a folder that holds a layout folder (ProgramData,
 * ldprovisioning, …) itself or in its only subfolder. A wrong guess costs time only: the pool
 * adopts the worker for a run of one device and stops it otherwise (a fleet's workers have budgets of their own, and a standby
 * stopped while it loads cost 100 small devices a tenth more time).
 */
export function startStandbyWorkerFor(args: readonly string[]): void {
  if (wantsStandby(args)) startStandbyWorker();
}

/**
 * Whether `args` look like a run of one device (see startStandbyWorkerFor): the command line
 * reads every device on a worker (options.ts, readsOnWorkers), so one device's worker is best
 * started before the rest of the tool loads.
 */
export function wantsStandby(args: readonly string[]): boolean {
  if (args[0] !== 'diagnose') return false;
  // The arguments that are not options nor an option's value (-o report.json).
  const paths = args.slice(1).filter((arg, i, rest) => !arg.startsWith('-') && !TAKES_A_VALUE.has(rest[i - 1] ?? '') && existsSync(arg));
  return paths.length === 1 && looksLikeOneDevice(paths[0] ?? '');
}

function looksLikeOneDevice(target: string): boolean {
  try {
    if (!statSync(target).isDirectory()) return !isZipName(target);
    const children = readdirSync(target, { withFileTypes: true }).filter((c) => !c.name.startsWith('.') && !isOsMetadata(c.name));
    // The first rules of the bundle finder (bundles.ts, classifyFolder), the cheap ones only.
    if (children.some(isLayoutFolder)) return true;
    const folders = children.filter((c) => c.isDirectory());
    if (children.some((c) => c.isFile() && isZipName(c.name))) return false;
    // Files only (the logs copied flat): one device.
    if (folders.length === 0) return children.length > 0;
    if (folders.length !== 1) return false;
    const only = path.join(target, folders[0]?.name ?? '');
    return readdirSync(only, { withFileTypes: true }).some(isLayoutFolder);
  } catch {
    return false;
  }
}

/** Starts the standby worker, with a lone worker's budget (pool.ts), unless one is waiting already. */
export function startStandbyWorker(): void {
  if (standby !== null) return;
  const worker = new Worker(workerFile(), { workerData: { standby: true }, resourceLimits: { maxOldGenerationSizeMb: DEVICE_MEMORY_MB } });
  worker.unref();
  // A standby that fails to start (or is stopped) is simply not there to be adopted.
  const gone = (): void => {
    if (standby === worker) standby = null;
  };
  worker.once('error', gone);
  worker.once('exit', gone);
  standby = worker;
  onGone = gone;
}

/** The standby worker still waiting, if any, without taking it (to watch it in a test). */
export function peekStandbyWorker(): Worker | null {
  return standby;
}

/** The standby worker for the pool to use (once), kept alive from now on; null where none is waiting. */
export function takeStandbyWorker(): Worker | null {
  const worker = standby;
  standby = null;
  if (worker === null) return null;
  if (onGone !== null) {
    worker.off('error', onGone);
    worker.off('exit', onGone);
    onGone = null;
  }
  worker.ref();
  return worker;
}

/** Stops the standby worker where the run has no use for it (a fleet's workers have budgets of their own). */
export function dropStandbyWorker(): void {
  const worker = takeStandbyWorker();
  if (worker !== null) void worker.terminate();
}
