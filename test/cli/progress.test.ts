// The progress line: on a terminal's stderr while a fleet is read, cleared at the end; never on
// a pipe, never with --quiet, never on stdout.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import tmp from 'tmp';
import { describe, expect, it } from 'vitest';
import { Progress } from '../../src/cli/progress.js';
import { SAMPLE_DEVICES } from '../helpers/parse.js';

const run = promisify(execFile);
const ROOT = path.join(import.meta.dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'ldforensics.js');
const SAMPLES = path.join(ROOT, 'samples');

describe('Progress', () => {
  it('says devices done / total, the rate, the time and the verdicts so far, and clears itself', () => {
    const written: string[] = [];
    let now = 0;
    const progress = new Progress({ isTTY: true, columns: 200, write: (t) => { written.push(t); return true; } }, true, () => now);
    progress.planned(3);
    now = 1000;
    progress.device('no-failure');
    now = 2000;
    progress.device('vulscan-blocked-sdclient');
    expect(progress.line()).toBe('ldforensics: 2/3 devices (66 %), 1.0/s, 2 s, about 1 s left · no-failure 1, vulscan-blocked-sdclient 1');
    progress.end();
    expect(written[written.length - 1]).toBe('\r\u001b[2K');
  });

  it('never cuts a word at the terminal\'s edge, and says minutes and hours as such', () => {
    const written: string[] = [];
    let now = 0;
    const progress = new Progress({ isTTY: true, columns: 60, write: (t) => { written.push(t); return true; } }, true, () => now);
    progress.planned(1000);
    now = 200_000;
    progress.device('policysync-blocked-sdclient');
    const drawn = (written.at(-1) ?? '').replace('\r\u001b[2K', '');
    expect(drawn.length).toBeLessThanOrEqual(59);
    expect(drawn).toMatch(/ …$/);
    expect(progress.line()).toContain('1/1000 devices (0 %), 0.0/s, 3 min 20 s, about 55 h 30 min left');
    // Every word of the drawn line is a whole word of the full line.
    const words = new Set(progress.line().split(' '));
    for (const word of drawn.replace(/ …$/, '').split(' ')) expect(words.has(word) || words.has(`${word},`) || words.has(`${word}·`), word).toBe(true);
  });

  it('writes nothing when not enabled (a pipe, --quiet)', () => {
    const written: string[] = [];
    const progress = new Progress({ write: (t) => { written.push(t); return true; } }, false);
    progress.planned(2);
    progress.device('no-failure');
    progress.end();
    expect(written).toEqual([]);
  });
});

describe('the CLI\'s progress line', () => {
  const script = existsSync('/usr/bin/script');
  it.skipIf(!script)('appears on a pseudo-terminal, is cleared at the end, and never reaches the report', async () => {
    const dir = tmp.dirSync({ unsafeCleanup: true });
    try {
      const out = path.join(dir.name, 'report.txt');
      const typescript = path.join(dir.name, 'tty.log');
      await run('script', ['-qc', `stty cols 120; ${process.execPath} ${BIN} diagnose ${SAMPLES} -o ${out}`, typescript]).catch(() => undefined);
      const terminal = readFileSync(typescript, 'utf8');
      expect(terminal).toMatch(new RegExp(`ldforensics: \\d+/${SAMPLE_DEVICES} devices \\(\\d+ %\\), [\\d.]+/s`));
      expect(terminal).toContain('\r\u001b[2K');
      expect(readFileSync(out, 'utf8')).not.toContain('devices, ');
    } finally {
      dir.removeCallback();
    }
  });

  it('does not appear when stderr is a pipe', async () => {
    const result = await run(process.execPath, [BIN, 'diagnose', path.join(SAMPLES, 'LAB-0101'), '-f', 'json']).catch((e: { stderr: string }) => e);
    expect(result.stderr).toBe('');
  });
});
