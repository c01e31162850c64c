import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import tmp from 'tmp';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { parsers, sniffKind } from '../../src/parsers/index.js';
import {
  checkSamples, defaultPack, patternSet, processFromText, schedulerArguments, validatePack, PatternSet, type PatternSpec,
} from '../../src/parsers/patterns.js';
import { hexCode, parseCode } from '../../src/parsers/codes.js';
import { parseLeadingTimestamp } from '../../src/parsers/timestamp.js';
import type { LogKind } from '../../src/types.js';
import { logText } from '../helpers/lines.js';
import { parseText } from '../helpers/parse.js';

const PARSERS_DIR = fileURLToPath(new URL('../../src/parsers/', import.meta.url));
const builtIn = new PatternSet([defaultPack]);
const tmpDir = tmp.dirSync({ unsafeCleanup: true });
afterAll(() => tmpDir.removeCallback());

function isParserName(name: string): name is keyof typeof parsers {
  return Object.hasOwn(parsers, name);
}

/** A sample line's message: patterns match what follows the timestamp. */
function message(sample: string): string {
  const stamp = parseLeadingTimestamp(sample);
  if (!stamp?.ok) throw new Error(`sample without a readable timestamp: ${sample}`);
  return stamp.rest;
}

function match(log: LogKind, text: string) {
  return builtIn.match(log, text);
}

describe('the built-in pattern pack (lnav\'s checks)', () => {
  const cases = defaultPack.patterns.flatMap((p) => p.samples.map((sample) => [p.id, sample, p] as const));

  it('has patterns, each with samples', () => {
    expect(defaultPack.patterns.length).toBeGreaterThan(15);
    for (const p of defaultPack.patterns) expect(p.samples.length, p.id).toBeGreaterThan(0);
  });

  it.each(cases)('%s matches its own sample %j', (id, sample, spec) => {
    for (const log of spec.logs) {
      const compiled = builtIn.patternsFor(log).find((c) => c.spec.id === id);
      expect(compiled?.regex.test(message(sample)), `${id} on a ${log} log`).toBe(true);
    }
  });

  it.each(cases)('%s is the only pattern of its log kinds matching %j', (id, sample, spec) => {
    for (const log of spec.logs) {
      expect(builtIn.allMatches(log, message(sample)).map((c) => c.spec.id), `in a ${log} log`).toEqual([id]);
    }
  });

  it('uses unique ids', () => {
    const ids = defaultPack.patterns.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has patterns for every timestamped log kind', () => {
    for (const log of ['sdclient', 'vulscan', 'policysync', 'localsch', 'provisioning'] as const) {
      expect(builtIn.patternsFor(log).length, log).toBeGreaterThan(0);
    }
  });
});

describe('the parser registry (knip\'s folder check)', () => {
  // Modules of src/parsers/ that are shared machinery, not parsers of one log kind.
  const SHARED_HELPERS = ['backtracking.ts', 'literals.ts', 'codes.ts', 'code-meanings.ts', 'entries.ts', 'entry-columns.ts', 'kept-aside.ts', 'index.ts', 'line-log.ts', 'parser.ts', 'patterns.ts', 'timestamp.ts'];
  const tsFiles = readdirSync(PARSERS_DIR).filter((f) => f.endsWith('.ts'));
  const parserModules = tsFiles.filter((f) => !SHARED_HELPERS.includes(f)).map((f) => f.slice(0, -'.ts'.length));

  it('lists exactly the parser modules of the folder', () => {
    expect(Object.keys(parsers).sort()).toEqual([...parserModules].sort());
  });

  it('excludes only helper modules that exist (the exclusion list is not stale)', () => {
    for (const helper of SHARED_HELPERS) expect(tsFiles, helper).toContain(helper);
  });

  it.each(parserModules)('registers %s as its module\'s default export, under its own kind', async (name) => {
    const module: unknown = await import(/* @vite-ignore */ pathToFileURL(path.join(PARSERS_DIR, `${name}.ts`)).href);
    if (!isParserName(name)) throw new Error(`${name}.ts is not in the registry`);
    expect(module).toHaveProperty('default', parsers[name]);
    expect(parsers[name].kind).toBe(name);
  });

  it.each(parserModules)('%s shows real lines of its format in its header, and the pack knows them', (name) => {
    const header = readFileSync(path.join(PARSERS_DIR, `${name}.ts`), 'utf8').split('\n').filter((l) => l.startsWith('//'));
    if (!isParserName(name)) throw new Error(`${name}.ts is not in the registry`);
    const kind: LogKind = parsers[name].kind;
    const stamped = header.map((l) => l.replace(/^\/\/\s*/, '')).filter((l) => parseLeadingTimestamp(l)?.ok);
    if (builtIn.patternsFor(kind).length === 0) return; // block and XML formats: no timestamped lines
    expect(stamped.length, `${name}.ts header`).toBeGreaterThanOrEqual(2);
    for (const line of stamped) expect(match(kind, message(line)), line).not.toBeNull();
  });
});

