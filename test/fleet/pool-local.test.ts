// The pool with results at hand in the main thread (a warm --cache): those devices never go to
// a worker, the others do, results keep plan order, and no worker starts until one is needed.
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { planDevices, type PlanSpec } from '../../src/ingest/bundles.js';
import { failedDeviceReport } from '../../src/report.js';
import type { DeviceReport } from '../../src/types.js';
import { SAMPLES } from '../helpers/parse.js';

const started = vi.hoisted(() => ({ workers: 0 }));
vi.mock('node:worker_threads', async (original) => {
  const real = await original<typeof import('node:worker_threads')>();
  class CountedWorker extends real.Worker {
    constructor(...args: ConstructorParameters<typeof real.Worker>) {
      super(...args);
      started.workers += 1;
    }
  }
  return { ...real, Worker: CountedWorker };
});

const { runOnWorkers } = await import('../../src/fleet/pool.js');

const devices = ['LAB-0101', 'LAB-0102', 'LAB-0103', 'LAB-0108'];

const devicePaths = devices.map((name) => path.join(SAMPLES, name));

async function plan(): Promise<PlanSpec[]> {
  return planDevices(devicePaths);
}

/** A report that only this test makes: where it comes back, the device was answered here. */
function answeredHere(spec: PlanSpec): DeviceReport {
  return { ...failedDeviceReport(spec.name, new Error('answered here')), verdict: 'no-failure' };
}

describe('the worker pool with results at hand', () => {
  it('takes what it is given here, sends the rest to workers, and keeps plan order', async () => {
    const specs = await plan();
    const asked: string[] = [];
    const local = async (spec: PlanSpec): Promise<DeviceReport[] | null> => {
      asked.push(spec.name);
      return spec.name === 'LAB-0102' || spec.name === 'LAB-0108' ? [answeredHere(spec)] : null;
    };
    const results: DeviceReport[] = [];
    for await (const report of runOnWorkers(specs, { paths: devicePaths, jobs: 2 }, (r) => r, local)) results.push(report);
    expect(results.map((r) => r.device)).toEqual(devices);
    expect(asked).toEqual(devices);
    const here = results.filter((r) => r.errors.some((e) => e.includes('answered here'))).map((r) => r.device);
    expect(here).toEqual(['LAB-0102', 'LAB-0108']);
    // The others were read by a worker: their real verdicts.
    expect(results.find((r) => r.device === 'LAB-0101')?.verdict).toBe('vulscan-blocked-sdclient');
    expect(results.find((r) => r.device === 'LAB-0103')?.verdict).toBe('package-install-failed');
  }, 60_000);

  it('starts no worker when every device is answered here, and one for each job at the first that is not', async () => {
    const specs = await plan();
    started.workers = 0;
    const all: string[] = [];
    for await (const report of runOnWorkers(specs, { paths: devicePaths, jobs: 2 }, (r) => r, async (spec) => [answeredHere(spec)])) all.push(report.device);
    expect(all).toEqual(devices);
    expect(started.workers).toBe(0);
    const some: string[] = [];
    for await (const report of runOnWorkers(specs, { paths: devicePaths, jobs: 2 }, (r) => r, async (spec) => (spec.name === 'LAB-0108' ? null : [answeredHere(spec)]))) some.push(report.device);
    expect(some).toEqual(devices);
    expect(started.workers).toBe(2);
  }, 60_000);

  it('sends a device to a worker where the lookup here throws', async () => {
    const specs = await plan();
    const results: DeviceReport[] = [];
    const local = async (spec: PlanSpec): Promise<DeviceReport[] | null> => {
      if (spec.name === 'LAB-0101') throw new Error('cannot look here');
      return [answeredHere(spec)];
    };
    for await (const report of runOnWorkers(specs, { paths: devicePaths, jobs: 2 }, (r) => r, local)) results.push(report);
    expect(results.map((r) => r.device)).toEqual(devices);
    expect(results[0]?.verdict).toBe('vulscan-blocked-sdclient');
  }, 60_000);
});
