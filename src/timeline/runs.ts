// A bundle is a device's history, not one template run (FORMATS.md): admins re-run a failed
// template on the same device, re-provision it months later, and a golden image carries old
// agent logs. This module splits a timeline into template runs, so that the latest run decides
// the device's verdict and the earlier ones are shown as its history.
//
// A run begins where the provisioning logs say so: a template start line, or action numbers
// starting again (in one file; a bundle with ldprovisioning.log and ProvisionGUI.exe.log logs
// each action twice). Without any provisioning line, a silence of hours with no process running
// separates runs. Lines older than the first run by more than an hour's silence are the image's
// leftovers ("before the template"): shown, never the verdict.
import { firstPast } from '../arrays.js';
import type { Event, Timeline, WallTime, Window } from '../types.js';

export type RunStart = 'template-start' | 'action-restart' | 'first-action' | 'gap' | 'agent-install' | 'task-status' | 'logs-start';

export interface TemplateRun {
  /** 1-based, in time order. */
  number: number;
  /** The run's first and last event times (the last run reaches to the end of the logs). */
  start: WallTime;
  end: WallTime;
  /** What shows that a run began here, and the line that shows it. */
  startedBy: RunStart;
  startEvent: Event;
  /** The run's last event: where its logs end. */
  lastEvent: Event;
  template?: string;
  /** The template's own end: a completion line, or a stop line. */
  completed?: Event;
  stopped?: Event;
  /** The last action the run started, where no result, stop or completion came after it. */
  unfinished?: Event;
}

/** Lines that lie before the first run, apart from it by a silence of more than an hour. */
export interface RunHistory {
  start: WallTime;
  end: WallTime;
  events: number;
  files: string[];
}

export interface TemplateRuns {
  runs: TemplateRun[];
  before?: RunHistory;
}

/** A silence this long before the first run parts the image's leftovers from it. */
export const HISTORY_GAP_MS = 60 * 60 * 1000;
/** Without a provisioning log, a silence this long with nothing running parts two runs. */
export const RUN_GAP_MS = 4 * 60 * 60 * 1000;

const PROVISIONING_SOURCES = new Set<Event['source']>(['provisioning', 'provision-gui']);
const TEMPLATE_KINDS = new Set<Event['kind']>(['action-started', 'action-result', 'template-started', 'template-stopped', 'template-completed']);
const ACTION_KINDS = new Set<Event['kind']>(['action-started', 'action-result']);

function isTemplateEvent(event: Event): boolean {
  return PROVISIONING_SOURCES.has(event.source) && TEMPLATE_KINDS.has(event.kind);
}

/** Events that happened at their time: a schedule listing's entry sits at a task's next start, a .stat's at a UTC instant. */
function happened(event: Event): boolean {
  return event.kind !== 'task-listed' && event.utc !== true && event.untimed !== true;
}

interface Marker {
  event: Event;
  by: RunStart;
  /** Where the run begins: the marker's time, or that of the lines that lead in to it. */
  time?: number;
}

/** A run's opening lines (the agent's banner, the core it uses) come just before its start line. */
const LEAD_IN_MS = 5 * 60 * 1000;

/**
 * Each marker's time moved back over the lines of its own file that lead in to it: lines just
 * before it, within minutes, none of them an action's or a template's own line.
 */
function withLeadIn(markers: readonly Marker[], events: readonly Event[]): Marker[] {
  const byFile = new Map<string, Event[]>();
  for (const event of events) {
    if (!PROVISIONING_SOURCES.has(event.source)) continue;
    const list = byFile.get(event.file) ?? [];
    list.push(event);
    byFile.set(event.file, list);
  }
  for (const list of byFile.values()) list.sort((a, b) => a.line - b.line);
  return markers.map((marker) => {
    const list = byFile.get(marker.event.file);
    let at = list ? list.indexOf(marker.event) : -1;
    let time = marker.event.time;
    while (list && at > 0) {
      const previous = list[at - 1];
      if (!previous || isTemplateEvent(previous) || previous.time > time || time - previous.time > LEAD_IN_MS) break;
      time = previous.time;
      at -= 1;
    }
    return { ...marker, time };
  });
}

