// The shared engine of the timestamped logs (sdclient, vulscan, policy sync, scheduler,
// provisioning): entries from lines, then the pattern pack decides what each entry means.
// An entry no pattern knows is still an event ('message'): kept and shown, never lost.
import type { Event, LogKind, ProcessName } from '../types.js';
import { EntryGrouper, feedLines, newStats, type Entry } from './entries.js';
import type { LineBatches, ParseContext, ParseResult, Parser } from './parser.js';
import { EntryColumns, type EventMaker } from './entry-columns.js';
import { KeptAside, THIN_MAX_SILENCE_MS } from './kept-aside.js';
import type { PatternMatch, PatternSet } from './patterns.js';
import { parseLeadingTimestamp } from './timestamp.js';

/**
 * Memory must not grow with file size. Up to this many ordinary ('message') entries a file
 * keeps them all; past it, a run of messages close together in time keeps only its first
 * and last entry, which is all the activity windows need (where a run starts and ends).
 * Every line is still read and counted; the file's report says how many were not kept.
 */
export const KEEP_ALL_MESSAGES = 100_000;
/** Messages this close in time belong to one stretch of activity (far below any run gap). */
export const THIN_GAP_MS = 60_000;
/**
 * The most entries one file keeps in order, newest last. Past it the oldest give way, but only
 * noise does: an event a rule reads (KEPT_ALWAYS) moves aside and is kept (a refusal at line 4
 * of a log with 26,000 later runs decides the verdict). Read and counted, named in the report.
 */
export const KEEP_MAX_EVENTS = 100_000;
/**
 * The same for a diagnosis: what the rules read is kept aside whatever this bound, so a report
 * needs fewer of the ordinary entries than the `timeline` command, which shows them. 20,000 took
 * the benchmark's 200 MB sdclient.log from a peak RSS of 248 to 317 MB down to 220 to 228 at the
 * same speed, and 40 devices of 5 MB (61,000 lines each) to 0.87 of the time. Once every kind a
 * rule reads came aside (command lines, task status lines, a run's first installer line), the
 * ring holds only unknown wording and installer progress: 5,000 took the 40 devices to 0.93 of the
 * time of 20,000 (farm-bench, 9 runs), 21,700 events a device instead of 31,400, with the same
 * verdicts, findings and activity on them and on the samples grown by 4,000 later runs each; only
 * the files' counts of entries not kept differ.
 */
export const DIAGNOSE_KEEP_MAX_EVENTS = 5_000;
/**
 * The most rule-read events kept aside from the oldest part of a file. A file of millions of
 * runs reaches it; then the oldest routine ones (a run's start, its success) give way, and
 * failure evidence stays.
 */
export const KEEP_MAX_KEPT_ASIDE = 100_000;

/**
 * What a rule reads (FORMATS.md; src/rules): runs' starts and ends, their command lines, waits,
 * refusals, failures, return codes (the package result, and "Sending task status … -retcode=",
 * which may be the only word on a run's result), scheduler launches and registrations,
 * provisioning action results. Never given way for newer lines; eviction takes only the rest
 * (unknown wording, and an installer's progress past a run's first such line: see KeptAside).
 */
export const KEPT_ALWAYS: ReadonlySet<Event['kind']> = new Set<Event['kind']>([
  'process-start', 'process-exit', 'command-line', 'package-name', 'waiting', 'wait-finished', 'scanning', 'busy-refusal',
  'scrub-skipped', 'package-result', 'task-status-sent', 'download-error', 'task-added', 'task-launched', 'task-listed',
  'task-status', 'action-started', 'action-result', 'template-stopped', 'template-started', 'template-completed',
]);

/** True where an event of this kind leaving the ring moves aside (the aside knows whether its run has an installer line yet). */
function movesAside(kind: Event['kind'], aside: KeptAside): boolean {
  return KEPT_ALWAYS.has(kind) || (kind === 'installer-activity' && aside.wantsInstallerLine());
}

