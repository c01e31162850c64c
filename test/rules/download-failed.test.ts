// download-failed: sdclient could not download or hash the package (Download Error, sdmcache hash
// mismatch), as in LAB-0105. The cause is the package source or the network path.
import { PATHS, ref } from '../helpers/bundle.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { cleanStory, installStory, raceStory } from './scenarios.js';

const RULE = 'download-failed';
const FAILED_ACTION = 'Action 8 of 13 "Java Runtime 8u401" (Distribute software) failed, return code -2147024891';

const failedDownload = installStory({ download: 'error' });
const text = (p: string): string => failedDownload[p] ?? '';

ruleTester.run(RULE, {
  valid: [
    { name: 'a clean build', files: cleanStory(), expect: { verdict: 'no-failure' } },
    { name: 'the race: no download was tried', files: raceStory().files, expect: { verdict: 'vulscan-blocked-sdclient' } },
    {
      name: 'a download error followed by success on retry within the same run: the package installed',
      files: installStory({ download: 'error-then-ok', result: 0 }),
      expect: { verdict: 'no-failure' },
    },
    {
      name: 'a download error retried successfully, then the installer failed (1603): not a download failure',
      files: installStory({ download: 'error-then-ok' }),
      expect: { verdict: 'package-install-failed' },
    },
  ],
  invalid: [
    {
      name: 'Download Error, then a hash mismatch on the peer copy: the action failed',
      files: failedDownload,
      expect: {
        confidence: 'high',
        package: 'Java Runtime 8u401',
        actionNumber: 8,
        verdict: RULE,
        count: 1,
        evidenceSequence: ['Package: "Java Runtime 8u401"', 'Download Error:', 'sdmcache: hash mismatch', 'result -2147024891', FAILED_ACTION],
        evidenceLines: [ref(PATHS.sdclient, text(PATHS.sdclient), 'Download Error:'), ref(PATHS.provisioning, text(PATHS.provisioning), FAILED_ACTION)],
        messageIncludes: ['could not download or hash', 'Access is denied'],
      },
    },
    {
      name: 'no ldprovisioning.log: the run alone',
      files: installStory({ download: 'error', withoutProvisioning: true }),
      expect: { confidence: 'high', package: 'Java Runtime 8u401', actionNumber: null, verdict: RULE, evidenceIncludes: ['Download Error:'] },
    },
    {
      name: 'a failed download while vulscan waited on that run: the download, not the race',
      files: installStory({ download: 'error', scanWaiting: true }),
      expect: { confidence: 'high', package: 'Java Runtime 8u401', actionNumber: 8, verdict: RULE, evidenceIncludes: ['Download Error:'] },
    },
  ],
});
