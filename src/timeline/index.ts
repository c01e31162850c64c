// One device's timeline: every file's events on one wall-clock axis, merged in time order,
// with the runs (activity windows), the provisioning actions and the clock jumps that the
// rules read.
import { firstPast, itself } from '../arrays.js';
import { taskIdFromFileName } from '../ingest/names.js';
import type { Event, LogKind, ProcessName, Timeline } from '../types.js';
import { buildActions, isDistributionType } from './actions.js';
import { anchorUtcEvents } from './anchor.js';
import { markClockJumps, type SilenceWitness } from './clock.js';
import { mergeEventStreams } from './merge.js';
import { correctSkewedFiles } from './skew.js';
import { lastLogLineTime } from './runs.js';
import { buildWindows, type RunBoundaries, type WindowInput } from './windows.js';

/** One parsed file, in the order the bundle lists its files (the merge's tie-break). */
export interface FileEvents {
  file: string;
  fileName: string;
  kind: LogKind;
  events: Event[];
}

export interface TimelineOptions {
  /** The devices' zone (--tz), used to put the UTC .stat times on the wall clock. */
  zone?: string;
}

const PROCESS_LOGS: Partial<Record<LogKind, ProcessName>> = { sdclient: 'sdclient', vulscan: 'vulscan', policysync: 'policysync' };

function runBoundaries(files: readonly FileEvents[]): RunBoundaries {
  const boundaries: Record<ProcessName, number[]> = { sdclient: [], vulscan: [], policysync: [] };
  for (const { events } of files) {
    for (const event of events) {
      if (event.kind === 'task-launched' && event.process) boundaries[event.process].push(event.time);
      // A template moves to its next action when one ends: the shared sdclient.log starts a new run.
      // Only distribution actions run sdclient: an OS step's result (partition, image, reboot) says
      // nothing about sdclient, and across a clock jump it can fall inside a later run's span.
      // The result is logged after the run's last lines, often in the same second: the boundary
      // lies just after that second's lines (1 ms later), where a launch lies just before its run's.
      if (event.kind === 'action-result' && isDistributionType(event.actionType)) boundaries.sdclient.push(event.time + 1);
    }
  }
  return boundaries;
}

/** Asks the device's other timestamped files whether a silence in one file was time that passed. */
function silenceWitness(files: readonly FileEvents[], self: FileEvents): SilenceWitness {
  // Each other file's times, sorted once: every question is then a binary search, not a scan.
  const others = files.filter((f) => f !== self && TIMESTAMPED.has(f.kind) && f.events.length > 0)
    .map((f) => f.events.map((e) => e.time).sort((a, b) => a - b));
  return (from, to) => {
    let spanned = false;
    for (const times of others) {
      const after = firstPast(times, from + TOLERANCE_MS, itself);
      if (after < times.length && (times[after] ?? Infinity) < to - TOLERANCE_MS) return 'written';
      if ((times[0] ?? Infinity) <= from && (times[times.length - 1] ?? -Infinity) >= to) spanned = true;
    }
    return spanned ? 'skipped' : 'unknown';
  };
}

const TIMESTAMPED = new Set<LogKind>(['sdclient', 'vulscan', 'policysync', 'localsch', 'provisioning', 'provision-gui']);
/** Two files' lines about one moment differ by a few seconds. */
const TOLERANCE_MS = 5_000;

const PROVISIONING_LOGS = new Set<LogKind>(['provisioning', 'provision-gui']);

export function buildTimeline(device: string, files: readonly FileEvents[], options: TimelineOptions = {}): Timeline {
  // Before anything reads a time: a file dated years ahead would otherwise be a template run of its own.
  const clockSkews = correctSkewedFiles(files.filter((f) => TIMESTAMPED.has(f.kind))
    .map((f) => ({ file: f.file, provisioning: PROVISIONING_LOGS.has(f.kind), events: f.events })));
  const clockJumps = files.flatMap((f) => markClockJumps(f.events, silenceWitness(files, f)));
  const inputs: WindowInput[] = [];
  for (const file of files) {
    const process = PROCESS_LOGS[file.kind];
    if (!process) continue;
    inputs.push({
      process,
      file: file.file,
      singleTask: process === 'sdclient' && taskIdFromFileName(file.fileName) !== null,
      events: file.events,
    });
  }
  const windows = buildWindows(inputs, runBoundaries(files));
  const notes: string[] = [];
  const statusEvents = files.filter((f) => f.kind === 'task-status').flatMap((f) => f.events);
  const anchored = anchorUtcEvents(statusEvents.filter((e) => e.untimed !== true), windows, options.zone);
  if (anchored) notes.push(anchored);
  placeUntimed(statusEvents, files);
  const events = mergeEventStreams(files.map((f) => f.events));
  const actions = buildActions(events, windows);
  return { device, events, windows, actions, clockJumps, clockSkews, notes, ...(anchored ? { statTimes: anchored } : {}) };
}

/**
 * A status without a time of its own (Event.untimed) sits after the device's last log line: the
 * status file is written when its task ends, and where no log line says when, its place is after
 * what the logs show. Where there is no log line, after the latest timed status; where there is
 * neither, it keeps the file's modification time the parser gave it (as good as the copy kept it).
 */
function placeUntimed(statusEvents: readonly Event[], files: readonly FileEvents[]): void {
  const untimed = statusEvents.filter((e) => e.untimed === true);
  if (untimed.length === 0) return;
  let last = lastLogLineTime(files.flatMap((f) => f.events));
  if (last === -Infinity) for (const event of statusEvents) if (event.untimed !== true && event.time > last) last = event.time;
  if (last === -Infinity) return;
  for (const event of untimed) event.time = last;
}
