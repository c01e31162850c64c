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

function toEvent(xml: string, firstLine: number, context: ParseContext, warnings: string[]): Event | null {
  const taskId = tag(xml, 'TaskIdn') ?? /CP\.(\d+)\./i.exec(context.fileName)?.[1];
  const epoch = Number(tag(xml, 'LastRunTime'));
  if (!taskId || !Number.isFinite(epoch) || epoch <= 0) return null;
  if (epoch > LAST_EPOCH_SECONDS) {
    warnings.push(`${context.file}: <LastRunTime>${tag(xml, 'LastRunTime') ?? ''}</LastRunTime> is not a time (past the year 9999); the file's status is not placed on the timeline`);
    return null;
  }
  const status = Number(tag(xml, 'Status'));
  const code = parseCode(tag(xml, 'ReturnCode'));
  const statusName = STATUS_NAMES[status];
  const event: Event = {
    kind: 'task-status',
    source: 'task-status',
    file: context.file,
    line: firstLine,
    time: epoch * 1000,
    utc: true,
    text: `Task ${taskId}: status ${Number.isFinite(status) ? status : '?'} (${statusName ?? 'unknown'}), return code ${code ?? '?'}`,
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
      return { events: [event], stats };
    }
    if (outOfRange.length > 0) {
      for (const line of kept) countUnparsed(stats, context.file, line, 'LastRunTime out of range');
      appendAll(stats.warnings, outOfRange);
      return { events: [], stats };
    }
    for (const line of kept) countUnparsed(stats, context.file, line, 'no <TaskIdn> and <LastRunTime> in this .stat file');
    stats.warnings.push(`${context.file}: not a task status file (no <TaskIdn> and <LastRunTime>)`);
    return { events: [], stats };
  },
};

export default parser;
