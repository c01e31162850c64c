// A crash that escapes every per-device guard is a bug: it exits with a code of its own (3, not
// 1 "failures found"), says it is a bug, and names the device it was on.
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SAMPLES } from '../helpers/parse.js';

vi.mock('../../src/run.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/run.js')>();
  return {
    ...actual,
    // The first device is diagnosed, then something below the guards throws.
    async *diagnoseDevices(options: Parameters<typeof actual.diagnoseDevices>[0]) {
      for await (const device of actual.diagnoseDevices(options)) {
        yield device;
        throw new Error('boom \u001b[31m');
      }
    },
    // The streamed formats take their devices rendered, from diagnosePieces: the same throw there.
    async *diagnosePieces(...args: Parameters<typeof actual.diagnosePieces>) {
      for await (const piece of actual.diagnosePieces(...args)) {
        yield piece;
        throw new Error('boom \u001b[31m');
      }
    },
  };
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('an error that escapes', () => {
  it('exits 3, says it is a bug, names the device, and escapes its text', async () => {
    const { main } = await import('../../src/cli/cli.js');
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    vi.spyOn(process.stdout, 'write').mockImplementation((_chunk: string | Uint8Array, ...rest: unknown[]) => {
      const callback = rest.find((r): r is () => void => typeof r === 'function');
      callback?.();
      return true;
    });
    const code = await main(['diagnose', path.join(SAMPLES, 'LAB-0101'), path.join(SAMPLES, 'LAB-0102'), '-f', 'ndjson']);
    expect(code).toBe(3);
    const stderr = written.join('');
    expect(stderr).toContain('ldforensics: internal error (a bug in ldforensics, not in your logs) while on device LAB-0101: boom \\x1b[31m');
    expect(stderr).not.toContain('\u001b');
  });
});
