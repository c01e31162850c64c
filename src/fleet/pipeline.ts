// A fleet run, in one place: plan the share, then for each planned bundle ask the cache, make
// what it has not (in this thread or on workers, device-run.ts either way), keep it, and yield
// the results in name order. run.ts is the API over it.
import type { RunCache } from './run-cache.js';
import { dropStandbyWorker, peekStandbyWorker } from './standby.js';
import { defaultJobs, runOnWorkers, type LocalResults, type WorkerOptions } from './pool.js';
import { jobsFor } from './jobs.js';
import { planningDone } from '../ingest/read-progress.js';
import { pieceOf, type DevicePiece, type PieceFormat } from '../render/piece.js';
import { openPlanned, planDevices, type Bundle, type PlanSpec } from '../ingest/bundles.js';
import type { DeviceReport } from '../types.js';
import type { CommonOptions } from '../options.js';
import { noDevices, openOptions, prepare, notAsked, notAskedName, filesLimit, type Prepared } from './prepared.js';
import { diagnoseBundle, pieceOfBundle, eachPlanned } from './device-run.js';

/**
 * Diagnoses each device as it is read, in name order: on worker threads where options.jobs > 1
 * (a worker that dies costs its device, reported unreadable), in this thread otherwise.
 */
export async function* diagnoseDevices(options: CommonOptions): AsyncGenerator<DeviceReport> {
  const prepared = prepare(options);
  const { specs, jobs, planned } = await plan(options, prepared);
  if (jobs > 1 || options.readsOnWorkers === true) yield* onWorkers(specs, planned, jobs, options, prepared, {}, (report) => report, cachedHere(options, prepared, (cache, key, bundle) => cache.report(key, bundle.name).report));
  else yield* inThisThread(specs, planned, options, prepared, (bundle) => diagnoseBundle(bundle, prepared));
  prepared.cache?.prune();
}

/**
 * Each device's piece of a streamed report (its text in `format`, and the tally the fleet
 * summary needs), in name order. On worker threads the devices are rendered there, so only
 * text and counts cross threads; with one job, here.
 */
export async function* diagnosePieces(options: CommonOptions, format?: PieceFormat): AsyncGenerator<DevicePiece> {
  const prepared = prepare(options);
  const seen = format ? (spec: PlanSpec, cache: RunCache) => cache.seen(spec, format, options.onCacheProblem) : undefined;
  const { specs, jobs, planned } = await plan(options, prepared);
  if (jobs > 1 || options.readsOnWorkers === true) {
    yield* onWorkers(specs, planned, jobs, options, prepared, { pieces: format ? { format } : {} }, (report) => pieceOf(report, format),
      format ? cachedHere(options, prepared, (cache, key, bundle) => {
        const hit = cache.piece(key, format, bundle.name);
        // A damaged one goes to a worker, which finds the damage too and says it on the device.
        if (hit && 'problem' in hit) return null;
        return hit && cache.keepPiece(bundle, format, hit);
      }, seen) : undefined);
  }
  else yield* inThisThread(specs, planned, options, prepared, (bundle) => pieceOfBundle(bundle, prepared, format), seen);
  // After the run, whose hits have marked what is still in use.
  prepared.cache?.prune();
}

/** A planned device's result kept under its bundle's listing (seenPiece), or null: the bundle is opened and made as usual. */
type Shortcut<T> = (spec: PlanSpec, cache: RunCache) => T | null;

/**
 * Each bundle found, made into a result in this thread as it is found, in name order. With
 * --cache and a `shortcut`, a folder bundle whose listing still holds is not opened at all.
 */
async function* inThisThread<T>(specs: readonly PlanSpec[], planned: number, options: CommonOptions, prepared: Prepared, make: (bundle: Bundle) => Promise<T>, shortcut?: Shortcut<T>): AsyncGenerator<T> {
  let seen = 0;
  const cache = prepared.cache;
  const bundles = plannedBundles(specs, options, prepared, cache?.strategy === 'metadata' && shortcut && cache.holdsEntries() ? (spec) => shortcut(spec, cache) : null);
  for await (const bundle of bundles) {
    if ('kept' in bundle) {
      seen += 1;
      yield bundle.kept;
      continue;
    }
    let result: T;
    try {
      if (notAsked(bundle, options, prepared)) continue;
      seen += 1;
      result = await make(bundle);
    } finally {
      await bundle.close();
    }
    yield result;
  }
  // A shard of a small share may hold no device: that is no error; an empty share or a name that matches nothing is.
  if (seen === 0 && (planned === 0 || options.shard === undefined)) throw noDevices(options, prepared);
}

/**
 * The bundles of the run in name order, as findBundles gives them (planned by planRun), where
 * each that `kept` answers is its result instead (not opened).
 */
async function* plannedBundles<T>(specs: readonly PlanSpec[], options: CommonOptions, prepared: Prepared, kept: ((spec: PlanSpec) => T | null) | null): AsyncGenerator<Bundle | { kept: T }> {
  for (const spec of specs) {
    // A folder is one device, of the plan's name: one not asked for is not looked at.
    if (kept && spec.type === 'folder' && notAskedName(spec.name, options, prepared)) continue;
    const result = kept ? kept(spec) : null;
    if (result !== null) yield { kept: result };
    else yield* await openPlanned(spec, openOptions(options));
  }
}

