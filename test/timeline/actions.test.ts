import { describe, expect, it } from 'vitest';
import { buildActions, isDistribution, runCode, runFailed } from '../../src/timeline/actions.js';
import { buildTimeline } from '../../src/timeline/index.js';
import type { ActionResult, Window } from '../../src/types.js';
import { at, ev } from '../helpers/events.js';
import { logText } from '../helpers/lines.js';
import { fileEventsOf } from '../helpers/parse.js';

const START = '---------- SDClient starting (version 11.0.5.361) ----------';

const SDCLIENT = logText([
  ['09:55:02', START],
  ['09:55:02', 'Command line: /taskid=1053'],
  ['09:55:03', 'Package: "7-Zip 23.01"'],
  ['10:01:30', 'processing of package is complete, result 229965824'],
  ['10:01:31', 'SDClient exiting, return code 0'],
  ['10:02:11', START],
  ['10:02:11', 'Command line: /taskid=1054'],
  ['10:02:11', 'Package: "Office 2016 ProPlus"'],
  ['10:02:12', 'Another task is already in progress: vulscan.exe (pid 4412) is running'],
  ['10:02:12', 'processing of package is complete, result -1917517692 (0x8DB50084)'],
  ['10:02:12', 'SDClient exiting, return code -1916'],
]);

const PROVISIONING = logText([
  ['09:40:55', 'Action 5 of 12 "Install LANDesk agent" (Install service) completed, return code 0'],
  ['10:01:31', 'Action 6 of 12 "7-Zip 23.01" (Distribute software) completed, return code 229965824'],
  ['10:02:13', 'Action 7 of 12 "Office 2016 ProPlus" (Distribute software) failed, return code -1916'],
  ['10:02:13', 'Template "Win10 Lab build" stopped: action 7 failed'],
]);

/** The parts of an action a reader checks, with its event as "file:line". */
function brief(a: ActionResult): Record<string, unknown> {
  const { event, ...rest } = a;
  return { ...rest, at: `${event.file}:${event.line}` };
}

