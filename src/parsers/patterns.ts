// The pattern pack: message wording as data, after lnav's format files. A pattern names the
// log kinds it applies to, the event it produces, a regex whose named groups fill typed
// fields, and real sample lines that a test proves it matches (and no other pattern does).
// Users add their own pack with --patterns; theirs are tried first, so they can override.
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import type { EventFields, EventKind, LogKind, ProcessName } from '../types.js';
import { backtrackingReason } from './backtracking.js';
import { parseCode } from './codes.js';
import { holdsOneOf, requiredLiterals } from './literals.js';
import { parseLeadingTimestamp, parseTimestampValue } from './timestamp.js';
import defaultPackJson from './patterns/default.json' with { type: 'json' };

export interface PatternSpec {
  id: string;
  logs: LogKind[];
  event: EventKind;
  /** Fixed field values for every match (e.g. which process a start banner is for). */
  process?: ProcessName;
  blocker?: ProcessName;
  regex: string;
  /** Regex flags; case-insensitive unless said otherwise. */
  flags?: string;
  samples: string[];
  /**
   * Literals one of which every line this pattern matches contains (the prefilter; see
   * literals.ts). Optional: without them they are derived from the regex where it allows.
   */
  literals?: string[];
  description?: string;
}

export interface PatternPack {
  name: string;
  description?: string;
  patterns: PatternSpec[];
}

export interface CompiledPattern {
  spec: PatternSpec;
  regex: RegExp;
  pack: string;
  /** The prefilter: a message holding none of these is not tried (null: always tried). */
  literals: string[] | null;
  /** The literals are lower case, for the lower-cased message (the i flag). */
  caseless: boolean;
}

export interface PatternMatch {
  pattern: CompiledPattern;
  kind: EventKind;
  fields: EventFields;
}

const LOG_KINDS: readonly LogKind[] = ['sdclient', 'vulscan', 'policysync', 'localsch', 'scheduler-tasks', 'task-status', 'provisioning', 'provision-gui'];
export const EVENT_KINDS: readonly EventKind[] = [
  'process-start', 'process-exit', 'command-line', 'package-name', 'waiting', 'wait-finished', 'scanning',
  'busy-refusal', 'scrub-skipped', 'package-result', 'task-status-sent', 'download-error', 'installer-activity', 'task-added',
  'task-launched', 'task-listed', 'task-status', 'action-started', 'action-result', 'template-stopped', 'template-started', 'template-completed', 'message',
];
const PROCESSES: readonly ProcessName[] = ['sdclient', 'vulscan', 'policysync'];

/** Named groups a pattern may use; a trailing number (blocker2) lets alternatives share a field. */
const GROUPS = new Set([
  'code', 'hex', 'pid', 'blocker', 'version', 'taskId', 'package', 'command', 'start', 'freq',
  'delayMin', 'delayMax', 'action', 'total', 'name', 'type', 'outcome', 'template', 'status',
]);

function includes<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (list as readonly string[]).includes(value);
}

/**
 * A pattern sees at most this much of a line (the rest is still read and counted): with every
 * pattern linear this bounds a line's cost, and it bounds what a pattern that slipped through
 * the check below could cost.
 */
export const MAX_PATTERN_CHARS = 4096;

/** Messages up to this long have their match remembered; at most MAX_REMEMBERED of them per log kind (then forgotten at once). */
const MAX_REMEMBERED_CHARS = 256;
const MAX_REMEMBERED = 8192;

export interface ValidateOptions {
  /** The built-in pack: its patterns are proven linear, and its samples checked, by its own tests, not at every start. */
  trusted?: boolean;
}

