import { describe, expect, it } from 'vitest';
import { parsers } from '../../src/parsers/index.js';
import { formatWallTime } from '../../src/parsers/timestamp.js';
import { streamOf } from '../helpers/lines.js';
import { builtInPatterns, countByKind, outline, parseSample, parseText } from '../helpers/parse.js';

// `LocalSch.exe /tasks` as the gathering script saves it: a header, then one block per task.
const LISTING = [
  'LocalSch.exe /tasks',                                                                              // 1
  '',                                                                                                 // 2
  'Task ID: 3',                                                                                       // 3
  '  Command: "C:\\Program Files (x86)\\LANDesk\\LDClient\\vulscan.exe" /AgentBehavior=ERSC_Default /Scan', // 4
  '  Start: 09 Mar 2026 09:41:02',                                                                    // 5
  '  Frequency: 86400',                                                                               // 6
  '  Random delay: 3600',                                                                             // 7
  '',                                                                                                 // 8
  'Task ID: 4',                                                                                       // 9
  '  Command: "C:\\Program Files (x86)\\LANDesk\\LDClient\\PolicySync.exe"',                         // 10
  '  Start: 01 Jan 3000 00:00:00',                                                                    // 11
  '  Frequency: 86400',                                                                               // 12
  '  Random delay: 0|60',                                                                             // 13
  '',                                                                                                 // 14
  'Task ID: 9',                                                                                       // 15
  '  Command: "C:\\Program Files (x86)\\LANDesk\\LDClient\\sdclient.exe" /policyfile="CP.1054.RunNow.xml" /start="10 Mar 2026 06:00:00" /freq=3600 /autodelay="5|10"', // 16
].join('\r\n');

describe('scheduler task list parser', () => {
  it('reads one task-listed event per block, placed at the task\'s first start, in time order', async () => {
    const { events, stats } = await parseText('LocalSchedulerTasks.log', LISTING);
    // Sorted by start, not by line: the listing's order is the task ids', and the timeline keeps a file's order.
    expect(outline(events)).toEqual([
      '3 2026-03-09T09:41:02 task-listed',
      '15 2026-03-10T06:00:00 task-listed',
      '9 3000-01-01T00:00:00 task-listed',
    ]);
    expect(events[0]).toMatchObject({
      source: 'scheduler-tasks', taskId: '3', process: 'vulscan', startText: '09 Mar 2026 09:41:02',
      frequencySeconds: 86400, delayMinSeconds: 0, delayMaxSeconds: 3600,
      command: '"C:\\Program Files (x86)\\LANDesk\\LDClient\\vulscan.exe" /AgentBehavior=ERSC_Default /Scan',
    });
    expect(events[0]?.start).toBe(events[0]?.time);
    expect(events[0]?.text).toBe([
      'Task ID: 3',
      'Command: "C:\\Program Files (x86)\\LANDesk\\LDClient\\vulscan.exe" /AgentBehavior=ERSC_Default /Scan',
      'Start: 09 Mar 2026 09:41:02',
      'Frequency: 86400',
      'Random delay: 3600',
    ].join('\n'));
    // The provisioning-only agent's fix: the sync starts in the year 3000.
    expect(events[2]).toMatchObject({ taskId: '4', process: 'policysync', startText: '01 Jan 3000 00:00:00', delayMinSeconds: 0, delayMaxSeconds: 3600 });
    expect(formatWallTime(events[2]?.start ?? 0)).toBe('3000-01-01T00:00:00');
    // A block without Start lines takes the schedule from its command's arguments.
    expect(events[1]).toMatchObject({
      taskId: '9', process: 'sdclient', startText: '10 Mar 2026 06:00:00', frequencySeconds: 3600, delayMinSeconds: 300, delayMaxSeconds: 600,
    });
    // The header is the one line outside any block.
    expect(stats).toMatchObject({ lines: 16, parsed: 15, unparsed: 1, warnings: [] });
    expect(stats.unparsedLines).toEqual([{ file: 'LocalSchedulerTasks.log', line: 1, reason: 'outside any task block', text: 'LocalSch.exe /tasks' }]);
  });

  it('lists a task without a readable start as a warning, not an event', async () => {
    const { events, stats } = await parseText('LocalSchedulerTasks.log', [
      'Task ID: 5',
      '  Command: "C:\\LDClient\\vulscan.exe" /Scan',
      '  Start: never',
      'garbage without a colon',
    ].join('\n'));
    expect(events).toEqual([]);
    expect(stats.warnings).toEqual(['LocalSchedulerTasks.log:1: task 5 has no readable start time; listed but not placed on the timeline']);
    expect(stats).toMatchObject({ lines: 4, parsed: 3, unparsed: 1 });
    expect(stats.unparsedLines.map((u) => [u.line, u.reason])).toEqual([[4, 'not a "key: value" line of a task block']]);
  });

  it('refuses binary and oversized lines', async () => {
    const { events, stats } = await parsers['scheduler-tasks'].parse(streamOf([
      { number: 1, text: 'Task ID: 3' },
      { number: 2, text: '\u0000\u0000' },
      { number: 3, text: '  Command: x', oversizedChars: 70000 },
      { number: 4, text: '  Start: 09 Mar 2026 09:41:02' },
    ]), { file: 'LocalSchedulerTasks.log', fileName: 'LocalSchedulerTasks.log', patterns: builtInPatterns });
    expect(outline(events)).toEqual(['1 2026-03-09T09:41:02 task-listed']);
    expect(stats.unparsedLines.map((u) => [u.line, u.reason])).toEqual([[2, 'binary data'], [3, 'line too long']]);
    expect(stats).toMatchObject({ lines: 4, parsed: 2, unparsed: 2 });
  });
});

