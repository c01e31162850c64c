// `--format csv`: one row per device, for a spreadsheet of the fleet. RFC 4180: CRLF row
// ends, cells with `,` `"` CR LF quoted, quotes doubled. Text cells are guarded against
// formula injection (see csvCell); the numeric columns (action_number, files,
// unparsed_lines) are written as plain numbers so spreadsheets can sum and sort them.
import type { DeviceReport, Report } from '../types.js';
import { hexCode } from '../parsers/codes.js';
import { csvCell } from './escape.js';
import type { Renderer } from './renderer.js';
import { unparsedCount, unrecognisedCount, verdictConfidence } from './model.js';
import { fixInPlace, isAtRisk } from '../report.js';
import { UNREADABLE } from '../rules/verdict.js';

export const CSV_COLUMNS = [
  'device',
  'verdict',
  'severity',
  'confidence',
  'failed_package',
  'action_number',
  'failure_time',
  'return_code',
  'return_code_hex',
  'in_the_way',
  'template',
  'agent_version',
  'at_risk',
  'fix_in_place',
  'findings',
  'files',
  'unparsed_lines',
  'bundle',
  'runs',
  'first_run_verdict',
  'read_errors',
  'unrecognised_lines',
  'gathered',
  'group',
] as const;

/** The process that refused the failed distribution its turn, read from the verdict. */
const IN_THE_WAY: Record<string, string> = {
  'vulscan-blocked-sdclient': 'vulscan', 'policysync-blocked-sdclient': 'policysync', 'sdclient-overlap': 'sdclient',
};

function row(cells: (string | number | null)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** The template runs in the bundle: listed where there are several, else one (none where nothing could be read). */
export function runCount(report: DeviceReport): number {
  return report.runs?.length ?? (report.verdict === UNREADABLE ? 0 : 1);
}

function device(report: DeviceReport): string {
  const verdictFinding = report.findings.find((f) => f.rule === report.verdict);
  const severity = verdictFinding?.severity ?? (report.verdict === 'no-failure' ? 'none' : 'error');
  return row([
    report.device,
    report.verdict,
    severity,
    verdictConfidence(report),
    report.failedPackage,
    report.failedAction,
    // One shape for every row: ISO 8601 to the second.
    report.failureTime === null ? null : report.failureTime.replace(/\.\d{3}(?=$|[+-Z])/, ''),
    report.failedCode ?? null,
    report.failedCode === undefined ? null : hexCode(report.failedCode),
    IN_THE_WAY[report.verdict] ?? 'none',
    report.template ?? null,
    report.agentVersion ?? null,
    isAtRisk(report) ? 'yes' : 'no',
    fixInPlace(report) ? 'yes' : 'no',
    report.findings.map((finding) => finding.rule).join(';'),
    report.files.length,
    unparsedCount(report).lines,
    report.source ?? null,
    runCount(report),
    report.runs?.[0]?.verdict ?? report.verdict,
    (report.readErrors ?? []).map((f) => f.path).join('; '),
    unrecognisedCount(report).lines,
    report.gathered ?? null,
    report.group ?? null,
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