/** Where the provisioning logs say a run begins, in time order. */
function provisioningMarkers(template: readonly Event[]): Marker[] {
  const markers: Marker[] = [];
  const first = template[0];
  if (first) markers.push({ event: first, by: 'first-action' });
  const byFile = new Map<string, Event[]>();
  for (const event of template) {
    const list = byFile.get(event.file) ?? [];
    list.push(event);
    byFile.set(event.file, list);
  }
  for (const list of byFile.values()) {
    // File order is the truth (a clock can jump inside a run).
    list.sort((a, b) => a.line - b.line);
    let last = 0;
    for (const event of list) {
      if (event.kind === 'template-started') {
        markers.push({ event, by: 'template-start' });
        last = 0;
        continue;
      }
      const n = event.actionNumber;
      if (n === undefined || !ACTION_KINDS.has(event.kind)) continue;
      if (n < last) markers.push({ event, by: 'action-restart' });
      last = n;
    }
  }
  markers.sort((a, b) => a.event.time - b.event.time);
  // A run holds at least one action: a start line and the first action after it, or the same
  // start in two files, are one beginning. Where they meet, a template start names it best.
  const actionTimes = template.filter((e) => ACTION_KINDS.has(e.kind)).map((e) => e.time);
  const kept: Marker[] = [];
  for (const marker of markers) {
    const previous = kept[kept.length - 1];
    if (previous) {
      const from = firstPast(actionTimes, previous.event.time, (t) => t, true);
      const between = from < actionTimes.length && (actionTimes[from] ?? Infinity) < marker.event.time;
      if (!between) {
        if (marker.by === 'template-start' && previous.by !== 'template-start') kept[kept.length - 1] = marker;
        continue;
      }
    }
    kept.push(marker);
  }
  return kept;
}

/** Without a provisioning log: runs parted by hours of silence, or a new agent install, with no process running. */
function gapMarkers(events: readonly Event[], windows: readonly Window[]): Marker[] {
  const first = events[0];
  if (!first) return [];
  const candidates: Marker[] = [{ event: first, by: 'logs-start' }];
  const spans = windows.map((w) => [w.start, w.end] as const).sort((a, b) => a[0] - b[0]);
  let reach = -Infinity;
  let w = 0;
  let registered = first.kind === 'task-added';
  for (let i = 1; i < events.length; i += 1) {
    const previous = events[i - 1];
    const event = events[i];
    if (!previous || !event) continue;
    // How far the runs that began by the previous event reach.
    while (w < spans.length && (spans[w]?.[0] ?? Infinity) <= previous.time) {
      reach = Math.max(reach, spans[w]?.[1] ?? -Infinity);
      w += 1;
    }
    if (event.time - previous.time > RUN_GAP_MS && reach < event.time - RUN_GAP_MS) candidates.push({ event, by: 'gap' });
    // A new agent install: the scheduler registering the scan or sync again, with nothing running.
    // The production agent at a template's end does it too, but no distribution follows it there
    // (the filter below keeps a boundary only with distributions on both sides).
    else if (event.kind === 'task-added' && registered && reach < event.time) candidates.push({ event, by: 'agent-install' });
    if (event.kind === 'task-added') registered = true;
  }
  // A stretch with no distribution in it is no run of its own (a scheduler's lines, the
  // production agent registering its tasks at the end): it stays with the run before it.
  const distributions = windows.filter((each) => each.process === 'sdclient').map((each) => each.start).sort((a, b) => a - b);
  const holdsDistribution = (from: number, to: number): boolean => {
    const at = firstPast(distributions, from, (t) => t, true);
    return at < distributions.length && (distributions[at] ?? Infinity) < to;
  };
  // Boundaries with no distribution between them are one beginning: the first names it (the
  // silence ends, then the agent is installed again).
  const distinct = candidates.filter((marker, index) => {
    const previous = candidates[index - 1];
    return !previous || holdsDistribution(previous.event.time, marker.event.time);
  });
  const kept: Marker[] = [];
  distinct.forEach((marker, index) => {
    const next = distinct[index + 1]?.event.time ?? Infinity;
    if (kept.length === 0) kept.push(marker);
    else if (holdsDistribution(marker.event.time, next)) {
      const previous = kept[kept.length - 1];
      if (previous && holdsDistribution(previous.event.time, marker.event.time)) kept.push(marker);
    }
  });
  return kept;
}

/**
 * A task status file written a day or more after every log line: the task ran again later, in a
 * run whose logs are not in the bundle (a re-run from the console, a later template run). Its
 * .stat is then the only word on the device as it is now, so it begins a run of its own.
 */
export const LATE_STATUS_MS = 24 * 60 * 60 * 1000;

