// A run's options made ready once (the pattern packs read and compiled, the zone checked, the
// cache's key), what a device may be asked for (--device, --shard), and the devices read one
// after another: what the pipeline (pipeline.ts), a worker (device-run.ts) and the API's
// timeline and suggest commands (run.ts) share.
import { loadDevice, type LoadedDevice } from '../device.js';
import { InputError, UsageError } from '../errors.js';
import { configKey } from './cache.js';
import { inShard } from './shard.js';
import { findBundles, type Bundle, type FindBundlesOptions } from '../ingest/bundles.js';
import { gatheredZipName, withoutGatheredSuffix } from '../ingest/gathered.js';
import { codeIdentity, packageVersion } from '../version.js';
import { patternSet, type PatternSet } from '../parsers/patterns.js';
import { rules } from '../rules/index.js';
import { checkZone } from '../timeline/iso.js';
import type { CommonOptions } from '../options.js';
import { RunCache } from './run-cache.js';

export interface Prepared {
  patterns: PatternSet;
  zone: string | undefined;
  maxFileSize: number | undefined;
  wanted: Set<string> | null;
  /** With --cache: the cache, keyed by what every report depends on besides its bundle. */
  cache?: RunCache;
}

export function prepare(options: CommonOptions): Prepared {
  if (options.paths.length === 0) throw new UsageError('no path given', 'Name a folder of device bundles, a bundle folder, a .zip, or log files.');
  const patterns = patternSet(options.patternFiles ?? []);
  const zone = options.zone ? checkZone(options.zone) : undefined;
  return {
    patterns,
    zone,
    maxFileSize: options.maxFileSize,
    wanted: options.devices && options.devices.length > 0 ? new Set(options.devices.map((d) => d.toLowerCase())) : null,
    ...(options.cache ? {
      cache: new RunCache(options.cache, configKey({
        // The code too, not its version alone: a rebuilt checkout never takes another build's reports.
        version: `${packageVersion()}+${codeIdentity()}`, packs: patterns.packs, rules: Object.keys(rules),
        // A report says where its bundle is relative to the folder the tool runs in (report.ts).
        base: process.cwd(),
        ...(zone !== undefined ? { zone } : {}), ...(options.maxFiles !== undefined ? { maxFiles: options.maxFiles } : {}),
        ...(options.maxFileSize !== undefined ? { maxFileSize: options.maxFileSize } : {}),
      })),
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

export function preparedFor(options: CommonOptions): Prepared {
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

export function filesLimit(options: CommonOptions): { maxFiles?: number; exclude?: ReadonlySet<string> } {
  return { ...(options.maxFiles !== undefined ? { maxFiles: options.maxFiles } : {}), ...(options.exclude ? { exclude: options.exclude } : {}) };
}

/** What opens a planned bundle: --max-files, and with --cache (by files' times) each folder bundle's listing kept (seenKey). */
export function openOptions(options: CommonOptions): { maxFiles?: number; listing?: boolean } {
  return options.cache?.strategy === 'metadata' ? { ...filesLimit(options), listing: true } : filesLimit(options);
}

/** A bundle the run does not ask for: another device than --device names, or another shard's. */
export function notAsked(bundle: Bundle, options: CommonOptions, prepared: Prepared): boolean {
  return notAskedName(bundle.name, options, prepared);
}

export function notAskedName(name: string, options: CommonOptions, prepared: Prepared): boolean {
  return (prepared.wanted !== null && !isWanted(name, prepared.wanted)) || !inShard(name, options.shard);
}

/**
 * The names, lower case, that --device finds a device by: its name as the report gives it
 * (site-a/LAB-0101), its bare name (LAB-0101: every site's), and the device a gathering of it
 * was told apart from another by (LAB-0116 for "LAB-0116 (gathered 2026-03-01)", and for the
 * gathering zip's own name where two copies of one gathering share a folder).
 */
export function namesAnsweredTo(name: string): string[] {
  const lower = name.toLowerCase();
  const bare = lower.slice(lower.lastIndexOf('/') + 1);
  const names = [lower, bare, withoutGatheredSuffix(bare)];
  const gathered = gatheredZipName(bare.replace(/\.zip$/, ''))?.device;
  if (gathered !== undefined) names.push(gathered);
  return names;
}

/** --device matches a device by any name it answers to (namesAnsweredTo). */
export function isWanted(name: string, wanted: ReadonlySet<string>): boolean {
  return namesAnsweredTo(name).some((answered) => wanted.has(answered));
}


export function noDevices(options: CommonOptions, prepared: Prepared): InputError {
  return new InputError(
    // The names as the user wrote them (they match whatever their case).
    prepared.wanted ? `no device named ${(options.devices ?? []).join(', ')} in ${options.paths.join(', ')}` : `no device bundles found in ${options.paths.join(', ')}`,
    'A device bundle is a folder or .zip holding EPM logs (sdclient.log, vulscan.log, localsch.log, ldprovisioning.log, …).',
  );
}


/** Each device's bundle read and parsed, in name order; a bundle that breaks is reported, never fatal. */
export async function* loadDevices(options: CommonOptions, prepared: Prepared): AsyncGenerator<LoadedDevice | { device: string; error: unknown }> {
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
