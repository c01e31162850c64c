// A diagnosis keeps fewer of a large log's ordinary entries than the timeline shows
// (DIAGNOSE_KEEP_MAX_EVENTS against KEEP_MAX_EVENTS): the report needs only what the rules read,
// which is kept whatever the bound; the timeline exists to show the lines.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tmp from 'tmp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIAGNOSE_KEEP_MAX_EVENTS, KEEP_MAX_EVENTS } from '../../src/parsers/line-log.js';
import { diagnose, timelines } from '../../src/run.js';
import { SAMPLES } from '../helpers/parse.js';

let root: tmp.DirResult;
beforeEach(() => { root = tmp.dirSync({ unsafeCleanup: true }); });
afterEach(() => root.removeCallback());

describe('the bounds on what a large log keeps', () => {
  it('a diagnosis keeps its own bound and the same verdict and findings; the timeline keeps every line up to its larger one', async () => {
    expect(DIAGNOSE_KEEP_MAX_EVENTS).toBeLessThan(KEEP_MAX_EVENTS);
    const device = path.join(root.name, 'LAB-0101');
    cpSync(path.join(SAMPLES, 'LAB-0101'), device, { recursive: true });
    // The sample's sdclient.log, after 30,000 ordinary lines of an earlier day (past the diagnosis's bound, within the timeline's).
    const log = path.join(device, 'ProgramData', 'LANDesk', 'Log', 'sdclient.log');
    const ordinary = Array.from({ length: 30_000 }, (_, i) => `Mon, 16 Feb 2026 ${String(8 + Math.floor(i / 3600)).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} Checking cache entry ${i}\r\n`).join('');
    writeFileSync(log, ordinary + readFileSync(log, 'utf8'));
    const plain = (await diagnose({ paths: [path.join(SAMPLES, 'LAB-0101')] })).devices[0];
    const report = (await diagnose({ paths: [device] })).devices[0];
    expect(report?.verdict).toBe(plain?.verdict);
    expect(report?.findings.map((f) => [f.rule, f.message])).toEqual(plain?.findings.map((f) => [f.rule, f.message]));
    const sdclient = report?.files.find((f) => f.path.endsWith('sdclient.log'));
    expect(sdclient?.warnings.join(' ')).toMatch(/ordinary entries up to line \d+ were read and counted, not kept in memory/);
    const shown = (await timelines({ paths: [device] })).devices[0];
    expect(shown?.entries.filter((e) => e.file.endsWith('sdclient.log')).length).toBeGreaterThan(30_000);
    expect(shown?.files.find((f) => f.path.endsWith('sdclient.log'))?.warnings ?? []).toEqual([]);
  }, 60_000);

  // A failed run whose only word on its result is "Sending task status … -retcode=1603" (no
  // result line, no exit line: the log was cut there), then months of routine distributions that
  // push it out of the kept entries. Its task status line and its installer line are what a rule
  // reads: they must come aside like a refusal does, or the device reads as healthy.
  it('an old failed run keeps its task status code, command line and installer line past the bound', async () => {
    const device = path.join(root.name, 'DEV-OLD');
    const lines: string[] = [];
    let t = Date.UTC(2026, 2, 9, 10);
    const at = (seconds: number, text: string): void => {
      t += seconds * 1000;
      lines.push(`${stampOf(t)} ${text}`);
    };
    at(0, '---------- SDClient starting (version 11.0.5.361) ----------');
    at(0, 'Command line: /policyfile="C:\\ProgramData\\LANDesk\\Policies\\CP.1054.RunNow.xml" /taskid=1054');
    at(0, 'Package: "Java Runtime 8u401"');
    at(2, 'Executing: msiexec.exe /i "jre.msi" /qn');
    at(20, 'Waiting for installer to finish (pid 5120)');
    at(20, 'Sending task status, cmd line: -taskid=1054 -retcode=1603 -complete');
    const later = Math.ceil(DIAGNOSE_KEEP_MAX_EVENTS / 10);
    for (let run = 0; run < later; run += 1) {
      at(3600, '---------- SDClient starting (version 11.0.5.361) ----------');
      at(0, `Command line: /policyfile="C:\\ProgramData\\LANDesk\\Policies\\CP.${9000 + run}.RunNow.xml" /taskid=${9000 + run}`);
      at(0, 'Package: "Later App"');
      for (let k = 0; k < 8; k += 1) at(2, `sdmcache: received ${k * 1000} of 8000 bytes of setup.msi`);
      at(1, 'Executing: msiexec.exe /i "setup.msi" /qn');
      for (let k = 0; k < 4; k += 1) at(20, 'Waiting for installer to finish (pid 5120)');
      at(1, 'processing of package is complete, result 0 (0x00000000)');
      at(0, `Sending task status, cmd line: -taskid=${9000 + run} -retcode=0 -complete`);
      at(0, 'SDClient exiting, return code 0');
    }
    const logDir = path.join(device, 'ProgramData', 'LANDesk', 'Log');
    mkdirSync(logDir, { recursive: true });
    writeFileSync(path.join(logDir, 'sdclient.log'), `${lines.join('\r\n')}\r\n`);
    const report = (await diagnose({ paths: [device] })).devices[0];
    // The old run did give way (else this test shows nothing), and what the rules read of it stayed.
    expect(report?.files.find((f) => f.path.endsWith('sdclient.log'))?.warnings.join(' ')).toMatch(/entries up to line \d+ were read and counted, not kept/);
    expect(report?.verdict).toBe('package-install-failed');
    expect(report?.failedPackage).toBe('Java Runtime 8u401');
    expect(report?.failedCode).toBe(1603);
  }, 60_000);
});

