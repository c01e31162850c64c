// Devices on worker threads: the same report whatever the number of workers, and a device whose
// worker dies (out of memory, past its deadline) costs that device only.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tmp from 'tmp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderers } from '../../src/render/index.js';
import { diagnose, diagnosePieces } from '../../src/run.js';
import { SAMPLES } from '../helpers/parse.js';

let root: tmp.DirResult;
let fleet: string;
beforeAll(() => {
  root = tmp.dirSync({ unsafeCleanup: true });
  fleet = path.join(root.name, 'fleet');
  for (const sample of ['LAB-0101', 'LAB-0102', 'LAB-0103', 'LAB-0104.zip', 'LAB-0108', 'LAB-0112']) cpSync(path.join(SAMPLES, sample), path.join(fleet, sample), { recursive: true });
  // A device far larger and slower than the others: 400,000 lines, each a different one, so
  // no line is answered from the pattern set's memory of lines it has seen.
  const big = path.join(fleet, 'LAB-BIG', 'ProgramData', 'LANDesk', 'Log');
  mkdirSync(big, { recursive: true });
  const lines: string[] = [];
  for (let i = 0; i < 400_000; i += 1) lines.push(`Mon, 09 Mar 2026 10:02:11 Downloading file http://core/packages/app/app-setup-with-a-long-name.msi chunk ${i}\r\n`);
  writeFileSync(path.join(big, 'sdclient.log'), lines.join(''));
});
afterAll(() => {
  root.removeCallback();
});

describe('diagnose on worker threads', () => {
  it('gives byte-identical JSON with one job and with three, devices in name order', async () => {
    const one = renderers.json.render(await diagnose({ paths: [fleet], jobs: 1 }), { color: false });
    const three = renderers.json.render(await diagnose({ paths: [fleet], jobs: 3 }), { color: false });
    expect(three).toBe(one);
    expect((JSON.parse(three) as { devices: { device: string }[] }).devices.map((d) => d.device)).toEqual(['LAB-0101', 'LAB-0102', 'LAB-0103', 'LAB-0104', 'LAB-0108', 'LAB-0112', 'LAB-BIG']);
  }, 60_000);

  it('reports a device that outgrows its memory budget as unreadable, with the reason, and diagnoses the rest', async () => {
    // 12 MB: the samples are diagnosed within 10; LAB-BIG needs about 20 (a diagnosis keeps 20,000 of its entries in order, line-log.ts).
    const report = await diagnose({ paths: [fleet], jobs: 2, deviceMemoryMb: 12 });
    const verdicts = Object.fromEntries(report.devices.map((d) => [d.device, d.verdict]));
    expect(verdicts).toMatchObject({ 'LAB-0101': 'vulscan-blocked-sdclient', 'LAB-0102': 'no-failure', 'LAB-0112': 'vulscan-blocked-sdclient', 'LAB-BIG': 'unreadable' });
    expect(report.devices.find((d) => d.device === 'LAB-BIG')?.errors[0]).toMatch(/could not analyse this bundle: its worker (failed|stopped).*/);
  }, 60_000);

  it('stops a device past its deadline, reports it, and goes on with a new worker', async () => {
    const report = await diagnose({ paths: [fleet], jobs: 2, deviceSeconds: 0.5 });
    const big = report.devices.find((d) => d.device === 'LAB-BIG');
    expect(big?.verdict).toBe('unreadable');
    expect(big?.errors[0]).toBe('could not analyse this bundle: it took longer than the 0.5 s a device may take; stopped');
    expect(report.devices.filter((d) => d.verdict !== 'unreadable').length).toBe(6);
  }, 60_000);

  it('sends the devices queued behind a stopped one to the next worker, never down with it', async () => {
    // The slow device first in name order: the worker given it is given the next two behind it (pool.ts, AHEAD).
    const slowFirst = path.join(root.name, 'slow-first');
    cpSync(path.join(fleet, 'LAB-BIG'), path.join(slowFirst, 'A-SLOW'), { recursive: true });
    for (const sample of ['LAB-0101', 'LAB-0102', 'LAB-0103']) cpSync(path.join(SAMPLES, sample), path.join(slowFirst, sample), { recursive: true });
    const report = await diagnose({ paths: [slowFirst], jobs: 2, deviceSeconds: 0.5 });
    expect(report.devices.map((d) => [d.device, d.verdict])).toEqual([
      ['A-SLOW', 'unreadable'], ['LAB-0101', 'vulscan-blocked-sdclient'], ['LAB-0102', 'no-failure'], ['LAB-0103', 'package-install-failed'],
    ]);
  }, 60_000);
});

