// The event collector keeps memory flat on very large files: past a number of ordinary
// messages it keeps each stretch's first and last, and past a number of events the oldest
// give way. Limits are small here so the behaviour shows on a few lines.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventCollector, type CollectorLimits, type EventMaker } from '../../src/parsers/line-log.js';
import { THIN_MAX_SILENCE_MS } from '../../src/parsers/kept-aside.js';
import type { PatternMatch } from '../../src/parsers/patterns.js';
import type { Event } from '../../src/types.js';

function event(line: number, seconds: number, kind: Event['kind'] = 'message'): Event {
  return { kind, source: 'sdclient', file: 'DEV/sdclient.log', line, time: Date.UTC(2026, 2, 9, 10) + seconds * 1000, text: `line ${line}` };
}

describe('EventCollector', () => {
  it('keeps every event while the file is small', () => {
    const c = new EventCollector({ keepAllMessages: 10, thinGapMs: 60_000, keepMaxEvents: 100 });
    for (let i = 1; i <= 10; i += 1) c.add(event(i, i));
    expect(c.takeEvents().map((e) => e.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(c.dropped).toBe(0);
  });

  it('past the limit keeps the first and last message of each stretch, and every known event', () => {
    const c = new EventCollector({ keepAllMessages: 2, thinGapMs: 60_000, keepMaxEvents: 100 });
    // Lines 1-2 are under the limit and kept; 3..6 continue their stretch (1 s apart), so only
    // its last (6) is added; 7 is a known event; 8..9 a new stretch; 10 comes 10 minutes later.
    [event(1, 0), event(2, 1), event(3, 2), event(4, 3), event(5, 4), event(6, 5), event(7, 6, 'package-result'), event(8, 7), event(9, 8), event(10, 608)]
      .forEach((e) => c.add(e));
    expect(c.takeEvents().map((e) => e.line)).toEqual([1, 2, 6, 7, 8, 9, 10]);
    expect(c.dropped).toBe(3);
  });

  it('lets the oldest ordinary entries give way past the cap, and says up to which line', () => {
    const c = new EventCollector({ keepAllMessages: 1000, thinGapMs: 60_000, keepMaxEvents: 10 });
    for (let i = 1; i <= 25; i += 1) c.add(event(i, i * 100, 'message'));
    const events = c.takeEvents();
    expect(events.length).toBeLessThanOrEqual(10);
    expect(events[events.length - 1]?.line).toBe(25);
    expect(c.evicted + events.length).toBe(25);
    expect(c.evictedUpToLine).toBe(events[0]!.line - 1);
  });

  it('never lets an event a rule reads give way: a refusal at line 4 outlives 16,000 later runs', () => {
    const c = new EventCollector({ keepAllMessages: 100, thinGapMs: 60_000, keepMaxEvents: 1000 });
    let line = 0;
    const next = (seconds: number, kind: Event['kind'], fields: Partial<Event> = {}): void => c.add({ ...event((line += 1), seconds, kind), ...fields });
    next(0, 'process-start');
    next(0, 'command-line');
    next(0, 'package-name');
    next(1, 'busy-refusal', { blocker: 'vulscan' });
    next(1, 'package-result', { code: -1917517692 });
    next(2, 'process-exit', { code: 0 });
    for (let run = 1; run <= 16_000; run += 1) {
      const t = run * 120;
      next(t, 'process-start');
      next(t, 'command-line');
      next(t + 1, 'message');
      next(t + 2, 'package-result', { code: 0 });
      next(t + 2, 'task-status-sent');
      next(t + 3, 'process-exit', { code: 0 });
    }
    const events = c.takeEvents();
    expect(events.slice(0, 6).map((e) => e.kind)).toEqual(['process-start', 'command-line', 'package-name', 'busy-refusal', 'package-result', 'process-exit']);
    expect(events.filter((e) => e.kind === 'process-start')).toHaveLength(16_001);
    expect(events.map((e) => e.line)).toEqual([...events.map((e) => e.line)].sort((a, b) => a - b));
    expect(c.evicted).toBeGreaterThan(0);
    expect(c.asideDropped).toBe(0);
  });

  it('past the bound of kept-aside events, routine ones give way and failure evidence stays', () => {
    const c = new EventCollector({ keepAllMessages: 10, thinGapMs: 60_000, keepMaxEvents: 20, keepMaxKeptAside: 100 });
    let line = 0;
    for (let run = 0; run < 500; run += 1) {
      c.add({ ...event((line += 1), run * 10, 'process-start') });
      c.add({ ...event((line += 1), run * 10 + 1, run === 3 ? 'busy-refusal' : 'package-result'), code: run === 3 ? undefined : 0 });
      c.add({ ...event((line += 1), run * 10 + 2, 'process-exit'), code: 0 });
    }
    const events = c.takeEvents();
    // The refused run stays whole: its start, its refusal and its exit.
    expect(events.filter((e) => e.line >= 10 && e.line <= 12).map((e) => e.kind)).toEqual(['process-start', 'busy-refusal', 'process-exit']);
    // Routine runs give way whole: no start is left without its exit.
    const starts = events.filter((e) => e.kind === 'process-start').length;
    expect(events.filter((e) => e.kind === 'process-exit')).toHaveLength(starts);
    expect(c.asideDropped).toBeGreaterThan(0);
    expect(events.length).toBeLessThanOrEqual(100 + 20 + 1);
    expect(events.length + c.asideDropped + c.evicted).toBe(1500);
  });

  // Without a provisioning log, hours of silence part template runs (timeline/runs.ts): thinning
  // routine runs away whole must not make one, or the runs after it read as a run of their own.
  it('thins routine runs without making a silence: kept events stay within half an hour where the log had no longer gap', () => {
    const c = new EventCollector({ keepAllMessages: 10, thinGapMs: 60_000, keepMaxEvents: 20, keepMaxKeptAside: 2000 });
    let line = 0;
    const runAt = (seconds: number, failed = false): void => {
      c.add({ ...event((line += 1), seconds, 'process-start') });
      c.add({ ...event((line += 1), seconds + 1, failed ? 'busy-refusal' : 'package-result'), code: failed ? undefined : 0 });
      c.add({ ...event((line += 1), seconds + 2, 'process-exit'), code: 0 });
    };
    runAt(0, true);
    // 2,000 routine runs five minutes apart (a week: at one run each half hour, 1,000 events, within
    // the bound), then a silence of a day, then 50 more.
    for (let run = 1; run <= 2000; run += 1) runAt(run * 300);
    for (let run = 0; run < 50; run += 1) runAt(2000 * 300 + 86_400 + run * 300);
    const events = c.takeEvents();
    expect(c.asideDropped).toBeGreaterThan(3000);
    expect(events.slice(0, 3).map((e) => e.kind)).toEqual(['process-start', 'busy-refusal', 'process-exit']);
    const silences = events.slice(1).map((e, i) => (e.time - events[i]!.time) / 1000).filter((gap) => gap > 30 * 60);
    // The day's silence is the log's own; no other gap came of thinning.
    expect(silences).toEqual([86_400 - 2]);
    expect(c.asideSilenceUpToLine).toBe(0);
  });

  it('where runs are too far apart for the bound, the oldest go whatever the silence, and up to which line is said', () => {
    const c = new EventCollector({ keepAllMessages: 10, thinGapMs: 60_000, keepMaxEvents: 20, keepMaxKeptAside: 300 });
    let line = 0;
    // A refused run, then 1,000 routine runs two hours apart: any one let go after the refused run
    // (which stays) leaves four hours between those kept around it. (Letting go the oldest before
    // any kept one leaves no silence: the kept part only begins later.)
    c.add({ ...event((line += 1), -7200, 'process-start') });
    c.add({ ...event((line += 1), -7199, 'busy-refusal') });
    c.add({ ...event((line += 1), -7198, 'process-exit'), code: 0 });
    for (let run = 0; run < 1000; run += 1) {
      c.add({ ...event((line += 1), run * 7200, 'process-start') });
      c.add({ ...event((line += 1), run * 7200 + 2, 'process-exit'), code: 0 });
    }
    const events = c.takeEvents();
    expect(c.asideDropped).toBeGreaterThan(1000);
    expect(events.length).toBeLessThanOrEqual(300 + 20 + 1);
    expect(events.slice(0, 3).map((e) => e.kind)).toEqual(['process-start', 'busy-refusal', 'process-exit']);
    expect(c.asideSilenceUpToLine).toBeGreaterThan(3);
    expect(c.asideSilenceUpToLine).toBeLessThan(events[events.length - 1]!.line);
  });

  // The collector keeps entries in a ring of columns, and what a rule reads from the part that gave
  // way in columns too (kept-aside.ts), and makes their events when the file ends. Against the plain
  // way (an event made for every entry at once, kept in arrays of events, the old half of the routine
  // runs aside thinned past the bound), any mix of the three ways in must give the same events and counts.
  it('keeps, thins and evicts exactly as arrays of events made at once would, across growth, wrap-around and thinning aside', () => {
    const matchOf = (kind: Event['kind'], code: number): PatternMatch | null =>
      kind === 'message' ? null : ({ kind, fields: { code }, pattern: { spec: { id: `p-${kind}` } } } as unknown as PatternMatch);
    const make: EventMaker = (entry, match) => ({
      kind: match ? match.kind : 'message', source: 'sdclient', file: 'F', line: entry.line, time: entry.time, text: entry.text,
      ...(match ? { ...match.fields, pattern: match.pattern.spec.id } : {}),
    });
    const step = fc.record({
      how: fc.constantFrom('add', 'made', 'thinnable'),
      kind: fc.constantFrom<Event['kind']>('message', 'installer-activity', 'package-result', 'process-start', 'process-exit', 'package-name', 'busy-refusal', 'task-status-sent', 'command-line'),
      // Mostly success: a result or exit with a code other than 0 is failure evidence.
      code: fc.constantFrom(0, 0, 0, 7),
      // Seconds; now and then 40 minutes, a silence that thinning may not make longer.
      gap: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: 90 }) }, { weight: 1, arbitrary: fc.constant(2400) }),
    });
    fc.assert(fc.property(
      fc.array(step, { maxLength: 700 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 60 }),
      (steps, keepAllMessages, keepMaxEvents, keepMaxKeptAside) => {
        const limits: CollectorLimits = { keepAllMessages, thinGapMs: 60_000, keepMaxEvents, keepMaxKeptAside };
        const ring = new EventCollector(limits);
        const plain = new PlainCollector(limits);
        let time = Date.UTC(2026, 2, 9, 10);
        steps.forEach((s, i) => {
          time += s.gap * 1000;
          const entry = { line: i + 1, time, text: `line ${i + 1}` };
          // What the parser hands over: add takes thinnable and other kinds, made only the others, thinnable only thinnable ones.
          const how = s.how === 'made' && EventCollector.thinnable(s.kind) ? 'thinnable'
            : s.how === 'thinnable' && !EventCollector.thinnable(s.kind) ? 'made' : s.how;
          const match = matchOf(s.kind, s.code);
          if (how === 'add') ring.add(make(entry, match));
          else if (how === 'made') ring.addMade(entry, match, make);
          else ring.addThinnable(entry, match, make);
          plain.add(make(entry, match));
        });
        expect(ring.takeEvents()).toEqual(plain.take());
        expect([ring.dropped, ring.evicted, ring.evictedUpToLine, ring.asideDropped]).toEqual([plain.dropped, plain.evicted, plain.evictedUpToLine, plain.asideDropped]);
      },
    ), { numRuns: 1000 });
  });
});

