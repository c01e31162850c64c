import { describe, expect, it } from 'vitest';
import { taskIdFromFileName } from '../../src/ingest/names.js';
import { formatWallTime } from '../../src/parsers/timestamp.js';
import { buildTimeline } from '../../src/timeline/index.js';
import { buildWindows, RUN_GAP_MS, windowsOfFile, type RunBoundaries, type WindowInput } from '../../src/timeline/windows.js';
import type { LogKind, ProcessName, Window } from '../../src/types.js';
import { at } from '../helpers/events.js';
import { logText } from '../helpers/lines.js';
import { fileEventsOf } from '../helpers/parse.js';

const NONE: RunBoundaries = { sdclient: [], vulscan: [], policysync: [] };

const PROCESS_OF: Partial<Record<LogKind, ProcessName>> = { sdclient: 'sdclient', vulscan: 'vulscan', policysync: 'policysync' };

async function input(fileName: string, text: string): Promise<WindowInput> {
  const { events, kind } = await fileEventsOf(fileName, text);
  const process = PROCESS_OF[kind];
  if (!process) throw new Error(`test setup: ${fileName} is not a process log`);
  return { process, file: fileName, singleTask: process === 'sdclient' && taskIdFromFileName(fileName) !== null, events };
}

async function windowsOf(fileName: string, text: string, boundaries: RunBoundaries = NONE): Promise<Window[]> {
  return windowsOfFile(await input(fileName, text), boundaries);
}

/** "startLine-endLine start–end closedBy" per window. */
function shape(windows: readonly Window[]): string[] {
  return windows.map((w) => `${w.startLine}-${w.endLine} ${formatWallTime(w.start).slice(11)}–${formatWallTime(w.end).slice(11)} ${w.closedBy}`);
}

const START = '---------- SDClient starting (version 11.0.5.361) ----------';

