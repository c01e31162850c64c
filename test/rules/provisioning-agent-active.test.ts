// provisioning-agent-active: the scheduler's scan and sync first start far in the future (the
// year 3000): the provisioning-only agent, the documented fix for the race, is in place.
import { PATHS, addedTaskLine, lines, logText, schedulerTasksText } from '../helpers/bundle.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { cleanStory, installStory } from './scenarios.js';

const RULE = 'provisioning-agent-active';
const YEAR_3000 = '01 Jan 3000 00:00:00';

/** localsch.log in a bundle with no LocalSchedulerTasks.log, or the listing alone. */
function onlyListing(start: string): Record<string, string> {
  const files: Record<string, string> = { ...cleanStory() };
  delete files[PATHS.localsch];
  files[PATHS.schedulerTasks] = schedulerTasksText(start);
  return files;
}

/** The inventory scanner (task 1) is set to start in 3000; the scan and the sync start at the install time. */
function onlyInventoryInFuture(): Record<string, string> {
  return {
    ...cleanStory(),
    [PATHS.localsch]: logText([lines([
      ['09:40:49', 'Local scheduler service starting (version 11.0.5.361)'],
      ['09:41:02', `Added task 1: "C:\\Program Files (x86)\\LANDesk\\LDClient\\LDISCN32.EXE" /NTT=ldcore01.lab.example:5007 /S="ldcore01.lab.example" /NOUI /start="${YEAR_3000}" /freq=86400 /autodelay="0|60"`],
      ['09:41:02', addedTaskLine('vulscan', '09 Mar 2026 09:41:02')],
      ['09:41:02', addedTaskLine('policysync', '09 Mar 2026 09:41:02')],
    ])]),
  };
}

ruleTester.run(RULE, {
  valid: [
    { name: 'scan and sync start at the install time (the default agent)', files: cleanStory({ tasksStart: '09 Mar 2026 09:41:02' }), expect: { verdict: 'no-failure' } },
    { name: 'the listing alone, starts at the install time', files: onlyListing('09 Mar 2026 09:41:02'), expect: { verdict: 'no-failure' } },
    { name: 'scan and sync start tomorrow: not the provisioning-only agent', files: cleanStory({ firstStart: '10 Mar 2026 09:41:02' }), expect: { verdict: 'no-failure' } },
    { name: 'only the inventory scanner starts in the year 3000', files: onlyInventoryInFuture(), expect: { verdict: 'no-failure' } },
  ],
  invalid: [
    {
      name: '/start="01 Jan 3000 00:00:00" in localsch.log',
      files: cleanStory({ firstStart: YEAR_3000 }),
      expect: {
        confidence: 'high',
        package: null,
        actionNumber: null,
        verdict: 'no-failure',
        count: 1,
        evidenceIncludes: [`vulscan.exe" /AgentBehavior=ERSC_Default /Scan /start="${YEAR_3000}"`, `PolicySync.exe" /start="${YEAR_3000}"`],
        evidenceLines: ['localsch.log:3', 'localsch.log:4'],
        messageIncludes: ['security scan and policy sync', YEAR_3000],
      },
    },
    {
      name: 'Start: 01 Jan 3000 00:00:00 in LocalSchedulerTasks.log (no localsch.log)',
      files: onlyListing(YEAR_3000),
      expect: { confidence: 'high', verdict: 'no-failure', evidenceLines: ['LocalSchedulerTasks.log:1', 'LocalSchedulerTasks.log:7'], messageIncludes: [YEAR_3000] },
    },
    {
      name: 'both localsch.log and LocalSchedulerTasks.log say 3000',
      files: cleanStory({ firstStart: YEAR_3000, tasksStart: YEAR_3000 }),
      expect: { confidence: 'high', count: 1, evidenceLines: ['localsch.log:3', 'LocalSchedulerTasks.log:1'] },
    },
    {
      name: 'the fix is in place and a package failed on its own: the info stays, the verdict is the failure',
      files: {
        ...installStory(),
        [PATHS.localsch]: logText([lines([['09:41:02', addedTaskLine('vulscan', YEAR_3000)], ['09:41:02', addedTaskLine('policysync', YEAR_3000)]])]),
      },
      expect: { confidence: 'high', verdict: 'package-install-failed', evidenceLines: ['localsch.log:1'] },
    },
  ],
});
