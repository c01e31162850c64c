import { describe, expect, it } from 'vitest';
import { formatWallTime } from '../../src/parsers/timestamp.js';
import { logText } from '../helpers/lines.js';
import { countByKind, outline, parseSample, parseText } from '../helpers/parse.js';

const VULSCAN = '"C:\\Program Files (x86)\\LANDesk\\LDClient\\vulscan.exe" /AgentBehavior=ERSC_Default /Scan';
const POLICYSYNC = '"C:\\Program Files (x86)\\LANDesk\\LDClient\\PolicySync.exe"';

describe('local scheduler parser', () => {
  it('reads the scheduler\'s /exe= /cmd= form of a task, added and launched, as the inline one', async () => {
    const exe = '/exe="C:\\Program Files (x86)\\Ivanti\\EPM Agent\\SWD\\PolicySync.exe" /cmd="/enforce"';
    const scan = '/exe="C:\\Program Files (x86)\\Ivanti\\EPM Agent\\Patch Management\\vulscan.exe" /cmd="/AgentBehavior=ERSC_Default /Scan"';
    const { events } = await parseText('localsch.log', logText([
      ['09:41:02', `Added task 4: ${exe} /start="09 Mar 2026 09:41:02" /freq=86400 /autodelay="0|60" /taskid=4`],
      ['09:41:02', `Added task 3: ${scan} /start="09 Mar 2026 09:41:02" /freq=86400 /autodelay="0|60"`],
      ['09:58:39', `Launching task 3: ${scan}`],
    ]));
    expect(events.map((e) => [e.kind, e.taskId, e.process, e.startText, e.delayMaxSeconds])).toEqual([
      ['task-added', '4', 'policysync', '09 Mar 2026 09:41:02', 3600],
      ['task-added', '3', 'vulscan', '09 Mar 2026 09:41:02', 3600],
      ['task-launched', '3', 'vulscan', undefined, undefined],
    ]);
  });

  it('reads tasks registered at install and launched within the hour', async () => {
    const { events, stats } = await parseText('localsch.log', logText([
      ['09:41:02', `Added task 3: ${VULSCAN} /start="09 Mar 2026 09:41:02" /freq=86400 /autodelay="0|60"`],
      ['09:41:02', `Added task 4: ${POLICYSYNC} /start="01 Jan 3000 00:00:00" /freq=86400 /autodelay="0|60"`],
      ['09:41:03', 'Scheduler service started'],
      ['09:58:39', `Launching task 3: ${VULSCAN}`],
    ]));
    expect(outline(events)).toEqual([
      '1 2026-03-09T09:41:02 task-added',
      '2 2026-03-09T09:41:02 task-added',
      '3 2026-03-09T09:41:03 message',
      '4 2026-03-09T09:58:39 task-launched',
    ]);
    expect(stats).toMatchObject({ lines: 4, parsed: 4, unparsed: 0 });
    expect(events[0]).toMatchObject({
      taskId: '3', process: 'vulscan', startText: '09 Mar 2026 09:41:02', frequencySeconds: 86400, delayMinSeconds: 0, delayMaxSeconds: 3600,
      command: `${VULSCAN} /start="09 Mar 2026 09:41:02" /freq=86400 /autodelay="0|60"`,
    });
    expect(formatWallTime(events[0]?.start ?? 0)).toBe('2026-03-09T09:41:02');
    expect(events[1]).toMatchObject({ taskId: '4', process: 'policysync', startText: '01 Jan 3000 00:00:00' });
    expect(formatWallTime(events[1]?.start ?? 0)).toBe('3000-01-01T00:00:00');
    expect(events[3]).toMatchObject({ taskId: '3', process: 'vulscan', command: VULSCAN });
    expect(events[3]?.start).toBeUndefined();
    // The scheduler is not a process run: no process on its plain messages.
    expect(events[2]?.process).toBeUndefined();
  });

  it('reads the scheduler\'s own timestamp shape (no weekday)', async () => {
    const { events } = await parseText('localsch.log', `09 Mar 2026 09:58:39 Launching task 3: ${VULSCAN}\n`);
    expect(outline(events)).toEqual(['1 2026-03-09T09:58:39 task-launched']);
  });
});

describe('local scheduler parser on samples/', () => {
  it('LAB-0106 localsch.log: a 5 MiB line and an impossible date are unparsed, the rest is read', async () => {
    const { events, stats } = await parseSample('LAB-0106/ProgramData/LANDesk/Log/localsch.log');
    expect(stats).toMatchObject({ lines: 15, parsed: 13, unparsed: 2, warnings: [], gaveUp: false });
    expect(stats.unparsedLines.map((u) => [u.line, u.reason])).toEqual([
      [6, 'line of 5242882 characters, too long to be a log entry'],
      [9, 'impossible date or time "Tue, 31 Feb 2026 10:35:00"'],
    ]);
    // The kept text of the huge line is cut to a printable length.
    expect(stats.unparsedLines[0]?.text.length).toBeLessThanOrEqual(301);
    expect(countByKind(events)).toEqual({ message: 9, 'task-added': 2, 'task-launched': 2 });
    expect(events.filter((e) => e.kind === 'task-launched').map((e) => [e.line, e.taskId, e.process])).toEqual([[11, '3', 'vulscan'], [13, '4', 'policysync']]);
  });

  it('LAB-0109 localsch.log: the scheduler shape, and the clock set back an hour', async () => {
    const { events, stats } = await parseSample('LAB-0109/ProgramData/LANDesk/Log/localsch.log');
    expect(stats).toMatchObject({ lines: 14, parsed: 14, unparsed: 0 });
    expect(outline(events.slice(6, 9))).toEqual([
      '7 2026-02-13T14:05:07 message',
      '8 2026-02-13T13:05:12 message',
      '9 2026-02-13T14:11:31 task-launched',
    ]);
    expect(events.find((e) => e.line === 3)).toMatchObject({ kind: 'task-added', taskId: '3', frequencySeconds: 86400, delayMaxSeconds: 3600 });
  });
});
