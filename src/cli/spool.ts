// Device texts held until the run ends, for the text and md reports of a fleet, which lead
// with the answer (the fleet summary, then the failed devices) although devices finish in name
// order. Each device's text joins its group as it is finished; the groups are copied out after
// the summary. Texts are held in memory up to a budget; past it every group goes to a temporary
// file of its own, so memory stays bounded whatever the fleet size. The budget keeps ordinary
// fleets off the disk: writing a fleet's report to temporary files and reading it back cost the
// text format a second pass of I/O that json never made (1,000 devices, 12 MB of text).
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeAllSync } from '../atomic.js';
import { messageOf, UsageError } from '../errors.js';
import { cleanUpOnInterrupt } from './interrupt.js';

/** Bytes of text held in memory before the spool moves to temporary files. */
export const SPOOL_MEMORY_BYTES = 16 << 20;

/** Texts copied out in writes of about this size, not one write per device. */
const COPY_CHUNK_BYTES = 1 << 20;

export class GroupSpool {
  /** Each group's texts while they are held in memory; emptied when the spool moves to disk. */
  private readonly held: Uint8Array[][];
  private heldBytes = 0;
  /** The temporary folder, once the budget is passed. */
  private dir: string | undefined;
  /** Each group's file, open for writing from the first text given to it (one open per group, not per device). */
  private readonly fds: (number | undefined)[];
  /** The groups with a file. */
  private readonly used = new Set<number>();
  /** Ends the removal of the temporary folder on Ctrl-C (see interrupt.ts), once it is removed. */
  private settled: (() => void) | undefined;

  constructor(
    private readonly groups: number,
    private readonly memoryBytes = SPOOL_MEMORY_BYTES,
  ) {
    this.held = Array.from({ length: groups }, () => []);
    this.fds = this.held.map(() => undefined);
  }

  /** Whether the texts have gone to temporary files. */
  get onDisk(): boolean {
    return this.dir !== undefined;
  }

  add(group: number, text: Uint8Array): void {
    if (!Number.isInteger(group) || group < 0 || group >= this.groups) throw new RangeError(`no group ${group}`);
    if (this.dir === undefined && this.heldBytes + text.byteLength <= this.memoryBytes) {
      this.held[group]?.push(text);
      this.heldBytes += text.byteLength;
      return;
    }
    try {
      if (this.dir === undefined) this.spill();
      this.writeToFile(group, text);
    } catch (error) {
      // A full temporary disk is the user's to act on, not a bug.
      throw new UsageError(`cannot write the report's temporary files in ${this.dir ?? os.tmpdir()}: ${messageOf(error)}`,
        `A fleet's text or md report is held there until its summary is known. Free some space there, or point TMPDIR at a disk that has it.`);
    }
  }

  /** Copies the groups, in order, to `write` (which waits while its sink is full). */
  async copyTo(write: (chunk: Buffer) => Promise<void>): Promise<void> {
    this.closeAll();
    for (let group = 0; group < this.groups; group++) {
      const texts = this.held[group] ?? [];
      for (let at = 0; at < texts.length;) {
        // Texts joined into writes of about a megabyte.
        const batch: Uint8Array[] = [];
        let bytes = 0;
        while (at < texts.length && (batch.length === 0 || bytes + (texts[at]?.byteLength ?? 0) <= COPY_CHUNK_BYTES)) {
          const text = texts[at] as Uint8Array;
          batch.push(text);
          bytes += text.byteLength;
          at++;
        }
        await write(Buffer.concat(batch, bytes));
      }
      if (!this.used.has(group) || this.dir === undefined) continue;
      // Bytes as they are: what was written as UTF-8 is copied, not decoded and encoded again.
      for await (const chunk of createReadStream(this.fileOf(group), { highWaterMark: COPY_CHUNK_BYTES })) {
        await write(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
      }
    }
  }

  remove(): void {
    this.closeAll();
    for (const texts of this.held) texts.length = 0;
    this.heldBytes = 0;
    if (this.dir !== undefined) rmSync(this.dir, { recursive: true, force: true });
    this.settled?.();
    this.settled = undefined;
  }

  /** Moves what is held to the groups' files; every text after it goes there too. */
  private spill(): void {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'ldforensics-report-'));
    this.settled = cleanUpOnInterrupt(this.dir, () => this.remove());
    this.held.forEach((texts, group) => {
      for (const text of texts) this.writeToFile(group, text);
      texts.length = 0;
    });
    this.heldBytes = 0;
  }

  private fileOf(group: number): string {
    return path.join(this.dir ?? '', `group-${group}.txt`);
  }

  private writeToFile(group: number, text: Uint8Array): void {
    let fd = this.fds[group];
    if (fd === undefined) {
      fd = openSync(this.fileOf(group), 'w');
      this.fds[group] = fd;
      this.used.add(group);
    }
    writeAllSync(fd, text);
  }

  private closeAll(): void {
    this.fds.forEach((fd, index) => {
      if (fd === undefined) return;
      closeSync(fd);
      this.fds[index] = undefined;
    });
  }
}
