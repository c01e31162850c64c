// package-install-failed: the package's own installer failed (MSI 1603) with nothing else in the
// way. It is the failure most often mistaken for the race, and the other way round: a vulscan
// that happened to be waiting on this very run did not cause it.
import { PATHS, ref } from '../helpers/bundle.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { cleanStory, failedStepStory, installStory, raceStory } from './scenarios.js';

const RULE = 'package-install-failed';
const FAILED_ACTION = 'Action 8 of 13 "Java Runtime 8u401" (Distribute software) failed, return code 1603';

const withScan = installStory({ scanWaiting: true });

/**
 * The race story in words no pattern knows, except that action 7 failed with the installer's
 * own 1603: an installer that ran and failed, not a refusal, though vulscan was running.
 */
const unknownWordingInstaller1603 = Object.fromEntries(Object.entries(raceStory({ wording: 'unknown' }).files)
  .map(([path, text]) => [path, text.replace(/-1916/g, '1603')]));
const text = (p: string): string => withScan[p] ?? '';

ruleTester.run(RULE, {
  valid: [
    { name: 'a clean build', files: cleanStory(), expect: { verdict: 'no-failure' } },
    { name: 'the race: sdclient refused, no installer ran', files: raceStory().files, expect: { verdict: 'vulscan-blocked-sdclient' } },
    { name: 'the installer asks for a reboot (3010): a success', files: installStory({ result: 3010 }), expect: { verdict: 'no-failure' } },
    { name: 'the package could not be downloaded: no installer ran', files: installStory({ download: 'error' }), expect: { verdict: 'download-failed' } },
    {
      name: 'no sdclient log and the action failed with the busy code -1916: not an installer\'s code',
      files: installStory({ result: -1916, withoutSdclient: true }),
      expect: { verdict: 'unexplained-failure' },
    },
  ],
  invalid: [
    {
      // Where the type is not written, today's reasoning holds, one step less sure.
      name: 'an action of no written type failing with 1603 and no sdclient log of it: an installer\'s code, at low confidence',
      files: failedStepStory(undefined, 'Office 2021', 1603),
      expect: { verdict: 'package-install-failed', confidence: 'low', actionNumber: 7, messageIncludes: ['does not say which type of action this was'] },
    },
    {
      name: 'unknown wording: the template says action 7 returned 1603 while vulscan ran: the installer, with medium confidence',
      files: unknownWordingInstaller1603,
      expect: {
        confidence: 'medium',
        package: 'Adobe Reader DC',
        actionNumber: 7,
        verdict: RULE,
        messageIncludes: ['1603', 'an installer\'s exit code'],
        evidenceIncludes: ['Action 7 of 12 "Adobe Reader DC" (Distribute software) failed, return code 1603'],
      },
    },
    {
      name: 'a package failure (1603) with vulscan waiting on that very run: the installer, not the race',
      files: withScan,
      expect: {
        confidence: 'high',
        package: 'Java Runtime 8u401',
        actionNumber: 8,
        verdict: RULE,
        count: 1,
        evidenceSequence: ['Package: "Java Runtime 8u401"', 'processing of package is complete, result 1603 (0x00000643)', 'SDClient exiting, return code 1603', FAILED_ACTION],
        evidenceLines: [
          ref(PATHS.sdclient, text(PATHS.sdclient), 'result 1603'),
          ref(PATHS.provisioning, text(PATHS.provisioning), FAILED_ACTION),
        ],
        messageIncludes: ['returned 1603 (0x00000643)', 'fatal error during installation', 'vulscan ran alongside but sdclient did not refuse'],
      },
    },
    {
      name: '1603 with nothing else running',
      files: installStory(),
      expect: {
        confidence: 'high', package: 'Java Runtime 8u401', actionNumber: 8, verdict: RULE,
        evidenceIncludes: ['result 1603', FAILED_ACTION], messageIncludes: ['Nothing else was in the way.'], messageExcludes: ['ran alongside'],
      },
    },
    {
      name: 'no sdclient log: the template\'s action failed with an installer\'s code (medium)',
      files: installStory({ withoutSdclient: true }),
      expect: { confidence: 'medium', package: 'Java Runtime 8u401', actionNumber: 8, verdict: RULE, evidenceSequence: [FAILED_ACTION, 'Template "Win10 Engineering" stopped'] },
    },
    {
      name: 'no ldprovisioning.log: the run alone',
      files: installStory({ withoutProvisioning: true, scanWaiting: true }),
      expect: { confidence: 'high', package: 'Java Runtime 8u401', actionNumber: null, verdict: RULE, evidenceIncludes: ['result 1603'] },
    },
    {
      name: 'a download error retried successfully, then the installer failed (1603): the installer is the cause',
      files: installStory({ download: 'error-then-ok' }),
      expect: { confidence: 'high', package: 'Java Runtime 8u401', actionNumber: 8, verdict: RULE, evidenceIncludes: ['result 1603'] },
    },
  ],
});