export interface CollectorLimits {
  keepAllMessages: number;
  thinGapMs: number;
  keepMaxEvents: number;
  /** Default KEEP_MAX_KEPT_ASIDE. */
  keepMaxKeptAside?: number;
}

const LIMITS: CollectorLimits = { keepAllMessages: KEEP_ALL_MESSAGES, thinGapMs: THIN_GAP_MS, keepMaxEvents: KEEP_MAX_EVENTS, keepMaxKeptAside: KEEP_MAX_KEPT_ASIDE };

/**
 * What thinning may drop from the middle of a stretch: ordinary messages, and the installer's
 * progress lines, of which a run's window needs one (that an installer ran), not every one.
 */
const THINNABLE: ReadonlySet<Event['kind']> = new Set(['message', 'installer-activity']);

export type { EventMaker } from './entry-columns.js';

/**
 * A large file's kept entries once the oldest have begun to give way: a ring of slots in columns
 * (line and time in typed arrays; text, match and maker beside them), not an event per entry.
 * From here on most entries are evicted before the file ends, and an event made for each of them
 * only to be evicted was most of a large file's garbage (promoted, then collected in the old
 * space). A slot holds an event given whole, or an entry whose maker makes its event at the end.
 */
class EntryRing {
  private readonly columns: EntryColumns;
  private readonly capacity: number;
  /** The oldest slot, and how many are held. */
  private head = 0;
  count = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.columns = new EntryColumns(capacity);
  }

  private nextSlot(): number {
    if (this.count === this.capacity) throw new Error('EntryRing: full (evict first)');
    const slot = (this.head + this.count) % this.capacity;
    this.count += 1;
    return slot;
  }

  pushEvent(event: Event): void {
    this.columns.setEvent(this.nextSlot(), event);
  }

  pushEntry(entry: Readonly<Entry>, match: PatternMatch | null, make: EventMaker): void {
    this.columns.setEntry(this.nextSlot(), entry.line, entry.time, entry.text, match, make);
  }

  /** The newest slot's event kind and time (the ring is not empty). */
  lastKind(): Event['kind'] {
    return this.columns.kindAt((this.head + this.count - 1) % this.capacity);
  }

  lastTime(): number {
    return this.columns.times[(this.head + this.count - 1) % this.capacity]!;
  }

  /**
   * Lets the `n` oldest go, moving each whose kind a rule reads to `aside` (as it is: an entry
   * stays an entry); the line of the last one let go entirely (0: none), and how many.
   */
  evictOldest(n: number, aside: KeptAside): { line: number; dropped: number } {
    const columns = this.columns;
    let line = 0;
    let dropped = 0;
    for (let i = 0; i < n; i += 1) {
      const slot = (this.head + i) % this.capacity;
      if (movesAside(columns.kindAt(slot), aside)) aside.take(columns, slot);
      else {
        line = columns.lines[slot]!;
        dropped += 1;
      }
      columns.clear(slot);
    }
    this.head = (this.head + n) % this.capacity;
    this.count -= n;
    return { line, dropped };
  }

  /** The held events, oldest first, each made now where the slot holds an entry. */
  toEvents(): Event[] {
    const events = new Array<Event>(this.count);
    for (let i = 0; i < this.count; i += 1) events[i] = this.columns.eventAt((this.head + i) % this.capacity);
    return events;
  }
}

/**
 * Collects a file's events, thinning ordinary messages once a file is very large. An entry may
 * be given with its match and maker (`addMade`, `addThinnable`) instead of as an event: its event
 * is made only if it is kept (thinning drops most of a large file's messages), and once the oldest
 * entries have begun to give way, only at the end (EntryRing). An event given whole (`add`) is
 * kept as that object, for a parser that changes an event after adding it.
 */
