// The provisioning template's actions and which of them failed. The provisioning log says
// it directly; where a bundle has none, each sdclient run stands for its distribution action,
// so a device is still judged on what its distributions did.
import { isSuccessCode } from '../parsers/codes.js';
import type { ActionResult, Event, Window } from '../types.js';

function fromProvisioningLog(event: Event): ActionResult {
  const failed = event.outcome ? event.outcome === 'failed' : event.code !== undefined && !isSuccessCode(event.code);
  const action: ActionResult = { event, failed };
  // Seen: an action whose name carries NoCheck is one whose failure the template ignores.
  if (event.actionName !== undefined && /nocheck/i.test(event.actionName)) action.noCheck = true;
  if (event.actionNumber !== undefined) action.number = event.actionNumber;
  if (event.actionTotal !== undefined) action.total = event.actionTotal;
  if (event.actionName !== undefined) action.name = event.actionName;
  if (event.actionType !== undefined) action.type = event.actionType;
  if (event.code !== undefined) action.code = event.code;
  return action;
}

/** The code a finished sdclient run ended with: its package result, else its status, else its exit code. */
export function runCode(window: Window): number | undefined {
  return window.resultCode ?? window.exitCode;
}

/** True where an sdclient run shows it failed: a failure code, a refusal, or a download error. */
export function runFailed(window: Window): boolean {
  const code = runCode(window);
  if (code !== undefined) return !isSuccessCode(code);
  return window.refusedBy !== undefined || window.downloadError === true;
}

function fromSdclientRun(window: Window): ActionResult {
  // The event that closes the run: its result line if it has one (else the status it sent, else
  // its exit line: the same order runCode reads the code in), else its last line whatever its wording.
  const last = (kind: Event['kind']): Event | undefined => window.keyEvents.findLast((e) => e.kind === kind);
  const decisive = last('package-result') ?? last('task-status-sent') ?? last('process-exit')
    ?? window.lastEvent;
  const action: ActionResult = { event: decisive, failed: runFailed(window), type: 'Distribute software' };
  if (window.packageName) action.name = window.packageName;
  const code = runCode(window);
  if (code !== undefined) action.code = code;
  return action;
}

/** .stat statuses that mean the task failed: 5 Failed, 8 Failed_Exception. */
export const FAILED_STATUSES = new Set([5, 8]);

/** Two provisioning logs' lines about one action's result lie this close in time. */
const SAME_RESULT_MS = 10 * 60 * 1000;

/**
 * The provisioning logs' action results, each action once: a bundle with both ldprovisioning.log
 * and ProvisionGUI.exe.log reports one action in both; the two are one result, each filling in
 * what the other did not write (the type, the name, the code).
 */
function loggedActions(events: readonly Event[]): ActionResult[] {
  const actions: ActionResult[] = [];
  const lastByNumber = new Map<number, ActionResult>();
  const startedByNumber = new Map<number, Event>();
  for (const event of events) {
    if (event.kind === 'action-started' && event.actionNumber !== undefined) startedByNumber.set(event.actionNumber, event);
    if (event.kind !== 'action-result') continue;
    const action = fromProvisioningLog(event);
    fillFromStart(action, action.number !== undefined ? startedByNumber.get(action.number) : undefined);
    const earlier = action.number !== undefined ? lastByNumber.get(action.number) : undefined;
    if (earlier && earlier.event.file !== event.file && earlier.failed === action.failed
      && Math.abs(event.time - earlier.event.time) <= SAME_RESULT_MS) {
      earlier.type ??= action.type;
      earlier.name ??= action.name;
      earlier.code ??= action.code;
      if (action.noCheck) earlier.noCheck = true;
      earlier.alsoLoggedAt = event;
      continue;
    }
    if (action.number !== undefined) lastByNumber.set(action.number, action);
    actions.push(action);
  }
  return withStoppedActions(events, actions);
}

/**
 * A result line that does not repeat its action's name, type or count ("Action 7 failed: returned
 * -1916"; ProvisionGUI's "Action 7 FAILED, return:…") takes them from the action's start line,
 * the last one of that number before it (numbers start again with each template run).
 */
function fillFromStart(action: ActionResult, started: Event | undefined): void {
  if (!started || started.time > action.event.time || action.event.time - started.time > ACTION_LENGTH_MS) return;
  if (action.type === undefined && started.actionType !== undefined) action.type = started.actionType;
  if (action.total === undefined && started.actionTotal !== undefined) action.total = started.actionTotal;
  if (action.name === undefined && started.actionName !== undefined) {
    action.name = started.actionName;
    if (/nocheck/i.test(started.actionName)) action.noCheck = true;
  }
}

/** How long before its template's stop line a failed action's own result line is written. */
const STOP_LAG_MS = 60 * 60 * 1000;
/** The longest an action runs from its start line to its result (a start line older than this is another run's). */
const ACTION_LENGTH_MS = 24 * STOP_LAG_MS;

/**
 * "Template … stopped: action 7 failed" with no "Action 7 … failed" line of its own: action 7
 * failed all the same. It is made from the stop line, with the name and type its start line gave.
 */
function withStoppedActions(events: readonly Event[], actions: ActionResult[]): ActionResult[] {
  const stops = events.filter((e) => e.kind === 'template-stopped' && e.actionNumber !== undefined);
  if (stops.length === 0) return actions;
  const out = [...actions];
  for (const stop of stops) {
    const number = stop.actionNumber;
    const known = actions.some((a) => a.number === number && a.failed && a.event.time <= stop.time + SAME_RESULT_MS && a.event.time >= stop.time - STOP_LAG_MS);
    if (known) continue;
    const started = events.filter((e) => e.kind === 'action-started' && e.actionNumber === number && e.time <= stop.time && e.time >= stop.time - ACTION_LENGTH_MS).pop();
    const action: ActionResult = { event: stop, failed: true };
    if (number !== undefined) action.number = number;
    if (started?.actionTotal !== undefined) action.total = started.actionTotal;
    if (started?.actionName !== undefined) {
      action.name = started.actionName;
      if (/nocheck/i.test(started.actionName)) action.noCheck = true;
    }
    if (started?.actionType !== undefined) action.type = started.actionType;
    out.push(action);
  }
  return out.sort((a, b) => a.event.time - b.event.time);
}

/** The device's actions in time order, from the provisioning logs or, lacking one, from sdclient runs. */
export function buildActions(events: readonly Event[], windows: readonly Window[]): ActionResult[] {
  const logged = loggedActions(events);
  if (logged.length > 0) return logged;
  // A task's .stat says whether it failed even where sdclient's own wording is unknown.
  const statusByTask = new Map(events.filter((e) => e.kind === 'task-status' && e.taskId).map((e) => [e.taskId, e]));
  return windows
    .filter((w) => w.process === 'sdclient')
    .map((window) => {
      const action = fromSdclientRun(window);
      const status = window.taskId ? statusByTask.get(window.taskId) : undefined;
      if (status && !action.failed && runCode(window) === undefined && status.status !== undefined && FAILED_STATUSES.has(status.status)) {
        action.failed = true;
        if (status.code !== undefined) action.code = status.code;
      }
      return action;
    });
}

/** A distribution action ("Distribute software"), as opposed to OS, agent or reboot steps. */
export function isDistribution(action: ActionResult): boolean {
  return isDistributionType(action.type);
}

/** The same test on an action type as logged; an action whose type is not written counts as one. */
export function isDistributionType(type: string | undefined): boolean {
  return type === undefined ? true : /distribut|software|package|patch/i.test(type);
}
