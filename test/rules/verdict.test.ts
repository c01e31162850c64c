// The device verdict: the rule id of the error finding that explains the EARLIEST failed action;
// `no-failure` where nothing failed (info and warning findings do not change that);
// `unexplained-failure`, with the lines around the failure, where no rule explains it.
import { describe, expect, it } from 'vitest';
import {
  PATHS, lines, logText, plus, provisioningLog, schedulerLog, sdclientRun, vulscanRun, type BundleFiles,
} from '../helpers/bundle.js';
import { describeDevice, diagnoseBundle } from '../helpers/rule-tester.js';
import { AGENT_ACTION, cleanStory, raceStory } from './scenarios.js';

/** Action 7 refused by vulscan (the template goes on), then action 8's installer fails with 1603. */
function raceThenInstaller(): BundleFiles {
  const zip = sdclientRun({ start: '09:41:07', taskId: 1053, package: '7-Zip 23.01', installSeconds: 1240 });
  const adobe = sdclientRun({ start: plus(zip.end, 7), taskId: 1054, package: 'Adobe Reader DC', busy: 'vulscan.exe', busyPid: 4412 });
  const scan = vulscanRun({ start: '09:58:40', waitFor: { pid: 3312, until: plus(zip.end, 1) } });
  const java = sdclientRun({ start: plus(scan.end, 60), taskId: 1055, package: 'Java Runtime 8u401', installSeconds: 180, result: 1603 });
  return {
    [PATHS.sdclient]: logText([zip, adobe, java]),
    [PATHS.vulscan]: logText([scan]),
    [PATHS.localsch]: logText([schedulerLog({ added: '09:41:02', launches: [{ at: '09:58:39', program: 'vulscan', pid: 4412, finished: scan.end }] })]),
    [PATHS.provisioning]: logText([provisioningLog({
      total: 12,
      actions: [
        AGENT_ACTION,
        { n: 6, name: '7-Zip 23.01', start: '09:41:05', end: plus(zip.end, 2), taskId: 1053 },
        { n: 7, name: 'Adobe Reader DC', start: plus(zip.end, 3), end: plus(adobe.end, 1), code: -1916, taskId: 1054, stops: false },
        { n: 8, name: 'Java Runtime 8u401', start: plus(java.start, -2), end: plus(java.end, 1), code: 1603, taskId: 1055 },
      ],
    })]),
  };
}

/** Action 6's installer fails with 1603 (the template goes on), then vulscan refuses action 8. */
function installerThenRace(): BundleFiles {
  const java = sdclientRun({ start: '09:41:07', taskId: 1053, package: 'Java Runtime 8u401', installSeconds: 180, result: 1603 });
  const zip = sdclientRun({ start: plus(java.end, 10), taskId: 1054, package: '7-Zip 23.01', installSeconds: 1240 });
  const adobe = sdclientRun({ start: plus(zip.end, 7), taskId: 1055, package: 'Adobe Reader DC', busy: 'vulscan.exe', busyPid: 4412 });
  const scan = vulscanRun({ start: plus(zip.start, 1000), waitFor: { pid: 3312, until: plus(zip.end, 1) } });
  return {
    [PATHS.sdclient]: logText([java, zip, adobe]),
    [PATHS.vulscan]: logText([scan]),
    [PATHS.localsch]: logText([schedulerLog({ added: '09:41:02', launches: [{ at: plus(scan.start, -1), program: 'vulscan', pid: 4412, finished: scan.end }] })]),
    [PATHS.provisioning]: logText([provisioningLog({
      total: 12,
      actions: [
        AGENT_ACTION,
        { n: 6, name: 'Java Runtime 8u401', start: '09:41:05', end: plus(java.end, 1), code: 1603, taskId: 1053, stops: false },
        { n: 7, name: '7-Zip 23.01', start: plus(java.end, 8), end: plus(zip.end, 2), taskId: 1054 },
        { n: 8, name: 'Adobe Reader DC', start: plus(zip.end, 3), end: plus(adobe.end, 1), code: -1916, taskId: 1055 },
      ],
    })]),
  };
}

