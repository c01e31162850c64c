// commander wiring only: options → run() → renderer → exit code. Exit codes (ESLint's):
// 0 nothing failed, 1 a device failed or has an error finding, 2 usage error, nothing
// readable, or a report that could not be written whole. The report goes to stdout (or
// --output), errors to stderr.
import { closeSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { InternalError, KnownError, UsageError } from '../errors.js';
import { CACHE_MARKER, DEFAULT_CACHE_DIR } from '../fleet/cache.js';
import { mergeShards } from '../fleet/merge.js';
import { workersLeftInStalledReads } from '../fleet/pool.js';
import { READ_TIMEOUT_SECONDS } from '../fleet/pool-limits.js';
import { parseShard, type Shard } from '../fleet/shard.js';
import { escapeTerminal } from '../render/escape.js';
import { isFormatName, renderers, type FormatName, type RenderOptions, type Renderer } from '../render/index.js';
import { renderRules, type RulesFormat } from '../render/rules-list.js';
import { timelineDeviceText, timelineJson, timelineTotalsText, type TimelineLayout } from '../render/timeline-text.js';
import { buildReport, SummaryBuilder, tallyOf, type DeviceTally } from '../report.js';
import { pieceOf, type DevicePiece, type PieceFormat } from '../render/piece.js';
import { cleanUpAll } from './interrupt.js';
import { planningPipe, stalledPathsOfEnv, stalledReason, stoppedMessage, STOPPED_CODES } from './supervised.js';
import { watchPlanning } from '../ingest/read-progress.js';
// bin/ldforensics.js takes these from the CLI's bundle.
export { isSupervised, tellSupervisor, unrefSupervisorChannel } from './supervised.js';
import { Progress } from './progress.js';
import { HtmlFolder, namesFolder } from './html-folder.js';
import { guardWrittenPaths } from './output-guard.js';
import { PassedOverTally } from '../passed-over.js';
import { OutputFile, stdoutFailed, stdoutFile, type FileSink } from './output-file.js';
import { MAX_PAGE_BYTES, MAX_PAGE_DEVICES } from '../render/html.js';
import { plural } from '../render/model.js';
import { GroupSpool } from './spool.js';
import { codeIdentity, packageVersion } from '../version.js';
import { diagnoseDevices, diagnosePieces, namesAnsweredTo, nothingReadable, shardKey, type CommonOptions, suggestPatterns, timelineDevices, timelineTotals } from '../run.js';
import type { DeviceReport, DeviceTimeline, Summary } from '../types.js';

const EXIT_OK = 0;
const EXIT_FAILURES = 1;
const EXIT_USAGE = 2;
/** A bug in ldforensics: not "failures found" (1), so a script never takes a crash for a verdict. */
const EXIT_BUG = 3;

/** The device being worked on, for the message of an error that escapes every guard. */
let currentDevice: string | undefined;

/** A repeatable option that also takes comma-separated lists (--device A,B --device C). */
function collect(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter((v) => v !== '')];
}

/** --color / --no-color first, then FORCE_COLOR and NO_COLOR (no-color.org), then a TTY that is not dumb. */
export function colorWanted(toFile: boolean, flag: boolean | undefined, env: NodeJS.ProcessEnv = process.env, tty = process.stdout.isTTY === true): boolean {
  if (flag !== undefined) return flag;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return !toFile && tty && env.TERM !== 'dumb';
}

/** The formats that have a form for the fleet summary alone. */
const SUMMARY_FORMATS: ReadonlySet<string> = new Set(['text', 'json', 'ndjson', 'md', 'jira']);

type FailOn = 'error' | 'warning' | 'never';

interface DiagnoseFlags { format: string; output?: string; tz?: string; patterns: string[]; device: string[]; maxFiles?: number; maxFileSize?: number; readTimeout?: number; jobs?: number; color?: boolean; failOn: FailOn; quiet?: boolean; shard?: Shard; cache?: boolean; cacheLocation?: string; cacheStrategy: 'metadata' | 'content'; summary?: boolean; details?: boolean; width?: number; progress?: boolean; summaryLast?: boolean }
interface TimelineFlags { format: string; output?: string; tz?: string; patterns: string[]; device: string[]; since?: string; until?: string; width?: number }

/** Where a report goes: the -o file, or stdout. */
type Sink = FileSink | NodeJS.WritableStream;

/** Where a report without -o goes: stdout, written directly where it is a file. */
function stdoutSink(): Sink {
  return stdoutFile() ?? process.stdout;
}

/** Stdout as a stream (a pipe or a terminal), which may make the writer wait; any other sink is written at once. */
function isStdoutStream(sink: Sink): sink is NodeJS.WritableStream {
  return sink === process.stdout;
}

