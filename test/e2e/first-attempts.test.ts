// The fleet's first-attempt figures (the template-runs issue): how many devices needed more than
// one template run, why their first run failed, and the devices grouped by that cause. Checked
// through the CLI on a generated fleet, in every format, the HTML folder form included.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import tmp from 'tmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report, Summary } from '../../src/types.js';
import type { BundleFiles } from '../helpers/bundle.js';
import { HOURS, history, shiftBundle } from '../helpers/history.js';
import { cleanStory, installStory, raceStory } from '../rules/scenarios.js';

const run = promisify(execFile);
const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'ldforensics.js');
const RACE = 'vulscan-blocked-sdclient';
const fixed = (): BundleFiles => cleanStory({ firstStart: '01 Jan 3000 00:00:00' });

let root: tmp.DirResult;
let fleet: string;

async function cli(...args: string[]): Promise<string> {
  const result = await run(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', COLUMNS: '200' }, maxBuffer: 64 * 1024 * 1024 })
    .catch((error: { stdout: string; code: number }) => {
      // Failed devices exit 1; anything else is a broken run.
      if (error.code !== 1) throw error;
      return error;
    });
  return result.stdout;
}

beforeAll(() => {
  root = tmp.dirSync({ unsafeCleanup: true });
  fleet = path.join(root.name, 'share');
  const devices: Record<string, BundleFiles> = {
    // Two devices hit by the race, then fixed with the year-3000 agent.
    'LAB-2001': history(raceStory().files, shiftBundle(fixed(), 4 * HOURS)),
    'LAB-2002': history(raceStory().files, shiftBundle(fixed(), 6 * HOURS)),
    // A download error, then the race in the re-run.
    'LAB-2003': history(installStory({ download: 'error' }), shiftBundle(raceStory().files, 5 * HOURS)),
    // Healthy at once: one run, not counted.
    'LAB-2004': fixed(),
  };
  for (const [device, files] of Object.entries(devices)) {
    for (const [file, text] of Object.entries(files)) {
      const full = path.join(fleet, device, ...file.split('/'));
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, text);
    }
  }
});
afterAll(() => root.removeCallback());

const SENTENCE = 'First attempt: 3 devices needed more than one template run; 3 of them failed the first (vulscan-blocked-sdclient 2, download-failed 1).';
const BY_CAUSE = [`First run ${RACE}: LAB-2001, LAB-2002.`, 'First run download-failed: LAB-2003.'];

describe('the first-attempt figures of a fleet', () => {
  it('json: counts, causes and the devices grouped by cause', async () => {
    const report = JSON.parse(await cli('diagnose', fleet, '-f', 'json')) as Report;
    expect(report.summary.firstRuns).toEqual({ rerun: 3, failedFirst: 3, causes: { [RACE]: 2, 'download-failed': 1 }, names: { [RACE]: ['LAB-2001', 'LAB-2002'], 'download-failed': ['LAB-2003'] } });
    expect(report.devices.map((d) => [d.device, d.verdict])).toEqual([['LAB-2001', 'no-failure'], ['LAB-2002', 'no-failure'], ['LAB-2003', RACE], ['LAB-2004', 'no-failure']]);
  });

  it('ndjson: the summary line carries them, and merge keeps them', async () => {
    const lines = (await cli('diagnose', fleet, '-f', 'ndjson')).trim().split('\n');
    const summary = (JSON.parse(lines[lines.length - 1] ?? '{}') as { summary?: Summary }).summary;
    expect(summary?.firstRuns?.causes).toEqual({ [RACE]: 2, 'download-failed': 1 });
    const shards = await Promise.all([1, 2].map(async (k) => {
      const file = path.join(root.name, `shard-${k}.ndjson`);
      writeFileSync(file, await cli('diagnose', fleet, '-f', 'ndjson', '--shard', `${k}/2`));
      return file;
    }));
    const merged = JSON.parse(await cli('merge', ...shards, '-f', 'json')) as Report;
    expect(merged.summary.firstRuns).toEqual(summary?.firstRuns);
  });

  it('text, md and html say them in the fleet summary', async () => {
    for (const format of ['text', 'md', 'html']) {
      // Text wraps at its width: read it as running text.
      const out = (await cli('diagnose', fleet, '-f', format)).replace(/\s+/g, ' ');
      expect(out, format).toContain(SENTENCE);
      for (const line of BY_CAUSE) expect(out, format).toContain(line);
    }
  });

  it('csv: runs and first_run_verdict per device, to pivot on', async () => {
    const { parse } = await import('csv-parse/sync');
    const rows = parse((await cli('diagnose', fleet, '-f', 'csv')).replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.device, r.runs, r.first_run_verdict])).toEqual([
      ['LAB-2001', '2', RACE], ['LAB-2002', '2', RACE], ['LAB-2003', '2', 'download-failed'], ['LAB-2004', '1', 'no-failure'],
    ]);
  });

  it('the HTML folder form\'s index says them', async () => {
    const out = path.join(root.name, 'report');
    await cli('diagnose', fleet, '-f', 'html', '-o', `${out}/`);
    const index = readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(index).toContain(SENTENCE);
    for (const line of BY_CAUSE) expect(index).toContain(line);
  });
});
