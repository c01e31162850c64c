// Process activity windows: each sdclient, vulscan and policy sync run is a window from its
// first line to its last (or its exit line). They need nothing but timestamps and files, so
// the rules can see the race even where the wording is one no pattern knows.
//
// A run starts at a start banner, after an exit line, after a long silence, or where another
// file says a new run began: the scheduler launched the program (vulscan, policy sync), or
// the provisioning template moved on to its next action (sdclient's shared sdclient.log).
import { firstPast, itself } from '../arrays.js';
import { rotationIndex } from '../ingest/names.js';
import type { Event, ProcessName, Window } from '../types.js';

/** Silence after which a process log's next line is a new run. Waiting vulscans are quiet for long. */
export const RUN_GAP_MS: Record<ProcessName, number> = {
  sdclient: 2 * 60 * 60 * 1000,
  vulscan: 4 * 60 * 60 * 1000,
  policysync: 4 * 60 * 60 * 1000,
};
/**
 * The silence a run that said it waits may keep and still be that run: it waits on an sdclient,
 * and an sdclient can hang for hours (FORMATS.md: a targeted-multicast bug left sdclient or
 * vulscan hung for hours), after which its "wait finished" belongs to the wait it ends.
 */
export const WAITING_GAP_MS = 24 * 60 * 60 * 1000;

export interface WindowInput {
  process: ProcessName;
  file: string;
  /** A per-task sdclient log is one task's run: only banners and exit lines split it. */
  singleTask: boolean;
  /** The file's events in file order. */
  events: readonly Event[];
}

/** Times at which another file says a new run of a process began. */
export type RunBoundaries = Record<ProcessName, readonly number[]>;

/** True where a boundary t has after < t <= upTo; `boundaries` sorted ascending (a binary search). */
function boundaryBetween(boundaries: readonly number[], after: number, upTo: number): boolean {
  const first = boundaries[firstPast(boundaries, after, itself)];
  return first !== undefined && first <= upTo;
}

function open(process: ProcessName, file: string, event: Event): Window {
  return {
    id: '',
    process,
    file,
    startLine: event.line,
    endLine: event.line,
    start: event.time,
    end: event.time,
    closedBy: 'end-of-file',
    keyEvents: [],
    firstEvent: event,
    lastEvent: event,
  };
}

/** Folds one event into its run's window: what it says about the run. */
function absorb(window: Window, event: Event): void {
  if (event.clockJump && event.clockJump.deltaMs < 0 && event !== window.firstEvent) {
    // The clock went back inside this run: restate what came before on the new clock, so the
    // window stays one span that compares with other files' lines written after the jump.
    // (A step forward may be a silent wait as much as a jump: the span is left as written.)
    const delta = event.clockJump.deltaMs;
    window.start += delta;
    if (window.waitStart !== undefined) window.waitStart += delta;
    if (window.waitEnd !== undefined) window.waitEnd += delta;
    if (window.scanStart !== undefined) window.scanStart += delta;
  }
  window.endLine = event.line;
  window.end = event.time;
  window.lastEvent = event;
  if (event.taskId && !window.taskId) window.taskId = event.taskId;
  if (event.packageName && !window.packageName) window.packageName = event.packageName;
  switch (event.kind) {
    case 'waiting':
      window.waitStart ??= event.time;
      if (event.blocker) window.waitingFor ??= event.blocker;
      break;
    case 'wait-finished':
      window.waitEnd = event.time;
      break;
    case 'scanning':
      window.scanStart ??= event.time;
      break;
    case 'busy-refusal':
      window.refusedBy ??= event.blocker ?? 'unknown';
      break;
    case 'package-result':
      if (event.code !== undefined) window.resultCode = event.code;
      break;
    case 'task-status-sent':
      if (event.code !== undefined && window.resultCode === undefined) window.resultCode = event.code;
      break;
    case 'download-error':
      window.downloadError = true;
      break;
    case 'installer-activity':
      // One such line is the evidence; a long download's progress lines need not all be kept.
      if (window.installerRan) return;
      window.installerRan = true;
      break;
    case 'process-exit':
      if (event.code !== undefined) window.exitCode = event.code;
      break;
    default:
      break;
  }
  if (event.kind !== 'message') window.keyEvents.push(event);
}