/** The task handler crashes mid-install (LAB-0110's story): no rule explains it. */
function crash(): BundleFiles {
  const before = sdclientRun({ start: '09:41:07', taskId: 1107, package: '7-Zip 23.01', installSeconds: 90 });
  const vscode = lines([
    [plus(before.end, 8), '---------- SDClient starting (version 11.0.5.361) ----------'],
    [plus(before.end, 8), 'Command line: /policyfile="C:\\ProgramData\\LANDesk\\Policies\\CP.1108.RunNow.xml" /taskid=1108'],
    [plus(before.end, 8), 'Package: "Microsoft Visual Studio Code 1.86"'],
    [plus(before.end, 8), 'Self update: files are up to date.'],
    [plus(before.end, 9), 'Check last error after load library.  Error: 126'],
    [plus(before.end, 9), 'Info: Core did not find file'],
    'RebootBehavior_Apply.zip',
    [plus(before.end, 12), 'Task status: Installing'],
    [plus(before.end, 12), 'Executing: VSCodeSetup-x64-1.86.2.exe /VERYSILENT /NORESTART /MERGETASKS=!runcode'],
    [plus(before.end, 71), 'Unhandled exception 0xC0000005 in sdclient.exe at 0x00007FF6A1B2C3D4; writing minidump C:\\ProgramData\\LANDesk\\Log\\sdclient_1108.dmp'],
  ]);
  return {
    ...cleanStory({ firstStart: '01 Jan 3000 00:00:00' }),
    [PATHS.sdclient]: logText([before, vscode]),
    [PATHS.provisioning]: logText([provisioningLog({
      template: 'Win10 Dev build',
      total: 12,
      actions: [
        AGENT_ACTION,
        { n: 7, name: '7-Zip 23.01', start: '09:41:05', end: plus(before.end, 2), taskId: 1107 },
        { n: 8, name: 'Microsoft Visual Studio Code 1.86', start: plus(before.end, 6), end: plus(vscode.end, 4), code: -1073741819, taskId: 1108 },
      ],
    })]),
  };
}

