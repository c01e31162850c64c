// Finds the device bundles in what was given on the command line.
//
// Each command-line path is one of:
//   - a .zip: one device (named after the zip, without ".zip"), or, where its top folders
//     or inner zips are device bundles themselves, one device each (zip.ts);
//   - a log file: loose files form one device per parent folder, named after that folder,
//     or after the bundle folder above the client's layout folders ("LAB-0101", never "Log");
//   - a folder. A folder is a device bundle when it holds a recognised log itself or a
//     folder of the client's layout (ProgramData, Program Files (x86), LANDesk, LDClient,
//     Log, Data, vulScan, Policies, ldprovisioning, ldprovision, Ivanti, EPM Agent). Decided
//     from the folder's children, in this order:
//       1. it has a layout folder: one device (the logs were copied with their Windows folders);
//       2. it has a child .zip, or a folder below it (up to three levels) is a device bundle:
//          a grouping folder;
//       3. it holds a recognised log file directly: one device (a flat gathered folder);
//       4. it has child folders: a grouping folder;
//       5. otherwise (empty, or only unrecognised files): one device, so the run can
//          say it found no logs instead of saying nothing.
//     In a grouping folder, each child folder that is a bundle is a device; one that holds
//     bundles further down is a grouping folder in turn (share/<site>/<date>/<device>/, up to
//     MAX_GROUPING_DEPTH); any other child folder is a device too (its files are sniffed or
//     reported). Each child .zip is a device; recognised logs lying loose at that level form one
//     more device named after the folder; other loose files are ignored.
// Rule 2 comes before 3 so that a stray log dropped next to a fleet's zips
// does not swallow the zips into one device. Two bundles of one name are named apart
// with their parent folder ("site-a/LAB-0101"); the same path given twice is read once.
//
// Inside a device, every file at any depth is a SourceFile (a .zip inside is read as part of
// the device); the parsers decide what each is. The tree is never left: symbolic links are
// followed only to files inside the bundle, never to folders (no cycles), and links between
// bundles at the folder-of-devices level are not followed at all.