describe('windowsOfFile: where a run starts and ends', () => {
  it('splits at start banners', async () => {
    const windows = await windowsOf('sdclient.log', logText([
      ['09:55:02', START], ['09:55:03', 'Package: "7-Zip 23.01"'], ['09:58:00', 'Installing'],
      ['10:02:11', START], ['10:02:12', 'Package: "Office 2016 ProPlus"'],
    ]));
    expect(shape(windows)).toEqual(['1-3 09:55:02–09:58:00 next-start', '4-5 10:02:11–10:02:12 end-of-file']);
  });

  it('splits after exit lines, even without a banner after them', async () => {
    const windows = await windowsOf('vulscan.log', logText([
      ['09:58:40', 'Vulscan.exe version 11.0.5.361 starting'],
      ['10:14:37', 'Vulscan finished, return code 0'],
      ['10:20:00', 'Checking definitions'],
      ['10:25:00', 'Vulscan finished, return code 1'],
    ]));
    expect(shape(windows)).toEqual(['1-2 09:58:40–10:14:37 exit-line', '3-4 10:20:00–10:25:00 exit-line']);
    expect(windows.map((w) => w.exitCode)).toEqual([0, 1]);
  });

  it(`splits at a silence longer than the process's gap (sdclient: ${RUN_GAP_MS.sdclient / 60000} min)`, async () => {
    const t0 = at('08:00:00');
    const hms = (ms: number): string => formatWallTime(ms).slice(11);
    const windows = await windowsOf('sdclient.log', logText([
      [hms(t0), 'Package: "A"'],
      [hms(t0 + 5_000), 'Downloading'],
      [hms(t0 + 5_000 + RUN_GAP_MS.sdclient), 'Package: "B"'],
      [hms(t0 + 6_000 + 2 * RUN_GAP_MS.sdclient), 'Package: "C"'],
    ]));
    // Exactly the gap is still the same run; one second more is a new one.
    expect(windows.map((w) => `${w.startLine}-${w.endLine} ${w.closedBy}`)).toEqual(['1-3 gap', '4-4 end-of-file']);
  });

  it('keeps a waiting vulscan one run over hours of silence', async () => {
    const windows = await windowsOf('vulscan.log', logText([
      ['06:00:00', 'Vulscan.exe version 11.0.5.361 starting'],
      ['06:00:01', 'Another task is running (sdclient.exe, pid 3312); waiting for it to finish'],
      ['09:30:00', 'Wait finished; no other task is running'],
      ['14:00:00', 'Checking definitions'],
    ]));
    expect(shape(windows)).toEqual(['1-3 06:00:00–09:30:00 gap', '4-4 14:00:00–14:00:00 end-of-file']);
  });

  it('keeps a vulscan that waits on a hung sdclient one run, and the hung sdclient one run, over five hours of silence', async () => {
    const vulscan = await windowsOf('vulscan.log', logText([
      ['10:30:00', 'Vulscan.exe version 11.0.5.361 starting'],
      ['10:30:01', 'Another task is running (sdclient.exe, pid 6120); waiting for it to finish'],
      ['15:10:02', 'Wait finished; no other task is running'],
      ['15:10:03', 'Scanning for vulnerabilities'],
    ]));
    expect(shape(vulscan)).toEqual(['1-4 10:30:00–15:10:03 end-of-file']);
    const sdclient = await windowsOf('sdclient.log', logText([
      ['10:00:00', '---------- SDClient starting (version 11.0.5.361) ----------'],
      ['10:00:05', 'sdmcache: targeted multicast: waiting for peer'],
      ['15:10:00', 'processing of package is complete, result 0 (0x00000000)'],
      ['15:10:01', 'SDClient exiting, return code 0'],
      ['15:10:05', '---------- SDClient starting (version 11.0.5.361) ----------'],
    ]));
    expect(shape(sdclient)).toEqual(['1-4 10:00:00–15:10:01 exit-line', '5-5 15:10:05–15:10:05 end-of-file']);
    // Without banners, hours of silence still part sdclient's runs.
    const unbannered = await windowsOf('sdclient.log', logText([['10:00:05', 'Downloading'], ['15:10:00', 'processing of package is complete, result 0']]));
    expect(shape(unbannered)).toEqual(['1-1 10:00:05–10:00:05 gap', '2-2 15:10:00–15:10:00 end-of-file']);
  });

  it('splits where the scheduler launched the program (a boundary from another file)', async () => {
    const text = logText([['09:40:00', 'Checking definitions'], ['09:41:00', 'Scanning for vulnerabilities'], ['09:58:39', 'Checking definitions'], ['09:59:00', 'Done']]);
    expect(shape(await windowsOf('vulscan.log', text, { ...NONE, vulscan: [at('09:50:00')] })))
      .toEqual(['1-2 09:40:00–09:41:00 next-start', '3-4 09:58:39–09:59:00 end-of-file']);
    // A launch in the same second as the run's first line belongs to that run.
    expect(shape(await windowsOf('vulscan.log', text, { ...NONE, vulscan: [at('09:58:39')] })).map((s) => s.slice(0, 3)))
      .toEqual(['1-2', '3-4']);
    // A launch of another program splits nothing here.
    expect(await windowsOf('vulscan.log', text, { ...NONE, policysync: [at('09:50:00')] })).toHaveLength(1);
  });

  it('keeps a per-task sdclient log one run: only banners and exit lines split it', async () => {
    const text = logText([
      ['08:00:00', 'Package: "Office 2016 ProPlus"'],
      ['08:00:05', 'Downloading'],
      ['11:00:00', 'processing of package is complete, result 0'],
    ]);
    const task = await windowsOf('sdclient_task1054.log', text, { ...NONE, sdclient: [at('09:00:00')] });
    expect(shape(task)).toEqual(['1-3 08:00:00–11:00:00 end-of-file']);
    expect(task[0]?.taskId).toBe('1054');
    // The same lines in the shared log are three runs' worth of evidence: split at the gap and the boundary.
    expect(await windowsOf('sdclient.log', text, { ...NONE, sdclient: [at('08:30:00')] })).toHaveLength(2);
    const banners = await windowsOf('sdclient_task1054.log', logText([['08:00:00', START], ['08:00:01', 'SDClient exiting, return code 0'], ['08:05:00', START]]));
    expect(shape(banners)).toEqual(['1-2 08:00:00–08:00:01 exit-line', '3-3 08:05:00–08:05:00 end-of-file']);
  });

  it('gives nothing for an empty file', async () => {
    expect(await windowsOf('sdclient.log', '')).toEqual([]);
  });
});

