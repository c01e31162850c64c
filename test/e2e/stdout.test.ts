// The report on stdout: through a pipe, into a file (`> report.json`), and where it cannot be
// written whole (a full disk) it is said, with exit code 2, never cut short with the 0 or 1 a
// script takes for a complete report.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import tmp from 'tmp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SAMPLES } from '../helpers/parse.js';

const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'ldforensics.js');

/** Runs the CLI with stdout on `fd` (a file, /dev/full) or a pipe ('pipe'); its exit code, stdout (for a pipe) and stderr. */
function cli(args: string[], stdout: number | 'pipe'): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', stdout, 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

let root: tmp.DirResult;
beforeEach(() => {
  root = tmp.dirSync({ unsafeCleanup: true });
});
afterEach(() => {
  root.removeCallback();
});

describe('the report on stdout', () => {
  for (const format of ['json', 'text', 'html', 'csv']) {
    it(`${format}: into a file, the same bytes as through a pipe, and the same exit code`, async () => {
      const piped = await cli(['diagnose', SAMPLES, '-f', format, '--no-color'], 'pipe');
      const file = path.join(root.name, `report.${format}`);
      const fd = openSync(file, 'w');
      const filed = await cli(['diagnose', SAMPLES, '-f', format, '--no-color'], fd).finally(() => closeSync(fd));
      expect(filed.code).toBe(piped.code);
      expect(piped.stdout.length).toBeGreaterThan(1000);
      expect(readFileSync(file, 'utf8')).toBe(piped.stdout);
    });
  }

  const full = existsSync('/dev/full');
  for (const format of ['json', 'text', 'html']) {
    it.runIf(full)(`${format}: onto a full disk (/dev/full), says so and exits 2`, async () => {
      const fd = openSync('/dev/full', 'w');
      const result = await cli(['diagnose', SAMPLES, '-f', format], fd).finally(() => closeSync(fd));
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('ldforensics: cannot write the report to stdout: ENOSPC: no space left on device');
      expect(result.stderr).toContain('the report is not complete');
      expect(result.stderr).not.toContain('    at ');
    });
  }
});
