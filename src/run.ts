// The programmatic API: options in, reports out. No printing, no process.exit: the CLI (and
// any other caller) decides what to do with the result.
import { loadDevice, type LoadedDevice } from './device.js';
import { InputError, UsageError } from './errors.js';
import { bundleKey, cachedPiece, cachedReport, cachedSeen, configKey, dropPiece, holdsEntries, KnownFolders, pieceKey, pruneCache, seenKey, storePiece, storeReport, storeSeen, type CacheOptions } from './fleet/cache.js';
import { defaultJobs, runOnWorkers, type LocalResults, type WorkerOptions } from './fleet/pool.js';
import { jobsFor } from './fleet/jobs.js';
import { pieceOf, type DevicePiece, type PieceFormat } from './render/piece.js';
import { inShard } from './fleet/shard.js';
import { findBundles, openPlanned, planDevices, type Bundle, type FindBundlesOptions, type PassedOverKind, type PlanSpec } from './ingest/bundles.js';
import { packageVersion } from './version.js';
import { PassedOverTally } from './passed-over.js';
import { patternSet, type PatternSet } from './parsers/patterns.js';
import { parseTimestampValue } from './parsers/timestamp.js';
import { buildReport, deviceReport, failedDeviceReport, SummaryBuilder } from './report.js';
import { runRules } from './rules/engine.js';
import { rules } from './rules/index.js';
import { verdictOf } from './rules/verdict.js';
import { mineTimeline, suggestFrom, TemplateMiner } from './suggest/index.js';
import { checkZone, eventIso, isoTime } from './timeline/iso.js';
import { gatheringEntries, type GatheringEntry } from './timeline/gathering.js';
import type { DeviceReport, DeviceTimeline, Event, Report, TimelineEntry, TimelineReport, Window, WindowSummary } from './types.js';

// The report's shapes, for a program that imports the API: `import { diagnose, type Report } from 'ldforensics'`.
export type {
  ActivityItem, ActivityLane, Confidence, DeviceReport, DeviceTimeline, DeviceTiming, EvidenceLine, FileReport, Finding, Report, RunReport,
  Severity, SkippedFile, Summary, TimelineEntry, TimelineReport, UnparsedLine, WindowSummary,
} from './types.js';

import type { CommonOptions } from './options.js';

export type { CommonOptions } from './options.js';

export interface TimelineOptions extends CommonOptions {
  /** Wall-clock bounds, e.g. "2026-03-09 10:00". */
  since?: string;
  until?: string;
}

interface Prepared {
  patterns: PatternSet;
  zone: string | undefined;
  maxFileSize: number | undefined;
  wanted: Set<string> | null;
  /** With --cache: what every report depends on besides its bundle. */
  cacheConfig?: string;
}

function prepare(options: CommonOptions): Prepared {
  if (options.paths.length === 0) throw new UsageError('no path given', 'Name a folder of device bundles, a bundle folder, a .zip, or log files.');
  const patterns = patternSet(options.patternFiles ?? []);
  const zone = options.zone ? checkZone(options.zone) : undefined;
  return {
    patterns,
    zone,
    maxFileSize: options.maxFileSize,
    wanted: options.devices && options.devices.length > 0 ? new Set(options.devices.map((d) => d.toLowerCase())) : null,
    ...(options.cache ? {
      cacheConfig: configKey({
        version: packageVersion(), packs: patterns.packs, rules: Object.keys(rules),
        // A report says where its bundle is relative to the folder the tool runs in (report.ts).
        base: process.cwd(),
        ...(zone !== undefined ? { zone } : {}), ...(options.maxFiles !== undefined ? { maxFiles: options.maxFiles } : {}),
        ...(options.maxFileSize !== undefined ? { maxFileSize: options.maxFileSize } : {}),
      }),
    } : {}),
  };
}

/** What a --shard run depended on besides its share (no folder: shards run on several machines), for merge to compare. */
export function shardKey(options: Pick<CommonOptions, 'patternFiles' | 'zone' | 'maxFiles' | 'maxFileSize'>): string {
  const zone = options.zone ? checkZone(options.zone) : undefined;
  return configKey({
    version: packageVersion(), packs: patternSet(options.patternFiles ?? []).packs, rules: Object.keys(rules), base: '',
    ...(zone !== undefined ? { zone } : {}), ...(options.maxFiles !== undefined ? { maxFiles: options.maxFiles } : {}),
    ...(options.maxFileSize !== undefined ? { maxFileSize: options.maxFileSize } : {}),
  });
}

