// The programmatic API: options in, reports out. No printing, no process.exit: the CLI (and
// any other caller) decides what to do with the result.
import { UsageError } from './errors.js';
import type { PassedOverKind } from './ingest/bundles.js';
import { PassedOverTally } from './passed-over.js';
import { parseTimestampValue } from './parsers/timestamp.js';
import { buildReport, SummaryBuilder } from './report.js';
import { mineTimeline, suggestFrom, TemplateMiner } from './suggest/index.js';
import { eventIso, isoTime } from './timeline/iso.js';
import { gatheringEntries, type GatheringEntry } from './timeline/gathering.js';
import type { DeviceReport, DeviceTimeline, Event, Report, TimelineEntry, TimelineReport, Window, WindowSummary } from './types.js';

// The report's shapes, for a program that imports the API: `import { diagnose, type Report } from 'ldforensics'`.
export type {
  ActivityItem, ActivityLane, Confidence, DeviceReport, DeviceTimeline, DeviceTiming, EvidenceLine, FileReport, Finding, Report, RunReport,
  Severity, SkippedFile, Summary, TimelineEntry, TimelineReport, UnparsedLine, WindowSummary,
} from './types.js';

import type { CommonOptions } from './options.js';

export type { CommonOptions } from './options.js';

export interface TimelineOptions extends CommonOptions {
  /** Wall-clock bounds, e.g. "2026-03-09 10:00". */
  since?: string;
  until?: string;
}
import { loadDevices, prepare } from './fleet/prepared.js';
import { diagnoseDevices } from './fleet/pipeline.js';

export { isWanted, namesAnsweredTo, shardKey } from './fleet/prepared.js';
export { diagnosePlanned, piecesOfPlanned } from './fleet/device-run.js';
export { diagnoseDevices, diagnosePieces } from './fleet/pipeline.js';

/** Diagnoses every device and summarises the fleet. */
export async function diagnose(options: CommonOptions): Promise<Report> {
  const devices: DeviceReport[] = [];
  // What the share held that was not read is part of the report, as the CLI gives it.
  const passedOver = new PassedOverTally();
  const given = options.onPassedOver;
  const onPassedOver = (display: string, kind: PassedOverKind): void => {
    passedOver.add(display, kind);
    given?.(display, kind);
  };
  for await (const device of diagnoseDevices({ ...options, onPassedOver })) devices.push(device);
  const report = buildReport(devices);
  const notRead = passedOver.summary();
  return notRead ? { ...report, summary: { ...report.summary, passedOver: notRead } } : report;
}

export interface SuggestOptions extends CommonOptions {
  /** How many patterns the draft holds at the most. */
  top?: number;
}

/** `patterns suggest`: the lines no pattern recognised, across the devices, as a draft pattern pack. */
export async function suggestPatterns(options: SuggestOptions): Promise<ReturnType<typeof suggestFrom> & { devices: number }> {
  const prepared = prepare(options);
  const miner = new TemplateMiner();
  let devices = 0;
  for await (const loaded of loadDevices(options, prepared)) {
    if ('error' in loaded) continue;
    devices += 1;
    mineTimeline(miner, loaded.timeline);
  }
  const userPacks = prepared.patterns.packs.slice(0, -1);
  return { ...suggestFrom(miner, { ...(options.top !== undefined ? { top: options.top } : {}), existing: userPacks }), devices };
}

/** True when nothing at all could be read: the CLI's exit code 2. */
export function nothingReadable(devices: readonly { files: readonly unknown[] }[]): boolean {
  return devices.every((d) => d.files.length === 0);
}

/** True when a device failed or has an error finding: the CLI's exit code 1. */
export function hasFailures(report: Report): boolean {
  // One definition of "failed", shared with the CLI's streamed runs.
  const fleet = new SummaryBuilder();
  for (const device of report.devices) fleet.add(device);
  return fleet.failed;
}

/** A bound: a wall-clock time, or (a time of day alone, "09:41") that time on each device's own day. */
type Bound = { at: number } | { timeOfDay: number } | undefined;

const TIME_OF_DAY = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;

function bound(text: string | undefined, name: string): Bound {
  if (text === undefined) return undefined;
  const clock = TIME_OF_DAY.exec(text.trim());
  if (clock) {
    const [h, m, sec] = [Number(clock[1]), Number(clock[2]), Number(clock[3] ?? 0)];
    if (h > 23 || m > 59 || sec > 59) throw new UsageError(`${name}: "${text}" is no time of day`);
    return { timeOfDay: ((h * 60 + m) * 60 + sec) * 1000 };
  }
  return { at: wallBound(text, name) };
}

/** A bound's wall time on a device whose day is `day` (midnight, wall ms). */
function boundOn(b: Bound, day: number | undefined): number | undefined {
  if (b === undefined) return undefined;
  if ('at' in b) return b.at;
  return day === undefined ? undefined : day + b.timeOfDay;
}

/**
 * The device's day: that of its last logged line. A task list's entries stand at the tasks'
 * planned starts (the next day, the year 3000), which are no day of the device's.
 */
function dayOf(events: readonly Event[]): number | undefined {
  for (let i = events.length - 1; i >= 0; i -= 1) {
    const event = events[i];
    if (event && event.kind !== 'task-listed') return Math.floor(event.time / 86_400_000) * 86_400_000;
  }
  return undefined;
}