describe('windowsOfFile: what a run says', () => {
  it('fills wait, scan and exit of a vulscan run', async () => {
    const [w] = await windowsOf('vulscan.log', logText([
      ['09:58:40', 'Vulscan.exe version 11.0.5.361 starting'],
      ['09:58:40', 'Command line: /AgentBehavior=ERSC_Default /Scan'],
      ['09:58:41', 'Another task is running (sdclient.exe, pid 3312); waiting for it to finish'],
      ['10:02:05', 'Wait finished; no other task is running'],
      ['10:02:06', 'Scanning for vulnerabilities'],
      ['10:05:00', 'Checking definitions'],
      ['10:14:37', 'Vulscan finished, return code 0'],
    ]));
    expect(w).toMatchObject({
      process: 'vulscan', file: 'vulscan.log', startLine: 1, endLine: 7, start: at('09:58:40'), end: at('10:14:37'), closedBy: 'exit-line',
      waitStart: at('09:58:41'), waitEnd: at('10:02:05'), waitingFor: 'sdclient', scanStart: at('10:02:06'), exitCode: 0,
    });
    expect(w?.refusedBy).toBeUndefined();
    // The events that shaped the window, in file order; plain messages are not among them.
    const keys = w?.keyEvents.map((e) => `${e.line} ${e.kind}`) ?? [];
    expect(keys.filter((k) => !k.endsWith('command-line'))).toEqual(['1 process-start', '3 waiting', '4 wait-finished', '5 scanning', '7 process-exit']);
    expect(keys).not.toContain('6 message');
    expect(w?.firstEvent.line).toBe(1);
    expect(w?.lastEvent.line).toBe(7);
  });

  it('fills refusal, result, task and package of a refused sdclient run', async () => {
    const [w] = await windowsOf('sdclient.log', logText([
      ['10:02:11', START],
      ['10:02:11', 'Command line: /policyfile="C:\\ProgramData\\LANDesk\\Policies\\CP.1054.RunNow.xml" /taskid=1054'],
      ['10:02:11', 'Package: "Office 2016 ProPlus"'],
      ['10:02:12', 'Another task is already in progress: vulscan.exe (pid 4412) is running'],
      ['10:02:12', 'processing of package is complete, result -1917517692 (0x8DB50084)'],
      ['10:02:12', 'Sending task status, cmd line: -taskid=1054 -retcode=-1916 -complete'],
      ['10:02:12', 'SDClient exiting, return code -1916'],
    ]));
    expect(w).toMatchObject({
      process: 'sdclient', startLine: 1, endLine: 7, closedBy: 'exit-line',
      taskId: '1054', packageName: 'Office 2016 ProPlus', refusedBy: 'vulscan', resultCode: -1917517692, exitCode: -1916,
    });
    expect(w?.downloadError).toBeUndefined();
  });

  it('takes the package result over the status sent, and the status when there is no result', async () => {
    const [both] = await windowsOf('sdclient.log', logText([
      ['10:00:00', 'Sending task status, cmd line: -taskid=1 -retcode=5 -complete'],
      ['10:00:01', 'processing of package is complete, result 1603'],
    ]));
    expect(both?.resultCode).toBe(1603);
    const [statusOnly] = await windowsOf('sdclient.log', logText([['10:00:00', 'Sending task status, cmd line: -taskid=1 -retcode=1603 -complete']]));
    expect(statusOnly?.resultCode).toBe(1603);
  });

  it('marks a refusal that names no one, and a download error', async () => {
    const [w] = await windowsOf('sdclient.log', logText([
      ['10:02:11', START],
      ['10:02:12', 'A task is already in progress'],
      ['10:02:13', 'Download Error: http://core/packages/vlc.msi (0x80070005)'],
    ]));
    expect(w).toMatchObject({ refusedBy: 'unknown', downloadError: true, closedBy: 'end-of-file' });
  });

  it('keeps the first blocker, wait start and scan start of a run', async () => {
    const [w] = await windowsOf('vulscan.log', logText([
      ['10:00:00', 'Waiting for sdclient.exe to finish'],
      ['10:00:30', 'Waiting for PolicySync.exe to finish'],
      ['10:01:00', 'Wait finished; no other task is running'],
      ['10:01:01', 'Scanning for vulnerabilities'],
      ['10:02:00', 'Wait finished; no other task is running'],
      ['10:02:01', 'Scanning for vulnerabilities'],
    ]));
    expect(w).toMatchObject({ waitStart: at('10:00:00'), waitingFor: 'sdclient', scanStart: at('10:01:01'), waitEnd: at('10:02:00') });
  });
});

