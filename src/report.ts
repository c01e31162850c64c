// The report model every renderer reads: one DeviceReport per device (verdict, findings,
// files, what the swimlanes draw), and a fleet summary.
import path from 'node:path';
import type { LoadedDevice } from './device.js';
import { gatheredDateOf } from './ingest/gathered.js';
import type { RuleFinding } from './rules/engine.js';
import { evidenceLine } from './rules/engine.js';
import { isDistribution, runFailed } from './timeline/actions.js';
import { isoTime } from './timeline/iso.js';
import { timingOf } from './timing.js';
import { rules } from './rules/index.js';
import { INCOMPLETE, NO_FAILURE, NO_TEMPLATE_LOGS, RACE_VERDICTS, UNREADABLE, VERDICT_EXPLANATIONS, WORDING_NOT_RECOGNISED, type RunVerdict, type Verdict } from './rules/verdict.js';
import { runNumberAt, templateRuns } from './timeline/runs.js';
import type { ActivityItem, ActivityLane, DeviceReport, Event, EvidenceLine, FileReport, LogKind, Report, RunReport, SkippedFile, Summary, Timeline, Window } from './types.js';
import { logKindFromFileName } from './ingest/names.js';
import { codeMeaning } from './parsers/code-meanings.js';

/** Lines shown before and after an unexplained failure. */
const CONTEXT_BEFORE = 10;
const CONTEXT_AFTER = 4;

function phasesOf(window: Window, zone?: string): ActivityItem['phases'] {
  const iso = (t: number): string => isoTime(t, zone);
  const waitStart = window.waitStart;
  const workStart = window.scanStart ?? window.waitEnd;
  const work = window.process === 'vulscan' ? 'scanning' : 'running';
  if (waitStart === undefined) {
    if (workStart === undefined || workStart <= window.start) return [{ phase: work, start: iso(window.start), end: iso(window.end) }];
    return [{ phase: 'running', start: iso(window.start), end: iso(workStart) }, { phase: work, start: iso(workStart), end: iso(window.end) }];
  }
  const waitEnd = workStart ?? window.end;
  const phases: NonNullable<ActivityItem['phases']> = [];
  if (waitStart > window.start) phases.push({ phase: 'running', start: iso(window.start), end: iso(waitStart) });
  phases.push({ phase: 'waiting', start: iso(waitStart), end: iso(waitEnd) });
  if (waitEnd < window.end) phases.push({ phase: work, start: iso(waitEnd), end: iso(window.end) });
  return phases;
}

function windowItem(window: Window, zone?: string): ActivityItem {
  const item: ActivityItem = {
    start: isoTime(window.start, zone),
    end: isoTime(window.end, zone),
    label: window.process === 'sdclient'
      ? window.packageName ?? (window.taskId ? `task ${window.taskId}` : 'sdclient run')
      : window.process === 'vulscan' ? 'vulscan' : 'policy sync',
    file: window.file,
    line: window.startLine,
  };
  if (window.process === 'sdclient') {
    if (runFailed(window)) item.failed = true;
  } else {
    item.phases = phasesOf(window, zone);
  }
  return item;
}

/** What the HTML swimlanes draw: runs per process, scheduler launches, provisioning actions. */
export function activityLanes(timeline: Timeline, zone?: string): ActivityLane[] {
  const lanes: ActivityLane[] = (['sdclient', 'vulscan', 'policysync'] as const).map((process) => ({
    lane: process,
    items: timeline.windows.filter((w) => w.process === process).map((w) => windowItem(w, zone)),
  }));
  lanes.push({
    lane: 'scheduler',
    items: timeline.events.filter((e) => e.kind === 'task-launched').map((e) => ({
      start: isoTime(e.time, zone), end: isoTime(e.time, zone), label: `launch ${e.process ?? `task ${e.taskId ?? '?'}`}`, file: e.file, line: e.line,
    })),
  });
  let previous: number | undefined;
  const provisioning: ActivityItem[] = [];
  for (const action of timeline.actions) {
    // An action lasts from the previous action's result to its own.
    const start = previous ?? action.event.time;
    const item: ActivityItem = {
      start: isoTime(Math.min(start, action.event.time), zone),
      end: isoTime(action.event.time, zone),
      label: `${action.number !== undefined ? `${action.number}. ` : ''}${action.name ?? 'action'}${isDistribution(action) ? '' : ` (${action.type ?? ''})`}`,
      file: action.event.file,
      line: action.event.line,
    };
    if (action.failed) item.failed = true;
    provisioning.push(item);
    previous = action.event.time;
  }
  lanes.push({ lane: 'provisioning', items: provisioning });
  return lanes;
}

