import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDevice } from '../../src/device.js';
import { findBundles } from '../../src/ingest/bundles.js';
import { formatWallTime } from '../../src/parsers/timestamp.js';
import { buildTimeline, type FileEvents } from '../../src/timeline/index.js';
import type { Timeline } from '../../src/types.js';
import { logText } from '../helpers/lines.js';
import { builtInPatterns, fileEventsOf, SAMPLES } from '../helpers/parse.js';

const VULSCAN_EXE = '"C:\\Program Files (x86)\\LANDesk\\LDClient\\vulscan.exe" /AgentBehavior=ERSC_Default /Scan';
const START = '---------- SDClient starting (version 11.0.5.361) ----------';
// The refused run ended 10:02:12 on the device's wall clock (New York, EDT): 14:02:12 UTC.
const STAT_EPOCH = Date.UTC(2026, 2, 9, 14, 2, 12) / 1000;

/** One device's bundle, FORMATS.md's race: vulscan starts during action 6 and is still scanning at action 7. */
async function raceBundle(stat = true): Promise<FileEvents[]> {
  const files = [
    await fileEventsOf('LocalSchedulerTasks.log', [
      'Task ID: 3', `  Command: ${VULSCAN_EXE}`, '  Start: 09 Mar 2026 09:41:02', '  Frequency: 86400', '  Random delay: 3600',
      'Task ID: 4', '  Command: "C:\\Program Files (x86)\\LANDesk\\LDClient\\PolicySync.exe"', '  Start: 01 Jan 3000 00:00:00',
    ].join('\r\n')),
    await fileEventsOf('ldprovisioning.log', logText([
      ['09:35:00', 'Joined domain LAB.EXAMPLE'],
      ['09:20:10', 'Clock synchronised with the domain controller'],
      ['09:40:55', 'Action 5 of 12 "Install LANDesk agent" (Install service) completed, return code 0'],
      ['10:01:31', 'Action 6 of 12 "7-Zip 23.01" (Distribute software) completed, return code 0'],
      ['10:02:13', 'Action 7 of 12 "Office 2016 ProPlus" (Distribute software) failed, return code -1916'],
      ['10:02:13', 'Template "Win10 Lab build" stopped: action 7 failed'],
    ])),
    await fileEventsOf('localsch.log', logText([
      ['09:41:02', `Added task 3: ${VULSCAN_EXE} /start="09 Mar 2026 09:41:02" /freq=86400 /autodelay="0|60"`],
      ['09:58:39', `Launching task 3: ${VULSCAN_EXE}`],
    ])),
    await fileEventsOf('sdclient.log', logText([
      ['09:55:02', START],
      ['09:55:02', 'Command line: /policyfile="C:\\ProgramData\\LANDesk\\Policies\\CP.1053.RunNow.xml" /taskid=1053'],
      ['09:55:03', 'Package: "7-Zip 23.01"'],
      ['10:01:30', 'processing of package is complete, result 0'],
      ['10:01:30', 'SDClient exiting, return code 0'],
      ['10:02:11', START],
      ['10:02:11', 'Command line: /policyfile="C:\\ProgramData\\LANDesk\\Policies\\CP.1054.RunNow.xml" /taskid=1054'],
      ['10:02:11', 'Package: "Office 2016 ProPlus"'],
      ['10:02:12', 'Another task is already in progress: vulscan.exe (pid 4412) is running'],
      ['10:02:12', 'processing of package is complete, result -1916 (0x8DB50084)'],
      ['10:02:12', 'Sending task status, cmd line: -taskid=1054 -retcode=-1916 -complete'],
      ['10:02:12', 'SDClient exiting, return code -1916'],
    ])),
    await fileEventsOf('vulscan.log', logText([
      ['09:58:40', 'Vulscan.exe version 11.0.5.361 starting'],
      ['09:58:40', 'Command line: /AgentBehavior=ERSC_Default /Scan'],
      ['09:58:41', 'Another task is running (sdclient.exe, pid 3312); waiting for it to finish'],
      ['10:01:31', 'Wait finished; no other task is running'],
      ['10:01:32', 'Scanning for vulnerabilities'],
      ['10:14:37', 'Vulscan finished, return code 0'],
    ])),
  ];
  if (stat) {
    files.unshift(await fileEventsOf('CP.1054.RunNow.stat',
      `<TaskStatus><TaskIdn>1054</TaskIdn><Status>5</Status><ReturnCode>-1916</ReturnCode><LastRunTime>${STAT_EPOCH}</LastRunTime></TaskStatus>`));
  }
  return files;
}