export class EventCollector {
  private readonly limits: CollectorLimits;
  /** What is kept until the first entry gives way (most files: all of it), then the ring. */
  private events: Event[] = [];
  private ring: EntryRing | null = null;
  private messages = 0;
  /**
   * The last message of the current stretch, not yet kept: an event, or an entry (copied into
   * one object for all) and its match, whose event `heldMake` makes only if it is kept.
   */
  private held: Event | null = null;
  private readonly heldEntry: Entry = { line: 0, time: Number.NaN, text: '' };
  private heldMatch: PatternMatch | null = null;
  private heldMake: EventMaker | null = null;
  dropped = 0;
  /** The oldest entries given way to newer ones: how many, and the last such line. */
  evicted = 0;
  evictedUpToLine = 0;
  /** Rule-read events from the part of the file that gave way, kept aside in file order. */
  private readonly aside: KeptAside;
  /** Of those, routine ones let go once their number reached its bound. */
  get asideDropped(): number {
    return this.aside.dropped;
  }

  /** The last line up to which thinning aside left a silence between kept runs (0: none; see KeptAside.silenceUpToLine). */
  get asideSilenceUpToLine(): number {
    return this.aside.silenceUpToLine;
  }

  constructor(limits: CollectorLimits = LIMITS) {
    this.limits = limits;
    this.aside = new KeptAside(limits.keepMaxKeptAside ?? KEEP_MAX_KEPT_ASIDE);
  }

  /** Past the cap a tenth of the oldest give way at once: one step per 10,000 entries keeps the cost flat. */
  private get evictionStep(): number {
    return Math.ceil(this.limits.keepMaxEvents / 10);
  }

  private pushEvent(event: Event): void {
    const ring = this.ring;
    if (ring) {
      ring.pushEvent(event);
      this.evictFromRing(ring);
      return;
    }
    this.events.push(event);
    if (this.events.length > this.limits.keepMaxEvents) {
      const gone = this.events.splice(0, this.evictionStep);
      for (const old of gone) {
        if (movesAside(old.kind, this.aside)) this.aside.pushEvent(old);
        else {
          this.evicted += 1;
          this.evictedUpToLine = old.line;
        }
      }
      // From here on the file keeps giving way: what is kept moves to the ring.
      const moved = new EntryRing(this.limits.keepMaxEvents + 1);
      for (const kept of this.events) moved.pushEvent(kept);
      this.events = [];
      this.ring = moved;
    }
  }

  private evictFromRing(ring: EntryRing): void {
    if (ring.count <= this.limits.keepMaxEvents) return;
    const { line, dropped } = ring.evictOldest(this.evictionStep, this.aside);
    if (dropped > 0) this.evictedUpToLine = line;
    this.evicted += dropped;
  }

  /** The entry, not its time: a double passed to a call V8 does not inline is boxed, an object a line. */
  private pushEntry(entry: Readonly<Entry>, match: PatternMatch | null, make: EventMaker): void {
    const ring = this.ring;
    if (ring) {
      ring.pushEntry(entry, match, make);
      this.evictFromRing(ring);
      return;
    }
    this.pushEvent(make(entry, match));
  }

  /** An event, whole: kept as this object (a parser may still change it). */
  add(event: Event): void {
    if (!THINNABLE.has(event.kind)) {
      this.flush();
      this.pushEvent(event);
      return;
    }
    if (this.thins(event)) {
      this.hold(event);
      return;
    }
    this.flush();
    this.pushEvent(event);
  }

  /**
   * An entry whose event is not thinnable: `make` makes it when the file ends, if the entry is
   * still kept then. The same as add(make(entry, match)), cheaper.
   */
  addMade(entry: Readonly<Entry>, match: PatternMatch | null, make: EventMaker): void {
    this.flush();
    this.pushEntry(entry, match, make);
  }