/** Runs `work` with the output file, keeping the old report unless the work completes. */
async function withOutput<T>(output: string | undefined, work: (file: OutputFile | undefined) => Promise<T>): Promise<T> {
  const file = output ? new OutputFile(output) : undefined;
  try {
    const result = await work(file);
    file?.commit();
    return result;
  } finally {
    file?.discard();
  }
}

async function writeOut(text: string, output: OutputFile | undefined): Promise<void> {
  const sink = output ?? stdoutSink();
  if (!isStdoutStream(sink)) sink.write(text);
  else if (!stdoutClosed) await flushedToStdout(text);
}

/**
 * Set when the reader of stdout went away (`| head`): the rest of the report is not written, but
 * the run goes on to its end so that the exit code is the one the report earned.
 */
let stdoutClosed = false;

/** The report's columns: the terminal's; 100 where stdout is no terminal (a pipe, a file) or the report goes to -o. */
function reportWidth(output: string | undefined): number {
  const columns = output === undefined && process.stdout.isTTY ? process.stdout.columns : undefined;
  return typeof columns === 'number' && columns > 0 ? columns : 100;
}

/** The timeline fitted to --width, or to the terminal; whole lines where it goes to a pipe or a file. */
function timelineLayout(flags: Pick<TimelineFlags, 'output' | 'width'>): TimelineLayout {
  if (flags.width !== undefined) return { width: flags.width };
  const columns = flags.output === undefined && process.stdout.isTTY ? process.stdout.columns : undefined;
  return typeof columns === 'number' && columns > 0 ? { width: columns } : {};
}

function isFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Called by bin/ on EPIPE. */
export function markStdoutClosed(): void {
  stdoutClosed = true;
}

/**
 * Set when stdout failed otherwise (a full disk under `> report.json`): the report is not
 * whole, so the run ends with exit code 2 and says why, never with the 0 or 1 a script would
 * take for a complete report.
 */
let stdoutFailure: Error | undefined;

/** Writes `text` to stdout and waits until it is written or has failed (a failure is kept for the end of the run). */
async function flushedToStdout(text: string): Promise<void> {
  await new Promise<void>((resolve) => {
    process.stdout.write(text, (error) => {
      // A reader that went away (EPIPE, or a write after it) is its choice, not the report's fault.
      if (error && !stdoutClosed && (error as NodeJS.ErrnoException).code !== 'EPIPE') markStdoutFailed(error);
      else if (error) markStdoutClosed();
      resolve();
    });
  });
}


/**
 * Called by bin/ when the run is stopped by Ctrl-C or TERM: removes what the run kept on disk
 * until its end, says so, and gives the exit code bin/ ends the process with.
 */
export function stopped(signal: keyof typeof STOPPED_CODES): number {
  cleanUpAll();
  activeProgress?.end();
  process.stderr.write(stoppedMessage(signal));
  return STOPPED_CODES[signal];
}

/**
 * Called by bin/ as the run ends: where a worker was left in a read that stalled, the process's
 * exit waits for that thread (for ever, on a share that stopped answering), and the supervisor
 * kills it; stdout and stderr are closed first (every write to them has been made: Node writes
 * to pipes, files and terminals synchronously), so that a reader of the pipe (`| jq`) gets its
 * end now and not when the share answers.
 */
export function releaseOutputIfHeld(): void {
  if (workersLeftInStalledReads() === 0) return;
  for (const fd of [1, 2]) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
  }
}

/** Called by bin/ on an error of stdout other than EPIPE. */
export function markStdoutFailed(error: Error): void {
  stdoutClosed = true;
  stdoutFailure ??= error;
}

/** The progress line being shown, cleared before the report writes to the same terminal. */
let activeProgress: Progress | undefined;

/** Writes and waits when the reader is slower than we are, so a fleet's output is never all buffered. */
async function writeChunk(sink: Sink, text: string | Uint8Array): Promise<void> {
  if (!isStdoutStream(sink)) {
    sink.write(text);
    return;
  }
  if (stdoutClosed) return;
  activeProgress?.end();
  if (sink.write(text)) return;
  // A closed pipe never drains: its error or close ends the wait too, and the listeners go with it.
  await new Promise<void>((resolve) => {
    const done = (): void => {
      sink.off('drain', done);
      sink.off('error', done);
      sink.off('close', done);
      resolve();
    };
    sink.on('drain', done);
    sink.on('error', done);
    sink.on('close', done);
  });
}

/** A fleet's devices as a report writer takes them: whole, or each rendered (a piece) with its tally. */
interface FleetInput {
  devices(): AsyncIterable<DeviceReport>;
  pieces(format?: PieceFormat): AsyncIterable<DevicePiece>;
}

/**
 * Writes a fleet's report in `format` to -o or stdout, a device at a time where the format
 * allows (memory flat with fleet size), `seen` told of each device's tally as it comes: the
 * report of diagnose, and of merge, which takes its devices from shard files instead.
 */
