// The `timeline` command's terminal view: per device, every entry of every file in time
// order (time, file:line, event, text), then the files' line accounting. Log text goes
// through escapeTerminal: it must never drive the terminal.
import type { DeviceTimeline, TimelineEntry, TimelineReport } from '../types.js';
import { escapeJson, escapeTerminal } from './escape.js';
import { displayWidth, drawTable } from './table.js';

/** The terminal's width where it is not known (a pipe, a file): never a narrow 60-column layout. */
export const DEFAULT_TIMELINE_WIDTH = 100;
/** The file:line and event columns are cut here, so the message keeps room at 100 columns. */
const PLACE_COLUMNS = 24;
const EVENT_COLUMNS = 24;
/** The message column is never narrower than this, however narrow the terminal; --format json has the text whole. */
const MIN_TEXT_COLUMNS = 20;

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

function deviceSection(device: DeviceTimeline, width: number): string {
  const out: string[] = [`== ${escapeTerminal(device.device)} ==`];
  for (const error of device.errors) out.push(`error: ${escapeTerminal(error)}`);
  for (const note of device.notes) out.push(`note: ${escapeTerminal(note)}`);
  const rows = device.entries.map((entry) => {
    const jump = entry.clockJumpSeconds !== undefined ? ` (clock ${entry.clockJumpSeconds > 0 ? '+' : ''}${entry.clockJumpSeconds}s)` : '';
    return [`${entry.time.replace('T', ' ')}${jump}`, cut(`${entry.file.split('/').pop() ?? entry.file}:${entry.line}`, PLACE_COLUMNS), cut(eventLabel(entry), EVENT_COLUMNS), entry.text];
  });
  // The message takes what the other columns and the borders (13) leave of the terminal's width.
  // A loop, not Math.max(...rows): a device's timeline can hold more entries than a call takes arguments.
  const fixed = ['time', 'file:line', 'event'].map((head) => head.length);
  for (const row of rows) for (let c = 0; c < fixed.length; c += 1) fixed[c] = Math.max(fixed[c] ?? 0, displayWidth(row[c] ?? ''));
  const textColumns = Math.max(MIN_TEXT_COLUMNS, width - fixed.reduce((a, b) => a + b, 0) - 13);
  for (const row of rows) row[3] = cut(row[3] ?? '', textColumns);
  out.push(rows.length > 0 ? drawTable(['time', 'file:line', 'event', 'text'], rows, { compact: true }) : '(no entries)');
  const files = device.files.map((f) => [escapeTerminal(f.path), f.kind, f.encoding, String(f.lines), String(f.parsed), String(f.unparsed)]);
  out.push(drawTable(['file', 'kind', 'encoding', 'lines', 'parsed', 'unparsed'], files, { compact: true }));
  for (const f of device.files) {
    for (const u of f.unparsedLines.slice(0, 5)) out.push(`  unparsed ${escapeTerminal(u.file)}:${u.line}: ${escapeTerminal(u.reason)}: ${cut(u.text, 60)}`);
    if (f.unparsed > 5) out.push(`  … ${f.unparsed - 5} more unparsed lines in ${escapeTerminal(f.path)}`);
    for (const w of f.warnings) out.push(`  warning: ${escapeTerminal(w)}`);
  }
  for (const s of device.skipped) out.push(`  skipped ${escapeTerminal(s.path)}: ${escapeTerminal(s.reason)}`);
  return out.join('\n');
}

/** One device's section, as the command streams it. */
export function timelineDeviceText(device: DeviceTimeline, width = DEFAULT_TIMELINE_WIDTH): string {
  return `${deviceSection(device, width)}\n\n`;
}

/** The closing line: the fleet's line accounting. */
export function timelineTotalsText(t: TimelineReport['totals']): string {
  return `${t.devices} device(s), ${t.files} file(s): ${t.lines} lines = ${t.parsed} parsed + ${t.unparsed} unparsed\n`;
}

export function renderTimelineText(report: TimelineReport, width = DEFAULT_TIMELINE_WIDTH): string {
  return report.devices.map((device) => timelineDeviceText(device, width)).join('') + timelineTotalsText(report.totals);
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
