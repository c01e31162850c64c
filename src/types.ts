// The map of the program. Data flows one way:
//   ingest (bundles, files, lines) → parsers (events) → timeline (merge, windows, clock jumps)
//   → rules (findings) → verdict → DeviceReport → Report → renderers (text).

/**
 * A device-local wall-clock time, as written in the log, held as milliseconds
 * since 1970-01-01T00:00:00 *as if* that wall clock were UTC. Logs carry no
 * zone, so this is the only honest representation: two WallTimes compare
 * correctly within one device, and `--tz` turns them into absolute instants
 * at the edge (render time), never before.
 */
export type WallTime = number;

/** The log kinds ldforensics recognises; each has one parser module. */
export type LogKind =
  | 'sdclient'
  | 'vulscan'
  | 'policysync'
  | 'localsch'
  | 'scheduler-tasks'
  | 'task-status'
  /** ldprovisioning.log: the modeled template log (Action N of M "name" (type) failed …). */
  | 'provisioning'
  /** C:\ldprovisioning\ProvisionGUI.exe.log: the provisioning agent's own log (seen), XML-fragment action lines. */
  | 'provision-gui';

/** The processes whose runs become activity windows. */
export type ProcessName = 'sdclient' | 'vulscan' | 'policysync';

export type EventKind =
  /** A process run's banner ("SDClient starting", "Vulscan.exe version … starting", "Run PolicySync"). */
  | 'process-start'
  /** A process run's exit line, with its return code when written. */
  | 'process-exit'
  /** The command line a run was started with (task id, policy file). */
  | 'command-line'
  /** The package a distribution run is for. */
  | 'package-name'
  /** vulscan / policy sync found another task running and stays resident, waiting. */
  | 'waiting'
  /** The wait is over: the other task closed. */
  | 'wait-finished'
  /** vulscan began the actual scan. */
  | 'scanning'
  /** sdclient refused to run: "a task is already in progress" (blocker names who). */
  | 'busy-refusal'
  /** The policy sync skipped its scrub because sdclient or vulscan was running. */
  | 'scrub-skipped'
  /** sdclient's "processing of package is complete, result <code>". */
  | 'package-result'
  /** sdclient's "Sending task status … -retcode=<code>". */
  | 'task-status-sent'
  /** The package could not be downloaded or hashed. */
  | 'download-error'
  /** sdclient got as far as downloading the package or running its installer ("Executing: …", "Downloading file …"). */
  | 'installer-activity'
  /** The local scheduler registered a task (with start, frequency, random delay). */
  | 'task-added'
  /** The local scheduler launched a task. */
  | 'task-launched'
  /** A task as listed by `LocalSch.exe /tasks` (LocalSchedulerTasks.log). */
  | 'task-listed'
  /** A CP.<id>.RunNow.stat file: the task's last status, at its UTC LastRunTime. */
  | 'task-status'
  /** A provisioning template action began (ProvisionGUI's "set print" lines name it). */
  | 'action-started'
  /** A provisioning template action's result. */
  | 'action-result'
  /** The provisioning template stopped (on a failed action, which the line may name). */
  | 'template-stopped'
  /** A provisioning template run began: a bundle may hold several runs (re-runs, re-provisioning). */
  | 'template-started'
  /** A provisioning template run ended well. */
  | 'template-completed'
  /** A timestamped entry no pattern recognised: kept, shown, never lost. */
  | 'message';

/** Typed values a pattern's named groups fill in; which ones an event has depends on its kind. */
export interface EventFields {
  process?: ProcessName;
  /** For busy-refusal, waiting and scrub-skipped: the process in the way. */
  blocker?: ProcessName;
  pid?: number;
  /** A return or result code, as a signed 32-bit integer. */
  code?: number;
  version?: string;
  taskId?: string;
  packageName?: string;
  command?: string;
  /** Scheduler task: first start (wall clock), repeat (seconds), random delay range (seconds). */
  start?: WallTime;
  startText?: string;
  frequencySeconds?: number;
  delayMinSeconds?: number;
  delayMaxSeconds?: number;
  /** Provisioning action. */
  actionNumber?: number;
  actionTotal?: number;
  actionName?: string;
  actionType?: string;
  outcome?: 'completed' | 'failed';
  templateName?: string;
  /** .stat status number (4 Success, 5 Failed, …) and its name. */
  status?: number;
  statusName?: string;
}