/** The merged lines around an unexplained failure, so the reader sees what happened. */
function contextLines(timeline: Timeline, verdict: Verdict, zone?: string): EvidenceLine[] {
  const at = verdict.failure?.event;
  if (!at) return [];
  const events = timeline.events;
  const index = events.indexOf(at);
  if (index < 0) return [evidenceLine(at, zone)];
  // A scheduler listing's entry sits at its task's next start (often 01 Jan 3000): a schedule,
  // not something that happened around the failure.
  const happened = (e: Event): boolean => e.kind !== 'task-listed';
  const before: Event[] = [];
  for (let i = index - 1; i >= 0 && before.length < CONTEXT_BEFORE; i -= 1) {
    const e = events[i];
    if (e && happened(e)) before.push(e);
  }
  const after: Event[] = [];
  for (let i = index + 1; i < events.length && after.length < CONTEXT_AFTER; i += 1) {
    const e = events[i];
    if (e && happened(e)) after.push(e);
  }
  return [...before.reverse(), at, ...after].map((e) => evidenceLine(e, zone));
}

function timingField(timeline: Timeline, zone?: string): Pick<DeviceReport, 'timing'> {
  const timing = timingOf(timeline, zone);
  return timing ? { timing } : {};
}

/**
 * The timeline's notes that matter to this report: how the .stat files' UTC times were placed
 * is said only where a line the report shows (evidence, lines around the failure) came from one.
 */
function notesShown(timeline: Timeline, findings: readonly RuleFinding[], context: readonly EvidenceLine[]): string[] {
  const notes = timeline.notes.filter((note) => note !== timeline.statTimes);
  if (timeline.statTimes === undefined) return notes;
  const fromStat = (file: string): boolean => /\.stat$/i.test(file);
  const shown = findings.some((f) => f.finding.evidence.some((e) => fromStat(e.file))) || context.some((e) => fromStat(e.file));
  return shown ? [...notes, timeline.statTimes] : notes;
}

/** The verdict's plain-language sentence: the rule's own, or the one for a verdict no rule stands for. */
export function explanationOf(verdict: string): string {
  const rule = Object.values(rules).find((r) => r.meta.id === verdict);
  return rule?.meta.explanation ?? VERDICT_EXPLANATIONS[verdict] ?? verdict;
}