/**
 * A worker's options, prepared once for all the bundles it is given: the packs are read and
 * compiled once, and the pattern set's memory of lines seen carries from device to device.
 */
const preparedByOptions = new WeakMap<CommonOptions, Prepared>();

function preparedFor(options: CommonOptions): Prepared {
  let prepared = preparedByOptions.get(options);
  if (prepared === undefined) {
    prepared = prepare(options);
    preparedByOptions.set(options, prepared);
  }
  return prepared;
}

/** --max-files, where given, for the bundle finders. */
/** What planning tells the caller as it goes: how many bundles, and what it passed over. */
function planHooks(options: CommonOptions): Pick<FindBundlesOptions, 'onPlanned' | 'onPassedOver'> {
  return { ...(options.onPlanned ? { onPlanned: options.onPlanned } : {}), ...(options.onPassedOver ? { onPassedOver: options.onPassedOver } : {}) };
}

function filesLimit(options: CommonOptions): { maxFiles?: number; exclude?: ReadonlySet<string> } {
  return { ...(options.maxFiles !== undefined ? { maxFiles: options.maxFiles } : {}), ...(options.exclude ? { exclude: options.exclude } : {}) };
}

/** What opens a planned bundle: --max-files, and with --cache (by files' times) each folder bundle's listing kept (seenKey). */
function openOptions(options: CommonOptions): { maxFiles?: number; listing?: boolean } {
  return options.cache?.strategy === 'metadata' ? { ...filesLimit(options), listing: true } : filesLimit(options);
}

/** A bundle the run does not ask for: another device than --device names, or another shard's. */
function notAsked(bundle: Bundle, options: CommonOptions, prepared: Prepared): boolean {
  return notAskedName(bundle.name, options, prepared);
}

function notAskedName(name: string, options: CommonOptions, prepared: Prepared): boolean {
  return (prepared.wanted !== null && !isWanted(name, prepared.wanted)) || !inShard(name, options.shard);
}

/** --device matches a device's name as the report gives it (site-a/LAB-0101), or its bare name (LAB-0101: every site's). */
export function isWanted(name: string, wanted: ReadonlySet<string>): boolean {
  const lower = name.toLowerCase();
  return wanted.has(lower) || wanted.has(lower.slice(lower.lastIndexOf('/') + 1));
}

/** Each device's bundle read and parsed, in name order; a bundle that breaks is reported, never fatal. */
async function* loadDevices(options: CommonOptions, prepared: Prepared): AsyncGenerator<LoadedDevice | { device: string; error: unknown }> {
  let seen = 0;
  let found = 0;
  for await (const bundle of findBundles(options.paths, { ...filesLimit(options), ...planHooks(options) })) {
    found += 1;
    if (notAsked(bundle, options, prepared)) {
      await bundle.close();
      continue;
    }
    seen += 1;
    try {
      yield await loadDevice(bundle, { patterns: prepared.patterns, ...(prepared.zone ? { zone: prepared.zone } : {}), ...(prepared.maxFileSize !== undefined ? { maxFileSize: prepared.maxFileSize } : {}) });
    } catch (error) {
      // A bug or a broken file must not cost the rest of the fleet its report; the error is shown on the device.
      yield { device: bundle.name, error };
    } finally {
      await bundle.close();
    }
  }
  // A shard of a small share may hold no device: that is no error; an empty share or a name that matches nothing is.
  if (seen === 0 && (found === 0 || options.shard === undefined)) throw noDevices(options, prepared);
}

/** One loaded device's report: rules and the report run inside the device's guard too, so one odd value costs that device, not the fleet. */
function reportOf(loaded: LoadedDevice | { device: string; error: unknown }, prepared: Prepared): DeviceReport {
  if ('error' in loaded) return failedDeviceReport(loaded.device, loaded.error);
  try {
    const findings = runRules(loaded.timeline, Object.values(rules), prepared.zone);
    return deviceReport(loaded, findings, verdictOf(loaded.timeline, findings), prepared.zone);
  } catch (error) {
    return failedDeviceReport(loaded.device, error);
  }
}