function wallBound(text: string, name: string): number {
  const full = /^\d{4}-\d{2}-\d{2}$/.test(text.trim()) ? `${text.trim()} 00:00:00` : /^\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}$/.test(text.trim()) ? `${text.trim()}:00` : text;
  const time = parseTimestampValue(full);
  if (time === null) throw new UsageError(`${name}: cannot read "${text}" as a time`, 'Use the device\'s wall clock, e.g. 2026-03-09 10:00 or "09 Mar 2026 10:00:00".');
  return time;
}

function entryOf(event: Event, zone: string | undefined): TimelineEntry {
  const fields: Record<string, string | number> = {};
  const skip = new Set(['kind', 'source', 'file', 'line', 'time', 'text', 'utc', 'clockJump']);
  for (const [key, value] of Object.entries(event)) {
    if (skip.has(key) || value === undefined) continue;
    if (key === 'start' && typeof value === 'number') fields.start = isoTime(value, zone);
    else if (typeof value === 'string' || typeof value === 'number') fields[key] = value;
  }
  const entry: TimelineEntry = { time: eventIso(event, zone), file: event.file, line: event.line, source: event.source, kind: event.kind, text: event.text, fields };
  if (event.clockJump) entry.clockJumpSeconds = Math.round(event.clockJump.deltaMs / 1000);
  return entry;
}

function gatheringEntryOf(entry: GatheringEntry, zone: string | undefined): TimelineEntry {
  return {
    time: isoTime(entry.time, zone), file: entry.seen.file, line: entry.seen.line, source: 'process-list', kind: 'running-at-gathering', text: entry.text,
    fields: { process: entry.seen.process, command: entry.seen.text, timeFrom: entry.timeFrom },
  };
}

function windowSummary(window: Window, zone: string | undefined): WindowSummary {
  const summary: WindowSummary = {
    id: window.id, process: window.process, file: window.file, startLine: window.startLine, endLine: window.endLine,
    start: isoTime(window.start, zone), end: isoTime(window.end, zone), closedBy: window.closedBy,
  };
  if (window.taskId) summary.taskId = window.taskId;
  if (window.packageName) summary.packageName = window.packageName;
  if (window.exitCode !== undefined) summary.exitCode = window.exitCode;
  if (window.resultCode !== undefined) summary.resultCode = window.resultCode;
  if (window.refusedBy) summary.refusedBy = window.refusedBy;
  if (window.waitStart !== undefined) summary.waitStart = isoTime(window.waitStart, zone);
  if (window.scanStart !== undefined) summary.scanStart = isoTime(window.scanStart, zone);
  return summary;
}

/** Each device's merged timeline as it is read: a fleet's timelines are never all held at once. */
export async function* timelineDevices(options: TimelineOptions): AsyncGenerator<DeviceTimeline> {
  const prepared = prepare(options);
  const since = bound(options.since, '--since');
  const until = bound(options.until, '--until');
  for await (const loaded of loadDevices(options, prepared)) {
    if ('error' in loaded) {
      yield { device: loaded.device, entries: [], windows: [], files: [], skipped: [], notes: [], errors: [`could not read this bundle: ${loaded.error instanceof Error ? loaded.error.message : String(loaded.error)}`] };
      continue;
    }
    let shown: DeviceTimeline;
    try {
      const day = dayOf(loaded.timeline.events);
      const from = boundOn(since, day);
      const to = boundOn(until, day);
      const inBounds = (time: number): boolean => (from === undefined || time >= from) && (to === undefined || time <= to);
      const events = loaded.timeline.events.filter((e) => inBounds(e.time));
      // Gathered after every line: last, at their time.
      const gathering = gatheringEntries(loaded.runningAtGathering ?? [], loaded.timeline.events).filter((g) => inBounds(g.time));
      shown = {
        device: loaded.device,
        entries: [...events.map((e) => entryOf(e, prepared.zone)), ...gathering.map((g) => gatheringEntryOf(g, prepared.zone))],
        windows: loaded.timeline.windows.map((w) => windowSummary(w, prepared.zone)),
        files: loaded.files,
        skipped: loaded.skipped,
        notes: loaded.timeline.notes,
        errors: loaded.errors,
      };
    } catch (error) {
      // The device's guard covers what is made of its timeline too.
      shown = { device: loaded.device, entries: [], windows: [], files: loaded.files, skipped: loaded.skipped, notes: [], errors: [`could not show this bundle's timeline: ${error instanceof Error ? error.message : String(error)}`] };
    }
    yield shown;
  }
}

/** The line accounting of the devices shown: parsed plus unparsed equals lines, always. */
export function timelineTotals(devices: readonly Pick<DeviceTimeline, 'files'>[]): TimelineReport['totals'] {
  const files = devices.flatMap((d) => d.files);
  return {
    devices: devices.length,
    files: files.length,
    lines: files.reduce((s, f) => s + f.lines, 0),
    parsed: files.reduce((s, f) => s + f.parsed, 0),
    unparsed: files.reduce((s, f) => s + f.unparsed, 0),
  };
}

/** Every device's merged timeline, as the `timeline` command shows it. */
export async function timelines(options: TimelineOptions): Promise<TimelineReport> {
  const devices: DeviceTimeline[] = [];
  for await (const device of timelineDevices(options)) devices.push(device);
  return { schema: 'ldforensics.timeline/1', devices, totals: timelineTotals(devices) };
}
