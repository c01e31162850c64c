// Whole-device stories shared by the rule tests, built from the log scripts in
// test/helpers/bundle.ts. Each returns the bundle's files (path → text), so a test can both
// diagnose it and point at the lines it expects as evidence.
import {
  PATHS, addedTaskLine, executingSdclientLine, jumpClock, launchTaskLine, lines, logText, plus, policySyncRun, provisioningLog, schedulerLog, schedulerTasksText, sdclientRun, statXml, vulscanRun,
  type ActionSpec, type BundleFiles, type Script, type TimeSpec,
} from '../helpers/bundle.js';

export const AGENT_ACTION: ActionSpec = { n: 5, name: 'Install LANDesk agent', type: 'Install service', start: '09:27:00', end: '09:40:55' };

export interface RaceOptions {
  /** Which background task blocks the next distribution (default vulscan). */
  blocker?: 'vulscan' | 'policysync';
  /** 'unknown': sdclient and vulscan write words no pattern knows; no busy message is recognised. */
  wording?: 'modeled' | 'unknown';
  /** sdclient_task<ID>.log per run instead of one shared sdclient.log. */
  perTaskLogs?: boolean;
  /** Leave files out. */
  withoutProvisioning?: boolean;
  withoutBlockerLog?: boolean;
  withoutScheduler?: boolean;
  withStatFiles?: boolean;
  /** LF line ends instead of CRLF. */
  lf?: boolean;
  /** The device clock is changed at this moment (a time sync), in every file at once. */
  clockJump?: { at: TimeSpec; seconds: number };
}

export interface RaceStory {
  files: BundleFiles;
  /** Path of the log that holds each run (shared or per task). */
  firstRunPath: string;
  failedRunPath: string;
  blockerPath: string;
}

/**
 * The race of FORMATS.md: the agent install registers the scan; the scheduler launches it during
 * action 6 ("7-Zip 23.01"); vulscan finds sdclient running and waits; action 6's sdclient exits;
 * vulscan's wait ends and it scans; action 7's sdclient ("Adobe Reader DC") finds vulscan.exe
 * running, refuses with -1916, and the template stops.
 */
export function raceStory(options: RaceOptions = {}): RaceStory {
  const blocker = options.blocker ?? 'vulscan';
  const wording = options.wording ?? 'modeled';
  const jump = options.clockJump;
  const shift = (script: Script, note?: string): Script => (jump ? jumpClock(script, jump.at, jump.seconds, note) : script);
  const first = sdclientRun({ start: '09:41:07', taskId: 1053, package: '7-Zip 23.01', installSeconds: 1240, wording });
  const failed = sdclientRun({
    start: plus(first.end, 7), taskId: 1054, package: 'Adobe Reader DC', wording,
    busy: blocker === 'vulscan' ? 'vulscan.exe' : 'PolicySync.exe', busyPid: blocker === 'vulscan' ? 4412 : 7784,
  });
  const taskStart = '09:58:40';
  const task: Script = blocker === 'vulscan'
    ? vulscanRun({ start: taskStart, waitFor: { pid: 3312, until: plus(first.end, 1) }, wording })
    : policySyncRun({ start: taskStart, waitFor: { pid: 3312, until: plus(first.end, 1) }, scrubSkipped: true, seconds: 36 });
  const eol = options.lf ? { eol: '\n' as const } : {};
  const files: Record<string, string> = {};
  const firstRunPath = options.perTaskLogs ? PATHS.sdclientTask(1053) : PATHS.sdclient;
  const failedRunPath = options.perTaskLogs ? PATHS.sdclientTask(1054) : PATHS.sdclient;
  if (options.perTaskLogs) {
    files[firstRunPath] = logText([shift(first)], eol);
    files[failedRunPath] = logText([shift(failed)], eol);
  } else {
    files[PATHS.sdclient] = logText([shift(first), shift(failed)], eol);
  }
  const blockerPath = blocker === 'vulscan' ? PATHS.vulscan : PATHS.policysync;
  if (!options.withoutBlockerLog) files[blockerPath] = logText([shift(task)], eol);
  if (!options.withoutScheduler) {
    files[PATHS.localsch] = logText([shift(schedulerLog({
      added: '09:41:02',
      launches: [{ at: plus(taskStart, -1), program: blocker, pid: blocker === 'vulscan' ? 4412 : 7784, finished: task.end }],
    }), jump ? `System time changed (${jump.seconds} s); schedule kept in local time` : undefined)], eol);
    files[PATHS.schedulerTasks] = schedulerTasksText('09 Mar 2026 09:41:02', eol);
  }
  if (!options.withoutProvisioning) {
    files[PATHS.provisioning] = logText([shift(provisioningLog({
      total: 12,
      actions: [
        AGENT_ACTION,
        { n: 6, name: '7-Zip 23.01', start: '09:41:05', end: plus(first.end, 2), taskId: 1053, pid: 3312 },
        { n: 7, name: 'Adobe Reader DC', start: plus(first.end, 3), end: plus(failed.end, 1), code: -1916, taskId: 1054, pid: 5096 },
      ],
    }), jump ? `Time changed by the system (w32tm): ${jump.seconds} s` : undefined)], eol);
  }
  if (options.withStatFiles) {
    files[PATHS.stat(1053)] = statXml({ taskId: 1053, status: 4, code: 0, lastRun: first.end });
    files[PATHS.stat(1054)] = statXml({ taskId: 1054, status: 5, code: -1916, lastRun: failed.end });
  }
  return { files, firstRunPath, failedRunPath, blockerPath };
}

