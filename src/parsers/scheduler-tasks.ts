// LocalSchedulerTasks.log: the output of `LocalSch.exe /tasks`, saved by the gathering script.
// Not timestamped lines but one block per task:
//   Task ID: 3
//     Command: "C:\Program Files (x86)\LANDesk\LDClient\vulscan.exe" /AgentBehavior=ERSC_Default /Scan
//     Start: 09 Mar 2026 09:41:02
// Each block becomes a 'task-listed' event placed at the task's first start: that is the one
// time the listing gives, and the one the rules need (a start in the year 3000 is the fix).
import type { Event } from '../types.js';
import { countUnparsed, looksBinary, newStats } from './entries.js';
import type { LineBatches, ParseContext, ParseResult, Parser } from './parser.js';
import { flatten } from '../ingest/lines.js';
import { programOf, schedulerArguments } from './patterns.js';
import { parseLeadingTimestamp, parseTimestampValue } from './timestamp.js';

// Each is linear in the line's length: no two quantifiers that can take the same blanks stand
// side by side (a "task" followed by thousands of blanks once hung the parser), keys are bounded,
// and values are trimmed in code rather than by a lazy group before \s*$.
const TASK_ID = /^\s*task(?:\s*id)?\s*(?:[:=#]\s*)?(\d+)\s*$/i;
const KEY_VALUE = /^\s*([A-Za-z][A-Za-z ]{0,40}?)[ \t]*[:=](.*)$/;
/** A task on one line: an optional "Task" and id, then the command with its scheduler arguments. */
const ONE_LINE_TASK = /^\s*(?:(?:task(?:\s*id)?\s*(?:#\s*)?)?(\d+)\s*(?:[:=-]\s*)?)?(".*|\S.*)$/i;

interface Block {
  line: number;
  taskId: string;
  lines: string[];
  values: Map<string, string>;
}

function seconds(text: string | undefined): { min?: number; max?: number } {
  if (!text) return {};
  // "3600" is seconds; "0|60" is the scheduler's /autodelay syntax, in minutes.
  const range = /^"?(\d+)\s*\|\s*(\d+)"?$/.exec(text);
  if (range) return { min: Number(range[1]) * 60, max: Number(range[2]) * 60 };
  const plain = /^(\d+)/.exec(text);
  return plain ? { min: 0, max: Number(plain[1]) } : {};
}

function toEvent(block: Block, context: ParseContext, warnings: string[]): Event | null {
  const command = block.values.get('command') ?? '';
  const startText = block.values.get('start') ?? block.values.get('start time') ?? block.values.get('next run');
  const start = startText ? parseTimestampValue(startText) : null;
  const args = schedulerArguments(command);
  const time = start ?? args.start ?? null;
  if (time === null) {
    warnings.push(`${context.file}:${block.line}: task ${block.taskId} has no readable start time; listed but not placed on the timeline`);
    return null;
  }
  const frequency = block.values.get('frequency') ?? block.values.get('freq');
  const delay = seconds(block.values.get('random delay') ?? block.values.get('autodelay'));
  const event: Event = {
    kind: 'task-listed',
    source: 'scheduler-tasks',
    file: context.file,
    line: block.line,
    time,
    text: block.lines.map((l) => l.trim()).join('\n'),
    taskId: block.taskId,
    command,
    start: time,
    startText: startText ?? args.startText ?? '',
  };
  const process = programOf(command);
  if (process) event.process = process;
  const freq = frequency ? Number(/^\d+/.exec(frequency)?.[0]) : args.frequencySeconds;
  if (freq !== undefined && Number.isFinite(freq)) event.frequencySeconds = freq;
  const min = delay.min ?? args.delayMinSeconds;
  const max = delay.max ?? args.delayMaxSeconds;
  if (min !== undefined) event.delayMinSeconds = min;
  if (max !== undefined) event.delayMaxSeconds = max;
  return event;
}

const parser: Parser = {
  kind: 'scheduler-tasks',
  label: 'scheduler task list',
  sniff(firstLines) {
    const ids = firstLines.filter((l) => TASK_ID.test(l)).length;
    const blocks = firstLines.some((l) => /^\s*command\s*:/i.test(l)) ? ids : 0;
    // One task per line, in the scheduler's syntax, and no timestamp (that would be localsch.log).
    const oneLiners = firstLines.filter((l) => /\/start\s*=\s*"/i.test(l) && parseLeadingTimestamp(l) === null).length;
    return blocks + oneLiners;
  },
  async parse(batches: LineBatches, context): Promise<ParseResult> {
    const stats = newStats();
    const events: Event[] = [];
    let block: Block | null = null;
    const close = (): void => {
      if (!block) return;
      const event = toEvent(block, context, stats.warnings);
      if (event) events.push(event);
      block = null;
    };
    for await (const line of flatten(batches)) {
      stats.lines += 1;
      if (line.oversizedChars !== undefined || looksBinary(line.text)) {
        countUnparsed(stats, context.file, line, line.oversizedChars !== undefined ? 'line too long' : 'binary data');
        continue;
      }
      const id = TASK_ID.exec(line.text);
      if (id?.[1]) {
        close();
        block = { line: line.number, taskId: id[1], lines: [line.text], values: new Map() };
        stats.parsed += 1;
        continue;
      }
      if (line.text.trim() === '') {
        stats.parsed += 1;
        continue;
      }
      const kv = KEY_VALUE.exec(line.text);
      if (block && kv?.[1] !== undefined) {
        const current: Block = block;
        current.values.set(kv[1].trim().toLowerCase(), (kv[2] ?? '').trim());
        current.lines.push(line.text);
        stats.parsed += 1;
        continue;
      }
      // Other agent versions list a task on one line, in the scheduler's own syntax:
      //   3  "C:\Program Files (x86)\LANDesk\LDClient\vulscan.exe" /Scan /start="09 Mar 2026 09:41:02" /freq=86400
      const oneLine = ONE_LINE_TASK.exec(line.text);
      if (oneLine && /\/start\s*=/i.test(line.text)) {
        close();
        const taskId = oneLine[1] ?? /\/taskid\s*=\s*"?(\d+)/i.exec(line.text)?.[1] ?? '?';
        const event = toEvent({ line: line.number, taskId, lines: [line.text], values: new Map([['command', oneLine[2] ?? '']]) }, context, stats.warnings);
        if (event) events.push(event);
        stats.parsed += 1;
        continue;
      }
      countUnparsed(stats, context.file, line, block ? 'not a "key: value" line of a task block' : 'outside any task block');
    }
    close();
    // The listing is in task-id order, not time order, and the timeline keeps each file's own
    // order: sorted by start, each task lands at its start among the other files' events.
    events.sort((a, b) => a.time - b.time);
    return { events, stats };
  },
};

export default parser;