/** Splits one process log into its runs. */
export function windowsOfFile(input: WindowInput, boundaries: RunBoundaries): Window[] {
  const windows: Window[] = [];
  let current: Window | null = null;
  let previous: Event | null = null;
  // Every run writes its command line once: a second one means a new run even where no banner is known.
  let commandLineSeen = false;
  const gap = RUN_GAP_MS[input.process];
  // Other files' word on where runs begin is a fallback for logs whose banners no pattern knows:
  // where banners are known they are exact, and a boundary from another file can land inside a
  // run when the clock jumped between the two files' lines.
  const hasBanners = input.events.some((e) => e.kind === 'process-start');
  const splits = hasBanners ? [] : boundaries[input.process];
  // The run said it waits, and nothing since says the wait is over: it may be silent for hours.
  let waiting = false;
  for (const event of input.events) {
    let reason: Window['closedBy'] | null = null;
    if (current && previous) {
      const silence = event.time - previous.time;
      if (previous.kind === 'process-exit') reason = 'exit-line';
      else if (event.kind === 'process-start') reason = 'next-start';
      else if (event.kind === 'command-line' && commandLineSeen && previous.kind !== 'process-start') reason = 'next-start';
      // A marked clock jump is not a silence: the run goes on.
      // Where sdclient's runs begin with a banner, a run's silence is a hang (the next run would
      // have a banner of its own, and every distribution is a run of its own): hours of it split a
      // run only where no banner is known.
      else if (!input.singleTask && !event.clockJump && silence > (waiting || (hasBanners && input.process === 'sdclient') ? WAITING_GAP_MS : gap)) reason = 'gap';
      else if (!input.singleTask && boundaryBetween(splits, previous.time, event.time)) reason = 'next-start';
    }
    if (current && reason) {
      current.closedBy = reason;
      windows.push(current);
      current = null;
    }
    if (!current) {
      current = open(input.process, input.file, event);
      commandLineSeen = false;
      waiting = false;
    }
    if (event.kind === 'command-line') commandLineSeen = true;
    if (event.kind === 'waiting') waiting = true;
    else if (event.kind === 'wait-finished' || event.kind === 'scanning' || event.kind === 'process-exit') waiting = false;
    absorb(current, event);
    previous = event;
  }
  if (current) {
    current.closedBy = previous?.kind === 'process-exit' ? 'exit-line' : 'end-of-file';
    windows.push(current);
  }
  return windows;
}

/** Lines of the same run written to two files start and end within this of each other. */
const SAME_RUN_MS = 5_000;

function sameRun(a: Window, b: Window): boolean {
  if (a.process !== b.process || a.file === b.file) return false;
  const overlap = a.start <= b.end + SAME_RUN_MS && b.start <= a.end + SAME_RUN_MS;
  if (a.taskId !== undefined && b.taskId !== undefined) return a.taskId === b.taskId && overlap;
  return Math.abs(a.start - b.start) <= SAME_RUN_MS && Math.abs(a.end - b.end) <= SAME_RUN_MS;
}

/** Notes that the kept window at `index` carries `taskId` (once, however often it is said). */
function addIndex(byTask: Map<string, Set<number>>, taskId: string, index: number): void {
  const indexes = byTask.get(taskId);
  if (indexes === undefined) byTask.set(taskId, new Set([index]));
  else indexes.add(index);
}

/**
 * One run, one window: an agent may write the same sdclient run to sdclient.log and to its
 * sdclient_task<ID>.log. Two windows of it would read as two sdclients at once. The run keeps
 * the window that says more (its evidence cites one file) and takes what only the other knew.
 */