describe('sniffKind', () => {
  it.each([
    ['sdclient', logText([['10:02:11', '---------- SDClient starting (version 11.0.5.361) ----------'], ['10:02:12', 'processing of package is complete, result 0']])],
    ['vulscan', logText([['09:58:40', 'Vulscan.exe version 11.0.5.361 starting'], ['10:02:06', 'Scanning for vulnerabilities']])],
    ['policysync', logText([['10:00:00', 'Run PolicySync'], ['10:00:05', 'Exit PolicySync']])],
    ['localsch', logText([['09:58:39', 'Launching task 3: "C:\\LDClient\\vulscan.exe" /Scan']])],
    ['provisioning', logText([['10:02:13', 'Template "Win10 Lab build" stopped: action 7 failed']])],
    ['scheduler-tasks', 'Task ID: 3\n  Command: vulscan.exe /Scan\n  Start: 09 Mar 2026 09:41:02\n'],
    ['task-status', '<?xml version="1.0"?>\n<TaskStatus><TaskIdn>1054</TaskIdn></TaskStatus>\n'],
  ])('takes lines of a %s log for one', (kind, text) => {
    expect(sniffKind(text.split(/\r?\n/), builtIn)).toBe(kind);
  });

  it('takes timestamped lines no pattern knows for nothing', () => {
    expect(sniffKind(logText([['10:00:00', 'hello'], ['10:00:01', 'world']]).split('\r\n'), builtIn)).toBeNull();
    expect(sniffKind(['just', 'text'], builtIn)).toBeNull();
  });
});

