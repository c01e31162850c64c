// The HTML report's swimlane timeline, as inline SVG: one lane per kind of activity, so
// the race is seen at a glance: vulscan's hatched "waiting" under the first sdclient run,
// its solid "scanning" under the short red second run, and the red failure line.
//
// Range: the span of all activity (and the failure time), padded by 3%; but a template runs
// for an hour or more and a race plays out in seconds, so when a failure time is known the
// range zooms to "the runs around the failure": from the start of the failed items and of
// every sdclient / vulscan / policy sync run open in the 2 minutes before the failure, to
// the failure, plus a quarter of that after it. It zooms only when that is under half the
// whole span. Cut items are marked ◀ / ▶ and the caption gives the whole span.
//
// Times: ISO wall-clock strings. Without an offset they are read as UTC, i.e. as the
// wall clock itself; with an offset (under --tz) as instants, labelled in the first
// time's offset. Everything drawn from the report is escaped with escapeHtml.
import { minMax } from '../arrays.js';
import { luxon } from '../luxon.js';
import type { ActivityItem, ActivityLane, DeviceReport } from '../types.js';
import { escapeHtml, escapeTerminal } from './escape.js';
import { displayTime, splitTime } from './model.js';

type LaneName = ActivityLane['lane'];

interface LaneStyle {
  lane: LaneName;
  title: string;
  sub: string;
  color: string;
  light: string;
}

export const LANES: readonly LaneStyle[] = [
  { lane: 'sdclient', title: 'sdclient', sub: 'distribution runs', color: '#2563eb', light: '#dbeafe' },
  { lane: 'vulscan', title: 'vulscan', sub: 'security scan', color: '#7c3aed', light: '#ede9fe' },
  { lane: 'policysync', title: 'policy sync', sub: 'policy sync runs', color: '#0f766e', light: '#ccfbf1' },
  { lane: 'scheduler', title: 'scheduler', sub: 'task launches', color: '#475569', light: '#e2e8f0' },
  { lane: 'provisioning', title: 'provisioning', sub: 'template actions', color: '#15803d', light: '#dcfce7' },
];

const FAIL = '#dc2626';
const VIEW_W = 1000;
const X0 = 128;
const X1 = 984;
const TOP = 30;
const LANE_H = 42;
const BAR_H = 22;
/** A lane's rows, where runs overlap in time. */
const ROW_H = 28;
const MAX_ROWS = 4;
/** Items drawn per lane at the most: a lane of 20,000 runs is no picture, and the page must stay small. */
const MAX_DRAWN_PER_LANE = 1000;
/** Estimated width of one character of the 11-unit label font. */
const CHAR_W = 6.2;
/** Runs open this long before the failure are "around the failure". */
const FOCUS_REACH_MS = 2 * 60_000;
/** Failed items ending this long before the failure belong to it. */
const FOCUS_FAILED_MS = 10 * 60_000;
/** Zoom only when the focus is under this share of the whole span. */
const FOCUS_MAX_SHARE = 0.5;
const PROCESS_LANES: ReadonlySet<LaneName> = new Set(['sdclient', 'vulscan', 'policysync']);
const TICK_STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

interface Instant {
  ms: number;
  /** Offset of the written time from UTC, in minutes (0 for plain wall-clock times). */
  offset: number;
}

/** The ISO shape the report writes: wall time, optional milliseconds, optional offset. */
const REPORT_ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}:\d{2})?$/;

function parse(iso: string): Instant | null {
  // The report's own shape without luxon: a lane of 150,000 launches spent most of its time there.
  const m = REPORT_ISO.exec(iso);
  if (m) {
    const zone = m[8];
    const offset = zone === undefined || zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
    const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), Number((m[7] ?? '0').padEnd(3, '0')));
    if (Number.isFinite(wall)) return { ms: wall - offset * 60_000, offset };
  }
  const time = luxon().DateTime.fromISO(iso, { zone: 'utc', setZone: true });
  return time.isValid ? { ms: time.toMillis(), offset: time.offset } : null;
}

