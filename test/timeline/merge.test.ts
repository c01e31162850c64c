import { describe, expect, it } from 'vitest';
import { mergeEventStreams } from '../../src/timeline/merge.js';
import type { Event } from '../../src/types.js';
import { ev } from '../helpers/events.js';

/** Names events by their text so an order reads at a glance. */
function named(file: string, entries: [string, string][]): Event[] {
  return entries.map(([hms, text], i) => ev('message', hms, { file, line: i + 1, text }));
}

const texts = (events: readonly Event[]): string[] => events.map((e) => e.text);

describe('mergeEventStreams', () => {
  it('merges per-file streams in time order', () => {
    const a = named('sdclient.log', [['10:00:00', 'a1'], ['10:00:05', 'a2'], ['10:00:09', 'a3']]);
    const b = named('vulscan.log', [['09:59:00', 'b1'], ['10:00:06', 'b2']]);
    const c = named('localsch.log', [['10:00:01', 'c1']]);
    expect(texts(mergeEventStreams([a, b, c]))).toEqual(['b1', 'a1', 'c1', 'a2', 'b2', 'a3']);
  });

  it('keeps a file\'s own order where its clock goes backwards', () => {
    // The clock was set back 30 min after a2 (time sync): a3 and a4 still come after a2.
    const a = named('sdclient.log', [['10:00:00', 'a1'], ['10:30:00', 'a2'], ['10:00:10', 'a3'], ['10:00:20', 'a4']]);
    const b = named('vulscan.log', [['10:00:05', 'b1'], ['10:00:15', 'b2'], ['10:40:00', 'b3']]);
    const merged = texts(mergeEventStreams([a, b]));
    expect(merged).toEqual(['a1', 'b1', 'b2', 'a2', 'a3', 'a4', 'b3']);
    expect(merged.filter((t) => t.startsWith('a'))).toEqual(['a1', 'a2', 'a3', 'a4']);
  });

  it('breaks ties by stream order, and keeps equal times within a file in file order', () => {
    const a = named('a.log', [['10:00:00', 'a1'], ['10:00:00', 'a2']]);
    const b = named('b.log', [['10:00:00', 'b1'], ['10:00:00', 'b2']]);
    const c = named('c.log', [['10:00:00', 'c1']]);
    expect(texts(mergeEventStreams([a, b, c]))).toEqual(['a1', 'a2', 'b1', 'b2', 'c1']);
    expect(texts(mergeEventStreams([c, b, a]))).toEqual(['c1', 'b1', 'b2', 'a1', 'a2']);
  });

  it('takes empty streams and no streams', () => {
    const a = named('a.log', [['10:00:00', 'a1']]);
    expect(mergeEventStreams([])).toEqual([]);
    expect(mergeEventStreams([[], [], []])).toEqual([]);
    expect(texts(mergeEventStreams([[], a, []]))).toEqual(['a1']);
  });

  it('returns the same event objects, each once', () => {
    const streams = Array.from({ length: 9 }, (_, s) => named(`f${s}.log`,
      Array.from({ length: 50 }, (_, i): [string, string] => [`10:${String((i * 7 + s * 3) % 60).padStart(2, '0')}:00`, `${s}-${i}`])));
    const merged = mergeEventStreams(streams);
    expect(merged).toHaveLength(450);
    expect(new Set(merged).size).toBe(450);
    for (const stream of streams) {
      // Each file's events appear in file order.
      expect(merged.filter((e) => e.file === stream[0]?.file)).toEqual(stream);
    }
  });

  it('orders by time whenever every file\'s clock goes forward', () => {
    const streams = [0, 1, 2, 3, 4].map((s) => named(`f${s}.log`,
      Array.from({ length: 40 }, (_, i): [string, string] => [`10:${String(Math.floor((i * (s + 1)) / 4) % 60).padStart(2, '0')}:${String((i * 13 + s) % 60).padStart(2, '0')}`, `${s}-${i}`])
        .sort((x, y) => x[0].localeCompare(y[0]))));
    const merged = mergeEventStreams(streams);
    for (let i = 1; i < merged.length; i += 1) {
      const prev = merged[i - 1];
      const cur = merged[i];
      if (!prev || !cur) continue;
      expect(prev.time <= cur.time).toBe(true);
      if (prev.time === cur.time) expect(prev.file <= cur.file).toBe(true);
    }
  });
});
