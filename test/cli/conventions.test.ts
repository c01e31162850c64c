// The command line's conventions, as other tools have taught admins to expect them: help as a
// command, "did you mean" for a mistyped option without a screen of help, --quiet that only
// quietens, --no-progress, the cache's folder as its own option, and a line after -o.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import tmp from 'tmp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';
import { SAMPLE_DEVICES, SAMPLES } from '../helpers/parse.js';

const run = promisify(execFile);
let dir: tmp.DirResult;
beforeEach(() => { dir = tmp.dirSync({ unsafeCleanup: true }); });
afterEach(() => dir.removeCallback());

const hasScript = existsSync('/usr/bin/script');

/** Runs the CLI with stdout and stderr on a pseudo-terminal; gives what the terminal showed. */
async function onTerminal(args: string): Promise<string> {
  const typescript = path.join(dir.name, 'tty.log');
  await run('script', ['-qc', `stty cols 120; NO_COLOR=1 ${process.execPath} ${BIN} ${args}`, typescript]).catch(() => undefined);
  return readFileSync(typescript, 'utf8');
}

describe('help', () => {
  it('`help`, `help diagnose` and `help patterns suggest` show the help of what they name, exit 0', async () => {
    const root = await runCli(['help']);
    expect(root.code).toBe(0);
    expect(root.stdout).toContain('Usage: ldforensics');
    const diagnose = await runCli(['help', 'diagnose']);
    expect(diagnose.code).toBe(0);
    expect(diagnose.stdout).toContain('Usage: ldforensics diagnose');
    expect(diagnose.stdout).toContain('--cache-location <dir>');
    expect((await runCli(['help', 'patterns', 'suggest'])).stdout).toContain('Usage: ldforensics patterns suggest');
    const wrong = await runCli(['help', 'diagnoze']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('help: no command "diagnoze"');
  });

  it('a mistyped option: "did you mean", the usage line and where the help is, not the whole help', async () => {
    const result = await runCli(['diagnose', path.join(SAMPLES, 'LAB-0101'), '--colour']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: unknown option '--colour'");
    expect(result.stderr).toContain('(Did you mean --color?)');
    expect(result.stderr).toContain('Usage: ldforensics diagnose [options] <path...>');
    expect(result.stderr).toContain('See: ldforensics diagnose --help');
    expect(result.stderr.split('\n').length).toBeLessThan(8);
    expect(result.stdout).toBe('');
  });
});

describe('--cache and --cache-location', () => {
  it('--cache is a switch: the path after it is read, not taken as the cache; --cache-location names the folder', async () => {
    const cwd = dir.name;
    const switched = await runCli(['diagnose', '--cache', path.join(SAMPLES, 'LAB-0101'), '-f', 'csv'], cwd);
    expect(switched.stdout.split('\r\n')[1]).toMatch(/^LAB-0101,vulscan-blocked-sdclient,/);
    expect(existsSync(path.join(cwd, '.ldforensicscache'))).toBe(true);
    const located = path.join(dir.name, 'elsewhere');
    const there = await runCli(['diagnose', path.join(SAMPLES, 'LAB-0101'), '-f', 'csv', '--cache-location', located], cwd);
    expect(there.stdout).toBe(switched.stdout);
    expect(existsSync(located)).toBe(true);
    // The old form, `--cache DIR`, now gives DIR as a path to read: a cache folder is refused with the new form named.
    const old = await runCli(['diagnose', path.join(SAMPLES, 'LAB-0101'), '--cache', located], cwd);
    expect(old.code).toBe(2);
    expect(old.stderr).toContain(`${located} is an ldforensics cache folder, not logs to read`);
    expect(old.stderr).toContain(`--cache-location ${located}`);
    const equals = await runCli(['diagnose', path.join(SAMPLES, 'LAB-0101'), `--cache=${located}`], cwd);
    expect(equals.code).toBe(2);
    expect(equals.stderr).toContain(`hint: Name the cache's folder with --cache-location ${located}`);
  });
});

describe.skipIf(!hasScript)('on a terminal', () => {
  it('--no-progress and -q draw no progress line; the report is the same', async () => {
    const out = path.join(dir.name, 'r.txt');
    const shown = await onTerminal(`diagnose ${SAMPLES} -o ${out}`);
    expect(shown).toMatch(/ldforensics: \d+\/\d+ devices/);
    const report = readFileSync(out, 'utf8');
    const none = await onTerminal(`diagnose ${SAMPLES} -o ${out} --no-progress`);
    expect(none).not.toMatch(/ldforensics: \d+\/\d+ devices/);
    expect(readFileSync(out, 'utf8')).toBe(report);
    const quiet = await onTerminal(`diagnose ${SAMPLES} -o ${out} -q`);
    expect(quiet).not.toMatch(/ldforensics: \d+\/\d+ devices/);
    expect(quiet).not.toContain('ldforensics: wrote');
    expect(readFileSync(out, 'utf8')).toBe(report);
  });

  it('after -o, one line says what was written and where (a file, an HTML folder, a timeline)', async () => {
    const out = path.join(dir.name, 'r.csv');
    expect(await onTerminal(`diagnose ${SAMPLES} -f csv -o ${out}`)).toMatch(new RegExp(`ldforensics: wrote the csv report of \\d+ devices to ${out.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    const folder = path.join(dir.name, 'site');
    mkdirSync(folder);
    expect(await onTerminal(`diagnose ${SAMPLES} -f html -o ${folder}/`)).toContain(`ldforensics: wrote the html report of ${SAMPLE_DEVICES} devices to ${folder}/ (open index.html)`);
    const timeline = path.join(dir.name, 't.txt');
    expect(await onTerminal(`timeline ${path.join(SAMPLES, 'LAB-0101')} -o ${timeline}`)).toContain(`ldforensics: wrote the timeline of 1 device to ${timeline}`);
  });

  it('says nothing of the kind on a pipe', async () => {
    const result = await runCli(['diagnose', path.join(SAMPLES, 'LAB-0101'), '-f', 'csv', '-o', path.join(dir.name, 'r.csv')]);
    expect(result.stderr).not.toContain('wrote');
  });
});
