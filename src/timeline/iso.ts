// Times as the reports write them: ISO 8601, the device's wall clock with no offset, or with
// the offset of the zone the user named (--tz). The zone is applied here, at the edge.
import { luxon } from '../luxon.js';
import { UsageError } from '../errors.js';
import { formatWallTime } from '../parsers/timestamp.js';
import type { Event, WallTime } from '../types.js';

/** Checks a --tz value: an IANA zone name ("Europe/Paris") or a fixed offset ("UTC+2"). */
export function checkZone(given: string): string {
  // "+02:00", "-0530", "UTC+2": a fixed offset, in luxon's "UTC+HH:MM" form.
  const offset = /^(?:utc|gmt)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(given.trim());
  const zone = offset ? `UTC${offset[1] ?? '+'}${(offset[2] ?? '0').padStart(2, '0')}:${offset[3] ?? '00'}` : given;
  const { DateTime, IANAZone } = luxon();
  const valid = IANAZone.isValidZone(zone) || DateTime.now().setZone(zone).isValid;
  if (!valid) throw new UsageError(`--tz: unknown time zone "${zone}"`, 'Give an IANA zone name such as Europe/Paris or America/New_York, or a fixed offset such as UTC+2.');
  return zone;
}

/** The ISO text of a wall-clock time; with a zone, the same wall time with that zone's offset. */
export function isoTime(time: WallTime, zone?: string): string {
  if (!zone) return formatWallTime(time);
  const d = new Date(time);
  const local = luxon().DateTime.fromObject({
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), millisecond: d.getUTCMilliseconds(),
  }, { zone });
  return local.toISO({ suppressMilliseconds: true }) ?? formatWallTime(time);
}

/** An event's time as reports write it; a UTC time no zone could place keeps its Z. */
export function eventIso(event: Event, zone?: string): string {
  return event.utc ? `${formatWallTime(event.time)}Z` : isoTime(event.time, zone);
}