describe('field extraction', () => {
  it('reads the hex where both forms are written, even where the decimal beside it disagrees', () => {
    const m = match('sdclient', 'processing of package is complete, result -1916 (0x8DB50084)');
    expect(m?.kind).toBe('package-result');
    // An earlier FORMATS.md wrote "-1916 (0x8DB50084)", which is not self-consistent: -1916 is
    // 0xFFFFF884. The revised reference says to read the hex: 0x8DB50084 is -1917517692.
    expect(m?.fields).toEqual({ code: -1917517692 });
    expect(hexCode(-1916)).toBe('0xFFFFF884');
    expect(parseCode('0x8DB50084')).toBe(-1917517692);
    expect(match('sdclient', 'processing of package is complete, result -1917517692 (0x8DB50084)')?.fields).toEqual({ code: -1917517692 });
  });

  it('reads a result code written in hex, and an unsigned decimal', () => {
    expect(match('sdclient', 'processing of package is complete, result 0x8DB50084')?.fields.code).toBe(-1917517692);
    expect(match('sdclient', 'processing of package is complete, result 229965824')?.fields.code).toBe(0x0db50000);
    expect(match('sdclient', 'processing of package is complete, result 1603 (0x00000643)')?.fields.code).toBe(1603);
  });

  it('reads the code of a task status and of an exit line', () => {
    expect(match('sdclient', 'Sending task status, cmd line: -taskid=1054 -retcode=-1916 -complete')?.fields)
      .toEqual({ code: -1916, taskId: '1054' });
    expect(match('sdclient', 'SDClient exiting, return code -1916')?.fields).toEqual({ code: -1916 });
    expect(match('vulscan', 'Vulscan finished, return code 0')?.fields).toEqual({ code: 0 });
    expect(match('sdclient', 'SDClient exited')?.fields).toEqual({});
  });

  it('reads the pid and the blocker of a busy refusal', () => {
    const m = match('sdclient', 'Another task is already in progress: vulscan.exe (pid 4412) is running');
    expect(m?.kind).toBe('busy-refusal');
    expect(m?.fields).toEqual({ pid: 4412, blocker: 'vulscan' });
    expect(match('sdclient', 'Another task is already in progress: PolicySync.exe (pid 5120) is running')?.fields)
      .toEqual({ pid: 5120, blocker: 'policysync' });
    expect(match('sdclient', 'A task is already in progress (sdclient.exe)')?.fields).toEqual({ blocker: 'sdclient' });
    expect(match('sdclient', 'A task is already in progress')?.fields).toEqual({});
  });

  it('reads the blocker of a wait from either alternative (blocker, blocker2)', () => {
    expect(match('vulscan', 'Another task is running (sdclient.exe, pid 3312); waiting for it to finish')?.fields)
      .toEqual({ pid: 3312, blocker: 'sdclient' });
    expect(match('vulscan', 'Waiting for sdclient.exe to finish')?.fields).toEqual({ blocker: 'sdclient' });
    expect(match('policysync', 'Waiting for vulscan.exe to close')?.fields).toEqual({ blocker: 'vulscan' });
  });

  it('names no blocker where the scrub message names two', () => {
    const m = match('policysync', 'PolicyScrubber.ScrubPolicies: sdclient or vulscan is currently running, skipping policy scrub.');
    expect(m?.kind).toBe('scrub-skipped');
    expect(m?.fields).toEqual({});
  });

  it.each([
    ['vulscan.exe (pid 4412) is running', 'vulscan'],
    [': vulscan.exe (pid 4412) is running', 'vulscan'],
    ['PolicySync.exe', 'policysync'],
    ['policy.sync', 'policysync'],
    ['sdclient.exe', 'sdclient'],
    ['SDCLIENT', 'sdclient'],
    ['Software Distribution', 'sdclient'],
    ['sdclient or vulscan', undefined],
    ['', undefined],
    [undefined, undefined],
    ['notepad.exe', undefined],
  ])('processFromText(%j) → %s', (text, process) => {
    expect(processFromText(text)).toBe(process);
  });

  it('reads the version of a start banner', () => {
    expect(match('sdclient', '---------- SDClient starting (version 11.0.5.361) ----------')?.fields)
      .toEqual({ version: '11.0.5.361' });
    expect(match('vulscan', 'Vulscan.exe version 11.0.5.361 starting')?.fields).toEqual({ version: '11.0.5.361' });
  });

  it('reads the task id and the package of a distribution run', () => {
    const cmd = match('sdclient', 'Command line: /policyfile="C:\\ProgramData\\LANDesk\\Policies\\CP.1054.RunNow.xml" /taskid=1054');
    expect(cmd?.kind).toBe('command-line');
    expect(cmd?.fields).toMatchObject({ taskId: '1054', command: '/policyfile="C:\\ProgramData\\LANDesk\\Policies\\CP.1054.RunNow.xml" /taskid=1054' });
    expect(match('sdclient', 'Package: "Office 2016 ProPlus"')?.fields).toEqual({ packageName: 'Office 2016 ProPlus' });
  });

  it('reads scheduler arguments: /start (local time), /freq (seconds), /autodelay (minutes → seconds)', () => {
    expect(schedulerArguments('"C:\\LDClient\\vulscan.exe" /Scan /start="09 Mar 2026 09:41:02" /freq=86400 /autodelay="0|60"')).toEqual({
      startText: '09 Mar 2026 09:41:02',
      start: Date.UTC(2026, 2, 9, 9, 41, 2),
      frequencySeconds: 86400,
      delayMinSeconds: 0,
      delayMaxSeconds: 3600,
    });
    expect(schedulerArguments('x.exe /start="01 Jan 3000 00:00:00"')).toEqual({ startText: '01 Jan 3000 00:00:00', start: Date.UTC(3000, 0, 1) });
    // An unreadable start keeps its text and gives no time.
    expect(schedulerArguments('x.exe /start="whenever"')).toEqual({ startText: 'whenever' });
    expect(schedulerArguments('x.exe /Scan')).toEqual({});
  });

  it('reads a scheduled task\'s program, id and schedule', () => {
    const m = match('localsch', 'Added task 3: "C:\\Program Files (x86)\\LANDesk\\LDClient\\vulscan.exe" /AgentBehavior=ERSC_Default /Scan /start="09 Mar 2026 09:41:02" /freq=86400 /autodelay="0|60"');
    expect(m?.kind).toBe('task-added');
    expect(m?.fields).toMatchObject({
      taskId: '3', process: 'vulscan', start: Date.UTC(2026, 2, 9, 9, 41, 2), frequencySeconds: 86400, delayMinSeconds: 0, delayMaxSeconds: 3600,
    });
    expect(match('localsch', 'Launching task 7: "C:\\Program Files (x86)\\LANDesk\\LDClient\\PolicySync.exe"')?.fields)
      .toMatchObject({ taskId: '7', process: 'policysync' });
  });

  it('reads a provisioning action and a stopped template', () => {
    expect(match('provisioning', 'Action 7 of 12 "Office 2016 ProPlus" (Distribute software) failed, return code -1916')?.fields).toEqual({
      actionNumber: 7, actionTotal: 12, actionName: 'Office 2016 ProPlus', actionType: 'Distribute software', outcome: 'failed', code: -1916,
    });
    expect(match('provisioning', 'Action 5 of 12 "Install LANDesk agent" (Install service) completed, return code 0')?.fields).toEqual({
      actionNumber: 5, actionTotal: 12, actionName: 'Install LANDesk agent', actionType: 'Install service', outcome: 'completed', code: 0,
    });
    expect(match('provisioning', 'Action 3 "Reboot" succeeded')?.fields).toEqual({ actionNumber: 3, actionName: 'Reboot', outcome: 'completed' });
    expect(match('provisioning', 'Template "Win10 Lab build" stopped: action 7 failed')?.fields).toEqual({ templateName: 'Win10 Lab build', actionNumber: 7 });
    expect(match('provisioning', 'Template "Win10 Lab build" failed')?.fields).toEqual({ templateName: 'Win10 Lab build' });
    expect(match('provisioning', 'Starting action 7 of 12 "Office 2016 ProPlus" (Distribute software)')).toMatchObject({
      kind: 'action-started', fields: { actionNumber: 7, actionTotal: 12, actionName: 'Office 2016 ProPlus', actionType: 'Distribute software' },
    });
    expect(match('provisioning', 'Template "Win10 Lab build" (id 27): 12 actions')).toMatchObject({ kind: 'template-started', fields: { templateName: 'Win10 Lab build', actionTotal: 12 } });
  });

  it('matches a pattern only in the log kinds it lists', () => {
    expect(match('vulscan', 'Another task is already in progress: vulscan.exe (pid 4412) is running')).toBeNull();
    expect(match('provisioning', 'Run PolicySync')).toBeNull();
  });
});

