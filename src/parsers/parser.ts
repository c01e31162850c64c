// What every parser module exports. A parser turns one file's lines into typed events and
// accounts for every line; it never reads the file itself (the ingest layer streams it).
import type { Event, LogKind } from '../types.js';
import type { LineBatches, LineStats } from './entries.js';
import type { PatternSet } from './patterns.js';

export type { LineBatches } from './entries.js';

export interface ParseContext {
  /** Display path of the file, for events and messages. */
  file: string;
  /** The file's base name (per-task sdclient logs carry their task id in it). */
  fileName: string;
  patterns: PatternSet;
  /** The most entries the file keeps in order (line-log.ts, KEEP_MAX_EVENTS where not given). */
  keepMaxEvents?: number;
  /** When the file was last written (SourceFile.modified): only for what has no time of its own. */
  modified?: number;
}

export interface ParseResult {
  events: Event[];
  stats: LineStats;
}

export interface Parser {
  kind: LogKind;
  /** A few words for listings and "not a … log?" messages. */
  label: string;
  /** A cheap look at a file's first lines, for files whose name is not known: how many look like this kind (0: none). */
  sniff(firstLines: string[], patterns: PatternSet): number;
  /**
   * Set where the parser reads timestamped lines through EntryGrouper: the line reader then reads
   * each line's leading timestamp itself, from the line's bytes (ReadLinesOptions.stamps), for
   * the grouper fed through LineBatches.feed.
   */
  timestamped?: true;
  /** Reads the file's lines, a batch at a time (see ingest/lines.ts: one await per chunk, not per line). */
  parse(batches: LineBatches, context: ParseContext): Promise<ParseResult>;
}
