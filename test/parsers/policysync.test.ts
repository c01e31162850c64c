import { describe, expect, it } from 'vitest';
import { logText } from '../helpers/lines.js';
import { countByKind, outline, parseSample, parseText } from '../helpers/parse.js';

describe('policy sync parser', () => {
  it('reads a sync that skips its scrub because the agent is busy (seen lines)', async () => {
    const { events, stats } = await parseText('PolicySync.exe.log', logText([
      ['21:04:02', 'Run PolicySync'],
      ['21:04:02', 'Command line: /silent'],
      ['21:04:03', 'PolicyScrubber.ScrubPolicies: sdclient or vulscan is currently running, skipping policy scrub.'],
      ['21:04:03', 'Downloading policy 1054'],
      ['21:04:09', 'Exit PolicySync'],
      ['21:44:00', 'Run PolicySync'],
      ['21:44:01', 'Another task is running (vulscan.exe, pid 4412); waiting for it to finish'],
      ['21:50:00', 'Wait finished; no other task is running'],
      ['21:50:04', 'Exit PolicySync'],
    ], 'Thu, 10 Feb 2022'));
    expect(outline(events)).toEqual([
      '1 2022-02-10T21:04:02 process-start',
      '2 2022-02-10T21:04:02 command-line',
      '3 2022-02-10T21:04:03 scrub-skipped',
      '4 2022-02-10T21:04:03 message',
      '5 2022-02-10T21:04:09 process-exit',
      '6 2022-02-10T21:44:00 process-start',
      '7 2022-02-10T21:44:01 waiting',
      '8 2022-02-10T21:50:00 wait-finished',
      '9 2022-02-10T21:50:04 process-exit',
    ]);
    expect(stats).toMatchObject({ lines: 9, parsed: 9, unparsed: 0 });
    expect(events.filter((e) => e.kind === 'process-start' || e.kind === 'process-exit').every((e) => e.process === 'policysync')).toBe(true);
    // "sdclient or vulscan" names no one process.
    expect(events[2]?.blocker).toBeUndefined();
    expect(events[6]).toMatchObject({ blocker: 'vulscan', pid: 4412, source: 'policysync' });
  });

  it('reads the older policy.sync.log in the month-first shape', async () => {
    const { events, stats } = await parseText('policy.sync.log', [
      '03/09/2026 10:00:00 AM Run PolicySync',
      '03/09/2026 10:00:04 AM Exit PolicySync',
      '03/09/2026 01:00:00 PM Run PolicySync',
      '03/09/2026 01:00:03 PM PolicySync.exe finished, exit code 5',
    ].join('\r\n'));
    expect(outline(events)).toEqual([
      '1 2026-03-09T10:00:00 process-start',
      '2 2026-03-09T10:00:04 process-exit',
      '3 2026-03-09T13:00:00 process-start',
      '4 2026-03-09T13:00:03 process-exit',
    ]);
    expect(events[3]?.code).toBe(5);
    expect(stats.unparsed).toBe(0);
  });
});

describe('policy sync parser on samples/', () => {
  it('LAB-0109 PolicySync.exe.log: month-first timestamps, two runs', async () => {
    const { events, stats } = await parseSample('LAB-0109/ProgramData/LANDesk/Log/PolicySync.exe.log');
    expect(stats).toMatchObject({ lines: 14, parsed: 14, unparsed: 0 });
    expect(countByKind(events)).toEqual({ 'process-start': 2, message: 8, 'process-exit': 2 });
    expect(outline(events.filter((e) => e.kind !== 'message'))).toEqual([
      '1 2026-02-13T14:02:50 process-start',
      '7 2026-02-13T14:03:21 process-exit',
      '8 2026-02-13T14:58:40 process-start',
      '14 2026-02-13T14:58:58 process-exit',
    ]);
  });

  it('LAB-0102 PolicySync.exe.log: an empty file is no lines and no warnings', async () => {
    const { events, stats } = await parseSample('LAB-0102/ProgramData/LANDesk/Log/PolicySync.exe.log');
    expect(events).toEqual([]);
    expect(stats).toMatchObject({ lines: 0, parsed: 0, unparsed: 0, warnings: [], gaveUp: false });
  });

  it('LAB-0107 policy.sync.log (older agent name)', async () => {
    const { events, stats } = await parseSample('LAB-0107/Program Files (x86)/LANDesk/LDClient/policy.sync.log');
    expect(stats).toMatchObject({ lines: 7, parsed: 7, unparsed: 0 });
    expect(countByKind(events)).toEqual({ 'process-start': 1, message: 4, 'process-exit': 1 });
  });
});
