// Where a run writes is never what it reads (the fleet-runs issue): an output that is an input,
// or lies inside a device bundle, is refused; the report's folder and the cache inside a share
// are left out of it, with a note; paths that cannot be written are said in the user's terms;
// the HTML folder form is written whole or not at all.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tmp from 'tmp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, runCli, type CliResult } from '../helpers/cli.js';
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

/** A share of healthy sample devices. */
function share(...devices: string[]): string {
  const dir = path.join(root.name, 'share');
  for (const device of devices) cpSync(path.join(SAMPLES, device), path.join(dir, device), { recursive: true });
  return dir;
}

describe('an output that is an input', () => {
  it('-o naming a log of the bundle is refused (exit 2) and the log is left as it was', async () => {
    const dir = share('LAB-0101');
    const log = path.join(dir, 'LAB-0101', 'ldprovisioning', 'ldprovisioning.log');
    const before = readFileSync(log);
    const result = await cli('diagnose', path.join(dir, 'LAB-0101'), '-f', 'csv', '-o', log);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--output .*ldprovisioning\.log lies inside the device bundle .*LAB-0101/);
    expect(readFileSync(log).equals(before)).toBe(true);
  });

  it('timeline x.log -o x.log is refused and x.log kept', async () => {
    const log = path.join(root.name, 'sdclient.log');
    cpSync(path.join(SAMPLES, 'LAB-0101', 'ProgramData', 'LANDesk', 'Log', 'sdclient.log'), log);
    const before = readFileSync(log);
    const result = await cli('timeline', log, '-o', log);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--output ${log} is the input ${log}`);
    expect(readFileSync(log).equals(before)).toBe(true);
  });

  it('a new report file inside a device bundle of the share is refused', async () => {
    const dir = share('LAB-0101', 'LAB-0102');
    const result = await cli('diagnose', dir, '-f', 'csv', '-o', path.join(dir, 'LAB-0101', 'report.csv'));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('lies inside the device bundle');
    expect(existsSync(path.join(dir, 'LAB-0101', 'report.csv'))).toBe(false);
  });

  it('merge -o naming one of its shards is refused', async () => {
    const dir = share('LAB-0102');
    const shard = path.join(root.name, 'shard.ndjson');
    writeFileSync(shard, (await cli('diagnose', dir, '-f', 'ndjson', '--shard', '1/1')).stdout);
    const result = await cli('merge', shard, '-f', 'ndjson', '-o', shard);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is the input');
  });
});

describe('the report\'s own folder and the cache inside the share', () => {
  it('-f html -o SHARE/ writes into the share, and a rerun still reads only the devices (exit 0 on a healthy fleet, every time)', async () => {
    const dir = share('LAB-0102', 'LAB-0113');
    for (let rerun = 0; rerun < 2; rerun += 1) {
      const result = await cli('diagnose', dir, '-f', 'html', '-o', `${dir}/`);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain('is the share being read: the report\'s own pages (devices/, index.html) are not read as devices');
      expect(readdirSync(path.join(dir, 'devices')).sort()).toEqual(['LAB-0102.html', 'LAB-0113.html']);
    }
  });

  it('an HTML folder and a cache folder inside the share are not read as devices, and a note says so', async () => {
    const dir = share('LAB-0102', 'LAB-0113');
    for (let rerun = 0; rerun < 2; rerun += 1) {
      const result = await cli('diagnose', dir, '-f', 'html', '-o', `${dir}/report/`, '--cache-location', path.join(dir, 'cache'));
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(`--output ${dir}/report/ lies inside ${dir}: it is not read as input.`);
      expect(result.stderr).toContain(`--cache ${path.join(dir, 'cache')} lies inside ${dir}: it is not read as input.`);
      expect(readdirSync(path.join(dir, 'report', 'devices')).sort()).toEqual(['LAB-0102.html', 'LAB-0113.html']);
    }
  });
});

describe('paths that cannot be written', () => {
  it('-o into a folder that does not exist says so, naming the folder, not a temporary file', async () => {
    const result = await cli('diagnose', share('LAB-0102'), '-f', 'csv', '-o', '/nonexistent-dir/sub/r.csv');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--output: the folder /nonexistent-dir/sub does not exist');
    expect(result.stderr).toContain('Create it first');
    expect(result.stderr).not.toMatch(/\.tmp|ENOENT/);
  });

  it('-o naming a folder for a one-file format says a file is needed', async () => {
    mkdirSync(path.join(root.name, 'newdir'));
    for (const target of ['newdir/', 'newdir']) {
      const result = await cli('diagnose', share('LAB-0102'), '-f', 'csv', '-o', target);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`--output: ${target} is a folder, and this report is one file`);
      expect(result.stderr).toContain('only --format html writes a folder');
      expect(result.stderr).not.toMatch(/ENOTDIR|Free some space/);
    }
  });
});

describe('the HTML folder form, stopped midway', () => {
  it('Ctrl-C leaves the old report folder as it was, and no temporary folder', async () => {
    const dir = share('LAB-0101', 'LAB-0102');
    const log = path.join(dir, 'LAB-SLOW', 'ProgramData', 'LANDesk', 'Log');
    mkdirSync(log, { recursive: true });
    const lines: string[] = [];
    for (let i = 0; i < 600_000; i += 1) lines.push(`Mon, 09 Mar 2026 10:02:11 Downloading file http://core/packages/app/setup-${i}.msi\r\n`);
    writeFileSync(path.join(log, 'sdclient.log'), lines.join(''));
    const out = path.join(root.name, 'report');
    mkdirSync(path.join(out, 'devices'), { recursive: true });
    writeFileSync(path.join(out, 'index.html'), 'the old index\n');
    writeFileSync(path.join(out, 'devices', 'OLD.html'), 'an old page\n');
    const child = spawn(process.execPath, [BIN, 'diagnose', dir, '-f', 'html', '-o', `${out}/`, '--jobs', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    const temporary = (): string[] => readdirSync(root.name).filter((name) => name.startsWith('.report.'));
    const started = Date.now();
    while (temporary().length === 0 && Date.now() - started < 10_000) await new Promise((resolve) => setTimeout(resolve, 20));
    // Pages of the devices before LAB-SLOW are written into the temporary folder first.
    const pages = (): number => {
      try {
        return readdirSync(path.join(root.name, temporary()[0] ?? '', 'devices')).length;
      } catch {
        return 0; // made a moment later
      }
    };
    while (pages() < 2 && Date.now() - started < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('stopped (SIGINT)');
    expect(temporary()).toEqual([]);
    expect(readFileSync(path.join(out, 'index.html'), 'utf8')).toBe('the old index\n');
    expect(readdirSync(path.join(out, 'devices'))).toEqual(['OLD.html']);
  }, 30_000);

  it('a complete run replaces the old pages and keeps what else the folder holds', async () => {
    const out = path.join(root.name, 'report');
    mkdirSync(path.join(out, 'devices'), { recursive: true });
    writeFileSync(path.join(out, 'devices', 'OLD.html'), 'an old page\n');
    writeFileSync(path.join(out, 'notes.txt'), 'mine\n');
    const result = await cli('diagnose', share('LAB-0102'), '-f', 'html', '-o', `${out}/`);
    expect(result.code).toBe(0);
    expect(readdirSync(path.join(out, 'devices'))).toEqual(['LAB-0102.html']);
    expect(readFileSync(path.join(out, 'notes.txt'), 'utf8')).toBe('mine\n');
    expect(readFileSync(path.join(out, 'index.html'), 'utf8')).toContain('LAB-0102');
    expect(readdirSync(root.name).filter((name) => name.startsWith('.report.'))).toEqual([]);
  });
});
