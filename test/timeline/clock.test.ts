import { describe, expect, it } from 'vitest';
import { BACKWARD_JUMP_MS, FORWARD_JUMP_MS, markClockJumps } from '../../src/timeline/clock.js';
import { logText } from '../helpers/lines.js';
import { buildTimeline } from '../../src/timeline/index.js';
import { fileEventsOf, parseText } from '../helpers/parse.js';
import { at } from '../helpers/events.js';

async function jumpsIn(fileName: string, text: string) {
  const { events } = await parseText(fileName, text);
  const jumps = markClockJumps(events);
  return { events, jumps, lines: jumps.map((e) => e.line) };
}

describe('markClockJumps', () => {
  it('marks a step back (the domain join set the clock back an hour)', async () => {
    const { events, jumps } = await jumpsIn('sdclient.log', logText([
      ['10:02:11', '---------- SDClient starting (version 11.0.5.361) ----------'],
      ['10:02:12', 'Package: "Office 2016 ProPlus"'],
      ['09:02:15', 'Downloading'],
      ['09:02:16', 'processing of package is complete, result 0'],
    ]));
    expect(jumps).toEqual([events[2]]);
    expect(events[2]?.clockJump).toEqual({ deltaMs: -(60 * 60 - 3) * 1000, previousTime: at('10:02:12') });
    // Only the entry after the jump is marked; the file's order is untouched.
    expect(events.map((e) => e.line)).toEqual([1, 2, 3, 4]);
    expect(events.filter((e) => e.clockJump).length).toBe(1);
  });

  it(`does not mark a step back under ${BACKWARD_JUMP_MS} ms, and marks one of exactly that`, async () => {
    const small = await jumpsIn('sdclient.log', logText([['10:02:12', 'a'], ['10:02:11', 'b']]));
    expect(small.jumps).toEqual([]);
    const exact = await jumpsIn('sdclient.log', logText([['10:02:12', 'a'], ['10:02:10', 'b']]));
    expect(exact.lines).toEqual([2]);
    expect(exact.events[1]?.clockJump?.deltaMs).toBe(-2000);
  });

  it('marks a leap forward inside a run', async () => {
    const { lines, events } = await jumpsIn('sdclient.log', logText([
      ['10:02:11', '---------- SDClient starting (version 11.0.5.361) ----------'],
      ['10:02:11', 'Package: "Office 2016 ProPlus"'],
      ['11:32:11', 'processing of package is complete, result 0'],
      ['11:32:12', 'SDClient exiting, return code 0'],
    ]));
    expect(lines).toEqual([3]);
    expect(events[2]?.clockJump?.deltaMs).toBe(90 * 60 * 1000);
  });

  it(`does not mark a forward step under ${FORWARD_JUMP_MS / 60000} min`, async () => {
    const { jumps } = await jumpsIn('sdclient.log', logText([['10:00:00', 'Package: "x"'], ['10:59:59', 'Downloading']]));
    expect(jumps).toEqual([]);
  });

  it('does not mark a day\'s gap between runs (after an exit line, or before a start banner)', async () => {
    const { jumps } = await jumpsIn('vulscan.log', logText([
      ['09:58:40', 'Vulscan.exe version 11.0.5.361 starting'],
      ['10:14:37', 'Vulscan finished, return code 0'],
      'Tue, 10 Mar 2026 10:20:00 Checking definitions',
      'Tue, 10 Mar 2026 10:30:00 Definitions are current',
      'Wed, 11 Mar 2026 10:20:00 Vulscan.exe version 11.0.5.361 starting',
    ]));
    expect(jumps).toEqual([]);
  });

  it('does not mark a long wait, nor a long scan', async () => {
    const { jumps } = await jumpsIn('vulscan.log', logText([
      ['06:00:00', 'Vulscan.exe version 11.0.5.361 starting'],
      ['06:00:01', 'Another task is running (sdclient.exe, pid 3312); waiting for it to finish'],
      ['09:30:00', 'Wait finished; no other task is running'],
      ['09:30:01', 'Scanning for vulnerabilities'],
      ['11:45:00', 'Vulscan finished, return code 0'],
    ]));
    expect(jumps).toEqual([]);
  });

  it('marks only backward steps in the scheduler and provisioning logs (they are quiet for hours)', async () => {
    const sch = await jumpsIn('localsch.log', logText([
      ['09:41:02', 'Added task 3: "vulscan.exe" /Scan'],
      ['18:00:00', 'Launching task 3: "vulscan.exe" /Scan'],
      ['17:00:00', 'Launching task 4: "PolicySync.exe"'],
    ]));
    expect(sch.lines).toEqual([3]);
    const prov = await jumpsIn('ldprovisioning.log', logText([
      ['09:40:55', 'Action 5 of 12 "Install LANDesk agent" (Install service) completed, return code 0'],
      ['14:00:00', 'Action 6 of 12 "Office" (Distribute software) completed, return code 0'],
    ]));
    expect(prov.jumps).toEqual([]);
  });

  it('leaves files without a running clock alone (scheduler listing, .stat)', async () => {
    const { jumps } = await jumpsIn('LocalSchedulerTasks.log', [
      'Task ID: 4', '  Command: PolicySync.exe', '  Start: 01 Jan 3000 00:00:00',
      'Task ID: 3', '  Command: vulscan.exe', '  Start: 09 Mar 2026 09:41:02',
    ].join('\n'));
    expect(jumps).toEqual([]);
  });

  it('marks every jump of a file and returns them in file order', async () => {
    const { lines } = await jumpsIn('sdclient.log', logText([
      ['10:00:00', 'Package: "x"'],
      ['09:00:00', 'a'],
      ['09:00:05', 'b'],
      ['10:30:00', 'c'],
      ['10:29:00', 'd'],
    ]));
    expect(lines).toEqual([2, 4, 5]);
  });

  it('does not mark the next daily run in a log without banners or exit lines (unknown wording)', async () => {
    const { jumps } = await jumpsIn('vulscan.log', logText([
      ['10:00:00', 'VULSCAN 2024.3 started'],
      ['10:12:00', 'Scan complete, exit 0'],
      'Tue, 10 Mar 2026 09:20:00 VULSCAN 2024.3 started',
    ]));
    expect(jumps).toEqual([]);
  });
});

