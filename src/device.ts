// One device bundle → its parsed files and timeline. Each file is streamed through its
// parser; a file whose name says nothing is sniffed from its first lines; a file that cannot
// be read becomes a warning on that file, never an error that stops the device or the fleet.
import { SOURCE_WARNING, type Bundle, type SourceFile } from './ingest/source.js';
import { readLines, ZeroFilledError, type FeedableBatches, type Line } from './ingest/lines.js';
import { epmProcessesAtGathering, PROCESS_LIST_NAME, type RunningAtGathering } from './ingest/gathering-processes.js';

export type { RunningAtGathering } from './ingest/gathering-processes.js';
import { logKindFromFileName, skipReasonFromPath } from './ingest/names.js';
import { parsers, SNIFF_LINES, sniffKind } from './parsers/index.js';
import type { PatternSet } from './parsers/patterns.js';
import { byteStamps } from './parsers/timestamp.js';
import { buildTimeline, type FileEvents } from './timeline/index.js';
import type { FileReport, LogKind, SkippedFile, Timeline } from './types.js';
import { readProgress } from './ingest/read-progress.js';

export interface LoadOptions {
  patterns: PatternSet;
  /** The devices' zone (--tz). */
  zone?: string;
  /** Files larger than this are not read (--max-file-size; default MAX_FILE_SIZE). */
  maxFileSize?: number;
  /** The most entries a file keeps in order (a diagnosis needs fewer than the timeline shows: line-log.ts). */
  keepMaxEvents?: number;
}

/** The default --max-file-size: no log a gathering script copies comes near it; a 10 GB sparse file was read for minutes. */
export const MAX_FILE_SIZE = 2 * 1024 ** 3;

/** "2 GiB", "512 MiB", "1.5 KiB": a size as the messages give it. */
export function sizeText(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} bytes` : `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

export interface LoadedDevice {
  device: string;
  /** The bundle's folder, zip or file on disk. */
  source?: string;
  /** The bundle's path was given absolute (Bundle.absoluteGiven). */
  absoluteGiven?: boolean;
  timeline: Timeline;
  files: FileReport[];
  skipped: SkippedFile[];
  /**
   * Logs found in the bundle that could not be opened (permission denied, a broken entry), or
   * whose reading stopped before their end (then also in `files`, with what was read): never skipped files.
   */
  readErrors: SkippedFile[];
  /** The folders between the given path and the device (Bundle.group). */
  group?: string;
  /** EPM processes still running when the logs were gathered (the gathering script's Process_Commandline.log). */
  runningAtGathering?: RunningAtGathering[];
  errors: string[];
}

/** The batches, or their feed, stopping (recording why) where reading fails: what was read still counts. */
function untilReadError(batches: FeedableBatches, failures: string[], zeroFilled: { seen: boolean }): FeedableBatches {
  const failed = (error: unknown): void => {
    if (error instanceof ZeroFilledError) zeroFilled.seen = true;
    failures.push(error instanceof Error ? error.message : String(error));
  };
  async function* lines(): AsyncGenerator<Line[]> {
    try {
      yield* batches;
    } catch (error) {
      failed(error);
    }
  }
  return {
    [Symbol.asyncIterator]: lines,
    feed: async (sink) => {
      try {
        await batches.feed(sink);
      } catch (error) {
        failed(error);
      }
    },
  };
}

/** Takes the first lines of the batches for a sniff, and gives back batches of all of them. */
async function peek(batches: AsyncIterable<Line[]>, count: number): Promise<{ head: Line[]; all: AsyncIterable<Line[]>; close: () => Promise<void> }> {
  const iterator = batches[Symbol.asyncIterator]();
  const taken: Line[][] = [];
  let held = 0;
  let done = false;
  while (held < count) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    taken.push(next.value);
    held += next.value.length;
  }
  async function* all(): AsyncGenerator<Line[]> {
    yield* taken;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head: taken.flat().slice(0, count), all: all(), close: async () => { await iterator.return?.(); } };
}

interface ParsedSource {
  events: FileEvents;
  report: FileReport;
  /**
   * Set where reading stopped before the file's end (a damaged zip entry, an I/O error): what was
   * read counts, and the rest is a read error of the device, as a file that could not be opened is.
   */
  readError?: SkippedFile;
}

/** A file that exists but could not be opened. */
interface ReadError {
  readError: SkippedFile;
}

