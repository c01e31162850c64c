// The standby worker starts before the tool is loaded, for a run that looks like one device: the
// pool adopts it for a run of one device and stops it for any other, and the reports are the
// same either way.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import tmp from 'tmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peekStandbyWorker, startStandbyWorker, wantsStandby } from '../../src/fleet/standby.js';
import { renderers } from '../../src/render/index.js';
import { diagnose } from '../../src/run.js';
import { SAMPLES } from '../helpers/parse.js';

let root: tmp.DirResult;
let one: string;
let parentOfOne: string;
let two: string;
beforeAll(() => {
  root = tmp.dirSync({ unsafeCleanup: true });
  one = path.join(root.name, 'LAB-0101');
  cpSync(path.join(SAMPLES, 'LAB-0101'), one, { recursive: true });
  parentOfOne = path.join(root.name, 'share-of-one');
  cpSync(path.join(SAMPLES, 'LAB-0101'), path.join(parentOfOne, 'LAB-0101'), { recursive: true });
  two = path.join(root.name, 'share-of-two');
  for (const name of ['LAB-0101', 'LAB-0102']) cpSync(path.join(SAMPLES, name), path.join(two, name), { recursive: true });
});
afterAll(() => {
  root.removeCallback();
});

/** The standby started now, and what it posts (an adopted worker posts its devices' results). */
function watchedStandby(): { worker: Worker; posted: unknown[]; exited: Promise<void> } {
  startStandbyWorker();
  const worker = peekStandbyWorker();
  if (worker === null) throw new Error('no standby worker');
  const posted: unknown[] = [];
  worker.on('message', (message: unknown) => posted.push(message));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return { worker, posted, exited };
}

describe('the standby worker', () => {
  it('is wanted for diagnose of what looks like one device, whatever --jobs (the command line reads every device on a worker)', () => {
    expect(wantsStandby(['diagnose', one])).toBe(true);
    expect(wantsStandby(['diagnose', one, '--jobs', '1'])).toBe(true);
    expect(wantsStandby(['diagnose', one, '--read-timeout', '5'])).toBe(true);
    expect(wantsStandby(['diagnose', one, '--jobs', '2'])).toBe(true);
    expect(wantsStandby(['diagnose', parentOfOne, '-f', 'json', '--jobs=2'])).toBe(true);
    expect(wantsStandby(['diagnose', path.join(one, 'ProgramData', 'LANDesk', 'Log', 'sdclient.log'), '--jobs', '4'])).toBe(true);
    // An option's value that is a file is no second path.
    const report = path.join(root.name, 'report.json');
    writeFileSync(report, '{}');
    expect(wantsStandby(['diagnose', one, '-o', report, '--jobs', '2'])).toBe(true);
  });

  it('is not wanted for a fleet, two paths, a zip or another command', () => {
    expect(wantsStandby(['diagnose', two])).toBe(false);
    expect(wantsStandby(['diagnose', one, parentOfOne])).toBe(false);
    expect(wantsStandby(['diagnose', path.join(SAMPLES, 'LAB-0104.zip')])).toBe(false);
    expect(wantsStandby(['timeline', one])).toBe(false);
    expect(wantsStandby(['merge', one])).toBe(false);
    const empty = path.join(root.name, 'empty');
    mkdirSync(empty);
    expect(wantsStandby(['diagnose', empty])).toBe(false);
    expect(wantsStandby(['diagnose', path.join(root.name, 'missing')])).toBe(false);
  });

  it('diagnoses a run of one device, with the same report as a worker started for it', async () => {
    const fresh = renderers.json.render(await diagnose({ paths: [one], jobs: 2 }), { color: false });
    const standby = watchedStandby();
    const adopted = renderers.json.render(await diagnose({ paths: [one], jobs: 2 }), { color: false });
    expect(adopted).toBe(fresh);
    // It posted the device's start and its report: it was the worker that read it.
    expect(standby.posted).toEqual([expect.objectContaining({ started: true }), expect.objectContaining({ reports: expect.any(Array) })]);
    await standby.exited;
    expect(peekStandbyWorker()).toBeNull();
  }, 60_000);

  it('is stopped, unused, for a fleet on two workers, whose report is the same', async () => {
    const without = renderers.json.render(await diagnose({ paths: [two], jobs: 2 }), { color: false });
    const standby = watchedStandby();
    const withStandby = renderers.json.render(await diagnose({ paths: [two], jobs: 2 }), { color: false });
    expect(withStandby).toBe(without);
    await standby.exited;
    expect(standby.posted).toEqual([]);
    expect(peekStandbyWorker()).toBeNull();
  }, 60_000);
});