async function writeFleet(fleetInput: FleetInput, format: FormatName, options: RenderOptions, flags: { output?: string; summary?: boolean; quiet?: boolean }, seen: (device: DeviceTally) => void, fleetSummary: () => Summary): Promise<void> {
  const renderer: Renderer = renderers[format];
  if (format === 'html' && !flags.summary && flags.output !== undefined && namesFolder(flags.output, isFolder)) {
    // A fleet as a folder: a page per device as each is finished, then the index.
    const folder = new HtmlFolder(flags.output);
    try {
      for await (const device of fleetInput.devices()) {
        seen(tallyOf(device));
        folder.add(device, options);
      }
      currentDevice = undefined;
      folder.finish(fleetSummary());
    } finally {
      // A run that failed midway leaves the old folder as it was (a finished one has nothing left to remove).
      folder.discard();
    }
  } else await withOutput(flags.output, async (file) => {
    // Devices rendered one at a time are rendered where they are diagnosed (on the workers).
    const pieceFormat: PieceFormat = { format, options };
    if (flags.summary) {
      // The fleet summary alone: devices are read and counted, none is written.
      for await (const piece of fleetInput.pieces()) seen(piece.tally);
      currentDevice = undefined;
      const summary = fleetSummary();
      await writeOut(format === 'json' ? `${JSON.stringify({ schema: 'ldforensics.diagnosis/1', summary }, null, 2)}\n` : (renderer.summary ?? renderer.end)?.(summary, options) ?? '', file);
    } else if (renderer.leads) {
      // The answer first (text, md): the fleet summary, then the devices (text: failed first).
      // Devices finish in name order, so each one's text waits with its group (in memory up to
      // a bound, then in temporary files) until the summary is known; render() gives the same bytes.
      const leads = renderer.leads;
      const sink: Sink = file ?? stdoutSink();
      const spool = new GroupSpool(leads.groups);
      try {
        for await (const piece of fleetInput.pieces(pieceFormat)) {
          seen(piece.tally);
          spool.add(piece.group, piece.bytes);
        }
        currentDevice = undefined;
        const summary = fleetSummary();
        await writeChunk(sink, leads.head(summary, options));
        await spool.copyTo((chunk) => writeChunk(sink, chunk));
        await writeChunk(sink, leads.tail(summary, options));
      } finally {
        spool.remove();
      }
    } else if (renderer.device && renderer.end) {
      // Streaming formats write each device as it is finished and keep only the fleet's counts:
      // memory stays flat with fleet size.
      const sink: Sink = file ?? stdoutSink();
      // The opening (json's "{", csv's header) waits for the first device or the end: a run that
      // fails before any device (a path that does not exist) writes nothing to stdout.
      const start = renderer.start?.(options) ?? '';
      let first = true;
      for await (const piece of fleetInput.pieces(pieceFormat)) {
        seen(piece.tally);
        const lead = first ? start : renderer.between ?? '';
        if (lead !== '') await writeChunk(sink, lead);
        await writeChunk(sink, piece.bytes);
        first = false;
      }
      currentDevice = undefined;
      await writeChunk(sink, (first ? start : '') + renderer.end(fleetSummary(), options, first));
    } else {
      // One self-contained page (html) needs every device at once: bounded, and refused past
      // what a ticket takes, with the folder form named instead.
      const devices: DeviceReport[] = [];
      const tooLarge = (what: string): UsageError => new UsageError(`${what}: too large for one HTML page to attach to a ticket`, `Write the fleet as a folder, a page per device and an index: --format html -o ${escapeTerminal(flags.output ?? 'report')}/`);
      for await (const device of fleetInput.devices()) {
        seen(tallyOf(device));
        devices.push(device);
        if (devices.length > MAX_PAGE_DEVICES) throw tooLarge(`more than ${MAX_PAGE_DEVICES} devices`);
      }
      currentDevice = undefined;
      // The fleet's summary as the run made it: what the share held that was not read is part of it.
      const page = renderer.render({ ...buildReport(devices), summary: fleetSummary() }, options);
      if (devices.length > 1 && Buffer.byteLength(page) > MAX_PAGE_BYTES) throw tooLarge(`${plural(devices.length, 'device')} make a page of ${(Buffer.byteLength(page) / 1e6).toFixed(1)} MB (the limit is ${MAX_PAGE_BYTES / 1024 / 1024} MiB)`);
      await writeOut(page, file);
    }
  });
}

