import { describe, expect, it } from 'vitest';
import { buildTimeline } from '../../src/timeline/index.js';
import { fileEventsOf, outline, parseText } from '../helpers/parse.js';

/** ProvisionGUI.exe.log lines in the WinPE log's shape: ISO date, (pid-tid) glued to the seconds. */
function gui(lines: [string, string][]): string {
  return lines.map(([time, text]) => `2026-03-09 ${time}(2212-2240) ${text}`).join('\r\n') + '\r\n';
}

const RACE_ACTIONS = gui([
  ['09:40:55', 'Recieved command to set print: <Action><ActionId>5</ActionId><ActionName>Install agent</ActionName><Type>Configure agent</Type></Action>'],
  ['09:40:56', 'Action 5 SUCCESS, return:0'],
  ['09:41:05', 'Recieved command to set print: Action'],
  ['09:41:05', '7-Zip 23.01'],
  ['09:41:05', 'Recieved command to set print: <Action><ActionId>6</ActionId><ActionName>7-Zip 23.01</ActionName><Type>Distribute software</Type></Action>'],
  ['10:02:06', 'return:3010'],
  ['10:02:07', 'Recieved command to set print: <Action><ActionId>7</ActionId><ActionName>Office 2016 ProPlus</ActionName><Type>Distribute software</Type></Action>'],
  ['10:02:13', 'FAILED'],
  ['10:02:13', 'return:-1917517692'],
  ['10:02:13', 'Template "Win10 Lab build" stopped: action 7 failed'],
]);

describe('ProvisionGUI.exe.log parser', () => {
  it('reads each action from its "set print" lines and its result from later lines that do not name it', async () => {
    const { events, stats } = await parseText('ProvisionGUI.exe.log', RACE_ACTIONS);
    expect(stats).toMatchObject({ lines: 10, parsed: 10, unparsed: 0 });
    const results = events.filter((e) => e.kind === 'action-result');
    expect(results.map((e) => [e.line, e.actionNumber, e.actionName, e.actionType, e.outcome, e.code])).toEqual([
      [2, 5, 'Install agent', 'Configure agent', 'completed', 0],
      // return:3010 is success (seen: admins' scripts treat it so).
      [6, 6, '7-Zip 23.01', 'Distribute software', 'completed', 3010],
      // A bare FAILED, then its return code: one result, completed with the code.
      [8, 7, 'Office 2016 ProPlus', 'Distribute software', 'failed', -1917517692],
    ]);
    // The second result line of action 7 stays in the timeline as an ordinary line, so nothing counts twice.
    expect(events.find((e) => e.line === 9)).toMatchObject({ kind: 'message', pattern: 'provisiongui-return' });
    expect(events.find((e) => e.line === 10)).toMatchObject({ kind: 'template-stopped', templateName: 'Win10 Lab build' });
    expect(events[0]?.text).toBe('Recieved command to set print: <Action><ActionId>5</ActionId><ActionName>Install agent</ActionName><Type>Configure agent</Type></Action>');
  });

  it('takes the name from the line after "set print: Action" when the XML names none, and a type left unwritten stays unknown', async () => {
    const { events } = await parseText('ProvisionGUI.exe.log', gui([
      ['10:02:07', 'Recieved command to set print: Action'],
      ['10:02:07', 'Adobe Reader DC'],
      ['10:02:07', 'Recieved command to set print: <ActionId>7</ActionId>'],
      ['10:02:13', 'Action 7 FAILED, return:-1917517692'],
    ]));
    const result = events.find((e) => e.kind === 'action-result');
    expect(result).toMatchObject({ actionNumber: 7, actionName: 'Adobe Reader DC', outcome: 'failed', code: -1917517692 });
    expect(result?.actionType).toBeUndefined();
  });

  it('ignores a FAILED that belongs to a parent action and "Failed processing" lines', async () => {
    const { events } = await parseText('ProvisionGUI.exe.log', gui([
      ['10:02:07', 'Recieved command to set print: <Action><ActionId>8</ActionId><ActionName>Group</ActionName></Action>'],
      ['10:02:08', '<ParentActionID>8</ParentActionID> FAILED'],
      ['10:02:09', 'Failed processing handler for action 8'],
      ['10:02:10', 'SUCCESS'],
    ]));
    expect(events.filter((e) => e.kind === 'action-result').map((e) => [e.line, e.outcome])).toEqual([[4, 'completed']]);
  });

  it('reads the WinPE log\'s component after the (pid-tid), and keeps every line counted', async () => {
    const { events, stats } = await parseText('ProvisionGUI.exe.log', [
      '2011-06-29 00:23:15(1956-1960) ldProvision:Using [CORE_NAME9] for Core',
      '2011-06-29 00:23:15(1956-1960) ldProvision:Process exit code:0',
      'a wrapped line',
    ].join('\n'));
    expect(outline(events)).toEqual(['1 2011-06-29T00:23:15 message', '2 2011-06-29T00:23:15 message']);
    expect(events.map((e) => e.text)).toEqual(['Using [CORE_NAME9] for Core', 'Process exit code:0\na wrapped line']);
    expect(stats).toMatchObject({ lines: 3, parsed: 3, unparsed: 0 });
  });
});

describe('a bundle with both ldprovisioning.log and ProvisionGUI.exe.log', () => {
  it('counts each action once, with what either log wrote', async () => {
    const ldprovisioning = [
      'Mon, 09 Mar 2026 10:02:06 Action 6 of 12 "7-Zip 23.01" (Distribute software) completed, return code 0',
      'Mon, 09 Mar 2026 10:02:13 Action 7 of 12 "Office 2016 ProPlus" failed, return code -1917517692',
      'Mon, 09 Mar 2026 10:02:13 Template "Win10 Lab build" stopped: action 7 failed',
    ].join('\r\n');
    const guiLog = gui([
      ['10:02:07', 'Recieved command to set print: <Action><ActionId>7</ActionId><ActionName>Office 2016 ProPlus</ActionName><Type>Distribute software</Type></Action>'],
      ['10:02:14', 'Action 7 FAILED, return:-1917517692'],
    ]);
    const timeline = buildTimeline('LAB', [await fileEventsOf('ldprovisioning.log', ldprovisioning), await fileEventsOf('ProvisionGUI.exe.log', guiLog)]);
    expect(timeline.actions.map((a) => [a.number, a.name, a.type, a.failed, a.code])).toEqual([
      [6, '7-Zip 23.01', 'Distribute software', false, 0],
      // The type only ProvisionGUI wrote fills in the one ldprovisioning.log left out.
      [7, 'Office 2016 ProPlus', 'Distribute software', true, -1917517692],
    ]);
    expect(timeline.actions[1]?.alsoLoggedAt?.file).toBe('ProvisionGUI.exe.log');
  });

  it('marks an action whose name carries NoCheck as one the template ignores', async () => {
    const timeline = buildTimeline('LAB', [await fileEventsOf('ProvisionGUI.exe.log', gui([
      ['10:02:07', 'Recieved command to set print: <Action><ActionId>7</ActionId><ActionName>Office 2016 NoCheck</ActionName><Type>Distribute software</Type></Action>'],
      ['10:02:14', 'Action 7 FAILED, return:1603'],
    ]))]);
    expect(timeline.actions.map((a) => [a.number, a.failed, a.noCheck])).toEqual([[7, true, true]]);
  });
});