/** Checks a pack's shape; every problem names the pack and the pattern. */
export function validatePack(value: unknown, source: string, options: ValidateOptions = {}): PatternPack {
  const fail = (what: string): never => {
    throw new UsageError(`${source}: ${what}`, 'A pattern pack is JSON: { "name": …, "patterns": [{ "id", "logs", "event", "regex", "samples" }] }; see src/parsers/patterns/default.json.');
  };
  if (typeof value !== 'object' || value === null || !('patterns' in value) || !Array.isArray(value.patterns)) {
    return fail('not a pattern pack (no "patterns" array)');
  }
  const name = 'name' in value && typeof value.name === 'string' ? value.name : source;
  const patterns: PatternSpec[] = [];
  const ids = new Set<string>();
  value.patterns.forEach((raw: unknown, index: number) => {
    const where = `pattern ${index + 1}`;
    if (typeof raw !== 'object' || raw === null) return fail(`${where} is not an object`);
    const p: Record<string, unknown> = { ...raw };
    const id = typeof p.id === 'string' && p.id ? p.id : fail(`${where} has no "id"`);
    if (ids.has(id)) fail(`pattern "${id}" is defined twice`);
    ids.add(id);
    if (!Array.isArray(p.logs) || p.logs.length === 0 || !p.logs.every((l) => includes(LOG_KINDS, l))) {
      fail(`pattern "${id}": "logs" must list log kinds among ${LOG_KINDS.join(', ')}`);
    }
    if (!includes(EVENT_KINDS, p.event)) fail(`pattern "${id}": "event" must be one of ${EVENT_KINDS.join(', ')}`);
    if (typeof p.regex !== 'string') fail(`pattern "${id}" has no "regex"`);
    if (!Array.isArray(p.samples) || p.samples.length === 0 || !p.samples.every((s) => typeof s === 'string')) {
      fail(`pattern "${id}" must carry at least one real sample line in "samples"`);
    }
    if (p.process !== undefined && !includes(PROCESSES, p.process)) fail(`pattern "${id}": unknown process "${String(p.process)}"`);
    if (p.blocker !== undefined && !includes(PROCESSES, p.blocker)) fail(`pattern "${id}": unknown blocker "${String(p.blocker)}"`);
    const spec: PatternSpec = {
      id,
      logs: (p.logs as unknown[]).filter((l): l is LogKind => includes(LOG_KINDS, l)),
      event: includes(EVENT_KINDS, p.event) ? p.event : 'message',
      regex: String(p.regex),
      samples: (p.samples as unknown[]).map(String),
    };
    if (includes(PROCESSES, p.process)) spec.process = p.process;
    if (includes(PROCESSES, p.blocker)) spec.blocker = p.blocker;
    if (typeof p.flags === 'string') {
      // "g" and "y" make a regex remember where its last match ended: each line would be read from there.
      if (/[gy]/.test(p.flags)) fail(`pattern "${id}": flags "${p.flags}": "g" and "y" are not allowed (each line is matched on its own, from its start)`);
      spec.flags = p.flags;
    }
    if (typeof p.description === 'string') spec.description = p.description;
    if (p.literals !== undefined) {
      if (!Array.isArray(p.literals) || p.literals.length === 0 || !p.literals.every((l) => typeof l === 'string' && l.length > 0)) {
        fail(`pattern "${id}": "literals" must be a list of non-empty strings, one of which every matching line contains`);
      }
      spec.literals = (p.literals as unknown[]).map(String);
    }
    // The regex and its groups are checked here too, so a user's pack is refused when it is
    // loaded, with the file's name, not later under the pack's own "name".
    const compiled = compile(spec, source);
    if (!options.trusted) {
      // No pattern may take more than linear time on a line: a log holds whatever a device wrote.
      const reason = backtrackingReason(compiled.regex, spec.samples.map(sampleMessage));
      if (reason !== null) {
        fail(`pattern "${id}" of pack "${typeof (value as { name?: unknown }).name === 'string' ? String((value as { name?: unknown }).name) : source}" is refused: ${reason}`);
      }
    }
    patterns.push(spec);
  });
  // The built-in pack passes these checks in its own test (patterns.test.ts), not at every start of every thread.
  if (!options.trusted) checkSamples(patterns, source);
  return { name, description: 'description' in value && typeof value.description === 'string' ? value.description : undefined, patterns };
}

/** A sample as the pattern sees it: the message after the line's timestamp. */
export function sampleMessage(sample: string): string {
  const stamp = parseLeadingTimestamp(sample);
  return stamp?.ok ? stamp.rest : sample;
}

/**
 * lnav's two checks, at load time: every pattern matches each of its own samples, and no
 * sample is matched by a second pattern of the same pack for the same log kind (first match
 * wins, so that pattern could never be reached with such a line).
 */