/**
 * The run's plan, said to onPlanned, and the worker threads it is diagnosed on: the number asked
 * for, or with 'auto' as many as the cores where the planned bytes are worth it (jobsFor).
 */
async function plan(options: CommonOptions, prepared: Prepared): Promise<{ specs: PlanSpec[]; jobs: number; planned: number }> {
  const all = await planRun(options, prepared);
  options.onPlanned?.(devicesPlanned(all, options, prepared));
  // A bundle whose devices are all known by name at planning, none of them asked for (--device,
  // --shard), is not opened: one device of a share of 10,000 took 5 s, every bundle opened to be
  // skipped. An archive whose devices are known only once read (a tar, a zip not peeked) is kept.
  const specs = all.filter((spec) => mayHoldAsked(spec, (name) => !notAskedName(name, options, prepared)));
  const jobs = options.jobs === 'auto' ? jobsFor(specs, defaultJobs(), peekStandbyWorker() !== null) : options.jobs ?? 1;
  // From here on the share is read on workers, which the pool watches (pool.ts).
  planningDone();
  // A standby worker started for a run that turns out to be this thread's has nothing to do.
  if (jobs === 1 && options.readsOnWorkers !== true) dropStandbyWorker();
  return { specs, jobs, planned: all.length };
}

/**
 * Whether a planned bundle may hold a device the run asks for: one of the names it opens as,
 * where planning knows them all (a folder, files, a zip peeked at), or true where only reading
 * it tells (a tar archive, a zip whose directory could not be read at planning).
 */
export function mayHoldAsked(spec: PlanSpec, asked: (name: string) => boolean): boolean {
  if (spec.type === 'zip' && spec.deviceNames) return Object.values(spec.deviceNames).some(asked);
  if (spec.type === 'zip' && spec.oneDevice !== true) return true;
  return asked(spec.name);
}

/**
 * How many devices the plan holds that the run asks for (--device, --shard): a fleet zip counts
 * its devices (named at planning, zip-peek.ts); a tar archive of a fleet counts one, as it is
 * only known to be a fleet when read.
 */
function devicesPlanned(specs: readonly PlanSpec[], options: CommonOptions, prepared: Prepared): number {
  let count = 0;
  for (const spec of specs) {
    const names = spec.type === 'zip' && spec.deviceNames ? Object.values(spec.deviceNames) : [spec.name];
    for (const name of names) if (!notAskedName(name, options, prepared)) count += 1;
  }
  return count;
}

/**
 * The run's devices as plain data. With --cache (by files' times), a device folder found by the
 * last run and unchanged since is planned with a stat, not a listing (KnownFolders).
 */
async function planRun(options: CommonOptions, prepared: Prepared): Promise<PlanSpec[]> {
  const known = prepared.cache?.knownFolders(options.paths);
  const specs = await planDevices(options.paths, { ...filesLimit(options), ...(known ? { known } : {}), ...(options.onPassedOver ? { onPassedOver: options.onPassedOver } : {}) });
  known?.save();
  return specs;
}

/**
 * With --cache, a planned device's results as kept (`lookup`, by its bundle's key), taken in this
 * thread; null where any of its bundles is not kept as it is, so that a worker reads the device
 * (and says what was wrong with a damaged entry).
 */
function cachedHere<T>(options: CommonOptions, prepared: Prepared, lookup: (cache: RunCache, key: string, bundle: Bundle) => T | null, shortcut?: Shortcut<T>): LocalResults<T> | undefined {
  const cache = prepared.cache;
  // With --cache-strategy content a lookup hashes every byte of the bundle: work for the workers, side by side.
  if (!cache || cache.strategy === 'content') return undefined;
  // A first run (an empty cache) would only miss here, each miss a walk of the bundle and its
  // stats made twice, here and again on the worker: its devices go to the workers at once.
  if (!cache.holdsEntries()) return undefined;
  return async (spec) => {
    if (shortcut) {
      if (spec.type === 'folder' && notAskedName(spec.name, options, prepared)) return [];
      const kept = shortcut(spec, cache);
      if (kept !== null) return [kept];
    }
    // A lookup that throws (a file that cannot be stat'ed) is a miss too: the pool gives the device to a worker.
    const found = await eachPlanned(spec, options, async (bundle) => lookup(cache, await cache.keyOf(bundle), bundle), prepared);
    return found.every((hit): hit is T => hit !== null) ? found : null;
  };
}

/** The planned bundles diagnosed on worker threads; `failed` makes a result of a device whose worker failed; `local` answers the devices it can here. */
async function* onWorkers<T>(specs: PlanSpec[], planned: number, jobs: number, options: CommonOptions, prepared: Prepared, extra: Pick<WorkerOptions, 'pieces'>, failed: (report: DeviceReport) => T, local?: LocalResults<T>): AsyncGenerator<T> {
  let seen = 0;
  // Callbacks stay in this thread: the workers get plain data only.
  const { onPlanned: _onPlanned, onCacheProblem: _onCacheProblem, onPassedOver: _onPassedOver, ...data } = options;
  for await (const result of runOnWorkers<T>(specs, { ...data, jobs, ...extra }, failed, local)) {
    seen += 1;
    yield result;
  }
  if (seen === 0 && (planned === 0 || options.shard === undefined)) throw noDevices(options, prepared);
}