export interface CleanOptions {
  /** The scheduler's first start for the scan and the sync (/start="…"); default the install time. */
  firstStart?: string;
  /** Also a LocalSchedulerTasks.log listing the tasks with this start. */
  tasksStart?: string;
  /** When a scan runs: none; during action 6 (waits for it) and done before action 7; after the last distribution; after the agent install, before the first distribution. */
  scan?: 'none' | 'between' | 'after-last' | 'before-first';
  scanWording?: 'modeled' | 'unknown';
  /** The policy sync runs between the two distributions (without waiting: sdclient was not running). */
  sync?: 'between';
  /** Action 7's installer result (default 0: nothing fails). */
  secondResult?: number;
}

/**
 * A build with two distributions after the agent install: action 6 ("7-Zip 23.01", 5 min) and
 * action 7 ("Adobe Reader DC"), 45 s apart; by default nothing else runs and every action completes.
 */
export function cleanStory(options: CleanOptions = {}): BundleFiles {
  const first = sdclientRun({ start: '09:45:07', taskId: 1053, package: '7-Zip 23.01', installSeconds: 300 });
  const second = sdclientRun({ start: plus(first.end, 45), taskId: 1054, package: 'Adobe Reader DC', installSeconds: 120, result: options.secondResult ?? 0 });
  const files: Record<string, string> = {
    [PATHS.sdclient]: logText([first, second]),
    [PATHS.provisioning]: logText([provisioningLog({
      total: 7,
      actions: [
        AGENT_ACTION,
        { n: 6, name: '7-Zip 23.01', start: '09:45:05', end: plus(first.end, 2), taskId: 1053, pid: 3312 },
        { n: 7, name: 'Adobe Reader DC', start: plus(first.end, 42), end: plus(second.end, 1), code: options.secondResult ?? 0, taskId: 1054, pid: 5096 },
      ],
    })]),
  };
  const launches: { at: TimeSpec; program: 'vulscan' | 'policysync'; pid: number; finished: TimeSpec }[] = [];
  const scan = options.scan ?? 'none';
  const wording = options.scanWording ?? 'modeled';
  if (scan !== 'none') {
    const run = scan === 'between'
      ? vulscanRun({ start: plus(first.start, 120), waitFor: { pid: 3312, until: plus(first.end, 1) }, scanSeconds: 20, wording })
      : scan === 'after-last'
        ? vulscanRun({ start: plus(second.end, 60), scanSeconds: 600, wording })
        : vulscanRun({ start: '09:41:40', scanSeconds: 120, wording });
    files[PATHS.vulscan] = logText([run]);
    launches.push({ at: plus(run.start, -1), program: 'vulscan', pid: 4412, finished: run.end });
  }
  if (options.sync === 'between') {
    const run = policySyncRun({ start: plus(first.end, 5), seconds: 20 });
    files[PATHS.policysync] = logText([run]);
    launches.push({ at: run.start, program: 'policysync', pid: 7784, finished: run.end });
  }
  files[PATHS.localsch] = logText([schedulerLog({ added: '09:41:02', ...(options.firstStart ? { firstStart: options.firstStart } : {}), launches })]);
  if (options.tasksStart) files[PATHS.schedulerTasks] = schedulerTasksText(options.tasksStart);
  return files;
}

