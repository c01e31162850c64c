// Hand-made events for the timeline's own mechanics (merge order, clock jumps), where going
// through log text would only hide what is being tested. Everything else uses real text.
import type { Event, EventKind } from '../../src/types.js';

/** A wall time on 2026-03-09 (or another day) from "HH:MM:SS" or "HH:MM:SS.mmm". */
export function at(hms: string, day = '2026-03-09'): number {
  const time = Date.parse(`${day}T${hms}Z`);
  if (Number.isNaN(time)) throw new Error(`test setup: bad time ${day} ${hms}`);
  return time;
}

let nextLine = 1;

/** An event of `kind` at `hms`; fields override the defaults (an sdclient.log line). */
export function ev(kind: EventKind, hms: string, fields: Partial<Event> = {}): Event {
  const line = fields.line ?? nextLine;
  nextLine = line + 1;
  return { kind, source: 'sdclient', file: 'sdclient.log', line, time: at(hms), text: `${kind} at ${hms}`, ...fields };
}
