// What the rules ask of a timeline, asked once: which runs failed, which action each run
// was, which other runs were open at a moment. Rules stay short and agree on the answers.
import { addTo, appendAll, firstPast } from '../arrays.js';
import { isSuccessCode } from '../parsers/codes.js';
import { LATE_STATUS_MS, lastLogLineTime, runNumberAt, templateRuns } from '../timeline/runs.js';
import { FAILED_STATUSES, isDistribution, runCode, runFailed } from '../timeline/actions.js';
import type { ActionResult, Event, ProcessName, RuleContext, RuleHandlers, RuleReport, Timeline, Window, WallTime } from '../types.js';

/** Logs write whole seconds and two files flush at slightly different moments. */
export const TOLERANCE_MS = 5_000;
/** A refused sdclient gives up within seconds; a run this short did not install anything. */
export const SHORT_RUN_MS = 120_000;
/** How long after an action's last sdclient line the template logs the action's result. */
const ACTION_LAG_MS = 120_000;
/** sdclient's "a task is already in progress" result, as the modeled logs write it (the hex is the truth; -1916 is an older file's decimal). */
export const BUSY_CODES = new Set([-1916, 0x8db50084 | 0]);
/** Download failures (seen): 105 "General download failure", 16442 "Failed to download and hash all additional files". */
export const DOWNLOAD_CODES = new Set([105, 16442]);

/** Codes 0x8DB5xxxx are the agent's own (seen), never an installer's. */
export function isAgentCode(code: number | undefined): boolean {
  return code !== undefined && (code >>> 16) === 0x8db5;
}

/** A failed distribution: the action (from the provisioning log) and/or the sdclient run that failed. */
export interface Failure {
  action?: ActionResult;
  run?: Window;
  /** When it failed: the run's end, or the action's result line. */
  time: WallTime;
  packageName?: string;
  code?: number;
  /** The line that records the failure. */
  event: Event;
  /**
   * For a failed sdclient run that no action stands for: the line saying its template completed
   * before the run began (in the same template run). A task pushed or scheduled after
   * provisioning, not a step of it: its findings are warnings, and it never decides the verdict.
   */
  afterTemplate?: Event;
}

/**
 * What the rules look up again and again, built once per timeline: runs per process, the run
 * each event belongs to, events per kind, each action's place. Without it each failure's
 * questions scanned every window and event again: quadratic on a file of many short runs.
 */
interface TimelineIndex {
  runs: Record<ProcessName, readonly Window[]>;
  /** The sdclient run each action result's event belongs to (where it is one of a run's own lines). */
  runOfEvent: Map<Event, Window>;
  eventsOfKind: Map<Event['kind'], readonly Event[]>;
  actionIndex: Map<ActionResult, number>;
  /** The run that carried out each action (runOfAction), once asked. */
  runByAction: Map<ActionResult, Window | undefined>;
  actionByRun?: Map<Window, ActionResult>;
  /** sdclient runs sorted by end, each with its place in start order; and by package name. */
  sdByEnd: readonly { end: number; order: number; run: Window }[];
  sdByName: Map<string, Window[]>;
  /** For each sdclient run in start order, the (up to) three latest-ending runs started at or before it. */
  latestEnding?: readonly (readonly Window[])[];
  /** The log kinds any event comes from. */
  sources: ReadonlySet<Event['source']>;
}

const indexes = new WeakMap<Timeline, TimelineIndex>();