describe('a forward step, asked of the other files (through buildTimeline)', () => {
  // vulscan in words the pack does not know: a silent 70-minute wait looks like a leap forward.
  const vulscan = logText([
    ['09:00:00', 'VULSCAN 2024.3 started'],
    ['09:00:01', 'Detected running process sdclient.exe - deferring scan'],
    ['10:10:01', 'Checking rules'],
    ['10:10:02', 'Checked 410/1642 rules'],
  ]);

  it('is no jump where another file wrote lines inside the silence: the time passed', async () => {
    const sdclient = logText([['08:59:00', 'Downloading file x.msi'], ['09:30:00', 'Setup still running (pid 9120)'], ['10:10:00', 'Setup exited with 0']]);
    const timeline = buildTimeline('DEV', [await fileEventsOf('vulscan.log', vulscan), await fileEventsOf('sdclient.log', sdclient)]);
    expect(timeline.clockJumps).toEqual([]);
  });

  it('is a jump where the other files wrote on both sides of it and none inside: the clock leapt', async () => {
    const sdclient = logText([['08:59:00', 'Downloading file x.msi'], ['09:00:00', 'Setup still running (pid 9120)'], ['10:10:01', 'Setup exited with 0']]);
    const timeline = buildTimeline('DEV', [await fileEventsOf('vulscan.log', vulscan), await fileEventsOf('sdclient.log', sdclient)]);
    expect(timeline.clockJumps.map((e) => `${e.file}:${e.line}`)).toEqual(['vulscan.log:3', 'sdclient.log:3']);
  });
});