async function diagnoseCommand(paths: string[], flags: DiagnoseFlags): Promise<number> {
  if (flags.readTimeout !== undefined) watchPlanningFromSupervisor(flags.readTimeout);
  if (!isFormatName(flags.format)) throw new UsageError(`--format: unknown format "${flags.format}"`, `Formats: ${Object.keys(renderers).join(', ')}.`);
  const format: FormatName = flags.format;
  if (flags.summary && !SUMMARY_FORMATS.has(flags.format)) throw new UsageError(`--summary: the fleet summary alone is shown as ${[...SUMMARY_FORMATS].join(', ')}, not ${flags.format}`);
  const options: RenderOptions = {
    color: colorWanted(flags.output !== undefined, flags.color), width: flags.width ?? reportWidth(flags.output),
    ...(flags.details ? { details: true } : {}),
    // On a terminal a fleet's summary comes again at the end, where the eye is when the run ends.
    ...((flags.output === undefined && process.stdout.isTTY) || flags.summaryLast ? { summaryLast: true } : {}),
  };
  // Never write into what is read: the report or the cache inside an input bundle is refused, inside a share left out.
  refuseCacheFoldersAsInput(paths);
  // --cache-location names the cache's folder, and asks for the cache by itself.
  const cacheDir = flags.cacheLocation ?? (flags.cache ? DEFAULT_CACHE_DIR : undefined);
  const guard = guardWrittenPaths(paths, [
    ...(flags.output !== undefined ? [{ given: flags.output, option: '--output', folder: format === 'html' && !flags.summary && namesFolder(flags.output, isFolder) }] : []),
    ...(cacheDir !== undefined ? [{ given: cacheDir, option: '--cache', folder: true }] : []),
  ]);
  if (!flags.quiet) for (const note of guard.notes) process.stderr.write(`ldforensics: ${escapeTerminal(note)}\n`);
  const common: CommonOptions = { paths, ...(guard.exclude.size > 0 ? { exclude: guard.exclude } : {}), patternFiles: flags.patterns, devices: flags.device, ...(flags.tz ? { zone: flags.tz } : {}), ...(flags.maxFiles !== undefined ? { maxFiles: flags.maxFiles } : {}), ...(flags.maxFileSize !== undefined ? { maxFileSize: flags.maxFileSize } : {}), jobs: flags.jobs ?? 'auto', ...(flags.shard ? { shard: flags.shard } : {}),
    // Devices are read on workers, so that a read that stalls is seen from this thread (pool.ts).
    readsOnWorkers: true, ...(flags.readTimeout !== undefined ? { readTimeoutSeconds: flags.readTimeout } : {}),
    ...(cacheDir !== undefined ? { cache: { dir: cacheDir, strategy: flags.cacheStrategy } } : {}) };
  const fleet = new SummaryBuilder();
  // On a terminal, a progress line on stderr while a fleet is read; never on a pipe or a file.
  const progress = new Progress(process.stderr, process.stderr.isTTY === true && !flags.quiet && flags.progress !== false);
  // What the share held that is not read is said on stderr once planning has found it, before the
  // report (which then ends with its summary); or at the end, where planning stopped the run.
  let passedOverSaid = false;
  const sayPassedOver = (): void => {
    if (passedOverSaid || flags.quiet) return;
    passedOverSaid = true;
    for (const line of passedOver.lines()) progress.interrupt(`ldforensics: ${escapeTerminal(line)}\n`);
  };
  common.onPlanned = (devices) => {
    sayPassedOver();
    progress.planned(devices);
    // A fleet's text is a line per device (--details: every report in full). Set here, once the
    // plan is known and before any device is rendered: the pieces are rendered with these options.
    options.brief = format === 'text' && flags.details !== true && devices > 1;
  };
  const passedOver = new PassedOverTally();
  common.onPassedOver = (display, kind) => passedOver.add(display, kind);
  // A damaged cache entry whose device's report cannot carry the note (its rendered piece was looked up here): said here.
  common.onCacheProblem = (device, problem) => progress.interrupt(`ldforensics: ${escapeTerminal(device)}: ${escapeTerminal(problem)}\n`);
  activeProgress = progress;
  const missing = new Map(flags.device.map((name) => [name.toLowerCase(), name]));
  const seen = (device: DeviceTally): void => {
    currentDevice = device.device;
    progress.device(device.verdict);
    fleet.addTally(device);
    // A qualified name (site-a/LAB-0101) answers a bare --device LAB-0101 too.
    for (const answered of namesAnsweredTo(device.device)) missing.delete(answered);
    // What a run could not read is said on stderr too: one line per device.
    if ((device.readErrors ?? 0) > 0 && !flags.quiet) {
      const files = device.readErrorFiles ?? [];
      const more = (device.readErrors ?? 0) > files.length ? `, and ${(device.readErrors ?? 0) - files.length} more` : '';
      progress.interrupt(`ldforensics: ${escapeTerminal(device.device)}: ${plural(device.readErrors ?? 0, 'log')} could not be read: ${escapeTerminal(files.join(', '))}${more}\n`);
    }
  };
  // A shard's summary says which shard it is and what its run depended on, so merge can refuse shards that do not belong together.
  // Its version names the code too: two checkouts of one version whose rules differ must not be merged as one run.
  const shard = flags.shard ? { index: flags.shard.index, count: flags.shard.count, version: `${packageVersion()} (code ${codeIdentity()})`, key: shardKey(common) } : undefined;
  // What the share held that was not read is in the summary (every format), and on stderr a line per kind.
  const summaryOf = (): Summary => {
    const summary = fleet.summary();
    const notRead = passedOver.summary();
    return { ...summary, ...(shard ? { shard } : {}), ...(notRead ? { passedOver: notRead } : {}) };
  };
  try {
    await writeFleet({ devices: () => diagnoseDevices(common), pieces: (pieceFormat) => diagnosePieces(common, pieceFormat) }, format, options, flags, seen, summaryOf);
  } finally {
    // Said even where the run found nothing to read (a core server's bundle given alone).
    sayPassedOver();
  }
  progress.end();
  activeProgress = undefined;
  if (flags.output !== undefined && !flags.quiet) sayWritten(flags.output, `${flags.summary ? 'the fleet summary' : `the ${format} report`} of ${plural(fleet.summary().devices, 'device')}`, format === 'html' && !flags.summary && namesFolder(flags.output, isFolder));
  // A shard of a small share may hold no device: a valid, empty shard (its summary says so).
  if (shard && fleet.summary().devices === 0) return EXIT_OK;
  if (!fleet.anythingRead) {
    process.stderr.write(`ldforensics: nothing readable found in ${escapeTerminal(paths.join(', '))}\n`);
    return EXIT_USAGE;
  }
  if (missing.size > 0) process.stderr.write(`ldforensics: no device named ${escapeTerminal([...missing.values()].join(', '))} in ${escapeTerminal(paths.join(', '))}\n`);
  if (flags.failOn === 'never') return EXIT_OK;
  return fleet.failed || (flags.failOn === 'warning' && fleet.warned) ? EXIT_FAILURES : EXIT_OK;
}

