// vulscan-blocked-sdclient: the scan fired during a distribution, waited for it, scanned, and
// the next distribution was refused. Read from messages where the pack knows them, from
// activity windows where it does not; never claimed where the package's own installer failed.
import { describe, expect, it } from 'vitest';
import {
  PATHS, lines, logText, plus, provisioningLog, ref, schedulerDate, sdclientRun, stamp, vulscanRun, type BundleFiles, type Script,
} from '../helpers/bundle.js';
import { diagnoseBundle, ruleTester } from '../helpers/rule-tester.js';
import { AGENT_ACTION, cleanStory, installStory, raceAfterClockJumpStory, raceStory, raceWithProvisionGui } from './scenarios.js';

const RULE = 'vulscan-blocked-sdclient';
const REFUSAL = 'Another task is already in progress: vulscan.exe (pid 4412) is running';
const FAILED_ACTION = 'Action 7 of 12 "Adobe Reader DC" (Distribute software) failed, return code -1916';

/** FORMATS.md's modeled lines, verbatim, with the previous distribution vulscan waited on. */
const formatsLines: BundleFiles = {
  [PATHS.sdclient]: logText([lines([
    ['09:41:07', '---------- SDClient starting (version 11.0.5.361) ----------'],
    ['09:41:07', 'Command line: /policyfile="C:\\ProgramData\\LANDesk\\Policies\\CP.1053.RunNow.xml" /taskid=1053'],
    ['09:41:07', 'Package: "7-Zip 23.01"'],
    ['09:41:08', 'Info: Core did not find file'],
    'RebootBehavior_Apply.zip',
    ['10:02:03', 'processing of package is complete, result 0 (0x00000000)'],
    ['10:02:03', 'Sending task status, cmd line: -taskid=1053 -retcode=0 -complete'],
    ['10:02:04', 'SDClient exiting, return code 0'],
    ['10:02:11', '---------- SDClient starting (version 11.0.5.361) ----------'],
    ['10:02:11', 'Command line: /policyfile="C:\\ProgramData\\LANDesk\\Policies\\CP.1054.RunNow.xml" /taskid=1054'],
    ['10:02:11', 'Package: "Office 2016 ProPlus"'],
    ['10:02:12', 'Another task is already in progress: vulscan.exe (pid 4412) is running'],
    ['10:02:12', 'processing of package is complete, result -1916 (0x8DB50084)'],
    ['10:02:12', 'Sending task status, cmd line: -taskid=1054 -retcode=-1916 -complete'],
    ['10:02:12', 'SDClient exiting, return code -1916'],
  ])]),
  [PATHS.vulscan]: logText([lines([
    ['09:58:40', 'Vulscan.exe version 11.0.5.361 starting'],
    ['09:58:40', 'Command line: /AgentBehavior=ERSC_Default /Scan'],
    ['09:58:41', 'Another task is running (sdclient.exe, pid 3312); waiting for it to finish'],
    ['10:02:05', 'Wait finished; no other task is running'],
    ['10:02:06', 'Scanning for vulnerabilities'],
    ['10:14:37', 'Vulscan finished, return code 0'],
  ])]),
  [PATHS.localsch]: logText([lines([
    ['09:41:02', 'Added task 3: "C:\\Program Files (x86)\\LANDesk\\LDClient\\vulscan.exe" /AgentBehavior=ERSC_Default /Scan /start="09 Mar 2026 09:41:02" /freq=86400 /autodelay="0|60"'],
    ['09:58:39', 'Launching task 3: "C:\\Program Files (x86)\\LANDesk\\LDClient\\vulscan.exe" /AgentBehavior=ERSC_Default /Scan'],
  ])]),
  [PATHS.provisioning]: logText([lines([
    ['09:40:55', 'Action 5 of 12 "Install LANDesk agent" (Install service) completed, return code 0'],
    ['10:02:06', 'Action 6 of 12 "7-Zip 23.01" (Distribute software) completed, return code 0'],
    ['10:02:13', 'Action 7 of 12 "Office 2016 ProPlus" (Distribute software) failed, return code -1916'],
    ['10:02:13', 'Template "Win10 Lab build" stopped: action 7 failed'],
  ])]),
};

const race = raceStory();
const raceText = (p: string): string => race.files[p] ?? '';
const olderLayout = raceStory({ perTaskLogs: true, lf: true, withStatFiles: true });
const unknownPerTask = raceStory({ wording: 'unknown', perTaskLogs: true });
const textOf = (files: BundleFiles, p: string): string => files[p] ?? '';

