// The HTML fleet folder's parts: page names made safe and unique, the index escaped and
// linked, the timing picture's dots, and the expected loss to the race.
import { describe, expect, it } from 'vitest';
import { fleetIndex, indexRow, MAX_POINTS, pageName, timingPicture } from '../../src/render/html-fleet.js';
import { summarize } from '../../src/report.js';
import { diagnose } from '../../src/run.js';
import { expectedLoss, LossTally } from '../../src/timing.js';
import type { DeviceTiming } from '../../src/types.js';
import { HOSTILE, injection, race, report } from '../fixtures/report.js';
import { SAMPLES } from '../helpers/parse.js';

describe('pageName', () => {
  it('keeps plain names, makes anything else safe, and numbers names that meet, whatever their case', () => {
    const taken = new Set<string>();
    expect(pageName('LAB-0101', taken)).toBe('LAB-0101.html');
    expect(pageName('lab-0101', taken)).toBe('lab-0101-2.html');
    expect(pageName('site-a/LAB-0102', taken)).toBe('site-a_LAB-0102.html');
    expect(pageName('../../etc/passwd', taken)).toBe('etc_passwd.html');
    expect(pageName(`${HOSTILE.script}${HOSTILE.img}`, taken)).toMatch(/^[A-Za-z0-9._-]+\.html$/);
    expect(pageName('', taken)).toBe('device.html');
  });
});

describe('fleetIndex', () => {
  it('escapes device names and links each device to its page, grouped by verdict', () => {
    const rows = report.devices.map((d, i) => indexRow(d, `devices/d${i}.html`));
    const page = fleetIndex(report.summary, rows, new LossTally());
    expect(page).not.toContain('<script>');
    expect(page).toContain(`href="devices/d${report.devices.indexOf(injection)}.html"`);
    for (const [verdict] of Object.entries(report.summary.verdicts)) expect(page).toContain(`href="#verdict-${verdict}"`);
    expect(page).toContain('Content-Security-Policy');
    expect(page).not.toMatch(/<script|\son[a-z]+=/i);
  });

  it('marks the devices at risk as such, apart from the healthy ones', () => {
    const atRisk = { ...race, device: 'LAB-RISK', verdict: 'no-failure', findings: [{ ...race.findings[0]!, rule: 'scan-during-provisioning', severity: 'warning' as const }] };
    const rows = [indexRow(atRisk, 'devices/LAB-RISK.html')];
    const page = fleetIndex(summarize([atRisk]), rows, new LossTally());
    expect(page).toContain('id="at-risk"');
    expect(page).toMatch(/LAB-RISK<\/a> <span class="badge tone-warning">at risk<\/span>/);
  });
});

describe('the timing picture and the expected loss', () => {
  const timing = (lastStart: number, count = 3): DeviceTiming => ({
    registered: '2026-03-09T09:40:00', tasks: [{ task: 'vulscan', due: true, delay: { min: 0, max: 60 } }],
    fired: [{ task: 'vulscan', minutes: 12 }], distributions: { first: 1, lastStart, end: lastStart + 2, count },
  });

  it('is the chance that the scan or the sync fires before the last distribution starts, with the default 0 to 60 minutes', () => {
    expect(expectedLoss(timing(0))).toBe(0);
    expect(expectedLoss(timing(30))).toBeCloseTo(0.75);
    expect(expectedLoss(timing(90))).toBe(1);
    // One distribution: nothing comes after the one a task might meet.
    expect(expectedLoss(timing(30, 1))).toBe(0);
    expect(expectedLoss({ ...timing(30), distributions: undefined })).toBeUndefined();
  });

  it('sets the expected share beside the real one, over the devices whose timing is known', () => {
    const tally = new LossTally();
    tally.add({ verdict: 'vulscan-blocked-sdclient', timing: timing(30) });
    tally.add({ verdict: 'no-failure', timing: timing(0) });
    tally.add({ verdict: 'no-failure' });
    expect(tally).toMatchObject({ devices: 2, expected: 0.75, lost: 1 });
    const rows = [indexRow({ ...race, timing: timing(30) }, 'devices/a.html'), indexRow({ ...race, device: 'B', verdict: 'no-failure', timing: timing(0) }, 'devices/b.html')];
    const picture = timingPicture(rows, tally);
    expect(picture).toContain('expected to take <strong>38 %</strong> of these 2 devices; it took <strong>50 %</strong> (1)');
    expect((picture.match(/<circle cx=/g) ?? []).length).toBe(2 + 3); // two devices and the legend's three
  });

  it('draws at most MAX_POINTS dots and says how many it left out', () => {
    const row = indexRow({ ...race, timing: timing(10) }, 'devices/a.html');
    const picture = timingPicture(Array.from({ length: MAX_POINTS + 10 }, () => row), new LossTally());
    // All on one spot: one dot standing for the MAX_POINTS drawn.
    expect((picture.match(/<a href=/g) ?? []).length).toBe(1);
    expect(picture).toContain(`data-devices="${MAX_POINTS}"`);
    expect(picture).toContain(`(the first ${MAX_POINTS} drawn)`);
  });

  it('says how many devices a dot stands for where dots coincide (308 devices on 11 spots: 11 dots, each with its number)', () => {
    const rows = Array.from({ length: 308 }, (_, i) => indexRow({ ...race, device: `PC-${i}`, timing: timing(5 * (i % 11)) }, `devices/pc-${i}.html`));
    const picture = timingPicture(rows, new LossTally());
    const dots = [...picture.matchAll(/data-devices="(\d+)"/g)].map((m) => Number(m[1]));
    expect(dots).toHaveLength(11);
    expect(dots.reduce((a, b) => a + b, 0)).toBe(308);
    expect((picture.match(/<text class="dot-count"/g) ?? []).length).toBe(11);
    expect(picture).toContain('a number beside a dot: devices at that spot');
    expect(picture).toMatch(/<title>28 devices \(PC-0, PC-11, PC-22, PC-33, PC-44, … and 23 more\)/);
  });

  it('reads the samples\' timing: registration, firing and the distributions, in minutes after the install', async () => {
    const [device] = (await diagnose({ paths: [`${SAMPLES}LAB-0101`] })).devices;
    expect(device?.timing).toEqual({
      registered: '2026-02-17T09:40:31',
      tasks: [{ task: 'vulscan', due: true, delay: { min: 0, max: 60 } }, { task: 'policysync', due: true, delay: { min: 0, max: 60 } }],
      fired: [{ task: 'vulscan', minutes: 0.7 }, { task: 'policysync', minutes: 38.5 }],
      distributions: { first: 0.5, lastStart: 1.9, end: 1.9, count: 2 },
    });
    const [fixed] = (await diagnose({ paths: [`${SAMPLES}LAB-0102`] })).devices;
    expect(fixed?.timing?.tasks.every((t) => !t.due)).toBe(true);
    expect(fixed?.timing?.fired).toEqual([]);
  });
});