describe('devices rendered on the workers', () => {
  it('gives each device\'s text and tally, and a device whose worker died is rendered here, as unreadable', async () => {
    const pieces = [];
    for await (const piece of diagnosePieces({ paths: [fleet], jobs: 2, deviceMemoryMb: 12 }, { format: 'text', options: { color: false, width: 100 } })) pieces.push(piece);
    expect(pieces.map((p) => [p.tally.device, p.tally.verdict])).toEqual([
      ['LAB-0101', 'vulscan-blocked-sdclient'], ['LAB-0102', 'no-failure'], ['LAB-0103', 'package-install-failed'], ['LAB-0104', expect.any(String)],
      ['LAB-0108', expect.any(String)], ['LAB-0112', 'vulscan-blocked-sdclient'], ['LAB-BIG', 'unreadable'],
    ]);
    const big = pieces.find((p) => p.tally.device === 'LAB-BIG');
    const text = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('utf8');
    expect(text(big?.bytes)).toMatch(/^━━ LAB-BIG ━━ unreadable/);
    expect(text(big?.bytes)).toMatch(/its worker (failed|stopped)/);
    expect(big?.group).toBe(0);
    const healthy = pieces.find((p) => p.tally.device === 'LAB-0102');
    expect(text(healthy?.bytes)).toMatch(/^━━ LAB-0102 ━━ no-failure/);
    expect(healthy?.tally.failed).toBe(false);
  }, 60_000);

  it('gives the tallies alone where no format is asked for (the fleet summary alone)', async () => {
    const pieces = [];
    for await (const piece of diagnosePieces({ paths: [fleet], jobs: 2 })) pieces.push(piece);
    expect(pieces.map((p) => p.bytes.length)).toEqual(pieces.map(() => 0));
    expect(pieces.find((p) => p.tally.device === 'LAB-0101')?.tally).toMatchObject({ verdict: 'vulscan-blocked-sdclient', failed: true, read: true });
  }, 60_000);
});

describe('streamed formats', () => {
  it('the CLI\'s streamed json, csv and text (held by group on disk) are byte for byte what render() gives for the whole report', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const run = promisify(execFile);
    const bin = path.join(import.meta.dirname, '..', '..', 'bin', 'ldforensics.js');
    const report = await diagnose({ paths: [SAMPLES] });
    // With two jobs the devices are rendered on the workers (render/piece.ts); with one, here.
    for (const jobs of ['1', '2']) {
      for (const format of ['json', 'ndjson', 'csv', 'text', 'md'] as const) {
        const streamed = await run(process.execPath, [bin, 'diagnose', SAMPLES, '-f', format, '--jobs', jobs, '--no-color'], { maxBuffer: 64 * 1024 * 1024 }).catch((e: { stdout: string }) => e);
        expect(streamed.stdout, `${format}, --jobs ${jobs}`).toBe(renderers[format].render(report, { color: false, width: 100 }));
      }
    }
  }, 60_000);
});

describe('a run stopped early', () => {
  it('leaves no worker and no deadline behind: a consumer that throws after a few devices ends its process at once', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const run = promisify(execFile);
    // Many small devices, so that workers are starting devices (and arming their deadlines)
    // while the pool closes: that race kept the process alive for the deadline's ten minutes.
    const many = path.join(root.name, 'many');
    for (let i = 0; i < 40; i += 1) cpSync(path.join(SAMPLES, 'LAB-0101'), path.join(many, `LAB-${String(i).padStart(3, '0')}`), { recursive: true });
    const runJs = path.join(import.meta.dirname, '..', '..', 'dist', 'run.js');
    const script = path.join(root.name, 'stop-early.mjs');
    writeFileSync(script, `
      const { diagnoseDevices } = await import(${JSON.stringify(`file://${runJs}`)});
      let seen = 0;
      try {
        for await (const device of diagnoseDevices({ paths: [${JSON.stringify(many)}], jobs: 2 })) {
          seen += 1;
          if (seen === 3) throw new Error('stopped by its consumer');
        }
      } catch (error) {
        console.log(error.message, seen);
      }`);
    // A race: before the fix about half of such runs hung; eight in a row all end.
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const result = await run(process.execPath, [script], { timeout: 15_000 }).catch((error: { killed?: boolean; stdout?: string }) => error);
      expect('killed' in result && result.killed, `attempt ${attempt + 1}: the process was still alive after 15 s`).not.toBe(true);
      expect(result.stdout?.trim()).toBe('stopped by its consumer 3');
    }
  }, 180_000);
});
