// The `timeline` command's terminal view: per device, every entry of every file in time
// order (time, file:line, event, text), then the files' line accounting. Log text goes
// through escapeTerminal: it must never drive the terminal.
import Table from 'cli-table3';
import type { DeviceTimeline, TimelineEntry, TimelineReport } from '../types.js';
import { escapeJson, escapeTerminal } from './escape.js';

/** Message text is cut here in the table; --format json has it whole. */
const TEXT_COLUMNS = 90;

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

function deviceSection(device: DeviceTimeline): string {
  const out: string[] = [`== ${escapeTerminal(device.device)} ==`];
  for (const error of device.errors) out.push(`error: ${escapeTerminal(error)}`);
  for (const note of device.notes) out.push(`note: ${escapeTerminal(note)}`);
  const table = new Table({ head: ['time', 'file:line', 'event', 'text'], style: { head: [], border: [], compact: true }, wordWrap: false });
  for (const entry of device.entries) {
    const jump = entry.clockJumpSeconds !== undefined ? ` (clock ${entry.clockJumpSeconds > 0 ? '+' : ''}${entry.clockJumpSeconds}s)` : '';
    table.push([`${entry.time.replace('T', ' ')}${jump}`, escapeTerminal(`${entry.file.split('/').pop() ?? entry.file}:${entry.line}`), eventLabel(entry), cut(entry.text, TEXT_COLUMNS)]);
  }
  out.push(device.entries.length > 0 ? table.toString() : '(no entries)');
  const files = new Table({ head: ['file', 'kind', 'encoding', 'lines', 'parsed', 'unparsed'], style: { head: [], border: [], compact: true } });
  for (const f of device.files) files.push([escapeTerminal(f.path), f.kind, f.encoding, f.lines, f.parsed, f.unparsed]);
  out.push(files.toString());
  for (const f of device.files) {
    for (const u of f.unparsedLines.slice(0, 5)) out.push(`  unparsed ${escapeTerminal(u.file)}:${u.line}: ${escapeTerminal(u.reason)}: ${cut(u.text, 60)}`);
    if (f.unparsed > 5) out.push(`  … ${f.unparsed - 5} more unparsed lines in ${escapeTerminal(f.path)}`);
    for (const w of f.warnings) out.push(`  warning: ${escapeTerminal(w)}`);
  }
  for (const s of device.skipped) out.push(`  skipped ${escapeTerminal(s.path)}: ${escapeTerminal(s.reason)}`);
  return out.join('\n');
}

/** One device's section, as the command streams it. */
export function timelineDeviceText(device: DeviceTimeline): string {
  return `${deviceSection(device)}\n\n`;
}

/** The closing line: the fleet's line accounting. */
export function timelineTotalsText(t: TimelineReport['totals']): string {
  return `${t.devices} device(s), ${t.files} file(s): ${t.lines} lines = ${t.parsed} parsed + ${t.unparsed} unparsed\n`;
}

export function renderTimelineText(report: TimelineReport): string {
  return report.devices.map(timelineDeviceText).join('') + timelineTotalsText(report.totals);
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