import fsSync, { closeSync, createReadStream, fstatSync, openSync, promises as fs, readFileSync, readSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import { Readable as ReadableStream, type Readable } from 'node:stream';
import { addTo, appendAll } from '../arrays.js';
import { InputError } from '../errors.js';
import type { SkippedFile } from '../types.js';
import { logKindFromFileName } from './names.js';
import { deviceNameOfFolder, GATHERED_SUFFIX_START, gatheredDateOf, gatheredZipName } from './gathered.js';
import { compareDeviceNames, isLayoutFolder, isOsMetadata, isZipName, LAYOUT_FOLDERS, settledTimes, SOURCE_WARNING, wallTimeOfFileTime, type Bundle, type BundleListing, type SourceFile } from './source.js';
import { deviceFolderNames, fleetFoldersOf, openZipBundle, openZipBundles, type ZipLimits } from './zip.js';
import { zipEntryNames } from './zip-peek.js';
import { splitPrefixed } from './prefixed.js';
import { isTarName, openTarBundles, tarStem } from './tar.js';
import { planningAt, readProgress } from './read-progress.js';

export type { Bundle, SourceFile } from './source.js';

export { LAYOUT_FOLDERS } from './source.js';

/** A device's files are not searched deeper than this many folders: real layouts are 5 deep. */
export const MAX_FOLDER_DEPTH = 32;

/** Files one bundle folder may hold before the rest are left out (a device's logs are a few dozen). */
export const MAX_FILES_PER_BUNDLE = 5000;

export interface FindBundlesOptions {
  /** Size limits for zip entries (default DEFAULT_ZIP_LIMITS). */
  zipLimits?: ZipLimits;
  /** Files read per bundle at the most (default MAX_FILES_PER_BUNDLE; zips too). */
  maxFiles?: number;
  /** Told how many bundles were planned, before the first is opened (a fleet zip may hold more devices). */
  onPlanned?: (bundles: number) => void;
  /** Keep each folder bundle's listing (Bundle.listing), for --cache: a stat more per folder. */
  listing?: boolean;
  /** Device folders an earlier run listed (--cache): one unchanged since is planned without listing it. */
  known?: KnownBundleFolders;
  /** Absolute paths a share's planning leaves out: the run's own report and cache (output-guard.ts). */
  exclude?: ReadonlySet<string>;
  /** Told of each entry of a share that is not read, with the kind of thing it is (passedOverKind). */
  onPassedOver?: (display: string, kind: PassedOverKind) => void;
}

/** What a share may hold that is not read, each said as it is. */
export type PassedOverKind = 'hidden' | 'other-archive' | 'stray-file' | 'link' | 'core-bundle';

export const PASSED_OVER_REASONS: Record<PassedOverKind, string> = {
  hidden: 'hidden (its name starts with a dot): not read',
  'other-archive': 'an archive ldforensics does not read (.7z, .rar, .gz, .cab; .zip, .tar and .tar.gz are read): unpack it, or make it a .zip',
  'stray-file': 'not a log, a .zip bundle or a folder: not read',
  link: 'a link or special file in the share: not followed',
  'core-bundle': 'a core server\'s bundle (the core\'s own gathering script: All_Zipped_Logs<yyyyMMdd>.zip, or its log\\provisioning\\ layout), not a device: left out of the fleet',
};

/** The core server's gathering zip: All_Zipped_Logs<yyyyMMdd>.zip, no underscore and no computer name (FORMATS.md). */
const CORE_ZIP = /^all_zipped_logs\d{8}\.zip$/i;

/** A folder in the core's layout (log\provisioning\), unzipped from the core's bundle. */
function isCoreFolder(folder: string, children: Dirent[]): boolean {
  const log = children.find((c) => c.isDirectory() && c.name.toLowerCase() === 'log');
  // The core's log\ is named like the client's Log\ folder; any other layout folder makes it a device.
  if (!log || children.some((c) => isLayoutFolder(c) && c !== log)) return false;
  return (readdirOrNull(path.join(folder, log.name)) ?? []).some((c) => c.isDirectory() && c.name.toLowerCase() === 'provisioning');
}

/** Archives of kinds that are not read; said by name rather than passed over as stray files. */
const OTHER_ARCHIVE = /\.(?:7z|rar|tbz2?|txz|gz|bz2|xz|cab|iso)$/i;

/** The run's own dot entries in a share: its cache, an HTML folder's temporary copy, an -o file's. */
function isOwnEntry(name: string): boolean {
  return name === '.ldforensicscache' || /^\..+\.\d+\.tmp$/.test(name);
}

/**
 * Folders found to be device bundles (a layout folder or a recognised log among their children)
 * by an earlier run, with their times then. A folder's times move whenever an entry is added,
 * removed or renamed in it, so one whose times have not moved has the same children and is a
 * bundle still: a grouping folder's children are then planned with a stat each, not a listing.
 */
export interface KnownBundleFolders {
  /** True where `folder` was a bundle folder and its times have not moved since. */
  unchanged(folder: string): boolean;
  /** `folder` is a bundle folder: its times, taken before it was listed. */
  note(folder: string, times: { mtimeMs: number; ctimeMs: number }): void;
}

/** A bundle found but not yet read: planning all of them first lets them be yielded sorted. */
interface Plan {
  name: string;
  /** Display path of what the bundle comes from; orders same-named bundles and drops duplicates. */
  key: string;
  /** Where the bundle is on disk: tells same-named bundles apart. */
  absolute: string;
  /** What the plan opens, as plain data: a worker thread can open it from this alone. */
  spec: PlanSpec;
  /** A fleet zip opens as several devices. */
  open(): Promise<Bundle | Bundle[]>;
  /** The folders between the given path and the bundle (Bundle.group). */
  group?: string;
  /** Found under a path given absolute (Bundle.absoluteGiven). */
  absoluteGiven?: boolean;
  /** A fleet zip's devices, peeked from its directory (zip-peek.ts): named apart with every other device before any is read. */
  members?: { folder: string; name: string }[];
}

/** The folders between the given path and a bundle at `absolute` (display paths start below `base`, the given path's parent or itself). */
function groupOf(base: string, absolute: string): string | undefined {
  const parent = path.posix.dirname(toDisplay(base, absolute));
  return parent === '.' || parent === '' ? undefined : parent;
}

/** A planned bundle as plain data (structured-clone safe), for a worker thread to open. */
export type PlanSpec = (
  | { type: 'zip'; name: string; absolute: string; zipPath: string; base: string; deviceNames?: Record<string, string>; oneDevice?: true }
  | { type: 'error'; name: string; absolute: string; display: string; message: string }
  | { type: 'files'; name: string; absolute: string; folder: string; base: string; files: string[] }
  | { type: 'folder'; name: string; absolute: string; folder: string; base: string }) & {
  /** Found under a path given absolute: its report shows where it is absolute too. */
  absoluteGiven?: boolean;
};

/** The devices of `paths` as plain data, in the order findBundles yields them. */
export async function planDevices(paths: string[], options: FindBundlesOptions = {}): Promise<PlanSpec[]> {
  return (await planBundles(paths, options)).map((plan) => ({ ...plan.spec, name: plan.name, ...(plan.absoluteGiven ? { absoluteGiven: true } : {}) }));
}

function planOfSpec(spec: PlanSpec, options: FindBundlesOptions): Plan {
  switch (spec.type) {
    case 'zip': return zipPlan(spec.zipPath, spec.base, options, spec.deviceNames);
    case 'error': return errorPlan(spec.name, spec.display, spec.message);
    case 'files': return filesPlan(spec.name, spec.folder, spec.base, spec.files, options);
    case 'folder': return folderPlan(spec.name, spec.folder, spec.base, options);
  }
}

/** Opens one planned device (or, for a fleet zip, its devices), named as planned. */
export async function openPlanned(spec: PlanSpec, options: FindBundlesOptions = {}): Promise<Bundle[]> {
  const plan = { ...planOfSpec(spec, options), name: spec.name, ...(spec.absoluteGiven ? { absoluteGiven: true } : {}) };
  return openPlan(plan);
}

async function openPlan(plan: Plan): Promise<Bundle[]> {
  const opened = await plan.open();
  // A device renamed to tell it from another of its name keeps that name.
  const group = { ...(plan.group !== undefined ? { group: plan.group } : {}), ...(plan.absoluteGiven ? { absoluteGiven: true } : {}) };
  if (!Array.isArray(opened)) return [{ ...opened, name: plan.name, source: plan.absolute, ...group }];
  // An archive of one device is that device, under its plan's name (told apart from another of its name).
  if (opened.length === 1 && opened[0] && opened[0].group === undefined) return [{ ...opened[0], name: plan.name, source: opened[0].source ?? plan.absolute, ...group }];
  return opened.map((bundle) => ({
    ...bundle, source: bundle.source ?? plan.absolute, ...(bundle.group !== undefined ? {} : group), ...(plan.absoluteGiven ? { absoluteGiven: true } : {}),
  }));
}

/**
 * Yields one Bundle per device in `paths`, sorted by name (numeric-aware, so
 * PC-9 comes before PC-10). Bundles are read one at a time, as they are
 * yielded; the caller closes each one. Throws InputError, before yielding
 * anything, when a path does not exist. Any other trouble (an unreadable
 * folder, a damaged zip) becomes an error of the bundle concerned.
 */
export async function* findBundles(paths: string[], options: FindBundlesOptions = {}): AsyncGenerator<Bundle> {
  const plans = await planBundles(paths, options);
  options.onPlanned?.(plans.length);
  for (const plan of plans) yield* await openPlan(plan);
}

/** A device to be named: a planned bundle, or one device folder of a fleet zip. */
interface Nameable {
  name: string;
  /** Where it is on disk; a fleet zip's device as the zip's path without its extension, then the folder. */
  absolute: string;
}

/**
 * A fleet zip's devices, from a peek at its directory, as Nameables: named with every other
 * device before any is read, and written into the plan's spec so that the zip, opened here or on
 * a worker, names them so. Tar archives are not peeked (a .tar.gz has no directory to read
 * without inflating it): their devices keep the names they get when opened.
 */
function fleetMembers(plan: Plan): Nameable[] {
  if (plan.spec.type !== 'zip' || !isZipName(plan.absolute)) return [];
  // A zip whose peek stalled is read as any zip not peeked: its devices are named once read.
  const names = planningAt(plan.absolute) === null ? zipEntryNames(plan.absolute) : undefined;
  const folders = names ? fleetFoldersOf(names) : [];
  // Read and found to be one device's: it opens as that device, under the plan's name.
  if (names && folders.length === 0 && plan.spec.type === 'zip') plan.spec.oneDevice = true;
  if (folders.length === 0) return [];
  const inZip = deviceFolderNames(folders);
  const stem = plan.absolute.slice(0, -'.zip'.length);
  const members = folders.map((folder) => ({ folder, name: inZip.get(folder) ?? folder }));
  plan.members = members;
  return members.map((member) => ({
    get name() { return member.name; },
    set name(value: string) { member.name = value; },
    absolute: path.join(stem, ...member.folder.split('/')),
  }));
}

/**
 * The same device name under two paths (gathered again after re-provisioning, or in two sites) is
 * two devices: each is named with the part of its path that tells it apart ("site-a/LAB-0101"),
 * so the report tells them apart, whether it is a folder, a zip, or a device inside a fleet zip.
 */
function nameApart(devices: Nameable[]): void {
  const byLowerName = new Map<string, Nameable[]>();
  for (const device of devices) addTo(byLowerName, device.name.toLowerCase(), device);
  for (const group of byLowerName.values()) {
    if (group.length < 2) continue;
    // The device name plus the part of the path that tells them apart (site-a/LAB-0101,
    // site-b/LAB-0101, as in a zip), not the nearest folder alone, which two sites share.
    const dirs = group.map((device) => path.dirname(device.absolute).split(path.sep));
    let common = 0;
    const shortest = dirs.reduce((m, d) => Math.min(m, d.length), Infinity);
    while (common < shortest && dirs.every((d) => d[common] === dirs[0]?.[common])) common += 1;
    const qualified = (i: number, last: string): string => withoutRepeats([...(dirs[i] ?? []).slice(common), last]).join('/');
    const named = group.map((device, i) => qualified(i, device.name));
    // In one folder (LAB-0101/ beside LAB-0101.zip), what tells them apart is the bundle's own name;
    // for the gathering script's zips of one device, its gathering date ("LAB-0116 (gathered
    // 2026-03-01)"), which --device LAB-0116 still finds (fleet/prepared.ts, isWanted).
    const counts = new Map<string, number>();
    for (const name of named) counts.set(name.toLowerCase(), (counts.get(name.toLowerCase()) ?? 0) + 1);
    const dated = group.map((device, i) => {
      const date = gatheredDateOf(device.absolute);
      return date === undefined ? undefined : `${named[i] ?? device.name}${GATHERED_SUFFIX_START}${date})`;
    });
    const datedCounts = new Map<string, number>();
    for (const name of dated) if (name !== undefined) datedCounts.set(name.toLowerCase(), (datedCounts.get(name.toLowerCase()) ?? 0) + 1);
    const taken = new Set<string>();
    group.forEach((device, i) => {
      let name = named[i] ?? device.name;
      if ((counts.get(name.toLowerCase()) ?? 0) > 1) {
        const byDate = dated[i];
        name = byDate !== undefined && datedCounts.get(byDate.toLowerCase()) === 1 ? byDate : qualified(i, path.basename(device.absolute));
      }
      for (let n = 2; taken.has(name.toLowerCase()); n += 1) name = `${named[i] ?? device.name} (${n})`;
      taken.add(name.toLowerCase());
      device.name = name;
    });
  }
}

/** A path's parts without a part repeated next to itself: site-a.zip holding site-a/ reads site-a, once. */
function withoutRepeats(parts: string[]): string[] {
  return parts.filter((part, i) => i === 0 || part.toLowerCase() !== parts[i - 1]?.toLowerCase());
}

async function planBundles(paths: string[], options: FindBundlesOptions): Promise<Plan[]> {
  const plans: Plan[] = [];
  // Loose log files, grouped by their folder: one device per folder.
  const looseByFolder = new Map<string, string[]>();
  const looseGivenAbsolute = new Set<string>();
  for (const given of paths) {
    const absolute = path.resolve(given);
    const stats = await statGiven(given, absolute);
    // Display paths start at the given path's parent, so they begin with its own name.
    const base = path.dirname(absolute);
    const planned = plans.length;
    if (stats.isDirectory()) {
      appendAll(plans, await planFolder(absolute, base, options));
    } else if (stats.isFile() && CORE_ZIP.test(path.basename(absolute))) {
      options.onPassedOver?.(toDisplay(base, absolute), 'core-bundle');
    } else if (stats.isFile() && (isZipName(absolute) || isTarName(absolute))) {
      plans.push(zipPlan(absolute, base, options));
    } else if (stats.isFile()) {
      const group = looseByFolder.get(base) ?? [];
      if (!group.includes(absolute)) group.push(absolute);
      looseByFolder.set(base, group);
      if (path.isAbsolute(given)) looseGivenAbsolute.add(base);
    } else {
      throw new InputError(`not a file or folder: ${given}`, 'give device folders, .zip files, a folder of them, or log files');
    }
    // A report shows where a bundle is as its path was given: absolute stays absolute.
    if (path.isAbsolute(given)) for (const plan of plans.slice(planned)) plan.absoluteGiven = true;
  }
  for (const [folder, files] of looseByFolder) {
    // Files given one by one: those named for a device (LAB-0101_sdclient.log) are that device's.
    const prefixed = new Map<string, { device: string; files: string[] }>();
    const plain: string[] = [];
    for (const file of files) {
      const split = splitPrefixed(path.basename(file));
      if (!split) {
        plain.push(file);
        continue;
      }
      const group = prefixed.get(split.device.toLowerCase()) ?? { device: split.device, files: [] };
      group.files.push(file);
      prefixed.set(split.device.toLowerCase(), group);
    }
    const loose = loosePlans(looseDeviceName(folder, files), folder, folder, plain, [...prefixed.values()], options);
    if (looseGivenAbsolute.has(folder)) for (const plan of loose) plan.absoluteGiven = true;
    appendAll(plans, loose);
  }

  // The same path given twice is read once.
  const unique = new Map<string, Plan>();
  for (const plan of plans) if (!unique.has(plan.absolute)) unique.set(plan.absolute, plan);
  const devices: Nameable[] = [];
  for (const plan of unique.values()) {
    const members = fleetMembers(plan);
    if (members.length > 0) appendAll(devices, members);
    else devices.push(plan);
  }
  nameApart(devices);
  for (const plan of unique.values()) {
    if (plan.members && plan.spec.type === 'zip') {
      const deviceNames = Object.fromEntries(plan.members.map((m) => [m.folder, m.name]));
      Object.assign(plan, zipPlan(plan.spec.zipPath, plan.spec.base, options, deviceNames), { name: plan.name, members: plan.members });
    }
  }
  return [...unique.values()].sort((a, b) => compareDeviceNames(a.name, b.name) || compareText(a.key, b.key));
}

/**
 * The device that log files given alone belong to: their folder, or where it is one of the
 * client's layout folders, the bundle folder above them (LAB-0101 for
 * LAB-0101/ProgramData/LANDesk/Log/sdclient.log, never "Log"); the file itself where no
 * folder above the layout folders is left to name it.
 */
function looseDeviceName(folder: string, files: readonly string[]): string {
  let at = folder;
  while (LAYOUT_FOLDERS.has(path.basename(at).toLowerCase())) {
    const up = path.dirname(at);
    if (up === at) return path.basename(files[0] ?? folder);
    at = up;
  }
  return path.basename(at) || path.basename(files[0] ?? folder);
}

async function statGiven(given: string, absolute: string): Promise<Stats> {
  const stalled = planningAt(absolute);
  if (stalled !== null) throw new InputError(`cannot read ${given}: ${stalled}`);
  try {
    // stat, not lstat: a link the user named on the command line is followed.
    return await fs.stat(absolute);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new InputError(`no such file or folder: ${given}`, 'check the path; give device folders, .zip files, a folder of them, or log files');
    }
    throw new InputError(`cannot read ${given}: ${reasonOf(error)}`);
  }
}