function indexOf(timeline: Timeline): TimelineIndex {
  const known = indexes.get(timeline);
  if (known) return known;
  const runs: Record<ProcessName, Window[]> = { sdclient: [], vulscan: [], policysync: [] };
  // Only the action results' events are ever looked up here: the map is kept to those, not
  // made of every key event of every run (most of the index's time on a device of many runs).
  const actionEvents = new Set(timeline.actions.map((action) => action.event));
  const runOfEvent = new Map<Event, Window>();
  const note = (event: Event, window: Window): void => {
    if (actionEvents.has(event) && !runOfEvent.has(event)) runOfEvent.set(event, window);
  };
  for (const window of timeline.windows) {
    runs[window.process].push(window);
    if (window.process !== 'sdclient' || actionEvents.size === 0) continue;
    for (const event of window.keyEvents) note(event, window);
    note(window.lastEvent, window);
  }
  const eventsOfKind = new Map<Event['kind'], Event[]>();
  const sources = new Set<Event['source']>();
  for (const event of timeline.events) {
    sources.add(event.source);
    if (event.kind === 'message') continue;
    const list = eventsOfKind.get(event.kind) ?? [];
    list.push(event);
    eventsOfKind.set(event.kind, list);
  }
  const sdByEnd = runs.sdclient.map((run, order) => ({ end: run.end, order, run })).sort((a, b) => a.end - b.end || a.order - b.order);
  const sdByName = new Map<string, Window[]>();
  for (const run of runs.sdclient) {
    if (run.packageName === undefined) continue;
    const key = run.packageName.trim().toLowerCase();
    addTo(sdByName, key, run);
  }
  const index: TimelineIndex = {
    runs, runOfEvent, eventsOfKind, actionIndex: new Map(timeline.actions.map((a, i) => [a, i])), runByAction: new Map(), sdByEnd, sdByName, sources,
  };
  indexes.set(timeline, index);
  return index;
}

/** True where some event of the timeline comes from a log of this kind. */
export function hasLogOf(timeline: Timeline, source: Event['source']): boolean {
  return indexOf(timeline).sources.has(source);
}

/** The device's sdclient runs, in start order (a shared list: do not change it). */
export function sdclientRuns(timeline: Timeline): readonly Window[] {
  return indexOf(timeline).runs.sdclient;
}

/** The device's runs of one process, in start order (a shared list: do not change it). */
export function runsOf(timeline: Timeline, process: ProcessName): readonly Window[] {
  return indexOf(timeline).runs[process];
}

/** The timeline's events of one kind, in timeline order (a shared list: do not change it). */
export function eventsOfKind(timeline: Timeline, kind: Event['kind']): readonly Event[] {
  return indexOf(timeline).eventsOfKind.get(kind) ?? [];
}

/**
 * Of the other sdclient runs that started at or before `run` and were still open when it began
 * (a run whose exit line came before was not), the one that ran longest: a prefix of the runs
 * in start order keeps its three latest-ending runs, so the question is a binary search.
 */
export function openSdclientRunAt(timeline: Timeline, run: Window): Window | undefined {
  const index = indexOf(timeline);
  const runs = index.runs.sdclient;
  if (!index.latestEnding) {
    const prefix: Window[][] = [];
    let top: Window[] = [];
    for (const each of runs) {
      top = [...top, each].sort((a, b) => b.end - a.end).slice(0, 3);
      prefix.push(top);
    }
    index.latestEnding = prefix;
  }
  const lo = firstPast(runs, run.start, (each) => each.start);
  const candidates = lo > 0 ? index.latestEnding[lo - 1] ?? [] : [];
  return candidates.find((w) => w !== run && w.end + (w.closedBy === 'exit-line' ? 0 : TOLERANCE_MS) >= run.start);
}

