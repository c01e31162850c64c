// One planned bundle made into its results: its devices' reports, or their rendered pieces,
// from the cache where it has them (and kept there where it has not). The same function runs in
// the main thread and on a worker (worker.ts), so --jobs 1 and --jobs N give the same bytes.
import { loadDevice, type LoadedDevice } from '../device.js';
import { pieceOf, type DevicePiece, type PieceFormat } from '../render/piece.js';
import { openPlanned, type Bundle, type PlanSpec } from '../ingest/bundles.js';
import { deviceReport, failedDeviceReport } from '../report.js';
import { runRules } from '../rules/engine.js';
import { rules } from '../rules/index.js';
import { verdictOf } from '../rules/verdict.js';
import type { DeviceReport } from '../types.js';
import type { CommonOptions } from '../options.js';
import { DIAGNOSE_KEEP_MAX_EVENTS } from '../parsers/line-log.js';
import { notAsked, openOptions, preparedFor, type Prepared } from './prepared.js';
import { READ_TIMEOUT_SECONDS } from './pool-limits.js';
import { stallReason } from '../ingest/read-progress.js';

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
export async function diagnoseBundle(bundle: Bundle, prepared: Prepared): Promise<DeviceReport> {
  return (await diagnoseBundleKeyed(bundle, prepared)).report;
}

/** The report, and its bundle's cache key where the report is in the cache as it is (so what is made of it may be kept too). */
async function diagnoseBundleKeyed(bundle: Bundle, prepared: Prepared, known?: string, earlier: readonly string[] = []): Promise<{ report: DeviceReport; kept?: string }> {
  const cache = prepared.cache;
  let key = known;
  const problems: string[] = [...earlier];
  if (cache) {
    try {
      key ??= await cache.keyOf(bundle);
      const hit = cache.report(key, bundle.name);
      // A report kept whole, whose rendering was damaged: the note goes on it (and it is not kept as rendered with this run's note).
      if (hit.report) return problems.length > 0 ? { report: { ...hit.report, notes: [...hit.report.notes, ...problems] } } : { report: hit.report, kept: key };
      if (hit.problem) problems.push(hit.problem);
    } catch {
      key = undefined; // a file that cannot be hashed is read (and its error reported) as usual
    }
  }
  let loaded: LoadedDevice | { device: string; error: unknown };
  try {
    // A report keeps fewer ordinary entries than the timeline shows (what rules read is kept whatever the bound).
    loaded = await loadDevice(bundle, { patterns: prepared.patterns, keepMaxEvents: DIAGNOSE_KEEP_MAX_EVENTS, ...(prepared.zone ? { zone: prepared.zone } : {}), ...(prepared.maxFileSize !== undefined ? { maxFileSize: prepared.maxFileSize } : {}) });
  } catch (error) {
    loaded = { device: bundle.name, error };
  }
  const report = reportOf(loaded, prepared);
  // A device that failed for a reason of ours (a bug) is not kept: the next run tries again.
  if (cache && key !== undefined && !('error' in loaded)) {
    const problem = cache.keepReport(key, report);
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
export async function pieceOfBundle(bundle: Bundle, prepared: Prepared, format: PieceFormat | undefined): Promise<DevicePiece> {
  const cache = format !== undefined ? prepared.cache : undefined;
  let key: string | undefined;
  const problems: string[] = [];
  if (cache && format) {
    try {
      key = await cache.keyOf(bundle);
      const hit = cache.piece(key, format, bundle.name);
      if (hit && 'problem' in hit) {
        problems.push(hit.problem);
        cache.dropPiece(key, format);
      } else if (hit) return cache.keepPiece(bundle, format, hit);
    } catch {
      key = undefined;
    }
  }
  const { report, kept } = await diagnoseBundleKeyed(bundle, prepared, key, problems);
  const piece = pieceOf(report, format);
  if (cache && format && kept !== undefined) cache.keepPiece(bundle, format, piece, kept);
  return piece;
}

/** A worker thread's job: the reports of one planned bundle (a fleet zip holds several devices). */
export function diagnosePlanned(spec: PlanSpec, options: CommonOptions): Promise<DeviceReport[]> {
  return eachPlanned(spec, options, (bundle, prepared) => diagnoseBundle(bundle, prepared));
}

/** A worker thread's job where pieces are wanted: each device of one planned bundle, rendered. */
export function piecesOfPlanned(spec: PlanSpec, options: CommonOptions, format: PieceFormat | undefined): Promise<DevicePiece[]> {
  return eachPlanned(spec, options, (bundle, prepared) => pieceOfBundle(bundle, prepared, format));
}

export async function eachPlanned<T>(spec: PlanSpec, options: CommonOptions & { stalled?: readonly string[] }, make: (bundle: Bundle, prepared: Prepared) => Promise<T>, prepared = preparedFor(options)): Promise<T[]> {
  const results: T[] = [];
  const stalled = new Set(options.stalled ?? []);
  for (const bundle of await openPlanned(spec, openOptions(options))) {
    try {
      if (notAsked(bundle, options, prepared)) continue;
      // A file whose read stalled on an earlier try (pool.ts) is a read error now, and the
      // device is not kept in the cache: the next run tries that file again.
      const skipsStalled = stalled.size > 0 && bundle.files.some((file) => stalled.has(file.path));
      if (skipsStalled) {
        for (const file of bundle.files) {
          if (stalled.has(file.path)) file.open = () => Promise.reject(new Error(`its read stalled: ${stallReason('file', options.readTimeoutSeconds ?? READ_TIMEOUT_SECONDS)}; not read`));
        }
      }
      results.push(await make(bundle, skipsStalled ? withoutCache(prepared) : prepared));
    } finally {
      await bundle.close();
    }
  }
  return results;
}

function withoutCache(prepared: Prepared): Prepared {
  const { cache: _cache, ...rest } = prepared;
  return rest;
}
