// The race at the heart of ldforensics, for either background task the agent schedules:
// the scheduler fires vulscan (or the policy sync) during a distribution; it finds sdclient
// running and waits, resident; when that sdclient exits it starts its work; the next
// action's sdclient finds it running, refuses ("a task is already in progress") and the
// template fails. vulscan-blocked-sdclient and policysync-blocked-sdclient are this shape.
//
// It is read from messages where the pattern pack knows them and from activity windows
// where it does not: a window of the task that opens inside an sdclient window, outlasts
// it, and is open when the next, short, failed sdclient window begins.
import { isDistribution } from '../timeline/actions.js';
import { hexCode } from '../parsers/codes.js';
import type { ActionResult, Confidence, Event, ProcessName, Rule, RuleMeta, Timeline, Window } from '../types.js';
import {
  BUSY_CODES, TOLERANCE_MS, chain, eventsOfKind, clock, decisiveEvent, describeAction, downloadFailed, firstOfKind,
  hasLogOf, installerFailed, installerLikeCode, installerRan, isAgentCode, isShort, provisioningLines, runsOf, schedulerLines, sdclientRuns, type Failure, aboutFailure, nameOfRun, onEachFailure } from './facts.js';

export type BackgroundProcess = Exclude<ProcessName, 'sdclient'>;

const EXE: Record<BackgroundProcess, string> = { vulscan: 'vulscan.exe', policysync: 'PolicySync.exe' };

export const RACE_FIX = 'Build a provisioning-only agent configuration whose security scan and policy sync tasks start in the far future '
  + '(start date 01 Jan 3000 in the agent configuration\'s scan and policy-sync schedules), use it in the template\'s "Install agent" action, '
  + 'and install the production agent configuration as the template\'s last action, so no scan or sync can fire between distributions. '
  + 'Stop-gap: retry the failed action.';

/** The Windows scheduled task that launches vulscan besides the local scheduler (seen), daily at 9 PM by default. */
export const HEALTH_TASK = 'LANDESK Agent Health Bootstrap Task';
const HEALTH_TASK_HOUR = 21;
/** How long after 9 PM a scan launched by that task is taken to have started (its trigger may carry a delay). */
const HEALTH_TASK_WINDOW_MS = 20 * 60 * 1000;

/**
 * True where vulscan's run looks launched by the Agent Health task, not by the agent's local
 * scheduler: it began shortly after 9 PM and no scheduler line launched vulscan just before it.
 */
export function launchedByHealthTask(timeline: Timeline, task: Window | undefined): boolean {
  if (!task || task.process !== 'vulscan') return false;
  const sinceNine = task.start - (Math.floor(task.start / 86_400_000) * 86_400_000 + HEALTH_TASK_HOUR * 3_600_000);
  if (sinceNine < 0 || sinceNine > HEALTH_TASK_WINDOW_MS) return false;
  return !eventsOfKind(timeline, 'task-launched').some((e) => e.process === 'vulscan'
    && e.time <= task.start + TOLERANCE_MS && e.time >= task.start - 10 * 60 * 1000);
}

const HEALTH_TASK_FIX = `The scan was launched by the Windows scheduled task "${HEALTH_TASK}" (daily at 9 PM by default), not by the agent's local scheduler, `
  + 'so a provisioning-only agent whose scan starts in the year 3000 does not stop it alone. Keep provisioning away from 9 PM, or disable that task '
  + `while the template runs (an "Execute file" action after the agent install running schtasks /Change /TN "${HEALTH_TASK}" /Disable, `
  + 'and /Enable as the template\'s last action), as well as using a provisioning-only agent configuration whose scan and sync start in the year 3000. ';

/**
 * The advice where the provisioning-only agent was already in place: the documented fix is
 * there, so advising it again would send the admin in a circle; what launched the task is the question.
 */
export function agentInPlaceFix(process: BackgroundProcess): string {
  const task = process === 'vulscan' ? 'security scan' : 'policy sync';
  const launcher = process === 'vulscan'
    ? `Check the device's Windows Task Scheduler for "${HEALTH_TASK}" (daily at 9 PM by default) and disable it while the template runs `
      + `(an "Execute file" action after the agent install running schtasks /Change /TN "${HEALTH_TASK}" /Disable, and /Enable as the template's last action), `
      + 'and look for a user or another tool starting a scan'
    : 'Look for a user, the portal or another tool starting a policy sync while the template runs';
  return `The provisioning-only agent (${task} first due in the far future) was already in place, so the agent's own scheduler did not start this ${task}. ${launcher}.`;
}

