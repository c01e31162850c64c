// clock-jump: a file's clock jumped (domain join, time sync). Times around the jump are not
// comparable with other files': the admin reading the evidence should know which ones.
import { PATHS, lineOf, lines, logText, plus, sdclientRun, vulscanRun, type BundleFiles } from '../helpers/bundle.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { cleanStory, raceAfterClockJumpStory } from './scenarios.js';

const RULE = 'clock-jump';

/** One successful distribution whose sdclient.log has the clock step by `seconds` between two installer lines. */
function jumpInRun(seconds: number): BundleFiles {
  const t1 = plus('10:05:12', seconds);
  const t2 = plus('10:05:13', seconds);
  return {
    ...cleanStory(),
    [PATHS.sdclient]: logText([lines([
      ['10:02:11', '---------- SDClient starting (version 11.0.5.361) ----------'],
      ['10:02:11', 'Command line: /policyfile="C:\\ProgramData\\LANDesk\\Policies\\CP.1053.RunNow.xml" /taskid=1053'],
      ['10:02:11', 'Package: "7-Zip 23.01"'],
      ['10:02:12', 'Info: Core did not find file'],
      'RebootBehavior_Apply.zip',
      ['10:02:14', 'Executing: msiexec.exe /i "C:\\ProgramData\\LANDesk\\sdmcache\\packages\\7Zip\\7z2301-x64.msi" /qn /norestart'],
      ['10:04:10', 'Waiting for installer to finish (pid 3904)'],
      ['10:05:10', 'Waiting for installer to finish (pid 3904)'],
      [t1, 'Installer exited, exit code 0'],
      [t1, 'processing of package is complete, result 0 (0x00000000)'],
      [t2, 'SDClient exiting, return code 0'],
    ])]),
  };
}

const back = jumpInRun(-3600);
const backLine = lineOf(back[PATHS.sdclient] ?? '', 'Installer exited');
const forward = jumpInRun(2 * 3600);

/** Two daily scans, a day apart, in vulscan.log. */
function dailyScans(wording: 'modeled' | 'unknown'): BundleFiles {
  return {
    ...cleanStory(),
    [PATHS.vulscan]: logText([
      vulscanRun({ start: '2026-03-08 10:31:12', scanSeconds: 600, wording }),
      vulscanRun({ start: '2026-03-09 10:52:40', scanSeconds: 600, wording }),
    ]),
  };
}

/** A vulscan that waits 90 minutes for a long install: a quiet wait, not a jump. */
function longWait(): BundleFiles {
  const office = sdclientRun({ start: '09:45:07', taskId: 1053, package: 'Microsoft Office 2021 LTSC', installSeconds: 6000 });
  return {
    [PATHS.sdclient]: logText([office]),
    [PATHS.vulscan]: logText([vulscanRun({ start: '09:50:00', waitFor: { pid: 3312, until: office.end + 1000 }, scanSeconds: 600 })]),
  };
}

/** Two processes flushing to one file a second apart: a step back of 1 s. */
const oneSecondBack: BundleFiles = {
  ...cleanStory(),
  [PATHS.sdclient]: logText([lines([
    ['10:02:11', '---------- SDClient starting (version 11.0.5.361) ----------'],
    ['10:02:11', 'Package: "7-Zip 23.01"'],
    ['10:02:13', 'Self update: files are up to date.'],
    ['10:02:12', 'Check last error after load library.  Error: 126'],
    ['10:02:40', 'processing of package is complete, result 0 (0x00000000)'],
    ['10:02:41', 'SDClient exiting, return code 0'],
  ])]),
};

ruleTester.run(RULE, {
  valid: [
    { name: 'no jump anywhere', files: cleanStory(), expect: { verdict: 'no-failure' } },
    { name: 'a 24 h gap between two daily vulscan runs', files: dailyScans('modeled'), expect: { verdict: 'no-failure' } },
    {
      name: 'a 24 h gap between two daily vulscan runs in words the pack does not know',
      files: dailyScans('unknown'),
      expect: { verdict: 'no-failure' },
    },
    { name: 'vulscan waits 90 min for a long install: quiet, not a jump', files: longWait() },
    { name: 'a step back of 1 s (two writers flushing): under the 2 s threshold', files: oneSecondBack },
  ],
  invalid: [
    {
      name: 'the clock goes back an hour in the middle of an install',
      files: back,
      expect: {
        confidence: 'high',
        package: null,
        actionNumber: null,
        verdict: 'no-failure',
        count: 1,
        evidenceLines: [`sdclient.log:${backLine}`],
        messageIncludes: ['jumped back by 59 min 58 s', `sdclient.log at line ${backLine}`],
      },
    },
    {
      name: 'the clock leaps 2 h forward inside a run that writes every minute',
      files: forward,
      expect: { confidence: 'high', verdict: 'no-failure', evidenceIncludes: ['Installer exited, exit code 0'], messageIncludes: ['jumped forward by 2 h 2 s'] },
    },
    {
      name: 'a time sync seen in three files (LAB-0109\'s story)',
      files: raceAfterClockJumpStory(),
      expect: {
        confidence: 'high',
        verdict: 'vulscan-blocked-sdclient',
        evidenceIncludes: ['System time changed (-3598 s)', 'Time changed by the system (w32tm): -3598 s', 'SDClient starting'],
        messageIncludes: ['(3 jumps in 3 files)'],
      },
    },
  ],
});
