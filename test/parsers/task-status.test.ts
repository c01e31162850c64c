import { describe, expect, it } from 'vitest';
import { parsers } from '../../src/parsers/index.js';
import { STATUS_NAMES } from '../../src/parsers/task-status.js';
import { splitLines, streamOf } from '../helpers/lines.js';
import { builtInPatterns, outline, parseSample, parseText } from '../helpers/parse.js';

// 2026-03-09T14:02:12Z: 10:02:12 on a New York wall clock (EDT), when the refused run ended.
const EPOCH = Date.UTC(2026, 2, 9, 14, 2, 12) / 1000;

function stat(body: string): string {
  return ['<?xml version="1.0" encoding="utf-8"?>', '<TaskStatus>', body, '</TaskStatus>'].join('\r\n');
}

describe('task status (.stat) parser', () => {
  it('reads the task\'s last status at its UTC LastRunTime', async () => {
    const { events, stats } = await parseText('CP.1054.RunNow.stat', stat([
      '  <TaskIdn>1054</TaskIdn>',
      '  <Status>5</Status>',
      '  <ReturnCode>-1916</ReturnCode>',
      `  <LastRunTime>${EPOCH}</LastRunTime>`,
    ].join('\r\n')));
    expect(events).toEqual([{
      kind: 'task-status',
      source: 'task-status',
      file: 'CP.1054.RunNow.stat',
      line: 1,
      time: EPOCH * 1000,
      utc: true,
      text: 'Task 1054: status 5 (Failed), return code -1916',
      taskId: '1054',
      status: 5,
      statusName: 'Failed',
      code: -1916,
    }]);
    expect(outline(events)).toEqual(['1 2026-03-09T14:02:12 task-status']);
    expect(stats).toMatchObject({ lines: 7, parsed: 7, unparsed: 0, warnings: [] });
  });

  it('reads everything on one line, a hex return code and a success status', async () => {
    const { events } = await parseText('CP.77.RunNow.stat',
      `<TaskStatus><TaskIdn>77</TaskIdn><Status>4</Status><ReturnCode>0x0DB50000</ReturnCode><LastRunTime>${EPOCH}</LastRunTime></TaskStatus>`);
    expect(events[0]).toMatchObject({ taskId: '77', status: 4, statusName: 'Success', code: 229965824, utc: true });
  });

  it('names every status FORMATS.md lists', () => {
    expect(STATUS_NAMES).toEqual({
      0: 'Unknown', 1: 'Working', 2: 'Downloading', 3: 'Installing', 4: 'Success', 5: 'Failed', 6: 'Cancelled', 7: 'Deferred', 8: 'Failed_Exception',
    });
  });

  it('takes the task id from the file name when the XML has none', async () => {
    const { events } = await parseText('CP.1054.RunNow.stat', stat(`<Status>4</Status><LastRunTime>${EPOCH}</LastRunTime>`));
    expect(events[0]).toMatchObject({ taskId: '1054', status: 4 });
  });

  it('reads a status without a LastRunTime (a modeled field) as untimed, with a warning: a Failed .stat is a failure whatever it lacks', async () => {
    const { events, stats } = await parseText('CP.1054.RunNow.stat', stat('<Status>5</Status>'));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'task-status', taskId: '1054', status: 5, statusName: 'Failed', untimed: true, text: 'Task 1054: status 5 (Failed), return code ? (no time in the file)' });
    expect(events[0]?.utc).toBeUndefined();
    expect(stats.warnings).toEqual(['CP.1054.RunNow.stat: no <LastRunTime>: the task\'s status is read without a time of its own, and placed after the device\'s last log line']);
    expect(stats).toMatchObject({ lines: 4, parsed: 4, unparsed: 0 });
  });

  it('gives an untimed status the file\'s modification time, to the second, where the bundle kept one', async () => {
    const modified = Date.UTC(2026, 2, 9, 10, 2, 13, 640);
    const { events } = await parsers['task-status'].parse(streamOf(splitLines(stat('<Status>8</Status><LastRunTime>yesterday</LastRunTime>'))),
      { file: 'CP.9.RunNow.stat', fileName: 'CP.9.RunNow.stat', patterns: builtInPatterns, modified });
    expect(events[0]).toMatchObject({ taskId: '9', status: 8, untimed: true, time: Date.UTC(2026, 2, 9, 10, 2, 13) });
  });

  it('warns and counts every line unparsed when the file has neither a Status nor a LastRunTime', async () => {
    const { events, stats } = await parseText('CP.1054.RunNow.stat', stat('<ReturnCode>5</ReturnCode>'));
    expect(events).toEqual([]);
    expect(stats.warnings).toEqual(['CP.1054.RunNow.stat: not a task status file (no task id, and no <Status> or <LastRunTime>)']);
    expect(stats).toMatchObject({ lines: 4, parsed: 0, unparsed: 4 });
    expect(stats.unparsedLines.map((u) => [u.line, u.reason])).toEqual([1, 2, 3, 4].map((n) => [n, 'no <TaskIdn>, <Status> or <LastRunTime> in this .stat file']));
  });

  it('warns when the .stat has no task id anywhere (no TaskIdn, a name without one)', async () => {
    const { events, stats } = await parsers['task-status'].parse(
      streamOf(splitLines(stat(`<Status>5</Status><LastRunTime>${EPOCH}</LastRunTime>`))),
      { file: 'status.stat', fileName: 'status.stat', patterns: builtInPatterns },
    );
    expect(events).toEqual([]);
    expect(stats.warnings).toHaveLength(1);
    expect(stats).toMatchObject({ lines: 4, parsed: 0, unparsed: 4 });
  });

  it('refuses a LastRunTime of 0 or text', async () => {
    for (const value of ['0', 'yesterday', '']) {
      const { events } = await parseText('CP.1.RunNow.stat', stat(`<TaskIdn>1</TaskIdn><LastRunTime>${value}</LastRunTime>`));
      expect(events, value).toEqual([]);
    }
  });

  it('counts binary lines unparsed and still reads the XML around them', async () => {
    const { events, stats } = await parseText('CP.1054.RunNow.stat', [
      '<TaskStatus><TaskIdn>1054</TaskIdn>',
      '\u0000\u0000\u0000',
      `<Status>5</Status><LastRunTime>${EPOCH}</LastRunTime></TaskStatus>`,
    ].join('\n'));
    expect(events).toHaveLength(1);
    expect(stats).toMatchObject({ lines: 3, parsed: 2, unparsed: 1 });
    expect(stats.unparsedLines.map((u) => [u.line, u.reason])).toEqual([[2, 'not XML text']]);
  });
});