/** A valid pattern, to be broken one property at a time. */
function spec(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 'my-busy', logs: ['sdclient'], event: 'busy-refusal', regex: 'holds the lock', samples: ['x holds the lock'], ...overrides };
}

function refusal(patterns: unknown[]): string {
  try {
    validatePack({ name: 'mine', patterns }, 'my-pack.json');
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('validatePack accepted the pack');
}

describe('validatePack', () => {
  it('accepts a valid pack and keeps its optional fields', () => {
    const pack = validatePack({ name: 'mine', description: 'd', patterns: [spec({ blocker: 'vulscan', flags: '', description: 'why' })] }, 'my-pack.json');
    expect(pack).toEqual({
      name: 'mine',
      description: 'd',
      patterns: [{ id: 'my-busy', logs: ['sdclient'], event: 'busy-refusal', regex: 'holds the lock', samples: ['x holds the lock'], blocker: 'vulscan', flags: '', description: 'why' }],
    });
  });

  it.each([
    ['a pattern without samples', [spec({ samples: [] })], 'my-pack.json: pattern "my-busy" must carry at least one real sample line in "samples"'],
    ['a pattern with no samples key', [spec({ samples: undefined })], 'pattern "my-busy" must carry at least one real sample line'],
    ['an unknown event kind', [spec({ event: 'kaboom' })], 'my-pack.json: pattern "my-busy": "event" must be one of process-start'],
    ['an unknown log kind', [spec({ logs: ['syslog'] })], 'my-pack.json: pattern "my-busy": "logs" must list log kinds'],
    ['an empty log list', [spec({ logs: [] })], 'pattern "my-busy": "logs" must list log kinds'],
    ['an unknown process', [spec({ process: 'notepad' })], 'pattern "my-busy": unknown process "notepad"'],
    ['an unknown blocker', [spec({ blocker: 'notepad' })], 'pattern "my-busy": unknown blocker "notepad"'],
    ['an unknown named group', [spec({ regex: '(?<culprit>\\w+) holds the lock' })], 'my-pack.json: pattern "my-busy": unknown named group "culprit"'],
    ['a duplicate id', [spec(), spec({ regex: 'other' })], 'my-pack.json: pattern "my-busy" is defined twice'],
    ['an invalid regex', [spec({ regex: '(unclosed' })], 'my-pack.json: pattern "my-busy": invalid regex:'],
    ['invalid regex flags', [spec({ flags: 'q' })], 'my-pack.json: pattern "my-busy": invalid regex:'],
    ['a pattern without a regex', [spec({ regex: 42 })], 'my-pack.json: pattern "my-busy" has no "regex"'],
    ['a pattern without an id', [spec({ id: '' })], 'my-pack.json: pattern 1 has no "id"'],
    ['a pattern that is not an object', ['busy'], 'my-pack.json: pattern 1 is not an object'],
  ])('refuses %s, naming the pattern', (_what, patterns, message) => {
    expect(refusal(patterns)).toContain(message);
  });

  it('accepts numbered groups that share a field (blocker2)', () => {
    expect(() => validatePack({ patterns: [spec({ regex: '\\((?<blocker>\\w+)\\) holds the lock|\\((?<blocker2>\\w+)\\) owns the lock', samples: ['Mon, 09 Mar 2026 10:02:12 (x) holds the lock'] })] }, 'p.json')).not.toThrow();
  });

  it('refuses a pattern that does not match its own sample (lnav\'s check, at load time)', () => {
    expect(refusal([spec({ samples: ['Mon, 09 Mar 2026 10:02:12 the lock is free'] })]))
      .toBe('my-pack.json: pattern "my-busy" does not match its own sample "Mon, 09 Mar 2026 10:02:12 the lock is free"');
  });

  it('refuses a sample that a second pattern of the pack recognises too', () => {
    expect(refusal([spec(), spec({ id: 'my-other', regex: 'the lock' })]))
      .toBe('my-pack.json: sample "x holds the lock" of pattern "my-busy" is matched by pattern "my-other" too');
  });

  it('lets two patterns for different log kinds recognise the same line', () => {
    expect(() => validatePack({ patterns: [spec(), spec({ id: 'my-other', logs: ['vulscan'] })] }, 'p.json')).not.toThrow();
  });

  it('refuses the flags that make a regex carry on from its last match ("g", "y"): the second of two equal lines would be missed', () => {
    expect(() => validatePack({ patterns: [spec({ flags: 'gi' })] }, 'p.json'))
      .toThrow('p.json: pattern "my-busy": flags "gi": "g" and "y" are not allowed (each line is matched on its own, from its start)');
    expect(() => validatePack({ patterns: [spec({ flags: 'y' })] }, 'p.json')).toThrow(UsageError);
    expect(() => validatePack({ patterns: [spec({ flags: 'is' })] }, 'p.json')).not.toThrow();
  });

  // At run time the built-in pack skips lnav's sample checks (they cost every thread its start);
  // here it gets them as a user's pack does, so skipping them hides nothing.
  it('the built-in pack passes the sample checks a user\'s pack gets at load time (it is trusted at run time)', () => {
    expect(() => checkSamples(defaultPack.patterns, 'default.json')).not.toThrow();
    const broken = defaultPack.patterns.map((p, i) => (i === 0 ? { ...p, samples: ['Mon, 09 Mar 2026 10:02:11 no such line'] } : p));
    expect(() => checkSamples(broken, 'default.json')).toThrow('does not match its own sample');
  });

  it('refuses what is not a pack at all', () => {
    expect(() => validatePack([], 'p.json')).toThrow('p.json: not a pattern pack (no "patterns" array)');
    expect(() => validatePack(null, 'p.json')).toThrow(UsageError);
    expect(() => validatePack({ patterns: {} }, 'p.json')).toThrow('no "patterns" array');
  });

  it('names the pack after its source when it has no name', () => {
    expect(validatePack({ patterns: [] }, 'p.json').name).toBe('p.json');
  });
});

describe('user pattern packs', () => {
  const lockLine = 'Cannot continue: another agent task (vulscan) holds the lock';

  function writePack(name: string, patterns: PatternSpec[] | unknown): string {
    const file = path.join(tmpDir.name, name);
    writeFileSync(file, `\uFEFF${JSON.stringify({ name: 'site wording', patterns }, null, 2)}`);
    return file;
  }

  const userPack = writePack('site.json', [
    {
      id: 'site-busy-lock',
      logs: ['sdclient'],
      event: 'busy-refusal',
      regex: '^cannot continue: another agent task \\((?<blocker>[^)]+)\\) holds the lock',
      samples: [`Mon, 09 Mar 2026 10:02:12 ${lockLine}`],
    },
    {
      id: 'site-package',
      logs: ['sdclient'],
      event: 'package-name',
      regex: '^package:\\s*"(?<package>[^"]+)"',
      samples: ['Mon, 09 Mar 2026 10:02:11 Package: "Office 2016 ProPlus"'],
    },
  ]);

  it('recognises wording the built-in pack does not know', async () => {
    const text = logText([['10:02:11', 'Package: "Office 2016 ProPlus"'], ['10:02:12', lockLine]]);
    const before = await parseText('sdclient.log', text);
    expect(before.events.map((e) => e.kind)).toEqual(['package-name', 'message']);

    const after = await parseText('sdclient.log', text, patternSet([userPack]));
    expect(after.events[1]).toMatchObject({ kind: 'busy-refusal', blocker: 'vulscan', pattern: 'site-busy-lock', line: 2 });
  });

  it('is tried before the built-in pack', () => {
    const set = patternSet([userPack]);
    expect(set.packs.map((p) => p.name)).toEqual(['site wording', 'default']);
    const m = set.match('sdclient', 'Package: "Office 2016 ProPlus"');
    expect(m?.pattern.spec.id).toBe('site-package');
    expect(m?.pattern.pack).toBe('site wording');
    expect(m?.fields).toEqual({ packageName: 'Office 2016 ProPlus' });
  });

  it('matches its own samples (the check users get from this test\'s pattern)', () => {
    const set = patternSet([userPack]);
    for (const p of set.packs[0]?.patterns ?? []) {
      for (const sample of p.samples) expect(set.match('sdclient', message(sample))?.pattern.spec.id).toBe(p.id);
    }
  });

  it('is refused with the file named when it is broken', () => {
    const broken = writePack('broken.json', [spec({ regex: '(?<culprit>x)' })]);
    expect(() => patternSet([broken])).toThrow(`${broken}: pattern "my-busy": unknown named group "culprit"`);
    const notJson = path.join(tmpDir.name, 'not.json');
    writeFileSync(notJson, '{ "patterns": [');
    expect(() => patternSet([notJson])).toThrow(`${notJson}: not valid JSON`);
    expect(() => patternSet([path.join(tmpDir.name, 'missing.json')])).toThrow(/^cannot read pattern pack .*missing\.json/);
  });
});
