// task-status-conflict: a task's .stat says it failed while the logs say its run or action
// completed (the third red-team pass: such a device was called healthy, the conflict unsaid).
import { PATHS, statXml } from '../helpers/bundle.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { cleanStory, raceStory } from './scenarios.js';

const RULE = 'task-status-conflict';

const clean = cleanStory();
const withoutSdclient = Object.fromEntries(Object.entries(clean).filter(([p]) => p !== PATHS.sdclient));

ruleTester.run(RULE, {
  valid: [
    { name: 'a clean build', files: clean, expect: { verdict: 'no-failure' } },
    { name: 'the race, whose .stat files agree with the logs', files: raceStory({ withStatFiles: true }).files, expect: { verdict: 'vulscan-blocked-sdclient' } },
    {
      name: 'a .stat that says Success beside a completed run',
      files: { ...clean, [PATHS.stat(1054)]: statXml({ taskId: 1054, status: 4, code: 0, lastRun: '09:53:05' }) },
      expect: { verdict: 'no-failure' },
    },
  ],
  invalid: [
    {
      name: 'the .stat says task 1054 failed with 1603; its sdclient run ended with 0',
      files: { ...clean, [PATHS.stat(1054)]: statXml({ taskId: 1054, status: 5, code: 1603, lastRun: '09:53:05' }) },
      expect: {
        verdict: RULE, confidence: 'high', package: 'Adobe Reader DC', actionNumber: 7, count: 1,
        evidenceIncludes: ['Task 1054: status 5 (Failed), return code 1603', 'result 0 (0x00000000)'],
        messageIncludes: ['Failed (status 5), return code 1603', 'ended with 0'],
      },
    },
    {
      name: 'no sdclient log: the .stat says task 2203 failed (Failed_Exception), the provisioning log says the action completed',
      files: { ...withoutSdclient, [PATHS.stat(2203)]: statXml({ taskId: 2203, status: 8, code: 1603, lastRun: '09:53:05' }) },
      expect: {
        verdict: RULE, confidence: 'medium', actionNumber: 7, count: 1,
        evidenceIncludes: ['Task 2203: status 8 (Failed_Exception)', 'Action 7 of 7 "Adobe Reader DC" (Distribute software) completed'],
        messageIncludes: ['provisioning log says action 7 completed'],
      },
    },
  ],
});