export function raceFix(process: BackgroundProcess, failure: Failure, healthTask = false, agentInPlace = false): string {
  const what = describeAction(failure);
  if (healthTask) return `${HEALTH_TASK_FIX}Stop-gap: re-run ${what} once the security scan has finished, or re-run the template.`;
  const task = process === 'vulscan' ? 'security scan' : 'policy sync';
  if (agentInPlace) return `${agentInPlaceFix(process)} Stop-gap: re-run ${what} once the ${task} has finished, or re-run the template.`;
  return `The ${task} was due at once after the agent install and ran during the distributions. ${RACE_FIX.replace('retry the failed action.', `re-run ${what} once the ${task} has finished, or re-run the template.`)}`;
}

/** The run of the task that was open when the failed sdclient began (the latest to have started). */
function blockerAt(runs: readonly Window[], time: number): Window | undefined {
  const open = runs.filter((w) => w.start <= time + TOLERANCE_MS && w.end + TOLERANCE_MS >= time);
  return open[open.length - 1];
}

/** The sdclient run the task began inside of (the one it waited for), other than the failed one. */
function waitedOn(timeline: Timeline, task: Window, failed: Window | undefined): Window | undefined {
  // A task that logged its wait may have been launched a moment after sdclient's last line; one
  // that did not must have begun before that sdclient ended to have run "during" it.
  const slack = task.waitStart !== undefined ? TOLERANCE_MS : 0;
  return sdclientRuns(timeline).find((q) => q !== failed
    && q.start <= task.start + TOLERANCE_MS && q.end + slack >= task.start
    && (!failed || q.end <= failed.start + TOLERANCE_MS));
}

interface Shape {
  confidence: Confidence;
  messageId: 'chain' | 'overlapped' | 'between' | 'oneSide' | 'windows' | 'launchOnly';
  task?: Window;
  waitedOn?: Window;
  /** Without the task's own log: the scheduler's line that launched it. */
  launch?: Event;
  /** launchOnly: the action the launch fell in, and the failed action's start line. */
  previous?: { started: Event; result: ActionResult };
  failedStart?: Event;
}

/** A refused action fails within seconds of its start: sdclient gives up at once. */
const REFUSED_WITHIN_MS = 30_000;

/** The last "Starting action N" line for an action result, at or before it. */
function startOf(timeline: Timeline, result: ActionResult): Event | undefined {
  if (result.number === undefined) return undefined;
  return eventsOfKind(timeline, 'action-started')
    .filter((e) => e.actionNumber === result.number && e.time <= result.event.time + TOLERANCE_MS)
    .pop();
}

/**
 * The race from the scheduler's and the template's logs alone (no sdclient.log, no log of the
 * task): the scheduler launched the task while the previous distribution action ran, and the
 * next action failed within seconds of its start with the agent's busy code. The documented
 * race's shape, at low confidence, where nothing else explains the failure.
 */
function launchOnly(timeline: Timeline, failure: Failure, process: BackgroundProcess): Shape | null {
  const action = failure.action;
  if (!action || !BUSY_CODES.has(failure.code ?? 0)) return null;
  const failedStart = startOf(timeline, action);
  if (!failedStart || action.event.time - failedStart.time > REFUSED_WITHIN_MS) return null;
  const previous = timeline.actions.filter((a) => a !== action && a.event.time <= failedStart.time + TOLERANCE_MS && isDistribution(a)).pop();
  if (!previous) return null;
  const started = startOf(timeline, previous);
  if (!started) return null;
  const launch = eventsOfKind(timeline, 'task-launched')
    .filter((e) => e.process === process && e.time >= started.time - TOLERANCE_MS && e.time <= previous.event.time + TOLERANCE_MS)
    .pop();
  if (!launch) return null;
  return { confidence: 'low', messageId: 'launchOnly', launch, previous: { started, result: previous }, failedStart };
}

/** The logs a launch-only finding lacks, which would confirm it. */
function missingLogs(timeline: Timeline, process: BackgroundProcess): string {
  // From the timeline's index: a scan of every event per finding was a seventh of a fleet's time (--cpu-prof).
  const has = (source: Event['source']): boolean => hasLogOf(timeline, source);
  const missing = [
    ...(has('sdclient') ? [] : ['sdclient.log (the refusal naming the process in the way)']),
    ...(has(process) ? [] : [process === 'vulscan' ? 'vulscan.log (its wait and scan)' : 'PolicySync.exe.log (its run)']),
  ];
  return missing.join(' and ');
}

