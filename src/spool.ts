// Device texts held on disk until the run ends, for the text report of a fleet, which leads
// with the answer (the fleet summary, then the failed devices) although devices finish in name
// order: each device's text is appended to its group's temporary file as it is finished, and
// the groups are copied out after the summary. Memory stays flat with fleet size.
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export class GroupSpool {
  private readonly dir: string;
  private readonly files: string[];
  /** Each group's file, open for writing from the first text given to it (one open per group, not per device). */
  private readonly fds: (number | undefined)[];
  /** The groups given any text: only their files exist. */
  private readonly used = new Set<number>();

  constructor(groups: number) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'ldforensics-report-'));
    this.files = Array.from({ length: groups }, (_, index) => path.join(this.dir, `group-${index}.txt`));
    this.fds = this.files.map(() => undefined);
  }

  add(group: number, text: Uint8Array): void {
    const file = this.files[group];
    if (file === undefined) throw new RangeError(`no group ${group}`);
    let fd = this.fds[group];
    if (fd === undefined) {
      fd = openSync(file, 'w');
      this.fds[group] = fd;
      this.used.add(group);
    }
    writeSync(fd, text);
  }

  /** Copies the groups, in order, to `write` (which waits while its sink is full). */
  async copyTo(write: (chunk: Buffer) => Promise<void>): Promise<void> {
    this.closeAll();
    for (const [index, file] of this.files.entries()) {
      if (!this.used.has(index)) continue;
      // Bytes as they are: what was written as UTF-8 is copied, not decoded and encoded again.
      for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) await write(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    }
  }

  remove(): void {
    this.closeAll();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private closeAll(): void {
    this.fds.forEach((fd, index) => {
      if (fd === undefined) return;
      closeSync(fd);
      this.fds[index] = undefined;
    });
  }
}
