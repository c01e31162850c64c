// The event collector keeps memory flat on very large files: past a number of ordinary
// messages it keeps each stretch's first and last, and past a number of events the oldest
// give way. Limits are small here so the behaviour shows on a few lines.
import { describe, expect, it } from 'vitest';
import { EventCollector } from '../../src/parsers/line-log.js';
import type { Event } from '../../src/types.js';

function event(line: number, seconds: number, kind: Event['kind'] = 'message'): Event {
  return { kind, source: 'sdclient', file: 'DEV/sdclient.log', line, time: Date.UTC(2026, 2, 9, 10) + seconds * 1000, text: `line ${line}` };
}

describe('EventCollector', () => {
  it('keeps every event while the file is small', () => {
    const c = new EventCollector({ keepAllMessages: 10, thinGapMs: 60_000, keepMaxEvents: 100 });
    for (let i = 1; i <= 10; i += 1) c.add(event(i, i));
    c.flush();
    expect(c.events.map((e) => e.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(c.dropped).toBe(0);
  });

  it('past the limit keeps the first and last message of each stretch, and every known event', () => {
    const c = new EventCollector({ keepAllMessages: 2, thinGapMs: 60_000, keepMaxEvents: 100 });
    // Lines 1-2 are under the limit and kept; 3..6 continue their stretch (1 s apart), so only
    // its last (6) is added; 7 is a known event; 8..9 a new stretch; 10 comes 10 minutes later.
    [event(1, 0), event(2, 1), event(3, 2), event(4, 3), event(5, 4), event(6, 5), event(7, 6, 'package-result'), event(8, 7), event(9, 8), event(10, 608)]
      .forEach((e) => c.add(e));
    c.flush();
    expect(c.events.map((e) => e.line)).toEqual([1, 2, 6, 7, 8, 9, 10]);
    expect(c.dropped).toBe(3);
  });

  it('lets the oldest events give way past the cap, and says up to which line', () => {
    const c = new EventCollector({ keepAllMessages: 1000, thinGapMs: 60_000, keepMaxEvents: 10 });
    for (let i = 1; i <= 25; i += 1) c.add(event(i, i, 'package-result'));
    c.flush();
    expect(c.events.length).toBeLessThanOrEqual(10);
    expect(c.events[c.events.length - 1]?.line).toBe(25);
    expect(c.evicted + c.events.length).toBe(25);
    expect(c.evictedUpToLine).toBe(c.events[0]!.line - 1);
  });
});