describe('buildWindows', () => {
  it('orders a device\'s windows by start and numbers them per process', async () => {
    const inputs = [
      await input('sdclient.log', logText([['09:55:02', START], ['10:01:31', 'SDClient exiting, return code 0'], ['10:02:11', START], ['10:02:12', 'SDClient exiting, return code -1916']])),
      await input('vulscan.log', logText([['09:58:40', 'Vulscan.exe version 11.0.5.361 starting'], ['10:14:37', 'Vulscan finished, return code 0']])),
      await input('vulscan.1.log', logText([['08:00:00', 'Vulscan.exe version 11.0.5.361 starting'], ['08:10:00', 'Vulscan finished, return code 0']])),
      await input('PolicySync.exe.log', logText([['10:02:11', 'Run PolicySync'], ['10:02:15', 'Exit PolicySync']])),
    ];
    const windows = buildWindows(inputs, NONE);
    expect(windows.map((w) => `${w.id} ${w.file}:${w.startLine}`)).toEqual([
      'vulscan#1 vulscan.1.log:1',
      'sdclient#1 sdclient.log:1',
      'vulscan#2 vulscan.log:1',
      'sdclient#2 sdclient.log:3',
      'policysync#1 PolicySync.exe.log:1',
    ]);
  });
});

describe('run boundaries from the other files (through buildTimeline)', () => {
  it('splits vulscan runs where localsch.log launched vulscan', async () => {
    const timeline = buildTimeline('LAB', [
      await fileEventsOf('vulscan.log', logText([['09:40:00', 'Checking definitions'], ['09:41:00', 'Scanning for vulnerabilities'], ['09:58:40', 'Checking definitions']])),
      await fileEventsOf('localsch.log', logText([['09:58:39', 'Launching task 3: "C:\\Program Files (x86)\\LANDesk\\LDClient\\vulscan.exe" /Scan']])),
    ]);
    expect(timeline.windows.map((w) => `${w.id} ${w.startLine}-${w.endLine} ${w.closedBy}`)).toEqual([
      'vulscan#1 1-2 next-start', 'vulscan#2 3-3 end-of-file',
    ]);
  });

  it('splits the shared sdclient.log where the provisioning template finished an action', async () => {
    const timeline = buildTimeline('LAB', [
      await fileEventsOf('sdclient.log', logText([
        ['09:55:03', 'Package: "7-Zip 23.01"'],
        ['10:01:30', 'processing of package is complete, result 0'],
        ['10:02:11', 'Package: "Office 2016 ProPlus"'],
        ['10:02:12', 'processing of package is complete, result -1916'],
      ])),
      await fileEventsOf('ldprovisioning.log', logText([
        ['10:01:31', 'Action 6 of 12 "7-Zip 23.01" (Distribute software) completed, return code 0'],
        ['10:02:13', 'Action 7 of 12 "Office 2016 ProPlus" (Distribute software) failed, return code -1916'],
      ])),
    ]);
    expect(timeline.windows.map((w) => `${w.id} ${w.startLine}-${w.endLine} ${w.packageName ?? ''} ${w.closedBy}`)).toEqual([
      'sdclient#1 1-2 7-Zip 23.01 next-start', 'sdclient#2 3-4 Office 2016 ProPlus end-of-file',
    ]);
  });

  // Regression: an action result logged in the same second as its run's last sdclient lines
  // (1-second clocks) cut that run in two, leaving its status line as a run of its own.
  it('keeps sdclient lines written in the same second as the action result in the run that ended', async () => {
    const timeline = buildTimeline('LAB', [
      await fileEventsOf('sdclient.log', logText([
        ['09:55:02', 'Command line: /taskid=1053'],
        ['09:55:03', 'Package: "7-Zip 23.01"'],
        ['10:01:30', 'processing of package is complete, result 0'],
        ['10:01:31', 'Sending task status, cmd line: -taskid=1053 -retcode=0 -complete'],
        ['10:02:11', 'Command line: /taskid=1054'],
        ['10:02:11', 'Package: "Office 2016 ProPlus"'],
        ['10:02:12', 'Another task is already in progress: vulscan.exe (pid 4412) is running'],
        ['10:02:13', 'Sending task status, cmd line: -taskid=1054 -retcode=-1916 -complete'],
      ])),
      await fileEventsOf('ldprovisioning.log', logText([
        ['10:01:31', 'Action 6 of 12 "7-Zip 23.01" (Distribute software) completed, return code 0'],
        ['10:02:13', 'Action 7 of 12 "Office 2016 ProPlus" (Distribute software) failed, return code -1916'],
      ])),
    ]);
    expect(timeline.windows.map((w) => `${w.id} ${w.startLine}-${w.endLine} task ${w.taskId ?? '?'}`)).toEqual([
      'sdclient#1 1-4 task 1053', 'sdclient#2 5-8 task 1054',
    ]);
    expect(timeline.windows[1]).toMatchObject({ refusedBy: 'vulscan', resultCode: -1916 });
  });
});