function fmt(ms: number, offset: number, pattern: string): string {
  const { DateTime, FixedOffsetZone } = luxon();
  return DateTime.fromMillis(ms, { zone: FixedOffsetZone.instance(offset) }).toFormat(pattern);
}

/** 1, 2, 5, 10, 20, 50 … : the least such number of days at or above `days`. */
function niceDays(days: number): number {
  let nice = 1;
  while (nice < days) nice *= nice.toString().startsWith('2') ? 2.5 : 2;
  return Math.ceil(nice);
}

export function duration(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

function n(value: number): string {
  return String(Math.round(value * 10) / 10);
}

interface Range {
  lo: number;
  hi: number;
  offset: number;
  /** The full activity span, when the range was zoomed into it. */
  zoomedFrom?: { lo: number; hi: number };
}

interface Span {
  lane: LaneName;
  failed: boolean;
  start: number;
  end: number;
}

/** The runs around the failure: see the header. */
function focusOf(spans: Span[], failure: number): { lo: number; hi: number } {
  const near = (span: Span, reach: number): boolean => span.start <= failure && span.end >= failure - reach;
  let lo = failure;
  for (const span of spans) if (span.failed && near(span, FOCUS_FAILED_MS)) lo = Math.min(lo, span.start);
  const reach = failure - lo + FOCUS_REACH_MS;
  for (const span of spans) if (PROCESS_LANES.has(span.lane) && near(span, reach)) lo = Math.min(lo, span.start);
  return { lo, hi: failure };
}

function rangeOf(device: DeviceReport): Range | null {
  const spans: Span[] = [];
  const instants: Instant[] = [];
  for (const lane of device.activity) {
    for (const item of lane.items) {
      const start = parse(item.start);
      const end = parse(item.end) ?? start;
      if (!start || !end) continue;
      instants.push(start, end);
      spans.push({ lane: lane.lane, failed: item.failed === true, start: start.ms, end: end.ms });
      for (const phase of item.phases ?? []) {
        const from = parse(phase.start);
        const to = parse(phase.end);
        if (from && to) instants.push(from, to);
      }
    }
  }
  const failure = device.failureTime !== null ? parse(device.failureTime) : null;
  if (failure) instants.push(failure);
  const first = instants[0];
  if (!first) return null;
  const range = minMax(instants.map((instant) => instant.ms));
  const lo = range?.min ?? first.ms;
  const hi = range?.max ?? first.ms;
  const offset = (failure ?? first).offset;
  if (failure) {
    const focus = focusOf(spans, failure.ms);
    const span = Math.max(focus.hi - focus.lo, 60_000);
    const focusLo = Math.max(lo, focus.lo - span * 0.05);
    const focusHi = Math.min(hi + span * 0.05, focus.hi + Math.max(span * 0.25, 30_000));
    if (focusHi - focusLo < FOCUS_MAX_SHARE * (hi - lo)) {
      return { lo: focusLo, hi: focusHi, offset, zoomedFrom: { lo, hi } };
    }
  }
  const pad = hi === lo ? 60_000 : Math.max((hi - lo) * 0.03, 5_000);
  return { lo: lo - pad, hi: hi + pad, offset };
}

interface Drawn {
  item: ActivityItem;
  start: Instant;
  end: Instant;
  x: number;
  x2: number;
  clippedLeft: boolean;
  clippedRight: boolean;
  /** The row within the lane: 0, or more where runs overlap. */
  row: number;
}

interface LaneLayout {
  drawn: Drawn[];
  rows: number;
  /** Items of the lane outside the time shown. */
  outside: number;
  /** Items inside the time shown but not drawn, past MAX_DRAWN_PER_LANE. */
  hidden: number;
}

function layoutLane(device: DeviceReport, lane: LaneName, x: (ms: number) => number, lo: number, hi: number): LaneLayout {
  const drawn: Drawn[] = [];
  let outside = 0;
  for (const item of device.activity.filter((each) => each.lane === lane).flatMap((each) => each.items)) {
    const start = parse(item.start);
    const end = parse(item.end) ?? start;
    if (!start || !end) continue;
    if (end.ms < lo || start.ms > hi) {
      outside += 1;
      continue;
    }
    drawn.push({
      item,
      start,
      end,
      x: x(Math.max(start.ms, lo)),
      x2: x(Math.min(end.ms, hi)),
      clippedLeft: start.ms < lo,
      clippedRight: end.ms > hi,
      row: 0,
    });
  }
  let hidden = 0;
  if (drawn.length > MAX_DRAWN_PER_LANE) {
    // Failed runs first: they are what the picture is for.
    const kept = [...drawn.filter((d) => d.item.failed), ...drawn.filter((d) => !d.item.failed)].slice(0, MAX_DRAWN_PER_LANE);
    hidden = drawn.length - kept.length;
    drawn.length = 0;
    for (const each of kept) drawn.push(each);
  }
  drawn.sort((a, b) => a.start.ms - b.start.ms || a.end.ms - b.end.ms);
  // First row free at the item's start; touching (one ends as the next starts) is not overlap.
  const rowEnds: number[] = [];
  for (const each of drawn) {
    let row = rowEnds.findIndex((end) => end <= each.start.ms);
    if (row < 0) row = rowEnds.length < MAX_ROWS ? rowEnds.length : MAX_ROWS - 1;
    rowEnds[row] = Math.max(rowEnds[row] ?? 0, each.end.ms);
    each.row = row;
  }
  return { drawn, rows: Math.max(1, rowEnds.length), outside, hidden };
}

/** Cut `text` to fit `width` units, with an ellipsis; '' when not even a few characters fit. */
function fit(text: string, width: number): string {
  const chars = Math.floor(width / CHAR_W);
  if (text.length <= chars) return text;
  if (chars < 5) return '';
  return `${text.slice(0, chars - 1)}…`;
}

export interface Swimlanes {
  svg: string;
  /** One plain-text sentence on the time range (escape before use). */
  caption: string;
}

/** The SVG timeline of a device's activity, or null when there is nothing to draw. */
export function swimlanes(device: DeviceReport, idPrefix: string): Swimlanes | null {
  const range = rangeOf(device);
  if (!range) return null;
  const { lo, hi, offset } = range;
  const x = (ms: number): number => X0 + ((ms - lo) / (hi - lo)) * (X1 - X0);

  // Lay the lanes out first: runs that overlap in time (two sdclients at once) get rows of
  // their own within the lane, so the overlap shows instead of one bar hiding the other.
  let top = TOP;
  const layouts = LANES.map((style) => {
    const layout = layoutLane(device, style.lane, x, lo, hi);
    const height = Math.max(LANE_H, layout.rows * ROW_H + (LANE_H - BAR_H) - (ROW_H - BAR_H));
    const placed = { style, top, height, ...layout };
    top += height;
    return placed;
  });
  const lanesBottom = top;
  const height = lanesBottom + 62;
  const out: string[] = [];
  out.push(
    `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${VIEW_W} ${height}" role="img" aria-label="Activity timeline of ${escapeHtml(device.device)}">`,
  );
  // Hatches for the lanes that have a waiting phase here, and vulscan's for the legend.
  const hatched = new Set<LaneName>(['vulscan']);
  for (const lane of device.activity) {
    if (lane.items.some((item) => (item.phases ?? []).some((phase) => phase.phase === 'waiting'))) hatched.add(lane.lane);
  }
  out.push('<defs>');
  for (const style of LANES.filter((candidate) => hatched.has(candidate.lane))) {
    out.push(
      `<pattern id="${idPrefix}-hatch-${style.lane}" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><rect width="6" height="6" fill="${style.light}"/><line x1="0" y1="0" x2="0" y2="6" stroke="${style.color}" stroke-width="2.5"/></pattern>`,
    );
  }
  out.push('</defs>');

  // Lane backgrounds, then the time axis's grid over them, then the lanes' items on top.
  out.push('<g class="lane-bgs">');
  layouts.forEach((lane, index) => {
    out.push(`<rect class="lane-bg${index % 2 ? ' odd' : ''}" x="0" y="${lane.top}" width="${VIEW_W}" height="${lane.height}"/>`);
  });
  out.push('</g>');
  // Time axis: grid lines through the lanes, labels below.
  // Past a day a step, a whole number of days that keeps the axis to about ten ticks, however
  // wide the span (times that jump across centuries must not draw a tick a day).
  const stepS = TICK_STEPS_S.find((step) => (hi - lo) / (step * 1000) <= 10) ?? 86400 * niceDays((hi - lo) / (10 * 86_400_000));
  const step = stepS * 1000;
  const offsetMs = offset * 60_000;
  const days = new Set([fmt(lo, offset, 'yyyy-MM-dd'), fmt(hi, offset, 'yyyy-MM-dd')]);
  const pattern = days.size > 1 ? 'MM-dd HH:mm' : stepS < 60 ? 'HH:mm:ss' : 'HH:mm';
  out.push('<g class="axis">');
  for (let wall = Math.ceil((lo + offsetMs) / step) * step; wall - offsetMs <= hi; wall += step) {
    const at = x(wall - offsetMs);
    out.push(
      `<line class="grid" x1="${n(at)}" y1="${TOP - 4}" x2="${n(at)}" y2="${lanesBottom}"/><text class="tick" x="${n(at)}" y="${lanesBottom + 15}" text-anchor="middle">${fmt(wall - offsetMs, offset, pattern)}</text>`,
    );
  }
  out.push('</g>');

  for (const lane of layouts) {
    const { style } = lane;
    const firstMid = lane.top + LANE_H / 2;
    out.push(`<g class="lane" data-lane="${style.lane}">`);
    out.push(`<text class="lane-title" x="8" y="${firstMid - 2}">${style.title}</text>`);
    out.push(`<text class="lane-sub" x="8" y="${firstMid + 11}">${style.sub}</text>`);
    if (lane.drawn.length === 0) {
      const why =
        lane.outside > 0 ? `nothing in the time shown (${lane.outside} ${lane.outside === 1 ? 'run' : 'runs'} outside it)` : 'no activity in these logs';
      out.push(`<text class="lane-empty" x="${X0 + 6}" y="${firstMid + 4}">${why}</text>`);
    }
    if (lane.hidden > 0) out.push(`<text class="lane-sub" x="8" y="${firstMid + 24}">${lane.hidden} more not drawn</text>`);
    // The next item on the same row, found in one pass from the end (not a search per item).
    const nextOnRow = new Map<Drawn, Drawn>();
    const following = new Map<number, Drawn[]>();
    for (let at = lane.drawn.length - 1; at >= 0; at -= 1) {
      const each = lane.drawn[at];
      if (!each) continue;
      const after = following.get(each.row) ?? [];
      // Items after this one on its row, nearest last; those not right of it are passed over.
      while (after.length > 0 && (after[after.length - 1]?.x ?? Infinity) <= each.x + 1) after.pop();
      const next = after[after.length - 1];
      if (next) nextOnRow.set(each, next);
      after.push(each);
      following.set(each.row, after);
    }
    lane.drawn.forEach((each) => {
      const barTop = lane.top + (LANE_H - BAR_H) / 2 + each.row * ROW_H;
      const next = nextOnRow.get(each);
      const geometry = { x, lo, hi, barTop, mid: barTop + BAR_H / 2, labelLimit: next ? next.x - 4 : VIEW_W - 4, offset, idPrefix };
      out.push(drawItem(each, style, geometry));
    });
    out.push('</g>');
  }

  const failure = device.failureTime !== null ? parse(device.failureTime) : null;
  if (failure && failure.ms >= lo && failure.ms <= hi) {
    const at = x(failure.ms);
    const label = `✖ failure ${fmt(failure.ms, offset, 'HH:mm:ss')}${device.failedAction !== null ? ` (action ${device.failedAction})` : ''}`;
    const rightSide = at < X1 - label.length * CHAR_W - 10;
    out.push(
      `<g class="failure-marker"><title>${escapeHtml(`Failure at ${displayTime(device.failureTime ?? '')}`)}</title><line x1="${n(at)}" y1="${TOP - 18}" x2="${n(at)}" y2="${lanesBottom + 2}" stroke="${FAIL}" stroke-width="2" stroke-dasharray="5 3"/><text class="failure-label" x="${n(rightSide ? at + 5 : at - 5)}" y="${TOP - 9}" text-anchor="${rightSide ? 'start' : 'end'}">${escapeHtml(label)}</text></g>`,
    );
  }

  out.push(legend(lanesBottom + 40, idPrefix));
  out.push('</svg>');

  const date = splitTime(fmt(lo, offset, "yyyy-MM-dd'T'HH:mm")).date;
  let caption = `Device wall-clock times${days.size === 1 ? ` on ${date}` : ''}.`;
  if (range.zoomedFrom) {
    const clock = hi - lo < 10 * 60_000 ? 'HH:mm:ss' : 'HH:mm';
    caption += ` Zoomed to ${fmt(lo, offset, clock)}–${fmt(hi, offset, clock)}, the runs around the failure; all activity spans ${fmt(range.zoomedFrom.lo, offset, 'yyyy-MM-dd HH:mm')} to ${fmt(range.zoomedFrom.hi, offset, 'yyyy-MM-dd HH:mm')} (◀ ▶ mark cut items).`;
  }
  // The hover hint is the page's to add (html.ts): a printed page has nothing to hover.
  return { svg: out.join('\n'), caption };
}

function tooltip(each: Drawn, offset: number): string {
  const { item } = each;
  const time = (ms: number): string => fmt(ms, offset, 'HH:mm:ss');
  const lines = [escapeTerminal(item.label)];
  lines.push(
    each.end.ms > each.start.ms
      ? `${time(each.start.ms)} – ${time(each.end.ms)} (${duration(each.end.ms - each.start.ms)})`
      : time(each.start.ms),
  );
  for (const phase of item.phases ?? []) {
    const start = parse(phase.start);
    const end = parse(phase.end);
    if (start && end) lines.push(`${phase.phase} ${time(start.ms)} – ${time(end.ms)} (${duration(end.ms - start.ms)})`);
  }
  if (item.failed === true) lines.push('FAILED');
  lines.push(`${item.file}:${item.line}`);
  return `<title>${lines.map(escapeHtml).join('\n')}</title>`;
}

interface Geometry {
  x: (ms: number) => number;
  lo: number;
  hi: number;
  barTop: number;
  mid: number;
  /** Where the next item of the lane begins: labels stop before it. */
  labelLimit: number;
  offset: number;
  idPrefix: string;
}

function drawItem(each: Drawn, style: LaneStyle, g: Geometry): string {
  const { item } = each;
  const failed = item.failed === true;
  const color = failed ? FAIL : style.color;
  const width = each.x2 - each.x;
  const point = width < 4;
  const phases = item.phases ?? [];
  const classes = ['item', failed ? 'failed' : '', point ? 'point' : ''].filter(Boolean).join(' ');
  const parts = [`<g class="${classes}">`, tooltip(each, g.offset)];
  if (point) {
    parts.push(
      `<line x1="${n(each.x)}" y1="${g.barTop}" x2="${n(each.x)}" y2="${g.barTop + BAR_H}" stroke="${color}" stroke-width="2"/>`,
      `<path d="M${n(each.x)} ${g.mid - 6}l6 6l-6 6l-6 -6z" fill="${color}" stroke="#fff" stroke-width="1"/>`,
    );
  } else {
    // With phases, the bar is only the light background the phases are drawn on.
    const fill = phases.length > 0 ? (failed ? '#fee2e2' : style.light) : color;
    parts.push(
      `<rect class="bar" x="${n(each.x)}" y="${g.barTop}" width="${n(width)}" height="${BAR_H}" rx="3" fill="${fill}" stroke="${failed ? '#7f1d1d' : '#fff'}" stroke-width="${failed ? 2 : 1}"/>`,
    );
    for (const phase of phases) {
      const start = parse(phase.start);
      const end = parse(phase.end);
      if (!start || !end) continue;
      const from = Math.max(start.ms, g.lo);
      const to = Math.min(end.ms, g.hi);
      if (to < from) continue;
      const phaseFill = phase.phase === 'waiting' ? `url(#${g.idPrefix}-hatch-${style.lane})` : color;
      parts.push(
        `<rect class="phase ${phase.phase}" x="${n(g.x(from))}" y="${g.barTop}" width="${n(Math.max(1, g.x(to) - g.x(from)))}" height="${BAR_H}" fill="${phaseFill}"/>`,
      );
    }
  }
  // Cut at the edge of the time shown: an arrow on that edge, the whole item in the tooltip.
  if (each.clippedLeft) parts.push(`<text class="clip" x="${n(each.x + 2)}" y="${g.mid + 4}">◀</text>`);
  if (each.clippedRight) parts.push(`<text class="clip" x="${n(each.x2 - 2)}" y="${g.mid + 4}" text-anchor="end">▶</text>`);
  const labelX = each.x + (point ? 9 : each.clippedLeft ? 15 : 5);
  // Bold (failed) labels are wider.
  const label = fit(escapeTerminal(item.label), (g.labelLimit - labelX) * (failed ? 0.94 : 1));
  if (label !== '') {
    parts.push(`<text class="label${failed ? ' failed' : ''}" x="${n(labelX)}" y="${g.mid + 4}">${escapeHtml(label)}</text>`);
  }
  parts.push('</g>');
  return parts.join('');
}

/** The key to the drawing, inside the SVG so a screenshot or a printed page keeps it. */
function legend(y: number, idPrefix: string): string {
  const entries: [string, string][] = [
    [`<rect x="0" y="-9" width="18" height="12" rx="2" fill="${LANES[0]?.color ?? '#2563eb'}"/>`, 'run'],
    [`<rect x="0" y="-9" width="18" height="12" rx="2" fill="url(#${idPrefix}-hatch-vulscan)"/>`, 'waiting (hatched)'],
    [`<rect x="0" y="-9" width="18" height="12" rx="2" fill="${LANES[1]?.color ?? '#7c3aed'}"/>`, 'scanning / running'],
    [`<path d="M9 -9l6 6l-6 6l-6 -6z" fill="#475569"/>`, 'launch / single event'],
    [`<rect x="0" y="-9" width="18" height="12" rx="2" fill="${FAIL}" stroke="#7f1d1d" stroke-width="2"/>`, 'failed'],
    [`<line x1="9" y1="-12" x2="9" y2="6" stroke="${FAIL}" stroke-width="2" stroke-dasharray="4 2"/>`, 'failure moment'],
  ];
  const out = [`<g class="legend" transform="translate(${X0} ${y})">`];
  let at = 0;
  for (const [swatch, label] of entries) {
    out.push(`<g transform="translate(${n(at)} 0)">${swatch}<text class="legend-text" x="24" y="1">${label}</text></g>`);
    at += 24 + label.length * CHAR_W + 18;
  }
  out.push('</g>');
  return out.join('');
}