function runReport(judged: RunVerdict, zone?: string): RunReport {
  const { run, failure, finding, unfinished } = judged;
  const report: RunReport = {
    run: run.number,
    start: isoTime(run.start, zone),
    end: isoTime(run.end, zone),
    startedBy: run.startedBy,
    ...(run.template !== undefined ? { template: run.template } : {}),
    verdict: judged.verdict,
    failedPackage: failure?.packageName ?? unfinished?.actionName ?? null,
    failedAction: failure?.action?.number ?? unfinished?.actionNumber ?? null,
  };
  if (failure?.code !== undefined) report.failedCode = failure.code;
  if (finding) report.finding = { rule: finding.finding.rule, confidence: finding.finding.confidence, message: finding.finding.message };
  return report;
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/** An earlier run in a few words: "run 1 failed: <why> (<rule>)". */
function earlierRun(run: RunReport): string {
  if (run.verdict === NO_FAILURE) return `run ${run.run} had no failure`;
  const what = run.finding?.message.replace(/\.$/, '') ?? explanationOf(run.verdict).replace(/\.$/, '');
  return `run ${run.run} ${run.verdict === INCOMPLETE ? 'did not finish' : 'failed'}: ${what} (${run.verdict})`;
}

/** What the history adds to the verdict's sentence: the run that decides, and how the earlier ones ended. */
function historySentence(runs: readonly RunReport[]): string {
  const latest = runs[runs.length - 1];
  const earlier = runs.slice(0, -1);
  if (!latest || earlier.length === 0) return '';
  const failedBefore = earlier.filter((r) => r.verdict !== NO_FAILURE);
  const lead = latest.verdict === NO_FAILURE && failedBefore.length > 0
    ? `Succeeded on the ${ordinal(latest.run)} run`
    : `This is the ${ordinal(latest.run)} template run in these logs, and it decides the verdict`;
  return ` ${lead}; ${earlier.map(earlierRun).join('; ')}.`;
}

/** The logs whose absence leaves a verdict unproven: the task's run, the template's actions, the task's status; and files whose name says nothing (they may be any of these). */
const DECISIVE_KINDS = new Set<LogKind>(['sdclient', 'provisioning', 'provision-gui', 'task-status']);

function isDecisiveLog(file: string): boolean {
  const kind = logKindFromFileName(file.split('/').pop() ?? file);
  return kind === null || DECISIVE_KINDS.has(kind);
}

/**
 * Decisive logs that hold lines of which none could be read (binary data, another encoding): as
 * unread as a file that could not be opened. An empty file is not one: it was read, and is empty.
 */
function illegibleDecisive(files: readonly FileReport[]): SkippedFile[] {
  return files.filter((f) => DECISIVE_KINDS.has(f.kind) && f.lines > 0 && f.parsed === 0)
    .map((f) => ({ path: f.path, reason: `none of its ${f.lines} lines could be read as a ${f.kind} log entry (binary data, or text in an encoding not told)` }));
}

/** What a bundle without the template's logs held instead: "What this bundle holds: vulscan.log (32 lines read), sdclient.log (empty)." */
function heldSentence(files: readonly FileReport[]): string {
  const held = files.map((f) => `${path.basename(f.path.replace(/\\/g, '/'))} (${f.parsed === 0 ? 'empty' : `${f.parsed} ${f.parsed === 1 ? 'line' : 'lines'} read`})`);
  return `What this bundle holds: ${held.slice(0, 6).join(', ')}${held.length > 6 ? `, and ${held.length - 6} more` : ''}.`;
}

function unreadSentence(files: readonly SkippedFile[]): string {
  const list = files.map((f) => `${f.path.split('/').pop() ?? f.path} (${f.reason.replace(/^cannot be read: /, '')})`).join('; ');
  return `Key logs of this bundle could not be read: ${list}. What was read shows no failure, but the unread logs may hold one, so the device is not called healthy. Read the bundle with an account that may open these files, or gather them again.`;
}

/** What a failed .stat says where no log line stands for the task, and what the logs beside it held. */
function statusSentence(event: Event, loaded: LoadedDevice): string {
  const file = event.file.split('/').pop() ?? event.file;
  const meaning = event.code !== undefined ? codeMeaning(event.code) : undefined;
  const code = event.code !== undefined ? `, return code ${event.code}${meaning ? ` (${meaning.name ? `${meaning.name}: ` : ''}${meaning.text})` : ''}` : '';
  const logs = loaded.files.filter((f) => f.kind !== 'task-status');
  const empty = logs.filter((f) => f.lines === 0 || f.parsed === 0).map((f) => f.path.split('/').pop() ?? f.path);
  const beside = logs.length === 0 ? ' No log of the task\'s run is in this bundle.'
    : empty.length === logs.length ? ` The logs beside it hold no entry: ${empty.join(', ')} ${empty.length === 1 ? 'is' : 'are'} empty or unreadable.` : ' No log line shows the task\'s run.';
  const when = event.untimed === true ? ' It gives no time of its own (no usable <LastRunTime>).' : '';
  return ` Task ${event.taskId ?? '?'}'s status file (${file}) says ${event.statusName ?? 'failed'} (status ${event.status ?? '?'})${code}.${when}${beside}`;
}

/** The sentence for an action begun where the logs end. */
function unfinishedSentence(event: Event, lastTime: number, zone?: string): string {
  const name = event.actionName !== undefined ? ` "${event.actionName}"` : '';
  const type = event.actionType !== undefined ? ` (${event.actionType})` : '';
  const number = event.actionNumber !== undefined ? `action ${event.actionNumber}` : 'an action';
  return ` The last action started is ${number}${name}${type}, at ${isoTime(event.time, zone)}; the logs end at ${isoTime(lastTime, zone)}.`;
}

export function deviceReport(loaded: LoadedDevice, findings: readonly RuleFinding[], verdict: Verdict, zone?: string): DeviceReport {
  const { timeline } = loaded;
  const failure = verdict.failure;
  // No file read, or no line of them read as a log entry, means nothing to judge: never
  // "no-failure" on the strength of an empty folder, or of files that were all empty or binary.
  const nothingUsable = loaded.files.length > 0 && timeline.events.length === 0;
  const unreadable = loaded.files.length === 0 || nothingUsable;
  // A decisive log that could not be read leaves "no failure" unproven: it may hold the failure.
  // So does one opened but not a log inside (binary, or an encoding not told): nothing of it was read.
  const unreadDecisive = [...loaded.readErrors.filter((f) => isDecisiveLog(f.path)), ...illegibleDecisive(loaded.files)];
  const unprovenHealthy = !unreadable && unreadDecisive.length > 0 && (verdict.verdict === NO_FAILURE || verdict.verdict === INCOMPLETE);
  // Logs read, timestamps and all, in words no pattern knows: "no failure" would only mean "not understood".
  const unknownWording = !unreadable && !unprovenHealthy && (verdict.verdict === NO_FAILURE || verdict.verdict === INCOMPLETE)
    ? wordingNotRecognised(loaded.files) : null;
  // Logs read, but none of those that record the template (a vulscan.log alone): nothing failed in them, and nothing could have.
  const templateUnseen = !unreadable && !unprovenHealthy && unknownWording === null && verdict.verdict === NO_FAILURE
    && !loaded.files.some((f) => DECISIVE_KINDS.has(f.kind) && f.parsed > 0);
  const verdictId = unreadable || unprovenHealthy ? UNREADABLE : unknownWording ? WORDING_NOT_RECOGNISED : templateUnseen ? NO_TEMPLATE_LOGS : verdict.verdict;
  const context = verdict.verdict === 'unexplained-failure' ? contextLines(timeline, verdict, zone) : [];
  // A device with a history: the earlier runs' findings (their causes, their fixes) are the
  // history's, shown with each run; what is advised is for the latest run.
  const history = verdict.runs.length > 1 || verdict.before !== undefined;
  const lastRun = verdict.runs[verdict.runs.length - 1]?.run;
  const split = templateRuns(timeline);
  const shown = history && lastRun ? findings.filter((f) => runNumberAt(split, f.at) === lastRun.number) : findings;
  const runs = history ? verdict.runs.map((r) => runReport(r, zone)) : [];
  const explanation = (unprovenHealthy ? unreadSentence(unreadDecisive) : explanationOf(verdictId))
    + (unknownWording ? ` ${unknownWording}` : '')
    + (templateUnseen ? ` ${heldSentence(loaded.files)}` : '')
    + (!unreadable && failure?.event.kind === 'task-status' ? statusSentence(failure.event, loaded) : '')
    + (!unreadable && verdict.unfinished && lastRun ? unfinishedSentence(verdict.unfinished, lastRun.end, zone) : '')
    + (unreadable ? '' : historySentence(runs));
  const unfinished = unreadable ? undefined : verdict.unfinished;
  // Where the bundle is (an unzipped copy keeps the zip's name as its folder), or inside a fleet zip its files' folder.
  const gathered = (loaded.source !== undefined ? gatheredDateOf(loaded.source) : undefined)
    ?? (loaded.files[0] ? gatheredDateOf(path.dirname(loaded.files[0].path)) : undefined);
  return {
    device: loaded.device,
    // As the user gave its path: absolute stays absolute, relative is relative to where the tool runs.
    ...(loaded.source !== undefined ? { source: loaded.absoluteGiven ? loaded.source : path.relative(process.cwd(), loaded.source) || '.' } : {}),
    verdict: verdictId,
    explanation,
    findings: shown.map((f) => f.finding),
    files: loaded.files,
    skipped: loaded.skipped,
    failedPackage: failure?.packageName ?? unfinished?.actionName ?? null,
    failedAction: failure?.action?.number ?? unfinished?.actionNumber ?? null,
    failureTime: failure && failure.event.untimed !== true ? isoTime(failure.time, zone) : null,
    ...(failure?.code !== undefined ? { failedCode: failure.code } : {}),
    ...deviceFacts(timeline),
    ...(lastRun?.template !== undefined ? { template: lastRun.template } : {}),
    context,
    activity: activityLanes(timeline, zone),
    errors: nothingUsable ? [...loaded.errors, noUsableEntry(loaded)]
      : unreadable && loaded.errors.length === 0 && loaded.skipped.length === 0 ? ['no EPM log file found in this bundle'] : loaded.errors,
    notes: [
      ...notesShown(timeline, shown, context),
      ...(gathered !== undefined ? [`Gathered on ${gathered} (the gathering script's zip name).`] : []),
      ...(loaded.runningAtGathering ?? []).map((seen) => `Still running when these logs were gathered: ${seen.text} (${seen.file} line ${seen.line}).`),
    ],
    ...(gathered !== undefined ? { gathered } : {}),
    ...(loaded.group !== undefined ? { group: loaded.group } : {}),
    ...unrecognisedRunsOf(timeline),
    ...timingField(timeline, zone),
    ...(loaded.readErrors.length > 0 ? { readErrors: loaded.readErrors } : {}),
    ...(runs.length > 0 ? { runs } : {}),
    ...(verdict.before ? {
      before: {
        start: isoTime(verdict.before.start, zone), end: isoTime(verdict.before.end, zone), lines: verdict.before.events, files: verdict.before.files,
      },
    } : {}),
  };
}

/** What the logs say of the device itself: its template's name and its agent's version. */
function deviceFacts(timeline: Timeline): Pick<DeviceReport, 'template' | 'agentVersion'> {
  const facts: Pick<DeviceReport, 'template' | 'agentVersion'> = {};
  for (const event of timeline.events) {
    if (facts.template === undefined && event.templateName !== undefined) facts.template = event.templateName;
    if (facts.agentVersion === undefined && event.version !== undefined && (event.source === 'sdclient' || event.source === 'vulscan')) facts.agentVersion = event.version;
    if (facts.template !== undefined && facts.agentVersion !== undefined) break;
  }
  return facts;
}

/** Why a bundle whose files were all opened gave nothing to judge, file by file. */
function noUsableEntry(loaded: LoadedDevice): string {
  const files = loaded.files.map((f) => {
    const name = f.path.split('/').pop() ?? f.path;
    if (f.lines === 0) return `${name}: empty`;
    const reason = f.unparsedLines[0]?.reason;
    return `${name}: ${f.unparsed} of ${f.lines} lines unparsed${reason ? ` (${reason})` : ''}`;
  });
  return `no line of this bundle's ${loaded.files.length === 1 ? 'file' : `${loaded.files.length} files`} could be read as a log entry, so nothing can be judged: ${files.join('; ')}`;
}

/** Runs with not one line the patterns recognise: their wording is one the pack does not know. */
function unrecognisedRunsOf(timeline: Timeline): Pick<DeviceReport, 'unrecognisedRuns'> {
  const runs = timeline.windows.filter((w) => w.keyEvents.length === 0).length;
  return runs > 0 ? { unrecognisedRuns: runs } : {};
}

/** The template's own logs: where its actions and their distributions are told. */
const TEMPLATE_LOGS = new Set<FileReport['kind']>(['sdclient', 'provisioning', 'provision-gui']);

/**
 * Where the template's logs hold entries and a pattern knew none of them (a bundle in German,
 * say): the sentence that names them; else null.
 */
function wordingNotRecognised(files: readonly FileReport[]): string | null {
  const logs = files.filter((f) => TEMPLATE_LOGS.has(f.kind) && f.recognised !== undefined);
  if (logs.length === 0 || logs.some((f) => (f.recognised ?? 0) > 0)) return null;
  const entries = logs.reduce((n, f) => n + (f.unrecognised ?? 0), 0);
  return `${entries} timestamped ${entries === 1 ? 'entry' : 'entries'} in ${logs.map((f) => path.basename(f.path.replace(/\\/g, '/'))).join(', ')}, none recognised.`;
}

/** A device whose analysis failed: it stands in the report with the error, and the fleet goes on. */
export function failedDeviceReport(device: string, error: unknown): DeviceReport {
  return {
    device,
    verdict: UNREADABLE,
    explanation: explanationOf(UNREADABLE),
    findings: [],
    files: [],
    skipped: [],
    failedPackage: null,
    failedAction: null,
    failureTime: null,
    context: [],
    activity: [],
    errors: [`could not analyse this bundle: ${error instanceof Error ? error.message : String(error)}`],
    notes: [],
  };
}

/** Device names a summary keeps per verdict: a screen's worth, whatever the fleet size. */
export const SUMMARY_NAMES = 50;

/** A scan or sync was due during the provisioning window: the device may fail on its next run. */
export function isAtRisk(device: DeviceReport): boolean {
  return device.findings.some((f) => f.rule === 'scan-during-provisioning');
}

/** The provisioning-only agent (scan and sync in the far future) was in place. */
export function fixInPlace(device: DeviceReport): boolean {
  return device.findings.some((f) => f.rule === 'provisioning-agent-active');
}

/**
 * What the fleet summary needs of one device: small enough to send from a worker thread with
 * the device's rendered text instead of its whole report.
 */
export interface DeviceTally {
  device: string;
  verdict: DeviceReport['verdict'];
  atRisk: boolean;
  failedPackage: string | null;
  unparsedLines: number;
  unrecognisedRuns: number;
  /** The device failed or has an error finding; it has a warning finding; a file of it was read. */
  failed: boolean;
  warned: boolean;
  read: boolean;
  /** Files that could not be read, and the first of them by path. */
  readErrors?: number;
  readErrorFiles?: string[];
  /** Template runs in the bundle where more than one, and the first's verdict. */
  runs?: number;
  firstRunVerdict?: string;
}

export function tallyOf(device: DeviceReport): DeviceTally {
  return {
    device: device.device,
    verdict: device.verdict,
    atRisk: isAtRisk(device),
    failedPackage: device.failedPackage ?? null,
    unparsedLines: device.files.reduce((sum, f) => sum + f.unparsed, 0),
    unrecognisedRuns: device.unrecognisedRuns ?? 0,
    failed: device.verdict !== 'no-failure' || device.findings.some((f) => f.severity === 'error'),
    warned: device.findings.some((f) => f.severity === 'warning'),
    read: device.files.length > 0,
    ...(device.readErrors && device.readErrors.length > 0 ? { readErrors: device.readErrors.length, readErrorFiles: device.readErrors.slice(0, 3).map((f) => f.path) } : {}),
    ...(device.runs && device.runs.length > 1 ? { runs: device.runs.length, firstRunVerdict: device.runs[0]?.verdict ?? NO_FAILURE } : {}),
  };
}

/**
 * The fleet summary, built from each device's counts as devices finish: nothing holds all
 * devices' reports, so memory stays flat with fleet size.
 */
export class SummaryBuilder {
  private devices = 0;
  private readonly names: Record<string, string[]> = {};
  private readonly atRisk = { devices: 0, names: [] as string[] };
  private readonly verdicts: Record<string, number> = {};
  private readonly racePackages: Record<string, number> = {};
  private unparsedLines = 0;
  private readonly unrecognised = { devices: 0, runs: 0 };
  private readonly readErrors = { devices: 0, files: 0 };
  private readonly firstRuns = { rerun: 0, failedFirst: 0, causes: {} as Record<string, number>, names: {} as Record<string, string[]> };
  /** Whether any device failed or has an error finding, has a warning, had a file read at all. */
  failed = false;
  warned = false;
  anythingRead = false;

  add(device: DeviceReport): void {
    this.addTally(tallyOf(device));
  }

  addTally(device: DeviceTally): void {
    this.devices += 1;
    this.verdicts[device.verdict] = (this.verdicts[device.verdict] ?? 0) + 1;
    const names = (this.names[device.verdict] ??= []);
    if (names.length < SUMMARY_NAMES) names.push(device.device);
    if (device.atRisk) {
      this.atRisk.devices += 1;
      if (this.atRisk.names.length < SUMMARY_NAMES) this.atRisk.names.push(device.device);
    }
    if (RACE_VERDICTS.includes(device.verdict)) {
      const name = device.failedPackage ?? '(unknown package)';
      this.racePackages[name] = (this.racePackages[name] ?? 0) + 1;
    }
    this.unparsedLines += device.unparsedLines;
    if (device.unrecognisedRuns > 0) {
      this.unrecognised.devices += 1;
      this.unrecognised.runs += device.unrecognisedRuns;
    }
    if ((device.readErrors ?? 0) > 0) {
      this.readErrors.devices += 1;
      this.readErrors.files += device.readErrors ?? 0;
    }
    if ((device.runs ?? 0) > 1) {
      this.firstRuns.rerun += 1;
      const first = device.firstRunVerdict ?? NO_FAILURE;
      if (first !== NO_FAILURE) this.firstRuns.failedFirst += 1;
      this.firstRuns.causes[first] = (this.firstRuns.causes[first] ?? 0) + 1;
      const grouped = (this.firstRuns.names[first] ??= []);
      if (grouped.length < SUMMARY_NAMES) grouped.push(device.device);
    }
    if (device.failed) this.failed = true;
    if (device.warned) this.warned = true;
    if (device.read) this.anythingRead = true;
  }

  summary(): Summary {
    return {
      devices: this.devices, verdicts: this.verdicts, racePackages: this.racePackages, unparsedLines: this.unparsedLines,
      ...(this.unrecognised.runs > 0 ? { unrecognised: { ...this.unrecognised } } : {}),
      names: this.names,
      ...(this.atRisk.devices > 0 ? { atRisk: { devices: this.atRisk.devices, names: [...this.atRisk.names] } } : {}),
      ...(this.readErrors.devices > 0 ? { readErrors: { ...this.readErrors } } : {}),
      ...(this.firstRuns.rerun > 0 ? { firstRuns: { ...this.firstRuns, causes: { ...this.firstRuns.causes }, names: structuredClone(this.firstRuns.names) } } : {}),
    };
  }
}

export function summarize(devices: readonly DeviceReport[]): Summary {
  const builder = new SummaryBuilder();
  for (const device of devices) builder.add(device);
  return builder.summary();
}

export function buildReport(devices: DeviceReport[]): Report {
  return { schema: 'ldforensics.diagnosis/1', devices, summary: summarize(devices) };
}