describe('scheduler task list parser on samples/', () => {
  it('LAB-0102 LocalSchedulerTasks.log: the provisioning-only agent\'s tasks start in the year 3000', async () => {
    const { events, stats } = await parseSample('LAB-0102/LocalSchedulerTasks.log');
    expect(stats).toMatchObject({ lines: 11, parsed: 11, unparsed: 0, warnings: [] });
    expect(outline(events)).toEqual(['1 3000-01-01T00:00:00 task-listed', '7 3000-01-01T00:00:00 task-listed']);
    expect(events.map((e) => [e.taskId, e.process, e.frequencySeconds, e.delayMaxSeconds])).toEqual([['3', 'vulscan', 86400, 3600], ['4', 'policysync', 86400, 3600]]);
  });

  it('LAB-0105 LocalSchedulerTasks.log (UTF-16LE)', async () => {
    const { events, stats, encoding } = await parseSample('LAB-0105/LocalSchedulerTasks.log');
    expect(encoding).toBe('utf-16le');
    expect(stats).toMatchObject({ lines: 11, parsed: 11, unparsed: 0 });
    expect(countByKind(events)).toEqual({ 'task-listed': 2 });
  });
});

describe('scheduler task list parser: one task per line', () => {
  it('reads a task written on one line in the scheduler\'s own syntax', async () => {
    const text = [
      'LocalSch.exe /tasks',
      '3  "C:\\Program Files (x86)\\LANDesk\\LDClient\\vulscan.exe" /AgentBehavior=ERSC_Default /Scan /start="01 Jan 3000 00:00:00" /freq=86400 /autodelay="0|60"',
      'Task 4: "C:\\Program Files (x86)\\LANDesk\\LDClient\\PolicySync.exe" /start="09 Mar 2026 09:41:02" /freq=86400',
    ].join('\r\n');
    const { events, stats } = await parseText('LocalSchedulerTasks.log', text);
    expect(stats).toMatchObject({ lines: 3, parsed: 2, unparsed: 1 });
    expect(events.map((e) => [e.line, e.taskId, e.process, formatWallTime(e.start ?? 0), e.frequencySeconds, e.delayMaxSeconds])).toEqual([
      [3, '4', 'policysync', '2026-03-09T09:41:02', 86400, undefined],
      [2, '3', 'vulscan', '3000-01-01T00:00:00', 86400, 3600],
    ]);
  });
});

describe('scheduler task list sniffing', () => {
  it('knows a task listing under another name, in blocks or one task per line, but not localsch.log', () => {
    const sniff = parsers['scheduler-tasks'].sniff;
    expect(sniff(LISTING.split('\r\n'), builtInPatterns)).toBeGreaterThan(0);
    expect(sniff(['3  "C:\\LDClient\\vulscan.exe" /Scan /start="01 Jan 3000 00:00:00" /freq=86400'], builtInPatterns)).toBe(1);
    expect(sniff(['Mon, 09 Mar 2026 09:41:02 Added task 3: "C:\\LDClient\\vulscan.exe" /Scan /start="09 Mar 2026 09:41:02"'], builtInPatterns)).toBe(0);
  });
});