export interface Event extends EventFields {
  kind: EventKind;
  source: LogKind;
  /** Display path of the file, relative to the path given on the command line. */
  file: string;
  /** 1-based line number of the entry's first line. */
  line: number;
  time: WallTime;
  /** True where the time is a UTC instant placed on the wall clock (only .stat files). */
  utc?: boolean;
  /**
   * True where the file gave no time of its own (a .stat without a usable <LastRunTime>): the
   * timeline places it after the device's last log line, and no time is claimed for it.
   */
  untimed?: true;
  /** The entry's text without its timestamp; continuation lines joined with "\n". */
  text: string;
  /** The pattern that recognised it (pattern id), absent for 'message'. */
  pattern?: string;
  /** Set where this entry's time jumped against the previous entry of the same file. */
  clockJump?: ClockJump;
}

export interface ClockJump {
  /** Signed milliseconds from the previous entry's time to this one. */
  deltaMs: number;
  previousTime: WallTime;
}

/** A line that could not be placed in any entry. */
export interface UnparsedLine {
  file: string;
  line: number;
  reason: string;
  /** The line's text, cut to a printable length. */
  text: string;
}

export interface FileReport {
  /** Display path, relative to the path given on the command line. */
  path: string;
  kind: LogKind;
  encoding: 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252';
  /** True where the file ends its lines with CR alone (old Mac style): each CR was read as a line end. */
  crLineEnds?: boolean;
  lines: number;
  parsed: number;
  unparsed: number;
  /** The first unparsed lines, with their line numbers (the count above is complete). */
  unparsedLines: UnparsedLine[];
  warnings: string[];
  /** True where the parser gave up on the file ("not a <kind> log?"). */
  gaveUp?: boolean;
  /**
   * Entries read with a timestamp whose wording no pattern knows (counted within `parsed`,
   * shown apart): a log in another language or of another agent version is all of these.
   */
  unrecognised?: number;
  /** Entries whose wording a pattern knows; set where the file has entries. */
  recognised?: number;
}

/** A file found in a bundle but not read, and why. */
export interface SkippedFile {
  path: string;
  reason: string;
}

/** One run of a process: from its first line to its last (or its exit line). */
export interface Window {
  id: string;
  process: ProcessName;
  file: string;
  startLine: number;
  endLine: number;
  start: WallTime;
  end: WallTime;
  /** How the window's end was found. */
  closedBy: 'exit-line' | 'next-start' | 'gap' | 'end-of-file';
  exitCode?: number;
  taskId?: string;
  packageName?: string;
  /** vulscan / policy sync: when it began waiting for another task, and when the wait ended. */
  waitStart?: WallTime;
  waitEnd?: WallTime;
  waitingFor?: ProcessName;
  /** vulscan: when the scan itself began. */
  scanStart?: WallTime;
  /** sdclient: it refused to run ("a task is already in progress") because this process was running. */
  refusedBy?: ProcessName | 'unknown';
  /** sdclient: the package result code. */
  resultCode?: number;
  downloadError?: boolean;
  /** sdclient: a line shows it downloaded the package or ran its installer, so it did not refuse. */
  installerRan?: boolean;
  /** The events that shaped the window (banner, wait, scan, refusal, result, exit), in file order. */
  keyEvents: Event[];
  /** The run's first and last lines, whatever their wording: the evidence where no pattern knew it. */
  firstEvent: Event;
  lastEvent: Event;
}

/** A provisioning action's outcome, joined with what is known about it. */
export interface ActionResult {
  event: Event;
  number?: number;
  total?: number;
  name?: string;
  type?: string;
  failed: boolean;
  code?: number;
  /** The action's name carries NoCheck: the template ignores its failure and goes on. */
  noCheck?: boolean;
  /** The same result as written by a second provisioning log (ldprovisioning.log beside ProvisionGUI.exe.log). */
  alsoLoggedAt?: Event;
}

/** A file dated years after the rest of its bundle, moved by whole days onto the others' days. */
export interface ClockSkew {
  file: string;
  /** How far its times were moved back. */
  shiftMs: number;
  /** Its first and last times as its lines state them, and the span of the other files. */
  statedFirst: number;
  statedLast: number;
  othersFirst: number;
  othersLast: number;
  /** Its first line (already moved), for the evidence. */
  firstEvent: Event | undefined;
}

export interface Timeline {
  device: string;
  /** Every event of every file, merged in time order; within a file, file order. */
  events: Event[];
  windows: Window[];
  actions: ActionResult[];
  clockJumps: Event[];
  /** Files dated years after the rest, moved onto the others' days (timeline/skew.ts). */
  clockSkews: ClockSkew[];
  /** How the timeline was put together where the reader should know (UTC anchoring). */
  notes: string[];
  /**
   * How the task status (.stat) files' UTC times were put on the device's clock, when the
   * bundle has such files: a diagnosis says it only where a line it shows came from one.
   */
  statTimes?: string;
}