export function checkSamples(patterns: readonly PatternSpec[], source: string): void {
  const compiled = patterns.map((spec) => compile(spec, source));
  for (const pattern of compiled) {
    for (const sample of pattern.spec.samples) {
      const message = sampleMessage(sample);
      if (pattern.literals !== null && !holdsOneOf(pattern.caseless ? message.toLowerCase() : message, pattern.literals)) {
        throw new UsageError(`${source}: pattern "${pattern.spec.id}": its sample "${sample}" holds none of its "literals" (${pattern.literals.join(', ')})`, 'Every line the pattern matches must contain one of its literals: they decide which lines the regex is tried on.');
      }
      if (!pattern.regex.test(message)) {
        throw new UsageError(`${source}: pattern "${pattern.spec.id}" does not match its own sample "${sample}"`, 'Fix the regex or the sample: every sample must be a real line the pattern recognises.');
      }
      const other = compiled.find((o) => o !== pattern && o.spec.logs.some((l) => pattern.spec.logs.includes(l)) && o.regex.test(message));
      if (other) {
        throw new UsageError(`${source}: sample "${sample}" of pattern "${pattern.spec.id}" is matched by pattern "${other.spec.id}" too`, 'Two patterns for one log kind must not recognise the same line.');
      }
    }
  }
}

/**
 * What compiling a spec costs, its regex and its prefilter, made once per spec: a pack is
 * compiled when it is checked and again for each PatternSet (each worker thread makes one).
 */
const compiledParts = new WeakMap<PatternSpec, Pick<CompiledPattern, 'regex' | 'literals' | 'caseless'>>();