/** One step less sure: where the failed action's type is not written. */
const LOWER: Record<Confidence, Confidence> = { high: 'medium', medium: 'low', low: 'low' };

function shapeOf(timeline: Timeline, failure: Failure, process: BackgroundProcess): Shape | null {
  const shape = shapeOfRefusal(timeline, failure, process);
  if (!shape || failure.action === undefined || failure.action.type !== undefined) return shape;
  // The race is a refused distribution; the provisioning log did not say this action was one.
  return { ...shape, confidence: LOWER[shape.confidence] };
}

function shapeOfRefusal(timeline: Timeline, failure: Failure, process: BackgroundProcess): Shape | null {
  const run = failure.run;
  const tasks = runsOf(timeline, process);
  // Only a distribution runs sdclient: an "Execute file" or "Reboot" that failed was not refused by it.
  if (failure.action?.type !== undefined && !isDistribution(failure.action)) return null;
  if (run) {
    if (downloadFailed(run) || installerFailed(run)) return null;
    const named = run.refusedBy === process;
    // Another process named as the one in the way: that is another rule's finding.
    if (run.refusedBy !== undefined && run.refusedBy !== 'unknown' && !named) return null;
    const task = blockerAt(tasks, run.start);
    const previous = task ? waitedOn(timeline, task, run) : undefined;
    const outlasted = task !== undefined && previous !== undefined && task.end + TOLERANCE_MS >= run.start && task.end > previous.end;
    if (named) {
      // sdclient's word alone is one side of the story; the task's own log confirms it.
      if (!task) {
        // The scheduler may still say when it launched the task, which backs sdclient's word.
        const launch = eventsOfKind(timeline, 'task-launched').filter((e) => e.process === process && e.time <= run.start + TOLERANCE_MS).pop();
        return { confidence: 'medium', messageId: 'oneSide', ...(launch ? { launch } : {}) };
      }
      return previous && outlasted
        // Its own log says it waited (vulscan does); or it just ran on through (the policy sync skips its scrub and goes on).
        ? { confidence: 'high', messageId: task.waitStart !== undefined ? 'chain' : 'overlapped', task, waitedOn: previous }
        : { confidence: 'high', messageId: 'between', task };
    }
    // No line names the conflict: the windows must show it, and the failed run must look refused.
    if (!task || !isShort(run)) return null;
    // An installer's own exit code (1603 …) means the installer ran: then sdclient did not refuse.
    // The agent's own code (0x8DB5xxxx) on a run that shows no installer at work is a refusal too.
    const looksRefused = !installerRan(run) && (run.refusedBy === 'unknown' || BUSY_CODES.has(failure.code ?? 0) || failure.code === undefined
      || isAgentCode(failure.code) || (!firstOfKind(run, 'package-result') && !installerLikeCode(failure.code)));
    if (!looksRefused) return null;
    if (previous && outlasted) return { confidence: 'medium', messageId: 'windows', task, waitedOn: previous };
    return { confidence: 'low', messageId: 'windows', task };
  }
  // No sdclient log for the failed action: the task's own log and the template's say it.
  const task = blockerAt(tasks, failure.time);
  if (!task) return tasks.length === 0 ? launchOnly(timeline, failure, process) : null;
  const previous = waitedOn(timeline, task, undefined);
  const waited = task.waitStart !== undefined && task.waitingFor !== 'vulscan' && task.waitingFor !== 'policysync';
  if (!BUSY_CODES.has(failure.code ?? 0) && !waited) return null;
  return { confidence: waited && BUSY_CODES.has(failure.code ?? 0) ? 'medium' : 'low', messageId: 'windows', task, ...(previous ? { waitedOn: previous } : {}) };
}

function describePrevious(action: ActionResult): string {
  const name = action.name !== undefined ? `"${action.name}"` : 'the previous distribution';
  return action.number !== undefined ? `${name} (action ${action.number})` : name;
}