describe('a very large log whose runs are far apart', () => {
  // A refused run, then 20,000 runs two hours apart (four and a half years of a scheduled
  // distribution): their starts, command lines, names, results, task status lines and exits are
  // more than the 100,000 events kept aside, and no run after the refused one can go without
  // leaving hours between those kept around it.
  it('says that thinning left silences between its runs, and up to which line', async () => {
    const device = path.join(root.name, 'DEV-SPARSE');
    let t = Date.UTC(2022, 0, 3, 8);
    // A refused run first: it stays, and the routine runs after it cannot all go without a silence.
    const first = stampOf(t - 2 * 3600 * 1000);
    const lines = [
      `${first} ---------- SDClient starting (version 11.0.5.361) ----------`,
      `${first} Package: "Adobe Reader DC"`,
      `${first} Another task is already in progress: vulscan.exe (pid 4242) is running`,
      `${first} SDClient exiting, return code -1917517692`,
    ];
    for (let run = 0; run < 20_000; run += 1) {
      const at = stampOf(t);
      lines.push(
        `${at} ---------- SDClient starting (version 11.0.5.361) ----------`,
        `${at} Command line: /policyfile="C:\\ProgramData\\LANDesk\\Policies\\CP.${5000 + run}.RunNow.xml" /taskid=${5000 + run}`,
        `${at} Package: "Scheduled App"`,
        `${at} processing of package is complete, result 0 (0x00000000)`,
        `${at} Sending task status, cmd line: -taskid=${5000 + run} -retcode=0 -complete`,
        `${at} SDClient exiting, return code 0`,
      );
      t += 2 * 3600 * 1000;
    }
    const logDir = path.join(device, 'ProgramData', 'LANDesk', 'Log');
    mkdirSync(logDir, { recursive: true });
    writeFileSync(path.join(logDir, 'sdclient.log'), `${lines.join('\r\n')}\r\n`);
    const report = (await diagnose({ paths: [device] })).devices[0];
    const warnings = report?.files.find((f) => f.path.endsWith('sdclient.log'))?.warnings.join(' ') ?? '';
    expect(warnings).toMatch(/events of its oldest routine runs .* were read and counted, not kept/);
    expect(warnings).toMatch(/its runs are far apart over a long time: up to line \d+, routine runs that were not kept leave more than 30 minutes between the runs kept around them/);
  }, 60_000);
});

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Mon, 09 Mar 2026 10:02:11", sdclient's shape, for a wall time in ms. */
function stampOf(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}
