// sdclient-overlap: two distributions at once. sdclient refuses while another sdclient.exe runs:
// here a pushed task (a policy or scheduled distribution) arrives mid-template, as in LAB-0106.
import {
  PATHS, logText, plus, provisioningLog, ref, sdclientRun, type BundleFiles,
} from '../helpers/bundle.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { AGENT_ACTION, cleanStory, raceStory } from './scenarios.js';

const RULE = 'sdclient-overlap';
const REFUSAL = 'Another task is already in progress: sdclient.exe (pid 6640) is running';

interface OverlapOptions {
  wording?: 'modeled' | 'unknown';
  /** Seconds between action 6's sdclient exiting and action 7's starting (default 4, as in LAB-0106). */
  gap?: number;
  /** The pushed task's own log is in the bundle (default true). */
  withPushLog?: boolean;
  /** The pushed task ran (default), or the bundle has no trace of any other sdclient. */
  push?: boolean;
}

/**
 * Action 6 ("Notepad++ 8.6.4") ends; a pushed task ("Zoom Workplace 6.0 (push)", task 2210, pid
 * 6640) starts a second later and runs for minutes; action 7 ("Microsoft Visual C++ 2015-2022
 * Redistributable") starts meanwhile and is refused.
 */
function overlapStory(options: OverlapOptions = {}): { files: BundleFiles; pushPath: string; failedPath: string } {
  const wording = options.wording ?? 'modeled';
  const gap = options.gap ?? 4;
  const previous = sdclientRun({ start: '10:31:33', taskId: 5506, package: 'Notepad++ 8.6.4', installSeconds: 20, wording });
  const push = sdclientRun({ start: plus(previous.end, gap - 3), taskId: 2210, package: 'Zoom Workplace 6.0 (push)', installSeconds: 230, wording });
  const failed = sdclientRun({
    start: plus(previous.end, gap), taskId: 5507, package: 'Microsoft Visual C++ 2015-2022 Redistributable', wording, busy: 'sdclient.exe', busyPid: 6640,
  });
  const files: Record<string, string> = {
    [PATHS.sdclientTask(5506)]: logText([previous]),
    [PATHS.sdclientTask(5507)]: logText([failed]),
    [PATHS.provisioning]: logText([provisioningLog({
      template: 'Win10 Shared PC',
      total: 12,
      actions: [
        AGENT_ACTION,
        { n: 6, name: 'Notepad++ 8.6.4', start: '10:31:31', end: plus(previous.end, 1), taskId: 5506, pid: 6212 },
        { n: 7, name: 'Microsoft Visual C++ 2015-2022 Redistributable', start: plus(previous.end, 2), end: plus(failed.end, 1), code: -1916, taskId: 5507, pid: 6796 },
      ],
    })]),
  };
  if (options.push !== false && options.withPushLog !== false) files[PATHS.sdclientTask(2210)] = logText([push]);
  return { files, pushPath: PATHS.sdclientTask(2210), failedPath: PATHS.sdclientTask(5507) };
}

const named = overlapStory();
const text = (p: string): string => named.files[p] ?? '';

ruleTester.run(RULE, {
  valid: [
    { name: 'a clean build', files: cleanStory(), expect: { verdict: 'no-failure' } },
    { name: 'sdclient names vulscan.exe: the scan race, not an overlap', files: raceStory().files, expect: { verdict: 'vulscan-blocked-sdclient' } },
    {
      name: 'windows only, with vulscan open across the refusal: the scan explains it better',
      files: raceStory({ wording: 'unknown', perTaskLogs: true }).files,
      expect: { verdict: 'vulscan-blocked-sdclient' },
    },
    {
      name: 'windows only: the previous action\'s sdclient exited 4 s before and nothing else ran, so no overlap',
      files: overlapStory({ wording: 'unknown', push: false }).files,
      expect: { verdict: 'unexplained-failure' },
    },
  ],
  invalid: [
    {
      name: 'sdclient names sdclient.exe and the other run\'s log is there: high, naming the pushed task',
      files: named.files,
      expect: {
        confidence: 'high',
        package: 'Microsoft Visual C++ 2015-2022 Redistributable',
        actionNumber: 7,
        verdict: RULE,
        count: 1,
        evidenceIncludes: ['Package: "Zoom Workplace 6.0 (push)"', REFUSAL, 'Action 7 of 12'],
        evidenceLines: [ref(named.pushPath, text(named.pushPath), 'SDClient starting'), ref(named.failedPath, text(named.failedPath), REFUSAL)],
        messageIncludes: ['"Zoom Workplace 6.0 (push)"', 'sdclient_task2210.log'],
        messageExcludes: ['Notepad++'],
      },
    },
    {
      name: 'the previous action\'s sdclient exited 10 s before: still the pushed task that is named',
      files: overlapStory({ gap: 10 }).files,
      expect: { confidence: 'high', verdict: RULE, messageIncludes: ['"Zoom Workplace 6.0 (push)"'], messageExcludes: ['Notepad++'] },
    },
    {
      name: 'sdclient names sdclient.exe but the other run left no log: medium, and the run that had exited is not blamed',
      files: overlapStory({ withPushLog: false }).files,
      expect: {
        confidence: 'medium', package: 'Microsoft Visual C++ 2015-2022 Redistributable', actionNumber: 7, verdict: RULE,
        evidenceIncludes: [REFUSAL], messageExcludes: ['Notepad++'],
      },
    },
    {
      name: 'windows only: unknown wording, the pushed run open across the short failed one (low)',
      files: overlapStory({ wording: 'unknown' }).files,
      expect: { confidence: 'low', package: 'Microsoft Visual C++ 2015-2022 Redistributable', actionNumber: 7, verdict: RULE, evidenceIncludes: ['Action 7 of 12'] },
    },
  ],
});