function compile(spec: PatternSpec, pack: string): CompiledPattern {
  const made = compiledParts.get(spec);
  if (made !== undefined) return { spec, pack, ...made };
  let regex: RegExp;
  try {
    regex = new RegExp(spec.regex, spec.flags ?? 'i');
  } catch (error) {
    throw new UsageError(`${pack}: pattern "${spec.id}": invalid regex: ${error instanceof Error ? error.message : String(error)}`);
  }
  for (const group of spec.regex.matchAll(/\(\?<([A-Za-z][A-Za-z0-9]*)>/g)) {
    const field = (group[1] ?? '').replace(/\d+$/, '');
    if (!GROUPS.has(field)) {
      throw new UsageError(`${pack}: pattern "${spec.id}": unknown named group "${group[1] ?? ''}"`, `Known groups: ${[...GROUPS].join(', ')}.`);
    }
  }
  const parts = { regex, ...prefilterOf(spec, regex) };
  compiledParts.set(spec, parts);
  return { spec, pack, ...parts };
}

/**
 * The pattern's prefilter: its declared literals, or those derived from its regex. A derived
 * set that misses one of the pattern's own samples would hide real lines: it is dropped (the
 * regex then always runs). A declared one is the pack author's word, held to the samples in
 * checkSamples.
 */
function prefilterOf(spec: PatternSpec, regex: RegExp): Pick<CompiledPattern, 'literals' | 'caseless'> {
  const caseless = regex.flags.includes('i');
  if (spec.literals) return { literals: spec.literals.map((l) => (caseless ? l.toLowerCase() : l)), caseless };
  const derived = requiredLiterals(regex.source, regex.flags);
  if (derived === null) return { literals: null, caseless };
  const keepsEverySample = spec.samples.every((sample) => holdsOneOf(caseless ? sampleMessage(sample).toLowerCase() : sampleMessage(sample), derived));
  return { literals: keepsEverySample ? derived : null, caseless };
}

/** The compiled patterns of one or more packs, indexed by log kind, first match wins. */
export class PatternSet {
  readonly packs: PatternPack[];
  private readonly byLog = new Map<LogKind, CompiledPattern[]>();
  /** Each log kind's match(), with its memory of the answers. */
  private readonly matchers = new Map<LogKind, (message: string) => PatternMatch | null>();

  constructor(packs: PatternPack[]) {
    this.packs = packs;
    for (const pack of packs) {
      for (const spec of pack.patterns) {
        const compiled = compile(spec, pack.name);
        for (const log of spec.logs) {
          const list = this.byLog.get(log) ?? [];
          list.push(compiled);
          this.byLog.set(log, list);
        }
      }
    }
  }

  patternsFor(log: LogKind): readonly CompiledPattern[] {
    return this.byLog.get(log) ?? [];
  }

  /** Recognises one entry's message (timestamp removed) of a log kind. */
  match(log: LogKind, message: string): PatternMatch | null {
    return this.matcherFor(log)(message);
  }

  /**
   * match() for one log kind, for a parser's loop: the kind's memory is looked up once, not per line.
   * Log lines repeat ("Self update: files are up to date.", the same installer line every run):
   * the answer for a short message is remembered, so a repeat costs one lookup. What is
   * remembered is never handed out to be changed: an event copies the fields.
   */
  matcherFor(log: LogKind): (message: string) => PatternMatch | null {
    const made = this.matchers.get(log);
    if (made !== undefined) return made;
    const memory = new Map<string, PatternMatch | null>();
    const matcher = (message: string): PatternMatch | null => {
      if (message.length > MAX_REMEMBERED_CHARS) return this.matchNow(log, message);
      const seen = memory.get(message);
      if (seen !== undefined) return seen;
      const result = this.matchNow(log, message);
      if (memory.size >= MAX_REMEMBERED) memory.clear();
      memory.set(message, result);
      return result;
    };
    this.matchers.set(log, matcher);
    return matcher;
  }

  private matchNow(log: LogKind, message: string): PatternMatch | null {
    const text = message.length > MAX_PATTERN_CHARS ? message.slice(0, MAX_PATTERN_CHARS) : message;
    let lower: string | null = null;
    for (const pattern of this.patternsFor(log)) {
      if (pattern.literals !== null) {
        const haystack = pattern.caseless ? (lower ??= text.toLowerCase()) : text;
        if (!holdsOneOf(haystack, pattern.literals)) continue;
      }
      const m = pattern.regex.exec(text);
      if (m) return { pattern, kind: pattern.spec.event, fields: fieldsFrom(pattern.spec, m.groups ?? {}, text) };
    }
    return null;
  }

  /** Every pattern of a log kind that matches: for the pack's own "one sample, one pattern" check. */
  allMatches(log: LogKind, message: string): CompiledPattern[] {
    const text = message.length > MAX_PATTERN_CHARS ? message.slice(0, MAX_PATTERN_CHARS) : message;
    return this.patternsFor(log).filter((p) => p.regex.test(text));
  }
}

/** Which process a name in a message means ("vulscan.exe", "PolicySync.exe", "sdclient"). */
export function processFromText(text: string | undefined): ProcessName | undefined {
  if (!text) return undefined;
  const vul = /vulscan/i.test(text);
  const sync = /policy\s*\.?\s*sync/i.test(text);
  const sd = /sdclient|software distribution/i.test(text);
  // "sdclient or vulscan is currently running" names no one process: say nothing rather than guess.
  if (Number(vul) + Number(sync) + Number(sd) !== 1) return undefined;
  return vul ? 'vulscan' : sync ? 'policysync' : 'sdclient';
}

/**
 * The program a scheduler task runs, in either form FORMATS.md gives: inline
 * ("C:\…\vulscan.exe" /Scan …) or with the scheduler's switches (/exe="C:\…\PolicySync.exe" /cmd="/enforce").
 */
export function programOf(command: string): ProcessName | undefined {
  const exe = /\/exe\s*=\s*(?:"([^"]*)"|(\S+))/i.exec(command);
  if (exe) return processFromText(exe[1] ?? exe[2]);
  return processFromText(command.split(/\s\//)[0]);
}

function groupValues(groups: Record<string, string | undefined>): Map<string, string> {
  const values = new Map<string, string>();
  for (const name in groups) {
    const value = groups[name];
    if (value === undefined) continue;
    const field = fieldOfGroup(name);
    if (!values.has(field)) values.set(field, value);
  }
  return values;
}

/** "blocker2" → "blocker": alternatives of one pattern share a field through a trailing number. */
function fieldOfGroup(name: string): string {
  const last = name.charCodeAt(name.length - 1);
  return last >= 0x30 && last <= 0x39 ? name.replace(/\d+$/, '') : name;
}

function positiveInt(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text.trim())) return undefined;
  return Number(text.trim());
}