function mergeSameRuns(windows: Window[]): Window[] {
  // In start order, a twin without a shared task id started within SAME_RUN_MS before: the
  // search looks back only that far, and twins with task ids are found by id, so the merge is
  // O(n log n), not a scan of every window kept for each window.
  const ordered = [...windows].sort((a, b) => a.start - b.start);
  const kept: Window[] = [];
  // Insertion-ordered sets: a twin is looked for in the order the windows were kept.
  const byTask = new Map<string, Set<number>>();
  const twinOf = (window: Window): number | undefined => {
    for (const index of window.taskId !== undefined ? byTask.get(window.taskId) ?? [] : []) {
      const k = kept[index];
      if (k && sameRun(k, window)) return index;
    }
    for (let index = kept.length - 1; index >= 0; index -= 1) {
      const k = kept[index];
      if (!k) continue;
      if (k.start < window.start - SAME_RUN_MS) break;
      if (sameRun(k, window)) return index;
    }
    return undefined;
  };
  for (const window of ordered) {
    const index = twinOf(window);
    const twin = index === undefined ? undefined : kept[index];
    if (index === undefined || !twin) {
      kept.push(window);
      if (window.taskId !== undefined) addIndex(byTask, window.taskId, kept.length - 1);
      continue;
    }
    const [rich, poor] = twin.keyEvents.length >= window.keyEvents.length ? [twin, window] : [window, twin];
    if (rich !== twin) kept[index] = rich;
    rich.taskId ??= poor.taskId;
    if (rich.taskId !== undefined) addIndex(byTask, rich.taskId, index);
    rich.packageName ??= poor.packageName;
    rich.resultCode ??= poor.resultCode;
    rich.exitCode ??= poor.exitCode;
    rich.refusedBy ??= poor.refusedBy;
    if (poor.downloadError) rich.downloadError = true;
  }
  return kept;
}

function folderOf(file: string): string {
  return file.slice(0, file.lastIndexOf('/') + 1);
}

/**
 * vulscan.log rotates into vulscan.1.log, vulscan.2.log … (higher numbers hold older lines),
 * often in the middle of a scan. A run cut by the rotation is one run: the older file's last
 * window (no exit line) continues into the newer file's first (no start banner).
 */
function joinRotations(inputs: readonly WindowInput[], perInput: Window[][]): void {
  const chains = new Map<string, { rotation: number; windows: Window[] }[]>();
  inputs.forEach((input, index) => {
    const name = input.file.slice(input.file.lastIndexOf('/') + 1);
    const windows = perInput[index];
    if (!windows || !/^vulscan(\.\d+)?\.log$/i.test(name)) return;
    const key = folderOf(input.file);
    const list = chains.get(key) ?? [];
    list.push({ rotation: rotationIndex(name), windows });
    chains.set(key, list);
  });
  for (const list of chains.values()) {
    list.sort((a, b) => b.rotation - a.rotation);
    for (let i = 0; i + 1 < list.length; i += 1) {
      const older = list[i]?.windows;
      const newer = list[i + 1]?.windows;
      const tail = older?.[older.length - 1];
      const head = newer?.[0];
      if (!older || !newer || !tail || !head || tail.closedBy !== 'end-of-file' || head.firstEvent.kind === 'process-start') continue;
      if (head.start < tail.end - 2_000 || head.start - tail.end > RUN_GAP_MS.vulscan) continue;
      // The joined run starts in the older file and ends in the newer one: endLine is lastEvent.file's.
      for (const event of [head.firstEvent, ...head.keyEvents, head.lastEvent]) absorb(tail, event);
      tail.keyEvents = [...new Set(tail.keyEvents)];
      tail.closedBy = head.closedBy;
      newer.shift();
    }
  }
}

/** All windows of a device, ordered by start, with ids such as "vulscan#2". */
export function buildWindows(inputs: readonly WindowInput[], boundaries: RunBoundaries): Window[] {
  const sorted: RunBoundaries = {
    sdclient: [...boundaries.sdclient].sort((a, b) => a - b),
    vulscan: [...boundaries.vulscan].sort((a, b) => a - b),
    policysync: [...boundaries.policysync].sort((a, b) => a - b),
  };
  const perInput = inputs.map((input) => windowsOfFile(input, sorted));
  joinRotations(inputs, perInput);
  const windows = mergeSameRuns(perInput.flat());
  windows.sort((a, b) => a.start - b.start || a.end - b.end);
  const counters: Record<ProcessName, number> = { sdclient: 0, vulscan: 0, policysync: 0 };
  for (const window of windows) {
    counters[window.process] += 1;
    window.id = `${window.process}#${counters[window.process]}`;
  }
  return windows;
}
