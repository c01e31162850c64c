// A diagnosis keeps fewer of a large log's ordinary entries than the timeline shows
// (DIAGNOSE_KEEP_MAX_EVENTS against KEEP_MAX_EVENTS): the report needs only what the rules read,
// which is kept whatever the bound; the timeline exists to show the lines.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
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
});