function evidence(timeline: Timeline, failure: Failure, process: BackgroundProcess, shape: Shape): Event[] {
  if (shape.messageId === 'launchOnly') {
    return chain(schedulerLines(timeline, process, shape.launch?.time ?? failure.time), shape.previous?.started, shape.previous?.result.event,
      shape.failedStart, provisioningLines(timeline, failure));
  }
  const task = shape.task;
  const run = failure.run;
  const waitedRun = shape.waitedOn;
  // Where no pattern knew the wording, the runs' first and last lines are what shows their span.
  const windowsOnly = shape.messageId === 'windows';
  const lines = chain(
    task ? schedulerLines(timeline, process, task.start) : shape.launch ? schedulerLines(timeline, process, shape.launch.time) : [],
    task?.firstEvent,
    firstOfKind(task, 'waiting'),
    waitedRun ? decisiveEvent(waitedRun) : undefined,
    waitedRun?.keyEvents.find((e) => e.kind === 'process-exit') ?? (windowsOnly ? waitedRun?.lastEvent : undefined),
    firstOfKind(task, 'wait-finished'),
    firstOfKind(task, 'scanning'),
    run?.firstEvent,
    run?.keyEvents.find((e) => e.kind === 'package-name'),
    run ? decisiveEvent(run) : undefined,
    run?.keyEvents.find((e) => e.kind === 'package-result'),
    windowsOnly ? run?.lastEvent : undefined,
    firstOfKind(task, 'scrub-skipped'),
    provisioningLines(timeline, failure),
  );
  // On one clock, time order is reading order; across a clock jump the chain's own order is safer.
  return timeline.clockJumps.length === 0 ? lines.sort((a, b) => a.time - b.time) : lines;
}

export function blockedByBackgroundTask(process: BackgroundProcess, meta: RuleMeta): Rule {
  return {
    meta,
    create(context) {
      return onEachFailure(context, (failure, timeline) => {
        const shape = shapeOf(timeline, failure, process);
        if (!shape) return;
        const healthTask = launchedByHealthTask(timeline, shape.task);
        const work = process === 'vulscan' ? (shape.task?.scanStart ?? shape.task?.waitEnd) : shape.task?.waitEnd;
        const waitedOnName = shape.waitedOn ? nameOfRun(timeline, shape.waitedOn) : undefined;
        context.report({
          messageId: shape.messageId,
          data: {
            task: process === 'vulscan' ? 'vulscan' : 'the policy sync',
            exe: EXE[process],
            taskStart: shape.task ? clock(shape.task.start) : '?',
            waitedOn: waitedOnName ? `"${waitedOnName}"` : 'the previous distribution',
            workStart: work !== undefined ? clock(work) : shape.waitedOn ? clock(shape.waitedOn.end) : '?',
            waitedOnEnd: shape.waitedOn ? clock(shape.waitedOn.end) : '?',
            confirm: shape.launch
              ? `; the scheduler's log shows it launched ${process === 'vulscan' ? 'vulscan' : 'the policy sync'} at ${clock(shape.launch.time)}`
              : ' to confirm when it started',
            action: describeAction(failure),
            failedAt: clock(failure.run?.start ?? failure.time),
            scheduled: healthTask
              ? ` Vulscan started at ${clock(shape.task?.start ?? failure.time)} with no launch by the agent's local scheduler: that is the hour of the Windows scheduled task "${HEALTH_TASK}" (daily, 9 PM by default), which launches vulscan too.`
              : schedulingNote(timeline, process, failure.time),
            launchAt: shape.launch ? clock(shape.launch.time) : '?',
            previous: shape.previous ? describePrevious(shape.previous.result) : '',
            seconds: shape.failedStart ? String(Math.max(0, Math.round((failure.time - shape.failedStart.time) / 1000))) : '?',
            code: failure.code !== undefined ? `${failure.code} (${hexCode(failure.code)})` : '',
            missing: missingLogs(timeline, process),
            typeNote: failure.action !== undefined && failure.action.type === undefined
              ? ' The provisioning log does not say which type of action this was; it is taken for a distribution (only those run sdclient), one step less sure.'
              : '',
            longRun: shape.waitedOn ? longRunNote(shape.waitedOn, waitedOnName) : '',
          },
          evidence: evidence(timeline, failure, process, shape),
          confidence: shape.confidence,
          time: failure.run ? decisiveEvent(failure.run).time : failure.time,
          ...aboutFailure(failure),
          fix: raceFix(process, failure, healthTask, !healthTask && farFutureAt(timeline, process, failure.time) !== undefined),
        });
      });
    },
  };
}

/** A distribution this long has hung rather than installed (FORMATS.md: EPM 2018.x's targeted-multicast bug). */
const HUNG_RUN_MS = 2 * 60 * 60 * 1000;

/**
 * What a run the task waited on for hours adds: it hung, and the hang is worth its own look (the
 * race still happened after it, as the chain shows).
 */