/** No line names the conflict, and vulscan started after the previous distribution ended (nothing it waited on). */
function unknownWordingScanBetween(): BundleFiles {
  const first = sdclientRun({ start: '09:41:07', taskId: 1053, package: '7-Zip 23.01', installSeconds: 300, wording: 'unknown' });
  const scan = vulscanRun({ start: plus(first.end, 10), wording: 'unknown' });
  const failed = sdclientRun({ start: plus(first.end, 20), taskId: 1054, package: 'Adobe Reader DC', busy: 'vulscan.exe', wording: 'unknown' });
  return twoPerTaskRunsAndAScan(first, failed, scan);
}

/** Actions 6 and 7 in per-task logs (7 refused, -1916), and a vulscan run, in unknown wording. */
function twoPerTaskRunsAndAScan(first: Script, failed: Script, scan: Script): BundleFiles {
  return {
    [PATHS.sdclientTask(1053)]: logText([first]),
    [PATHS.sdclientTask(1054)]: logText([failed]),
    [PATHS.vulscan]: logText([scan]),
    [PATHS.provisioning]: logText([provisioningLog({
      total: 12,
      actions: [
        AGENT_ACTION,
        { n: 6, name: '7-Zip 23.01', start: '09:41:05', end: plus(first.end, 2), taskId: 1053 },
        { n: 7, name: 'Adobe Reader DC', start: plus(first.end, 3), end: plus(failed.end, 1), code: -1916, taskId: 1054 },
      ],
    })]),
  };
}

/** A refused run (unknown wording) with the day's scan long over: timing shows no race. */
function refusedLongAfterScan(): BundleFiles {
  const scan = vulscanRun({ start: '08:10:00', scanSeconds: 600, wording: 'unknown' });
  const first = sdclientRun({ start: '09:41:07', taskId: 1053, package: '7-Zip 23.01', installSeconds: 300, wording: 'unknown' });
  const failed = sdclientRun({ start: plus(first.end, 7), taskId: 1054, package: 'Adobe Reader DC', busy: 'sdclient.exe', wording: 'unknown' });
  return twoPerTaskRunsAndAScan(first, failed, scan);
}