/** The collector as it was before the ring and the columns aside: every event made at once, kept in arrays. */
class PlainCollector {
  private readonly events: Event[] = [];
  /** What a rule reads, from the part that gave way (the collector's kept-aside events). */
  private aside: Event[] = [];
  asideDropped = 0;
  private installerLineInRun = false;
  private held: Event | null = null;
  private messages = 0;
  dropped = 0;
  evicted = 0;
  evictedUpToLine = 0;
  constructor(private readonly limits: CollectorLimits) {}

  add(event: Event): void {
    if (EventCollector.thinnable(event.kind) && this.thins(event)) {
      if (this.held) this.dropped += 1;
      this.held = event;
      return;
    }
    this.flush();
    this.push(event);
  }

  take(): Event[] {
    this.flush();
    return [...this.aside, ...this.events];
  }

  private thins(event: Event): boolean {
    this.messages += 1;
    if (this.messages <= this.limits.keepAllMessages) return false;
    const last = this.held ?? this.events[this.events.length - 1];
    if (!last || !EventCollector.thinnable(last.kind)) return false;
    return event.time >= last.time && event.time - last.time <= this.limits.thinGapMs;
  }

  private flush(): void {
    if (this.held) this.push(this.held);
    this.held = null;
  }

  private push(event: Event): void {
    this.events.push(event);
    if (this.events.length > this.limits.keepMaxEvents) {
      const gone = this.events.splice(0, Math.ceil(this.limits.keepMaxEvents / 10));
      for (const old of gone) {
        // What no rule reads gives way: unknown wording, and an installer's progress past its run's first such line.
        const noise = old.kind === 'message' || (old.kind === 'installer-activity' && this.installerLineInRun);
        if (noise) {
          this.evicted += 1;
          this.evictedUpToLine = old.line;
        } else {
          if (old.kind === 'process-start') this.installerLineInRun = false;
          if (old.kind === 'installer-activity') this.installerLineInRun = true;
          this.aside.push(old);
          if (this.aside.length > (this.limits.keepMaxKeptAside ?? 100_000)) this.thinAside();
        }
      }
    }
  }

