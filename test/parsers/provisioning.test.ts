import { describe, expect, it } from 'vitest';
import { logText } from '../helpers/lines.js';
import { countByKind, outline, parseSample, parseText } from '../helpers/parse.js';

describe('provisioning parser', () => {
  it('reads a template\'s actions and its stop', async () => {
    const { events, stats } = await parseText('ldprovisioning.log', logText([
      ['09:30:00', 'Template "Win10 Lab build" started on LAB-0101'],
      ['09:40:55', 'Action 5 of 12 "Install LANDesk agent" (Install service) completed, return code 0'],
      ['10:01:31', 'Action 6 of 12 "7-Zip 23.01" (Distribute software) completed, return code 229965824'],
      ['10:02:13', 'Action 7 of 12 "Office 2016 ProPlus" (Distribute software) failed, return code -1916'],
      ['10:02:13', 'Template "Win10 Lab build" stopped: action 7 failed'],
    ]));
    expect(outline(events)).toEqual([
      '1 2026-03-09T09:30:00 template-started',
      '2 2026-03-09T09:40:55 action-result',
      '3 2026-03-09T10:01:31 action-result',
      '4 2026-03-09T10:02:13 action-result',
      '5 2026-03-09T10:02:13 template-stopped',
    ]);
    expect(stats).toMatchObject({ lines: 5, parsed: 5, unparsed: 0 });
    expect(events[1]).toMatchObject({
      actionNumber: 5, actionTotal: 12, actionName: 'Install LANDesk agent', actionType: 'Install service', outcome: 'completed', code: 0,
      source: 'provisioning', pattern: 'provisioning-action',
    });
    expect(events[2]).toMatchObject({ actionNumber: 6, actionName: '7-Zip 23.01', outcome: 'completed', code: 229965824 });
    expect(events[3]).toMatchObject({
      actionNumber: 7, actionTotal: 12, actionName: 'Office 2016 ProPlus', actionType: 'Distribute software', outcome: 'failed', code: -1916,
    });
    expect(events[4]).toMatchObject({ templateName: 'Win10 Lab build', actionNumber: 7 });
    expect(events.every((e) => e.process === undefined)).toBe(true);
  });

  it('reads the ISO-like shape with milliseconds', async () => {
    const { events } = await parseText('ldprovisioning.log', [
      '2026-03-09 10:02:13.250 Action 7 of 12 "Office 2016 ProPlus" (Distribute software) failed, return code -1916',
      '2026-03-09 10:02:13.300 Template "Win10 Lab build" failed',
    ].join('\n'));
    expect(outline(events)).toEqual(['1 2026-03-09T10:02:13.250 action-result', '2 2026-03-09T10:02:13.300 template-stopped']);
  });
});

describe('provisioning parser on samples/', () => {
  it('LAB-0109 ldprovisioning.log: ISO-like times with milliseconds, ten actions', async () => {
    const { events, stats } = await parseSample('LAB-0109/ldprovisioning/ldprovisioning.log');
    expect(stats).toMatchObject({ lines: 53, parsed: 53, unparsed: 0 });
    expect(countByKind(events)).toEqual({ message: 30, 'template-started': 1, 'action-started': 10, 'action-result': 10, 'template-stopped': 1 });
    expect(outline(events.filter((e) => e.line >= 51 && e.line <= 52))).toEqual([
      '51 2026-02-13T14:12:34.310 action-result',
      '52 2026-02-13T14:12:34.330 template-stopped',
    ]);
    expect(events.find((e) => e.line === 51)).toMatchObject({ actionNumber: 10, actionName: 'Cisco AnyConnect 4.10', outcome: 'failed', code: -1916 });
  });

  it('LAB-0102 ldprovisioning.log (UTF-8 with BOM): a template that completed', async () => {
    const { events, stats, encoding } = await parseSample('LAB-0102/ldprovisioning/ldprovisioning.log');
    expect(encoding).toBe('utf-8-bom');
    expect(stats).toMatchObject({ lines: 62, parsed: 62, unparsed: 0 });
    // The BOM does not hide the first line's timestamp.
    expect(outline(events.slice(0, 1))).toEqual(['1 2026-03-11T07:30:02 message']);
    expect(countByKind(events)).toEqual({ message: 35, 'template-started': 1, 'action-started': 12, 'action-result': 12, 'template-completed': 1 });
    expect(events.filter((e) => e.kind === 'action-result').every((e) => e.outcome === 'completed')).toBe(true);
    // A template that completed names itself: the report's template name comes from that line.
    expect(events.filter((e) => e.templateName !== undefined).map((e) => [e.line, e.templateName])).toEqual([[3, 'Win11 Office build'], [61, 'Win11 Office build']]);
  });

  it('takes the template\'s name from a line that starts or completes it, not only from one that stops it', async () => {
    const { events } = await parseText('ldprovisioning.log', logText([
      ['09:30:00', 'Template "Win10 Lab build" started'],
      ['10:40:13', 'Template Win10-Lab finished'],
    ]));
    expect(events.map((e) => [e.kind, e.templateName])).toEqual([['template-started', 'Win10 Lab build'], ['template-completed', 'Win10-Lab']]);
  });

  it('LAB-0111 ldprovisioning.log: a hostile package name is read up to its last quote', async () => {
    const { events } = await parseSample('LAB-0111/ldprovisioning/ldprovisioning.log');
    expect(events.find((e) => e.line === 41)).toMatchObject({
      kind: 'action-result', actionNumber: 8, outcome: 'failed', code: 1603,
      actionName: '=HYPERLINK("http://evil.example","click") <script>alert(1)</script> | `rm`',
    });
  });
});