/**
 * LAB-0109's story: the device clock ran an hour fast until action 7 joined the domain and
 * synced it back (-3598 s). The agent (action 5) and 7-Zip (action 6) were installed before the
 * sync, on the fast clock; the scheduler keeps the scan's start in local time, so the scan fires
 * at 09:58:39 on the corrected clock, an hour later in true time, during action 8 ("Microsoft
 * Office 2021 LTSC"); action 9 ("Adobe Reader DC") is refused. Wall times 09:4x therefore appear
 * both before the jump (the agent, 7-Zip) and after it (Office's run): only file order separates them.
 */
export function raceAfterClockJumpStory(): BundleFiles {
  const zip = sdclientRun({ start: '09:41:07', taskId: 1052, package: '7-Zip 23.01', installSeconds: 60 });
  const office = sdclientRun({ start: '08:43:40', taskId: 1053, package: 'Microsoft Office 2021 LTSC', installSeconds: 4687 });
  const failed = sdclientRun({ start: plus(office.end, 7), taskId: 1054, package: 'Adobe Reader DC', busy: 'vulscan.exe', busyPid: 4412 });
  const scan = vulscanRun({ start: '09:58:40', waitFor: { pid: 3312, until: plus(office.end, 1) } });
  const provisioning = lines([
    ['09:26:00', 'Provisioning agent version 11.0.5.361 starting'],
    ['09:26:01', 'Template "Win10 Field build" (id 31): 12 actions'],
    ['09:27:00', 'Starting action 5 of 12 "Install LANDesk agent" (Install service)'],
    ['09:40:55', 'Action 5 of 12 "Install LANDesk agent" (Install service) completed, return code 0'],
    ['09:41:05', 'Starting action 6 of 12 "7-Zip 23.01" (Distribute software)'],
    ['09:41:07', executingSdclientLine(1052)],
    ['09:41:07', 'Process started, pid 2904'],
    [plus(zip.end, 2), 'Action 6 of 12 "7-Zip 23.01" (Distribute software) completed, return code 0'],
    [plus(zip.end, 3), 'Starting action 7 of 12 "Join domain" (Join domain)'],
    [plus(zip.end, 40), 'Joined domain LAB.EXAMPLE; synchronising time with the domain controller'],
    [plus(zip.end, 42 - 3598), 'Time changed by the system (w32tm): -3598 s'],
    ['08:43:30', 'Action 7 of 12 "Join domain" (Join domain) completed, return code 0'],
    ['08:43:32', 'Starting action 8 of 12 "Microsoft Office 2021 LTSC" (Distribute software)'],
    ['08:43:40', executingSdclientLine(1053)],
    ['08:43:40', 'Process started, pid 3312'],
    [plus(office.end, 2), 'Action 8 of 12 "Microsoft Office 2021 LTSC" (Distribute software) completed, return code 0'],
    [plus(office.end, 3), 'Starting action 9 of 12 "Adobe Reader DC" (Distribute software)'],
    [failed.start, executingSdclientLine(1054)],
    [failed.start, 'Process started, pid 5096'],
    [plus(failed.end, 1), 'Action 9 of 12 "Adobe Reader DC" (Distribute software) failed, return code -1916'],
    [plus(failed.end, 1), 'Template "Win10 Field build" stopped: action 9 failed'],
  ]);
  const localsch = lines([
    ['09:40:49', 'Local scheduler service starting (version 11.0.5.361)'],
    ['09:40:49', 'Loaded 0 tasks'],
    ['09:41:02', addedTaskLine('vulscan', '09 Mar 2026 09:41:02')],
    ['09:41:02', addedTaskLine('policysync', '09 Mar 2026 09:41:02')],
    ['09:41:03', 'Task 3: next run 09 Mar 2026 09:58:39 (random delay 1057 s)'],
    [plus(zip.end, 42 - 3598), 'System time changed (-3598 s); schedule kept in local time'],
    ['09:58:39', launchTaskLine('vulscan')],
    ['09:58:39', 'Task 3 started, pid 4412'],
    [scan.end, 'Task 3 finished, exit code 0'],
  ]);
  return {
    [PATHS.sdclient]: logText([zip, office, failed]),
    [PATHS.vulscan]: logText([scan]),
    [PATHS.localsch]: logText([localsch]),
    [PATHS.provisioning]: logText([provisioning]),
  };
}

