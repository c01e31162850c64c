// The .stat files' LastRunTime is UTC: the one zone-true clock in a bundle. Every other time
// is the device's wall clock. To put both on one axis we move the UTC times onto the wall
// clock: with the zone the user gave (--tz), or else with the offset the bundle itself shows
// (the same task's sdclient run ended at a wall time; its .stat says when, in UTC).
import { luxon } from '../luxon.js';
import { UsageError } from '../errors.js';
import type { Event, Window } from '../types.js';

const QUARTER_HOUR_MS = 15 * 60 * 1000;
/** Real zone offsets lie within ±14 h; anything else is a mismatch, not an offset. */
const MAX_OFFSET_MS = 14 * 60 * 60 * 1000;

/** The wall-clock reading of a UTC instant in a zone (an IANA name, or "UTC+2" style). */
export function utcToWall(utcMs: number, zone: string): number {
  const local = luxon().DateTime.fromMillis(utcMs, { zone });
  // An unknown zone would give NaN times, which no comparison orders: say so instead.
  if (!local.isValid) throw new UsageError(`unknown time zone "${zone}"`, 'Give an IANA zone name such as Europe/Berlin, or an offset such as UTC+2.');
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second, local.millisecond);
}

/** The device's offset (wall − UTC) from a task whose sdclient run and .stat both say when it ended. */
export function offsetFromBundle(statusEvents: readonly Event[], windows: readonly Window[]): number | null {
  for (const status of statusEvents) {
    // LastRunTime is the task's last run: where a task ran more than once, its last window.
    const run = windows.findLast((w) => w.process === 'sdclient' && w.taskId === status.taskId);
    if (!run) continue;
    const offset = Math.round((run.end - status.time) / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
    if (Math.abs(offset) <= MAX_OFFSET_MS) return offset;
  }
  return null;
}

/**
 * Moves the UTC events onto the wall clock, in place. Returns how it was done, for the report;
 * where neither a zone nor the bundle tells, the times stay UTC and stay marked `utc`.
 */
export function anchorUtcEvents(statusEvents: Event[], windows: readonly Window[], zone: string | undefined): string | null {
  if (statusEvents.length === 0) return null;
  if (zone) {
    for (const event of statusEvents) {
      event.time = utcToWall(event.time, zone);
      delete event.utc;
    }
    return `The task status files (.stat) record their times in UTC; they were converted to ${zone} (--tz) to sit beside the other logs.`;
  }
  const offset = offsetFromBundle(statusEvents, windows);
  if (offset === null) return 'The task status files (.stat) record their times in UTC, and nothing in this bundle shows the device\'s offset from UTC, so those times are shown in UTC: give the device\'s zone with --tz to put them on its clock.';
  for (const event of statusEvents) {
    event.time += offset;
    delete event.utc;
  }
  const hours = offset / 3_600_000;
  return `The task status files (.stat) record their times in UTC; they were converted using the device's offset from UTC, ${hours >= 0 ? '+' : ''}${hours} h, which task ${statusEvents[0]?.taskId ?? ''}'s own log lines show.`;
}
