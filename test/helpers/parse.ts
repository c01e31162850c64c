// Runs the real parsers over log text or files, the way src/device.ts does.
import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLines } from '../../src/ingest/lines.js';
import { logKindFromFileName } from '../../src/ingest/names.js';
import { parsers } from '../../src/parsers/index.js';
import type { ParseResult } from '../../src/parsers/parser.js';
import { patternSet, type PatternSet } from '../../src/parsers/patterns.js';
import { formatWallTime } from '../../src/parsers/timestamp.js';
import type { FileEvents } from '../../src/timeline/index.js';
import type { Event, LogKind } from '../../src/types.js';
import { splitLines, streamOf } from './lines.js';

/** The project's sample bundles (samples/README.md describes each). */
export const SAMPLES = fileURLToPath(new URL('../../samples/', import.meta.url));
/** How many sample devices there are: samples/expected.json's entries (one per bundle). */
export const SAMPLE_DEVICES = Object.keys(JSON.parse(readFileSync(new URL('../../samples/expected.json', import.meta.url), 'utf8')) as object).length;

/** Parses one file of samples/, shown as its path under samples/ ("LAB-0101/ProgramData/…"). */
export async function parseSample(relative: string): Promise<ParseResult & { encoding: string }> {
  const filePath = path.join(SAMPLES, relative);
  const fileName = path.basename(filePath);
  const reader = readLines(createReadStream(filePath));
  const result = await parsers[kindOf(fileName)].parse(reader.batches, { file: relative, fileName, patterns: builtInPatterns });
  return { ...result, encoding: reader.encoding() };
}

/** Built-in patterns only, compiled once for all tests. */
export const builtInPatterns: PatternSet = patternSet();

function kindOf(fileName: string): LogKind {
  const kind = logKindFromFileName(fileName);
  if (kind === null) throw new Error(`test setup: ${fileName} is not a known log name`);
  return kind;
}

/** Parses log text as the file `fileName` (whose name decides the parser). */
export async function parseText(fileName: string, text: string, patterns: PatternSet = builtInPatterns): Promise<ParseResult> {
  return parsers[kindOf(fileName)].parse(streamOf(splitLines(text)), { file: fileName, fileName, patterns });
}

/** Parses a file on disk, streamed through the ingest layer's line reader. */
export async function parseFile(filePath: string, display = filePath, patterns: PatternSet = builtInPatterns): Promise<ParseResult> {
  const fileName = path.basename(filePath);
  const reader = readLines(createReadStream(filePath));
  return parsers[kindOf(fileName)].parse(reader.batches, { file: display, fileName, patterns });
}

/** One parsed file as the timeline takes it. */
export async function fileEventsOf(fileName: string, text: string, patterns: PatternSet = builtInPatterns): Promise<FileEvents> {
  const { events } = await parseText(fileName, text, patterns);
  return { file: fileName, fileName, kind: kindOf(fileName), events };
}

/** "line time kind" per event: exact, readable assertions on what a parser produced. */
export function outline(events: readonly Event[]): string[] {
  return events.map((e) => `${e.line} ${formatWallTime(e.time)} ${e.kind}`);
}

/** Event count by kind. */
export function countByKind(events: readonly Event[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
  return counts;
}
