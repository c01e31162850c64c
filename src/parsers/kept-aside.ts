// What a rule reads from the part of a large file that gave way to newer lines (line-log.ts):
// runs' starts and ends, refusals, results. Kept in file order, in columns like the collector's
// ring (line and time in typed arrays; text, match and maker beside them), and made into events
// only for what is still kept when the file ends.
//
// Why columns: on the benchmark's 200 MB sdclient.log about 700,000 such entries move aside, and
// thinning (below) lets all but about 60,000 of them go again. An event object made for each as
// it moved aside was a third of the file's garbage, promoted to the old space before it died.
import type { Event } from '../types.js';
import type { Entry } from './entries.js';
import type { PatternMatch } from './patterns.js';

/**
 * Makes the event of an entry and what the patterns made of it (null: none). The event's kind,
 * code and outcome are its match's (or 'message', none, none): the collector reads them from the
 * match to keep or thin an entry without making its event.
 */
export type EventMaker = (entry: Readonly<Entry>, match: PatternMatch | null) => Event;

/** Of the kept-aside events, what stays even when their number reaches its bound: what says something failed or waited. */
export function isFailureEvidence(kind: Event['kind'], code: number | undefined, outcome: string | undefined): boolean {
  switch (kind) {
    case 'busy-refusal': case 'download-error': case 'waiting': case 'wait-finished': case 'scanning': case 'scrub-skipped':
    case 'template-stopped': case 'task-added': case 'task-launched': case 'task-listed':
      return true;
    case 'package-result': case 'process-exit': case 'action-result': case 'task-status':
      return (code !== undefined && code !== 0) || /fail/i.test(outcome ?? '');
    default:
      return false;
  }
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
  private capacity = 0;
  private lines = new Float64Array(0);
  private times = new Float64Array(0);
  private texts: string[] = [];
  private matches: (PatternMatch | null)[] = [];
  private makers: (EventMaker | null)[] = [];
  /** An event given whole, where the slot holds one; null where its maker makes it. */
  private ready: (Event | null)[] = [];
  count = 0;
  /** Routine events let go once their number reached the bound. */
  dropped = 0;
  /** The entry a maker is given, refilled each time. */
  private readonly entry: Entry = { line: 0, time: Number.NaN, text: '' };

  constructor(bound: number) {
    this.bound = bound;
  }

  pushEvent(event: Event): void {
    const slot = this.nextSlot();
    this.ready[slot] = event;
    this.lines[slot] = event.line;
    this.times[slot] = event.time;
    this.afterPush();
  }

  /** An entry whose event `make` makes if it is still kept at the end. */
  pushEntry(line: number, time: number, text: string, match: PatternMatch | null, make: EventMaker): void {
    const slot = this.nextSlot();
    this.lines[slot] = line;
    this.times[slot] = time;
    this.texts[slot] = text;
    this.matches[slot] = match;
    this.makers[slot] = make;
    this.afterPush();
  }

  /** The kept events, oldest first, each made now where the slot holds an entry. */
  toEvents(): Event[] {
    const events = new Array<Event>(this.count);
    const entry = this.entry;
    for (let i = 0; i < this.count; i += 1) {
      const ready = this.ready[i];
      if (ready) {
        events[i] = ready;
        continue;
      }
      entry.line = this.lines[i]!;
      entry.time = this.times[i]!;
      entry.text = this.texts[i]!;
      events[i] = this.makers[i]!(entry, this.matches[i]!);
    }
    return events;
  }

  private nextSlot(): number {
    if (this.count === this.capacity) this.grow();
    const slot = this.count;
    this.count += 1;
    return slot;
  }

  private afterPush(): void {
    if (this.count > this.bound) this.thin();
  }

  private grow(): void {
    const capacity = Math.max(FIRST_CAPACITY, Math.min(this.capacity * 2, this.bound + 1));
    const lines = new Float64Array(capacity);
    lines.set(this.lines);
    const times = new Float64Array(capacity);
    times.set(this.times);
    this.lines = lines;
    this.times = times;
    // Filled to the capacity so the arrays stay packed (no holes for V8 to look past).
    for (let i = this.capacity; i < capacity; i += 1) {
      this.texts.push('');
      this.matches.push(null);
      this.makers.push(null);
      this.ready.push(null);
    }
    this.capacity = capacity;
  }

  private kindAt(slot: number): Event['kind'] {
    return this.ready[slot]?.kind ?? this.matches[slot]?.kind ?? 'message';
  }

  /** True where the slot's event says something failed or waited (read from the event, or its match). */
  private failedAt(slot: number): boolean {
    const ready = this.ready[slot];
    if (ready) return isFailureEvidence(ready.kind, ready.code, ready.outcome);
    const match = this.matches[slot];
    if (!match) return false;
    return isFailureEvidence(match.kind, match.fields.code, match.fields.outcome);
  }

  /**
   * The bound is reached: the older half of the routine runs give way, each whole (its start,
   * name, result and exit together, never a start without its end), in one pass amortised over
   * the half that refills it. A run that holds failure evidence stays whole. Runs are read in
   * file order: a process start opens one, its exit closes it; an event outside a run is a group
   * of its own.
   */
  private thin(): void {
    const count = this.count;
    // Pass 1: how many events the routine groups hold.
    let routine = 0;
    this.eachGroup((_start, end, failed, length) => {
      if (!failed) routine += length;
      return end;
    });
    // Pass 2: keep the failed groups, and the routine ones once half the routine events are gone, moved down in place.
    let toDrop = Math.ceil(routine / 2);
    let write = 0;
    this.eachGroup((start, end, failed, length) => {
      if (toDrop > 0 && !failed) {
        toDrop -= length;
        this.dropped += length;
        return end;
      }
      for (let i = start; i < end; i += 1) this.move(i, write++);
      return end;
    });
    // Failure evidence alone past the bound (a file of nothing but refusals): its older half goes too.
    let from = 0;
    if (write > this.bound) {
      from = Math.floor(write / 2);
      for (let i = from; i < write; i += 1) this.move(i, i - from);
      this.dropped += from;
      write -= from;
    }
    // Let go of what the freed slots held.
    for (let i = write; i < count; i += 1) this.clear(i);
    this.count = write;
  }

  /**
   * Calls `visit(start, end, failed, length)` for each group of slots [start, end) in order (see
   * thin); it returns where the next group starts (its `end`), so one loop serves both passes.
   */
  private eachGroup(visit: (start: number, end: number, failed: boolean, length: number) => number): void {
    let i = 0;
    while (i < this.count) {
      const start = i;
      const kind = this.kindAt(i);
      let failed = this.failedAt(i);
      let end = i + 1;
      if (kind === 'process-start') {
        // The run goes on up to its exit, or up to the next start (a run whose exit was never written).
        while (end < this.count) {
          const next = this.kindAt(end);
          if (next === 'process-start') break;
          if (this.failedAt(end)) failed = true;
          end += 1;
          if (next === 'process-exit') break;
        }
      }
      i = visit(start, end, failed, end - start);
    }
  }

  private move(from: number, to: number): void {
    if (from === to) return;
    this.lines[to] = this.lines[from]!;
    this.times[to] = this.times[from]!;
    this.texts[to] = this.texts[from]!;
    this.matches[to] = this.matches[from]!;
    this.makers[to] = this.makers[from]!;
    this.ready[to] = this.ready[from]!;
  }

  private clear(slot: number): void {
    this.texts[slot] = '';
    this.matches[slot] = null;
    this.makers[slot] = null;
    this.ready[slot] = null;
  }
}