describe('task status parser on samples/', () => {
  it('LAB-0101 CP.1055.RunNow.stat: the refused task', async () => {
    const { events, stats } = await parseSample('LAB-0101/ProgramData/LANDesk/Policies/CP.1055.RunNow.stat');
    expect(stats).toMatchObject({ lines: 7, parsed: 7, unparsed: 0, warnings: [] });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ taskId: '1055', status: 5, statusName: 'Failed', code: -1916, time: 1771339343 * 1000, utc: true });
    expect(outline(events)).toEqual(['1 2026-02-17T14:42:23 task-status']);
  });

  it('LAB-0105 CP.4403.RunNow.stat (UTF-16LE, encoding="utf-16")', async () => {
    const { events, encoding } = await parseSample('LAB-0105/ProgramData/LANDesk/Policies/CP.4403.RunNow.stat');
    expect(encoding).toBe('utf-16le');
    expect(events[0]).toMatchObject({ taskId: '4403', status: 5, code: -2147024891, time: 1771973214 * 1000 });
  });

  it('LAB-0110 CP.9908.RunNow.stat: Failed_Exception', async () => {
    const { events } = await parseSample('LAB-0110/ProgramData/LANDesk/Policies/CP.9908.RunNow.stat');
    expect(events[0]).toMatchObject({ status: 8, statusName: 'Failed_Exception', code: -2147467259 });
  });
});
