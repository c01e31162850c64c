// stray-log: a whole log weeks before the template runs, beside a log of the same kind that the
// runs use (the third red-team pass: a clean year-3000 build with another device's sdclient.log
// in a subfolder was called a race, with "fix in place" beside it).
import { PATHS } from '../helpers/bundle.js';
import { DAYS, history, shiftBundle, shiftText } from '../helpers/history.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { cleanStory, raceStory } from './scenarios.js';

const RULE = 'stray-log';
const YEAR_3000 = '01 Jan 3000 00:00:00';

const clean = cleanStory({ firstStart: YEAR_3000 });
/** Another device's race, three weeks earlier, its agent one version older. */
const otherSdclient = shiftText(raceStory().files[PATHS.sdclient] ?? '', -21 * DAYS).replace(/version 11\.0\.5\.361/g, 'version 11.0.4.733');
const STRAY = 'old/LAB-0199/sdclient.log';

ruleTester.run(RULE, {
  valid: [
    { name: 'a clean year-3000 build', files: clean, expect: { verdict: 'no-failure' } },
    {
      name: 'the same device re-provisioned three weeks later: one log holds both runs, and the latest decides',
      files: history(shiftBundle(raceStory().files, -21 * DAYS), clean),
      expect: { verdict: 'no-failure' },
    },
    {
      name: 'a rotated copy of the device\'s own vulscan.log, same core and version',
      files: { ...raceStory().files, 'ProgramData/LANDesk/Log/vulscan.log.old': raceStory().files[PATHS.vulscan] ?? '' },
      expect: { verdict: 'vulscan-blocked-sdclient' },
    },
    {
      name: 'an old log of another kind than any the runs use',
      files: { ...clean, 'old/PolicySync.exe.log': shiftText(cleanStory({ sync: 'between' })[PATHS.policysync] ?? '', -21 * DAYS) },
      expect: { verdict: 'no-failure' },
    },
  ],
  invalid: [
    {
      name: 'a clean year-3000 build with another device\'s sdclient.log (a race, three weeks earlier, an older agent) in a subfolder',
      files: { ...clean, [STRAY]: otherSdclient },
      expect: {
        verdict: 'no-failure', confidence: 'high', count: 1,
        messageIncludes: [`${STRAY.split('/').pop()}`, '3 week(s) before this bundle\'s template run', 'its agent version (11.0.4.733) is not the one the runs use (11.0.5.361)',
          'does not decide the verdict'],
        evidenceIncludes: ['Another task is already in progress'],
      },
    },
    {
      name: 'the same, with the same agent version: weeks apart and no run linking them',
      files: { ...clean, [STRAY]: shiftText(raceStory().files[PATHS.sdclient] ?? '', -21 * DAYS) },
      expect: { verdict: 'no-failure', confidence: 'medium', count: 1, messageExcludes: ['agent version'] },
    },
    {
      name: 'another device\'s sdclient.log of the same day in a subfolder, from another agent version: two versions at once',
      files: { ...clean, [STRAY]: (raceStory().files[PATHS.sdclient] ?? '').replace(/version 11\.0\.5\.361/g, 'version 11.0.4.733') },
      expect: { confidence: 'medium', count: 1, messageIncludes: ['hold lines of the same time', 'two agent versions (', '11.0.5.361', '11.0.4.733', 'likely another device\'s log'] },
    },
    {
      name: 'a vulscan.log of the same day that talks to another core than the device\'s',
      files: { ...raceStory().files, 'old/LAB-0199/vulscan.log': (raceStory().files[PATHS.vulscan] ?? '').replace(/ldcore01\.lab\.example/g, 'epm.other.example') },
      expect: { confidence: 'medium', verdict: 'vulscan-blocked-sdclient', count: 1, messageIncludes: ['two core servers (', 'epm.other.example'] },
    },
  ],
});