async function planFolder(folder: string, base: string, options: FindBundlesOptions): Promise<Plan[]> {
  const name = deviceNameOfFolder(path.basename(folder) || folder, path.basename(path.dirname(folder)), folder);
  const display = toDisplay(base, folder);
  let children: Dirent[];
  const stalled = planningAt(folder);
  if (stalled !== null) return [errorPlan(name, display, `cannot read folder ${display}: ${stalled}`)];
  try {
    children = fsSync.readdirSync(folder, { withFileTypes: true });
  } catch (error) {
    return [errorPlan(name, display, `cannot read folder ${display}: ${reasonOf(error)}`)];
  }
  if (isCoreFolder(folder, children)) {
    options.onPassedOver?.(display, 'core-bundle');
    return [];
  }
  if (classifyFolder(folder, children) === 'device') return [folderPlan(name, folder, base, options)];
  // Inside a folder of devices, paths are shown relative to it: "LAB-0101/sdclient.log", or
  // "site-a/2026-03-01/LAB-0101/sdclient.log" in a nested share, as for a device given alone.
  return planGrouping(folder, children, { devices: folder, loose: base }, options, 0);
}

/** Grouping folders are followed this deep below the given path (site/date/batch/device is 3). */
export const MAX_GROUPING_DEPTH = 8;

