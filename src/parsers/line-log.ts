// The shared engine of the timestamped logs (sdclient, vulscan, policy sync, scheduler,
// provisioning): entries from lines, then the pattern pack decides what each entry means.
// An entry no pattern knows is still an event ('message'): kept and shown, never lost.
import type { Event, LogKind, ProcessName } from '../types.js';
import { newStats, readEntries, type Entry } from './entries.js';
import type { ParseContext, ParseResult, Parser } from './parser.js';
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
  const firstLine = entry.text.split('\n', 1)[0] ?? '';
  const match = context.patterns.match(kind, firstLine);
  const event: Event = {
    kind: match ? match.kind : 'message',
    source: kind,
    file: context.file,
    line: entry.line,
    time: entry.time,
    text: entry.text,
    ...(match ? match.fields : {}),
  };
  if (match) event.pattern = match.pattern.spec.id;
  return event;
}

export function timestampedLogParser(options: {
  kind: LogKind;
  label: string;
  /** Adds what the file itself says to each event (a per-task log's task id). */
  decorate?: (event: Event, context: ParseContext) => void;
}): Parser {
  const { kind, label, decorate } = options;
  return {
    kind,
    label,
    sniff(firstLines: string[], patterns: PatternSet): number {
      return sniffByPatterns(kind, firstLines, patterns);
    },
    async parse(lines, context): Promise<ParseResult> {
      const stats = newStats();
      const collector = new EventCollector();
      for await (const entry of readEntries(lines, context.file, label, stats)) {
        const event = eventOfEntry(kind, entry, context);
        const process = PROCESS_OF_LOG[kind];
        if (process && event.process === undefined && (event.kind === 'process-start' || event.kind === 'process-exit')) {
          event.process = process;
        }
        decorate?.(event, context);
        collector.add(event);
      }
      collector.flush();
      if (collector.dropped > 0) {
        stats.warnings.push(`${context.file}: a large file: ${collector.dropped} ordinary entries (no known wording, amid other activity) were read and counted but not kept in memory; the timeline shows the first and last of each stretch`);
      }
      if (collector.evicted > 0) {
        stats.warnings.push(`${context.file}: a large file: only its last ${collector.events.length} entries are kept; lines 1 to ${collector.evictedUpToLine} were read and counted, not kept`);
      }
      return { events: collector.events, stats };
    },
  };
}
