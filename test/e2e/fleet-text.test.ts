// The text report of a fleet, as an admin meets it: the summary first, then a line per device,
// failed first; the evidence with --details or for a single device; and on a terminal the
// summary again at the end, so that the last screen holds the answer (a 2,000-device fleet).
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import tmp from 'tmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallDevice, writeDevice } from '../../bench/bench.js';
import { BIN, runCli } from '../helpers/cli.js';
import { SAMPLES } from '../helpers/parse.js';

const run = promisify(execFile);
const PCS = 2000;
const FLEET = PCS + 2;
let root: tmp.DirResult;
let share: string;

beforeAll(() => {
  root = tmp.dirSync({ unsafeCleanup: true });
  share = path.join(root.name, 'share');
  for (let i = 0; i < PCS; i += 1) {
    const dir = path.join(share, `PC-${String(i).padStart(4, '0')}`);
    mkdirSync(dir, { recursive: true });
    // The bench's device: a template whose last distribution is refused.
    writeDevice(dir, smallDevice(i));
  }
  // A healthy device and one at risk, named to sort first: the report puts them last.
  cpSync(path.join(SAMPLES, 'LAB-0102'), path.join(share, 'AA-HEALTHY'), { recursive: true });
  cpSync(path.join(SAMPLES, 'LAB-0107'), path.join(share, 'AA-AT-RISK'), { recursive: true });
}, 120_000);
afterAll(() => root.removeCallback());

/** The text a terminal shows at the end, from a `script` typescript: carriage returns and the progress line's clears resolved. */
function screenLines(typescript: string): string[] {
  return typescript.replace(/\r\u001b\[2K/g, '\n').replace(/\u001b\[[0-9;]*m/g, '').split(/\r?\n/).map((line) => line.split('\r').pop() ?? '')
    .filter((line) => !line.startsWith('Script ') && !line.startsWith('ldforensics: '));
}

describe('a fleet\'s text report', () => {
  it('piped: the summary, then one line per device, failed first, with no evidence table', async () => {
    const result = await runCli(['diagnose', share, '--jobs', '1']);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^━━ Fleet summary: 2002 devices/);
    const heading = lines.findIndex((line) => line.startsWith('━━ Devices, failed first'));
    expect(heading).toBeGreaterThan(0);
    const devices = lines.slice(heading + 1);
    expect(devices).toHaveLength(FLEET);
    expect(devices.slice(0, FLEET - 2).every((line) => /^✖ PC-\d{4} +vulscan-blocked-sdclient +#\d+ /.test(line))).toBe(true);
    // Failed first, then at risk, then healthy, though their names sort first.
    expect(devices.at(-2)).toMatch(/^▲ AA-AT-RISK +no-failure \(at risk\)/);
    expect(devices.at(-1)).toMatch(/^✔ AA-HEALTHY +no-failure$/);
    expect(result.stdout).not.toContain('Lines around the failure');
    // Not a terminal: the summary is not repeated.
    expect(result.stdout.match(/Fleet summary/g)).toHaveLength(1);
  }, 120_000);

  it.skipIf(!existsSync('/usr/bin/script'))('on a pseudo-terminal of 40 rows: the last screen holds the fleet summary', async () => {
    const typescript = path.join(root.name, 'tty.log');
    await run('script', ['-qc', `stty cols 120 rows 40; NO_COLOR=1 ${process.execPath} ${BIN} diagnose ${share} --jobs 1`, typescript], { maxBuffer: 64 * 1024 * 1024 }).catch(() => undefined);
    const screen = screenLines(readFileSync(typescript, 'utf8'));
    while (screen.length > 0 && screen[screen.length - 1]?.trim() === '') screen.pop();
    const last = screen.slice(-40);
    expect(last.some((line) => line.startsWith('━━ Fleet summary: 2002 devices'))).toBe(true);
    expect(last.some((line) => line.includes('vulscan-blocked-sdclient'))).toBe(true);
    // And it led with it too.
    expect(screen.findIndex((line) => line.startsWith('━━ Fleet summary'))).toBeLessThan(screen.findIndex((line) => line.startsWith('━━ Devices, failed first')));
  }, 120_000);

  it('with --details, and for one device, gives each device\'s full report with its evidence', async () => {
    const two = await runCli(['diagnose', path.join(share, 'PC-0001'), path.join(share, 'PC-0002'), '--details']);
    expect(two.stdout).toContain('━━ PC-0001 ━━');
    expect(two.stdout).toContain('━━ PC-0002 ━━');
    expect(two.stdout).not.toContain('━━ Devices, failed first');
    const one = await runCli(['diagnose', path.join(share, 'PC-0001')]);
    expect(one.stdout).toContain('━━ PC-0001 ━━');
    expect(one.stdout).not.toContain('━━ Devices, failed first');
    // --device picks one device of the fleet: it is shown in full.
    const picked = await runCli(['diagnose', share, '--device', 'PC-0003']);
    expect(picked.stdout).toContain('━━ PC-0003 ━━');
  }, 120_000);
});