ruleTester.run(RULE, {
  valid: [
    {
      // Regression: the windows-only shape took any short failed run for a refusal; an installer's own code says the installer ran.
      name: 'unknown wording, vulscan running, but the failed action returned the installer\'s own 1603: not the race',
      files: Object.fromEntries(Object.entries(raceStory({ wording: 'unknown' }).files).map(([path, text]) => [path, text.replace(/-1916/g, '1603')])),
      expect: { verdict: 'package-install-failed' },
    },
    { name: 'a clean build with no scan', files: cleanStory(), expect: { verdict: 'no-failure' } },
    { name: 'vulscan waited on a distribution and finished its scan before the next one: nothing failed', files: cleanStory({ scan: 'between' }), expect: { verdict: 'no-failure' } },
    {
      name: 'a package failure (1603) with vulscan waiting on that very run is the package, not the race',
      files: installStory({ scanWaiting: true }),
      expect: { verdict: 'package-install-failed' },
    },
    { name: 'sdclient names PolicySync.exe: the policy sync race, not this one', files: raceStory({ blocker: 'policysync' }).files, expect: { verdict: 'policysync-blocked-sdclient' } },
    {
      name: 'a refused run (unknown wording) while the day\'s scan was long over is not explained by vulscan',
      files: refusedLongAfterScan(),
      expect: { verdict: 'unexplained-failure' },
    },
  ],
  invalid: [
    {
      name: 'the race with every message known: high confidence, the whole chain in order',
      files: race.files,
      expect: {
        confidence: 'high',
        package: 'Adobe Reader DC',
        actionNumber: 7,
        verdict: RULE,
        count: 1,
        evidenceSequence: [
          'Added task 3',
          'Launching task 3',
          'Vulscan.exe version 11.0.5.361 starting',
          'waiting for it to finish',
          'SDClient exiting, return code 0',
          'Wait finished; no other task is running',
          'Scanning for vulnerabilities',
          REFUSAL,
          'result -1916',
          FAILED_ACTION,
          'Template "Win10 Lab build" stopped: action 7 failed',
        ],
        evidenceLines: [
          ref(PATHS.localsch, raceText(PATHS.localsch), 'Launching task 3'),
          ref(PATHS.vulscan, raceText(PATHS.vulscan), 'waiting for it to finish'),
          ref(PATHS.sdclient, raceText(PATHS.sdclient), 'SDClient exiting, return code 0'),
          ref(PATHS.sdclient, raceText(PATHS.sdclient), REFUSAL),
          ref(PATHS.provisioning, raceText(PATHS.provisioning), FAILED_ACTION),
        ],
        messageIncludes: [
          '"7-Zip 23.01"', '"Adobe Reader DC" (action 7)', 'vulscan.exe', 'waited for it',
          // Why the scan was due mid-template: the install scheduled it at once, with a random delay.
          'had scheduled the security scan to start at 09 Mar 2026 09:41:02 with up to 60 minutes\' random delay',
        ],
      },
    },
    {
      name: 'FORMATS.md\'s modeled lines, verbatim',
      files: formatsLines,
      expect: {
        confidence: 'high',
        package: 'Office 2016 ProPlus',
        actionNumber: 7,
        verdict: RULE,
        evidenceLines: ['localsch.log:2', 'vulscan.log:3', 'sdclient.log:8', 'vulscan.log:4', 'vulscan.log:5', 'sdclient.log:12', 'ldprovisioning.log:3', 'ldprovisioning.log:4'],
        messageIncludes: ['started at 09:58:40', 'began its work at 10:02:06', 'at 10:02:11'],
      },
    },
    {
      name: 'older layout: per-task sdclient logs, LF line ends, .stat files',
      files: olderLayout.files,
      expect: {
        confidence: 'high',
        package: 'Adobe Reader DC',
        actionNumber: 7,
        verdict: RULE,
        evidenceLines: [
          ref(olderLayout.failedRunPath, textOf(olderLayout.files, olderLayout.failedRunPath), REFUSAL),
          ref(olderLayout.firstRunPath, textOf(olderLayout.files, olderLayout.firstRunPath), 'SDClient exiting, return code 0'),
        ],
      },
    },
    {
      name: 'seen only from sdclient\'s word: no vulscan.log and no scheduler log (medium)',
      files: raceStory({ withoutBlockerLog: true, withoutScheduler: true }).files,
      expect: {
        confidence: 'medium',
        package: 'Adobe Reader DC',
        actionNumber: 7,
        verdict: RULE,
        evidenceSequence: [REFUSAL, FAILED_ACTION],
        messageIncludes: ['no log of vulscan'],
      },
    },
    {
      name: 'no vulscan.log, but localsch.log shows the scan launched during the previous distribution: the evidence cites the launch',
      files: raceStory({ withoutBlockerLog: true }).files,
      expect: { confidence: 'medium', verdict: RULE, evidenceIncludes: ['Launching task 3', REFUSAL] },
    },
    {
      name: 'windows only: unknown wording in sdclient.log and vulscan.log, the failure from the provisioning log (medium)',
      files: raceStory({ wording: 'unknown' }).files,
      expect: { confidence: 'medium', package: 'Adobe Reader DC', actionNumber: 7, verdict: RULE, evidenceIncludes: [FAILED_ACTION] },
    },
    {
      name: 'windows only, per-task logs (medium)',
      files: unknownPerTask.files,
      expect: { confidence: 'medium', package: 'Adobe Reader DC', actionNumber: 7, verdict: RULE, evidenceIncludes: [FAILED_ACTION] },
    },
    {
      // Where no pattern knows the words, the evidence is the runs' spans: their first and last lines.
      name: 'windows only: the evidence shows the windows (vulscan\'s first line, the waited-on run\'s end, the refused run\'s first and last lines)',
      files: unknownPerTask.files,
      expect: {
        confidence: 'medium',
        evidenceLines: [
          'vulscan.log:1',
          ref(unknownPerTask.firstRunPath, textOf(unknownPerTask.files, unknownPerTask.firstRunPath), 'Finished with code 0'),
          ref(unknownPerTask.failedRunPath, textOf(unknownPerTask.files, unknownPerTask.failedRunPath), 'Software distribution client 2024.3 start'),
          ref(unknownPerTask.failedRunPath, textOf(unknownPerTask.files, unknownPerTask.failedRunPath), 'Finished with code -1916'),
        ],
      },
    },
    {
      name: 'windows only, vulscan started between the distributions (nothing it waited on): low',
      files: unknownWordingScanBetween(),
      expect: { confidence: 'low', package: 'Adobe Reader DC', actionNumber: 7, verdict: RULE },
    },
    {
      name: 'windows only and no ldprovisioning.log: the .stat file says task 1054 failed (-1916)',
      // Nothing in words the pack knows names the package ("Job: …"), and there is no provisioning log: null, not a guess.
      files: raceStory({ wording: 'unknown', perTaskLogs: true, withoutProvisioning: true, withStatFiles: true }).files,
      expect: { confidence: 'medium', package: null, actionNumber: null, verdict: RULE },
    },
    {
      name: 'no ldprovisioning.log: the failure is read from sdclient alone',
      files: raceStory({ withoutProvisioning: true }).files,
      expect: {
        confidence: 'high',
        package: 'Adobe Reader DC',
        actionNumber: null,
        verdict: RULE,
        evidenceIncludes: ['waiting for it to finish', REFUSAL, 'result -1916'],
      },
    },
    {
      name: 'across a clock jump: the clock was synced back an hour before the race (LAB-0109\'s story)',
      files: raceAfterClockJumpStory(),
      expect: { confidence: 'high', package: 'Adobe Reader DC', actionNumber: 9, verdict: RULE, evidenceIncludes: [REFUSAL, 'waiting for it to finish'] },
    },
    {
      name: 'across a clock jump: the message names the distribution vulscan waited on',
      files: raceAfterClockJumpStory(),
      expect: { confidence: 'high', verdict: RULE, messageIncludes: ['"Microsoft Office 2021 LTSC"'] },
    },
    {
      name: 'across a clock jump in the middle of the race (the clock goes back an hour while vulscan waits): still high',
      files: raceStory({ clockJump: { at: '10:00:00', seconds: -3598 } }).files,
      expect: { confidence: 'high', package: 'Adobe Reader DC', actionNumber: 7, verdict: RULE, messageExcludes: ['no log of vulscan'] },
    },
    {
      name: 'across a forward clock jump in the middle of the race: high',
      files: raceStory({ clockJump: { at: '10:00:00', seconds: 3600 } }).files,
      expect: { confidence: 'high', package: 'Adobe Reader DC', actionNumber: 7, verdict: RULE, evidenceIncludes: ['Wait finished', REFUSAL] },
    },
  ],
});

