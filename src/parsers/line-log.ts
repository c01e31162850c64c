// The shared engine of the timestamped logs (sdclient, vulscan, policy sync, scheduler,
// provisioning): entries from lines, then the pattern pack decides what each entry means.
// An entry no pattern knows is still an event ('message'): kept and shown, never lost.
import type { Event, LogKind, ProcessName } from '../types.js';
import { newStats, readEntries } from './entries.js';
import type { ParseContext, ParseResult, Parser } from './parser.js';
import type { PatternSet } from './patterns.js';
import { parseLeadingTimestamp } from './timestamp.js';

/** The process whose runs a log kind records: its start and exit events are that process's. */
const PROCESS_OF_LOG: Partial<Record<LogKind, ProcessName>> = { sdclient: 'sdclient', vulscan: 'vulscan', policysync: 'policysync' };

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
      // Only lines a pattern of this kind recognises count: a timestamp alone fits every kind.
      let hits = 0;
      for (const line of firstLines) {
        const stamp = parseLeadingTimestamp(line);
        if (stamp?.ok && patterns.match(kind, stamp.rest)) hits += 1;
      }
      return hits;
    },
    async parse(lines, context): Promise<ParseResult> {
      const stats = newStats();
      const events: Event[] = [];
      for await (const entry of readEntries(lines, context.file, label, stats)) {
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
        const process = PROCESS_OF_LOG[kind];
        if (process && event.process === undefined && (event.kind === 'process-start' || event.kind === 'process-exit')) {
          event.process = process;
        }
        decorate?.(event, context);
        events.push(event);
      }
      return { events, stats };
    },
  };
}
