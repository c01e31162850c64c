// `--format md`: a ticket-ready Markdown report, GitHub/GitLab-flavoured (pipe tables, code
// spans): it renders in GitHub, GitLab, Azure DevOps and Markdown viewers, not in Jira or
// ServiceNow, which do not render its tables (`--format jira` is for Jira). Prose from the report goes through
// escapeMarkdown; log text and file names sit in table cells as code spans
// (markdownCodeCell), so a table row always keeps its column count.
import { appendAll } from '../arrays.js';
import { unrecognisedHint } from './text.js';
import { isAtRisk } from '../report.js';
import type { DeviceReport, EvidenceLine, Finding, Summary } from '../types.js';
import { escapeMarkdown, markdownCodeCell } from './escape.js';
import type { Renderer } from './renderer.js';
import { atRiskLine, listedNames, ticketFormat } from './ticket.js';
import {
  displayTime,
  explainVerdict,
  fleetSentences,
  historyLines,
  headline,
  racePackagesByCount,
  RACE_VERDICTS,
  unparsedSentence,
  unrecognisedSentence,
  verdictsByCount,
} from './model.js';

function tableRow(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function table(head: string[], align: ('l' | 'r')[], rows: string[][]): string[] {
  return [
    tableRow(head),
    tableRow(align.map((side) => (side === 'r' ? '---:' : '---'))),
    ...rows.map(tableRow),
  ];
}

function summary(fleet: Summary): string[] {
  const out = ['## Fleet summary', ''];
  const rows = verdictsByCount(fleet).map(([verdict, count]) => {
    return [escapeMarkdown(verdict), String(count), listedNames(fleet.names?.[verdict] ?? [], count, escapeMarkdown)];
  });
  appendAll(out, table(['Verdict', 'Devices', 'Which'], ['l', 'r', 'l'], rows));
  if (fleet.atRisk) out.push('', atRiskLine(fleet.atRisk, escapeMarkdown, (text) => `**${text}**`));
  appendAll(out, racePackages(fleet));
  if (fleet.unparsedLines > 0) out.push('', `${fleet.unparsedLines} unparsed lines in all.`);
  if (fleet.unrecognised) out.push('', unrecognisedHint(fleet.unrecognised));
  for (const sentence of fleetSentences(fleet)) out.push('', escapeMarkdown(sentence));
  return out;
}

function racePackages(fleet: Summary): string[] {
  const rows = racePackagesByCount(fleet).map(([name, count]) => [escapeMarkdown(name), String(count)]);
  if (rows.length === 0) return [];
  const verdicts = RACE_VERDICTS.map((verdict) => escapeMarkdown(verdict)).join(', ');
  return ['', `Packages hit by the scan/sync race (${verdicts}):`, '', ...table(['Package', 'Times'], ['l', 'r'], rows)];
}

function linesTable(lines: EvidenceLine[]): string[] {
  return table(
    ['Time', 'File:line', 'Text'],
    ['l', 'l', 'l'],
    lines.map((line) => [
      escapeMarkdown(displayTime(line.time)),
      markdownCodeCell(`${line.file}:${line.line}`),
      markdownCodeCell(line.text),
    ]),
  );
}

function finding(item: Finding): string[] {
  const facts = [`**${escapeMarkdown(item.severity)}**`, `${escapeMarkdown(item.confidence)} confidence`, escapeMarkdown(displayTime(item.time))];
  if (item.package !== null) facts.push(`package ${escapeMarkdown(item.package)}`);
  if (item.actionNumber !== null) facts.push(`action ${item.actionNumber}`);
  const out = [`### ${escapeMarkdown(item.rule)}`, '', facts.join(' · '), '', escapeMarkdown(item.message)];
  if (item.evidence.length > 0) out.push('', ...linesTable(item.evidence));
  if (item.fix !== '') out.push('', `**Fix:** ${escapeMarkdown(item.fix)}`);
  return out;
}

function device(report: DeviceReport): string[] {
  const out = [`## ${escapeMarkdown(report.device)}: ${escapeMarkdown(report.verdict)}${isAtRisk(report) ? ' (at risk)' : ''}`, ''];
  const head = headline(report);
  out.push(head !== null ? `**${escapeMarkdown(head)}** ${escapeMarkdown(explainVerdict(report))}` : escapeMarkdown(explainVerdict(report)));
  const history = historyLines(report);
  if (history.length > 0) out.push('', '**History:**', '', ...history.map((line) => `- ${escapeMarkdown(line)}`));
  for (const item of report.findings) out.push('', ...finding(item));
  if (report.context.length > 0) out.push('', '**Lines around the failure:**', '', ...linesTable(report.context));
  const notes = report.notes.map((note) => `- Note: ${escapeMarkdown(note)}`);
  const unparsed = unparsedSentence(report);
  if (unparsed !== null) notes.push(`- ${unparsed}.`);
  const unrecognised = unrecognisedSentence(report);
  if (unrecognised !== null) notes.push(`- ${escapeMarkdown(unrecognised)}.`);
  for (const skipped of report.skipped) {
    notes.push(`- Skipped ${escapeMarkdown(skipped.path)}: ${escapeMarkdown(skipped.reason)}`);
  }
  for (const unread of report.readErrors ?? []) notes.push(`- Could not read ${escapeMarkdown(unread.path)}: ${escapeMarkdown(unread.reason)}`);
  for (const error of report.errors) notes.push(`- Analysis error: ${escapeMarkdown(error)}`);
  if (notes.length > 0) out.push('', ...notes);
  return out;
}

/** The title, and a fleet's summary under it: what comes before the devices. */
function head(fleet: Summary): string {
  if (fleet.devices > 1) return `# ldforensics diagnosis\n\n${summary(fleet).join('\n')}\n`;
  // One device: no summary table, but what the run did not read is still said.
  const sentences = fleetSentences(fleet).map((sentence) => escapeMarkdown(sentence));
  return `# ldforensics diagnosis\n${sentences.length > 0 ? `\n${sentences.join('\n\n')}\n` : ''}`;
}

function deviceSection(report: DeviceReport): string {
  return `\n${device(report).join('\n')}\n`;
}

/** `--summary`: the fleet summary alone, for pasting into a ticket. */
function end(fleet: Summary): string {
  return `# ldforensics diagnosis\n\n${summary(fleet).join('\n')}\n`;
}

// The summary leads, devices in full, failed first (ticket.ts).
export const md = { ...ticketFormat(head, deviceSection), summary: end } satisfies Renderer;
