// Where a run writes must never be what it reads. `-o LAB/ldprovisioning/ldprovisioning.log`
// replaced the evidence with the CSV, and `timeline x.log -o x.log` the log with its timeline;
// `-f html -o SHARE/` made SHARE/devices/ before the share was listed, so every rerun read the
// report's own folder as a device. An output that is an input, or lies inside a device's bundle,
// is refused; the report's folder (or file) and the cache folder inside a share are left out of
// the share, and the run says so.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { isBundleFolderPath } from '../ingest/bundles.js';
import { LAYOUT_FOLDERS } from '../ingest/source.js';

export interface WrittenPath {
  /** The path as the user gave it (-o, --cache). */
  given: string;
  /** What it is, for the messages: "--output", "--cache". */
  option: string;
  /** A folder the run writes into (the HTML folder form, the cache), not one file. */
  folder: boolean;
}

export interface OutputGuard {
  /** Absolute paths the share's planning leaves out: the report's own output, the cache. */
  exclude: Set<string>;
  /** What the run says on stderr about them. */
  notes: string[];
}

/** The path with its links resolved as far as it exists (the rest as given). */
function realOf(p: string): string {
  const absolute = path.resolve(p);
  let existing = absolute;
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(realpathSync(existing), ...rest.reverse());
    } catch {
      const up = path.dirname(existing);
      if (up === existing) return absolute;
      rest.push(path.basename(existing));
      existing = up;
    }
  }
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** A folder that is a device bundle or part of one: it holds a recognised log or layout folder, or is a layout folder. */
function isDeviceFolder(folder: string): boolean {
  if (LAYOUT_FOLDERS.has(path.basename(folder).toLowerCase())) return true;
  try {
    readdirSync(folder);
  } catch {
    return false;
  }
  return isBundleFolderPath(folder);
}

/** The device folder `target` lies in, below `input` (input included); undefined where none. */
function deviceAbove(target: string, input: string): string | undefined {
  for (let at = path.dirname(target); at === input || isInside(at, input); at = path.dirname(at)) {
    if (isDeviceFolder(at)) return at;
    if (at === input) break;
  }
  return undefined;
}

/**
 * Refuses (a UsageError, exit 2) a written path that is one of the inputs or lies inside a
 * device bundle among them; returns what the planning must leave out, and the notes to show.
 * An HTML report folder may be the share itself: its pages (devices/, index.html) are left out.
 */
export function guardWrittenPaths(inputs: readonly string[], written: readonly WrittenPath[]): OutputGuard {
  const guard: OutputGuard = { exclude: new Set(), notes: [] };
  for (const out of written) {
    const target = realOf(out.given);
    for (const input of inputs) {
      const source = realOf(input);
      const hint = 'Write the report outside the bundles being read (for example in the folder you run ldforensics from).';
      if (target === source) {
        if (out.folder && out.option === '--output' && isDirectory(source) && !isDeviceFolder(source)) {
          // The HTML folder form into the share itself: its own pages are never read as devices.
          guard.exclude.add(path.join(path.resolve(out.given), 'devices')).add(path.join(target, 'devices'));
          guard.notes.push(`${out.option} ${out.given} is the share being read: the report's own pages (devices/, index.html) are not read as devices.`);
          continue;
        }
        throw new UsageError(`${out.option} ${out.given} is the input ${input}: writing there would replace what is being read`, hint);
      }
      if (!isInside(target, source)) continue;
      const device = deviceAbove(out.folder ? path.join(target, 'x') : target, source);
      if (device !== undefined) {
        throw new UsageError(`${out.option} ${out.given} lies inside the device bundle ${device ?? source}: it would be read as part of the device, and could replace its logs`, hint);
      }
      guard.exclude.add(path.resolve(out.given)).add(target);
      guard.notes.push(`${out.option} ${out.given} lies inside ${input}: it is not read as input.`);
    }
  }
  return guard;
}