/**
 * A folder of devices, at any depth: each child folder that is a bundle is a device; one that
 * holds bundles further down (share/<site>/<date>/<device>/) is a grouping folder in turn; any
 * other child folder is a device too, so that a bundle whose logs have unknown names is still
 * read (and sniffed) and one with nothing in it is still reported. Loose recognised logs at this
 * level form one more device, named after the folder.
 */
function planGrouping(folder: string, children: Dirent[], bases: { devices: string; loose: string }, options: FindBundlesOptions, depth: number): Plan[] {
  const name = path.basename(folder) || folder;
  const base = bases.devices;
  const plans: Plan[] = [];
  const looseLogs: string[] = [];
  /** Logs named for a device (LAB-0101_sdclient.log), by device (case-blind): the device's name as first written, and its files. */
  const prefixed = new Map<string, { device: string; files: string[] }>();
  const passedOver = (child: Dirent, kind: PassedOverKind): void => options.onPassedOver?.(toDisplay(bases.loose, path.join(folder, child.name)), kind);
  for (const child of children) {
    // Dot folders (.git, .vscode) and OS metadata are never devices; a hidden entry is said, the OS's own files are not.
    if (isOsMetadata(child.name)) continue;
    if (child.name.startsWith('.')) {
      // A hidden folder or bundle may be a device someone hid (.LAB-0103); a dot file such as .gitattributes is not.
      const mayHoldLogs = child.isDirectory() || isZipName(child.name) || logKindFromFileName(child.name) !== null || OTHER_ARCHIVE.test(child.name);
      if (mayHoldLogs && !isOwnEntry(child.name)) passedOver(child, 'hidden');
      continue;
    }
    const full = path.join(folder, child.name);
    if (options.exclude?.has(full)) continue;
    if (!child.isDirectory() && !child.isFile()) {
      passedOver(child, 'link');
      continue;
    }
    if (child.isFile() && CORE_ZIP.test(child.name)) {
      passedOver(child, 'core-bundle');
      continue;
    }
    if (child.isDirectory()) {
      const known = options.known;
      if (known?.unchanged(full)) {
        plans.push(folderPlan(deviceNameOfFolder(child.name, path.basename(folder), full), full, base, options));
        continue;
      }
      const times = known ? statOrUndefined(full) : undefined;
      const grandchildren = readdirOrNull(full);
      if (grandchildren !== null && isCoreFolder(full, grandchildren)) {
        passedOver(child, 'core-bundle');
        continue;
      }
      const bundle = grandchildren !== null && isBundleFolder(grandchildren);
      if (grandchildren !== null && depth < MAX_GROUPING_DEPTH && !bundle && holdsBundles(full, grandchildren, 3)) {
        appendAll(plans, planGrouping(full, grandchildren, { devices: base, loose: base }, options, depth + 1));
      } else {
        // Only a bundle folder is known by its own times: whether another folder holds bundles depends on folders below it.
        if (bundle && times) known?.note(full, times);
        plans.push(folderPlan(deviceNameOfFolder(child.name, path.basename(folder), full), full, base, options));
      }
    } else if (child.isFile() && (isZipName(child.name) || isTarName(child.name))) plans.push(zipPlan(full, base, options));
    else if (child.isFile() && logKindFromFileName(child.name) !== null) looseLogs.push(full);
    else if (child.isFile()) {
      const split = splitPrefixed(child.name);
      if (split) {
        const group = prefixed.get(split.device.toLowerCase()) ?? { device: split.device, files: [] };
        group.files.push(full);
        prefixed.set(split.device.toLowerCase(), group);
      } else passedOver(child, OTHER_ARCHIVE.test(child.name) ? 'other-archive' : 'stray-file');
    }
  }
  appendAll(plans, loosePlans(name, folder, bases.loose, looseLogs, [...prefixed.values()], options));
  return plans;
}