async function parseSource(source: SourceFile, options: LoadOptions): Promise<ParsedSource | SkippedFile | ReadError> {
  const named = logKindFromFileName(source.name);
  const notEpm = named === null ? skipReasonFromPath(source.path) : null;
  if (notEpm !== null) return { path: source.path, reason: notEpm };
  const maxSize = options.maxFileSize ?? MAX_FILE_SIZE;
  if (source.size > maxSize) {
    return { readError: { path: source.path, reason: `${sizeText(source.size)}, larger than --max-file-size (${sizeText(maxSize)}): not read` } };
  }
  let stream;
  try {
    stream = await source.open();
  } catch (error) {
    return { readError: { path: source.path, reason: `cannot be read: ${error instanceof Error ? error.message : String(error)}` } };
  }
  const sourceWarnings: string[] = [];
  if (!Buffer.isBuffer(stream)) stream.on(SOURCE_WARNING, (message: string) => sourceWarnings.push(`${source.path}: ${message}`));
  // A file known by its name as a timestamped log has its timestamps read by the line reader.
  const reader = readLines(stream, named !== null && parsers[named].timestamped === true ? { stamps: byteStamps } : {});
  const failures: string[] = [];
  const zeroFilled = { seen: false };
  const lines = untilReadError(reader.batches, failures, zeroFilled);
  let kind: LogKind | null = named;
  let input: AsyncIterable<Line[]> = lines;
  if (kind === null) {
    const peeked = await peek(lines, SNIFF_LINES);
    kind = sniffKind(peeked.head.map((l) => l.text), options.patterns);
    if (kind === null) {
      await peeked.close();
      if (!Buffer.isBuffer(stream)) stream.destroy();
      return { path: source.path, reason: 'not a known log name, and its first lines look like no EPM log' };
    }
    input = peeked.all;
  }
  const parser = parsers[kind];
  const { events, stats } = await parser.parse(input, { file: source.path, fileName: source.name, patterns: options.patterns, ...(options.keepMaxEvents !== undefined ? { keepMaxEvents: options.keepMaxEvents } : {}), ...(source.modified !== undefined ? { modified: source.modified } : {}) });
  // Not a log at all: a read error on the device (its logs may be missing), not an empty file.
  if (zeroFilled.seen) return { readError: { path: source.path, reason: new ZeroFilledError().message } };
  const warnings = [...stats.warnings, ...sourceWarnings];
  for (const failure of failures) warnings.push(`${source.path}: reading stopped after line ${stats.lines}: ${failure}`);
  if (named === null) warnings.unshift(`${source.path}: name not known; read as a ${parser.label} log from its first lines`);
  const report: FileReport = {
    path: source.path,
    kind,
    encoding: reader.encoding(),
    lines: stats.lines,
    parsed: stats.parsed,
    unparsed: stats.unparsed,
    unparsedLines: stats.unparsedLines,
    warnings,
  };
  if (stats.gaveUp) report.gaveUp = true;
  if (stats.unrecognised > 0) report.unrecognised = stats.unrecognised;
  // Only where the file has entries at all: an empty or binary file is another finding.
  if (stats.recognised + stats.unrecognised > 0) report.recognised = stats.recognised;
  if (reader.crLineEnds()) {
    report.crLineEnds = true;
    warnings.push(`${source.path}: lines end in CR alone (old Mac style); each CR was read as a line end`);
  }
  const stopped = failures.length > 0
    ? { readError: { path: source.path, reason: `read up to line ${stats.lines}, then reading stopped: ${failures.join('; ')}` } }
    : {};
  return { events: { file: source.path, fileName: source.name, kind, events }, report, ...stopped };
}

/** Reads and parses every file of a bundle, then builds the device's timeline. */
export async function loadDevice(bundle: Bundle, options: LoadOptions): Promise<LoadedDevice> {
  const files: FileReport[] = [];
  const parsed: FileEvents[] = [];
  const skipped: SkippedFile[] = [...bundle.skipped];
  const readErrors: SkippedFile[] = [];
  const runningAtGathering: RunningAtGathering[] = [];
  for (const source of bundle.files) {
    if (source.name.toLowerCase() === PROCESS_LIST_NAME) {
      // Not a log, but evidence: the EPM processes still running when the logs were gathered.
      try {
        for (const seen of await epmProcessesAtGathering(source)) {
          runningAtGathering.push({ ...seen, file: source.path, ...(source.modified !== undefined ? { modified: source.modified } : {}) });
        }
      } catch {
        // it is also listed as skipped below, with what it is
      }
    }
    readProgress(source.path);
    const result = await parseSource(source, options);
    if ('reason' in result) {
      skipped.push(result);
      continue;
    }
    if (result.readError) readErrors.push(result.readError);
    if (!('report' in result)) continue;
    files.push(result.report);
    parsed.push(result.events);
  }
  const timeline = buildTimeline(bundle.name, parsed, options.zone ? { zone: options.zone } : {});
  return {
    device: bundle.name, ...(bundle.source ? { source: bundle.source } : {}), ...(bundle.absoluteGiven ? { absoluteGiven: true } : {}), ...(bundle.group !== undefined ? { group: bundle.group } : {}), timeline, files, skipped, readErrors, errors: [...bundle.errors],
    ...(runningAtGathering.length > 0 ? { runningAtGathering } : {}),
  };
}