async function timelineCommand(paths: string[], flags: TimelineFlags): Promise<number> {
  if (flags.format !== 'text' && flags.format !== 'json') throw new UsageError(`--format: the timeline is shown as text or json, not "${flags.format}"`);
  if (flags.output !== undefined) guardWrittenPaths(paths, [{ given: flags.output, option: '--output', folder: false }]);
  const devices = timelineDevices({
    paths, patternFiles: flags.patterns, devices: flags.device,
    ...(flags.tz ? { zone: flags.tz } : {}), ...(flags.since ? { since: flags.since } : {}), ...(flags.until ? { until: flags.until } : {}),
  });
  // Each device is written as soon as it is read; only its line counts are kept for the totals.
  const counted: Pick<DeviceTimeline, 'files'>[] = [];
  const json = flags.format === 'json';
  await withOutput(flags.output, async (file) => {
    const sink: Sink = file ?? stdoutSink();
    for await (const device of devices) {
      if (json && counted.length === 0) await writeChunk(sink, timelineJson.start());
      await writeChunk(sink, json ? timelineJson.device(device, counted.length === 0) : timelineDeviceText(device, timelineLayout(flags)));
      counted.push({ files: device.files });
    }
    const totals = timelineTotals(counted);
    await writeChunk(sink, json ? timelineJson.end(totals) : timelineTotalsText(totals));
  });
  if (flags.output !== undefined) sayWritten(flags.output, `the timeline of ${plural(counted.length, 'device')}`, false);
  return nothingReadable(counted) ? EXIT_USAGE : EXIT_OK;
}