export type Severity = 'error' | 'warning' | 'info';
export type Confidence = 'high' | 'medium' | 'low';

export interface EvidenceLine {
  file: string;
  line: number;
  /** ISO 8601 wall-clock time (with an offset only under --tz). */
  time: string;
  text: string;
}

export interface Finding {
  rule: string;
  severity: Severity;
  confidence: Confidence;
  /** ISO time of the decisive event. */
  time: string;
  package: string | null;
  actionNumber: number | null;
  message: string;
  fix: string;
  evidence: EvidenceLine[];
}

/** What the HTML swimlanes draw: windows and point marks, with ISO times. */
export interface ActivityLane {
  lane: 'sdclient' | 'vulscan' | 'policysync' | 'scheduler' | 'provisioning';
  items: ActivityItem[];
}

export interface ActivityItem {
  start: string;
  end: string;
  /** For vulscan and policy sync: where waiting ends and scanning begins. */
  phases?: { phase: 'waiting' | 'scanning' | 'running'; start: string; end: string }[];
  label: string;
  failed?: boolean;
  file: string;
  line: number;
}

export interface DeviceReport {
  device: string;
  /** The bundle's folder, zip or file, relative to where ldforensics ran. */
  source?: string;
  /** The folders between the path given and the device (site-a/2026-03-01), for a spreadsheet to pivot on. */
  group?: string;
  /** When the bundle was gathered (YYYY-MM-DD), where the gathering script's zip name says it. */
  gathered?: string;
  verdict: string;
  /** The verdict in one plain-language sentence. */
  explanation: string;
  findings: Finding[];
  files: FileReport[];
  skipped: SkippedFile[];
  /** The failed action's package and number (the verdict's), where known. */
  failedPackage: string | null;
  failedAction: number | null;
  failureTime: string | null;
  /** The failed action's return code, where written. */
  failedCode?: number;
  /** The provisioning template's name and the agent's version, where the logs say them. */
  template?: string;
  agentVersion?: string;
  /** For unexplained failures: the lines around the failure. */
  context: EvidenceLine[];
  activity: ActivityLane[];
  /** Errors that stopped this device's analysis (never the fleet's). */
  errors: string[];
  /** Logs found in the bundle that could not be read (permission denied, a broken entry): not skipped files, and never a healthy device where they were decisive. */
  readErrors?: SkippedFile[];
  /** How the timeline was put together where the reader should know (e.g. UTC anchoring). */
  notes: string[];
  /** Runs (sdclient, vulscan, policy sync) with not one line in wording the patterns know: `patterns suggest` can help. */
  unrecognisedRuns?: number;
  /** When the scan and sync were registered and fired, against the distributions (the fleet timing picture). */
  timing?: DeviceTiming;
  /**
   * The device's template runs, oldest first, where the bundle holds more than one or lines
   * older than the first (absent for one run): the last decides the verdict above.
   */
  runs?: RunReport[];
  /** Lines older than the first template run (an image's leftovers): shown, never the verdict. */
  before?: { start: string; end: string; lines: number; files: string[] };
}

/** One template run of a device's history. */
export interface RunReport {
  /** 1-based, oldest first. */
  run: number;
  start: string;
  end: string;
  /** What shows a run began: a template start line, action numbers starting again, the first action, hours of silence, the logs' start. */
  startedBy: 'template-start' | 'action-restart' | 'first-action' | 'gap' | 'agent-install' | 'task-status' | 'logs-start';
  template?: string;
  verdict: string;
  failedPackage: string | null;
  failedAction: number | null;
  failedCode?: number;
  /** The finding that explains the run's verdict. */
  finding?: { rule: string; confidence: Confidence; message: string };
}

/** Minutes after the agent install registered the scheduler's scan and sync tasks. */
export interface DeviceTiming {
  /** When the first of them was registered (ISO). */
  registered: string;
  /** The tasks registered: due soon (with their random delay window, minutes), or pushed to the far future (the fix). */
  tasks: { task: 'vulscan' | 'policysync'; due: boolean; delay?: { min: number; max: number } }[];
  /** When each first fired, in minutes after the registration (absent where these logs never show it fire). */
  fired: { task: 'vulscan' | 'policysync'; minutes: number }[];
  /** The template's distribution actions after the registration: the first's start, the last's start, the last's end, in minutes; and how many. */
  distributions?: { first: number; lastStart: number; end: number; count: number };
}

