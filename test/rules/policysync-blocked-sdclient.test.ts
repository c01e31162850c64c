// policysync-blocked-sdclient: the vulscan race with the policy sync in vulscan's place: it fires
// during a distribution, waits for it, runs on when it exits, and the next distribution finds
// PolicySync.exe running and refuses.
import {
  PATHS, logText, plus, policySyncRun, provisioningLog, ref, schedulerLog, sdclientRun, type BundleFiles,
} from '../helpers/bundle.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { AGENT_ACTION, cleanStory, raceStory } from './scenarios.js';

const RULE = 'policysync-blocked-sdclient';
const REFUSAL = 'Another task is already in progress: PolicySync.exe (pid 7784) is running';
const FAILED_ACTION = 'Action 7 of 12 "Adobe Reader DC" (Distribute software) failed, return code -1916';

const race = raceStory({ blocker: 'policysync' });

/** FORMATS.md models no wait lines for the policy sync: only Run, the skipped scrub, and Exit. */
const withoutWaitLines = Object.fromEntries(Object.entries(race.files).map(([path, text]) => [path,
  /PolicySync\.exe\.log$/i.test(path) ? text.split('\r\n').filter((l) => !/waiting for it to finish|Wait finished/.test(l)).join('\r\n') : text]));
const text = (p: string): string => race.files[p] ?? '';

/** The failed sdclient's words are unknown; the policy sync's seen wording shows it waited and ran on. */
const unknownSdclient: BundleFiles = (() => {
  const story = raceStory({ blocker: 'policysync', wording: 'unknown' });
  return story.files;
})();

/** The policy sync ran between two distributions and was done before the second; that one failed with its installer's 1603. */
function syncDoneThenInstallerFails(): BundleFiles {
  const first = sdclientRun({ start: '09:41:07', taskId: 1053, package: '7-Zip 23.01', installSeconds: 120 });
  const sync = policySyncRun({ start: plus(first.end, 2), seconds: 10 });
  const second = sdclientRun({ start: plus(sync.end, 30), taskId: 1054, package: 'Adobe Reader DC', installSeconds: 90, result: 1603 });
  return {
    [PATHS.sdclient]: logText([first, second]),
    [PATHS.policysync]: logText([sync]),
    [PATHS.localsch]: logText([schedulerLog({ added: '09:41:02', launches: [{ at: sync.start, program: 'policysync', pid: 7784, finished: sync.end }] })]),
    [PATHS.provisioning]: logText([provisioningLog({
      total: 12,
      actions: [
        AGENT_ACTION,
        { n: 6, name: '7-Zip 23.01', start: '09:41:05', end: plus(first.end, 2), taskId: 1053 },
        { n: 7, name: 'Adobe Reader DC', start: plus(second.start, -3), end: plus(second.end, 1), code: 1603, taskId: 1054 },
      ],
    })]),
  };
}

ruleTester.run(RULE, {
  valid: [
    { name: 'a clean build', files: cleanStory(), expect: { verdict: 'no-failure' } },
    { name: 'vulscan blocked the distribution (sdclient names vulscan.exe)', files: raceStory().files, expect: { verdict: 'vulscan-blocked-sdclient' } },
    {
      name: 'the policy sync was over before the next distribution, whose installer failed on its own (1603)',
      files: syncDoneThenInstallerFails(),
      expect: { verdict: 'package-install-failed' },
    },
  ],
  invalid: [
    {
      name: 'the policy sync logs no wait, only Run, the skipped scrub and Exit: still high, and not said to have waited',
      files: withoutWaitLines,
      expect: {
        confidence: 'high',
        verdict: RULE,
        messageIncludes: ['was still running when that sdclient exited'],
        messageExcludes: ['waited'],
        evidenceIncludes: ['Run PolicySync', 'skipping policy scrub', 'Another task is already in progress: PolicySync.exe'],
      },
    },
    {
      name: 'the policy sync race with every message known: high confidence, the chain',
      files: race.files,
      expect: {
        confidence: 'high',
        package: 'Adobe Reader DC',
        actionNumber: 7,
        verdict: RULE,
        count: 1,
        evidenceSequence: [
          'Launching task 4',
          'Run PolicySync',
          'waiting for it to finish',
          'SDClient exiting, return code 0',
          'Wait finished; no other task is running',
          REFUSAL,
          FAILED_ACTION,
        ],
        evidenceIncludes: ['skipping policy scrub'],
        evidenceLines: [
          ref(PATHS.policysync, text(PATHS.policysync), 'Run PolicySync'),
          ref(PATHS.sdclient, text(PATHS.sdclient), REFUSAL),
          ref(PATHS.provisioning, text(PATHS.provisioning), FAILED_ACTION),
        ],
        messageIncludes: ['The policy sync started at 09:58:40', 'PolicySync.exe', '"7-Zip 23.01"'],
      },
    },
    {
      name: 'the evidence reads in time order: the scrub skipped (at the refusal) comes after the wait ended',
      files: race.files,
      expect: { confidence: 'high', evidenceSequence: ['Wait finished; no other task is running', 'skipping policy scrub'] },
    },
    {
      name: 'seen only from sdclient\'s word: no PolicySync.exe.log (medium)',
      files: raceStory({ blocker: 'policysync', withoutBlockerLog: true, withoutScheduler: true }).files,
      expect: { confidence: 'medium', package: 'Adobe Reader DC', actionNumber: 7, verdict: RULE, evidenceIncludes: [REFUSAL, FAILED_ACTION] },
    },
    {
      name: 'sdclient in words the pack does not know: the windows show the policy sync open across the two runs (medium)',
      files: unknownSdclient,
      expect: { confidence: 'medium', package: 'Adobe Reader DC', actionNumber: 7, verdict: RULE, evidenceIncludes: ['Run PolicySync', 'waiting for it to finish', FAILED_ACTION] },
    },
    {
      name: 'no ldprovisioning.log: the failure from sdclient alone',
      files: raceStory({ blocker: 'policysync', withoutProvisioning: true }).files,
      expect: { confidence: 'high', package: 'Adobe Reader DC', actionNumber: null, verdict: RULE, evidenceIncludes: [REFUSAL] },
    },
  ],
});
