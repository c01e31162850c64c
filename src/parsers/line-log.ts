// The shared engine of the timestamped logs (sdclient, vulscan, policy sync, scheduler,
// provisioning): entries from lines, then the pattern pack decides what each entry means.
// An entry no pattern knows is still an event ('message'): kept and shown, never lost.
import type { Event, LogKind, ProcessName } from '../types.js';
import { EntryGrouper, feedLines, newStats, type Entry } from './entries.js';
import type { LineBatches, ParseContext, ParseResult, Parser } from './parser.js';
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
 * The most entries one file keeps. A gathered log ends with the provisioning that failed, so
 * past this the oldest entries give way: read and counted, named in the report, not kept.
 */
export const KEEP_MAX_EVENTS = 100_000;

export interface CollectorLimits {
  keepAllMessages: number;
  thinGapMs: number;
  keepMaxEvents: number;
}

const LIMITS: CollectorLimits = { keepAllMessages: KEEP_ALL_MESSAGES, thinGapMs: THIN_GAP_MS, keepMaxEvents: KEEP_MAX_EVENTS };

/**
 * What thinning may drop from the middle of a stretch: ordinary messages, and the installer's
 * progress lines, of which a run's window needs one (that an installer ran), not every one.
 */
const THINNABLE: ReadonlySet<Event['kind']> = new Set(['message', 'installer-activity']);

/** Makes the event of an entry and what the patterns made of it (null: none), where the collector keeps it. */
export type EventMaker = (entry: Readonly<Entry>, match: PatternMatch | null) => Event;

/** Collects a file's events, thinning ordinary messages once a file is very large. */
export class EventCollector {
  readonly events: Event[] = [];
  private readonly limits: CollectorLimits;
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

  constructor(limits: CollectorLimits = LIMITS) {
    this.limits = limits;
  }

  private push(event: Event): void {
    this.events.push(event);
    if (this.events.length > this.limits.keepMaxEvents) {
      // Drop a tenth at once: one splice per 10,000 entries keeps the cost flat.
      const gone = this.events.splice(0, Math.ceil(this.limits.keepMaxEvents / 10));
      this.evicted += gone.length;
      this.evictedUpToLine = gone[gone.length - 1]?.line ?? this.evictedUpToLine;
    }
  }

  add(event: Event): void {
    if (!THINNABLE.has(event.kind)) {
      this.flush();
      this.push(event);
      return;
    }
    if (this.thins(event)) {
      this.hold(event);
      return;
    }
    this.flush();
    this.push(event);
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
    this.push(make(entry, match));
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
      const last = this.events[this.events.length - 1];
      if (last && THINNABLE.has(last.kind)) lastTime = last.time;
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
    if (this.held) this.push(this.held);
    else if (this.heldMake) this.push(this.heldMake(this.heldEntry, this.heldMatch));
    this.held = null;
    this.heldMake = null;
    this.heldMatch = null;
    this.heldEntry.text = '';
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
 * only if it is kept).
 */
export async function collectEntries(
  batches: LineBatches, file: string, label: string,
  take: (entry: Readonly<Entry>, firstLine: string, collector: EventCollector) => void,
): Promise<ParseResult> {
  const stats = newStats();
  const collector = new EventCollector();
  const grouper = new EntryGrouper(file, label, stats, (entry, firstLine) => take(entry, firstLine, collector));
  await feedLines(batches, grouper);
  grouper.end();
  collector.flush();
  if (collector.dropped > 0) {
    stats.warnings.push(`${file}: a large file: ${collector.dropped} ordinary entries (no known wording, or an installer's progress, amid other activity) were read and counted but not kept in memory; the timeline shows the first and last of each stretch`);
  }
  if (collector.evicted > 0) {
    stats.warnings.push(`${file}: a large file: only its last ${collector.events.length} entries are kept; lines 1 to ${collector.evictedUpToLine} were read and counted, not kept`);
  }
  return { events: collector.events, stats };
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
        else collector.add(make(entry, found));
      });
    },
  };
}
