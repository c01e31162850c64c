// A file whose clock disagrees with the rest of the bundle by years: a device whose date was
// wrong while one program wrote (a CMOS reset, a bad time sync), or a log moved between
// machines. Left where its stamps put it, a 2099 vulscan.log is "no log of vulscan" beside a
// refusal it explains, and a 2099 provisioning log is a template run of its own that decides
// the verdict. Its date is wrong, its time of day is likely right (FORMATS.md "Clocks": the
// order within a file is the truth): it is moved by whole days onto the others' days.
import type { ClockSkew, Event } from '../types.js';

const DAY_MS = 86_400_000;
/** Logs of one history are weeks or months apart at most; a year ahead is a wrong date, not a later run. */
export const SKEW_MIN_MS = 365 * DAY_MS;

export interface DatedFile {
  file: string;
  /** Whether the file is one of the template's own logs (it wins a tie: the template is what is judged). */
  provisioning: boolean;
  events: Event[];
}

interface Span {
  file: DatedFile;
  min: number;
  max: number;
}

function spanOf(file: DatedFile): Span | null {
  let min = Infinity;
  let max = -Infinity;
  for (const event of file.events) {
    if (event.time < min) min = event.time;
    if (event.time > max) max = event.time;
  }
  return min === Infinity ? null : { file, min, max };
}

/** Files whose times lie within a year of each other, in time order. */
function clusters(spans: readonly Span[]): Span[][] {
  const sorted = [...spans].sort((a, b) => a.min - b.min);
  const groups: Span[][] = [];
  let current: Span[] = [];
  let reach = -Infinity;
  for (const span of sorted) {
    if (current.length > 0 && span.min > reach + SKEW_MIN_MS) {
      groups.push(current);
      current = [];
      reach = -Infinity;
    }
    current.push(span);
    reach = Math.max(reach, span.max);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** The gap between two spans (0 where they overlap). */
function gap(aMin: number, aMax: number, bMin: number, bMax: number): number {
  return Math.max(0, aMin - bMax, bMin - aMax);
}

/**
 * Finds the files dated years after the rest and moves their events, in place, by the whole
 * number of days that lays them nearest the rest. Files dated years before the rest are left:
 * those are an image's old logs (history), which the template runs keep apart on their own.
 */
export function correctSkewedFiles(files: readonly DatedFile[]): ClockSkew[] {
  const spans = files.map(spanOf).filter((s): s is Span => s !== null);
  const groups = clusters(spans);
  if (groups.length < 2) return [];
  // The bundle's own clock: the group with the most files; on a tie, the one holding the template's
  // log, then the earliest (a wrong date is far more often ahead than behind).
  const score = (g: Span[]): number => g.length * 2 + (g.some((s) => s.file.provisioning) ? 1 : 0);
  const home = groups.reduce((best, g) => (score(g) > score(best) ? g : best));
  const homeMin = home.reduce((m, s) => Math.min(m, s.min), Infinity);
  const homeMax = home.reduce((m, s) => Math.max(m, s.max), -Infinity);
  const skews: ClockSkew[] = [];
  for (const group of groups.slice(groups.indexOf(home) + 1)) {
    for (const span of group) {
      const days = Math.round((span.min - homeMin) / DAY_MS);
      // Of the whole-day shifts around the estimate, the one that lays the file nearest the rest.
      const shift = [days - 1, days, days + 1]
        .map((d) => d * DAY_MS)
        .reduce((best, s) => (gap(span.min - s, span.max - s, homeMin, homeMax) < gap(span.min - best, span.max - best, homeMin, homeMax) ? s : best));
      for (const event of span.file.events) {
        event.time -= shift;
        if (event.clockJump) event.clockJump = { ...event.clockJump, previousTime: event.clockJump.previousTime - shift };
      }
      skews.push({ file: span.file.file, shiftMs: shift, statedFirst: span.min, statedLast: span.max, othersFirst: homeMin, othersLast: homeMax, firstEvent: span.file.events[0] });
    }
  }
  return skews;
}