function sameName(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** The sdclient run that carried out an action: named alike, or the last to end just before its result. */
export function runOfAction(timeline: Timeline, action: ActionResult): Window | undefined {
  const index = indexOf(timeline);
  if (index.runByAction.has(action)) return index.runByAction.get(action);
  const run = findRunOfAction(timeline, action);
  index.runByAction.set(action, run);
  return run;
}

/** The sdclient runs that ended in [from, to], in start order (a binary search on the runs by end). */
function runsEndingBetween(index: TimelineIndex, from: number, to: number): Window[] {
  const list = index.sdByEnd;
  const lo = firstPast(list, from, (each) => each.end, true);
  const found: { order: number; run: Window }[] = [];
  for (let i = lo; i < list.length && (list[i]?.end ?? Infinity) <= to; i += 1) {
    const each = list[i];
    if (each) found.push(each);
  }
  return found.sort((a, b) => a.order - b.order).map((each) => each.run);
}

function findRunOfAction(timeline: Timeline, action: ActionResult): Window | undefined {
  const own = indexOf(timeline).runOfEvent.get(action.event);
  if (own) return own;
  if (!isDistribution(action)) return undefined;
  const at = action.event.time;
  const index = indexOf(timeline).actionIndex.get(action) ?? -1;
  const previous = index > 0 ? timeline.actions[index - 1] : undefined;
  const after = previous ? previous.event.time - TOLERANCE_MS : -Infinity;
  const candidates = runsEndingBetween(indexOf(timeline), at - ACTION_LAG_MS, at + TOLERANCE_MS).filter((w) => w.start >= after);
  // By name first: within the action's own stretch of the template (after the previous action's
  // result, up to its own), however long the template took to log the result (a reboot in between).
  const named = action.name !== undefined ? indexOf(timeline).sdByName.get(action.name.trim().toLowerCase()) ?? [] : [];
  return candidates.find((w) => sameName(w.packageName, action.name))
    ?? namedRunWithin(named, after, at + TOLERANCE_MS)
    ?? candidates[candidates.length - 1];
}

/**
 * The first of `named` (runs in start order) that started at or after `after` and ended by
 * `until`. A binary search to the first start at or after `after`, then only the runs that
 * started by `until`: a package installed on every one of many provisionings has many runs of
 * its name, and scanning them all for each action was quadratic.
 */
function namedRunWithin(named: readonly Window[], after: number, until: number): Window | undefined {
  for (let i = firstPast(named, after, (w) => w.start, true); i < named.length; i += 1) {
    const run = named[i];
    if (run === undefined || run.start > until) break;
    if (run.end <= until) return run;
  }
  return undefined;
}

/** A run's package: its own "Package:" line, or the name of the template action it carried out. */
export function nameOfRun(timeline: Timeline, run: Window): string | undefined {
  if (run.packageName) return run.packageName;
  const index = indexOf(timeline);
  if (!index.actionByRun) {
    // Each run's first action, found once for all runs.
    index.actionByRun = new Map();
    for (const action of timeline.actions) {
      const of = runOfAction(timeline, action);
      if (of && !index.actionByRun.has(of)) index.actionByRun.set(of, action);
    }
  }
  return index.actionByRun.get(run)?.name;
}

const cache = new WeakMap<Timeline, Failure[]>();

/** Every failed distribution of the device, in time order, each joined with its action and run. */
export function failures(timeline: Timeline): Failure[] {
  const known = cache.get(timeline);
  if (known) return known;
  const list: Failure[] = [];
  const claimed = new Set<Window>();
  for (const action of timeline.actions) {
    if (!action.failed) continue;
    const run = runOfAction(timeline, action);
    if (run) claimed.add(run);
    const failure: Failure = { action, time: action.event.time, event: action.event };
    if (run) failure.run = run;
    const name = action.name ?? run?.packageName;
    if (name) failure.packageName = name;
    const code = loggedCode(action.code, run);
    if (code !== undefined) failure.code = code;
    list.push(failure);
  }
  // A run that failed with no action to show for it (no provisioning log line) still failed.
  for (const run of sdclientRuns(timeline)) {
    if (claimed.has(run) || !runFailed(run)) continue;
    const event = decisiveEvent(run);
    const failure: Failure = { run, time: run.end, event };
    if (run.packageName) failure.packageName = run.packageName;
    const code = runCode(run);
    if (code !== undefined) failure.code = code;
    const completed = completedBefore(timeline, run.start);
    if (completed) failure.afterTemplate = completed;
    list.push(failure);
  }
  appendAll(list, statusFailures(timeline));
  list.sort((a, b) => a.time - b.time);
  cache.set(timeline, list);
  return list;
}

/** The template's completion line before `time` in the template run that holds `time`, if there is one. */
function completedBefore(timeline: Timeline, time: WallTime): Event | undefined {
  const completions = eventsOfKind(timeline, 'template-completed');
  if (completions.length === 0) return undefined;
  const split = templateRuns(timeline);
  const run = runNumberAt(split, time);
  return completions.findLast((e) => e.time <= time && runNumberAt(split, e.time) === run);
}

/**
 * A task status file that says the task failed (5 Failed, 8 Failed_Exception) is evidence on
 * its own (FORMATS.md): where no sdclient run of the task and no provisioning action stands for
 * it (the logs are empty, missing or unreadable), the .stat is the failure. Where the provisioning
 * log has actions and none failed, the .stat contradicts it: that is the task-status-conflict
 * rule's, not a failure of an unknown action.
 */
/** True for a task status written a day or more after every log line (timeline/runs.ts: a run of its own). */
export function isLateStatus(timeline: Timeline, event: Event): boolean {
  if (event.utc === true || event.untimed === true) return false;
  let lastLine = lastLogLine.get(timeline);
  if (lastLine === undefined) {
    lastLine = lastLogLineTime(timeline.events);
    lastLogLine.set(timeline, lastLine);
  }
  return lastLine !== -Infinity && event.time > lastLine + LATE_STATUS_MS;
}

const lastLogLine = new WeakMap<Timeline, number>();

export function statusFailures(timeline: Timeline): Failure[] {
  const failed = eventsOfKind(timeline, 'task-status').filter((e) => e.status !== undefined && FAILED_STATUSES.has(e.status));
  if (failed.length === 0) return [];
  // A .stat written a day or more after every log line is a later run's, which no log holds: its own evidence.
  const late = failed.filter((e) => isLateStatus(timeline, e));
  const logged = timeline.actions.some((a) => a.event.source === 'provisioning' || a.event.source === 'provision-gui');
  const tasks = new Set(sdclientRuns(timeline).map((run) => run.taskId).filter((id) => id !== undefined));
  const unlogged = logged ? [] : failed.filter((e) => !late.includes(e) && (e.taskId === undefined || !tasks.has(e.taskId)));
  return [...unlogged, ...late].map((event) => {
    const failure: Failure = { time: event.time, event };
    if (event.code !== undefined) failure.code = event.code;
    return failure;
  });
}

/**
 * The failed action's code as the logs write it in full: where the provisioning log gives only
 * a decimal (-1916) and the action's own sdclient run wrote its result with the hex beside it
 * ("result -1916 (0x8DB50084)"), the hex is the code (FORMATS.md: read the hex where both are
 * given), so one race is one code across a fleet whatever each log wrote.
 */
function loggedCode(actionCode: number | undefined, run: Window | undefined): number | undefined {
  const runC = run ? runCode(run) : undefined;
  if (actionCode === undefined) return runC;
  if (runC === undefined || runC === actionCode || !run) return actionCode;
  const written = run.keyEvents.find((e) => e.kind === 'package-result' && e.code === runC);
  return written && /0x[0-9a-f]{8}\b/i.test(written.text) ? runC : actionCode;
}

/** The handlers of a rule that judges each failed distribution in turn, after the last event. */
export function onEachFailure(context: RuleContext, judge: (failure: Failure, timeline: Timeline) => void): RuleHandlers {
  return {
    end() {
      for (const failure of failures(context.timeline)) judge(failure, context.timeline);
    },
  };
}

/** What a finding says about the failure it explains: the action, the run, the package. */
export function aboutFailure(failure: Failure): Pick<RuleReport, 'action' | 'run' | 'packageName' | 'afterTemplate'> {
  const about: Pick<RuleReport, 'action' | 'run' | 'packageName' | 'afterTemplate'> = {};
  if (failure.action) about.action = failure.action;
  if (failure.run) about.run = failure.run;
  if (failure.packageName) about.packageName = failure.packageName;
  if (failure.afterTemplate) about.afterTemplate = failure.afterTemplate;
  return about;
}

/** The event that shows how a run ended: its refusal, result, status or exit line. */
export function decisiveEvent(run: Window): Event {
  const order: Event['kind'][] = ['busy-refusal', 'download-error', 'package-result', 'task-status-sent', 'process-exit'];
  for (const kind of order) {
    const event = run.keyEvents.find((e) => e.kind === kind);
    if (event) return event;
  }
  // No line in words the pack knows: the run's last line is where it ended.
  return run.lastEvent;
}

export function isShort(run: Window): boolean {
  return run.end - run.start <= SHORT_RUN_MS;
}

export function hasFailureCode(code: number | undefined): boolean {
  return code !== undefined && !isSuccessCode(code);
}

export function firstOfKind(run: Window | undefined, kind: Event['kind']): Event | undefined {
  return run?.keyEvents.find((e) => e.kind === kind);
}

/** True where the run's own lines show the package installer ran and failed: then nothing else is the cause. */
export function installerFailed(run: Window): boolean {
  const result = firstOfKind(run, 'package-result');
  if (result === undefined || !hasFailureCode(result.code) || BUSY_CODES.has(result.code ?? 0) || run.refusedBy !== undefined) return false;
  if (DOWNLOAD_CODES.has(result.code ?? 0)) return false;
  // The agent's own code on a short run that shows no download or installer line: sdclient
  // stopped before any installer ran (FORMATS.md: a short failed run is a refusal unless
  // something shows an installer ran).
  return !isAgentCode(result.code) || installerRan(run);
}

/** Something shows an installer ran: a download or installer line, or a run long enough to install. */
export function installerRan(run: Window): boolean {
  return run.installerRan === true || !isShort(run);
}

/** Windows Installer's own codes (1601–1660) and the small exit codes setup programs return; HRESULTs are sdclient's or the OS's. */
export function installerLikeCode(code: number): boolean {
  return code > 0 && code < 0x10000 && !DOWNLOAD_CODES.has(code);
}

/**
 * True where the download is what failed: a download error, and no installer result after the
 * last one (sdclient retries; a retry that got the files on to the installer, which then
 * succeeded or returned an installer's own code, was no download failure).
 */
export function downloadFailed(run: Window): boolean {
  if (!run.downloadError) return DOWNLOAD_CODES.has(runCode(run) ?? 0);
  const errors = run.keyEvents.filter((e) => e.kind === 'download-error');
  const lastError = errors[errors.length - 1];
  const index = lastError ? run.keyEvents.indexOf(lastError) : -1;
  const resultAfter = run.keyEvents.slice(index + 1).find((e) => e.kind === 'package-result');
  return !(resultAfter?.code !== undefined && (isSuccessCode(resultAfter.code) || installerLikeCode(resultAfter.code)));
}

/** The scheduler lines that registered and launched a process's task (for the evidence chain). */
export function schedulerLines(timeline: Timeline, process: ProcessName, before: WallTime): Event[] {
  // The registration in force then: a re-provisioned device's agent registered its tasks again.
  const registrations = eventsOfKind(timeline, 'task-added').filter((e) => e.process === process);
  const added = registrations.filter((e) => e.time <= before + TOLERANCE_MS).pop() ?? registrations[0];
  const launches = eventsOfKind(timeline, 'task-launched').filter((e) => e.process === process && e.time <= before + TOLERANCE_MS);
  const launch = launches[launches.length - 1];
  return [added, launch].filter((e): e is Event => e !== undefined);
}

/** The provisioning lines that record a failure: the action's result and the template stopping. */
export function provisioningLines(timeline: Timeline, failure: Failure): Event[] {
  if (!failure.action) return [];
  const at = failure.action.event;
  const stopped = eventsOfKind(timeline, 'template-stopped').find((e) => e.time >= at.time - TOLERANCE_MS && e.file === at.file && e.line >= at.line);
  return [at, failure.action.alsoLoggedAt, stopped].filter((e): e is Event => e !== undefined);
}

/** Events in reading order, each once. */
export function chain(...groups: (Event | undefined | readonly (Event | undefined)[])[]): Event[] {
  const seen = new Set<Event>();
  const out: Event[] = [];
  for (const group of groups) {
    const list = Array.isArray(group) ? group : [group];
    for (const event of list) {
      if (event && !seen.has(event)) {
        seen.add(event);
        out.push(event);
      }
    }
  }
  return out;
}

export function clock(time: WallTime): string {
  return new Date(time).toISOString().slice(11, 19);
}

export function describeAction(failure: Failure): string {
  const name = failure.packageName ? `"${failure.packageName}"` : 'a distribution';
  const number = failure.action?.number !== undefined ? ` (action ${failure.action.number})` : '';
  return `${name}${number}`;
}