export interface Summary {
  devices: number;
  verdicts: Record<string, number>;
  /** For the race rules: the packages hit and how often. */
  racePackages: Record<string, number>;
  unparsedLines: number;
  /** Devices with runs in wording no pattern knows, and how many such runs in all. */
  unrecognised?: { devices: number; runs: number };
  /** The first devices of each verdict, by name, in report order (at most SUMMARY_NAMES; the count is in `verdicts`). */
  names?: Record<string, string[]>;
  /** Devices where a scan or sync was due during provisioning: how many, and the first of them by name. */
  atRisk?: { devices: number; names: string[] };
  /** Devices with logs that could not be read (permission denied, a broken entry), and how many files. */
  readErrors?: { devices: number; files: number };
  /**
   * The first attempt: devices whose bundle holds more than one template run, how many of them
   * failed their first run, and the first run's verdict per device (the race's cost that re-runs hid).
   */
  /**
   * Devices whose bundle holds more than one template run: how many failed the first, the first
   * run's verdicts counted, and the devices grouped by them (names capped per verdict, as `names`).
   */
  firstRuns?: { rerun: number; failedFirst: number; causes: Record<string, number>; names: Record<string, string[]> };
  /**
   * A --shard run's summary: which shard of how many, the tool's version, and a key of what the
   * run depended on (packs, rules, --tz, --max-files), so merge can refuse shards that do not belong together.
   */
  shard?: { index: number; count: number; version: string; key: string };
  /**
   * What a share held that was not read, with why: hidden folders, archives of other kinds, stray
   * files, links. `kinds` counts each reason; `paths` names the first of them (display paths).
   */
  passedOver?: { count: number; kinds: Record<string, number>; paths: string[] };
}

export interface Report {
  schema: 'ldforensics.diagnosis/1';
  devices: DeviceReport[];
  summary: Summary;
}

// ---- Rules (shaped after ESLint's: metadata beside logic, the engine turns reports into findings) ----

export interface RuleMeta {
  /** The file name, the test name and the docs anchor. */
  id: string;
  title: string;
  description: string;
  /** One plain-language sentence for the admin reading a ticket, shown when this rule is the verdict. */
  explanation: string;
  severity: Severity;
  /** What the admin should change, in the admin's terms. */
  fix: string;
  references: string[];
  falsePositives: string[];
  /** Message templates by id; `{name}` is filled from a report's data. */
  messages: Record<string, string>;
}

export interface RuleReport {
  messageId: string;
  data?: Record<string, string | number>;
  /** The chain of events that proves the finding, in the order a reader should follow it. */
  evidence: Event[];
  confidence: Confidence;
  /** The decisive event's time. */
  time: WallTime;
  /** The failed action this finding explains, where there is one. */
  action?: ActionResult;
  /** The failed sdclient run this finding explains, where there is one. */
  run?: Window;
  packageName?: string;
  /** A fix text specific to this finding (names the package and action); defaults to meta.fix. */
  fix?: string;
  /** The template's completion line the failed run came after (Failure.afterTemplate): the finding is a warning. */
  afterTemplate?: Event;
}

export interface RuleContext {
  timeline: Timeline;
  report(report: RuleReport): void;
}

export interface RuleHandlers {
  /** Called for each event of the merged timeline, in order. */
  event?(event: Event): void;
  /** Called once after the last event. */
  end?(): void;
}

export interface Rule {
  meta: RuleMeta;
  create(context: RuleContext): RuleHandlers;
}

// ---- The `timeline` command's model ----

/** One event as the timeline command shows it: times as ISO text, fields flattened. */
export interface TimelineEntry {
  time: string;
  file: string;
  line: number;
  /** The log it is read from; 'process-list' for the gathering script's Process_Commandline.log. */
  source: LogKind | 'process-list';
  /** 'running-at-gathering': an EPM process the gathering script saw still running (not a log line: the rules never read it). */
  kind: EventKind | 'running-at-gathering';
  text: string;
  /** The typed fields the patterns filled in (code, blocker, taskId, …), times as ISO text. */
  fields: Record<string, string | number>;
  /** Set where the clock jumped just before this entry: the signed jump in seconds. */
  clockJumpSeconds?: number;
}

export interface WindowSummary {
  id: string;
  process: ProcessName;
  file: string;
  startLine: number;
  endLine: number;
  start: string;
  end: string;
  closedBy: Window['closedBy'];
  taskId?: string;
  packageName?: string;
  exitCode?: number;
  resultCode?: number;
  refusedBy?: string;
  waitStart?: string;
  scanStart?: string;
}

export interface DeviceTimeline {
  device: string;
  entries: TimelineEntry[];
  windows: WindowSummary[];
  files: FileReport[];
  skipped: SkippedFile[];
  notes: string[];
  errors: string[];
}

export interface TimelineReport {
  schema: 'ldforensics.timeline/1';
  devices: DeviceTimeline[];
  totals: { devices: number; files: number; lines: number; parsed: number; unparsed: number };
}
