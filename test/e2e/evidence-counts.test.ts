// Every piece of failure evidence counts (the third red-team pass): devices that failed were
// called no-failure because their only evidence was a .stat, a stop line, or a log cut short.
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import tmp from 'tmp';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/run.js';
import { SAMPLES } from '../helpers/parse.js';
import { PATHS, statXml, writeBundle, type BundleFiles } from '../helpers/bundle.js';
import { diagnoseBundle } from '../helpers/rule-tester.js';
import { cleanStory, raceStory } from '../rules/scenarios.js';
import { DAYS, shiftText } from '../helpers/history.js';
import type { Report } from '../../src/types.js';

const run = promisify(execFile);
const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'ldforensics.js');
/** Root opens any file: the unreadable files are then read by an unprivileged user (nobody). */
const NOBODY = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
/** Where the checkout lies in a folder that user cannot enter, the test cannot run the tool as that user. */
const CAN_RUN = ((): boolean => {
  try {
    execFileSync(process.execPath, [BIN, '--version'], { ...NOBODY, stdio: 'ignore' });
    return true;
  } catch {
    process.stderr.write('evidence-counts.test: skipped the unreadable-log tests: the unprivileged user cannot run bin/ldforensics.js from this checkout\n');
    return false;
  }
})();

function openUp(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) openUp(full);
    else chmodSync(full, 0o644);
  }
}

async function cli(args: string[], as: { uid?: number; gid?: number } = NOBODY): Promise<{ stdout: string; stderr: string; code: number }> {
  return run(process.execPath, [BIN, ...args], { ...as, maxBuffer: 64 * 1024 * 1024 }).then((r) => ({ ...r, code: 0 }))
    .catch((error: { stdout: string; stderr: string; code: number }) => ({ stdout: error.stdout, stderr: error.stderr, code: error.code }));
}