function program(setExit: (code: number) => void): Command {
  const cli = new Command('ldforensics')
    .description('Find why LANDesk / Ivanti EPM OS provisioning failed, from the devices\' gathered logs.')
    .version(packageVersion())
    .option('--rules', 'list the detection rules and exit')
    .exitOverride();
  cli.argument('[command...]').action(async (words: string[], flags: { rules?: boolean }) => {
    const command = words[0];
    if (command === 'help') {
      // `ldforensics help [command [subcommand]]`, as git and npm take it.
      let shown: Command = cli;
      for (const word of words.slice(1)) {
        const sub = shown.commands.find((c) => c.name() === word);
        if (!sub) throw new UsageError(`help: no command "${word}"`, `Commands: ${shown.commands.map((c) => c.name()).join(', ')}.`);
        shown = sub;
      }
      shown.help();
    }
    if (command !== undefined) {
      // A mistyped command gets a suggestion, as git and npm give one.
      const names = cli.commands.map((c) => c.name());
      const near = names.filter((name) => editDistance(name, command) <= Math.max(2, Math.floor(name.length / 3)));
      throw new UsageError(`unknown command "${command}"${near.length > 0 ? ` (did you mean ${near.join(' or ')}?)` : ''}`, `Commands: ${names.join(', ')}.`);
    }
    if (flags.rules) {
      await writeOut(renderRules('text'), undefined);
      return;
    }
    cli.help();
  });
  const tz = new Option('--tz <zone>', 'the devices\' time zone (e.g. Europe/Paris): times get offsets, .stat UTC times are placed');
  const patterns = new Option('--patterns <file>', 'an extra pattern pack (JSON) tried before the built-in one; repeatable').argParser(collect).default([]);
  const device = new Option('--device <name>', 'only this device; repeatable').argParser(collect).default([]);
  cli.command('diagnose')
    .description('say why each device failed, with the evidence and the fix')
    .argument('<path...>', 'folders of device bundles, bundle folders, .zip bundles or log files')
    .addOption(new Option('-f, --format <format>', 'output format (md: GitHub/GitLab Markdown; jira: Jira wiki markup)').choices(Object.keys(renderers)).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(tz).addOption(patterns).addOption(device)
    .addOption(new Option('--fail-on <level>', 'exit 1 on devices with findings of this severity or worse').choices(['error', 'warning', 'never']).default('error'))
    .option('--shard <K/N>', 'only the devices of shard K of N (a stable hash of the name), for N machines; merge their ndjson with `merge`', parseShard)
    .option('--cache', `keep each device's report and take it from there while its bundle's files are unchanged (in ${DEFAULT_CACHE_DIR})`)
    .option('--cache-location <dir>', 'the cache\'s folder (implies --cache)')
    .addOption(new Option('--cache-strategy <how>', 'what tells a changed file: its size and modification time, or its content').choices(['metadata', 'content']).default('metadata'))
    .option('--summary', 'the fleet summary alone (text, md, jira, json, ndjson): for a ticket')
    .option('--details', 'text: every device\'s full report with its evidence, not a line per device')
    .option('--width <n>', 'text: fit the report to this many columns (default: the terminal\'s, or 100)', wholeNumber('--width', 40, 10_000))
    .option('-q, --quiet', 'quieter: no progress line and no notes on stderr (the report is the same; errors are always said)')
    .option('--no-progress', 'no progress line on the terminal')
    // npm run demo: the summary last wherever the report goes (a terminal gets it anyway).
    .addOption(new Option('--summary-last').hideHelp())
    .option('--color', 'colour the text report even when not on a terminal')
    .option('--no-color', 'never colour the text report')
    .option('--jobs <n>', 'devices diagnosed in parallel on worker threads (default: one per core where the fleet is large enough to pay for them, else one)', wholeNumber('--jobs', 1, 256))
    .option('--max-files <n>', 'files read per bundle at the most; the rest are counted and listed (default 5000)', wholeNumber('--max-files', 1, Number.MAX_SAFE_INTEGER))
    .option('--max-file-size <size>', 'files larger than this are not read, and are named on their device (bytes, or with K, M, G: default 2G)', byteSize('--max-file-size'))
    .option('--read-timeout <seconds>', 'a log that gives no byte for this long (a share that stopped answering) is given up: a read error on its device, and the fleet goes on (default 30)', wholeNumber('--read-timeout', 1, 86_400))
    .action(async (paths: string[], flags: DiagnoseFlags) => { setExit(await diagnoseCommand(paths, flags)); });
  cli.command('timeline')
    .description('show each device\'s merged timeline of every log')
    .argument('<path...>', 'folders of device bundles, bundle folders, .zip bundles or log files')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--since <time>', 'only entries at or after this wall-clock time (e.g. "2026-03-09 10:00"; "09:41" alone: that time on each device\'s day)')
    .option('--until <time>', 'only entries at or before this wall-clock time')
    .option('-o, --output <file>', 'write the timeline to a file instead of stdout')
    .option('--width <n>', 'fit the timeline to this many columns, wrapping the text (default: the terminal\'s; whole lines, one an entry, to a pipe or a file)', wholeNumber('--width', 40, 10_000))
    .addOption(new Option('--tz <zone>', tz.description)).addOption(new Option('--patterns <file>', patterns.description).argParser(collect).default([]))
    .addOption(new Option('--device <name>', device.description).argParser(collect).default([]))
    .action(async (paths: string[], flags: TimelineFlags) => { setExit(await timelineCommand(paths, flags)); });
  const patternsCommand = cli.command('patterns').description('work with pattern packs');
  patternsCommand.command('suggest')
    .description('draft a pattern pack from the lines no pattern recognised, for wording ldforensics does not know')
    .argument('<path...>', 'folders of device bundles, bundle folders, .zip bundles or log files')
    .option('-o, --output <file>', 'write the draft pack (JSON) to a file instead of stdout')
    .option('--top <n>', 'at most this many patterns', wholeNumber('--top', 1, 1000), 40)
    .addOption(new Option('--patterns <file>', 'packs already in use: lines they recognise are not drafted again; repeatable').argParser(collect).default([]))
    .addOption(new Option('--device <name>', device.description).argParser(collect).default([]))
    .action(async (paths: string[], flags: { output?: string; top: number; patterns: string[]; device: string[] }) => {
      if (flags.output !== undefined) guardWrittenPaths(paths, [{ given: flags.output, option: '--output', folder: false }]);
      const result = await suggestPatterns({ paths, patternFiles: flags.patterns, devices: flags.device, top: flags.top });
      await withOutput(flags.output, (file) => writeOut(`${JSON.stringify(result.pack, null, 2)}\n`, file));
      const guessed = result.pack.patterns.filter((p) => p.event !== 'message').length;
      process.stderr.write(`ldforensics: ${result.lines} unrecognised lines in ${result.devices} device(s) gave ${result.templates} templates; `
        + `the draft holds ${result.pack.patterns.length} patterns (${guessed} with a guessed event kind)${result.leftOut > 0 ? `, ${result.leftOut} left out` : ''}. `
        + 'Review each pattern\'s "event", then use it with --patterns.\n');
    });
  cli.command('merge')
    .description('merge the ndjson outputs of --shard runs into one report, as one run over the whole share gives')
    .argument('<file...>', 'ndjson files written by diagnose -f ndjson --shard K/N')
    .addOption(new Option('-f, --format <format>', 'output format').choices(Object.keys(renderers)).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(new Option('--fail-on <level>', 'exit 1 on devices with findings of this severity or worse').choices(['error', 'warning', 'never']).default('error'))
    .option('--color', 'colour the text report even when not on a terminal')
    .option('--no-color', 'never colour the text report')
    .option('--allow-partial', 'take shards cut short (no summary line) and an incomplete set of shards, saying what is missing')
    .option('--details', 'text: every device\'s full report with its evidence, not a line per device')
    .option('--width <n>', 'text: fit the report to this many columns (default: the terminal\'s, or 100)', wholeNumber('--width', 40, 10_000))
    .action(async (files: string[], flags: { format: string; output?: string; failOn: FailOn; color?: boolean; allowPartial?: boolean; details?: boolean; width?: number }) => {
      if (!isFormatName(flags.format)) throw new UsageError(`--format: unknown format "${flags.format}"`);
      const format: FormatName = flags.format;
      if (flags.output !== undefined) guardWrittenPaths(files, [{ given: flags.output, option: '--output', folder: format === 'html' && namesFolder(flags.output, isFolder) }]);
      const options: RenderOptions = {
        color: colorWanted(flags.output !== undefined, flags.color), width: flags.width ?? reportWidth(flags.output),
        ...(flags.details ? { details: true } : {}), ...(flags.output === undefined && process.stdout.isTTY ? { summaryLast: true } : {}),
      };
      // The shards are read as they are written: a device at a time, as diagnose writes a fleet.
      const fleet = new SummaryBuilder();
      let passedOver: Summary['passedOver'];
      const mergeOptions = {
        allowPartial: flags.allowPartial === true,
        onWarning: (message: string): void => { process.stderr.write(`ldforensics: ${escapeTerminal(message)}\n`); },
        onPassedOver: (notRead: NonNullable<Summary['passedOver']>): void => { passedOver = notRead; },
        // A fleet's text is a line per device, as diagnose gives it.
        onPlanned: (devices: number): void => { options.brief = format === 'text' && flags.details !== true && devices > 1; },
      };
      const input: FleetInput = {
        devices: () => mergeShards(files, mergeOptions),
        async *pieces(pieceFormat) {
          for await (const device of mergeShards(files, mergeOptions)) yield pieceOf(device, pieceFormat);
        },
      };
      await writeFleet(input, format, options, flags, (tally) => fleet.addTally(tally), () => ({ ...fleet.summary(), ...(passedOver ? { passedOver } : {}) }));
      if (flags.output !== undefined) sayWritten(flags.output, `the merged ${format} report of ${plural(fleet.summary().devices, 'device')}`, format === 'html' && namesFolder(flags.output, isFolder));
      setExit(flags.failOn === 'never' ? EXIT_OK : fleet.failed || (flags.failOn === 'warning' && fleet.warned) ? EXIT_FAILURES : EXIT_OK);
    });
  cli.command('rules')
    .description('list the detection rules with their descriptions and fixes')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'md']).default('text'))
    .action(async (flags: { format: RulesFormat }) => { await writeOut(renderRules(flags.format), undefined); });
  // A mistyped option gets commander's "did you mean", the command's usage line and where the
  // options are listed: not the whole help, which pushes the mistake off the screen.
  const everyCommand = (command: Command): Command[] => [command, ...command.commands.flatMap(everyCommand)];
  for (const command of everyCommand(cli)) {
    const name = command === cli ? 'ldforensics' : `ldforensics ${commandPath(command)}`;
    command.showHelpAfterError(`Usage: ${name} ${command.usage()}\nSee: ${name} --help`);
  }
  return cli;
}