describe('buildActions', () => {
  it('takes the actions from the provisioning log when there is one', async () => {
    const timeline = buildTimeline('LAB', [await fileEventsOf('sdclient.log', SDCLIENT), await fileEventsOf('ldprovisioning.log', PROVISIONING)]);
    expect(timeline.actions.map(brief)).toEqual([
      { number: 5, total: 12, name: 'Install LANDesk agent', type: 'Install service', failed: false, code: 0, at: 'ldprovisioning.log:1' },
      { number: 6, total: 12, name: '7-Zip 23.01', type: 'Distribute software', failed: false, code: 229965824, at: 'ldprovisioning.log:2' },
      { number: 7, total: 12, name: 'Office 2016 ProPlus', type: 'Distribute software', failed: true, code: -1916, at: 'ldprovisioning.log:3' },
    ]);
  });

  it('a result line in other words, without the name, type or count, takes them from the action\'s start line', async () => {
    const provisioning = logText([
      ['10:01:30', 'Starting action 6 of 12 "7-Zip 23.01" (Distribute software)'],
      ['10:01:31', 'Action 6 completed: "7-Zip 23.01" returned 0'],
      ['10:02:10', 'Starting action 7 of 12 "Office 2016 ProPlus NoCheck" (Distribute software)'],
      ['10:02:13', 'Action 7 failed, returned -1916'],
    ]);
    const timeline = buildTimeline('LAB', [await fileEventsOf('ldprovisioning.log', provisioning)]);
    expect(timeline.actions.map(brief)).toEqual([
      { number: 6, total: 12, name: '7-Zip 23.01', type: 'Distribute software', failed: false, code: 0, at: 'ldprovisioning.log:2' },
      { number: 7, total: 12, name: 'Office 2016 ProPlus NoCheck', type: 'Distribute software', failed: true, code: -1916, noCheck: true, at: 'ldprovisioning.log:4' },
    ]);
  });

  it('takes nothing from a start line of the same number after the result, or from a day before it', () => {
    const actions = buildActions([
      ev('action-started', '10:00:00', { source: 'provisioning', actionNumber: 7, actionType: 'Execute file', actionName: 'Old', time: at('10:00:00', '2026-03-08') }),
      ev('action-result', '10:02:13', { source: 'provisioning', actionNumber: 7, code: 1 }),
      ev('action-started', '10:03:00', { source: 'provisioning', actionNumber: 7, actionType: 'Distribute software', actionName: 'Later' }),
    ], []);
    expect(actions.map((a) => [a.number, a.name, a.type])).toEqual([[7, undefined, undefined]]);
  });

  it('judges a logged action without an outcome by its code', () => {
    const actions = buildActions([
      ev('action-result', '10:00:00', { source: 'provisioning', actionNumber: 1, code: 1603 }),
      ev('action-result', '10:00:01', { source: 'provisioning', actionNumber: 2, code: 3010 }),
      ev('action-result', '10:00:02', { source: 'provisioning', actionNumber: 3 }),
      ev('action-result', '10:00:03', { source: 'provisioning', actionNumber: 4, code: 1603, outcome: 'completed' }),
    ], []);
    expect(actions.map((a) => [a.number, a.failed])).toEqual([[1, true], [2, false], [3, false], [4, false]]);
  });

  it('stands each sdclient run in for its distribution action when there is no provisioning log', async () => {
    const timeline = buildTimeline('LAB', [await fileEventsOf('sdclient.log', SDCLIENT)]);
    expect(timeline.actions.map(brief)).toEqual([
      { type: 'Distribute software', name: '7-Zip 23.01', failed: false, code: 229965824, at: 'sdclient.log:4' },
      { type: 'Distribute software', name: 'Office 2016 ProPlus', failed: true, code: -1917517692, at: 'sdclient.log:10' },
    ]);
  });

  it('fails a run refused without a code, and one that could not download, at their last key event', async () => {
    const timeline = buildTimeline('LAB', [await fileEventsOf('sdclient.log', logText([
      ['10:02:11', START],
      ['10:02:11', 'Package: "Office 2016 ProPlus"'],
      ['10:02:12', 'Another task is already in progress: vulscan.exe (pid 4412) is running'],
      ['11:00:00', START],
      ['11:00:01', 'Package: "VLC 3.0.20"'],
      ['11:00:05', 'Download Error: http://core/packages/vlc.msi (0x80070005)'],
    ]))]);
    expect(timeline.actions.map(brief)).toEqual([
      { type: 'Distribute software', name: 'Office 2016 ProPlus', failed: true, at: 'sdclient.log:3' },
      { type: 'Distribute software', name: 'VLC 3.0.20', failed: true, at: 'sdclient.log:6' },
    ]);
  });

  it('stands a run of nothing but plain messages for an action too, at its last line (wording no pattern knows)', async () => {
    const timeline = buildTimeline('LAB', [await fileEventsOf('sdclient.log', logText([
      ['10:00:00', '=== Software distribution client 2024.3 start ==='],
      ['10:00:01', 'Job: Slack 4.36'],
      ['10:00:02', 'Finished with code -1916'],
    ]))]);
    expect(timeline.windows).toHaveLength(1);
    expect(timeline.actions.map(brief)).toEqual([{ type: 'Distribute software', failed: false, at: 'sdclient.log:3' }]);
  });

  it('marks such a run failed when its task\'s .stat says so', async () => {
    const timeline = buildTimeline('LAB', [
      await fileEventsOf('sdclient_task7702.log', logText([
        ['10:00:00', '=== Software distribution client 2024.3 start ==='],
        ['10:00:02', 'Finished with code -1916'],
      ])),
      await fileEventsOf('CP.7702.RunNow.stat', `<TaskIdn>7702</TaskIdn><Status>5</Status><ReturnCode>-1916</ReturnCode><LastRunTime>${Date.UTC(2026, 2, 9, 10, 0, 2) / 1000}</LastRunTime>`),
    ]);
    expect(timeline.actions.map(brief)).toEqual([{ type: 'Distribute software', failed: true, code: -1916, at: 'sdclient_task7702.log:2' }]);
  });

  it('does not make actions of vulscan or policy sync runs', async () => {
    const timeline = buildTimeline('LAB', [await fileEventsOf('vulscan.log', logText([['09:58:40', 'Vulscan.exe version 11.0.5.361 starting'], ['10:14:37', 'Vulscan finished, return code 5']]))]);
    expect(timeline.actions).toEqual([]);
  });
});

function run(fields: Partial<Window>): Window {
  const line = ev('message', '10:00:00');
  return {
    id: 'sdclient#1', process: 'sdclient', file: 'sdclient.log', startLine: 1, endLine: 1, start: 0, end: 0, closedBy: 'end-of-file',
    keyEvents: [], firstEvent: line, lastEvent: line, ...fields,
  };
}

describe('runCode and runFailed', () => {
  it('take the package result, else the exit code', () => {
    expect(runCode(run({ resultCode: 1603, exitCode: 0 }))).toBe(1603);
    expect(runCode(run({ exitCode: -1916 }))).toBe(-1916);
    expect(runCode(run({}))).toBeUndefined();
  });

  it.each([
    [{ resultCode: 0 }, false],
    [{ resultCode: 229965824 }, false],
    [{ resultCode: 3010 }, false],
    [{ resultCode: 1603 }, true],
    [{ exitCode: -1916 }, true],
    // A success code wins over a refusal line: the run went ahead after all.
    [{ resultCode: 0, refusedBy: 'vulscan' as const }, false],
    [{ refusedBy: 'unknown' as const }, true],
    [{ downloadError: true }, true],
    [{}, false],
  ])('%j failed: %s', (fields, failed) => {
    expect(runFailed(run(fields))).toBe(failed);
  });
});

describe('isDistribution', () => {
  it.each([
    [undefined, true],
    ['Distribute software', true],
    ['Install software package', true],
    ['Install service', false],
    ['Reboot', false],
    ['Execute file', false],
  ])('%j → %s', (type, expected) => {
    expect(isDistribution({ event: ev('action-result', '10:00:00'), failed: false, ...(type === undefined ? {} : { type }) })).toBe(expected);
  });
});
