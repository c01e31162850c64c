// Nothing in a share is passed over without a word (the real-shares issue): a share holding
// .LAB-0103/, LAB-0105.cab, LAB-0107.7z and LAB-0106_sdclient.txt beside LAB-0101/ reported
// "1 device" and never named the others. Each is now listed with its reason: in the fleet
// summary of every format, and on stderr a line per kind.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tmp from 'tmp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/types.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { SAMPLES } from '../helpers/parse.js';


let root: tmp.DirResult;
beforeEach(() => {
  root = tmp.dirSync({ unsafeCleanup: true });
});
afterEach(() => {
  root.removeCallback();
});

async function cli(...args: string[]): Promise<CliResult> {
  return runCli(args, root.name);
}

function share(): string {
  const dir = path.join(root.name, 'share');
  cpSync(path.join(SAMPLES, 'LAB-0101'), path.join(dir, 'LAB-0101'), { recursive: true });
  cpSync(path.join(SAMPLES, 'LAB-0103'), path.join(dir, '.LAB-0103'), { recursive: true });
  writeFileSync(path.join(dir, 'LAB-0105.cab'), Buffer.from('MSCF', 'latin1'));
  writeFileSync(path.join(dir, 'LAB-0107.7z'), Buffer.from('7z\xbc\xaf\x27\x1c', 'latin1'));
  writeFileSync(path.join(dir, 'LAB-0108.rar'), Buffer.from('Rar!\x1a\x07\x00', 'latin1'));
  writeFileSync(path.join(dir, 'LAB-0106_sdclient.txt'), 'Mon, 09 Mar 2026 10:02:11 SDClient starting\r\n');
  writeFileSync(path.join(dir, '.gitattributes'), '* -text\n');
  mkdirSync(path.join(dir, '.ldforensicscache'));
  return dir;
}

describe('what a share holds that is not read', () => {
  it('is counted and named in the summary, with the kinds, and said on stderr a line per kind', async () => {
    const dir = share();
    const { stdout, stderr } = await cli('diagnose', dir, '-f', 'json');
    const report = JSON.parse(stdout) as Report;
    expect(report.devices.map((d) => d.device)).toEqual(['LAB-0101']);
    expect(report.summary.passedOver).toEqual({
      count: 5,
      kinds: { hidden: 1, 'other-archive': 3, 'stray-file': 1 },
      paths: ['share/.LAB-0103', 'share/LAB-0105.cab', 'share/LAB-0107.7z', 'share/LAB-0108.rar', 'share/LAB-0106_sdclient.txt'],
    });
    expect(stderr).toContain('ldforensics: 1 hidden entry in the share (share/.LAB-0103): hidden (its name starts with a dot): not read');
    expect(stderr).toContain('ldforensics: 3 archives of another kind in the share (share/LAB-0105.cab, share/LAB-0107.7z, share/LAB-0108.rar): an archive ldforensics does not read (.7z, .rar, .gz, .cab; .zip, .tar and .tar.gz are read): unpack it, or make it a .zip');
    expect(stderr).toContain('ldforensics: 1 stray file in the share (share/LAB-0106_sdclient.txt): not a log, a .zip bundle or a folder: not read');
    // A dot file that holds no logs (.gitattributes) and the run's own cache are not listed.
    expect(stderr).not.toContain('.gitattributes');
    expect(stderr).not.toContain('.ldforensicscache');
  });

  it('is in the fleet summary of text, md and html, and of ndjson', async () => {
    const dir = share();
    for (const format of ['text', 'md', 'html']) {
      const { stdout } = await cli('diagnose', dir, '-f', format);
      // Text wraps; md escapes its punctuation.
      expect(stdout.replace(/\s+/g, ' ').replace(/\\(.)/g, '$1'), format).toContain('5 entries of the share were not read (1 hidden entry, 3 archives of another kind, 1 stray file): share/.LAB-0103, share/LAB-0105.cab, share/LAB-0107.7z, share/LAB-0108.rar, share/LAB-0106_sdclient.txt.');
    }
    const lines = (await cli('diagnose', dir, '-f', 'ndjson')).stdout.trim().split('\n');
    expect((JSON.parse(lines[lines.length - 1] ?? '{}') as { summary: Report['summary'] }).summary.passedOver?.count).toBe(5);
  });
});

describe('a core server\'s bundle', () => {
  it('as All_Zipped_Logs<yyyyMMdd>.zip or unzipped in the core\'s log\\provisioning\\ layout, is no device: left out with a message', async () => {
    const dir = path.join(root.name, 'share');
    cpSync(path.join(SAMPLES, 'LAB-0101'), path.join(dir, 'LAB-0101'), { recursive: true });
    writeFileSync(path.join(dir, 'All_Zipped_Logs20260309.zip'), Buffer.from('PK\x05\x06' + '\0'.repeat(18), 'latin1'));
    mkdirSync(path.join(dir, 'core-logs', 'log', 'provisioning'), { recursive: true });
    writeFileSync(path.join(dir, 'core-logs', 'log', 'provisioning', 'ldprovisioning.log'), 'Mon, 09 Mar 2026 10:02:11 Template "Win10" (id 27): 12 actions\r\n');
    const { stdout, stderr } = await cli('diagnose', dir, '-f', 'json');
    const report = JSON.parse(stdout) as Report;
    expect(report.devices.map((d) => d.device)).toEqual(['LAB-0101']);
    expect(report.summary.passedOver?.kinds).toEqual({ 'core-bundle': 2 });
    expect(stderr).toContain('ldforensics: 2 core servers\' bundles in the share (share/All_Zipped_Logs20260309.zip, share/core-logs): a core server\'s bundle');
    // Given alone, it is nothing to read: said, exit 2.
    const alone = await cli('diagnose', path.join(dir, 'core-logs'));
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('1 core server\'s bundle in the share (core-logs)');
  });
});