  /**
   * The older half of the routine runs go, each whole, but none whose going leaves more than half
   * an hour between the events kept around it (unless that frees too little); runs with failure
   * evidence stay (past the bound, their older half too).
   */
  private thinAside(): void {
    const groups = runGroups(this.aside);
    const wanted = Math.ceil(groups.reduce((n, g) => n + (g.failed ? 0 : g.events.length), 0) / 2);
    const bound = this.limits.keepMaxKeptAside ?? 100_000;
    const plan = (maxSilence: number): { drop: Set<number>; freed: number } => {
      const drop = new Set<number>();
      let freed = 0;
      let lastKept: number | undefined;
      groups.forEach((group, g) => {
        const next = groups[g + 1]?.events[0]?.time;
        const silenceOk = maxSilence === Infinity || (lastKept !== undefined && next !== undefined && next - lastKept <= maxSilence);
        if (freed < wanted && !group.failed && silenceOk) {
          drop.add(g);
          freed += group.events.length;
        } else lastKept = group.events[group.events.length - 1]!.time;
      });
      return { drop, freed };
    };
    let chosen = plan(THIN_MAX_SILENCE_MS);
    if (chosen.freed < wanted && chosen.freed < bound / 4) chosen = plan(Infinity);
    const kept = groups.filter((_, g) => !chosen.drop.has(g)).flatMap((group) => group.events);
    this.asideDropped += chosen.freed;
    this.aside = kept.length > bound ? kept.slice(Math.floor(kept.length / 2)) : kept;
    this.asideDropped += kept.length - this.aside.length;
  }
}

