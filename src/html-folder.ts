// Writes `--format html -o DIR/`: each device's page under DIR/devices/ as the device is
// finished (written beside and renamed, so no page is ever half there), then DIR/index.html
// from the small rows kept per device. Memory stays flat with fleet size.
import { mkdirSync, rmSync } from 'node:fs';
import { writeFileAtomically } from './atomic.js';
import { messageOf, UsageError } from './errors.js';
import { WRITE_ELSEWHERE_HINT } from './output-file.js';
import path from 'node:path';
import { fleetIndex, indexRow, pageName, type IndexRow } from './render/html-fleet.js';
import { html } from './render/html.js';
import type { RenderOptions } from './render/index.js';
import { guarded } from './render/piece.js';
import { summarize } from './report.js';
import { LossTally } from './timing.js';
import type { DeviceReport, Summary } from './types.js';

/** True where -o names a folder: it ends with a path separator, or is an existing folder. */
export function namesFolder(output: string, isFolder: (p: string) => boolean): boolean {
  return output.endsWith('/') || output.endsWith(path.sep) || isFolder(output);
}

export class HtmlFolder {
  private readonly dir: string;
  private readonly taken = new Set<string>(['index']);
  private readonly rows: IndexRow[] = [];
  private readonly loss = new LossTally();

  constructor(dir: string) {
    this.dir = dir;
    try {
      // Fails early, before a fleet is read, where the folder could not be written.
      mkdirSync(path.join(dir, 'devices'), { recursive: true });
      writeFileAtomically(path.join(dir, 'devices', '.write-check'), '');
      rmSync(path.join(dir, 'devices', '.write-check'));
    } catch (error) {
      throw new UsageError(`--output: cannot write the report folder ${dir}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Writes the device's page (a report that cannot be drawn is drawn as a device that could not be analysed). */
  add(device: DeviceReport, options: RenderOptions): void {
    const name = pageName(device.device, this.taken);
    const page = (d: DeviceReport): string => html.render({ schema: 'ldforensics.diagnosis/1', devices: [d], summary: summarize([d]) }, { ...options, indexHref: '../index.html' });
    writePage(path.join(this.dir, 'devices', name), guarded(device, page));
    this.rows.push(indexRow(device, `devices/${encodeURIComponent(name)}`));
    this.loss.add(device);
  }

  /** Writes index.html; returns its path. */
  finish(summary: Summary): string {
    const file = path.join(this.dir, 'index.html');
    writePage(file, fleetIndex(summary, this.rows, this.loss));
    return file;
  }
}

/** A page of the folder; a write that fails (a full disk) is the user's to act on, said with the file's name. */
function writePage(file: string, text: string): void {
  try {
    writeFileAtomically(file, text);
  } catch (error) {
    throw new UsageError(`--output: cannot write ${file}: ${messageOf(error)}; the pages written before it are kept`, WRITE_ELSEWHERE_HINT);
  }
}
