import { writeFileSync } from 'node:fs';
import path from 'node:path';
import tmp from 'tmp';
import { afterAll, describe, expect, it } from 'vitest';
import { formatWallTime } from '../../src/parsers/timestamp.js';
import { logText } from '../helpers/lines.js';
import { countByKind, outline, parseFile, parseSample, parseText } from '../helpers/parse.js';

const tmpDir = tmp.dirSync({ unsafeCleanup: true });
afterAll(() => tmpDir.removeCallback());

// Two distribution runs in the shared sdclient.log: action 6 succeeds, action 7 is refused
// because vulscan holds the agent (FORMATS.md's modeled lines).
const RUNS = logText([
  ['09:55:02', '---------- SDClient starting (version 11.0.5.361) ----------'],
  ['09:55:02', 'Command line: /policyfile="C:\\ProgramData\\LANDesk\\Policies\\CP.1053.RunNow.xml" /taskid=1053'],
  ['09:55:03', 'Package: "7-Zip 23.01"'],
  ['09:55:04', 'Info: Core did not find file'],
  'RebootBehavior_Apply.zip',
  ['10:01:30', 'processing of package is complete, result 229965824'],
  ['10:01:30', 'Sending task status, cmd line: -taskid=1053 -retcode=229965824 -complete'],
  ['10:01:31', 'SDClient exiting, return code 0'],
  ['10:02:11', '---------- SDClient starting (version 11.0.5.361) ----------'],
  ['10:02:11', 'Command line: /policyfile="C:\\ProgramData\\LANDesk\\Policies\\CP.1054.RunNow.xml" /taskid=1054'],
  ['10:02:11', 'Package: "Office 2016 ProPlus"'],
  ['10:02:12', 'Another task is already in progress: vulscan.exe (pid 4412) is running'],
  ['10:02:12', 'processing of package is complete, result -1916 (0x8DB50084)'],
  ['10:02:12', 'Sending task status, cmd line: -taskid=1054 -retcode=-1916 -complete'],
  ['10:02:12', 'SDClient exiting, return code -1916'],
]);

