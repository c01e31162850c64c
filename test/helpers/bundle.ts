// Device bundles for the rule tests, written as log TEXT from compact scripts, so every rule
// test goes through the real pipeline (bundle finding, decoding, parsers, timeline, rules).
// The lines are FORMATS.md's modeled wording (`Mon, 09 Mar 2026 10:02:11 …`), with the
// ordinary noise a real run writes around them (a wrapped "Info: Core did not find file",
// "Self update", "Check last error …"), and an `unknown` wording no pattern knows for the
// windows-only cases. Times are "HH:MM:SS" on Monday 09 Mar 2026, or "YYYY-MM-DD HH:MM:SS".
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tmp from 'tmp';

// ---- Times ----

const DEFAULT_DAY = '2026-03-09';
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** A time as a script gives it: "HH:MM:SS" (on 09 Mar 2026), "YYYY-MM-DD HH:MM:SS", or wall milliseconds. */
export type TimeSpec = string | number;

/** Wall-clock milliseconds of a TimeSpec (the wall clock held as if UTC, as src/types.ts's WallTime). */
export function wall(time: TimeSpec): number {
  if (typeof time === 'number') return time;
  const m = /^(?:(\d{4}-\d{2}-\d{2})[ T])?(\d{2}:\d{2}:\d{2})$/.exec(time.trim());
  if (!m) throw new Error(`test setup: bad time "${time}" (want HH:MM:SS or YYYY-MM-DD HH:MM:SS)`);
  const ms = Date.parse(`${m[1] ?? DEFAULT_DAY}T${m[2] ?? ''}Z`);
  if (Number.isNaN(ms)) throw new Error(`test setup: bad time "${time}"`);
  return ms;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

function clockText(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/** "DD Mon YYYY HH:MM:SS": the scheduler's shape (its /start values and its own lines). */
export function schedulerDate(time: TimeSpec): string {
  const d = new Date(wall(time));
  return `${two(d.getUTCDate())} ${MONTH_NAMES[d.getUTCMonth()] ?? '?'} ${d.getUTCFullYear()} ${clockText(d.getTime())}`;
}

/** "Ddd, DD Mon YYYY HH:MM:SS": the sdclient / vulscan / provisioning line stamp. */
export function stamp(time: TimeSpec): string {
  const d = new Date(wall(time));
  return `${DAY_NAMES[d.getUTCDay()] ?? '?'}, ${schedulerDate(d.getTime())}`;
}

/** `time` plus some seconds, as wall milliseconds. */
export function plus(time: TimeSpec, seconds: number): number {
  return wall(time) + seconds * 1000;
}

// ---- Scripts: timestamped entries and wrapped continuation lines ----

export type Entry = { readonly time: number; readonly text: string } | { readonly raw: string };

export interface Script {
  readonly entries: readonly Entry[];
  /** The time of the first and of the last timestamped entry. */
  readonly start: number;
  readonly end: number;
}

/** Writes entries one after another; `after(s, text)` moves the clock on by s seconds first. */
class Writer {
  readonly entries: Entry[] = [];
  private now: number;

  constructor(start: TimeSpec) {
    this.now = wall(start);
  }

  get time(): number {
    return this.now;
  }

  after(seconds: number, text: string): this {
    this.now += seconds * 1000;
    this.entries.push({ time: this.now, text });
    return this;
  }

  at(time: TimeSpec, text: string): this {
    this.now = wall(time);
    this.entries.push({ time: this.now, text });
    return this;
  }

  /** A continuation line: no timestamp, it wraps the entry above. */
  raw(text: string): this {
    this.entries.push({ raw: text });
    return this;
  }

  /** The noise every EPM log has: the core lacks an optional file; its name wraps onto the next line. */
  coreDidNotFind(seconds: number, fileName: string): this {
    return this.after(seconds, 'Info: Core did not find file').raw(fileName);
  }

  script(): Script {
    return scriptOf(this.entries);
  }
}

function scriptOf(entries: readonly Entry[]): Script {
  const times = entries.flatMap((e) => ('time' in e ? [e.time] : []));
  const start = times[0];
  const end = times[times.length - 1];
  if (start === undefined || end === undefined) throw new Error('test setup: a script needs a timestamped line');
  return { entries, start, end };
}

/** A hand-written script: [time, message] pairs, and bare strings for continuation lines. */
export function lines(steps: readonly (readonly [TimeSpec, string] | string)[]): Script {
  return scriptOf(steps.map((s) => (typeof s === 'string' ? { raw: s } : { time: wall(s[0]), text: s[1] })));
}

/** The text of a log file from scripts, in the order given (file order is the truth, not time). */
export function logText(parts: readonly Script[], options: { eol?: '\r\n' | '\n' } = {}): string {
  const eol = options.eol ?? '\r\n';
  return parts.flatMap((p) => p.entries.map((e) => ('raw' in e ? e.raw : `${stamp(e.time)} ${e.text}`))).join(eol) + eol;
}

/** A script's entries in time order (stable): for logs written by one service as things happen. */
function byTime(entries: readonly Entry[]): Entry[] {
  // Continuation lines stay glued to the entry above them.
  const groups: Entry[][] = [];
  for (const entry of entries) {
    const last = groups[groups.length - 1];
    if ('raw' in entry && last) last.push(entry);
    else groups.push([entry]);
  }
  const timeOf = (g: Entry[]): number => {
    const head = g[0];
    return head && 'time' in head ? head.time : 0;
  };
  return groups.map((g, i) => ({ g, i })).sort((a, b) => timeOf(a.g) - timeOf(b.g) || a.i - b.i).flatMap((x) => x.g);
}

/** 1-based number of the first line of `text` containing `needle` (after line `after`). */
export function lineOf(text: string, needle: string, after = 0): number {
  const all = text.split(/\r?\n/);
  for (let i = after; i < all.length; i += 1) if (all[i]?.includes(needle)) return i + 1;
  throw new Error(`test setup: no line containing "${needle}"`);
}

/** "file.log:N" for the first line of `text` containing `needle`: an evidence-line reference. */
export function ref(filePath: string, text: string, needle: string, after = 0): string {
  return `${path.posix.basename(filePath)}:${lineOf(text, needle, after)}`;
}

// ---- Where the logs are (FORMATS.md: EPM 2016+ layout, older layout, per-task logs) ----

export const PATHS = {
  sdclient: 'ProgramData/LANDesk/Log/sdclient.log',
  vulscan: 'ProgramData/LANDesk/Log/vulscan.log',
  policysync: 'ProgramData/LANDesk/Log/PolicySync.exe.log',
  localsch: 'ProgramData/LANDesk/Log/localsch.log',
  schedulerTasks: 'LocalSchedulerTasks.log',
  provisioning: 'ldprovisioning/ldprovisioning.log',
  stat: (taskId: number): string => `ProgramData/LANDesk/Policies/CP.${taskId}.RunNow.stat`,
  sdclientTask: (taskId: number): string => `Program Files (x86)/LANDesk/LDClient/Data/sdclient_task${taskId}.log`,
} as const;

const LDCLIENT = 'C:\\Program Files (x86)\\LANDesk\\LDClient';
const CORE = 'ldcore01.lab.example';
const VERSION = '11.0.5.361';

// ---- sdclient ----

export type BusyExe = 'vulscan.exe' | 'sdclient.exe' | 'PolicySync.exe';

export interface SdclientRunSpec {
  start: TimeSpec;
  taskId: number;
  package: string;
  /** sdclient refuses: "Another task is already in progress: <busy> (pid N) is running". */
  busy?: BusyExe;
  busyPid?: number;
  /** The package result (the installer's code); default 0, or -1916 when refused. */
  result?: number;
  /** Seconds the installer runs (default 60). */
  installSeconds?: number;
  /** 'error': Download Error, then a hash mismatch on the peer copy, and the run fails. 'error-then-ok': the retry works. */
  download?: 'ok' | 'error' | 'error-then-ok';
  /** Write the "SDClient exiting" line (default true). */
  exitLine?: boolean;
  /** 'unknown': the same run in words the pattern pack does not know (no banner, result or busy message it recognises). */
  wording?: 'modeled' | 'unknown';
}

/** The hex form sdclient writes after a result; -1916 is written as FORMATS.md's modeled "-1916 (0x8DB50084)". */
function hex(code: number): string {
  if (code === -1916) return '0x8DB50084';
  return `0x${(code >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9]+/g, '');
}

/** One sdclient run, as FORMATS.md's modeled lines plus a real run's noise. */
export function sdclientRun(spec: SdclientRunSpec): Script {
  if (spec.wording === 'unknown') return sdclientRunUnknown(spec);
  const id = spec.taskId;
  const file = `${slug(spec.package)}.msi`;
  const url = `http://${CORE}/packages/${slug(spec.package)}/${file}`;
  const w = new Writer(spec.start)
    .after(0, `---------- SDClient starting (version ${VERSION}) ----------`)
    .after(0, `Command line: /policyfile="C:\\ProgramData\\LANDesk\\Policies\\CP.${id}.RunNow.xml" /taskid=${id}`)
    .after(0, `Package: "${spec.package}"`)
    .after(0, 'Self update: files are up to date.')
    .after(1, 'Check last error after load library.  Error: 126')
    .coreDidNotFind(0, 'RebootBehavior_Apply.zip');
  let result = spec.result ?? 0;
  if (spec.busy) {
    result = spec.result ?? -1916;
    w.after(0, `Another task is already in progress: ${spec.busy} (pid ${spec.busyPid ?? 4412}) is running`);
  } else {
    w.after(0, `Reading policy file C:\\ProgramData\\LANDesk\\Policies\\CP.${id}.RunNow.xml`)
      .after(0, `Using core ${CORE} (LAN, 1000 Mbps)`)
      .after(1, 'Task status: Downloading')
      .after(0, `Downloading file ${url}`);
    if (spec.download === 'error' || spec.download === 'error-then-ok') {
      w.after(1, `Download Error: ${url} (0x80070005) Access is denied.`)
        .after(0, `sdmcache: trying peer download for ${file}`)
        .after(4, `sdmcache: received 44371968 of 44371968 bytes of ${file} from peer 10.20.4.117`);
    }
    if (spec.download === 'error') {
      result = spec.result ?? -2147024891;
      w.after(1, `sdmcache: hash mismatch for ${file} (expected MD5 E9C4EECCAB947F986CA992F0CE59DF74, computed MD5 EC4FAAD43546FA8CF7B4654A5067019C)`)
        .after(0, `sdmcache: removed ${file} from the cache`);
    } else {
      w.after(1, `Download complete: ${file} (44371968 bytes)`)
        .after(0, `Hash check: ${file} expected MD5 C121DD60436AFB66B00879F3AB7F09C2, computed C121DD60436AFB66B00879F3AB7F09C2: OK`)
        .after(0, `sdmcache: added packages/${slug(spec.package)}/${file} to the cache`)
        .after(1, 'Task status: Installing')
        .after(0, `Executing: msiexec.exe /i "C:\\ProgramData\\LANDesk\\sdmcache\\packages\\${slug(spec.package)}\\${file}" /qn /norestart`);
      const install = spec.installSeconds ?? 60;
      // A long install writes a line a minute (a quiet sdclient.log is not a silent one).
      for (let s = 60; s < install; s += 60) w.after(60, 'Waiting for installer to finish (pid 5318)');
      w.after(install - 60 * Math.floor((install - 1) / 60), `Installer exited, exit code ${result}`)
        .after(1, 'Reboot behavior: no reboot required (RebootBehavior=NoReboot)');
    }
  }
  w.after(0, `processing of package is complete, result ${result} (${hex(result)})`)
    .after(0, `Sending task status, cmd line: -taskid=${id} -retcode=${result} -complete`);
  if (spec.exitLine !== false) w.after(spec.busy ? 0 : 1, `SDClient exiting, return code ${result}`);
  return w.script();
}

/** The same run in an agent's wording no pattern knows (as in FORMATS.md: rules must still see the shape). */
function sdclientRunUnknown(spec: SdclientRunSpec): Script {
  const id = spec.taskId;
  const w = new Writer(spec.start)
    .after(0, '=== Software distribution client 2024.3 start ===')
    .after(0, `Args: -policy C:\\ProgramData\\LANDesk\\Policies\\CP.${id}.RunNow.xml -task ${id}`)
    .after(0, `Job: ${spec.package}`)
    .after(0, 'Self update: files are up to date.')
    .after(1, 'Check last error after load library.  Error: 126');
  let result = spec.result ?? 0;
  if (spec.busy) {
    result = spec.result ?? -1916;
    w.after(0, `Cannot continue: another agent task (${spec.busy.replace(/\.exe$/i, '')}) holds the lock`)
      .after(0, `Job aborted, reporting ${result} to core`);
  } else {
    w.after(1, `Fetching ${slug(spec.package)}.msi`).after(2, 'Setup started (pid 9120)');
    const install = spec.installSeconds ?? 60;
    for (let s = 60; s < install; s += 60) w.after(60, 'Setup still running (pid 9120)');
    w.after(install - 60 * Math.floor((install - 1) / 60), `Setup exited with ${result}`)
      .after(1, 'Reboot: not needed')
      .after(0, `Job done, reporting ${result} to core`);
  }
  if (spec.exitLine !== false) w.after(spec.busy ? 0 : 1, `Finished with code ${result}`);
  return w.script();
}

// ---- vulscan ----

export interface VulscanRunSpec {
  start: TimeSpec;
  /** vulscan found sdclient running: it waits, resident, until `until`, then scans. */
  waitFor?: { pid: number; until: TimeSpec };
  /** Seconds of scanning (default 740). */
  scanSeconds?: number;
  exitLine?: boolean;
  wording?: 'modeled' | 'unknown';
}

/** One vulscan run: start, (waiting, wait finished), scanning, finished. */
export function vulscanRun(spec: VulscanRunSpec): Script {
  const unknown = spec.wording === 'unknown';
  const w = new Writer(spec.start)
    .after(0, unknown ? 'VULSCAN 2024.3 started' : `Vulscan.exe version ${VERSION} starting`)
    .after(0, unknown ? 'Args: /AgentBehavior=ERSC_Default /Scan' : 'Command line: /AgentBehavior=ERSC_Default /Scan')
    .after(0, 'Self update: files are up to date.');
  if (spec.waitFor) {
    const until = wall(spec.waitFor.until);
    w.after(1, unknown ? 'Detected running process sdclient.exe - deferring scan'
      : `Another task is running (sdclient.exe, pid ${spec.waitFor.pid}); waiting for it to finish`);
    if (unknown) while (w.time + 30_000 < until) w.after(30, 'Deferred: sdclient.exe still running');
    if (!unknown) w.at(until, 'Wait finished; no other task is running');
    w.at(until, unknown ? 'Resuming scan' : 'Scanning for vulnerabilities');
  } else {
    w.after(1, unknown ? 'Resuming scan' : 'Scanning for vulnerabilities');
  }
  const scanStart = w.time;
  const total = spec.scanSeconds ?? 740;
  w.after(1, `Downloading file http://${CORE}/ldlogon/VulnerabilityData/ERSC_Default.xml.gz`)
    .after(2, 'Check last error after load library.  Error: 126')
    .coreDidNotFind(0, 'vulscan_overrides.xml')
    .after(1, 'Loaded 1642 vulnerability definitions (ERSC_Default)');
  const end = scanStart + total * 1000;
  for (let part = 1; part <= 3; part += 1) {
    const at = scanStart + Math.round((total * part) / 4) * 1000;
    if (at > w.time) w.at(at, unknown ? `Checked ${part * 410}/1642 rules` : `Scanned ${part * 410} of 1642 definitions`);
  }
  if (end - 8000 > w.time) w.at(end - 8000, unknown ? `Results posted to ${CORE}` : `Sending scan results to core ${CORE}`);
  if (spec.exitLine !== false) w.at(Math.max(end, w.time), unknown ? 'Scan complete, exit 0' : 'Vulscan finished, return code 0');
  return w.script();
}

// ---- policy sync ----

export interface PolicySyncRunSpec {
  start: TimeSpec;
  waitFor?: { pid: number; until: TimeSpec };
  /** "PolicyScrubber.ScrubPolicies: sdclient or vulscan is currently running, skipping policy scrub." */
  scrubSkipped?: boolean;
  /** Seconds from the (wait's) end to "Exit PolicySync" (default 36). */
  seconds?: number;
}

export function policySyncRun(spec: PolicySyncRunSpec): Script {
  const w = new Writer(spec.start)
    .after(0, 'Run PolicySync')
    .coreDidNotFind(0, 'ClientPolicyOverrides.xml')
    .after(1, `Requesting policies from https://${CORE}/landesk/managementsuite/core/ssl/information/policy`);
  if (spec.waitFor) {
    w.after(0, `Another task is running (sdclient.exe, pid ${spec.waitFor.pid}); waiting for it to finish`)
      .at(spec.waitFor.until, 'Wait finished; no other task is running');
  }
  const from = w.time;
  w.after(0, `Downloading file https://${CORE}/landesk/managementsuite/core/ssl/information/policy/ClientPolicies.xml`)
    .after(5, spec.scrubSkipped
      ? 'PolicyScrubber.ScrubPolicies: sdclient or vulscan is currently running, skipping policy scrub.'
      : 'PolicyScrubber.ScrubPolicies: 0 expired policies removed')
    .after(3, 'Received 7 policies (2 new)')
    .after(1, 'Check last error after load library.  Error: 126')
    .at(from + (spec.seconds ?? 36) * 1000, 'Exit PolicySync');
  return w.script();
}

// ---- local scheduler ----

export type Program = 'vulscan' | 'policysync';

const TASK_OF: Record<Program, { id: number; command: string }> = {
  vulscan: { id: 3, command: `"${LDCLIENT}\\vulscan.exe" /AgentBehavior=ERSC_Default /Scan` },
  policysync: { id: 4, command: `"${LDCLIENT}\\PolicySync.exe"` },
};

export interface SchedulerSpec {
  /** When the agent install registered the scan and the sync. */
  added: TimeSpec;
  /** Their first start, as /start="…" writes it; default the install time (the documented default). */
  firstStart?: string;
  launches?: readonly { at: TimeSpec; program: Program; pid: number; finished?: TimeSpec }[];
}

/** localsch.log's "Added task N: <command> /start="…" /freq=86400 /autodelay="0|60"". */
export function addedTaskLine(program: Program, firstStart: string): string {
  return `Added task ${TASK_OF[program].id}: ${TASK_OF[program].command} /start="${firstStart}" /freq=86400 /autodelay="0|60"`;
}

/** localsch.log's "Launching task N: <command>". */
export function launchTaskLine(program: Program): string {
  return `Launching task ${TASK_OF[program].id}: ${TASK_OF[program].command}`;
}

/** The provisioning log's line for a distribution action starting its sdclient. */
export function executingSdclientLine(taskId: number): string {
  return `Executing: "${LDCLIENT}\\sdclient.exe" /policyfile="C:\\ProgramData\\LANDesk\\Policies\\CP.${taskId}.RunNow.xml" /taskid=${taskId}`;
}

/** localsch.log: the service starts, the agent install adds the scan and the sync, the scheduler launches them. */
export function schedulerLog(spec: SchedulerSpec): Script {
  const added = wall(spec.added);
  const first = spec.firstStart ?? schedulerDate(added);
  const entries: Entry[] = [
    { time: added - 13_000, text: `Local scheduler service starting (version ${VERSION})` },
    { time: added - 13_000, text: 'Loaded 0 tasks' },
    ...(['vulscan', 'policysync'] as const).map((p) => ({ time: added, text: addedTaskLine(p, first) })),
  ];
  for (const launch of spec.launches ?? []) {
    const task = TASK_OF[launch.program];
    entries.push({ time: wall(launch.at), text: launchTaskLine(launch.program) });
    entries.push({ time: wall(launch.at), text: `Task ${task.id} started, pid ${launch.pid}` });
    if (launch.finished !== undefined) entries.push({ time: wall(launch.finished), text: `Task ${task.id} finished, exit code 0` });
  }
  return scriptOf(byTime(entries));
}

/** LocalSchedulerTasks.log (`LocalSch.exe /tasks`): one block per task, no timestamps. */
export function schedulerTasksText(start: string, options: { eol?: '\r\n' | '\n' } = {}): string {
  const blocks = (['vulscan', 'policysync'] as const).map((p) => [
    `Task ID: ${TASK_OF[p].id}`,
    `  Command: ${TASK_OF[p].command}`,
    `  Start: ${start}`,
    '  Frequency: 86400',
    '  Random delay: 3600',
  ].join(options.eol ?? '\r\n'));
  return blocks.join(`${options.eol ?? '\r\n'}${options.eol ?? '\r\n'}`) + (options.eol ?? '\r\n');
}

// ---- provisioning log ----

export interface ActionSpec {
  n: number;
  name: string;
  /** Default "Distribute software". */
  type?: string;
  start: TimeSpec;
  end: TimeSpec;
  /** Default 0. */
  code?: number;
  /** Default: true where the code is not a success (0, 3010, 1641, 229965824). */
  failed?: boolean;
  /** A distribution's sdclient: "Executing: …sdclient.exe … /taskid=N" and "Process started, pid P". */
  taskId?: number;
  pid?: number;
  /** The template stops at a failed action unless told to go on (default true). */
  stops?: boolean;
}

export interface ProvisioningSpec {
  template?: string;
  total: number;
  actions: readonly ActionSpec[];
}

function successCode(code: number): boolean {
  return code === 0 || code === 3010 || code === 1641 || code === 229965824;
}

/** ldprovisioning.log: "Starting action N of M …", and "Action N of M "name" (type) completed|failed, return code X". */
export function provisioningLog(spec: ProvisioningSpec): Script {
  const template = spec.template ?? 'Win10 Lab build';
  const firstAction = spec.actions[0];
  if (!firstAction) throw new Error('test setup: a provisioning log needs an action');
  const w = new Writer(plus(firstAction.start, -60))
    .after(0, `Provisioning agent version ${VERSION} starting`)
    .after(0, `Core: ${CORE}`)
    .after(1, `Template "${template}" (id 27): ${spec.total} actions`);
  let allDone = true;
  for (const action of spec.actions) {
    const type = action.type ?? 'Distribute software';
    const code = action.code ?? 0;
    const failed = action.failed ?? !successCode(code);
    const label = `action ${action.n} of ${spec.total} "${action.name}" (${type})`;
    w.at(action.start, `Starting ${label}`);
    if (action.taskId !== undefined) {
      w.after(2, executingSdclientLine(action.taskId))
        .after(0, `Process started, pid ${action.pid ?? 3312}`);
    }
    w.at(action.end, `A${label.slice(1)} ${failed ? 'failed' : 'completed'}, return code ${code}`);
    if (failed && action.stops !== false) {
      w.after(0, `Template "${template}" stopped: action ${action.n} failed`).after(1, 'Uploading provisioning log to core');
      return w.script();
    }
    if (failed) allDone = false;
  }
  const last = spec.actions[spec.actions.length - 1];
  if (allDone && last?.n === spec.total) w.after(1, `Template "${template}" completed: ${spec.total} of ${spec.total} actions succeeded`);
  return w.script();
}

// ---- CP.<id>.RunNow.stat ----

/** A task status file: LastRunTime is UTC epoch seconds, from the device's wall time and its offset. */
export function statXml(spec: { taskId: number; status: number; code: number; lastRun: TimeSpec; utcOffsetHours?: number }): string {
  const epoch = Math.round((wall(spec.lastRun) - (spec.utcOffsetHours ?? -5) * 3_600_000) / 1000);
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<TaskStatus>',
    `  <TaskIdn>${spec.taskId}</TaskIdn>`,
    `  <Status>${spec.status}</Status>`,
    `  <ReturnCode>${spec.code}</ReturnCode>`,
    `  <LastRunTime>${epoch}</LastRunTime>`,
    '</TaskStatus>',
  ].join('\r\n') + '\r\n';
}

// ---- Writing a bundle ----

/** A device bundle: relative path in the bundle → file text. */
export type BundleFiles = Readonly<Record<string, string>>;

export interface WrittenBundle {
  /** The device folder (give it to diagnose()). */
  dir: string;
  cleanup(): void;
}

/** Writes the files into a fresh temporary folder named after the device. */
export function writeBundle(files: BundleFiles, device = 'DEV-01'): WrittenBundle {
  const root = tmp.dirSync({ unsafeCleanup: true });
  const dir = path.join(root.name, device);
  for (const [relative, text] of Object.entries(files)) {
    if (path.isAbsolute(relative) || relative.split(/[\\/]/).includes('..')) throw new Error(`test setup: "${relative}" is not a path inside the bundle`);
    const full = path.join(dir, ...relative.split('/'));
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text, 'utf8');
  }
  mkdirSync(dir, { recursive: true });
  return { dir, cleanup: () => root.removeCallback() };
}

/**
 * The same script with the device clock changed at `at`: every entry from then on is written
 * `seconds` later (negative: the clock went back, as after a domain join's time sync). File
 * order stays as it was, which is the point (FORMATS.md, "Clocks").
 */
export function jumpClock(script: Script, at: TimeSpec, seconds: number, note?: string): Script {
  const from = wall(at);
  const entries: Entry[] = [];
  let noted = note === undefined;
  for (const e of script.entries) {
    if ('time' in e && e.time >= from) {
      if (!noted && note !== undefined) {
        entries.push({ time: e.time + seconds * 1000, text: note });
        noted = true;
      }
      entries.push({ time: e.time + seconds * 1000, text: e.text });
    } else {
      entries.push(e);
    }
  }
  return scriptOf(entries);
}