export interface InstallStoryOptions {
  /** The package's own result (default 1603). */
  result?: number;
  /** vulscan starts during the package's run and waits on it. */
  scanWaiting?: boolean;
  /** 'error': the download fails (Download Error, hash mismatch). 'error-then-ok': it fails once, then the peer copy is good. */
  download?: 'ok' | 'error' | 'error-then-ok';
  withoutProvisioning?: boolean;
  withoutSdclient?: boolean;
}

/**
 * Action 7 ("7-Zip 23.01") installs; action 8 ("Java Runtime 8u401", task 1203, pid 3536) runs
 * its installer, which returns `result` (1603 by default: "fatal error during installation"),
 * or fails to download, as LAB-0103 and LAB-0105 tell it.
 */
export function installStory(options: InstallStoryOptions = {}): BundleFiles {
  const result = options.result ?? (options.download === 'error' ? -2147024891 : 1603);
  const before = sdclientRun({ start: '09:41:07', taskId: 1202, package: '7-Zip 23.01', installSeconds: 90 });
  const java = sdclientRun({
    start: plus(before.end, 6), taskId: 1203, package: 'Java Runtime 8u401', installSeconds: 180, result,
    ...(options.download ? { download: options.download } : {}),
  });
  const files: Record<string, string> = {};
  if (!options.withoutSdclient) files[PATHS.sdclient] = logText([before, java]);
  const launches: { at: TimeSpec; program: 'vulscan'; pid: number; finished: TimeSpec }[] = [];
  if (options.scanWaiting) {
    const scan = vulscanRun({ start: plus(java.start, 4), waitFor: { pid: 3536, until: plus(java.end, 1) } });
    files[PATHS.vulscan] = logText([scan]);
    launches.push({ at: plus(scan.start, -1), program: 'vulscan', pid: 4412, finished: scan.end });
  }
  files[PATHS.localsch] = logText([schedulerLog({ added: '09:41:02', launches })]);
  const failed = result !== 0 && result !== 3010 && result !== 1641;
  if (!options.withoutProvisioning) {
    files[PATHS.provisioning] = logText([provisioningLog({
      template: 'Win10 Engineering',
      total: failed ? 13 : 8,
      actions: [
        AGENT_ACTION,
        { n: 7, name: '7-Zip 23.01', start: '09:41:05', end: plus(before.end, 2), taskId: 1202, pid: 2904 },
        { n: 8, name: 'Java Runtime 8u401', start: plus(before.end, 3), end: plus(java.end, 1), code: result, taskId: 1203, pid: 3536 },
      ],
    })]);
  }
  return files;
}

/** ProvisionGUI.exe.log (seen name; FORMATS.md's modeled lines) for the race story's actions; `type: null` leaves <Type> out. */
export function provisionGuiText(actions: readonly { n: number; name: string; type?: string | null; start: TimeSpec; end: TimeSpec; code: number }[]): string {
  const at = (t: TimeSpec): string => new Date(typeof t === 'number' ? t : plus(t, 0)).toISOString().replace('T', ' ').slice(0, 19);
  const out: string[] = [];
  for (const a of actions) {
    const type = a.type === null ? '' : `<Type>${a.type ?? 'Distribute software'}</Type>`;
    out.push(`${at(a.start)}(2212-2240) Recieved command to set print: Action`, `${at(a.start)}(2212-2240) ${a.name}`);
    out.push(`${at(a.start)}(2212-2240) Recieved command to set print: <Action><ActionId>${a.n}</ActionId><ActionName>${a.name}</ActionName>${type}</Action>`);
    out.push(`${at(a.end)}(2212-2240) Action ${a.n} ${a.code === 0 || a.code === 3010 ? 'SUCCESS' : 'FAILED'}, return:${a.code}`);
  }
  const last = actions[actions.length - 1];
  if (last && last.code !== 0 && last.code !== 3010) out.push(`${at(last.end)}(2212-2240) Template "Win10 Lab build" stopped: action ${last.n} failed`);
  return out.join('\r\n') + '\r\n';
}