/** The bundle's files of these paths alone. */
function only(files: BundleFiles, paths: readonly string[]): BundleFiles {
  return Object.fromEntries(Object.entries(files).filter(([p]) => paths.includes(p)));
}

/** Every timestamp of a bundle moved by `seconds` (sdclient-style stamps and the scheduler's /start values). */
function shiftBundle(files: BundleFiles, seconds: number): BundleFiles {
  const shift = (text: string): string => text
    .replace(/\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2})/g, (_all, at: string) => stamp(Date.parse(`${at} UTC`) + seconds * 1000))
    .replace(/\/start="(\d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2})"/g, (_all, at: string) => `/start="${schedulerDate(Date.parse(`${at} UTC`) + seconds * 1000)}"`);
  return Object.fromEntries(Object.entries(files).map(([p, text]) => [p, shift(text)]));
}

// The seen shapes of FORMATS.md: ProvisionGUI.exe.log, action types, the agent's own codes, the Agent Health task.
ruleTester.run(RULE, {
  valid: [
    {
      name: 'an "Execute file" action that failed while vulscan scanned is not a refused distribution: the action\'s own failure',
      files: raceWithProvisionGui({ type: 'Execute file' }),
      expect: { verdict: 'action-failed' },
    },
    {
      name: 'only the scheduler and ProvisionGUI logs, with no launch during the previous action: not the race',
      files: only(raceWithProvisionGui(), ['ldprovisioning/ProvisionGUI.exe.log']),
      expect: { verdict: 'unexplained-failure' },
    },
    {
      name: 'a "Reboot/Shutdown" action that failed while vulscan scanned is not the race either',
      files: raceWithProvisionGui({ type: 'Reboot/Shutdown' }),
      expect: { verdict: 'action-failed' },
    },
  ],
  invalid: [
    {
      name: 'the race read from ProvisionGUI.exe.log alone (no ldprovisioning.log): high',
      files: raceWithProvisionGui(),
      expect: { confidence: 'high', package: 'Adobe Reader DC', actionNumber: 7, verdict: RULE, evidenceIncludes: [REFUSAL, 'Action 7 FAILED, return:-1917517692'] },
    },
    {
      name: 'a "Patch system" action runs sdclient too: the race',
      files: raceWithProvisionGui({ type: 'Patch system' }),
      expect: { confidence: 'high', verdict: RULE },
    },
    {
      name: 'the action\'s type is not written: still the race, one step less sure, and the finding says why',
      files: raceWithProvisionGui({ type: null }),
      expect: { confidence: 'medium', verdict: RULE, messageIncludes: ['does not say which type of action this was'] },
    },
    {
      name: 'only localsch.log and ProvisionGUI.exe.log: the scheduler launched vulscan during action 6, action 7 failed within seconds with the busy code: the race, low, naming the missing logs',
      files: only(raceWithProvisionGui(), [PATHS.localsch, 'ldprovisioning/ProvisionGUI.exe.log']),
      expect: {
        confidence: 'low', verdict: RULE, actionNumber: 7, package: 'Adobe Reader DC',
        messageIncludes: ['The agent\'s scheduler launched vulscan at', 'while "7-Zip 23.01" (action 6) was running', 'with the agent\'s busy code -1917517692 (0x8DB50084)',
          'this bundle lacks sdclient.log (the refusal naming the process in the way) and vulscan.log (its wait and scan)'],
        evidenceIncludes: ['Launching task 3', 'Action 7 FAILED, return:-1917517692'],
      },
    },
    {
      name: 'a 1-second run whose only word is the agent\'s own code (0x8DB5270F), with the race\'s windows: the race (medium), not an installer failure',
      files: raceWithProvisionGui({ refusal: 'agent-code' }),
      expect: { confidence: 'medium', package: 'Adobe Reader DC', actionNumber: 7, verdict: RULE, evidenceIncludes: ['result -1917507825 (0x8DB5270F)', 'waiting for it to finish'] },
    },
    {
      name: 'vulscan started just after 9 PM with no local-scheduler launch: the Agent Health task, said in the finding',
      files: shiftBundle(raceStory({ withoutScheduler: true }).files, 11 * 3600 + 5 * 60),
      expect: { confidence: 'high', verdict: RULE, messageIncludes: ['LANDESK Agent Health Bootstrap Task', 'no launch by the agent\'s local scheduler'] },
    },
  ],
});

