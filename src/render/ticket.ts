// What the ticket formats (md, jira) share: a title and the fleet summary lead, then each device
// in full (a ticket wants the evidence), sorted as text sorts them: failed first, then at risk or
// warned, then healthy. The CLI holds each device's section with its group (spool.ts) until the
// fleet is read; render() gives the same bytes for a whole report.
import type { DeviceReport, Report, Summary } from '../types.js';
import type { Renderer } from './renderer.js';
import { textGroup } from './text.js';

export function ticketFormat(head: (fleet: Summary) => string, section: (device: DeviceReport) => string): { render(report: Report): string; leads: NonNullable<Renderer['leads']> } {
  const leads = { groups: 3, group: textGroup, head, device: section, tail: (): string => '' };
  const render = (report: Report): string => {
    const groups: string[][] = [[], [], []];
    for (const each of report.devices) groups[textGroup(each)]?.push(section(each));
    return head(report.summary) + groups.map((g) => g.join('')).join('');
  };
  return { render, leads };
}

/** How many device names a ticket's summary lists for a verdict (or at risk) before "and N more". */
const NAMES_LISTED = 20;

/** "LAB-0101, LAB-0105, and 3 more": the first names of `total`, each escaped for the format. */
export function listedNames(names: readonly string[], total: number, escape: (text: string) => string): string {
  const shown = names.slice(0, NAMES_LISTED).map(escape);
  return shown.join(', ') + (total > shown.length ? `, and ${total - shown.length} more` : '');
}

/** The at-risk line of a ticket's summary, `bold` marking its lead word as the format does. */
export function atRiskLine(atRisk: NonNullable<Summary['atRisk']>, escape: (text: string) => string, bold: (text: string) => string): string {
  return `${bold('At risk')} (a scan or policy sync was due while provisioning ran; it did not fail this time): ${atRisk.devices} device(s): ${listedNames(atRisk.names, atRisk.devices, escape)}`;
}
