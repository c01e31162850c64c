// CP.<id>.RunNow.stat: a distribution task's last status, as XML:
//   <TaskIdn>1054</TaskIdn><Status>5</Status><ReturnCode>-1916</ReturnCode>
//   <LastRunTime>1773050532</LastRunTime>
// LastRunTime is Unix epoch seconds: UTC, the one zone-true clock in a bundle. The event is
// marked `utc`; the timeline moves it onto the device's wall clock when it can tell the offset.
import { appendAll } from '../arrays.js';
import type { Event } from '../types.js';
import { countUnparsed, looksBinary, newStats, type SourceLine } from './entries.js';
import type { LineBatches, ParseContext, ParseResult, Parser } from './parser.js';
import { flatten } from '../ingest/lines.js';
import { parseCode } from './codes.js';

export const STATUS_NAMES: Record<number, string> = {
  0: 'Unknown', 1: 'Working', 2: 'Downloading', 3: 'Installing', 4: 'Success', 5: 'Failed', 6: 'Cancelled', 7: 'Deferred', 8: 'Failed_Exception',
};

/** A .stat is a few hundred bytes; anything far larger is not one. */
const MAX_XML_CHARS = 256 * 1024;

// One pattern per tag, compiled once. [^<]* then a trim: a lazy group between two \s* backtracks
// quadratically on a tag padded with thousands of blanks.
const TAGS = new Map<string, RegExp>();

function tag(xml: string, name: string): string | undefined {
  let regex = TAGS.get(name);
  if (!regex) {
    regex = new RegExp(`<${name}>([^<]*)</${name}>`, 'i');
    TAGS.set(name, regex);
  }
  return regex.exec(xml)?.[1]?.trim();
}

/** The latest LastRunTime that is a time at all: the end of the year 9999 (epoch seconds). */
const LAST_EPOCH_SECONDS = Date.UTC(9999, 11, 31, 23, 59, 59) / 1000;

/**
 * The file's event, or null where it holds neither a time nor a status. <Status> is the seen part
 * of the format, <LastRunTime> a modeled one: a .stat that says Failed without a usable time is
 * still a failure (FORMATS.md), read as untimed (the timeline places it) with a warning.
 */
function toEvent(xml: string, firstLine: number, context: ParseContext, warnings: string[]): Event | null {
  const taskId = tag(xml, 'TaskIdn') ?? /CP\.(\d+)\./i.exec(context.fileName)?.[1];
  if (!taskId) return null;
  const statusText = tag(xml, 'Status');
  const status = statusText === undefined || statusText === '' ? Number.NaN : Number(statusText);
  const timeText = tag(xml, 'LastRunTime');
  const epoch = Number(timeText);
  let timed = Number.isFinite(epoch) && epoch > 0;
  if (timed && epoch > LAST_EPOCH_SECONDS) {
    warnings.push(`${context.file}: <LastRunTime>${timeText ?? ''}</LastRunTime> is not a time (past the year 9999)`);
    timed = false;
  } else if (!timed && Number.isFinite(status)) {
    warnings.push(`${context.file}: ${timeText === undefined ? 'no <LastRunTime>' : `<LastRunTime>${timeText}</LastRunTime> is not a time`}`);
  }
  if (!timed && !Number.isFinite(status)) return null;
  if (!timed) warnings[warnings.length - 1] += ': the task\'s status is read without a time of its own, and placed after the device\'s last log line';
  const code = parseCode(tag(xml, 'ReturnCode'));
  const statusName = STATUS_NAMES[status];
  const event: Event = {
    kind: 'task-status',
    source: 'task-status',
    file: context.file,
    line: firstLine,
    // Untimed: the file's own modification time, where the bundle kept one, until the timeline places it.
    time: timed ? epoch * 1000 : Math.floor((context.modified ?? 0) / 1000) * 1000,
    ...(timed ? { utc: true } : { untimed: true as const }),
    text: `Task ${taskId}: status ${Number.isFinite(status) ? status : '?'} (${statusName ?? 'unknown'}), return code ${code ?? '?'}${timed ? '' : ' (no time in the file)'}`,
    taskId,
  };
  if (Number.isFinite(status)) event.status = status;
  if (statusName) event.statusName = statusName;
  if (code !== null) event.code = code;
  return event;
}

const parser: Parser = {
  kind: 'task-status',
  label: 'task status (.stat)',
  sniff(firstLines) {
    return firstLines.filter((l) => /<TaskIdn>/i.test(l)).length * 10;
  },
  async parse(batches: LineBatches, context): Promise<ParseResult> {
    const stats = newStats();
    const kept: SourceLine[] = [];
    let xml = '';
    for await (const line of flatten(batches)) {
      stats.lines += 1;
      if (line.oversizedChars !== undefined || looksBinary(line.text) || xml.length > MAX_XML_CHARS) {
        countUnparsed(stats, context.file, line, 'not XML text');
        continue;
      }
      xml += `${line.text}\n`;
      kept.push(line);
    }
    const outOfRange: string[] = [];
    const event = toEvent(xml, kept[0]?.number ?? 1, context, outOfRange);
    if (event) {
      stats.parsed += kept.length;
      appendAll(stats.warnings, outOfRange);
      return { events: [event], stats };
    }
    if (outOfRange.length > 0) {
      for (const line of kept) countUnparsed(stats, context.file, line, 'LastRunTime out of range');
      appendAll(stats.warnings, outOfRange);
      return { events: [], stats };
    }
    for (const line of kept) countUnparsed(stats, context.file, line, 'no <TaskIdn>, <Status> or <LastRunTime> in this .stat file');
    stats.warnings.push(`${context.file}: not a task status file (no task id, and no <Status> or <LastRunTime>)`);
    return { events: [], stats };
  },
};

export default parser;