  /**
   * An entry whose event would be thinnable (no pattern knew it: a 'message'; or an installer's
   * progress): its event, made by `make`, costs nothing until it is kept (past keepAllMessages
   * most such entries of a large file are not). The same as add(make(entry, match)), cheaper.
   */
  addThinnable(entry: Readonly<Entry>, match: PatternMatch | null, make: EventMaker): void {
    if (this.thins(entry)) {
      this.hold(null);
      const held = this.heldEntry;
      held.line = entry.line;
      held.time = entry.time;
      held.text = entry.text;
      this.heldMatch = match;
      this.heldMake = make;
      return;
    }
    this.flush();
    this.pushEntry(entry, match, make);
  }

  /** True for an event kind that thinning may drop: what addThinnable takes. */
  static thinnable(kind: Event['kind']): boolean {
    return THINNABLE.has(kind);
  }

  /** Counts a message; true when it falls in the stretch of the message before it and thinning has begun. */
  private thins(subject: { readonly time: number }): boolean {
    // The event or entry, not its time: a double passed to a call V8 does not inline is boxed.
    const time = subject.time;
    this.messages += 1;
    if (this.messages <= this.limits.keepAllMessages) return false;
    // NaN for none, not undefined: a variable that may hold either is boxed, a double each line.
    let lastTime = this.held ? this.held.time : this.heldMake ? this.heldEntry.time : Number.NaN;
    if (Number.isNaN(lastTime)) {
      const ring = this.ring;
      if (ring) {
        if (ring.count > 0 && THINNABLE.has(ring.lastKind())) lastTime = ring.lastTime();
      } else {
        const last = this.events[this.events.length - 1];
        if (last && THINNABLE.has(last.kind)) lastTime = last.time;
      }
    }
    // Every comparison with NaN is false: no message before it, no stretch.
    return time >= lastTime && time - lastTime <= this.limits.thinGapMs;
  }

  /** Same stretch: this message may be its last one; the one held before it is not. */
  private hold(event: Event | null): void {
    if (this.held || this.heldMake) this.dropped += 1;
    this.held = event;
    this.heldMake = null;
    this.heldMatch = null;
    this.heldEntry.text = '';
  }

  flush(): void {
    if (this.held) this.pushEvent(this.held);
    else if (this.heldMake) this.pushEntry(this.heldEntry, this.heldMatch, this.heldMake);
    this.held = null;
    this.heldMake = null;
    this.heldMatch = null;
    this.heldEntry.text = '';
  }

  /** The kept events, oldest first. Ends the collection. */
  takeEvents(): Event[] {
    this.flush();
    const inOrder = this.ring ? this.ring.toEvents() : this.events;
    if (this.aside.count === 0) return inOrder;
    // Kept aside from the oldest part: all of them precede what is still in order.
    const all = this.aside.toEvents();
    for (const event of inOrder) all.push(event);
    return all;
  }
}

/** The process whose runs a log kind records: its start and exit events are that process's. */
const PROCESS_OF_LOG: Partial<Record<LogKind, ProcessName>> = { sdclient: 'sdclient', vulscan: 'vulscan', policysync: 'policysync' };

/** How many of a file's first lines a pattern of this kind recognises: a timestamp alone fits every kind. */
export function sniffByPatterns(kind: LogKind, firstLines: readonly string[], patterns: PatternSet): number {
  let hits = 0;
  for (const line of firstLines) {
    const stamp = parseLeadingTimestamp(line);
    if (stamp?.ok && patterns.match(kind, stamp.rest)) hits += 1;
  }
  return hits;
}

/** The first line of an entry's text: what the patterns look at (continuation lines only wrap a message). */
function firstLineOf(text: string): string {
  const newline = text.indexOf('\n');
  return newline === -1 ? text : text.slice(0, newline);
}

/** An entry as an event: what the pattern pack makes of its first line, or a plain 'message'. */
export function eventOfEntry(kind: LogKind, entry: Readonly<Entry>, context: ParseContext): Event {
  return eventOfMatch(kind, entry, context, context.patterns.match(kind, firstLineOf(entry.text)));
}