function outline(timeline: Timeline): string[] {
  return timeline.events.map((e) => `${formatWallTime(e.time).slice(11)} ${e.file}:${e.line} ${e.kind}`);
}

describe('buildTimeline', () => {
  it('merges every file of a device on one wall-clock axis', async () => {
    const timeline = buildTimeline('LAB-0101', await raceBundle());
    expect(timeline.device).toBe('LAB-0101');
    expect(outline(timeline)).toEqual([
      '09:35:00 ldprovisioning.log:1 message',
      // The clock was set back: the file's order is kept, the merge goes on from there.
      '09:20:10 ldprovisioning.log:2 message',
      '09:40:55 ldprovisioning.log:3 action-result',
      '09:41:02 LocalSchedulerTasks.log:1 task-listed',
      '09:41:02 localsch.log:1 task-added',
      '09:55:02 sdclient.log:1 process-start',
      '09:55:02 sdclient.log:2 command-line',
      '09:55:03 sdclient.log:3 package-name',
      '09:58:39 localsch.log:2 task-launched',
      '09:58:40 vulscan.log:1 process-start',
      '09:58:40 vulscan.log:2 command-line',
      '09:58:41 vulscan.log:3 waiting',
      '10:01:30 sdclient.log:4 package-result',
      '10:01:30 sdclient.log:5 process-exit',
      '10:01:31 ldprovisioning.log:4 action-result',
      '10:01:31 vulscan.log:4 wait-finished',
      '10:01:32 vulscan.log:5 scanning',
      '10:02:11 sdclient.log:6 process-start',
      '10:02:11 sdclient.log:7 command-line',
      '10:02:11 sdclient.log:8 package-name',
      // The .stat's UTC time, moved onto the wall clock by the offset task 1054 shows (−4 h).
      '10:02:12 CP.1054.RunNow.stat:1 task-status',
      '10:02:12 sdclient.log:9 busy-refusal',
      '10:02:12 sdclient.log:10 package-result',
      '10:02:12 sdclient.log:11 task-status-sent',
      '10:02:12 sdclient.log:12 process-exit',
      '10:02:13 ldprovisioning.log:5 action-result',
      '10:02:13 ldprovisioning.log:6 template-stopped',
      '10:14:37 vulscan.log:6 process-exit',
      // The provisioning-only agent's sync, parked in the year 3000, comes last.
      '00:00:00 LocalSchedulerTasks.log:6 task-listed',
    ]);
    expect(formatWallTime(timeline.events.at(-1)?.time ?? 0)).toBe('3000-01-01T00:00:00');
    expect(timeline.notes).toEqual(['The task status files (.stat) record their times in UTC; they were converted using the device\'s offset from UTC, -4 h, which task 1054\'s own log lines show.']);
  });

  it('finds the runs: vulscan open across the end of one sdclient run and the refusal of the next', async () => {
    const timeline = buildTimeline('LAB-0101', await raceBundle());
    expect(timeline.windows.map((w) => [w.id, formatWallTime(w.start).slice(11), formatWallTime(w.end).slice(11), w.closedBy])).toEqual([
      ['sdclient#1', '09:55:02', '10:01:30', 'exit-line'],
      ['vulscan#1', '09:58:40', '10:14:37', 'exit-line'],
      ['sdclient#2', '10:02:11', '10:02:12', 'exit-line'],
    ]);
    const [first, vulscan, refused] = timeline.windows;
    expect(first).toMatchObject({ taskId: '1053', packageName: '7-Zip 23.01', resultCode: 0, exitCode: 0 });
    expect(vulscan).toMatchObject({ waitingFor: 'sdclient', scanStart: Date.UTC(2026, 2, 9, 10, 1, 32) });
    expect(refused).toMatchObject({ taskId: '1054', packageName: 'Office 2016 ProPlus', refusedBy: 'vulscan', resultCode: -1917517692 });
    // The race's shape, from windows alone.
    expect(vulscan && first && vulscan.start < first.end && vulscan.end > first.end).toBe(true);
    expect(vulscan && refused && vulscan.start < refused.start && vulscan.end > refused.end).toBe(true);
  });

  it('takes the actions from the provisioning log', async () => {
    const timeline = buildTimeline('LAB-0101', await raceBundle());
    expect(timeline.actions.map((a) => [a.number, a.name, a.failed, a.code])).toEqual([
      [5, 'Install LANDesk agent', false, 0],
      [6, '7-Zip 23.01', false, 0],
      [7, 'Office 2016 ProPlus', true, -1916],
    ]);
  });

  it('lists the clock jumps', async () => {
    const timeline = buildTimeline('LAB-0101', await raceBundle());
    expect(timeline.clockJumps.map((e) => [`${e.file}:${e.line}`, e.clockJump?.deltaMs])).toEqual([['ldprovisioning.log:2', -(14 * 60 + 50) * 1000]]);
  });

  it('puts the .stat time on the zone given instead (--tz)', async () => {
    const tokyo = buildTimeline('LAB-0101', await raceBundle(), { zone: 'Asia/Tokyo' });
    expect(tokyo.notes).toEqual(['The task status files (.stat) record their times in UTC; they were converted to Asia/Tokyo (--tz) to sit beside the other logs.']);
    const status = tokyo.events.find((e) => e.kind === 'task-status');
    expect(formatWallTime(status?.time ?? 0)).toBe('2026-03-09T23:02:12');
    expect(status?.utc).toBeUndefined();
    // It now sorts after everything of that day but the year-3000 listing.
    expect(tokyo.events.at(-2)).toBe(status);
  });

  it('leaves the .stat time UTC, and says so, when nothing anchors it', async () => {
    const files = await raceBundle();
    const sdclient = files.find((f) => f.kind === 'sdclient');
    if (sdclient) for (const event of sdclient.events) delete event.taskId;
    const timeline = buildTimeline('LAB-0101', files);
    expect(timeline.notes).toEqual(['The task status files (.stat) record their times in UTC, and nothing in this bundle shows the device\'s offset from UTC, so those times are shown in UTC: give the device\'s zone with --tz to put them on its clock.']);
    const status = timeline.events.find((e) => e.kind === 'task-status');
    expect(status).toMatchObject({ utc: true, time: STAT_EPOCH * 1000 });
  });

  // Regression (samples/LAB-0101): LocalSchedulerTasks.log lists tasks by id, so a task starting
  // tomorrow listed first held back today's tasks, which the merge (keeping file order) then
  // placed after everything before tomorrow.
  it('places each listed task at its start, whatever the listing\'s order', async () => {
    const timeline = buildTimeline('LAB', [
      await fileEventsOf('LocalSchedulerTasks.log', [
        'Task ID: 1', '  Command: LDISCN32.EXE /NOUI', '  Start: 10 Mar 2026 09:40:31',
        'Task ID: 3', `  Command: ${VULSCAN_EXE}`, '  Start: 09 Mar 2026 09:41:02',
      ].join('\n')),
      await fileEventsOf('localsch.log', logText([['09:41:02', 'Agent settings applied'], ['12:00:00', 'Checking missed tasks']])),
    ]);
    expect(outline(timeline)).toEqual([
      '09:41:02 LocalSchedulerTasks.log:4 task-listed',
      '09:41:02 localsch.log:1 message',
      '12:00:00 localsch.log:2 message',
      '09:40:31 LocalSchedulerTasks.log:1 task-listed',
    ]);
  });

  it('makes no note without .stat files, and an empty timeline of no files', async () => {
    expect(buildTimeline('LAB-0101', await raceBundle(false)).notes).toEqual([]);
    expect(buildTimeline('EMPTY', [])).toEqual({ device: 'EMPTY', events: [], windows: [], actions: [], clockJumps: [], clockSkews: [], notes: [] });
  });
});

