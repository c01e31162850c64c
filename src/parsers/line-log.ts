// The shared engine of the timestamped logs (sdclient, vulscan, policy sync, scheduler,
// provisioning): entries from lines, then the pattern pack decides what each entry means.
// An entry no pattern knows is still an event ('message'): kept and shown, never lost.
import type { Event, LogKind, ProcessName } from '../types.js';
import { EntryGrouper, newStats, type Entry } from './entries.js';
import type { LineBatches, ParseContext, ParseResult, Parser } from './parser.js';
import type { PatternSet } from './patterns.js';
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
export const KEEP_MAX_EVENTS = 200_000;

export interface CollectorLimits {
  keepAllMessages: number;
  thinGapMs: number;
  keepMaxEvents: number;
}

const LIMITS: CollectorLimits = { keepAllMessages: KEEP_ALL_MESSAGES, thinGapMs: THIN_GAP_MS, keepMaxEvents: KEEP_MAX_EVENTS };

/** Collects a file's events, thinning ordinary messages once a file is very large. */
export class EventCollector {
  readonly events: Event[] = [];
  private readonly limits: CollectorLimits;
  private messages = 0;
  private held: Event | null = null;
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
      // Drop a tenth at once: one splice per 20,000 entries keeps the cost flat.
      const gone = this.events.splice(0, Math.ceil(this.limits.keepMaxEvents / 10));
      this.evicted += gone.length;
      this.evictedUpToLine = gone[gone.length - 1]?.line ?? this.evictedUpToLine;
    }
  }

  add(event: Event): void {
    if (event.kind === 'message') this.messages += 1;
    if (event.kind !== 'message' || this.messages <= this.limits.keepAllMessages) {
      this.flush();
      this.push(event);
      return;
    }
    const last = this.held ?? this.events[this.events.length - 1];
    if (last && last.kind === 'message' && event.time >= last.time && event.time - last.time <= this.limits.thinGapMs) {
      // Same stretch: this message may be its last one; the one held before it is not.
      if (this.held) this.dropped += 1;
      this.held = event;
      return;
    }
    this.flush();
    this.push(event);
  }

  flush(): void {
    if (this.held) this.push(this.held);
    this.held = null;
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

/** An entry as an event: what the pattern pack makes of its first line, or a plain 'message'. */
export function eventOfEntry(kind: LogKind, entry: Entry, context: ParseContext): Event {
  // Patterns look at the entry's first line; continuation lines only wrap its message.
  const newline = entry.text.indexOf('\n');
  const firstLine = newline === -1 ? entry.text : entry.text.slice(0, newline);
  const match = context.patterns.match(kind, firstLine);
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
 * The common loop of the entry logs: batches of lines → entries → events → the collector,
 * synchronously within a batch. `take` turns an entry into its event (or null to drop it).
 */
export async function collectEntries(
  batches: LineBatches, file: string, label: string, take: (entry: Entry) => Event | null,
): Promise<ParseResult> {
  const stats = newStats();
  const collector = new EventCollector();
  const grouper = new EntryGrouper(file, label, stats);
  for await (const batch of batches) {
    for (const line of batch) {
      const entry = grouper.push(line);
      if (entry === null) continue;
      const event = take(entry);
      if (event) collector.add(event);
    }
  }
  const last = grouper.end();
  const event = last ? take(last) : null;
  if (event) collector.add(event);
  collector.flush();
  if (collector.dropped > 0) {
    stats.warnings.push(`${file}: a large file: ${collector.dropped} ordinary entries (no known wording, amid other activity) were read and counted but not kept in memory; the timeline shows the first and last of each stretch`);
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
    sniff(firstLines: string[], patterns: PatternSet): number {
      return sniffByPatterns(kind, firstLines, patterns);
    },
    async parse(batches, context): Promise<ParseResult> {
      const decorate = decorator?.(context) ?? null;
      return collectEntries(batches, context.file, label, (entry) => {
        const event = eventOfEntry(kind, entry, context);
        if (process && event.process === undefined && (event.kind === 'process-start' || event.kind === 'process-exit')) {
          event.process = process;
        }
        decorate?.(event);
        return event;
      });
    },
  };
}
