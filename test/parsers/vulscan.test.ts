import { describe, expect, it } from 'vitest';
import { logText } from '../helpers/lines.js';
import { countByKind, outline, parseSample, parseText } from '../helpers/parse.js';

// FORMATS.md's modeled run: vulscan starts while sdclient runs, waits, then scans.
const RUN = logText([
  ['09:58:40', 'Vulscan.exe version 11.0.5.361 starting'],
  ['09:58:40', 'Command line: /AgentBehavior=ERSC_Default /Scan'],
  ['09:58:41', 'Another task is running (sdclient.exe, pid 3312); waiting for it to finish'],
  ['10:02:05', 'Wait finished; no other task is running'],
  ['10:02:06', 'Scanning for vulnerabilities'],
  ['10:05:10', 'Checking definitions: 4211 of 9100'],
  '  (MS26-031, MS26-032)',
  ['10:14:37', 'Vulscan finished, return code 0'],
]);

describe('vulscan parser', () => {
  it('reads a waiting scan run', async () => {
    const { events, stats } = await parseText('vulscan.log', RUN);
    expect(outline(events)).toEqual([
      '1 2026-03-09T09:58:40 process-start',
      '2 2026-03-09T09:58:40 command-line',
      '3 2026-03-09T09:58:41 waiting',
      '4 2026-03-09T10:02:05 wait-finished',
      '5 2026-03-09T10:02:06 scanning',
      '6 2026-03-09T10:05:10 message',
      '8 2026-03-09T10:14:37 process-exit',
    ]);
    expect(stats).toMatchObject({ lines: 8, parsed: 8, unparsed: 0, warnings: [] });
    expect(events[0]).toMatchObject({ process: 'vulscan', version: '11.0.5.361', source: 'vulscan' });
    expect(events[1]).toMatchObject({ command: '/AgentBehavior=ERSC_Default /Scan' });
    expect(events[1]?.taskId).toBeUndefined();
    expect(events[2]).toMatchObject({ blocker: 'sdclient', pid: 3312, pattern: 'process-waiting' });
    expect(events[5]?.text).toBe('Checking definitions: 4211 of 9100\n  (MS26-031, MS26-032)');
    expect(events[6]).toMatchObject({ process: 'vulscan', code: 0 });
  });

  it('reads a rotated vulscan.<n>.log the same way, and sdclient wording as plain messages', async () => {
    const { events } = await parseText('vulscan.2.log', logText([
      ['08:00:00', 'vulscan starting'],
      ['08:00:01', 'Another task is already in progress: sdclient.exe (pid 1) is running'],
      ['08:00:02', 'Starting vulnerability scan'],
      ['08:10:00', 'Vulscan finished, return code 0x8DB5270F'],
    ], 'Tue, 10 Mar 2026'));
    expect(outline(events)).toEqual([
      '1 2026-03-10T08:00:00 process-start',
      '2 2026-03-10T08:00:01 message',
      '3 2026-03-10T08:00:02 scanning',
      '4 2026-03-10T08:10:00 process-exit',
    ]);
    expect(events[3]?.code).toBe(-1917507825);
  });

  it('reads a run without a banner or an exit line as plain events', async () => {
    const { events } = await parseText('vulscan.log', logText([
      ['09:58:41', 'Waiting for sdclient.exe to finish'],
      ['10:02:05', 'Wait is over'],
    ]));
    expect(events.map((e) => [e.kind, e.blocker])).toEqual([['waiting', 'sdclient'], ['wait-finished', undefined]]);
    expect(events.every((e) => e.process === undefined)).toBe(true);
  });
});

describe('vulscan parser on samples/', () => {
  it('LAB-0101 vulscan.log: waits for sdclient, then scans', async () => {
    const { events, stats } = await parseSample('LAB-0101/ProgramData/LANDesk/Log/vulscan.log');
    expect(stats).toMatchObject({ lines: 32, parsed: 32, unparsed: 0, warnings: [] });
    expect(countByKind(events)).toEqual({
      'process-start': 1, 'command-line': 1, message: 25, waiting: 1, 'wait-finished': 1, scanning: 1, 'process-exit': 1,
    });
    expect(outline(events.filter((e) => e.kind !== 'message'))).toEqual([
      '1 2026-02-17T09:41:12 process-start',
      '2 2026-02-17T09:41:12 command-line',
      '4 2026-02-17T09:41:13 waiting',
      '5 2026-02-17T09:42:19 wait-finished',
      '6 2026-02-17T09:42:19 scanning',
      '32 2026-02-17T09:57:46 process-exit',
    ]);
    expect(events.find((e) => e.line === 4)).toMatchObject({ blocker: 'sdclient', pid: 3312 });
  });

  it('LAB-0106 vulscan.log: a last line cut off mid-word is still read', async () => {
    const { events, stats } = await parseSample('LAB-0106/ProgramData/LANDesk/Log/vulscan.log');
    expect(stats).toMatchObject({ lines: 22, parsed: 22, unparsed: 0 });
    expect(events.at(-1)).toMatchObject({ line: 22, kind: 'message', text: 'Scanned 1520 of 1642 de' });
    expect(events.some((e) => e.kind === 'process-exit')).toBe(false);
  });

  it('LAB-0108 vulscan.log: wording no pattern knows is kept as messages (only "Resuming scan" reads as the wait ending)', async () => {
    const { events, stats } = await parseSample('LAB-0108/ProgramData/LANDesk/Log/vulscan.log');
    expect(stats).toMatchObject({ lines: 37, parsed: 37, unparsed: 0 });
    expect(countByKind(events)).toEqual({ message: 36, 'wait-finished': 1 });
    expect(events.find((e) => e.kind === 'wait-finished')?.text).toBe('Resuming scan');
  });
});