/**
 * The race story with ProvisionGUI.exe.log in place of ldprovisioning.log; action 7's type as
 * given (null: not written), and `refusal: 'agent-code'` for a refused run whose only word is the
 * agent's own result code (no busy line, no installer line).
 */
export function raceWithProvisionGui(options: { type?: string | null; refusal?: 'busy' | 'agent-code' } = {}): BundleFiles {
  const story = raceStory({ withoutProvisioning: true });
  const files: Record<string, string> = { ...story.files };
  const sd = files[PATHS.sdclient] ?? '';
  const refusedAt = /^.* Another task is already in progress.*$/m.exec(sd)?.[0] ?? '';
  const endOf = (needle: string, after = 0): number => {
    const line = sd.split('\r\n').slice(after).find((l) => l.includes(needle)) ?? '';
    return Date.parse(`${line.slice(5, 25)} UTC`);
  };
  const firstEnd = endOf('SDClient exiting, return code 0');
  const failedEnd = endOf('SDClient exiting, return code -1916');
  if (options.refusal === 'agent-code') {
    files[PATHS.sdclient] = sd.replace(`${refusedAt}\r\n`, '').replace(/-1916 \(0x8DB50084\)/g, '-1917507825 (0x8DB5270F)').replace(/-1916/g, '-1917507825');
  }
  if (options.type && !/distribut|patch/i.test(options.type)) {
    // An "Execute file" or "Reboot" action runs no sdclient: the log ends with action 6's run.
    const end = sd.indexOf('SDClient exiting, return code 0');
    files[PATHS.sdclient] = sd.slice(0, sd.indexOf('\r\n', end) + 2);
  }
  const code = options.refusal === 'agent-code' ? -1917507825 : -1917517692;
  files['ldprovisioning/ProvisionGUI.exe.log'] = provisionGuiText([
    { n: 5, name: 'Install LANDesk agent', type: 'Configure agent', start: '09:27:00', end: '09:40:55', code: 0 },
    { n: 6, name: '7-Zip 23.01', start: '09:41:05', end: firstEnd + 2000, code: 0 },
    { n: 7, name: 'Adobe Reader DC', type: options.type, start: firstEnd + 3000, end: failedEnd + 1000, code },
  ]);
  return files;
}

/** 7-Zip (action 6) installs; then action 7, of `type`, fails with `code`, optionally while vulscan scans. */
export function failedStepStory(type: string | undefined, name: string, code: number, options: { vulscan?: boolean } = {}): BundleFiles {
  const first = sdclientRun({ start: '09:45:07', taskId: 1053, package: '7-Zip 23.01', installSeconds: 300 });
  const stepStart = plus(first.end, 40);
  const stepEnd = plus(stepStart, 20);
  const files: Record<string, string> = {
    [PATHS.sdclient]: logText([first]),
    [PATHS.provisioning]: logText([provisioningLog({
      total: 9,
      actions: [
        AGENT_ACTION,
        { n: 6, name: '7-Zip 23.01', start: '09:45:05', end: plus(first.end, 2), taskId: 1053, pid: 3312 },
        { n: 7, name, ...(type !== undefined ? { type } : {}), start: stepStart, end: stepEnd, code },
      ],
    })]),
  };
  const launches: { at: string | number; program: 'vulscan'; pid: number; finished: string | number }[] = [];
  if (options.vulscan) {
    const scan = vulscanRun({ start: plus(first.end, 10), scanSeconds: 600 });
    files[PATHS.vulscan] = logText([scan]);
    launches.push({ at: plus(scan.start, -1), program: 'vulscan', pid: 4412, finished: scan.end });
  }
  files[PATHS.localsch] = logText([schedulerLog({ added: '09:41:02', launches })]);
  if (type === undefined) {
    // The provisioning log of the tests always writes a type; drop it, as ProvisionGUI's lines do.
    files[PATHS.provisioning] = (files[PATHS.provisioning] ?? '').replace(/ \(Distribute software\)(?= failed| completed|$)/gm, '');
  }
  return files;
}