describe('sdclient parser', () => {
  it('reads the shared sdclient.log into events, one per entry', async () => {
    const { events, stats } = await parseText('sdclient.log', RUNS);
    expect(outline(events)).toEqual([
      '1 2026-03-09T09:55:02 process-start',
      '2 2026-03-09T09:55:02 command-line',
      '3 2026-03-09T09:55:03 package-name',
      '4 2026-03-09T09:55:04 message',
      '6 2026-03-09T10:01:30 package-result',
      '7 2026-03-09T10:01:30 task-status-sent',
      '8 2026-03-09T10:01:31 process-exit',
      '9 2026-03-09T10:02:11 process-start',
      '10 2026-03-09T10:02:11 command-line',
      '11 2026-03-09T10:02:11 package-name',
      '12 2026-03-09T10:02:12 busy-refusal',
      '13 2026-03-09T10:02:12 package-result',
      '14 2026-03-09T10:02:12 task-status-sent',
      '15 2026-03-09T10:02:12 process-exit',
    ]);
    expect(stats).toMatchObject({ lines: 15, parsed: 15, unparsed: 0, unparsedLines: [], warnings: [], gaveUp: false });
  });

  it('fills the fields of each event', async () => {
    const { events } = await parseText('sdclient.log', RUNS);
    const byLine = new Map(events.map((e) => [e.line, e]));
    expect(byLine.get(1)).toMatchObject({ process: 'sdclient', version: '11.0.5.361', pattern: 'sdclient-start', source: 'sdclient', file: 'sdclient.log' });
    expect(byLine.get(2)).toMatchObject({ taskId: '1053' });
    expect(byLine.get(3)).toMatchObject({ packageName: '7-Zip 23.01' });
    expect(byLine.get(4)).toEqual({
      kind: 'message', source: 'sdclient', file: 'sdclient.log', line: 4, time: Date.UTC(2026, 2, 9, 9, 55, 4),
      text: 'Info: Core did not find file\nRebootBehavior_Apply.zip',
    });
    expect(byLine.get(6)).toMatchObject({ code: 229965824 });
    expect(byLine.get(7)).toMatchObject({ code: 229965824, taskId: '1053' });
    expect(byLine.get(8)).toMatchObject({ process: 'sdclient', code: 0 });
    expect(byLine.get(10)).toMatchObject({ taskId: '1054' });
    expect(byLine.get(11)).toMatchObject({ packageName: 'Office 2016 ProPlus' });
    expect(byLine.get(12)).toMatchObject({ blocker: 'vulscan', pid: 4412, pattern: 'sdclient-busy' });
    // "-1916 (0x8DB50084)": the hex is read where both forms are written (FORMATS.md).
    expect(byLine.get(13)).toMatchObject({ code: -1917517692 });
    expect(byLine.get(14)).toMatchObject({ code: -1916, taskId: '1054' });
    expect(byLine.get(15)).toMatchObject({ process: 'sdclient', code: -1916 });
    // The shared log's lines carry a task id only where the line names one.
    expect(events.filter((e) => e.taskId !== undefined).map((e) => e.line)).toEqual([2, 7, 10, 14]);
    expect(byLine.get(12)?.text).toBe('Another task is already in progress: vulscan.exe (pid 4412) is running');
  });

  it.each(['sdclient_task1054.log', 'SDClient_Task1054.2.log'])('gives every event of the per-task log %s its task id', async (name) => {
    const text = logText([
      ['10:02:11', '---------- SDClient starting (version 11.0.5.361) ----------'],
      ['10:02:11', 'Package: "Office 2016 ProPlus"'],
      ['10:02:12', 'Another task is already in progress: sdclient.exe (pid 3312) is running'],
      ['10:02:12', 'SDClient exiting, return code -1916'],
    ]);
    const { events } = await parseText(name, text);
    expect(events.map((e) => [e.kind, e.taskId])).toEqual([
      ['process-start', '1054'], ['package-name', '1054'], ['busy-refusal', '1054'], ['process-exit', '1054'],
    ]);
    expect(events[2]).toMatchObject({ blocker: 'sdclient', pid: 3312 });
  });

  it('keeps a task id the line names over the file name\'s', async () => {
    const { events } = await parseText('sdclient_task1054.log', logText([['10:02:11', 'Command line: /taskid=2001']]));
    expect(events[0]?.taskId).toBe('2001');
  });

  it('reads a package that could not be downloaded', async () => {
    const { events } = await parseText('sdclient.log', logText([
      ['11:00:00', '---------- SDClient starting (version 11.0.5.361) ----------'],
      ['11:00:01', 'Package: "VLC 3.0.20"'],
      ['11:00:05', 'Download Error: http://core/packages/vlc.msi (0x80070005)'],
      ['11:00:05', 'sdmcache: hash mismatch for vlc-3.0.20.msi'],
      ['11:00:06', 'processing of package is complete, result 0x8DB5270F'],
      ['11:00:06', 'SDClient exiting, return code -1917507825'],
    ]));
    expect(events.map((e) => e.kind)).toEqual(['process-start', 'package-name', 'download-error', 'download-error', 'package-result', 'process-exit']);
    expect(events[4]?.code).toBe(-1917507825);
    expect(events[5]?.code).toBe(-1917507825);
  });

  it('keeps unparsed lines with their numbers and reasons, and still reads the rest', async () => {
    const { events, stats } = await parseText('sdclient.log', logText([
      '\u0000\u0000LDMS',
      ['10:02:11', '---------- SDClient starting (version 11.0.5.361) ----------'],
      'Mon, 30 Feb 2026 10:02:12 Package: "Office 2016 ProPlus"',
      ['10:02:12', 'SDClient exiting, return code 0'],
    ]));
    expect(outline(events)).toEqual(['2 2026-03-09T10:02:11 process-start', '4 2026-03-09T10:02:12 process-exit']);
    expect(stats).toMatchObject({ lines: 4, parsed: 2, unparsed: 2 });
    expect(stats.unparsedLines.map((u) => [u.line, u.reason])).toEqual([
      [1, 'binary data'],
      [3, 'impossible date or time "Mon, 30 Feb 2026 10:02:12"'],
    ]);
  });

  it('gives up on a file that is not an sdclient log', async () => {
    const xml = Array.from({ length: 300 }, (_, i) => `<Row n="${i}"/>`).join('\n');
    const { events, stats } = await parseText('sdclient.log', xml);
    expect(events).toEqual([]);
    expect(stats).toMatchObject({ lines: 300, parsed: 0, unparsed: 300, gaveUp: true });
    expect(stats.warnings[0]).toContain('not a sdclient log?');
  });

  it('reads the same events from a file streamed through the line reader (BOM, CRLF)', async () => {
    const file = path.join(tmpDir.name, 'sdclient.log');
    writeFileSync(file, `\uFEFF${RUNS}`);
    const fromFile = await parseFile(file, 'LAB-0101/sdclient.log');
    const fromText = await parseText('sdclient.log', RUNS);
    expect(fromFile.events.map((e) => ({ ...e, file: 'sdclient.log' }))).toEqual(fromText.events);
    expect(fromFile.events[0]?.file).toBe('LAB-0101/sdclient.log');
    expect(fromFile.stats).toMatchObject({ lines: 15, parsed: 15, unparsed: 0 });
    expect(formatWallTime(fromFile.events[13]?.time ?? 0)).toBe('2026-03-09T10:02:12');
  });
});

