// action-failed: an action that runs no sdclient failed (the template-runs issue: an Execute file
// returning 1 while vulscan scanned was "an installer's exit code", with a complaint that no
// sdclient log covered it). Its code is what it ran; the race is never claimed for it.
import { ruleTester } from '../helpers/rule-tester.js';
import { cleanStory, failedStepStory as failedStep } from './scenarios.js';

const RULE = 'action-failed';

ruleTester.run(RULE, {
  valid: [
    { name: 'a clean build', files: cleanStory(), expect: { verdict: 'no-failure' } },
    { name: 'a distribution whose installer failed is the installer\'s failure', files: cleanStory({ secondResult: 1603 }), expect: { verdict: 'package-install-failed' } },
    { name: 'an action of no written type is not this rule\'s', files: failedStep(undefined, 'Office 2021', 1603), expect: { verdict: 'package-install-failed' } },
  ],
  invalid: [
    {
      name: 'an Execute file action returning 1 while vulscan scanned: the program\'s code, never an installer\'s, never the race',
      files: failedStep('Execute file', 'Set power plan', 1, { vulscan: true }),
      expect: {
        verdict: RULE, confidence: 'high', actionNumber: 7, count: 1,
        messageIncludes: ['Action 7 "Set power plan" (Execute file) failed', 'ERROR_INVALID_FUNCTION', 'Vulscan was running at the time; it cannot refuse an action that runs no sdclient'],
        messageExcludes: ['installer\'s exit code', 'no sdclient log'],
        evidenceIncludes: ['"Set power plan" (Execute file) failed, return code 1'],
      },
    },
    {
      name: 'a Join domain action failing with 1355',
      files: failedStep('Join domain', 'Join corp.example', 1355),
      expect: { verdict: RULE, confidence: 'high', messageIncludes: ['1355 (0x0000054B): ERROR_NO_SUCH_DOMAIN', 'The specified domain either does not exist or could not be contacted'], messageExcludes: ['Vulscan was running'] },
    },
    {
      name: 'a Join domain action failing with the same error as an HRESULT (0x8007054B)',
      files: failedStep('Join domain', 'Join corp.example', 0x8007054b | 0, { vulscan: true }),
      expect: { verdict: RULE, messageIncludes: ['ERROR_NO_SUCH_DOMAIN', 'as an HRESULT', 'HRESULT_FROM_WIN32 of 1355'] },
    },
    {
      name: 'a Reboot/Shutdown action failing with 1115',
      files: failedStep('Reboot/Shutdown', 'Reboot', 1115),
      expect: { verdict: RULE, messageIncludes: ['ERROR_SHUTDOWN_IN_PROGRESS'] },
    },
    {
      name: 'an Execute file running a PSAppDeployToolkit wrapper that returns 60001',
      files: failedStep('Execute file', 'Deploy-Application.exe', 60001, { vulscan: true }),
      expect: { verdict: RULE, messageIncludes: ['PSAppDeployToolkit\'s own error'] },
    },
    {
      name: 'an Execute file returning a code no table knows: the program\'s own',
      files: failedStep('Execute file', 'Custom tool', 42),
      expect: { verdict: RULE, messageIncludes: ['42 (0x0000002A)', 'it is the program\'s own'] },
    },
  ],
});

