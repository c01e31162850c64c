// `--format jira`: the report in Jira wiki markup (Jira Server / Data Center, and Jira Cloud's
// wiki-markup fields), as md is for GitHub and GitLab, which Jira does not render. Prose goes
// through escapeJira; log lines sit in {noformat} blocks, where Jira shows them as written
// (backslashes, pipes and braces of Windows paths included), with any "{noformat}" in a log
// line kept from closing the block (jiraNoformat).
import { isAtRisk } from '../report.js';
import type { DeviceReport, EvidenceLine, Finding, Summary } from '../types.js';
import { escapeJira, jiraNoformat } from './escape.js';
import type { Renderer } from './renderer.js';
import { atRiskLine, listedNames, ticketFormat } from './ticket.js';
import {
  displayTime,
  explainVerdict,
  fleetSentences,
  headline,
  historyLines,
  racePackagesByCount,
  RACE_VERDICTS,
  unparsedSentence,
  unrecognisedSentence,
  verdictsByCount,
} from './model.js';

function headRow(cells: string[]): string {
  return `||${cells.join('||')}||`;
}

function row(cells: string[]): string {
  // An empty cell must hold something, or Jira merges it into its neighbour.
  return `|${cells.map((cell) => (cell === '' ? ' ' : cell)).join('|')}|`;
}

function summary(fleet: Summary): string[] {
  const out = ['h2. Fleet summary', '', headRow(['Verdict', 'Devices', 'Which'])];
  for (const [verdict, count] of verdictsByCount(fleet)) {
    out.push(row([escapeJira(verdict), String(count), listedNames(fleet.names?.[verdict] ?? [], count, escapeJira)]));
  }
  if (fleet.atRisk) out.push('', atRiskLine(fleet.atRisk, escapeJira, (text) => `*${text}*`));
  const packages = racePackagesByCount(fleet);
  if (packages.length > 0) {
    out.push('', `Packages hit by the scan/sync race (${RACE_VERDICTS.map(escapeJira).join(', ')}):`, '', headRow(['Package', 'Times']));
    for (const [name, count] of packages) out.push(row([escapeJira(name), String(count)]));
  }
  if (fleet.unparsedLines > 0) out.push('', `${fleet.unparsedLines} unparsed lines in all.`);
  for (const sentence of fleetSentences(fleet)) out.push('', escapeJira(sentence));
  return out;
}

/** Log lines as Jira shows them unchanged: time, file:line and text, one a line. */
function linesBlock(lines: EvidenceLine[]): string[] {
  return ['{noformat}', ...lines.map((line) => jiraNoformat(`${displayTime(line.time)}  ${line.file}:${line.line}  ${line.text}`)), '{noformat}'];
}

function finding(item: Finding): string[] {
  const facts = [`*${escapeJira(item.severity)}*`, `${escapeJira(item.confidence)} confidence`, escapeJira(displayTime(item.time))];
  if (item.package !== null) facts.push(`package ${escapeJira(item.package)}`);
  if (item.actionNumber !== null) facts.push(`action ${item.actionNumber}`);
  const out = [`h3. ${escapeJira(item.rule)}`, '', facts.join(' · '), '', escapeJira(item.message)];
  if (item.evidence.length > 0) out.push('', ...linesBlock(item.evidence));
  if (item.fix !== '') out.push('', `*Fix:* ${escapeJira(item.fix)}`);
  return out;
}

function device(report: DeviceReport): string[] {
  const out = [`h2. ${escapeJira(report.device)}: ${escapeJira(report.verdict)}${isAtRisk(report) ? ' (at risk)' : ''}`, ''];
  const head = headline(report);
  out.push(head !== null ? `*${escapeJira(head)}* ${escapeJira(explainVerdict(report))}` : escapeJira(explainVerdict(report)));
  const history = historyLines(report);
  if (history.length > 0) out.push('', '*History:*', '', ...history.map((line) => `* ${escapeJira(line)}`));
  for (const item of report.findings) out.push('', ...finding(item));
  if (report.context.length > 0) out.push('', '*Lines around the failure:*', '', ...linesBlock(report.context));
  const notes = report.notes.map((note) => `* Note: ${escapeJira(note)}`);
  const unparsed = unparsedSentence(report);
  if (unparsed !== null) notes.push(`* ${escapeJira(unparsed)}.`);
  const unrecognised = unrecognisedSentence(report);
  if (unrecognised !== null) notes.push(`* ${escapeJira(unrecognised)}.`);
  for (const skipped of report.skipped) notes.push(`* Skipped ${escapeJira(skipped.path)}: ${escapeJira(skipped.reason)}`);
  for (const unread of report.readErrors ?? []) notes.push(`* Could not read ${escapeJira(unread.path)}: ${escapeJira(unread.reason)}`);
  for (const error of report.errors) notes.push(`* Analysis error: ${escapeJira(error)}`);
  if (notes.length > 0) out.push('', ...notes);
  return out;
}

/** The title, and a fleet's summary under it. */
function head(fleet: Summary): string {
  if (fleet.devices > 1) return `h1. ldforensics diagnosis\n\n${summary(fleet).join('\n')}\n`;
  const sentences = fleetSentences(fleet).map(escapeJira);
  return `h1. ldforensics diagnosis\n${sentences.length > 0 ? `\n${sentences.join('\n\n')}\n` : ''}`;
}

function deviceSection(report: DeviceReport): string {
  return `\n${device(report).join('\n')}\n`;
}

/** `--summary`: the fleet summary alone. */
function summaryAlone(fleet: Summary): string {
  return `h1. ldforensics diagnosis\n\n${summary(fleet).join('\n')}\n`;
}

export const jira = { ...ticketFormat(head, deviceSection), summary: summaryAlone } satisfies Renderer;