describe('run boundaries across a clock jump', () => {
  // Regression (samples/LAB-0109, before banners made boundaries moot there): the template's OS
  // steps, logged on the fast clock before the time sync, fell inside a later sdclient run's
  // wall-clock span and cut it in pieces. Only a distribution action runs sdclient, so only its
  // result says where an sdclient run ends. The log here has no banner a pattern knows.
  it('splits the shared sdclient.log only at distribution actions\' results', async () => {
    const timeline = buildTimeline('LAB', [
      await fileEventsOf('sdclient.log', logText([
        ['13:05:18', 'Command line: /taskid=8807'],
        ['13:05:18', 'Package: "Microsoft Office 2021 LTSC"'],
        ['13:24:21', 'Waiting for installer to finish (pid 4218)'],
        ['13:25:21', 'Waiting for installer to finish (pid 4218)'],
        ['13:38:27', 'processing of package is complete, result 0'],
        ['13:38:27', 'Sending task status, cmd line: -taskid=8807 -retcode=0 -complete'],
      ])),
      await fileEventsOf('ldprovisioning.log', logText([
        ['13:24:47', 'Action 1 of 12 "Partition disk" (Partition) completed, return code 0'],
        ['14:03:02', 'Action 5 of 12 "Install LANDesk agent" (Install service) completed, return code 0'],
        ['13:05:14', 'Time changed by the system (w32tm): -3598 s'],
        ['13:05:15', 'Action 6 of 12 "Domain Join & Time Sync 1.2" (Distribute software) completed, return code 0'],
        ['13:38:28', 'Action 7 of 12 "Microsoft Office 2021 LTSC" (Distribute software) completed, return code 0'],
      ])),
    ]);
    expect(timeline.windows.map((w) => `${w.id} ${w.startLine}-${w.endLine}`)).toEqual(['sdclient#1 1-6']);
  });

  it('still splits at a logged action whose type is not written', async () => {
    const timeline = buildTimeline('LAB', [
      await fileEventsOf('sdclient.log', logText([['10:00:00', 'Package: "A"'], ['10:05:00', 'Package: "B"']])),
      await fileEventsOf('ldprovisioning.log', logText([['10:01:00', 'Action 6 "A" completed, return code 0']])),
    ]);
    expect(timeline.windows.map((w) => `${w.startLine}-${w.endLine}`)).toEqual(['1-1', '2-2']);
  });
});

