// scan-during-provisioning: vulscan or the policy sync ran while distributions were still to
// come, and nothing failed this time. The device is at risk: the next build fails whenever the
// scheduler's random delay lands inside a distribution.
import { PATHS, ref } from '../helpers/bundle.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { cleanStory, installStory, raceStory } from './scenarios.js';

const RULE = 'scan-during-provisioning';

const between = cleanStory({ scan: 'between' });
const text = (p: string): string => between[p] ?? '';

ruleTester.run(RULE, {
  valid: [
    { name: 'a clean build with no scan or sync', files: cleanStory(), expect: { verdict: 'no-failure' } },
    { name: 'an action failed (the race): the error rules speak, not this warning', files: raceStory().files, expect: { verdict: 'vulscan-blocked-sdclient' } },
    {
      name: 'an action failed on its own (1603) although the scan ran between earlier distributions',
      files: cleanStory({ scan: 'between', secondResult: 1603 }),
      expect: { verdict: 'package-install-failed' },
    },
    { name: 'an action failed (1603) while the scan waited on it', files: installStory({ scanWaiting: true }), expect: { verdict: 'package-install-failed' } },
    {
      name: 'the race in unknown wording with no provisioning log, where only the .stat file says the task failed: something failed',
      files: raceStory({ wording: 'unknown', perTaskLogs: true, withoutProvisioning: true, withStatFiles: true }).files,
      expect: { verdict: 'vulscan-blocked-sdclient' },
    },
    { name: 'vulscan ran after the last distribution', files: cleanStory({ scan: 'after-last' }), expect: { verdict: 'no-failure' } },
    { name: 'the provisioning-only agent: the scan never fires', files: cleanStory({ firstStart: '01 Jan 3000 00:00:00' }), expect: { verdict: 'no-failure' } },
  ],
  invalid: [
    {
      name: 'vulscan fired during a distribution, waited, scanned, and was done before the next one',
      files: between,
      expect: {
        confidence: 'high',
        package: null,
        actionNumber: null,
        verdict: 'no-failure',
        count: 1,
        evidenceSequence: ['Launching task 3', 'Vulscan.exe version 11.0.5.361 starting', 'waiting for it to finish', 'Scanning for vulnerabilities', 'SDClient starting', 'Vulscan finished'],
        evidenceLines: [ref(PATHS.vulscan, text(PATHS.vulscan), 'waiting for it to finish')],
        messageIncludes: ['1 distribution action(s) were still to come', 'it began during "7-Zip 23.01" and waited for it'],
      },
    },
    {
      name: 'the policy sync ran between two distributions (no waiting line: medium)',
      files: cleanStory({ sync: 'between' }),
      expect: { confidence: 'medium', verdict: 'no-failure', evidenceIncludes: ['Launching task 4', 'Run PolicySync', 'Exit PolicySync'], messageIncludes: ['The policy sync ran from'] },
    },
    {
      name: 'vulscan in words the pack does not know, between distributions (medium)',
      files: cleanStory({ scan: 'between', scanWording: 'unknown' }),
      expect: { confidence: 'medium', verdict: 'no-failure', evidenceIncludes: ['Launching task 3'] },
    },
    {
      name: 'vulscan fired after the agent install, before the first distribution, and finished in time',
      files: cleanStory({ scan: 'before-first' }),
      expect: { confidence: 'high', verdict: 'no-failure', messageIncludes: ['2 distribution action(s) were still to come'] },
    },
  ],
});
