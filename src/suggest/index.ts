// `ldforensics patterns suggest`: the lines of a fleet's logs that no pattern recognised, mined
// into templates per log kind, and written as a draft pattern pack for the user to review.
import { firstPast, itself } from '../arrays.js';
import type { Timeline } from '../types.js';
import { failures } from '../rules/facts.js';
import { draftPack, type DraftOptions, type DraftResult } from './draft.js';
import { TemplateMiner } from './miner.js';

export { draftPack } from './draft.js';
export { TemplateMiner } from './miner.js';

/** A line this close to a failure or a run's edge is "near" the moments that matter. */
const NEAR_MS = 10_000;

/** Feeds one device's unrecognised lines to the miner, with where each sits in its run. */
export function mineTimeline(miner: TemplateMiner, timeline: Timeline): void {
  const firsts = new Set(timeline.windows.map((w) => w.firstEvent));
  const lasts = new Set(timeline.windows.map((w) => w.lastEvent));
  const moments = [
    ...failures(timeline).map((f) => f.time),
    ...timeline.windows.flatMap((w) => [w.start, w.end]),
  ].sort((a, b) => a - b);
  for (const event of timeline.events) {
    if (event.kind !== 'message' || event.pattern !== undefined) continue;
    // Across a clock jump the merged events are not in time order: a binary search, not a pointer.
    const at = firstPast(moments, event.time, itself, true);
    const after = moments[at];
    const before = moments[at - 1];
    const near = (before !== undefined && event.time - before <= NEAR_MS) || (after !== undefined && after - event.time <= NEAR_MS);
    miner.add(event.source, event.text.split('\n', 1)[0] ?? '', { first: firsts.has(event), last: lasts.has(event), near });
  }
}

export function suggestFrom(miner: TemplateMiner, options: DraftOptions = {}): DraftResult & { lines: number } {
  return { ...draftPack(miner.templates(), options), lines: miner.lines };
}
