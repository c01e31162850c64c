import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { formatWallTime } from '../../src/parsers/timestamp.js';
import { anchorUtcEvents, offsetFromBundle, utcToWall } from '../../src/timeline/anchor.js';
import type { Event, Window } from '../../src/types.js';
import { at, ev } from '../helpers/events.js';

const HOUR = 3_600_000;

function statusAt(utcIso: string, taskId = '1054'): Event {
  return ev('task-status', '00:00:00', { source: 'task-status', file: `CP.${taskId}.RunNow.stat`, line: 1, time: Date.parse(utcIso), utc: true, taskId, status: 5 });
}

function sdclientRun(taskId: string | undefined, start: string, end: string): Window {
  const window: Window = {
    id: 'sdclient#1', process: 'sdclient', file: 'sdclient.log', startLine: 1, endLine: 9, start: at(start), end: at(end), closedBy: 'exit-line',
    keyEvents: [], firstEvent: ev('process-start', start), lastEvent: ev('process-exit', end),
  };
  if (taskId) window.taskId = taskId;
  return window;
}

describe('utcToWall', () => {
  it('reads a UTC instant on a zone\'s wall clock, across daylight saving time', () => {
    const ny = (iso: string): string => formatWallTime(utcToWall(Date.parse(iso), 'America/New_York'));
    expect(ny('2026-02-09T15:02:12Z')).toBe('2026-02-09T10:02:12'); // EST, UTC−5
    expect(ny('2026-03-09T14:02:12Z')).toBe('2026-03-09T10:02:12'); // EDT, UTC−4
    // 8 Mar 2026, 02:00 EST: the clocks skip to 03:00.
    expect(ny('2026-03-08T06:59:59Z')).toBe('2026-03-08T01:59:59');
    expect(ny('2026-03-08T07:00:00Z')).toBe('2026-03-08T03:00:00');
    // 1 Nov 2026, 02:00 EDT: the clocks go back, and 01:30 happens twice.
    expect(ny('2026-11-01T05:30:00Z')).toBe('2026-11-01T01:30:00');
    expect(ny('2026-11-01T06:30:00Z')).toBe('2026-11-01T01:30:00');
  });

  it('takes fixed offsets and keeps milliseconds', () => {
    expect(formatWallTime(utcToWall(Date.parse('2026-03-09T08:02:12.250Z'), 'UTC+2'))).toBe('2026-03-09T10:02:12.250');
    expect(formatWallTime(utcToWall(Date.parse('2026-03-09T04:32:12Z'), 'Asia/Kolkata'))).toBe('2026-03-09T10:02:12');
    expect(utcToWall(at('10:02:12'), 'UTC')).toBe(at('10:02:12'));
  });

  it('refuses a zone it does not know, rather than give NaN times', () => {
    expect(() => utcToWall(0, 'Mars/Olympus_Mons')).toThrow(UsageError);
    expect(() => utcToWall(0, 'Mars/Olympus_Mons')).toThrow('unknown time zone "Mars/Olympus_Mons"');
  });
});

describe('offsetFromBundle', () => {
  it('reads the offset from a task\'s run end (wall) and its .stat time (UTC), to the quarter hour', () => {
    // The run ended 10:02:12 on the wall; the .stat was written 14:02:20 UTC: the wall is UTC−4.
    expect(offsetFromBundle([statusAt('2026-03-09T14:02:20Z')], [sdclientRun('1054', '10:02:11', '10:02:12')])).toBe(-4 * HOUR);
    expect(offsetFromBundle([statusAt('2026-03-09T04:32:12Z')], [sdclientRun('1054', '10:02:11', '10:02:12')])).toBe(5.5 * HOUR);
    expect(offsetFromBundle([statusAt('2026-03-09T04:17:12Z')], [sdclientRun('1054', '10:02:11', '10:02:12')])).toBe(5.75 * HOUR);
    // Six minutes late still rounds to the hour; eight minutes rounds to the next quarter.
    expect(offsetFromBundle([statusAt('2026-03-09T09:56:12Z')], [sdclientRun('1054', '10:00:00', '10:02:12')])).toBe(0);
    expect(offsetFromBundle([statusAt('2026-03-09T09:54:12Z')], [sdclientRun('1054', '10:00:00', '10:02:12')])).toBe(0.25 * HOUR);
  });

  it('uses the run of the same task, and the first task that has one', () => {
    const windows = [sdclientRun('1053', '09:55:02', '10:01:31'), sdclientRun('1054', '10:02:11', '10:02:12')];
    expect(offsetFromBundle([statusAt('2026-03-09T14:02:12Z', '999'), statusAt('2026-03-09T15:02:12Z', '1054')], windows)).toBe(-5 * HOUR);
    expect(offsetFromBundle([statusAt('2026-03-09T14:02:12Z', '999')], windows)).toBeNull();
    expect(offsetFromBundle([statusAt('2026-03-09T14:02:12Z')], [sdclientRun(undefined, '10:02:11', '10:02:12')])).toBeNull();
  });

  // Regression: the first run of a retried task was used, giving an offset off by the hours between the tries.
  it('uses the task\'s last run: LastRunTime is when it last ran', () => {
    const windows = [sdclientRun('1054', '06:00:00', '06:00:05'), sdclientRun('1054', '10:02:11', '10:02:12')];
    expect(offsetFromBundle([statusAt('2026-03-09T14:02:12Z')], windows)).toBe(-4 * HOUR);
  });

  it('refuses an "offset" beyond ±14 h (the .stat is from another run or another day)', () => {
    expect(offsetFromBundle([statusAt('2026-03-10T14:02:12Z')], [sdclientRun('1054', '10:02:11', '10:02:12')])).toBeNull();
    expect(offsetFromBundle([statusAt('2026-03-10T00:02:12Z')], [sdclientRun('1054', '10:02:11', '10:02:12')])).toBe(-14 * HOUR);
  });

  it('ignores vulscan and policy sync windows', () => {
    const vulscan: Window = { ...sdclientRun('1054', '10:02:11', '10:02:12'), process: 'vulscan' };
    expect(offsetFromBundle([statusAt('2026-03-09T14:02:12Z')], [vulscan])).toBeNull();
  });
});

