// A file dated years after the rest of its bundle (FORMATS.md "Clocks"): its date is wrong, not
// its order. Left where its stamps put it, a 2099 vulscan.log was "no log of vulscan" beside 32
// parsed lines, and a 2099 provisioning log was a run of its own with a verdict that contradicted
// the high-confidence race beside it.
import { describe, expect, it } from 'vitest';
import { PATHS, type BundleFiles } from '../helpers/bundle.js';
import { shiftText, DAYS } from '../helpers/history.js';
import { describeDevice, diagnoseBundle } from '../helpers/rule-tester.js';
import { raceStory } from '../rules/scenarios.js';

/** 2026-03-09 to 2099-03-09: the same calendar day, 73 years on (18 leap days between). */
const TO_2099 = (73 * 365 + 18) * DAYS;
const RACE = 'vulscan-blocked-sdclient';

function withFileIn2099(files: BundleFiles, file: string): BundleFiles {
  const text = files[file];
  if (text === undefined) throw new Error(`the story has no ${file}`);
  const moved = shiftText(text, TO_2099);
  expect(moved).toContain('2099');
  return { ...files, [file]: moved };
}

describe('a file dated years after the rest', () => {
  it('vulscan.log in 2099: the race is confirmed from its lines, and a clock finding names the file', async () => {
    const alone = await diagnoseBundle(raceStory({ withStatFiles: true }).files);
    const device = await diagnoseBundle(withFileIn2099(raceStory({ withStatFiles: true }).files, PATHS.vulscan));
    expect(device.verdict, describeDevice(device)).toBe(RACE);
    const race = device.findings.find((f) => f.rule === RACE);
    expect(race?.message).not.toContain('no log of vulscan');
    expect(race?.confidence).toBe(alone.findings.find((f) => f.rule === RACE)?.confidence);
    const clock = device.findings.find((f) => f.rule === 'clock-jump');
    expect(clock?.message).toMatch(/^The lines of vulscan\.log are dated 2099-03-09, 73 years after the other logs \(2026-03-09\): its date is wrong/);
    expect(clock?.message).toContain('moved back 26663 days');
    expect(clock?.evidence[0]?.file).toMatch(/vulscan\.log$/);
    // Verdict and findings agree: the failure time is the other logs' day.
    expect(device.failureTime).toBe(alone.failureTime);
  });

  it('the provisioning log in 2099: the verdict is the race the findings show, not a run of its own', async () => {
    const device = await diagnoseBundle(withFileIn2099(raceStory({ withStatFiles: true }).files, PATHS.provisioning));
    expect(device.verdict, describeDevice(device)).toBe(RACE);
    expect(device.runs ?? []).toHaveLength(0);
    expect(device.findings.find((f) => f.rule === 'clock-jump')?.message).toMatch(/^The lines of ldprovisioning\.log are dated 2099-03-09,/);
  });

  it('a log years older than the rest is history, never moved', async () => {
    const story = raceStory({ withStatFiles: true }).files;
    const device = await diagnoseBundle({ ...story, [PATHS.policysync]: shiftText(story[PATHS.sdclient] ?? '', -2 * 365 * DAYS).replace(/sdclient/gi, 'PolicySync') });
    expect(device.findings.some((f) => f.rule === 'clock-jump' && f.message.includes("are dated"))).toBe(false);
    expect(device.verdict).toBe(RACE);
  });
});