/** Scheduler arguments as FORMATS.md documents them: /start="…" /freq=N /autodelay="min|max" (minutes). */
export function schedulerArguments(command: string): Pick<EventFields, 'start' | 'startText' | 'frequencySeconds' | 'delayMinSeconds' | 'delayMaxSeconds'> {
  const fields: EventFields = {};
  const start = /\/start\s*=\s*"([^"]+)"/i.exec(command);
  if (start?.[1]) {
    fields.startText = start[1];
    const time = parseTimestampValue(start[1]);
    if (time !== null) fields.start = time;
  }
  const freq = /\/freq\s*=\s*"?(\d+)/i.exec(command);
  if (freq?.[1]) fields.frequencySeconds = Number(freq[1]);
  const delay = /\/autodelay\s*=\s*"?(\d+)\s*\|\s*(\d+)/i.exec(command);
  if (delay?.[1] && delay[2]) {
    fields.delayMinSeconds = Number(delay[1]) * 60;
    fields.delayMaxSeconds = Number(delay[2]) * 60;
  }
  return fields;
}

function fieldsFrom(spec: PatternSpec, groups: Record<string, string | undefined>, message: string): EventFields {
  const g = groupValues(groups);
  const fields: EventFields = {};
  if (spec.process) fields.process = spec.process;
  // Where both forms are written the hex is read: an older "-1916 (0x8DB50084)" did not agree with itself.
  const code = parseCode(g.get('hex')) ?? parseCode(g.get('code'));
  if (code !== null) fields.code = code;
  const pid = positiveInt(g.get('pid')) ?? positiveInt(/\bpid\s*(?:[:=]\s*)?(\d+)/i.exec(message)?.[1]);
  if (pid !== undefined) fields.pid = pid;
  const blocker = spec.blocker ?? processFromText(g.get('blocker'));
  if (blocker) fields.blocker = blocker;
  const version = g.get('version');
  if (version) fields.version = version;
  const taskId = g.get('taskId') ?? /[/-]taskid\s*=\s*"?(\d+)/i.exec(message)?.[1];
  if (taskId) fields.taskId = taskId;
  const pkg = g.get('package');
  if (pkg) fields.packageName = pkg.trim();
  const command = g.get('command');
  if (command !== undefined) {
    fields.command = command.trim();
    Object.assign(fields, schedulerArguments(command));
    // A scheduled or launched task's command names the program it runs.
    const program = programOf(command);
    if (program && !fields.process) fields.process = program;
  }
  const start = g.get('start');
  if (start) {
    fields.startText = start;
    const time = parseTimestampValue(start);
    if (time !== null) fields.start = time;
  }
  const freq = positiveInt(g.get('freq'));
  if (freq !== undefined) fields.frequencySeconds = freq;
  const dmin = positiveInt(g.get('delayMin'));
  const dmax = positiveInt(g.get('delayMax'));
  if (dmin !== undefined) fields.delayMinSeconds = dmin * 60;
  if (dmax !== undefined) fields.delayMaxSeconds = dmax * 60;
  const action = positiveInt(g.get('action'));
  if (action !== undefined) fields.actionNumber = action;
  const total = positiveInt(g.get('total'));
  if (total !== undefined) fields.actionTotal = total;
  const name = g.get('name');
  if (name !== undefined) fields.actionName = name;
  const type = g.get('type');
  if (type !== undefined) fields.actionType = type;
  const outcome = g.get('outcome');
  if (outcome) fields.outcome = /fail|error/i.test(outcome) ? 'failed' : 'completed';
  const template = g.get('template');
  if (template !== undefined) fields.templateName = template;
  const status = positiveInt(g.get('status'));
  if (status !== undefined) fields.status = status;
  return fields;
}

export const defaultPack: PatternPack = validatePack(defaultPackJson, 'built-in pattern pack', { trusted: true });

/** Reads a user's pack from a JSON file; problems are UsageErrors naming the file. */
export function loadPackFile(path: string): PatternPack {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read pattern pack ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new UsageError(`${path}: not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return validatePack(json, path);
}

/** The built-in pack, with the user's packs tried first. */
export function patternSet(userPackFiles: string[] = []): PatternSet {
  return new PatternSet([...userPackFiles.map(loadPackFile), defaultPack]);
}