/**
 * After -o, one line on a terminal's stderr says what was written and where: with no report on
 * the screen, the user is not left to guess whether the run did anything. Never on a pipe.
 */
function sayWritten(output: string, what: string, folder: boolean): void {
  if (process.stderr.isTTY !== true) return;
  const where = path.resolve(output);
  process.stderr.write(`ldforensics: wrote ${what} to ${escapeTerminal(folder ? `${where}${path.sep} (open index.html)` : where)}\n`);
}

/** A command's words after the program's name (`patterns suggest`). */
function commandPath(command: Command): string {
  const words: string[] = [];
  for (let at: Command | null = command; at?.parent; at = at.parent) words.unshift(at.name());
  return words.join(' ');
}

/**
 * `--cache` took its folder as an optional value, which swallowed the next path (`--cache
 * samples`); it is a switch now, with --cache-location. A cache folder given as a path to read
 * is that old form: said, not read as a share of devices.
 */
function refuseCacheFoldersAsInput(paths: readonly string[]): void {
  for (const given of paths) {
    if (existsSync(path.join(given, CACHE_MARKER))) {
      throw new UsageError(`${given} is an ldforensics cache folder, not logs to read`, `--cache is a switch; name the cache's folder with --cache-location ${given}`);
    }
  }
}

/** An option's parser for a whole number within bounds, refusing anything else by name. */
function wholeNumber(option: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${option}: want a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ' up'}, not "${value}"`);
    return n;
  };
}

/** A size in bytes, or with a K, M or G suffix (binary: 2G is 2 GiB). */
function byteSize(option: string): (value: string) => number {
  return (value) => {
    const match = /^(\d+(?:\.\d+)?)\s*([kmg]i?b?)?$/i.exec(value.trim());
    const unit = (match?.[2] ?? '').charAt(0).toLowerCase();
    const n = match ? Math.floor(Number(match[1]) * (unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1)) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${option}: want a size in bytes, or with K, M or G (for example 2G), not "${value}"`);
    return n;
  };
}

