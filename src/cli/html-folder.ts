// Writes `--format html -o DIR/`: each device's page under devices/ as the device is finished,
// then index.html from the small rows kept per device. Memory stays flat with fleet size.
// The folder is written the way -o writes a file: into a temporary folder beside DIR, moved
// into place when complete. A run stopped or failed midway leaves DIR as it was (Ctrl-C once
// left 170 to 279 pages and no index.html) and nothing else; anything else in DIR is kept.
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { cleanUpOnInterrupt } from './interrupt.js';
import { writeFileAtomically } from '../atomic.js';
import { messageOf, UsageError } from '../errors.js';
import { WRITE_ELSEWHERE_HINT } from './output-file.js';
import path from 'node:path';
import { fleetIndex, indexRow, pageName, type IndexRow } from '../render/html-fleet.js';
import { html } from '../render/html.js';
import type { RenderOptions } from '../render/index.js';
import { guarded } from '../render/piece.js';
import { summarize } from '../report.js';
import { LossTally } from '../timing.js';
import type { DeviceReport, Summary } from '../types.js';

/** True where -o names a folder: it ends with a path separator, or is an existing folder. */
export function namesFolder(output: string, isFolder: (p: string) => boolean): boolean {
  return output.endsWith('/') || output.endsWith(path.sep) || isFolder(output);
}

export class HtmlFolder {
  /** The folder the report ends in, and the temporary one it is written in until then. */
  private readonly target: string;
  private readonly dir: string;
  private readonly taken = new Set<string>(['index']);
  private readonly rows: IndexRow[] = [];
  private readonly loss = new LossTally();
  private settled: (() => void) | null;

  constructor(target: string) {
    this.target = path.resolve(target);
    // Beside the target, a dot folder: a share's planning never reads it as a device.
    this.dir = path.join(path.dirname(this.target), `.${path.basename(this.target)}.${process.pid}.tmp`);
    try {
      // Fails early, before a fleet is read, where the folder could not be written.
      if (existsSync(this.target) && !statSync(this.target).isDirectory()) throw new Error('it is a file, not a folder');
      mkdirSync(path.dirname(this.target), { recursive: true });
      mkdirSync(path.join(this.dir, 'devices'), { recursive: true });
    } catch (error) {
      throw new UsageError(`--output: cannot write the report folder ${target}: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.settled = cleanUpOnInterrupt(this.dir, () => this.discard());
  }

  /** Removes the unfinished report (nothing after finish): the old folder stays as it was. */
  discard(): void {
    rmSync(this.dir, { recursive: true, force: true });
    this.settled?.();
    this.settled = null;
  }

  /** Writes the device's page (a report that cannot be drawn is drawn as a device that could not be analysed). */
  add(device: DeviceReport, options: RenderOptions): void {
    const name = pageName(device.device, this.taken);
    const page = (d: DeviceReport): string => html.render({ schema: 'ldforensics.diagnosis/1', devices: [d], summary: summarize([d]) }, { ...options, indexHref: '../index.html' });
    writePage(path.join(this.dir, 'devices', name), guarded(device, page), path.join(this.target, 'devices', name));
    this.rows.push(indexRow(device, `devices/${encodeURIComponent(name)}`));
    this.loss.add(device);
  }

  /** Writes index.html, then moves the report into place; returns the index's path. */
  finish(summary: Summary): string {
    writePage(path.join(this.dir, 'index.html'), fleetIndex(summary, this.rows, this.loss), path.join(this.target, 'index.html'));
    try {
      if (!existsSync(this.target)) {
        renameSync(this.dir, this.target);
      } else {
        // The target holds an older report (or is a folder of the user's): its pages are replaced, the rest kept.
        const old = path.join(this.dir, '.old-devices');
        const devices = path.join(this.target, 'devices');
        if (existsSync(devices)) renameSync(devices, old);
        renameSync(path.join(this.dir, 'devices'), devices);
        renameSync(path.join(this.dir, 'index.html'), path.join(this.target, 'index.html'));
        rmSync(this.dir, { recursive: true, force: true });
      }
    } catch (error) {
      throw new UsageError(`--output: cannot move the report into ${this.target}: ${messageOf(error)}; its pages are in ${this.dir}`, WRITE_ELSEWHERE_HINT);
    }
    this.settled?.();
    this.settled = null;
    return path.join(this.target, 'index.html');
  }
}

/** A page of the folder; a write that fails (a full disk) is the user's to act on, said with the file's name. */
function writePage(file: string, text: string, shown: string): void {
  try {
    writeFileAtomically(file, text);
  } catch (error) {
    throw new UsageError(`--output: cannot write ${shown}: ${messageOf(error)}; the report folder is left as it was`, WRITE_ELSEWHERE_HINT);
  }
}
