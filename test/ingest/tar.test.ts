// Tar bundles (.tar, .tar.gz, .tgz) are read like zips (the real-shares issue): one device per
// archive, a fleet tarred together split into its devices, entry names checked, a damaged one
// said on its device and never healthy.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tar from 'tar-stream';
import tmp from 'tmp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diagnose } from '../../src/run.js';
import { SAMPLES } from '../helpers/parse.js';
import expected from '../../samples/expected.json' with { type: 'json' };

let root: tmp.DirResult;
beforeEach(() => {
  root = tmp.dirSync({ unsafeCleanup: true });
});
afterEach(() => {
  root.removeCallback();
});

/** `tar` over folders copied from the samples, as an admin would make the archive. */
function tarOf(archive: string, devices: readonly string[], options: { gzip?: boolean; wrapper?: string } = {}): void {
  const staging = path.join(root.name, 'staging', path.basename(archive));
  const inside = options.wrapper ? path.join(staging, options.wrapper) : staging;
  for (const device of devices) cpSync(path.join(SAMPLES, device), path.join(inside, device), { recursive: true });
  execFileSync('tar', [options.gzip ? '-czf' : '-cf', archive, '-C', staging, options.wrapper ?? devices[0] ?? '.']);
}

describe('tar bundles', () => {
  it('a .tar and a .tar.gz of one device each, and a .tgz fleet inside a wrapper folder, give the verdicts the folders give', async () => {
    const share = path.join(root.name, 'share');
    mkdirSync(share);
    tarOf(path.join(share, 'LAB-0101.tar'), ['LAB-0101']);
    tarOf(path.join(share, 'LAB-0105.tar.gz'), ['LAB-0105'], { gzip: true });
    tarOf(path.join(share, 'site-b.tgz'), ['LAB-0103', 'LAB-0110'], { gzip: true, wrapper: 'logs' });
    const report = await diagnose({ paths: [share] });
    const oracle = expected as Record<string, { verdict: string }>;
    // A fleet archive's devices come in its place among the share's bundles (as a fleet zip's do).
    expect(report.devices.map((d) => [d.device, d.verdict]).sort()).toEqual(['LAB-0101', 'LAB-0103', 'LAB-0105', 'LAB-0110'].map((name) => [name, oracle[name]?.verdict]));
    expect(report.devices.find((d) => d.device === 'LAB-0105')?.files[0]?.path).toMatch(/^LAB-0105\.tar\.gz\/LAB-0105\//);
    expect(report.summary.passedOver).toBeUndefined();
  });

  it('a damaged .tar.gz is said on its device, which is never healthy', async () => {
    const archive = path.join(root.name, 'LAB-0199.tar.gz');
    writeFileSync(archive, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00]));
    const device = (await diagnose({ paths: [archive] })).devices[0];
    expect(device?.device).toBe('LAB-0199');
    expect(device?.verdict).toBe('unreadable');
    expect(device?.errors.join(' ')).toMatch(/LAB-0199\.tar\.gz: cannot be read as a tar archive/);
  });

  it('an entry whose name climbs out of the archive is refused, and the rest is read', async () => {
    const pack = tar.pack();
    pack.entry({ name: '../evil/sdclient.log' }, 'Mon, 09 Mar 2026 10:02:11 SDClient starting\r\n');
    pack.entry({ name: 'LAB-0101/ProgramData/LANDesk/Log/sdclient.log' }, 'Mon, 09 Mar 2026 10:02:11 ---------- SDClient starting (version 11.0.5.361) ----------\r\n');
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const chunk of pack) chunks.push(chunk as Buffer);
    const archive = path.join(root.name, 'LAB-0101.tar');
    writeFileSync(archive, Buffer.concat(chunks));
    const device = (await diagnose({ paths: [archive] })).devices[0];
    expect(device?.skipped.map((s) => s.path)).toContainEqual(expect.stringContaining('evil/sdclient.log'));
    expect(device?.files.map((f) => f.path)).toEqual(['LAB-0101.tar/LAB-0101/ProgramData/LANDesk/Log/sdclient.log']);
  });
});