describe('verdict', () => {
  it('two actions failed for different reasons: the rule explaining the EARLIEST (the race, action 7) is the verdict', async () => {
    const device = await diagnoseBundle(raceThenInstaller());
    const context = describeDevice(device);
    expect(device.verdict, context).toBe('vulscan-blocked-sdclient');
    expect(device.failedAction, context).toBe(7);
    expect(device.failedPackage, context).toBe('Adobe Reader DC');
    // Both failures are explained; the later one stays in the findings.
    expect(device.findings.map((f) => [f.rule, f.actionNumber]), context).toEqual(expect.arrayContaining([
      ['vulscan-blocked-sdclient', 7],
      ['package-install-failed', 8],
    ]));
    expect(device.context, 'an explained failure has no context lines').toEqual([]);
  });

  it('two actions failed, the installer first (action 6), the race later (action 8): the installer is the verdict', async () => {
    const device = await diagnoseBundle(installerThenRace());
    const context = describeDevice(device);
    expect(device.verdict, context).toBe('package-install-failed');
    expect(device.failedAction, context).toBe(6);
    expect(device.failedPackage, context).toBe('Java Runtime 8u401');
    expect(device.findings.map((f) => [f.rule, f.actionNumber]), context).toEqual(expect.arrayContaining([
      ['package-install-failed', 6],
      ['vulscan-blocked-sdclient', 8],
    ]));
  });

  it('a failed run that was no template action (a task pushed from the core) does not take the verdict from the template\'s failed action', async () => {
    const pushed = sdclientRun({ start: '09:30:00', taskId: 2210, package: 'Zoom (push)', installSeconds: 90, result: 1603 });
    const files: BundleFiles = {
      ...raceStory().files,
      'Program Files (x86)/LANDesk/LDClient/Data/sdclient_task2210.log': logText([pushed]),
    };
    const device = await diagnoseBundle(files);
    expect(device.verdict, describeDevice(device)).toBe('vulscan-blocked-sdclient');
    // The pushed task's failure is still reported, as a finding of its own.
    expect(device.findings.map((f) => [f.rule, f.package])).toContainEqual(['package-install-failed', 'Zoom (push)']);
  });

  it('links a failed action to its sdclient run by name even when the template logged the result minutes later', async () => {
    const java = sdclientRun({ start: '09:41:07', taskId: 1053, package: 'Java Runtime 8u401', installSeconds: 180, result: 1603 });
    const files: BundleFiles = {
      [PATHS.sdclient]: logText([java]),
      [PATHS.provisioning]: logText([provisioningLog({
        total: 12,
        // A reboot between the installer's end and the template's word on it: ten minutes.
        actions: [AGENT_ACTION, { n: 6, name: 'Java Runtime 8u401', start: '09:41:05', end: plus(java.end, 600), code: 1603, taskId: 1053 }],
      })]),
    };
    const device = await diagnoseBundle(files);
    expect(device.verdict, describeDevice(device)).toBe('package-install-failed');
    // Linked to the run: the installer's own result line is the evidence, with high confidence.
    expect(device.findings[0]).toMatchObject({ rule: 'package-install-failed', confidence: 'high', actionNumber: 6, package: 'Java Runtime 8u401' });
  });

  it('no-failure: nothing failed and no error finding', async () => {
    const device = await diagnoseBundle(cleanStory());
    expect(device.verdict, describeDevice(device)).toBe('no-failure');
    expect(device.failedAction).toBeNull();
    expect(device.failedPackage).toBeNull();
    expect(device.failureTime).toBeNull();
    expect(device.context).toEqual([]);
  });

  it('a device with only info findings (provisioning-only agent, a clock jump) is no-failure', async () => {
    const files = cleanStory({ firstStart: '01 Jan 3000 00:00:00' });
    const sdclient = files[PATHS.sdclient] ?? '';
    // A time sync between the two runs: from the second banner on, sdclient.log's clock reads 1 h earlier.
    const all = sdclient.split('\r\n');
    const second = all.findIndex((l, i) => i > 0 && l.includes('SDClient starting'));
    expect(second).toBeGreaterThan(0);
    const jumped = all.map((l, i) => (i >= second ? l.replace(/ 09:(\d\d:\d\d) /, ' 08:$1 ') : l)).join('\r\n');
    const device = await diagnoseBundle({ ...files, [PATHS.sdclient]: jumped });
    const context = describeDevice(device);
    expect(device.findings.map((f) => f.rule).sort(), context).toEqual(['clock-jump', 'provisioning-agent-active']);
    expect(device.findings.every((f) => f.severity === 'info'), context).toBe(true);
    expect(device.verdict, context).toBe('no-failure');
  });

  it('a device with only a warning (a scan ran between distributions, nothing failed) is no-failure', async () => {
    const device = await diagnoseBundle(cleanStory({ scan: 'between' }));
    expect(device.findings.map((f) => f.rule), describeDevice(device)).toEqual(['scan-during-provisioning']);
    expect(device.verdict).toBe('no-failure');
  });

  it('unexplained-failure: the failed action, and the lines around it as context', async () => {
    const files = crash();
    const device = await diagnoseBundle(files);
    const context = describeDevice(device);
    expect(device.verdict, context).toBe('unexplained-failure');
    expect(device.findings.filter((f) => f.severity === 'error'), context).toEqual([]);
    expect(device.failedAction, context).toBe(8);
    expect(device.failedPackage, context).toBe('Microsoft Visual Studio Code 1.86');
    expect(device.failureTime, context).not.toBeNull();
    const texts = device.context.map((l) => l.text);
    // The failure itself, what led to it (the crash in sdclient.log), and what followed (the template stopping).
    expect(texts).toContain('Action 8 of 12 "Microsoft Visual Studio Code 1.86" (Distribute software) failed, return code -1073741819');
    expect(texts.some((t) => t.startsWith('Unhandled exception 0xC0000005 in sdclient.exe'))).toBe(true);
    expect(texts).toContain('Template "Win10 Dev build" stopped: action 8 failed');
    const failedAt = texts.findIndex((t) => t.startsWith('Action 8 of 12'));
    expect(failedAt).toBeGreaterThan(0);
    expect(device.context.length).toBeLessThanOrEqual(15);
    // Every context line points at its file and line, in time order.
    const crashLine = device.context.find((l) => l.text.startsWith('Unhandled exception'));
    expect(crashLine?.file.endsWith('ProgramData/LANDesk/Log/sdclient.log')).toBe(true);
    expect(crashLine?.line).toBe((files[PATHS.sdclient] ?? '').split(/\r?\n/).findIndex((l) => l.includes('Unhandled exception')) + 1);
    const times = device.context.map((l) => l.time);
    expect([...times].sort()).toEqual(times);
  });

  it('the race is the verdict even where only the windows show it', async () => {
    const device = await diagnoseBundle(raceStory({ wording: 'unknown' }).files);
    expect(device.verdict, describeDevice(device)).toBe('vulscan-blocked-sdclient');
    expect(device.failedAction).toBe(7);
  });
});
