// The `timeline` command's terminal view: per device, every entry of every file in time
// order (time, file:line, event, text), then the files' line accounting. Log text goes
// through escapeTerminal: it must never drive the terminal.
import type { DeviceTimeline, TimelineEntry, TimelineReport } from '../types.js';
import { escapeJson, escapeTerminal } from './escape.js';
import { displayWidth, drawTable } from './table.js';
import { wrap } from './text.js';
import { appendAll } from '../arrays.js';

/**
 * The layout: a table fitted to a terminal's columns, with the text wrapped (never cut: the
 * timeline exists to show the lines); or, where stdout is no terminal and no --width was given,
 * whole lines, one entry each (time, file:line, event, text), for grep, less and a ticket.
 */
export interface TimelineLayout {
  /** Columns to fit; undefined for whole lines. */
  width?: number;
}

/** The message column is never narrower than this, however narrow the terminal. */
const MIN_TEXT_COLUMNS = 20;
/** The place and event columns wrap past this, so the text keeps the room. */
const SIDE_COLUMNS = 28;

function cut(text: string, width: number): string {
  const one = escapeTerminal(text);
  return one.length > width ? `${one.slice(0, width - 1)}…` : one;
}

function eventLabel(entry: TimelineEntry): string {
  if (entry.kind === 'message') return '';
  const parts: string[] = [entry.kind];
  const { code, blocker, taskId, packageName, actionNumber } = entry.fields;
  if (actionNumber !== undefined) parts.push(`#${actionNumber}`);
  if (code !== undefined) parts.push(`code ${code}`);
  if (blocker !== undefined) parts.push(`by ${blocker}`);
  if (taskId !== undefined) parts.push(`task ${taskId}`);
  if (packageName !== undefined) parts.push(`"${packageName}"`);
  return escapeTerminal(parts.join(' '));
}

function timeOf(entry: TimelineEntry): string {
  const jump = entry.clockJumpSeconds !== undefined ? ` (clock ${entry.clockJumpSeconds > 0 ? '+' : ''}${entry.clockJumpSeconds}s)` : '';
  return `${entry.time.replace('T', ' ')}${jump}`;
}

function placeOf(entry: TimelineEntry): string {
  return escapeTerminal(`${entry.file.split('/').pop() ?? entry.file}:${entry.line}`);
}

/** Whole lines: an entry's continuation lines follow it, indented, so every line of the log is there. */
function wholeLines(device: DeviceTimeline): string[] {
  return device.entries.map((entry) => {
    const label = eventLabel(entry);
    const [first = '', ...more] = entry.text.split('\n').map(escapeTerminal);
    const head = [timeOf(entry), placeOf(entry), ...(label ? [label] : []), first].join('  ');
    return more.length === 0 ? head : [head, ...more.map((line) => `    ${line}`)].join('\n');
  });
}

/** A table fitted to `width` columns: the text (and a long place or event) wrapped, never cut. */
function fittedTable(device: DeviceTimeline, width: number): string {
  const rows = device.entries.map((entry) => [timeOf(entry), placeOf(entry), eventLabel(entry), entry.text.split('\n').map(escapeTerminal).join('\n')]);
  // A loop, not Math.max(...rows): a device's timeline can hold more entries than a call takes arguments.
  const fixed = ['time', 'file:line', 'event'].map((head) => head.length);
  for (const row of rows) for (let c = 0; c < fixed.length; c += 1) fixed[c] = Math.max(fixed[c] ?? 0, displayWidth(row[c] ?? ''));
  // The text keeps 40 % of what the time and the borders (13) leave; the place and the event
  // share the rest, wrapping where they are longer.
  const rest = width - 13 - (fixed[0] ?? 0);
  const side = Math.max(10, Math.min(SIDE_COLUMNS, Math.floor((rest - Math.max(MIN_TEXT_COLUMNS, Math.floor(rest * 0.4))) / 2)));
  for (const c of [1, 2]) fixed[c] = Math.min(side, fixed[c] ?? side);
  const textColumns = Math.max(MIN_TEXT_COLUMNS, width - fixed.reduce((a, b) => a + b, 0) - 13);
  const cells = rows.map((row) => row.map((cell, c) => {
    const room = c === 3 ? textColumns : (fixed[c] ?? SIDE_COLUMNS);
    return cell.split('\n').flatMap((line) => wrap(line, Math.max(room, 1)));
  }));
  return drawTable(['time', 'file:line', 'event', 'text'], cells, { compact: true });
}