describe('anchorUtcEvents', () => {
  it('does nothing without status events', () => {
    expect(anchorUtcEvents([], [sdclientRun('1054', '10:02:11', '10:02:12')], 'America/New_York')).toBeNull();
  });

  it('puts the UTC times on the wall clock of the zone given (--tz), DST included', () => {
    const march = statusAt('2026-03-09T14:02:12Z');
    const february = statusAt('2026-02-09T15:02:12Z', '1000');
    const note = anchorUtcEvents([march, february], [], 'America/New_York');
    expect(note).toBe('The task status files (.stat) record their times in UTC; they were converted to America/New_York (--tz) to sit beside the other logs.');
    expect(formatWallTime(march.time)).toBe('2026-03-09T10:02:12');
    expect(formatWallTime(february.time)).toBe('2026-02-09T10:02:12');
    expect(march.utc).toBeUndefined();
    expect(february.utc).toBeUndefined();
  });

  it('prefers the zone given over the offset the bundle shows', () => {
    const status = statusAt('2026-03-09T14:02:12Z');
    anchorUtcEvents([status], [sdclientRun('1054', '10:02:11', '11:02:12')], 'America/New_York');
    expect(formatWallTime(status.time)).toBe('2026-03-09T10:02:12');
  });

  it('moves the UTC times by the offset the bundle shows when no zone is given', () => {
    const status = statusAt('2026-03-09T14:02:20Z');
    const other = statusAt('2026-03-08T20:00:00Z', '1000');
    const note = anchorUtcEvents([status, other], [sdclientRun('1054', '10:02:11', '10:02:12')], undefined);
    expect(note).toBe('The task status files (.stat) record their times in UTC; they were converted using the device\'s offset from UTC, -4 h, which task 1054\'s own log lines show.');
    expect(formatWallTime(status.time)).toBe('2026-03-09T10:02:20');
    // Every status event moves by the one offset, not only the task that showed it.
    expect(formatWallTime(other.time)).toBe('2026-03-08T16:00:00');
    expect(status.utc).toBeUndefined();
    expect(other.utc).toBeUndefined();
  });

  it('writes a positive offset with its sign', () => {
    const status = statusAt('2026-03-09T04:32:12Z');
    expect(anchorUtcEvents([status], [sdclientRun('1054', '10:02:11', '10:02:12')], undefined))
      .toBe('The task status files (.stat) record their times in UTC; they were converted using the device\'s offset from UTC, +5.5 h, which task 1054\'s own log lines show.');
  });

  it('leaves the times UTC, marked, with a note asking for --tz, when nothing tells the offset', () => {
    const status = statusAt('2026-03-09T14:02:12Z');
    const note = anchorUtcEvents([status], [sdclientRun('2000', '10:02:11', '10:02:12')], undefined);
    expect(note).toBe('The task status files (.stat) record their times in UTC, and nothing in this bundle shows the device\'s offset from UTC, so those times are shown in UTC: give the device\'s zone with --tz to put them on its clock.');
    expect(status.time).toBe(Date.parse('2026-03-09T14:02:12Z'));
    expect(status.utc).toBe(true);
  });
});
