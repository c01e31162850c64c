// A bundle is a device's history (FORMATS.md): re-runs of a failed template, re-provisioning
// months later, an image's old logs. The latest template run decides the verdict; the earlier
// ones are shown with their own outcome, and their advice is not given again.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { PATHS, addedTaskLine, lines, logText, plus, schedulerTasksText, sdclientRun, statXml, type BundleFiles } from '../helpers/bundle.js';
import { DAYS, HOURS, history, shiftBundle } from '../helpers/history.js';
import { diagnoseBundle } from '../helpers/rule-tester.js';
import { cleanStory, installStory, raceStory } from '../rules/scenarios.js';

const YEAR_3000 = '01 Jan 3000 00:00:00';
const RACE = 'vulscan-blocked-sdclient';

const schema: unknown = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', '..', 'schema', 'diagnosis.schema.json'), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
ajv.addSchema(schema as object);
const deviceSchema = ajv.getSchema('https://github.com/ldforensics/ldforensics/schema/diagnosis.schema.json#/$defs/deviceReport');

/** The documented fix in place: the provisioning-only agent's scan and sync start in the year 3000. */
const fixed = (): BundleFiles => cleanStory({ firstStart: YEAR_3000 });

describe('the latest template run decides', () => {
  it('a race, then a re-run with the year-3000 agent that succeeds: no-failure, with run 1 in the history and no advice for it', async () => {
    const device = await diagnoseBundle(history(raceStory().files, shiftBundle(fixed(), 4 * HOURS)));
    expect(device.verdict).toBe('no-failure');
    expect(device.failedPackage).toBeNull();
    expect(device.explanation).toMatch(/Succeeded on the 2nd run; run 1 failed: .*\(vulscan-blocked-sdclient\)\./);
    expect(device.runs?.map((r) => [r.run, r.verdict, r.failedPackage, r.failedAction])).toEqual([[1, RACE, 'Adobe Reader DC', 7], [2, 'no-failure', null, null]]);
    expect(device.runs?.[0]?.finding).toMatchObject({ rule: RACE, confidence: 'high' });
    expect(device.runs?.[1]?.startedBy).toBe('template-start');
    // Run 1's cause and its fix are history: nothing advises building the agent already in place.
    expect(device.findings.map((f) => f.rule)).not.toContain(RACE);
    expect(device.findings.map((f) => f.rule)).toContain('provisioning-agent-active');
  });

  it('a download error, then the race in the re-run: the race is the verdict', async () => {
    const device = await diagnoseBundle(history(installStory({ download: 'error' }), shiftBundle(raceStory().files, 5 * HOURS)));
    expect(device.verdict).toBe(RACE);
    expect(device.failedPackage).toBe('Adobe Reader DC');
    expect(device.runs?.map((r) => r.verdict)).toEqual(['download-failed', RACE]);
    expect(device.explanation).toMatch(/2nd template run .* run 1 failed: .*\(download-failed\)/);
  });

  it('an image\'s seven-month-old sdclient.log with a 1603, before a healthy year-3000 run: history, never the verdict', async () => {
    const stale = sdclientRun({ start: '2025-08-12 14:02:10', taskId: 880, package: 'Java Runtime 8u361', installSeconds: 120, result: 1603 });
    const files = { ...fixed() };
    files[PATHS.sdclient] = logText([stale]) + (files[PATHS.sdclient] ?? '');
    const device = await diagnoseBundle(files);
    expect(device.verdict).toBe('no-failure');
    expect(device.before).toMatchObject({ start: '2025-08-12T14:02:10', files: [expect.stringContaining('sdclient.log')] });
    expect(device.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(device.runs?.map((r) => r.verdict)).toEqual(['no-failure']);
    expect(deviceSchema?.(JSON.parse(JSON.stringify(device))), JSON.stringify(deviceSchema?.errors)).toBe(true);
  });

  it('three runs in one bundle: race, installer failure, then success; each run keeps its own outcome', async () => {
    const device = await diagnoseBundle(history(raceStory().files, shiftBundle(installStory(), 1 * DAYS), shiftBundle(fixed(), 2 * DAYS)));
    expect(device.verdict).toBe('no-failure');
    expect(device.runs?.map((r) => r.verdict)).toEqual([RACE, 'package-install-failed', 'no-failure']);
    expect(device.explanation).toContain('Succeeded on the 3rd run; run 1 failed');
    expect(device.explanation).toContain('run 2 failed');
    expect(device.runs?.[2]?.start.slice(0, 10)).toBe('2026-03-11');
    // The history fields are in the published schema.
    expect(deviceSchema?.(JSON.parse(JSON.stringify(device))), JSON.stringify(deviceSchema?.errors)).toBe(true);
  });

  it('action numbers starting again begin a run where no line says a template started', async () => {
    const withoutStartLines = (files: BundleFiles): BundleFiles => ({
      ...files, [PATHS.provisioning]: (files[PATHS.provisioning] ?? '').split('\r\n').filter((l) => !/ Template "[^"]*" \(id \d+\)/.test(l)).join('\r\n'),
    });
    const device = await diagnoseBundle(history(withoutStartLines(cleanStory()), withoutStartLines(shiftBundle(raceStory().files, 6 * HOURS))));
    expect(device.runs?.map((r) => [r.verdict, r.startedBy])).toEqual([['no-failure', 'first-action'], [RACE, 'action-restart']]);
    expect(device.verdict).toBe(RACE);
  });

  it('one run and nothing before it: no history in the report (the report stays as it was)', async () => {
    const device = await diagnoseBundle(raceStory().files);
    expect(device.verdict).toBe(RACE);
    expect(device.runs).toBeUndefined();
    expect(device.before).toBeUndefined();
  });

  it('without a provisioning log, hours of silence with nothing running part the runs: an old 1603, then a clean day', async () => {
    const old = installStory({ withoutProvisioning: true });
    const device = await diagnoseBundle(history(old, shiftBundle(fixed(), 3 * DAYS), {}));
    // The newer run's provisioning log makes it a template run; the old lines are history.
    expect(device.verdict).toBe('no-failure');
    const both = await diagnoseBundle(history(old, shiftBundle(noProvisioning(cleanStory()), 3 * DAYS)));
    expect(both.runs?.map((r) => [r.verdict, r.startedBy])).toEqual([['package-install-failed', 'logs-start'], ['no-failure', 'gap']]);
    expect(both.verdict).toBe('no-failure');
  });

  it('without a provisioning log, a new agent install (the scheduler registering the scan again) with nothing running parts the runs, an hour apart', async () => {
    const device = await diagnoseBundle(history(noProvisioning(raceStory().files), shiftBundle(noProvisioning(fixed()), 1 * HOURS)));
    expect(device.runs?.map((r) => [r.verdict, r.startedBy])).toEqual([[RACE, 'logs-start'], ['no-failure', 'agent-install']]);
    expect(device.verdict).toBe('no-failure');
    expect(device.explanation).toMatch(/Succeeded on the 2nd run; run 1 failed/);
  });

  it('the production agent registering its tasks at the template\'s end is no new run', async () => {
    const files = noProvisioning(fixed());
    const localsch = files[PATHS.localsch] ?? '';
    const lastLine = localsch.trimEnd().split('\r\n').pop() ?? '';
    const endStamp = /^\w{3}, \d{2} \w{3} \d{4} /.exec(lastLine)?.[0] ?? '';
    const production = `${endStamp}10:30:00 ${addedTaskLine('vulscan', '09 Mar 2026 10:30:00')}\r\n${endStamp}10:30:00 ${addedTaskLine('policysync', '09 Mar 2026 10:30:00')}\r\n`;
    const device = await diagnoseBundle({ ...files, [PATHS.localsch]: localsch + production });
    expect(device.runs).toBeUndefined();
    expect(device.verdict).toBe('no-failure');
  });
});

/** A bundle without its provisioning log. */
function noProvisioning(files: BundleFiles): BundleFiles {
  return Object.fromEntries(Object.entries(files).filter(([p]) => p !== PATHS.provisioning));
}

describe('a task run after the template completed', () => {
  it('a pushed package that fails days after "Template … completed" is a warning on its own run, never the device\'s verdict', async () => {
    const provisioning = logText([lines([
      ['09:00:00', 'Template "Win11 Lab build" (id 31): 6 actions'],
      ['09:20:00', 'Action 5 of 6 "Install LANDesk agent" (Install service) completed, return code 0'],
      ['09:30:00', 'Starting action 6 of 6 "Zoom 6" (Distribute software)'],
      ['09:35:00', 'Action 6 of 6 "Zoom 6" (Distribute software) completed, return code 0'],
      ['09:35:01', 'Template "Win11 Lab build" completed'],
    ])]);
    const zoom = sdclientRun({ start: '09:30:01', taskId: 7000, package: 'Zoom 6', installSeconds: 280 });
    const visio = sdclientRun({ start: plus('09:30:01', 4 * DAYS), taskId: 7001, package: 'Visio 2021', installSeconds: 600, result: 1603 });
    const files: BundleFiles = { [PATHS.provisioning]: provisioning, [PATHS.sdclient]: logText([zoom, visio]) };
    const device = await diagnoseBundle(files);
    expect(device.verdict).toBe('no-failure');
    const later = device.findings.find((f) => f.rule === 'package-install-failed');
    expect(later).toMatchObject({ severity: 'warning', package: 'Visio 2021' });
    expect(later?.message).toMatch(/This run began after the template had completed \(.*ldprovisioning\.log:5\): a task run later, not a step of the template/);
    // The same failure during the template decides it.
    const during = await diagnoseBundle({ [PATHS.provisioning]: provisioning.replace(/^.*Template "Win11 Lab build" completed.*\r\n/m, ''), [PATHS.sdclient]: logText([zoom, visio]) });
    expect(during.verdict).toBe('package-install-failed');
  });
});

describe('logs that end in the middle of the template', () => {
  it('every log stops right after "Starting action 7": incomplete, naming the action and where the logs end, never no-failure', async () => {
    const story = cleanStory();
    const provisioning = story[PATHS.provisioning] ?? '';
    const cut = provisioning.slice(0, provisioning.indexOf('\r\n', provisioning.indexOf('Starting action 7')) + 2);
    const sd = story[PATHS.sdclient] ?? '';
    const files = { ...story, [PATHS.provisioning]: cut, [PATHS.sdclient]: sd.slice(0, sd.indexOf('\r\n', sd.indexOf('SDClient exiting')) + 2) };
    const device = await diagnoseBundle(files);
    expect(device.verdict).toBe('incomplete');
    expect(device.failedAction).toBe(7);
    expect(device.failedPackage).toBe('Adobe Reader DC');
    expect(device.explanation).toMatch(/had not finished where these logs end.*action 7 "Adobe Reader DC" \(Distribute software\), at 2026-03-09T09:5\d:\d\d; the logs end at 2026-03-09T/);
  });

  it('a template that ends with its completion line, or stops on a failure, is not incomplete', async () => {
    expect((await diagnoseBundle(cleanStory())).verdict).toBe('no-failure');
    expect((await diagnoseBundle(installStory())).verdict).toBe('package-install-failed');
  });

  it('an earlier run that was cut short is history; the latest run decides', async () => {
    const story = cleanStory();
    const provisioning = story[PATHS.provisioning] ?? '';
    const cut = { ...story, [PATHS.provisioning]: provisioning.slice(0, provisioning.indexOf('\r\n', provisioning.indexOf('Starting action 7')) + 2) };
    const device = await diagnoseBundle(history(cut, shiftBundle(fixed(), 2 * DAYS)));
    expect(device.runs?.map((r) => r.verdict)).toEqual(['incomplete', 'no-failure']);
    expect(device.verdict).toBe('no-failure');
    expect(device.explanation).toContain('run 1 did not finish');
  });
});

describe('a .stat of a failed run beside a later success', () => {
  it('run 1\'s .stat of the refused task (Status 5) stays in run 1: the re-run that succeeded decides', async () => {
    const files = history(raceStory({ withStatFiles: true }).files, shiftBundle(fixed(), 5 * HOURS));
    expect(files[PATHS.stat(1054)]).toContain('<Status>5</Status>');
    const device = await diagnoseBundle(files);
    expect(device.verdict).toBe('no-failure');
    expect(device.runs?.map((r) => r.verdict)).toEqual([RACE, 'no-failure']);
  });
});

describe('the history in every format', () => {
  it('text, md and html show a History part; csv has runs and first_run_verdict', async () => {
    const { renderers } = await import('../../src/render/index.js');
    const { buildReport } = await import('../../src/report.js');
    const { parse } = await import('csv-parse/sync');
    const device = await diagnoseBundle(history(raceStory().files, shiftBundle(fixed(), 4 * HOURS)));
    const report = buildReport([device]);
    const text = renderers.text.render(report, { color: false, width: 200 });
    expect(text).toMatch(/History\n {4}- Run 1, 2026-03-09 09:26:00 to 2026-03-09 10:14:14, template Win10 Lab build: vulscan-blocked-sdclient, Action 7 \(Adobe Reader DC\)\. /);
    expect(text).toContain('- Run 2 (latest: decides the verdict)');
    expect(renderers.md.render(report, { color: false, width: 100 })).toContain('**History:**\n\n- Run 1, ');
    expect(renderers.html.render(report, { color: false, width: 100 })).toMatch(/<h3>History<\/h3>\n<ul class="history"><li>Run 1, /);
    const rows = parse(renderers.csv.render(report, { color: false, width: 100 }).replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    expect(rows[0]).toMatchObject({ verdict: 'no-failure', runs: '2', first_run_verdict: RACE });
  });

  it('an incomplete run\'s headline says the action began, not that it failed', async () => {
    const story = cleanStory();
    const provisioning = story[PATHS.provisioning] ?? '';
    const files = { ...story, [PATHS.provisioning]: provisioning.slice(0, provisioning.indexOf('\r\n', provisioning.indexOf('Starting action 7')) + 2) };
    const { renderers } = await import('../../src/render/index.js');
    const { buildReport } = await import('../../src/report.js');
    const text = renderers.text.render(buildReport([await diagnoseBundle(files)]), { color: false, width: 200 });
    expect(text).toContain('Action 7 (Adobe Reader DC) began, and the logs end before its result.');
    expect(text).not.toContain('failed at');
  });
});

describe('a task status file written after every log line', () => {
  it('the refused task\'s .stat says Success two days after the race: a later run the logs do not hold, and it decides', async () => {
    const story = raceStory({ withStatFiles: true }).files;
    const later = statXml({ taskId: 1054, status: 4, code: 0, lastRun: plus('10:02:00', 2 * DAYS) });
    const device = await diagnoseBundle({ ...story, [PATHS.stat(1054)]: later });
    expect(device.runs?.map((r) => [r.verdict, r.startedBy])).toEqual([[RACE, 'template-start'], ['no-failure', 'task-status']]);
    expect(device.verdict).toBe('no-failure');
    const { renderers } = await import('../../src/render/index.js');
    const { buildReport } = await import('../../src/report.js');
    expect(renderers.text.render(buildReport([device]), { color: false, width: 300 })).toContain('known only from a task\'s status file written after every log line: no-failure');
  });

  it('a .stat saying Failed two days after a clean run: the device failed later, never no-failure', async () => {
    const clean = fixed();
    // Task 1053's own .stat, written as its run ended, puts the UTC .stat times on the device's clock.
    const exit1053 = /^\w{3}, \d{2} \w{3} \d{4} (\d{2}:\d{2}:\d{2}) SDClient exiting/m.exec(clean[PATHS.sdclient] ?? '')?.[1] ?? '';
    const device = await diagnoseBundle({
      ...clean,
      [PATHS.stat(1053)]: statXml({ taskId: 1053, status: 4, code: 0, lastRun: exit1053 }),
      [PATHS.stat(1054)]: statXml({ taskId: 1054, status: 5, code: 1603, lastRun: plus('09:53:05', 2 * DAYS) }),
    });
    expect(device.verdict).toBe('unexplained-failure');
    expect(device.runs?.map((r) => r.startedBy)).toEqual(['template-start', 'task-status']);
  });

  it('the same with the scheduler\'s task list in the bundle, whose tasks start in the year 3000 (the fix in place): still a failure', async () => {
    // Regression: the listed tasks' year-3000 starts were taken for the bundle's last log line, so no .stat was ever "late".
    const clean = fixed();
    const exit1053 = /^\w{3}, \d{2} \w{3} \d{4} (\d{2}:\d{2}:\d{2}) SDClient exiting/m.exec(clean[PATHS.sdclient] ?? '')?.[1] ?? '';
    const device = await diagnoseBundle({
      ...clean,
      [PATHS.schedulerTasks]: schedulerTasksText(YEAR_3000),
      [PATHS.stat(1053)]: statXml({ taskId: 1053, status: 4, code: 0, lastRun: exit1053 }),
      [PATHS.stat(1054)]: statXml({ taskId: 1054, status: 5, code: 1603, lastRun: plus('09:53:05', 2 * DAYS) }),
    });
    expect(device.verdict).toBe('unexplained-failure');
    expect(device.runs?.map((r) => r.startedBy)).toEqual(['template-start', 'task-status']);
  });

  it('a .stat without a LastRunTime sits after the last log line, never at a listed task\'s year-3000 start', async () => {
    const device = await diagnoseBundle({
      ...fixed(),
      [PATHS.schedulerTasks]: schedulerTasksText(YEAR_3000),
      [PATHS.stat(1054)]: '<TaskStatus><TaskIdn>1054</TaskIdn><Status>5</Status><ReturnCode>1603</ReturnCode></TaskStatus>',
    });
    const evidence = device.findings.flatMap((f) => f.evidence).find((e) => e.file.endsWith('CP.1054.RunNow.stat'));
    expect(evidence?.time.startsWith('2026-')).toBe(true);
  });

  it('a .stat of the run itself (the same day) starts no run', async () => {
    const device = await diagnoseBundle(raceStory({ withStatFiles: true }).files);
    expect(device.runs).toBeUndefined();
  });
});