function deviceSection(device: DeviceTimeline, layout: TimelineLayout): string {
  const out: string[] = [`== ${escapeTerminal(device.device)} ==`];
  for (const error of device.errors) out.push(`error: ${escapeTerminal(error)}`);
  for (const note of device.notes) out.push(`note: ${escapeTerminal(note)}`);
  if (device.entries.length === 0) out.push('(no entries)');
  else if (layout.width === undefined) appendAll(out, wholeLines(device));
  else out.push(fittedTable(device, layout.width));
  if (layout.width === undefined) {
    for (const f of device.files) out.push(`file ${escapeTerminal(f.path)} (${f.kind}, ${f.encoding}): ${f.lines} lines = ${f.parsed} parsed + ${f.unparsed} unparsed`);
  } else {
    const files = device.files.map((f) => [escapeTerminal(f.path), f.kind, f.encoding, String(f.lines), String(f.parsed), String(f.unparsed)]);
    out.push(drawTable(['file', 'kind', 'encoding', 'lines', 'parsed', 'unparsed'], files, { compact: true }));
  }
  for (const f of device.files) {
    for (const u of f.unparsedLines.slice(0, 5)) out.push(`  unparsed ${escapeTerminal(u.file)}:${u.line}: ${escapeTerminal(u.reason)}: ${cut(u.text, 60)}`);
    if (f.unparsed > 5) out.push(`  … ${f.unparsed - 5} more unparsed lines in ${escapeTerminal(f.path)}`);
    for (const w of f.warnings) out.push(`  warning: ${escapeTerminal(w)}`);
  }
  for (const s of device.skipped) out.push(`  skipped ${escapeTerminal(s.path)}: ${escapeTerminal(s.reason)}`);
  return out.join('\n');
}

/** One device's section, as the command streams it. */
export function timelineDeviceText(device: DeviceTimeline, layout: TimelineLayout = {}): string {
  return `${deviceSection(device, layout)}\n\n`;
}

/** The closing line: the fleet's line accounting. */
export function timelineTotalsText(t: TimelineReport['totals']): string {
  return `${t.devices} device(s), ${t.files} file(s): ${t.lines} lines = ${t.parsed} parsed + ${t.unparsed} unparsed\n`;
}

export function renderTimelineText(report: TimelineReport, layout: TimelineLayout = {}): string {
  return report.devices.map((device) => timelineDeviceText(device, layout)).join('') + timelineTotalsText(report.totals);
}

/** The JSON document in three parts, so a fleet's timelines can be written one device at a time. */
export const timelineJson = {
  start: (): string => '{\n  "schema": "ldforensics.timeline/1",\n  "devices": [\n',
  // escapeJson as diagnose's JSON does: DEL, C1, U+2028/2029 and bidi controls as \u escapes.
  device: (device: DeviceTimeline, first: boolean): string => `${first ? '' : ',\n'}${indent(escapeJson(JSON.stringify(device, null, 2)), '    ')}`,
  end: (totals: TimelineReport['totals']): string => `\n  ],\n  "totals": ${indent(JSON.stringify(totals, null, 2), '  ').trimStart()}\n}\n`,
};

function indent(text: string, by: string): string {
  return text.split('\n').map((line) => by + line).join('\n');
}

export function renderTimelineJson(report: TimelineReport): string {
  const devices = report.devices.map((d, i) => timelineJson.device(d, i === 0)).join('');
  return timelineJson.start() + devices + timelineJson.end(report.totals);
}