describe('the race\'s fix where the Agent Health task launched vulscan', () => {
  it('says to keep provisioning away from 9 PM or disable that task, not only the year-3000 agent', async () => {
    const device = await diagnoseBundle(shiftBundle(raceStory({ withoutScheduler: true }).files, 11 * 3600 + 5 * 60));
    const race = device.findings.find((f) => f.rule === RULE);
    expect(race?.fix).toContain('"LANDESK Agent Health Bootstrap Task" (daily at 9 PM by default)');
    expect(race?.fix).toContain('schtasks /Change /TN "LANDESK Agent Health Bootstrap Task" /Disable');
  });

  it('keeps the ordinary fix where the local scheduler launched vulscan at that hour', async () => {
    const device = await diagnoseBundle(shiftBundle(raceStory().files, 11 * 3600 + 5 * 60));
    const race = device.findings.find((f) => f.rule === RULE);
    expect(race?.fix).not.toContain('Agent Health');
    expect(race?.message).toContain('had scheduled the security scan to start at');
  });
});

describe('a race after a distribution that hung for hours', () => {
  it('keeps the wait and the hung run whole, tells the chain from 10:30, and says the run before hung', async () => {
    const files: BundleFiles = {
      [PATHS.sdclient]: logText([lines([
        ['10:00:00', '---------- SDClient starting (version 11.0.5.361) ----------'],
        ['10:00:00', 'Package: "AutoCAD 2024"'],
        ['10:00:05', 'sdmcache: targeted multicast: waiting for peer'],
        ['15:10:00', 'processing of package is complete, result 0 (0x00000000)'],
        ['15:10:01', 'SDClient exiting, return code 0'],
        ['15:10:05', '---------- SDClient starting (version 11.0.5.361) ----------'],
        ['15:10:05', 'Package: "Google Chrome 122"'],
        ['15:10:06', REFUSAL],
        ['15:10:06', 'processing of package is complete, result -1917517692 (0x8DB50084)'],
        ['15:10:06', 'SDClient exiting, return code -1917517692'],
      ])]),
      [PATHS.vulscan]: logText([lines([
        ['10:30:00', 'Vulscan.exe version 11.0.5.361 starting'],
        ['10:30:01', 'Another task is running (sdclient.exe, pid 6120); waiting for it to finish'],
        ['15:10:02', 'Wait finished; no other task is running'],
        ['15:10:03', 'Scanning for vulnerabilities'],
        ['15:30:00', 'Vulscan finished, return code 0'],
      ])]),
    };
    const device = await diagnoseBundle(files);
    expect(device.verdict).toBe(RULE);
    const message = device.findings.find((f) => f.rule === RULE)?.message ?? '';
    expect(message).toMatch(/^Vulscan started at 10:30:00 while sdclient was installing "AutoCAD 2024", waited for it/);
    expect(message).toContain('That distribution ("AutoCAD 2024") ran for 5 h 10 min: a run that long hung rather than installed');
  });

  it('says nothing of a hang after a run of ordinary length', async () => {
    const device = await diagnoseBundle(raceStory().files);
    expect(device.findings.find((f) => f.rule === RULE)?.message).not.toContain('hung');
  });
});
