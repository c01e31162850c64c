// A large file's kept entries in columns, not an object each: line and time in typed arrays, and
// beside them the message, what the patterns made of it and the maker of its event; or an event
// given whole. The event of an entry is made only when it is asked for (eventAt), at the end of
// the file, for the entries still kept then: most of a large file's entries are let go before,
// and an event made for each of them only to be let go was most of its garbage. The collector's
// ring (line-log.ts) and the rule-read entries kept aside (kept-aside.ts) both hold theirs here.
import type { Event } from '../types.js';
import type { Entry } from './entries.js';
import type { PatternMatch } from './patterns.js';

/**
 * Makes the event of an entry and what the patterns made of it (null: none). The event's kind,
 * code and outcome are its match's (or 'message', none, none): the collector reads them from the
 * match to keep or thin an entry without making its event.
 */
export type EventMaker = (entry: Readonly<Entry>, match: PatternMatch | null) => Event;

export class EntryColumns {
  capacity: number;
  lines: Float64Array;
  times: Float64Array;
  texts: string[];
  matches: (PatternMatch | null)[];
  makers: (EventMaker | null)[];
  /** An event given whole, where the slot holds one; null where its maker makes it. */
  ready: (Event | null)[];
  /** The entry a maker is given, refilled each time. */
  private readonly entry: Entry = { line: 0, time: Number.NaN, text: '' };

  constructor(capacity: number) {
    this.capacity = capacity;
    this.lines = new Float64Array(capacity);
    this.times = new Float64Array(capacity);
    // Filled to the capacity so the arrays hold no holes for V8 to look past.
    this.texts = new Array<string>(capacity).fill('');
    this.matches = new Array<PatternMatch | null>(capacity).fill(null);
    this.makers = new Array<EventMaker | null>(capacity).fill(null);
    this.ready = new Array<Event | null>(capacity).fill(null);
  }

  /** Room for `capacity` slots, the slots held kept where they are. */
  grow(capacity: number): void {
    const lines = new Float64Array(capacity);
    lines.set(this.lines);
    const times = new Float64Array(capacity);
    times.set(this.times);
    this.lines = lines;
    this.times = times;
    for (let i = this.capacity; i < capacity; i += 1) {
      this.texts.push('');
      this.matches.push(null);
      this.makers.push(null);
      this.ready.push(null);
    }
    this.capacity = capacity;
  }

  setEvent(slot: number, event: Event): void {
    this.ready[slot] = event;
    this.lines[slot] = event.line;
    this.times[slot] = event.time;
  }

  setEntry(slot: number, line: number, time: number, text: string, match: PatternMatch | null, make: EventMaker): void {
    this.lines[slot] = line;
    this.times[slot] = time;
    this.texts[slot] = text;
    this.matches[slot] = match;
    this.makers[slot] = make;
  }

  /** Slot `to` of these columns takes what slot `from` of `other` holds (which may be these). */
  copy(other: EntryColumns, from: number, to: number): void {
    this.lines[to] = other.lines[from]!;
    this.times[to] = other.times[from]!;
    this.texts[to] = other.texts[from]!;
    this.matches[to] = other.matches[from]!;
    this.makers[to] = other.makers[from]!;
    this.ready[to] = other.ready[from]!;
  }

  kindAt(slot: number): Event['kind'] {
    return this.ready[slot]?.kind ?? this.matches[slot]?.kind ?? 'message';
  }

  /** The slot's event: the one given whole, or made now from the entry. */
  eventAt(slot: number): Event {
    const ready = this.ready[slot];
    if (ready) return ready;
    const entry = this.entry;
    entry.line = this.lines[slot]!;
    entry.time = this.times[slot]!;
    entry.text = this.texts[slot]!;
    return this.makers[slot]!(entry, this.matches[slot]!);
  }

  /** Lets go of what the slot holds: a reference kept in a reused slot would outlive its entry. */
  clear(slot: number): void {
    this.texts[slot] = '';
    this.matches[slot] = null;
    this.makers[slot] = null;
    this.ready[slot] = null;
  }
}
