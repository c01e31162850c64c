// One planned bundle made into its results: its devices' reports, or their rendered pieces,
// from the cache where it has them (and kept there where it has not). The same function runs in
// the main thread and on a worker (worker.ts), so --jobs 1 and --jobs N give the same bytes.
import { loadDevice, type LoadedDevice } from '../device.js';
import { bundleKey, cachedPiece, cachedReport, cachedSeen, dropPiece, pieceKey, seenKey, storePiece, storeReport, storeSeen, type CacheOptions } from './cache.js';
import { pieceOf, type DevicePiece, type PieceFormat } from '../render/piece.js';
import { openPlanned, type Bundle, type PlanSpec } from '../ingest/bundles.js';
import { deviceReport, failedDeviceReport } from '../report.js';
import { runRules } from '../rules/engine.js';
import { rules } from '../rules/index.js';
import { verdictOf } from '../rules/verdict.js';
import type { DeviceReport } from '../types.js';
import type { CommonOptions } from '../options.js';
import { notAsked, openOptions, preparedFor, type Prepared } from './prepared.js';

/** One loaded device's report: rules and the report run inside the device's guard too, so one odd value costs that device, not the fleet. */
export function reportOf(loaded: LoadedDevice | { device: string; error: unknown }, prepared: Prepared): DeviceReport {
  if ('error' in loaded) return failedDeviceReport(loaded.device, loaded.error);
  try {
    const findings = runRules(loaded.timeline, Object.values(rules), prepared.zone);
    return deviceReport(loaded, findings, verdictOf(loaded.timeline, findings), prepared.zone);
  } catch (error) {
    return failedDeviceReport(loaded.device, error);
  }
}

/** One bundle's report: from the cache where its files did not change, else read and diagnosed (and kept). */
export async function diagnoseBundle(bundle: Bundle, options: CommonOptions, prepared: Prepared): Promise<DeviceReport> {
  return (await diagnoseBundleKeyed(bundle, options, prepared)).report;
}

/** The report, and its bundle's cache key where the report is in the cache as it is (so what is made of it may be kept too). */
export async function diagnoseBundleKeyed(bundle: Bundle, options: CommonOptions, prepared: Prepared, known?: string, earlier: readonly string[] = []): Promise<{ report: DeviceReport; kept?: string }> {
  const cache = options.cache && prepared.cacheConfig !== undefined ? options.cache : undefined;
  let key = known;
  const problems: string[] = [...earlier];
  if (cache && prepared.cacheConfig !== undefined) {
    try {
      key ??= await bundleKey(bundle, prepared.cacheConfig, cache.strategy);
      const hit = cachedReport(cache, key, bundle.name);
      // A report kept whole, whose rendering was damaged: the note goes on it (and it is not kept as rendered with this run's note).
      if (hit.report) return problems.length > 0 ? { report: { ...hit.report, notes: [...hit.report.notes, ...problems] } } : { report: hit.report, kept: key };
      if (hit.problem) problems.push(hit.problem);
    } catch {
      key = undefined; // a file that cannot be hashed is read (and its error reported) as usual
    }
  }
  let loaded: LoadedDevice | { device: string; error: unknown };
  try {
    loaded = await loadDevice(bundle, { patterns: prepared.patterns, ...(prepared.zone ? { zone: prepared.zone } : {}), ...(prepared.maxFileSize !== undefined ? { maxFileSize: prepared.maxFileSize } : {}) });
  } catch (error) {
    loaded = { device: bundle.name, error };
  }
  const report = reportOf(loaded, prepared);
  // A device that failed for a reason of ours (a bug) is not kept: the next run tries again.
  if (cache && key !== undefined && !('error' in loaded)) {
    const problem = storeReport(cache, key, report);
    if (problem) problems.push(problem);
  }
  // What went wrong with the cache is said on the device, never printed from here; such a
  // report is not kept as rendered either (its note is this run's, not the next one's).
  if (problems.length > 0) return { report: { ...report, notes: [...report.notes, ...problems] } };
  return key !== undefined && !('error' in loaded) ? { report, kept: key } : { report };
}

