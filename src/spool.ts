// Device texts held on disk until the run ends, for the text report of a fleet, which leads
// with the answer (the fleet summary, then the failed devices) although devices finish in name
// order: each device's text is appended to its group's temporary file as it is finished, and
// the groups are copied out after the summary. Memory stays flat with fleet size.
import { appendFileSync, createReadStream, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export class GroupSpool {
  private readonly dir: string;
  private readonly files: string[];
  private readonly used: boolean[];

  constructor(groups: number) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'ldforensics-report-'));
    this.files = Array.from({ length: groups }, (_, index) => path.join(this.dir, `group-${index}.txt`));
    this.used = this.files.map(() => false);
  }

  add(group: number, text: string): void {
    const file = this.files[group];
    if (file === undefined) throw new RangeError(`no group ${group}`);
    appendFileSync(file, text);
    this.used[group] = true;
  }

  /** Copies the groups, in order, to `write` (which waits while its sink is full). */
  async copyTo(write: (chunk: string) => Promise<void>): Promise<void> {
    for (const [index, file] of this.files.entries()) {
      if (!this.used[index]) continue;
      for await (const chunk of createReadStream(file, { encoding: 'utf8' })) await write(String(chunk));
    }
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
