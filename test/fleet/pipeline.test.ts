// The pipeline opens only the bundles that may hold a device the run asks for (--device,
// --shard): a bundle whose devices planning knows by name, none of them asked, is not opened
// (one device of a share of 10,000 took 5 s when every bundle was opened to be skipped). An
// archive whose devices only reading tells is opened all the same, so none is lost.
import { cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import tmp from 'tmp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mayHoldAsked } from '../../src/fleet/pipeline.js';
import type { PlanSpec } from '../../src/ingest/bundles.js';
import { diagnose } from '../../src/run.js';
import { SAMPLES } from '../helpers/parse.js';
import { writeZip } from '../helpers/zip.js';

let root: tmp.DirResult;
beforeEach(() => { root = tmp.dirSync({ unsafeCleanup: true }); });
afterEach(() => root.removeCallback());

describe('mayHoldAsked', () => {
  const asked = (name: string): boolean => name === 'LAB-0101';
  const base = { absolute: '/x', base: '/' };
  it('answers from the names planning knows, and opens what only reading tells', () => {
    expect(mayHoldAsked({ type: 'folder', name: 'LAB-0102', folder: '/x', ...base } as PlanSpec, asked)).toBe(false);
    expect(mayHoldAsked({ type: 'folder', name: 'LAB-0101', folder: '/x', ...base } as PlanSpec, asked)).toBe(true);
    expect(mayHoldAsked({ type: 'zip', name: 'site-a', zipPath: '/x.zip', deviceNames: { 'a/LAB-0101': 'LAB-0101', 'a/LAB-0102': 'LAB-0102' }, ...base } as PlanSpec, asked)).toBe(true);
    expect(mayHoldAsked({ type: 'zip', name: 'site-b', zipPath: '/x.zip', deviceNames: { 'b/LAB-0103': 'LAB-0103' }, ...base } as PlanSpec, asked)).toBe(false);
    expect(mayHoldAsked({ type: 'zip', name: 'LAB-0105', zipPath: '/x.zip', oneDevice: true, ...base } as PlanSpec, asked)).toBe(false);
    // Not peeked (a tar, a zip whose directory could not be read): opened, whatever its name.
    expect(mayHoldAsked({ type: 'zip', name: 'site-c', zipPath: '/x.tgz', ...base } as PlanSpec, asked)).toBe(true);
  });
});

describe('--device over a share', () => {
  it('finds the device in a folder, in a fleet zip and in a one-device zip, with one job and with two', async () => {
    const share = path.join(root.name, 'share');
    mkdirSync(share);
    cpSync(path.join(SAMPLES, 'LAB-0101'), path.join(share, 'LAB-0101'), { recursive: true });
    cpSync(path.join(SAMPLES, 'LAB-0102'), path.join(share, 'LAB-0102'), { recursive: true });
    cpSync(path.join(SAMPLES, 'LAB-0104.zip'), path.join(share, 'LAB-0104.zip'));
    // A fleet zip: two device folders, each with logs of two kinds.
    const entries = (prefix: string): { name: string; data: Buffer }[] => [{ name: `${prefix}sdclient.log`, data: Buffer.from('x') }, { name: `${prefix}vulscan.log`, data: Buffer.from('x') }];
    writeZip(path.join(share, 'site.zip'), [...entries('site/LAB-0201/'), ...entries('site/LAB-0202/')]);
    for (const jobs of [1, 2]) {
      for (const [device, expected] of [['LAB-0102', 'LAB-0102'], ['LAB-0104', 'LAB-0104'], ['LAB-0202', 'LAB-0202']]) {
        const report = await diagnose({ paths: [share], devices: [device ?? ''], jobs });
        expect(report.devices.map((d) => d.device), `${device} with ${jobs} job(s)`).toEqual([expected]);
      }
    }
    await expect(diagnose({ paths: [share], devices: ['Nowhere-1'] })).rejects.toThrow('no device named Nowhere-1 in');
  });
});
