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