async function sampleTimeline(device: string): Promise<Timeline> {
  for await (const bundle of findBundles([path.join(SAMPLES, device)])) {
    try {
      return (await loadDevice(bundle, { patterns: builtInPatterns })).timeline;
    } finally {
      await bundle.close();
    }
  }
  throw new Error(`no bundle in samples/${device}`);
}

const runs = (timeline: Timeline): string[] => timeline.windows.map((w) =>
  `${w.id} ${w.file.split('/').pop() ?? ''}:${w.startLine}-${w.endLine} ${w.taskId ?? '-'} ${w.closedBy}${w.refusedBy ? ` refused by ${w.refusedBy}` : ''}`);

describe('buildTimeline on samples/', () => {
  it('LAB-0101: the vulscan race, anchored by the bundle\'s own offset', async () => {
    const timeline = await sampleTimeline('LAB-0101');
    expect(runs(timeline)).toEqual([
      'sdclient#1 sdclient.log:1-23 1054 exit-line',
      'vulscan#1 vulscan.log:1-32 - exit-line',
      'sdclient#2 sdclient.log:24-31 1055 exit-line refused by vulscan',
      'policysync#1 PolicySync.exe.log:1-7 - exit-line',
    ]);
    expect(timeline.notes).toEqual(['The task status files (.stat) record their times in UTC; they were converted using the device\'s offset from UTC, -5 h, which task 1054\'s own log lines show.']);
    expect(timeline.actions.filter((a) => a.failed).map((a) => [a.number, a.name, a.code])).toEqual([[7, 'Adobe Reader DC', -1916]]);
    expect(timeline.clockJumps).toEqual([]);
    // Every event of every file is on the timeline, in time order wherever no clock jumped.
    for (let i = 1; i < timeline.events.length; i += 1) {
      expect((timeline.events[i - 1]?.time ?? 0) <= (timeline.events[i]?.time ?? 0)).toBe(true);
    }
  });

  it('LAB-0109: the clock set back an hour; each sdclient run stays whole', async () => {
    const timeline = await sampleTimeline('LAB-0109');
    expect(timeline.clockJumps.map((e) => `${e.file.split('/').pop() ?? ''}:${e.line} ${e.clockJump?.deltaMs}`)).toEqual([
      'localsch.log:8 -3595000', 'sdclient.log:21 -3598000', 'ldprovisioning.log:34 -3594750',
    ]);
    // The run the jump happened in (task 8806) is restated on the new clock: it stays first, and whole.
    expect(runs(timeline).filter((r) => r.startsWith('sdclient'))).toEqual([
      'sdclient#1 sdclient.log:1-25 8806 exit-line',
      'sdclient#2 sdclient.log:26-82 8807 exit-line',
      'sdclient#3 sdclient.log:83-131 8808 exit-line',
      'sdclient#4 sdclient.log:132-167 8809 exit-line',
      'sdclient#5 sdclient.log:168-175 8810 exit-line refused by vulscan',
    ]);
    // No run ends before it starts, however the clock moved inside it.
    expect(timeline.windows.filter((w) => w.end < w.start)).toEqual([]);
  });

  it('LAB-0108: runs from per-task logs and unknown wording, with no banner or exit line', async () => {
    const timeline = await sampleTimeline('LAB-0108');
    expect(runs(timeline)).toEqual([
      'sdclient#1 sdclient_task7701.log:1-34 7701 end-of-file',
      'vulscan#1 vulscan.log:1-37 - end-of-file',
      'sdclient#2 sdclient_task7702.log:1-8 7702 end-of-file',
      'policysync#1 PolicySync.exe.log:1-7 - exit-line',
    ]);
    expect(timeline.notes).toEqual(['The task status files (.stat) record their times in UTC; they were converted using the device\'s offset from UTC, +9 h, which task 7701\'s own log lines show.']);
  });
});