/** One bundle's report: from the cache where its files did not change, else read and diagnosed (and kept). */
async function diagnoseBundle(bundle: Bundle, options: CommonOptions, prepared: Prepared): Promise<DeviceReport> {
  return (await diagnoseBundleKeyed(bundle, options, prepared)).report;
}

/** The report, and its bundle's cache key where the report is in the cache as it is (so what is made of it may be kept too). */
async function diagnoseBundleKeyed(bundle: Bundle, options: CommonOptions, prepared: Prepared, known?: string, earlier: readonly string[] = []): Promise<{ report: DeviceReport; kept?: string }> {
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
async function pieceOfBundle(bundle: Bundle, options: CommonOptions, prepared: Prepared, format: PieceFormat | undefined): Promise<DevicePiece> {
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
function keepPiece(cache: CacheOptions, config: string, bundle: Bundle, format: PieceFormat, piece: DevicePiece, key?: string): DevicePiece {
  if (bundle.listing) storeSeen(cache, seenKey(config, bundle.listing.root, format, bundle.absoluteGiven === true), bundle.listing, piece);
  else if (key !== undefined) storePiece(cache, pieceKey(key, format), piece);
  return piece;
}

/** A planned folder bundle's piece kept under its listing (seenKey), where nothing in it moved; null otherwise (listed and looked up as usual). */
function seenPiece(spec: PlanSpec, cache: CacheOptions, config: string, format: PieceFormat, onProblem?: CommonOptions['onCacheProblem']): DevicePiece | null {
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

async function eachPlanned<T>(spec: PlanSpec, options: CommonOptions, make: (bundle: Bundle, prepared: Prepared) => Promise<T>, prepared = preparedFor(options)): Promise<T[]> {
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

/**
 * Diagnoses each device as it is read, in name order: on worker threads where options.jobs > 1
 * (a worker that dies costs its device, reported unreadable), in this thread otherwise.
 */
export async function* diagnoseDevices(options: CommonOptions): AsyncGenerator<DeviceReport> {
  const prepared = prepare(options);
  const { specs, jobs } = await plan(options, prepared);
  if (jobs > 1) yield* onWorkers(specs, jobs, options, prepared, {}, (report) => report, cachedHere(options, prepared, (cache, key, bundle) => cachedReport(cache, key, bundle.name).report));
  else yield* inThisThread(specs, options, prepared, (bundle) => diagnoseBundle(bundle, options, prepared));
  if (options.cache) pruneCache(options.cache);
}

/**
 * Each device's piece of a streamed report (its text in `format`, and the tally the fleet
 * summary needs), in name order. On worker threads the devices are rendered there, so only
 * text and counts cross threads; with one job, here.
 */
export async function* diagnosePieces(options: CommonOptions, format?: PieceFormat): AsyncGenerator<DevicePiece> {
  const prepared = prepare(options);
  const seen = format ? (spec: PlanSpec, cache: CacheOptions, config: string) => seenPiece(spec, cache, config, format, options.onCacheProblem) : undefined;
  const { specs, jobs } = await plan(options, prepared);
  if (jobs > 1) {
    yield* onWorkers(specs, jobs, options, prepared, { pieces: format ? { format } : {} }, (report) => pieceOf(report, format),
      format ? cachedHere(options, prepared, (cache, key, bundle, config) => {
        const hit = cachedPiece(cache, pieceKey(key, format), bundle.name);
        // A damaged one goes to a worker, which finds the damage too and says it on the device.
        if (hit && 'problem' in hit) return null;
        return hit && keepPiece(cache, config, bundle, format, hit);
      }, seen) : undefined);
  }
  else yield* inThisThread(specs, options, prepared, (bundle) => pieceOfBundle(bundle, options, prepared, format), seen);
  // After the run, whose hits have marked what is still in use.
  if (options.cache) pruneCache(options.cache);
}

/** A planned device's result kept under its bundle's listing (seenPiece), or null: the bundle is opened and made as usual. */
type Shortcut<T> = (spec: PlanSpec, cache: CacheOptions, config: string) => T | null;

/**
 * Each bundle found, made into a result in this thread as it is found, in name order. With
 * --cache and a `shortcut`, a folder bundle whose listing still holds is not opened at all.
 */
async function* inThisThread<T>(specs: readonly PlanSpec[], options: CommonOptions, prepared: Prepared, make: (bundle: Bundle) => Promise<T>, shortcut?: Shortcut<T>): AsyncGenerator<T> {
  let seen = 0;
  let found = 0;
  const cache = options.cache;
  const config = prepared.cacheConfig;
  const bundles = plannedBundles(specs, options, prepared, cache?.strategy === 'metadata' && config !== undefined && shortcut && holdsEntries(cache) ? (spec) => shortcut(spec, cache, config) : null);
  for await (const bundle of bundles) {
    found += 1;
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
  if (seen === 0 && (found === 0 || options.shard === undefined)) throw noDevices(options, prepared);
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
async function plan(options: CommonOptions, prepared: Prepared): Promise<{ specs: PlanSpec[]; jobs: number }> {
  const specs = await planRun(options, prepared);
  options.onPlanned?.(devicesPlanned(specs, options, prepared));
  const jobs = options.jobs === 'auto' ? jobsFor(specs, defaultJobs()) : options.jobs ?? 1;
  return { specs, jobs };
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
  const known = options.cache?.strategy === 'metadata' && prepared.cacheConfig !== undefined ? new KnownFolders(options.cache, prepared.cacheConfig, options.paths) : undefined;
  const specs = await planDevices(options.paths, { ...filesLimit(options), ...(known ? { known } : {}), ...(options.onPassedOver ? { onPassedOver: options.onPassedOver } : {}) });
  known?.save();
  return specs;
}

/**
 * With --cache, a planned device's results as kept (`lookup`, by its bundle's key), taken in this
 * thread; null where any of its bundles is not kept as it is, so that a worker reads the device
 * (and says what was wrong with a damaged entry).
 */
function cachedHere<T>(options: CommonOptions, prepared: Prepared, lookup: (cache: CacheOptions, key: string, bundle: Bundle, config: string) => T | null, shortcut?: Shortcut<T>): LocalResults<T> | undefined {
  const cache = options.cache;
  const config = prepared.cacheConfig;
  // With --cache-strategy content a lookup hashes every byte of the bundle: work for the workers, side by side.
  if (!cache || config === undefined || cache.strategy === 'content') return undefined;
  // A first run (an empty cache) would only miss here, each miss a walk of the bundle and its
  // stats made twice, here and again on the worker: its devices go to the workers at once.
  if (!holdsEntries(cache)) return undefined;
  return async (spec) => {
    if (shortcut) {
      if (spec.type === 'folder' && notAskedName(spec.name, options, prepared)) return [];
      const kept = shortcut(spec, cache, config);
      if (kept !== null) return [kept];
    }
    // A lookup that throws (a file that cannot be stat'ed) is a miss too: the pool gives the device to a worker.
    const found = await eachPlanned(spec, options, async (bundle) => lookup(cache, await bundleKey(bundle, config, cache.strategy), bundle, config), prepared);
    return found.every((hit): hit is T => hit !== null) ? found : null;
  };
}

/** The planned bundles diagnosed on worker threads; `failed` makes a result of a device whose worker failed; `local` answers the devices it can here. */
async function* onWorkers<T>(specs: PlanSpec[], jobs: number, options: CommonOptions, prepared: Prepared, extra: Pick<WorkerOptions, 'pieces'>, failed: (report: DeviceReport) => T, local?: LocalResults<T>): AsyncGenerator<T> {
  let seen = 0;
  // Callbacks stay in this thread: the workers get plain data only.
  const { onPlanned: _onPlanned, onCacheProblem: _onCacheProblem, onPassedOver: _onPassedOver, ...data } = options;
  for await (const result of runOnWorkers<T>(specs, { ...data, jobs, ...extra }, failed, local)) {
    seen += 1;
    yield result;
  }
  if (seen === 0 && (specs.length === 0 || options.shard === undefined)) throw noDevices(options, prepared);
}

function noDevices(options: CommonOptions, prepared: Prepared): InputError {
  return new InputError(
    prepared.wanted ? `no device named ${[...prepared.wanted].join(', ')} in ${options.paths.join(', ')}` : `no device bundles found in ${options.paths.join(', ')}`,
    'A device bundle is a folder or .zip holding EPM logs (sdclient.log, vulscan.log, localsch.log, ldprovisioning.log, …).',
  );
}

/** Diagnoses every device and summarises the fleet. */
export async function diagnose(options: CommonOptions): Promise<Report> {
  const devices: DeviceReport[] = [];
  // What the share held that was not read is part of the report, as the CLI gives it.
  const passedOver = new PassedOverTally();
  const given = options.onPassedOver;
  const onPassedOver = (display: string, kind: PassedOverKind): void => {
    passedOver.add(display, kind);
    given?.(display, kind);
  };
  for await (const device of diagnoseDevices({ ...options, onPassedOver })) devices.push(device);
  const report = buildReport(devices);
  const notRead = passedOver.summary();
  return notRead ? { ...report, summary: { ...report.summary, passedOver: notRead } } : report;
}

export interface SuggestOptions extends CommonOptions {
  /** How many patterns the draft holds at the most. */
  top?: number;
}

/** `patterns suggest`: the lines no pattern recognised, across the devices, as a draft pattern pack. */
export async function suggestPatterns(options: SuggestOptions): Promise<ReturnType<typeof suggestFrom> & { devices: number }> {
  const prepared = prepare(options);
  const miner = new TemplateMiner();
  let devices = 0;
  for await (const loaded of loadDevices(options, prepared)) {
    if ('error' in loaded) continue;
    devices += 1;
    mineTimeline(miner, loaded.timeline);
  }
  const userPacks = prepared.patterns.packs.slice(0, -1);
  return { ...suggestFrom(miner, { ...(options.top !== undefined ? { top: options.top } : {}), existing: userPacks }), devices };
}

/** True when nothing at all could be read: the CLI's exit code 2. */
export function nothingReadable(devices: readonly { files: readonly unknown[] }[]): boolean {
  return devices.every((d) => d.files.length === 0);
}

/** True when a device failed or has an error finding: the CLI's exit code 1. */
export function hasFailures(report: Report): boolean {
  // One definition of "failed", shared with the CLI's streamed runs.
  const fleet = new SummaryBuilder();
  for (const device of report.devices) fleet.add(device);
  return fleet.failed;
}

/** A bound: a wall-clock time, or (a time of day alone, "09:41") that time on each device's own day. */
type Bound = { at: number } | { timeOfDay: number } | undefined;

const TIME_OF_DAY = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;

function bound(text: string | undefined, name: string): Bound {
  if (text === undefined) return undefined;
  const clock = TIME_OF_DAY.exec(text.trim());
  if (clock) {
    const [h, m, sec] = [Number(clock[1]), Number(clock[2]), Number(clock[3] ?? 0)];
    if (h > 23 || m > 59 || sec > 59) throw new UsageError(`${name}: "${text}" is no time of day`);
    return { timeOfDay: ((h * 60 + m) * 60 + sec) * 1000 };
  }
  return { at: wallBound(text, name) };
}

/** A bound's wall time on a device whose day is `day` (midnight, wall ms). */
function boundOn(b: Bound, day: number | undefined): number | undefined {
  if (b === undefined) return undefined;
  if ('at' in b) return b.at;
  return day === undefined ? undefined : day + b.timeOfDay;
}

/**
 * The device's day: that of its last logged line. A task list's entries stand at the tasks'
 * planned starts (the next day, the year 3000), which are no day of the device's.
 */
function dayOf(events: readonly Event[]): number | undefined {
  for (let i = events.length - 1; i >= 0; i -= 1) {
    const event = events[i];
    if (event && event.kind !== 'task-listed') return Math.floor(event.time / 86_400_000) * 86_400_000;
  }
  return undefined;
}

function wallBound(text: string, name: string): number {
  const full = /^\d{4}-\d{2}-\d{2}$/.test(text.trim()) ? `${text.trim()} 00:00:00` : /^\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}$/.test(text.trim()) ? `${text.trim()}:00` : text;
  const time = parseTimestampValue(full);
  if (time === null) throw new UsageError(`${name}: cannot read "${text}" as a time`, 'Use the device\'s wall clock, e.g. 2026-03-09 10:00 or "09 Mar 2026 10:00:00".');
  return time;
}

function entryOf(event: Event, zone: string | undefined): TimelineEntry {
  const fields: Record<string, string | number> = {};
  const skip = new Set(['kind', 'source', 'file', 'line', 'time', 'text', 'utc', 'clockJump']);
  for (const [key, value] of Object.entries(event)) {
    if (skip.has(key) || value === undefined) continue;
    if (key === 'start' && typeof value === 'number') fields.start = isoTime(value, zone);
    else if (typeof value === 'string' || typeof value === 'number') fields[key] = value;
  }
  const entry: TimelineEntry = { time: eventIso(event, zone), file: event.file, line: event.line, source: event.source, kind: event.kind, text: event.text, fields };
  if (event.clockJump) entry.clockJumpSeconds = Math.round(event.clockJump.deltaMs / 1000);
  return entry;
}

function gatheringEntryOf(entry: GatheringEntry, zone: string | undefined): TimelineEntry {
  return {
    time: isoTime(entry.time, zone), file: entry.seen.file, line: entry.seen.line, source: 'process-list', kind: 'running-at-gathering', text: entry.text,
    fields: { process: entry.seen.process, command: entry.seen.text, timeFrom: entry.timeFrom },
  };
}

function windowSummary(window: Window, zone: string | undefined): WindowSummary {
  const summary: WindowSummary = {
    id: window.id, process: window.process, file: window.file, startLine: window.startLine, endLine: window.endLine,
    start: isoTime(window.start, zone), end: isoTime(window.end, zone), closedBy: window.closedBy,
  };
  if (window.taskId) summary.taskId = window.taskId;
  if (window.packageName) summary.packageName = window.packageName;
  if (window.exitCode !== undefined) summary.exitCode = window.exitCode;
  if (window.resultCode !== undefined) summary.resultCode = window.resultCode;
  if (window.refusedBy) summary.refusedBy = window.refusedBy;
  if (window.waitStart !== undefined) summary.waitStart = isoTime(window.waitStart, zone);
  if (window.scanStart !== undefined) summary.scanStart = isoTime(window.scanStart, zone);
  return summary;
}

/** Each device's merged timeline as it is read: a fleet's timelines are never all held at once. */
export async function* timelineDevices(options: TimelineOptions): AsyncGenerator<DeviceTimeline> {
  const prepared = prepare(options);
  const since = bound(options.since, '--since');
  const until = bound(options.until, '--until');
  for await (const loaded of loadDevices(options, prepared)) {
    if ('error' in loaded) {
      yield { device: loaded.device, entries: [], windows: [], files: [], skipped: [], notes: [], errors: [`could not read this bundle: ${loaded.error instanceof Error ? loaded.error.message : String(loaded.error)}`] };
      continue;
    }
    let shown: DeviceTimeline;
    try {
      const day = dayOf(loaded.timeline.events);
      const from = boundOn(since, day);
      const to = boundOn(until, day);
      const inBounds = (time: number): boolean => (from === undefined || time >= from) && (to === undefined || time <= to);
      const events = loaded.timeline.events.filter((e) => inBounds(e.time));
      // Gathered after every line: last, at their time.
      const gathering = gatheringEntries(loaded.runningAtGathering ?? [], loaded.timeline.events).filter((g) => inBounds(g.time));
      shown = {
        device: loaded.device,
        entries: [...events.map((e) => entryOf(e, prepared.zone)), ...gathering.map((g) => gatheringEntryOf(g, prepared.zone))],
        windows: loaded.timeline.windows.map((w) => windowSummary(w, prepared.zone)),
        files: loaded.files,
        skipped: loaded.skipped,
        notes: loaded.timeline.notes,
        errors: loaded.errors,
      };
    } catch (error) {
      // The device's guard covers what is made of its timeline too.
      shown = { device: loaded.device, entries: [], windows: [], files: loaded.files, skipped: loaded.skipped, notes: [], errors: [`could not show this bundle's timeline: ${error instanceof Error ? error.message : String(error)}`] };
    }
    yield shown;
  }
}

/** The line accounting of the devices shown: parsed plus unparsed equals lines, always. */
export function timelineTotals(devices: readonly Pick<DeviceTimeline, 'files'>[]): TimelineReport['totals'] {
  const files = devices.flatMap((d) => d.files);
  return {
    devices: devices.length,
    files: files.length,
    lines: files.reduce((s, f) => s + f.lines, 0),
    parsed: files.reduce((s, f) => s + f.parsed, 0),
    unparsed: files.reduce((s, f) => s + f.unparsed, 0),
  };
}

/** Every device's merged timeline, as the `timeline` command shows it. */
export async function timelines(options: TimelineOptions): Promise<TimelineReport> {
  const devices: DeviceTimeline[] = [];
  for await (const device of timelineDevices(options)) devices.push(device);
  return { schema: 'ldforensics.timeline/1', devices, totals: timelineTotals(devices) };
}