describe('sdclient parser on samples/', () => {
  it('LAB-0101 sdclient.log: the vulscan race, every line accounted for', async () => {
    const { events, stats, encoding } = await parseSample('LAB-0101/ProgramData/LANDesk/Log/sdclient.log');
    expect(encoding).toBe('utf-8');
    expect(stats).toMatchObject({ lines: 31, parsed: 31, unparsed: 0, warnings: [], gaveUp: false });
    expect(countByKind(events)).toEqual({
      'process-start': 2, 'command-line': 2, 'package-name': 2, message: 11, 'installer-activity': 6, 'package-result': 2, 'task-status-sent': 2, 'process-exit': 2, 'busy-refusal': 1,
    });
    const at = (line: number) => events.find((e) => e.line === line);
    expect(at(23)).toMatchObject({ kind: 'process-exit', code: 0 });
    expect(formatWallTime(at(23)?.time ?? 0)).toBe('2026-02-17T09:42:18');
    expect(at(28)).toMatchObject({ kind: 'busy-refusal', blocker: 'vulscan', pid: 4412 });
    expect(at(29)).toMatchObject({ kind: 'package-result', code: -1917517692 });
    expect(events.filter((e) => e.kind === 'package-name').map((e) => e.packageName)).toContain('Adobe Reader DC');
  });

  it('LAB-0105 sdclient.log (UTF-16LE): the download errors', async () => {
    const { events, stats, encoding } = await parseSample('LAB-0105/ProgramData/LANDesk/Log/sdclient.log');
    expect(encoding).toBe('utf-16le');
    expect(stats).toMatchObject({ lines: 66, parsed: 66, unparsed: 0 });
    expect(countByKind(events)['download-error']).toBe(3);
    expect(events.find((e) => e.line === 58)).toMatchObject({ kind: 'download-error' });
    expect(events.find((e) => e.line === 61)).toMatchObject({ kind: 'download-error' });
    expect(events.find((e) => e.line === 64)).toMatchObject({ kind: 'package-result', code: -2147024891 });
  });

  it('LAB-0106 sdclient.log: binary junk lines are unparsed, with their numbers', async () => {
    const { events, stats } = await parseSample('LAB-0106/ProgramData/LANDesk/Log/sdclient.log');
    expect(stats).toMatchObject({ lines: 10, parsed: 7, unparsed: 3, warnings: [], gaveUp: false });
    expect(stats.unparsedLines.map((u) => [u.file, u.line, u.reason])).toEqual([
      ['LAB-0106/ProgramData/LANDesk/Log/sdclient.log', 4, 'binary data'],
      ['LAB-0106/ProgramData/LANDesk/Log/sdclient.log', 5, 'binary data'],
      ['LAB-0106/ProgramData/LANDesk/Log/sdclient.log', 9, 'binary data'],
    ]);
    expect(outline(events)).toEqual([
      '1 2026-02-10T10:30:34 process-start',
      '2 2026-02-10T10:30:34 command-line',
      '3 2026-02-10T10:30:35 message',
      '6 2026-02-10T10:30:36 message',
      '8 2026-02-10T10:30:36 message',
      '10 2026-02-10T10:30:37 process-exit',
    ]);
    // The wrapped line after the junk still joins its entry.
    expect(events[3]?.text).toBe('Info: Core did not find file\nsdclient_update.ini');
  });

  it('LAB-0106 sdclient_task5507.log: a weekday that disagrees with the date is read by the date', async () => {
    const { events, stats } = await parseSample('LAB-0106/Program Files (x86)/LANDesk/LDClient/Data/sdclient_task5507.log');
    expect(stats).toMatchObject({ lines: 8, parsed: 8, unparsed: 0 });
    expect(events.find((e) => e.line === 3)).toMatchObject({ kind: 'package-name', packageName: 'Microsoft Visual C++ 2015-2022 Redistributable', time: Date.UTC(2026, 1, 10, 10, 32, 4) });
    expect(events.every((e) => e.taskId === '5507')).toBe(true);
    expect(events.find((e) => e.kind === 'busy-refusal')?.blocker).toBe('sdclient');
  });

  it('LAB-0108 sdclient_task7701.log: unknown wording stays plain messages, tied to the task by the file name', async () => {
    const { events, stats } = await parseSample('LAB-0108/Program Files (x86)/LANDesk/LDClient/Data/sdclient_task7701.log');
    expect(stats).toMatchObject({ lines: 34, parsed: 34, unparsed: 0 });
    expect(countByKind(events)).toEqual({ message: 34 });
    expect(events.every((e) => e.taskId === '7701')).toBe(true);
  });

  it('LAB-0110 sdclient.log: a stack trace wraps into the crash entry', async () => {
    const { events, stats } = await parseSample('LAB-0110/ProgramData/LANDesk/Log/sdclient.log');
    expect(stats).toMatchObject({ lines: 69, parsed: 69, unparsed: 0 });
    const crash = events.find((e) => e.line === 65);
    expect(crash?.kind).toBe('message');
    expect(crash?.text.split('\n')).toHaveLength(3);
    expect(events.find((e) => e.line === 69)).toMatchObject({ kind: 'process-exit', code: -2147467259 });
    expect(events.find((e) => e.line === 68)).toMatchObject({ kind: 'task-status-sent', code: -2147467259, taskId: '9908' });
  });
});