function eventOfMatch(kind: LogKind, entry: Readonly<Entry>, context: ParseContext, match: PatternMatch | null): Event {
  const event: Event = {
    kind: match ? match.kind : 'message',
    source: kind,
    file: context.file,
    line: entry.line,
    time: entry.time,
    text: entry.text,
  };
  if (match) {
    Object.assign(event, match.fields);
    event.pattern = match.pattern.spec.id;
  }
  return event;
}

/**
 * The common loop of the entry logs: lines → entries, synchronously as the reader splits them
 * (feedLines); `take` gives each entry's event to the collector (add, or addThinnable to make it
 * only if it is kept) and says whether a pattern knew its wording.
 */
export async function collectEntries(
  batches: LineBatches, file: string, label: string,
  take: (entry: Readonly<Entry>, firstLine: string, collector: EventCollector) => boolean,
  keepMaxEvents?: number,
): Promise<ParseResult> {
  const stats = newStats();
  const collector = new EventCollector(keepMaxEvents !== undefined ? { ...LIMITS, keepMaxEvents } : LIMITS);
  const grouper = new EntryGrouper(file, label, stats, (entry, firstLine) => {
    if (take(entry, firstLine, collector)) stats.recognised += 1;
    else stats.unrecognised += 1;
  });
  await feedLines(batches, grouper);
  grouper.end();
  const events = collector.takeEvents();
  if (collector.dropped > 0) {
    stats.warnings.push(`${file}: a large file: ${collector.dropped} ordinary entries (no known wording, or an installer's progress, amid other activity) were read and counted but not kept in memory; the timeline shows the first and last of each stretch`);
  }
  if (collector.evicted > 0) {
    stats.warnings.push(`${file}: a large file: ${collector.evicted} ordinary entries up to line ${collector.evictedUpToLine} were read and counted, not kept in memory; `
      + (collector.asideDropped > 0 ? 'every failure, wait and refusal in them was kept' : 'every run\'s start and end, wait, refusal, error and result in them was kept'));
  }
  if (collector.asideDropped > 0) {
    stats.warnings.push(`${file}: a very large file: ${collector.asideDropped} events of its oldest routine runs (their starts, names and successes) were read and counted, not kept; every run that failed, waited or was refused was kept whole`);
  }
  if (collector.asideSilenceUpToLine > 0) {
    stats.warnings.push(`${file}: its runs are far apart over a long time: up to line ${collector.asideSilenceUpToLine}, routine runs that were not kept leave more than ${THIN_MAX_SILENCE_MS / 60_000} minutes between the runs kept around them; where no provisioning log says where a template run began, hours of such silence part the runs before them into an earlier template run, which then does not decide the verdict`);
  }
  return { events, stats };
}

export function timestampedLogParser(options: {
  kind: LogKind;
  label: string;
  /** What the file itself adds to each of its events (a per-task log's task id); made once per file. */
  decorator?: (context: ParseContext) => ((event: Event) => void) | null;
}): Parser {
  const { kind, label, decorator } = options;
  const process = PROCESS_OF_LOG[kind];
  return {
    kind,
    label,
    timestamped: true,
    sniff(firstLines: string[], patterns: PatternSet): number {
      return sniffByPatterns(kind, firstLines, patterns);
    },
    async parse(batches, context): Promise<ParseResult> {
      const decorate = decorator?.(context) ?? null;
      const match = context.patterns.matcherFor(kind);
      const make: EventMaker = (entry, found) => {
        const event = eventOfMatch(kind, entry, context, found);
        if (process && event.process === undefined && (event.kind === 'process-start' || event.kind === 'process-exit')) {
          event.process = process;
        }
        decorate?.(event);
        return event;
      };
      return collectEntries(batches, context.file, label, (entry, firstLine, collector) => {
        const found = match(firstLine);
        if (found === null || EventCollector.thinnable(found.kind)) collector.addThinnable(entry, found, make);
        else collector.addMade(entry, found, make);
        return found !== null;
      }, context.keepMaxEvents);
    },
  };
}