/** Levenshtein distance, for "did you mean". */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const next = [i];
    for (let j = 1; j <= b.length; j += 1) next.push(Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)));
    row = next;
  }
  return row[b.length] ?? 0;
}

/** Runs the CLI and returns the exit code; never calls process.exit (bin/ does). */
/**
 * A supervised run's planning is watched by its supervisor (read-progress.ts, supervisor.ts):
 * each path is said on the planning pipe before it is listed, with the time it may take, and
 * the paths an earlier try found stalled are not touched again.
 */
function watchPlanningFromSupervisor(seconds: number): void {
  const pipe = planningPipe();
  if (pipe === null) return;
  pipe(`limit ${seconds}`);
  watchPlanning((at) => pipe(at === null ? 'done' : `at ${JSON.stringify(at)}`), stalledPathsOfEnv(), stalledReason(seconds));
}

export async function main(argv: string[]): Promise<number> {
  let code = EXIT_OK;
  watchPlanningFromSupervisor(READ_TIMEOUT_SECONDS);
  const cli = program((c) => { code = c; });
  try {
    // `--cache=DIR` was the cache's folder before it had an option of its own.
    const oldCache = argv.find((arg) => arg.startsWith('--cache='));
    if (oldCache !== undefined) throw new UsageError(`${oldCache}: --cache is a switch`, `Name the cache's folder with --cache-location ${oldCache.slice('--cache='.length)}`);
    await cli.parseAsync(argv, { from: 'user' });
    // What was written is written, or its failure known, before the exit code is decided.
    if (!stdoutClosed) await flushedToStdout('');
    if (stdoutFailure) throw stdoutFailed(stdoutFailure);
    return code;
  } catch (error) {
    if (error instanceof KnownError) {
      // A message can quote a pattern pack's sample or a path: never send its control characters to the terminal.
      process.stderr.write(`ldforensics: ${escapeTerminal(error.message)}\n${error.hint ? `  hint: ${escapeTerminal(error.hint)}\n` : ''}`);
      return EXIT_USAGE;
    }
    // commander's own exits (help, version, bad option) carry their exit code.
    if (typeof error === 'object' && error !== null && 'exitCode' in error && typeof error.exitCode === 'number' && 'code' in error && String(error.code).startsWith('commander.')) {
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    // Anything else is a bug: said so, with the device it was on, and an exit code of its own.
    const device = error instanceof InternalError ? error.device : currentDevice;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(escapeTerminal(`ldforensics: internal error (a bug in ldforensics, not in your logs)${device ? ` while on device ${device}` : ''}: ${message}`)
      + `\n${error instanceof Error && error.stack ? `${error.stack.split('\n').map(escapeTerminal).join('\n')}\n` : ''}  Please report it with the command line you ran.\n`);
    return EXIT_BUG;
  }
}