/**
 * The time of a bundle's last log line: a task status file's time is not one, nor a scheduler
 * listing's task (its time is the task's next start: the year 3000 where the fix is in place).
 */
export function lastLogLineTime(events: readonly Event[]): number {
  let lastLine = -Infinity;
  for (const event of events) if (isLogLine(event) && event.time > lastLine) lastLine = event.time;
  return lastLine;
}

/** True for an event that is a line written when it happened (see lastLogLineTime). */
function isLogLine(event: Event): boolean {
  return event.kind !== 'task-status' && event.kind !== 'task-listed' && event.utc !== true;
}

function lateStatusMarker(timed: readonly Event[]): Marker | undefined {
  const lastLine = lastLogLineTime(timed);
  if (lastLine === -Infinity) return undefined;
  const late = timed.filter((e) => e.kind === 'task-status' && e.time > lastLine + LATE_STATUS_MS)
    .reduce<Event | undefined>((first, e) => (first === undefined || e.time < first.time ? e : first), undefined);
  return late ? { event: late, by: 'task-status' } : undefined;
}

/** The timeline split into template runs, and the leftovers before the first. */
export function splitRuns(events: readonly Event[], windows: readonly Window[]): TemplateRuns {
  const timed = events.filter(happened);
  if (timed.length === 0) return { runs: [] };
  const template = timed.filter(isTemplateEvent);
  const markers = template.length > 0 ? withLeadIn(provisioningMarkers(template), timed) : gapMarkers(timed, windows);
  const late = lateStatusMarker(timed);
  if (late && markers.length > 0) markers.push(late);
  const starts = markers.map((m) => m.time ?? m.event.time);
  const firstStart = starts[0] ?? -Infinity;
  // Lines before the first run: those within an hour's silence of it belong to it (an agent's
  // log that began a little before the provisioning log did); older ones are history.
  const earlier = timed.filter((e) => e.time < firstStart).sort((a, b) => a.time - b.time);
  let chainStart = firstStart;
  let cut = earlier.length;
  for (let i = earlier.length - 1; i >= 0; i -= 1) {
    const time = earlier[i]?.time ?? chainStart;
    if (chainStart - time > HISTORY_GAP_MS) break;
    chainStart = time;
    cut = i;
  }
  const history = earlier.slice(0, cut);
  const runs: TemplateRun[] = markers.map((marker, index) => ({
    number: index + 1,
    start: index === 0 ? chainStart : marker.time ?? marker.event.time,
    end: marker.time ?? marker.event.time,
    startedBy: marker.by,
    startEvent: marker.event,
    lastEvent: marker.event,
  }));
  const runAt = (time: number): TemplateRun | undefined => runs[firstPast(starts, time, (t) => t) - 1] ?? (time >= chainStart ? runs[0] : undefined);
  for (const event of timed) {
    const run = runAt(event.time);
    if (!run) continue;
    if (event.time >= run.end) {
      run.end = event.time;
      run.lastEvent = event;
    }
    if (event.templateName !== undefined) run.template ??= event.templateName;
    if (!isTemplateEvent(event)) continue;
    if (event.kind === 'template-completed') run.completed = event;
    if (event.kind === 'template-stopped') run.stopped = event;
    if (event.kind === 'action-started') run.unfinished = event;
    else if (event.kind !== 'template-started') delete run.unfinished;
  }
  const before = history.length > 0 ? {
    start: history[0]?.time ?? 0,
    end: history[history.length - 1]?.time ?? 0,
    events: history.length,
    files: [...new Set(history.map((e) => e.file))],
  } : undefined;
  return before ? { runs, before } : { runs };
}

const cache = new WeakMap<Timeline, TemplateRuns>();

/** The timeline's template runs, found once. */
export function templateRuns(timeline: Timeline): TemplateRuns {
  const known = cache.get(timeline);
  if (known) return known;
  const found = splitRuns(timeline.events, timeline.windows);
  cache.set(timeline, found);
  return found;
}

/** The run a moment belongs to: 0 before the first run (history), else the run's number. */
export function runNumberAt(runs: TemplateRuns, time: WallTime): number {
  const list = runs.runs;
  const first = list[0];
  if (!first || time < first.start) return 0;
  let lo = 0;
  let hi = list.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((list[mid]?.start ?? Infinity) <= time) lo = mid;
    else hi = mid - 1;
  }
  return list[lo]?.number ?? 0;
}