function longRunNote(run: Window, name: string | undefined): string {
  const length = run.end - run.start;
  if (length < HUNG_RUN_MS) return '';
  const minutes = Math.round(length / 60_000);
  const took = `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  return ` That distribution${name ? ` ("${name}")` : ''} ran for ${took}: a run that long hung rather than installed (EPM 2018.x's targeted-multicast bug left sdclient hung for hours), so look at that run too.`;
}

/** A first start this far out is the provisioning-only agent's deliberate "never during provisioning". */
export const FAR_FUTURE_YEAR = 2100;

export function isFarFuture(start: number | undefined): boolean {
  return start !== undefined && new Date(start).getUTCFullYear() >= FAR_FUTURE_YEAR;
}

/**
 * The scheduler's registration of the task in force at a time: the last "Added task" line
 * before it (the production agent at the template's end registers it again, later), else
 * the earliest registration known (the task listing, which has no time of its own).
 */
export function registrationAt(timeline: Timeline, process: BackgroundProcess, at: number): Event | undefined {
  const added = [...eventsOfKind(timeline, 'task-added'), ...eventsOfKind(timeline, 'task-listed')]
    .filter((e) => e.process === process && e.start !== undefined);
  const before = added.filter((e) => e.kind === 'task-added' && e.time <= at + TOLERANCE_MS);
  if (before.length > 0) return before.reduce((last, e) => (e.time >= last.time ? e : last));
  return added.reduce<Event | undefined>((first, e) => (first === undefined || e.time < first.time ? e : first), undefined);
}

/** The provisioning-only agent was in place when the action failed: the agent's scheduler did not launch the task. */
export function farFutureAt(timeline: Timeline, process: BackgroundProcess, at: number): Event | undefined {
  const added = registrationAt(timeline, process, at);
  return added && isFarFuture(added.start) ? added : undefined;
}

/**
 * How the scheduler had set the task up, from its "Added task" line: what makes the race
 * possible (due at once, with a random delay that can land inside any distribution), or,
 * for the provisioning-only agent, why the agent's scheduler was not what launched it.
 */
export function schedulingNote(timeline: Timeline, process: BackgroundProcess, at: number): string {
  const added = registrationAt(timeline, process, at);
  if (added?.start === undefined) return '';
  const what = process === 'vulscan' ? 'security scan' : 'policy sync';
  const start = added.startText ?? clock(added.start);
  if (isFarFuture(added.start)) {
    const others = process === 'vulscan'
      ? `the Windows scheduled task "${HEALTH_TASK}" (daily at 9 PM by default), a user, or another tool`
      : 'a user, the portal, or another tool';
    return ` The agent install had scheduled the ${what} to start at ${start} (the provisioning-only agent), so the agent's scheduler did not launch it during the template: something else did, such as ${others}.`;
  }
  const delay = added.delayMaxSeconds ? ` with up to ${Math.round(added.delayMaxSeconds / 60)} minutes' random delay` : '';
  return ` The agent install had scheduled the ${what} to start at ${start}${delay}, so it was due in the middle of the template.`;
}

export function raceMessages(): Record<Shape['messageId'], string> {
  return {
    chain: '{task} started at {taskStart} while sdclient was installing {waitedOn}, waited for it, and began its work at {workStart} when that sdclient exited; '
      + 'at {failedAt} the next distribution, {action}, found {exe} running, refused ("a task is already in progress"), and the template failed.{scheduled}{typeNote}{longRun}',
    overlapped: '{task} started at {taskStart} while sdclient was installing {waitedOn} and was still running when that sdclient exited at {waitedOnEnd}; '
      + 'at {failedAt} the next distribution, {action}, found {exe} running, refused ("a task is already in progress"), and the template failed.{scheduled}{typeNote}{longRun}',
    between: '{task} started at {taskStart}, while no distribution was running, and was still running at {failedAt} when the next one, {action}, '
      + 'found {exe} running, refused ("a task is already in progress"), and the template failed.{scheduled}{typeNote}',
    oneSide: 'At {failedAt} sdclient refused to run {action} because {exe} was running ("a task is already in progress"). '
      + 'This bundle has no log of {task}{confirm}.{scheduled}{typeNote}',
    launchOnly: 'The agent\'s scheduler launched {task} at {launchAt}, while {previous} was running; at {failedAt} the next action, {action}, failed {seconds} s after it began, '
      + 'with the agent\'s busy code {code}. That is the race\'s shape and nothing else here explains the failure, but this bundle lacks {missing}, which would confirm it.{scheduled}{typeNote}',
    windows: 'No line names the conflict, but the activity windows show the race: {task} started at {taskStart} during {waitedOn}, outlasted it, '
      + 'and was still running when {action} started at {failedAt} and failed within moments.{scheduled}{typeNote}{longRun}',
  };
}
