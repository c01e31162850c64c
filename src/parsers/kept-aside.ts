// What a rule reads from the part of a large file that gave way to newer lines (line-log.ts):
// runs' starts, command lines, names, waits, refusals, results, task status lines and exits, and
// a run's first installer line. Kept in file order, in columns like the collector's ring (line
// and time in typed arrays; text, match and maker beside them), and made into events only for
// what is still kept when the file ends. Past its bound the oldest routine runs give way whole
// (thin), failed runs never, and never so many in a row that a silence appears between runs.
//
// Why columns: on the benchmark's 200 MB sdclient.log about a million such entries move aside,
// and thinning lets all but about 100,000 of them go again. An event object made for each as it
// moved aside was a third of the file's garbage, promoted to the old space before it died.
import type { Event } from '../types.js';
import { EntryColumns } from './entry-columns.js';

/** Of the kept-aside events, what stays even when their number reaches its bound: what says something failed or waited. */
export function isFailureEvidence(kind: Event['kind'], code: number | undefined, outcome: string | undefined): boolean {
  switch (kind) {
    case 'busy-refusal': case 'download-error': case 'waiting': case 'wait-finished': case 'scanning': case 'scrub-skipped':
    case 'template-stopped': case 'task-added': case 'task-launched': case 'task-listed':
      return true;
    case 'package-result': case 'process-exit': case 'action-result': case 'task-status': case 'task-status-sent':
      return (code !== undefined && code !== 0) || /fail/i.test(outcome ?? '');
    default:
      return false;
  }
}

/**
 * The longest silence thinning may make between kept events. Where no provisioning log says where
 * a template run began, hours of silence with nothing running part two runs (timeline/runs.ts,
 * RUN_GAP_MS; an hour parts the image's leftovers from the first run, HISTORY_GAP_MS): a stretch
 * of routine runs thinned away whole would read as such a silence, and the runs after it as a
 * template run of their own, whose verdict would be the device's. Kept this far below both.
 */
export const THIN_MAX_SILENCE_MS = 30 * 60 * 1000;

/** Groups of slots (see KeptAside.groups): group g is slots [starts[g], starts[g + 1]). */
interface Groups {
  starts: Int32Array;
  failed: Uint8Array;
  count: number;
}

/** The first this many slots are made at once; the columns double from there up to the bound. */
const FIRST_CAPACITY = 1024;

/**
 * Rule-read events kept aside, oldest first. A slot holds an event given whole, or an entry
 * (line, time, text), its match and its maker, whose event is made at the end (`toEvents`).
 * Past `bound` slots the older half of the routine runs give way (`thin`).
 */
export class KeptAside {
  private readonly bound: number;
  /** Made at the first entry: most files never put one aside. */
  private columns: EntryColumns | null = null;
  count = 0;
  /** Routine events let go once their number reached the bound. */
  dropped = 0;
  /**
   * The line of the last routine run let go with the kept events around it more than
   * THIN_MAX_SILENCE_MS apart (0: none): a file whose runs are that far apart over more time than
   * the bound holds. The report says so: such a silence may part its runs.
   */
  silenceUpToLine = 0;
  /** Whether an installer line came aside since the last run's start (a run needs one: windows.ts's installerRan). */
  private installerLineInRun = false;

  constructor(bound: number) {
    this.bound = bound;
  }

  /**
   * True where an installer's progress line leaving the ring should come aside: the first of its
   * run (that an installer ran tells an installer's failure from a refusal); the rest are noise.
   * Lines come aside in file order, so the run is the one whose start came aside last.
   */
  wantsInstallerLine(): boolean {
    return !this.installerLineInRun;
  }

  /** Slot `slot` of `from` (an event given whole, or an entry with its match and maker), as it is. */
  take(from: EntryColumns, slot: number): void {
    this.see(from.kindAt(slot));
    const to = this.nextSlot();
    this.columns!.copy(from, slot, to);
    this.afterPush();
  }

  pushEvent(event: Event): void {
    this.see(event.kind);
    const slot = this.nextSlot();
    this.columns!.setEvent(slot, event);
    this.afterPush();
  }

  /** The kept events, oldest first, each made now where the slot holds an entry. */
  toEvents(): Event[] {
    const events = new Array<Event>(this.count);
    for (let i = 0; i < this.count; i += 1) events[i] = this.columns!.eventAt(i);
    return events;
  }

  private see(kind: Event['kind']): void {
    if (kind === 'process-start') this.installerLineInRun = false;
    else if (kind === 'installer-activity') this.installerLineInRun = true;
  }

  private nextSlot(): number {
    const columns = (this.columns ??= new EntryColumns(Math.min(FIRST_CAPACITY, this.bound + 1)));
    if (this.count === columns.capacity) columns.grow(Math.min(columns.capacity * 2, this.bound + 1));
    const slot = this.count;
    this.count += 1;
    return slot;
  }