function failureEvidence(event: Event): boolean {
  if (['busy-refusal', 'download-error', 'waiting', 'wait-finished', 'scanning', 'scrub-skipped', 'template-stopped', 'task-added', 'task-launched', 'task-listed'].includes(event.kind)) return true;
  if (['package-result', 'process-exit', 'action-result', 'task-status', 'task-status-sent'].includes(event.kind)) return (event.code !== undefined && event.code !== 0) || /fail/i.test(event.outcome ?? '');
  return false;
}

/** Runs in file order: a start up to its exit (or the next start); any other event outside a run on its own. */
function runGroups(events: readonly Event[]): { events: Event[]; failed: boolean }[] {
  const groups: { events: Event[]; failed: boolean }[] = [];
  let open: { events: Event[]; failed: boolean } | null = null;
  for (const event of events) {
    if (event.kind === 'process-start') {
      if (open) groups.push(open);
      open = { events: [event], failed: failureEvidence(event) };
      continue;
    }
    if (open) {
      open.events.push(event);
      if (failureEvidence(event)) open.failed = true;
      if (event.kind === 'process-exit') {
        groups.push(open);
        open = null;
      }
      continue;
    }
    groups.push({ events: [event], failed: failureEvidence(event) });
  }
  if (open) groups.push(open);
  return groups;
}