describe('buildWindows: one run written to two files', () => {
  const run = (extra: [string, string][] = []): string => logText([
    ['10:02:11', START],
    ['10:02:11', 'Command line: /policyfile="C:\\ProgramData\\LANDesk\\Policies\\CP.1055.RunNow.xml" /taskid=1055'],
    ['10:02:11', 'Package: "Adobe Reader DC"'],
    ...extra,
    ['10:02:12', 'processing of package is complete, result -1917517692 (0x8DB50084)'],
    ['10:02:12', 'SDClient exiting, return code -1916'],
  ]);

  it('keeps one window when sdclient.log and sdclient_task<ID>.log hold the same run, with what only one of them said', async () => {
    const windows = buildWindows([
      await input('sdclient.log', run()),
      await input('sdclient_task1055.log', run([['10:02:12', 'Another task is already in progress: vulscan.exe (pid 4412) is running']])),
    ], NONE);
    expect(windows).toHaveLength(1);
    expect(windows[0]).toMatchObject({ id: 'sdclient#1', file: 'sdclient_task1055.log', taskId: '1055', refusedBy: 'vulscan', resultCode: -1917517692 });
  });

  it('keeps two windows for two runs that overlap in time but are different tasks', async () => {
    const other = run().replace(/1055/g, '2210').replace('Adobe Reader DC', 'Zoom');
    const windows = buildWindows([await input('sdclient_task1055.log', run()), await input('sdclient_task2210.log', other)], NONE);
    expect(windows.map((w) => w.taskId)).toEqual(['1055', '2210']);
  });
});

describe('buildWindows: a run cut by vulscan.log\'s rotation', () => {
  const older = logText([
    ['09:58:40', 'Vulscan.exe version 11.0.5.361 starting'],
    ['09:58:41', 'Another task is running (sdclient.exe, pid 3312); waiting for it to finish'],
    ['10:02:05', 'Wait finished; no other task is running'],
    ['10:02:06', 'Scanning for vulnerabilities'],
    ['10:05:00', 'Scanned 410 of 1642 definitions'],
  ]);
  const newer = logText([
    ['10:05:01', 'Scanned 820 of 1642 definitions'],
    ['10:14:37', 'Vulscan finished, return code 0'],
  ]);

  it('joins the older file\'s last run and the newer file\'s first into one', async () => {
    const windows = buildWindows([await input('vulScan/vulscan.1.log', older), await input('vulScan/vulscan.log', newer)], NONE);
    expect(windows).toHaveLength(1);
    expect(windows[0]).toMatchObject({ file: 'vulScan/vulscan.1.log', startLine: 1, exitCode: 0, closedBy: 'exit-line' });
    expect(formatWallTime(windows[0]!.end)).toBe('2026-03-09T10:14:37');
    expect(windows[0]?.waitStart).toBe(at('09:58:41'));
    expect(windows[0]?.lastEvent.file).toBe('vulScan/vulscan.log');
  });

  it('keeps them apart when the newer file starts with its own banner', async () => {
    const withBanner = logText([['10:20:00', 'Vulscan.exe version 11.0.5.361 starting'], ['10:25:00', 'Vulscan finished, return code 0']]);
    const windows = buildWindows([await input('vulScan/vulscan.1.log', older), await input('vulScan/vulscan.log', withBanner)], NONE);
    expect(windows).toHaveLength(2);
  });
});
