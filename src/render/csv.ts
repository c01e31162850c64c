// `--format csv`: one row per device, for a spreadsheet of the fleet. RFC 4180: CRLF row
// ends, cells with `,` `"` CR LF quoted, quotes doubled. Text cells are guarded against
// formula injection (see csvCell); the numeric columns (action_number, files,
// unparsed_lines) are written as plain numbers so spreadsheets can sum and sort them.
import type { DeviceReport, Report } from '../types.js';
import { csvCell } from './escape.js';
import type { Renderer } from './index.js';
import { unparsedCount, verdictConfidence } from './model.js';

export const CSV_COLUMNS = [
  'device',
  'verdict',
  'confidence',
  'failed_package',
  'action_number',
  'failure_time',
  'findings',
  'files',
  'unparsed_lines',
] as const;

function row(cells: (string | number | null)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

function device(report: DeviceReport): string {
  return row([
    report.device,
    report.verdict,
    verdictConfidence(report),
    report.failedPackage,
    report.failedAction,
    report.failureTime,
    report.findings.map((finding) => finding.rule).join(';'),
    report.files.length,
    unparsedCount(report).lines,
  ]);
}

/** UTF-8's byte order mark: without it Excel reads a CSV in the machine's ANSI code page and garbles "é". */
export const UTF8_BOM = '\uFEFF';

function start(): string {
  return UTF8_BOM + row([...CSV_COLUMNS]);
}

function end(): string {
  return '';
}

function render(report: Report): string {
  return start() + report.devices.map((each) => device(each)).join('');
}

// Streams a row per device as it is finished; render() is the same parts.
export const csv = { render, start, device, end } satisfies Renderer;