/**
 * The devices of a folder's loose logs: those named for a device (LAB-0101_sdclient.log), one
 * device each; the others, one device named after the folder. Both at once are refused: whose
 * the unnamed logs are cannot be told, and guessing would merge two devices' evidence.
 */
function loosePlans(name: string, folder: string, base: string, plain: string[], prefixed: readonly { device: string; files: string[] }[], options: FindBundlesOptions): Plan[] {
  const plainLogs = plain.filter((file) => logKindFromFileName(path.basename(file)) !== null);
  if (prefixed.length > 0 && plainLogs.length > 0) {
    const display = toDisplay(base, folder);
    return [errorPlan(name, display, `${display} holds logs named for devices (${path.basename(prefixed[0]?.files[0] ?? '')}) and logs named for none (${path.basename(plainLogs[0] ?? '')}): `
      + 'which device the unnamed ones belong to cannot be told, so the folder is not read. Put each device\'s logs in a folder of its own named after the device, or name every log after its device.')];
  }
  const plans = prefixed.map((group) => filesPlan(group.device, folder, base, group.files, options, group.device.toLowerCase()));
  if (plain.length > 0) plans.push(filesPlan(name, folder, base, plain, options));
  return plans;
}

/**
 * A folder's children, or null. Planning lists folders with synchronous calls: it runs before
 * any device is read, with nothing else for this thread to do, and a promise round trip through
 * the thread pool per folder made planning a share of 10,000 devices take a second (0.15 s so).
 */
function readdirOrNull(folder: string): Dirent[] | null {
  if (planningAt(folder) !== null) return null;
  try {
    return fsSync.readdirSync(folder, { withFileTypes: true });
  } catch {
    return null; // it will still be listed as a device, and its read error reported there
  }
}

