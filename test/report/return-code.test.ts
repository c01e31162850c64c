// A failed action's code as the logs write it in full (the first-five-minutes issue): the
// provisioning log says "-1916", the action's sdclient run "result -1916 (0x8DB50084)". The hex
// is read where both are given (FORMATS.md), so one race is one code in every format, not
// 0xFFFFF884 on one device and 0x8DB50084 on another.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderers } from '../../src/render/index.js';
import { diagnose } from '../../src/run.js';
import { SAMPLES } from '../helpers/parse.js';
import { PATHS } from '../helpers/bundle.js';
import { diagnoseBundle } from '../helpers/rule-tester.js';
import { raceStory } from '../rules/scenarios.js';

describe('the failed action\'s return code', () => {
  it('is the hex the sdclient log wrote beside the provisioning log\'s decimal, in json and CSV', async () => {
    const report = await diagnose({ paths: [path.join(SAMPLES, 'LAB-0101')] });
    expect(report.devices[0]?.failedCode).toBe(0x8db50084 | 0);
    const csv = renderers.csv.render(report, { color: false });
    expect(csv).toContain(',-1917517692,0x8DB50084,');
  });

  it('stays the provisioning log\'s where no log wrote a hex', async () => {
    const files = raceStory().files;
    const sd = (files[PATHS.sdclient] ?? '').replace(/ \(0x[0-9A-F]{8}\)/g, '');
    const device = await diagnoseBundle({ ...files, [PATHS.sdclient]: sd });
    expect(device.failedCode).toBe(-1916);
  });
});