/**
 * One bundle's piece (its text in `format` and its tally): with --cache, an unchanged bundle's
 * piece is read as it was rendered, else it is made from the report (cached or diagnosed) and kept.
 */
export async function pieceOfBundle(bundle: Bundle, options: CommonOptions, prepared: Prepared, format: PieceFormat | undefined): Promise<DevicePiece> {
  const cache = options.cache && prepared.cacheConfig !== undefined && format !== undefined ? options.cache : undefined;
  let key: string | undefined;
  const problems: string[] = [];
  if (cache && format && prepared.cacheConfig !== undefined) {
    try {
      key = await bundleKey(bundle, prepared.cacheConfig, cache.strategy);
      const hit = cachedPiece(cache, pieceKey(key, format), bundle.name);
      if (hit && 'problem' in hit) {
        problems.push(hit.problem);
        // Said once, on this run's device: the next run renders it again and keeps it whole.
        dropPiece(cache, pieceKey(key, format));
      } else if (hit) return keepPiece(cache, prepared.cacheConfig, bundle, format, hit);
    } catch {
      key = undefined;
    }
  }
  const { report, kept } = await diagnoseBundleKeyed(bundle, options, prepared, key, problems);
  const piece = pieceOf(report, format);
  if (cache && format && kept !== undefined && prepared.cacheConfig !== undefined) keepPiece(cache, prepared.cacheConfig, bundle, format, piece, kept);
  return piece;
}

/**
 * Keeps a piece for the next run: under the bundle's listing where it has one (found by it,
 * without a listing; so there only), else under the bundle's key where one is given (a piece
 * found by that key is kept already).
 */
export function keepPiece(cache: CacheOptions, config: string, bundle: Bundle, format: PieceFormat, piece: DevicePiece, key?: string): DevicePiece {
  if (bundle.listing) storeSeen(cache, seenKey(config, bundle.listing.root, format, bundle.absoluteGiven === true), bundle.listing, piece);
  else if (key !== undefined) storePiece(cache, pieceKey(key, format), piece);
  return piece;
}

/** A planned folder bundle's piece kept under its listing (seenKey), where nothing in it moved; null otherwise (listed and looked up as usual). */
export function seenPiece(spec: PlanSpec, cache: CacheOptions, config: string, format: PieceFormat, onProblem?: CommonOptions['onCacheProblem']): DevicePiece | null {
  if (spec.type !== 'folder' || cache.strategy !== 'metadata') return null;
  const hit = cachedSeen(cache, seenKey(config, spec.folder, format, spec.absoluteGiven === true), spec.name);
  if (hit && 'problem' in hit) {
    onProblem?.(spec.name, hit.problem);
    return null;
  }
  return hit;
}

/** A worker thread's job: the reports of one planned bundle (a fleet zip holds several devices). */
export function diagnosePlanned(spec: PlanSpec, options: CommonOptions): Promise<DeviceReport[]> {
  return eachPlanned(spec, options, (bundle, prepared) => diagnoseBundle(bundle, options, prepared));
}

/** A worker thread's job where pieces are wanted: each device of one planned bundle, rendered. */
export function piecesOfPlanned(spec: PlanSpec, options: CommonOptions, format: PieceFormat | undefined): Promise<DevicePiece[]> {
  return eachPlanned(spec, options, (bundle, prepared) => pieceOfBundle(bundle, options, prepared, format));
}

export async function eachPlanned<T>(spec: PlanSpec, options: CommonOptions, make: (bundle: Bundle, prepared: Prepared) => Promise<T>, prepared = preparedFor(options)): Promise<T[]> {
  const results: T[] = [];
  for (const bundle of await openPlanned(spec, openOptions(options))) {
    try {
      if (notAsked(bundle, options, prepared)) continue;
      results.push(await make(bundle, prepared));
    } finally {
      await bundle.close();
    }
  }
  return results;
}