/** A folder's stats, or undefined where it cannot be stat'ed (its listing then says why, on its device). */
function statOrUndefined(folder: string): Stats | undefined {
  if (planningAt(folder) !== null) return undefined;
  try {
    // Through the module object, so a test can make a folder fail to stat.
    return fsSync.statSync(folder, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** True for a folder that is a device bundle (isBundleFolder), read from disk. */
export function isBundleFolderPath(folder: string): boolean {
  const children = readdirOrNull(folder);
  return children !== null && isBundleFolder(children);
}

/** A device bundle: it holds a recognised log itself, or a folder of the client's layout. */
function isBundleFolder(children: Dirent[]): boolean {
  return children.some((c) => isLayoutFolder(c) || (c.isFile() && logKindFromFileName(c.name) !== null));
}

/** True where some folder below (at most `levels` down) is a device bundle, or a .zip lies there. */
function holdsBundles(folder: string, children: Dirent[], levels: number): boolean {
  for (const child of children) {
    if (child.name.startsWith('.') || isOsMetadata(child.name)) continue;
    if (child.isFile() && (isZipName(child.name) || isTarName(child.name))) return true;
    if (!child.isDirectory() || isLayoutFolder(child)) continue;
    const below = readdirOrNull(path.join(folder, child.name));
    if (below === null) continue;
    if (isBundleFolder(below)) return true;
    if (levels > 1 && holdsBundles(path.join(folder, child.name), below, levels - 1)) return true;
  }
  return false;
}

/** Applies the rules of the header to a folder's direct children. */
function classifyFolder(folder: string, children: Dirent[]): 'device' | 'devices' {
  const subfolders = children.filter((c) => c.isDirectory() && !c.name.startsWith('.') && !isOsMetadata(c.name));
  if (subfolders.some(isLayoutFolder)) return 'device';
  // Logs named for devices (LAB-0101_sdclient.log): a flat folder of devices, each named by its logs.
  if (children.some((c) => c.isFile() && splitPrefixed(c.name) !== null)) return 'devices';
  if (children.some((c) => c.isFile() && (isZipName(c.name) || isTarName(c.name)))) return 'devices';
  if (holdsBundles(folder, children, 3)) return 'devices';
  if (children.some((c) => c.isFile() && logKindFromFileName(c.name) !== null)) return 'device';
  return subfolders.length > 0 ? 'devices' : 'device';
}

/** A .zip, or a .tar / .tar.gz / .tgz read the same way (tar.ts). */
function zipPlan(zipPath: string, base: string, options: FindBundlesOptions, deviceNames?: Record<string, string>): Plan {
  const fileName = path.basename(zipPath);
  const isTar = isTarName(fileName);
  const stem = isTar ? tarStem(fileName) : fileName.slice(0, -'.zip'.length) || fileName;
  // The vendor's gathering script names its zip All_Zipped_Logs_<COMPUTERNAME>_<MMddyyyy>.
  const name = gatheredZipName(stem)?.device ?? stem;
  const displayPath = toDisplay(base, zipPath);
  return {
    name,
    key: `zip:${displayPath}`,
    absolute: zipPath,
    spec: { type: 'zip', name, absolute: zipPath, zipPath, base, ...optional('deviceNames', deviceNames) },
    ...optional('group', groupOf(base, zipPath)),
    open: () => (isTar ? openTarBundles : openZipBundles)(zipPath, {
      name, displayPath, ...optional('limits', options.zipLimits), ...optional('maxFiles', options.maxFiles), ...optional('deviceNames', deviceNames),
    }),
  };
}

function errorPlan(name: string, display: string, message: string): Plan {
  return {
    name, key: `error:${display}`, absolute: `error:${display}`,
    spec: { type: 'error', name, absolute: `error:${display}`, display, message },
    open: async () => emptyBundle(name, [message]),
  };
}

function emptyBundle(name: string, errors: string[]): Bundle {
  return { name, files: [], skipped: [], errors, close: async () => {} };
}

/** A device given as explicit files (or the loose logs of a folder of devices). */
function filesPlan(name: string, folder: string, base: string, files: string[], options: FindBundlesOptions, prefix?: string): Plan {
  const maxFiles = options.maxFiles ?? MAX_FILES_PER_BUNDLE;
  // Where it is: the file, the folder's loose logs, or a device's logs named for it in a flat folder (one bundle each).
  const absolute = files.length === 1 ? (files[0] ?? folder) : prefix !== undefined ? path.join(folder, `${prefix}*`) : `${folder}${path.sep}`;
  return {
    name,
    key: `files:${toDisplay(base, folder)}:${files.join('\0')}`,
    absolute,
    spec: { type: 'files', name, absolute, folder, base, files },
    open: async () => {
      const collector = new Collector(name, maxFiles);
      // A log named for its device (LAB-0101_sdclient.log) is read as the log its name ends with.
      for (const file of files) await collector.addFile(file, toDisplay(base, file), splitPrefixed(path.basename(file))?.logName);
      return collector.bundle();
    },
  };
}

function folderPlan(name: string, folder: string, base: string, options: FindBundlesOptions): Plan {
  const maxFiles = options.maxFiles ?? MAX_FILES_PER_BUNDLE;
  return {
    name, key: `folder:${toDisplay(base, folder)}`, absolute: folder,
    spec: { type: 'folder', name, absolute: folder, folder, base },
    ...optional('group', groupOf(base, folder)),
    open: () => walkFolder(name, folder, base, maxFiles, options.listing === true),
  };
}

/**
 * Every file under `root`, at any depth, as one bundle. The walk and the stats are synchronous
 * calls: a bundle is walked on its device's worker (or by the one-job loop, which waits for it
 * anyway), and a promise round trip through the thread pool per folder and per file was half
 * of a warm-cache rerun's time.
 */
async function walkFolder(name: string, root: string, base: string, maxFiles: number, keepListing = false): Promise<Bundle> {
  const collector = new Collector(name, maxFiles);
  const listing = keepListing ? new ListingKeeper(path.resolve(root)) : null;
  collector.listing = listing;
  // Where the bundle really is, for the links inside it only: a realpath walks every folder of
  // the path with a stat each, which most bundles (no links) need not pay. A root that cannot
  // be read is said by its listing below.
  let rootReal: string | undefined;
  const realRoot = (): string => (rootReal ??= realpathSync(root));
  // Each folder's path and display path are its parent's plus its name: path.join and
  // path.relative per file were a tenth of a warm rerun's time, for the same strings.
  const top = path.resolve(root);
  const pending: { folder: string; display: string; depth: number }[] = [{ folder: top, display: toDisplay(base, top), depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    let children: Dirent[];
    try {
      // The folder's times before its listing: a change made while it is listed moves them.
      listing?.folder(next.folder);
      readProgress(next.display === '' ? name : next.display, 'folder');
      // Through the module object, so a test can make a folder fail to list.
      children = fsSync.readdirSync(next.folder, { withFileTypes: true });
    } catch (error) {
      collector.errors.push(`cannot read folder ${next.display}: ${reasonOf(error)}`);
      continue;
    }
    const folderPrefix = next.folder.endsWith(path.sep) ? next.folder : next.folder + path.sep;
    const displayPrefix = next.display === '' ? '' : `${next.display}/`;
    for (const child of children) {
      if (isOsMetadata(child.name)) continue;
      const full = folderPrefix + child.name;
      const display = displayPrefix + child.name;
      if (child.isDirectory()) {
        if (next.depth + 1 > MAX_FOLDER_DEPTH) {
          collector.skip(display, `more than ${MAX_FOLDER_DEPTH} folders deep; not read`);
          listing?.distrust();
        }
        else pending.push({ folder: full, display, depth: next.depth + 1 });
      } else if (child.isSymbolicLink()) {
        // Where a link leads can change with no time of the bundle's moving.
        listing?.distrust();
        await collector.addLink(full, display, realRoot);
      } else if (child.isFile()) {
        await collector.addFile(full, display);
      } else {
        collector.skip(display, 'not a regular file');
        listing?.distrust();
      }
    }
  }
  return collector.bundle();
}

/**
 * What may be shown to change when a folder bundle is walked again without listing it
 * (BundleListing); `distrust` drops the listing where something in the bundle is not a plain
 * folder or file.
 */
class ListingKeeper {
  private readonly now = Date.now();
  private trusted = true;
  private readonly kept: BundleListing;

  constructor(root: string) {
    this.kept = { root, folders: [], files: [] };
  }

  folder(folder: string): void {
    if (!this.trusted) return;
    const stats = statSync(folder, { throwIfNoEntry: false });
    if (stats === undefined || !settledTimes(stats, this.now)) this.trusted = false;
    else this.kept.folders.push([folder, stats.mtimeMs, stats.ctimeMs]);
  }

  file(file: string, size: number, mtimeMs: number): void {
    if (this.trusted) this.kept.files.push([file, size, mtimeMs]);
  }

  distrust(): void {
    this.trusted = false;
  }

  /** The listing, where every part of the bundle was plain and nothing was missed. */
  take(complete: boolean): BundleListing | undefined {
    return this.trusted && complete ? this.kept : undefined;
  }
}

/** Gathers one bundle's files, skips and errors. */
class Collector {
  readonly files: SourceFile[] = [];
  readonly skipped: SkippedFile[] = [];
  readonly errors: string[] = [];
  /** Files past the limit: counted, not looked at (a stat each would be the cost the limit avoids). */
  private leftOut = 0;
  /** Zips inside the bundle, held open until the bundle is closed. */
  private readonly closers: (() => Promise<void>)[] = [];
  /** The folder walk's listing, where one is kept: told of each file read. */
  listing: ListingKeeper | null = null;

  constructor(private readonly name: string, private readonly maxFiles = MAX_FILES_PER_BUNDLE) {}

  skip(display: string, reason: string): void {
    this.skipped.push({ path: display, reason });
  }

  /** Adds a regular file; `absolute` is what is opened, `display` what is shown. */
  async addFile(absolute: string, display: string, logName?: string): Promise<void> {
    if (this.files.length >= this.maxFiles) {
      this.leftOut += 1;
      return;
    }
    let size: number;
    let mtimeMs: number;
    try {
      ({ size, mtimeMs } = statSync(absolute));
    } catch (error) {
      this.errors.push(`cannot read ${display}: ${reasonOf(error)}`);
      return;
    }
    const fileName = path.basename(display);
    if (isZipName(fileName)) {
      // Its entries are stamped by the zip's own directory, not by the file's times alone.
      this.listing?.distrust();
      // A .zip inside a device bundle that holds logs is part of that device.
      const inner = await openZipBundle(absolute, { name: this.name, displayPath: display, maxFiles: Math.max(0, this.maxFiles - this.files.length) });
      appendAll(this.files, inner.files);
      appendAll(this.skipped, inner.skipped);
      appendAll(this.errors, inner.errors);
      this.closers.push(inner.close);
      return;
    }
    this.files.push({ bundle: this.name, path: display, name: logName ?? fileName, size, stamp: `${size}:${mtimeMs}`, modified: wallTimeOfFileTime(mtimeMs), open: () => openFile(absolute, size) });
    this.listing?.file(absolute, size, mtimeMs);
  }

  /** Adds what a symbolic link points to, when that is a file inside the bundle. */
  async addLink(link: string, display: string, realRoot: () => string): Promise<void> {
    let target: string;
    try {
      target = realpathSync(link);
    } catch {
      this.skip(display, 'broken symbolic link');
      return;
    }
    let rootReal: string;
    try {
      rootReal = realRoot();
    } catch (error) {
      this.errors.push(`cannot read ${display}: ${reasonOf(error)}`);
      return;
    }
    if (target !== rootReal && !target.startsWith(rootReal + path.sep)) {
      this.skip(display, 'symbolic link leading outside the bundle; not followed');
      return;
    }
    let isFile: boolean;
    try {
      isFile = statSync(target).isFile();
    } catch (error) {
      this.errors.push(`cannot read ${display}: ${reasonOf(error)}`);
      return;
    }
    if (!isFile) {
      this.skip(display, 'symbolic link to a folder or special file; not followed');
      return;
    }
    // Open the resolved target, so a link swapped after this check cannot lead elsewhere.
    await this.addFile(target, display);
  }

  bundle(): Bundle {
    if (this.leftOut > 0) {
      this.skipped.push({ path: this.name, reason: `${this.leftOut} more files not read: the bundle holds more than ${this.maxFiles} files (raise the limit with --max-files)` });
    }
    this.files.sort((a, b) => compareText(a.path, b.path));
    const closers = this.closers;
    const listing = this.listing?.take(this.leftOut === 0 && this.errors.length === 0);
    return { name: this.name, files: this.files, skipped: this.skipped, errors: this.errors, close: async () => { for (const close of closers) await close(); }, ...(listing ? { listing } : {}) };
  }
}

/** Files up to this size are read in one call; larger ones are streamed, in constant memory. */
export const WHOLE_READ_BYTES = 256 * 1024;
/**
 * The chunk a larger file is streamed in. Fed to the entry grouper, a chunk's lines leave no
 * objects behind (ingest/lines.ts), so on a very large file fewer, larger reads pay: 256 KiB
 * took 0.89 of 64 KiB's time on the benchmark's 200 MB file (farm-bench, 3 runs; 1 MiB faster
 * still). But each chunk is a new buffer outside V8's heap, freed only by a collection, and the
 * grouper makes so little garbage that collections are rare: 100 devices of 5 MB read on one
 * thread peaked at 279 MB with 256 KiB chunks against 167 MB with 64 KiB, at the same speed.
 * So 256 KiB only for a file of at least LARGE_FILE_BYTES.
 */
const STREAM_CHUNK_BYTES = 64 * 1024;
const LARGE_FILE_CHUNK_BYTES = 256 * 1024;
const LARGE_FILE_BYTES = 64 * 1024 * 1024;

/**
 * A file whose size says 0 (empty, or a stream that only reading tells): read until it ends or
 * would wait, at most WHOLE_READ_BYTES. One that would have waited comes as a stream that says so
 * (SOURCE_WARNING), with the bytes it gave.
 */
function readUntilItWouldWait(fd: number): Buffer | Readable {
  const chunks: Buffer[] = [];
  let total = 0;
  let waited = false;
  while (total <= WHOLE_READ_BYTES) {
    const chunk = Buffer.allocUnsafe(64 * 1024);
    let got: number;
    try {
      got = readSync(fd, chunk, 0, chunk.length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      waited = true;
      break;
    }
    if (got === 0) break;
    chunks.push(chunk.subarray(0, got));
    total += got;
  }
  const bytes = Buffer.concat(chunks);
  if (!waited && total <= WHOLE_READ_BYTES) return bytes;
  const note = waited
    ? 'it is a stream, not a file written out (it would have waited for more bytes, for ever): read as far as it went'
    : `it is a stream, not a file written out (its size says 0, and it gave more than ${WHOLE_READ_BYTES} bytes): read as far as that`;
  let given = false;
  return new ReadableStream({
    read(this: ReadableStream) {
      if (given) return;
      given = true;
      this.emit(SOURCE_WARNING, note);
      this.push(bytes);
      this.push(null);
    },
  });
}

async function openFile(absolute: string, size: number): Promise<Readable | Buffer> {
  if (size <= WHOLE_READ_BYTES) {
    // Synchronous calls in native code: a fleet is mostly small files, and three round trips
    // through the thread pool per file were most of its time. A file that grew past the limit
    // since it was listed is streamed after all.
    //
    // Opened non-blocking: on a file on disk that changes nothing, but a "file" that is a stream
    // (a /proc file such as kmsg, bound over a log, or a share's special file) gives what it has
    // and then says it would wait, where a plain read waits for ever, in whichever thread reads it
    // (the main thread, where no signal handler can run until the read returns). Such a file is
    // read as far as it went, and said.
    const fd = openSync(absolute, fsSync.constants.O_RDONLY | fsSync.constants.O_NONBLOCK);
    let streamed = false;
    try {
      const stats = fstatSync(fd);
      if (stats.size > WHOLE_READ_BYTES) {
        streamed = true;
        return createReadStream('', { fd });
      }
      if (stats.size > 0) return readFileSync(fd);
      return readUntilItWouldWait(fd);
    } finally {
      if (!streamed) closeSync(fd);
    }
  }
  // Opening first makes a missing or locked file reject here, with its path, not later mid-parse.
  const handle = await fs.open(absolute, 'r');
  return handle.createReadStream({ highWaterMark: size >= LARGE_FILE_BYTES ? LARGE_FILE_CHUNK_BYTES : STREAM_CHUNK_BYTES });
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** A path as shown to the user: relative to `base`, forward slashes on every platform. */
function toDisplay(base: string, absolute: string): string {
  return path.relative(base, absolute).split(path.sep).join('/');
}

function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

function reasonOf(error: unknown): string {
  const code = errorCode(error);
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code !== undefined) return code;
  return error instanceof Error ? error.message : String(error);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