/** A 7 MB sdclient.log: a vulscan refusal at line 4, then 26,000 successful runs. */
function largeLogWithEarlyRefusal(): string {
  const day = (ms: number): string => {
    const d = new Date(ms);
    const names = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    return `${names[d.getUTCDay()]}, ${String(d.getUTCDate()).padStart(2, '0')} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${d.toISOString().slice(11, 19)}`;
  };
  let t = Date.UTC(2026, 2, 9, 9);
  const lines = [
    `${day(t)} ---------- SDClient starting (version 11.0.5.361) ----------`,
    `${day(t)} Command line: /policyfile="C:\\ProgramData\\LANDesk\\Policies\\CP.1054.RunNow.xml" /taskid=1054`,
    `${day(t)} Package: "Adobe Reader DC"`,
    `${day(t + 1000)} Another task is already in progress: vulscan.exe (pid 4242) is running`,
    `${day(t + 1000)} processing of package is complete, result -1917517692 (0x8DB50084)`,
    `${day(t + 1000)} SDClient exiting, return code -1917517692`,
  ];
  for (let run = 0; run < 26_000; run += 1) {
    t += 30_000;
    lines.push(
      `${day(t)} ---------- SDClient starting (version 11.0.5.361) ----------`,
      `${day(t)} Command line: /policyfile="C:\\ProgramData\\LANDesk\\Policies\\CP.${2000 + run}.RunNow.xml" /taskid=${2000 + run}`,
      `${day(t)} Package: "Routine package ${run}"`,
      `${day(t + 2000)} Self update: files are up to date.`,
      `${day(t + 5000)} processing of package is complete, result 0 (0x00000000)`,
      `${day(t + 5000)} SDClient exiting, return code 0`,
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Each line's words after its timestamp in German, as a German agent might write them; the stamp stays. */
function german(text: string): string {
  const words: [RegExp, string][] = [
    [/SDClient starting/i, 'SDClient wird gestartet, Fassung 11.0.5.361'],
    [/Package:/i, 'Paketname ermittelt'],
    [/already in progress/i, 'Ein anderer Vorgang läuft bereits, Abbruch'],
    [/processing of package is complete/i, 'Paketverarbeitung beendet, Ergebnis negativ'],
    [/exiting/i, 'SDClient wird beendet'],
    [/Starting action/i, 'Aktion wird begonnen'],
    [/failed/i, 'Aktion fehlgeschlagen, Vorlage angehalten'],
    [/completed/i, 'Aktion erfolgreich abgeschlossen'],
    [/waiting/i, 'Warte auf anderen Vorgang'],
    [/vulscan/i, 'Sicherheitsprüfung läuft'],
  ];
  return text.split('\r\n').map((line, i) => {
    const stamp = /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} /.exec(line)?.[0];
    if (!stamp) return line;
    const said = words.find(([re]) => re.test(line))?.[1] ?? `Statusmeldung Nr. ${i}: Verarbeitung läuft`;
    return `${stamp}${said}`;
  }).join('\r\n');
}

/** The race story, every log in German (Windows-1252 once written as latin1), without the .stat files and task list. */
function germanRace(): BundleFiles {
  return Object.fromEntries(Object.entries(raceStory().files).filter(([file]) => !file.endsWith('.stat') && !file.endsWith('LocalSchedulerTasks.log'))
    .map(([file, text]) => [file, german(text)]));
}

describe('a .stat that says failed is evidence on its own', () => {
  it('every log empty, a .stat with Status 5 and a code: unexplained-failure naming the task and code, and that the logs are empty', async () => {
    const files: BundleFiles = {
      [PATHS.sdclient]: '',
      [PATHS.provisioning]: '',
      [PATHS.stat(2203)]: statXml({ taskId: 2203, status: 5, code: 1603, lastRun: '10:02:13' }),
    };
    const device = await diagnoseBundle(files);
    expect(device.verdict).toBe('unexplained-failure');
    expect(device.failedCode).toBe(1603);
    expect(device.explanation).toContain('Task 2203\'s status file (CP.2203.RunNow.stat) says Failed (status 5), return code 1603 (ERROR_INSTALL_FAILURE: Fatal error during installation).');
    expect(device.explanation).toContain('sdclient.log, ldprovisioning.log are empty or unreadable');
  });

  it('no log at all, a .stat with Status 8 (Failed_Exception): unexplained-failure, never no-failure', async () => {
    const device = await diagnoseBundle({ [PATHS.stat(2203)]: statXml({ taskId: 2203, status: 8, code: -2147023838, lastRun: '10:02:13' }) });
    expect(device.verdict).toBe('unexplained-failure');
    expect(device.explanation).toContain('says Failed_Exception (status 8), return code -2147023838 (Windows error 1058, as an HRESULT). No log of the task\'s run is in this bundle.');
  });

  it('a .stat that says Success beside empty logs is no failure', async () => {
    const device = await diagnoseBundle({ [PATHS.sdclient]: '', [PATHS.stat(2203)]: statXml({ taskId: 2203, status: 4, code: 0, lastRun: '10:02:13' }) });
    expect(device.verdict).not.toBe('unexplained-failure');
  });
});

describe('"Template stopped: action 7 failed" with no failed-action line', () => {
  it('action 7 failed, named from its start line', async () => {
    const story = cleanStory({ secondResult: 1603 });
    const provisioning = (story[PATHS.provisioning] ?? '').split('\r\n').filter((line) => !/Action 7 of 7 .* failed, return code/.test(line)).join('\r\n');
    expect(provisioning).toContain('stopped: action 7 failed');
    const device = await diagnoseBundle({ ...story, [PATHS.provisioning]: provisioning });
    expect(device.verdict).toBe('package-install-failed');
    expect(device.failedAction).toBe(7);
    expect(device.failedPackage).toBe('Adobe Reader DC');
  });

  it('with no sdclient log either: the stop line alone is a failed action, unexplained', async () => {
    const story = cleanStory();
    const provisioning = (story[PATHS.provisioning] ?? '').split('\r\n');
    const at = provisioning.findIndex((line) => line.includes('Starting action 7'));
    const stopped = [...provisioning.slice(0, at + 1), provisioning[at]?.replace(/Starting action 7 of 7 .*$/, 'Template "Win10 Lab build" stopped: action 7 failed') ?? '', ''].join('\r\n');
    const device = await diagnoseBundle({ [PATHS.provisioning]: stopped, [PATHS.localsch]: story[PATHS.localsch] ?? '' });
    expect(device.verdict).toBe('unexplained-failure');
    expect(device.failedAction).toBe(7);
    expect(device.failedPackage).toBe('Adobe Reader DC');
  });
});

describe.skipIf(!CAN_RUN)('key logs that cannot be read', () => {
  it('sdclient.log, ldprovisioning.log and both .stat files unreadable: a read error on the device, on stderr, in the summary and CSV; never no-failure', async () => {
    const bundle = writeBundle(raceStory({ withStatFiles: true }).files, 'LAB-LOCKED');
    try {
      openUp(path.dirname(bundle.dir));
      for (const file of [PATHS.sdclient, PATHS.provisioning, PATHS.stat(1053), PATHS.stat(1054)]) chmodSync(path.join(bundle.dir, ...file.split('/')), 0o000);
      const json = await cli(['diagnose', bundle.dir, '-f', 'json']);
      expect(json.code).toBe(1);
      const report = JSON.parse(json.stdout) as Report;
      const device = report.devices[0];
      expect(device?.verdict).toBe('unreadable');
      expect(device?.explanation).toMatch(/^Key logs of this bundle could not be read: sdclient\.log \(.*EACCES.*\); ldprovisioning\.log/);
      expect(device?.readErrors?.map((f) => path.basename(f.path)).sort()).toEqual(['CP.1053.RunNow.stat', 'CP.1054.RunNow.stat', 'ldprovisioning.log', 'sdclient.log']);
      expect(device?.skipped.map((f) => path.basename(f.path))).not.toContain('sdclient.log');
      expect(report.summary.readErrors).toEqual({ devices: 1, files: 4 });
      expect(json.stderr).toMatch(/ldforensics: LAB-LOCKED: 4 logs could not be read: .*sdclient\.log/);
      const csv = await cli(['diagnose', bundle.dir, '-f', 'csv']);
      const { parse } = await import('csv-parse/sync');
      const rows = parse(csv.stdout.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
      expect(rows[0]?.read_errors?.split('; ').map((p) => path.basename(p)).sort()).toEqual(['CP.1053.RunNow.stat', 'CP.1054.RunNow.stat', 'ldprovisioning.log', 'sdclient.log']);
      const text = await cli(['diagnose', bundle.dir]);
      expect(text.stdout).toContain('Could not read');
      expect(text.stdout).toMatch(/4 logs on 1 device could not be read/);
    } finally {
      bundle.cleanup();
    }
  });

  it('an unreadable vulscan.log beside a failure the logs show: the verdict stands, the read error is still said', async () => {
    const bundle = writeBundle(raceStory().files, 'LAB-VULSCAN');
    try {
      openUp(path.dirname(bundle.dir));
      chmodSync(path.join(bundle.dir, ...PATHS.vulscan.split('/')), 0o000);
      const { stdout } = await cli(['diagnose', bundle.dir, '-f', 'json']);
      const device = (JSON.parse(stdout) as Report).devices[0];
      expect(device?.verdict).not.toBe('no-failure');
      expect(device?.verdict).not.toBe('unreadable');
      expect(device?.readErrors?.map((f) => path.basename(f.path))).toEqual(['vulscan.log']);
    } finally {
      bundle.cleanup();
    }
  });
});

describe('advice for a fix already in place', () => {
  it('LAB-0114 without its vulscan log: the year-3000 scan is never "due in the middle of the template", and the fix is not the agent already there', async () => {
    const dir = tmp.dirSync({ unsafeCleanup: true });
    try {
      const copy = path.join(dir.name, 'LAB-0114');
      cpSync(path.join(SAMPLES, 'LAB-0114'), copy, { recursive: true });
      rmSync(path.join(copy, 'ProgramData', 'LANDesk', 'Log', 'vulscan.log'));
      const device = (await diagnose({ paths: [copy] })).devices[0];
      expect(device?.verdict).toBe('vulscan-blocked-sdclient');
      const race = device?.findings.find((f) => f.rule === 'vulscan-blocked-sdclient');
      expect(race?.message).not.toContain('due in the middle of the template');
      expect(race?.message).toContain('to start at 01 Jan 3000 00:00:00 (the provisioning-only agent), so the agent\'s scheduler did not launch it');
      expect(race?.fix).toMatch(/^The provisioning-only agent \(security scan first due in the far future\) was already in place/);
      expect(race?.fix).toContain('LANDESK Agent Health Bootstrap Task');
      expect(race?.fix).not.toContain('Build a provisioning-only agent');
      expect(device?.findings.some((f) => f.rule === 'provisioning-agent-active')).toBe(true);
    } finally {
      dir.removeCallback();
    }
  });

  it('a race under an agent due at once still gets the year-3000 fix', async () => {
    const device = await diagnoseBundle(raceStory().files);
    const race = device.findings.find((f) => f.rule === 'vulscan-blocked-sdclient');
    expect(race?.fix).toContain('Build a provisioning-only agent');
  });
});

describe('a large log keeps its own failure', () => {
  it('a 7 MB sdclient.log with a vulscan refusal at line 4 and 26,000 successful runs after it: the refusal decides', async () => {
    const text = largeLogWithEarlyRefusal();
    expect(text.length).toBeGreaterThan(7_000_000);
    const dir = tmp.dirSync({ unsafeCleanup: true });
    try {
      const device = path.join(dir.name, 'LAB-LARGE');
      mkdirSync(path.join(device, 'ProgramData', 'LANDesk', 'Log'), { recursive: true });
      writeFileSync(path.join(device, PATHS.sdclient), text);
      const found = (await diagnose({ paths: [device] })).devices[0];
      expect(found?.verdict).toBe('vulscan-blocked-sdclient');
      expect(found?.failedPackage).toBe('Adobe Reader DC');
      const race = found?.findings.find((f) => f.rule === 'vulscan-blocked-sdclient');
      expect(race?.evidence.some((e) => e.line === 4 && e.text.includes('Another task is already in progress'))).toBe(true);
      // The noise that gave way is said, with what was kept: 26,000 runs' starts, command lines,
      // names, results and exits are more than the kept-aside bound, so the oldest routine runs went
      // too, never the refused one, and never so many in a row that a silence parts the runs.
      const warnings = found?.files[0]?.warnings.join(' ');
      expect(warnings).toMatch(/ordinary entries up to line \d+ were read and counted, not kept in memory; every failure, wait and refusal in them was kept/);
      expect(warnings).toMatch(/\d+ events of its oldest routine runs .* were read and counted, not kept; every run that failed, waited or was refused was kept whole/);
    } finally {
      dir.removeCallback();
    }
  }, 60_000);
});

describe('a bundle in words no pattern knows', () => {
  it('every log in German (Windows-1252), no .stat: the verdict says the wording is not recognised, never no-failure; the lines are counted apart from unparsed ones', async () => {
    const files = germanRace();
    const bundle = writeBundle(files, 'LAB-DE');
    try {
      // Windows-1252: ä is one byte.
      for (const file of Object.keys(files)) writeFileSync(path.join(bundle.dir, ...file.split('/')), Buffer.from(files[file] ?? '', 'latin1'));
      const device = (await diagnose({ paths: [bundle.dir] })).devices[0];
      expect(device?.verdict).toBe('wording-not-recognised');
      expect(device?.explanation).toContain('ldforensics patterns suggest');
      expect(device?.explanation).toMatch(/\d+ timestamped entries in .*sdclient\.log.*ldprovisioning\.log.*, none recognised\./);
      const sdclient = device?.files.find((f) => f.path.endsWith('sdclient.log'));
      expect(sdclient?.unparsed).toBe(0);
      expect(sdclient?.recognised).toBe(0);
      expect(sdclient?.unrecognised).toBeGreaterThan(10);
      const { stdout, code } = await cli(['diagnose', bundle.dir, '--jobs', '1'], {});
      expect(code).toBe(1);
      expect(stdout).toMatch(/timestamped entries in \d+ files in wording no pattern knows/);
      const csv = await cli(['diagnose', bundle.dir, '-f', 'csv'], {});
      const { parse } = await import('csv-parse/sync');
      const rows = parse(csv.stdout.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
      expect(Number(rows[0]?.unrecognised_lines)).toBeGreaterThan(10);
      expect(rows[0]?.unparsed_lines).toBe('0');
    } finally {
      bundle.cleanup();
    }
  });

  it('the same bundle in English keeps its verdict (the race), with its ordinary lines counted as unrecognised', async () => {
    const device = await diagnoseBundle(raceStory().files);
    expect(device.verdict).toBe('vulscan-blocked-sdclient');
    expect(device.files.find((f) => f.path.endsWith('sdclient.log'))?.recognised).toBeGreaterThan(0);
  });
});

describe('the third red-team fleet', () => {
  function put(dir: string, files: BundleFiles, encoding: BufferEncoding = 'utf8'): void {
    for (const [file, text] of Object.entries(files)) {
      const full = path.join(dir, ...file.split('/'));
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, Buffer.from(text, encoding));
    }
  }

  it('gives every sample exactly the verdict it gets alone, and none of the broken bundles no-failure (bar the stray log\'s clean build)', async () => {
    const dir = tmp.dirSync({ unsafeCleanup: true });
    try {
      const fleet = path.join(dir.name, 'fleet');
      mkdirSync(fleet);
      const samples = readdirSync(SAMPLES).filter((name) => name.startsWith('LAB-'));
      for (const sample of samples) cpSync(path.join(SAMPLES, sample), path.join(fleet, sample), { recursive: true });
      const clean = cleanStory();
      const story = raceStory({ withStatFiles: true }).files;
      const provisioning = clean[PATHS.provisioning] ?? '';
      const sd = clean[PATHS.sdclient] ?? '';
      put(path.join(fleet, 'BAD-STAT-ONLY'), { [PATHS.sdclient]: '', [PATHS.provisioning]: '', [PATHS.stat(2203)]: statXml({ taskId: 2203, status: 5, code: 1603, lastRun: '10:02:13' }) });
      put(path.join(fleet, 'BAD-STAT-CONFLICT'), { ...clean, [PATHS.stat(1054)]: statXml({ taskId: 1054, status: 5, code: 1603, lastRun: '09:53:05' }) });
      put(path.join(fleet, 'BAD-CUT'), {
        ...clean,
        [PATHS.provisioning]: provisioning.slice(0, provisioning.indexOf('\r\n', provisioning.indexOf('Starting action 7')) + 2),
        [PATHS.sdclient]: sd.slice(0, sd.indexOf('\r\n', sd.indexOf('SDClient exiting')) + 2),
      });
      put(path.join(fleet, 'BAD-LARGE'), { [PATHS.sdclient]: largeLogWithEarlyRefusal() });
      put(path.join(fleet, 'BAD-GERMAN'), germanRace(), 'latin1');
      put(path.join(fleet, 'BAD-FUTURE'), { ...story, [PATHS.vulscan]: shiftText(story[PATHS.vulscan] ?? '', (73 * 365 + 18) * DAYS) });
      const stray = cleanStory({ firstStart: '01 Jan 3000 00:00:00' });
      put(path.join(fleet, 'BAD-STRAY'), { ...stray, 'old/LAB-0199/sdclient.log': shiftText(raceStory().files[PATHS.sdclient] ?? '', -21 * DAYS) });
      cpSync(path.join(SAMPLES, 'LAB-0114'), path.join(fleet, 'BAD-0114-NO-VULSCAN'), { recursive: true });
      rmSync(path.join(fleet, 'BAD-0114-NO-VULSCAN', 'ProgramData', 'LANDesk', 'Log', 'vulscan.log'));

      const report = await diagnose({ paths: [fleet] });
      const verdicts = Object.fromEntries(report.devices.map((d) => [d.device, d.verdict]));
      for (const sample of samples) {
        const alone = (await diagnose({ paths: [path.join(SAMPLES, sample)] })).devices[0];
        expect(verdicts[sample.replace(/\.zip$/, '')], sample).toBe(alone?.verdict);
      }
      expect(verdicts).toMatchObject({
        'BAD-STAT-ONLY': 'unexplained-failure',
        'BAD-STAT-CONFLICT': 'task-status-conflict',
        'BAD-CUT': 'incomplete',
        'BAD-LARGE': 'vulscan-blocked-sdclient',
        'BAD-GERMAN': 'wording-not-recognised',
        'BAD-FUTURE': 'vulscan-blocked-sdclient',
        'BAD-0114-NO-VULSCAN': 'vulscan-blocked-sdclient',
        // A clean build: its right verdict is no-failure; what it must not be is the stray log's race.
        'BAD-STRAY': 'no-failure',
      });
      expect(report.devices.find((d) => d.device === 'BAD-STRAY')?.findings.map((f) => f.rule)).toContain('stray-log');
    } finally {
      dir.removeCallback();
    }
  }, 120_000);
});