  private afterPush(): void {
    if (this.count > this.bound) this.thin();
  }

  /** True where the slot's event says something failed or waited (read from the event, or its match). */
  private failedAt(slot: number): boolean {
    const columns = this.columns!;
    const ready = columns.ready[slot];
    if (ready) return isFailureEvidence(ready.kind, ready.code, ready.outcome);
    const match = columns.matches[slot];
    if (!match) return false;
    return isFailureEvidence(match.kind, match.fields.code, match.fields.outcome);
  }

  /**
   * The bound is reached: the older half of the routine runs give way, each whole (its start,
   * name, result and exit together, never a start without its end), in one pass amortised over
   * the half that refills it. A run that holds failure evidence stays whole, and so does a run
   * whose going would leave a silence longer than THIN_MAX_SILENCE_MS between the events kept
   * around it (see there); only where that frees too little to last (runs more than that far
   * apart) do the oldest routine runs go whatever the silence.
   */
  private thin(): void {
    const count = this.count;
    const groups = this.groups();
    let routine = 0;
    for (let g = 0; g < groups.count; g += 1) if (groups.failed[g] === 0) routine += groups.starts[g + 1]! - groups.starts[g]!;
    const wanted = Math.ceil(routine / 2);
    let plan = this.planDrops(groups, wanted, THIN_MAX_SILENCE_MS);
    if (plan.freed < wanted && plan.freed < this.bound / 4) plan = this.planDrops(groups, wanted, Number.POSITIVE_INFINITY);
    let write = 0;
    for (let g = 0; g < groups.count; g += 1) {
      if (plan.drops[g] === 1) continue;
      for (let i = groups.starts[g]!; i < groups.starts[g + 1]!; i += 1) this.move(i, write++);
    }
    this.dropped += plan.freed;
    if (plan.silenceLine > this.silenceUpToLine) this.silenceUpToLine = plan.silenceLine;
    // Failure evidence alone past the bound (a file of nothing but refusals): its older half goes too.
    if (write > this.bound) {
      const from = Math.floor(write / 2);
      for (let i = from; i < write; i += 1) this.move(i, i - from);
      this.dropped += from;
      write -= from;
    }
    // Let go of what the freed slots held.
    for (let i = write; i < count; i += 1) this.columns!.clear(i);
    this.count = write;
  }

  /**
   * Which groups go (1), oldest first, until `wanted` events are freed: routine ones, each only
   * where the kept events before and after it are at most `maxSilence` apart in time (the first
   * group, with none kept before it, and the last, whose next event is in the ring, stay unless
   * the silence does not matter).
   */
  private planDrops(groups: Groups, wanted: number, maxSilence: number): { drops: Uint8Array; freed: number; silenceLine: number } {
    const drops = new Uint8Array(groups.count);
    const anySilence = maxSilence === Number.POSITIVE_INFINITY;
    let freed = 0;
    let silenceLine = 0;
    let lastKept = Number.NaN;
    for (let g = 0; g < groups.count; g += 1) {
      const start = groups.starts[g]!;
      const end = groups.starts[g + 1]!;
      if (freed < wanted && groups.failed[g] === 0) {
        // NaN where there is no kept event before it or no group after it: every comparison with NaN is false.
        const next = g + 1 < groups.count ? this.columns!.times[end]! : Number.NaN;
        const silence = next - lastKept;
        if (anySilence || silence <= maxSilence) {
          drops[g] = 1;
          freed += end - start;
          if (silence > THIN_MAX_SILENCE_MS) silenceLine = this.columns!.lines[end - 1]!;
          continue;
        }
      }
      lastKept = this.columns!.times[end - 1]!;
    }
    return { drops, freed, silenceLine };
  }

  /**
   * The slots as groups in file order: a process start opens a run, its exit closes it (a run
   * whose exit was never written ends at the next start); an event outside a run is a group of
   * its own. Each group's first slot, and whether it holds failure evidence.
   */
  private groups(): Groups {
    const starts = new Int32Array(this.count + 1);
    const failed = new Uint8Array(this.count);
    let count = 0;
    let i = 0;
    while (i < this.count) {
      starts[count] = i;
      let anyFailed = this.failedAt(i);
      let end = i + 1;
      if (this.columns!.kindAt(i) === 'process-start') {
        while (end < this.count) {
          const next = this.columns!.kindAt(end);
          if (next === 'process-start') break;
          if (this.failedAt(end)) anyFailed = true;
          end += 1;
          if (next === 'process-exit') break;
        }
      }
      failed[count] = anyFailed ? 1 : 0;
      count += 1;
      i = end;
    }
    starts[count] = this.count;
    return { starts, failed, count };
  }

  private move(from: number, to: number): void {
    if (from !== to) this.columns!.copy(this.columns!, from, to);
  }
}
