// The CLI as admins meet it: packed and installed from the tarball into a prefix of its own and
// run from another folder; and the small things users trip on.
import { execFile, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import tmp from 'tmp';
import { describe, expect, it } from 'vitest';
import { colorWanted } from '../../src/cli/cli.js';
import { SAMPLE_DEVICES } from '../helpers/parse.js';


const run = promisify(execFile);
const ROOT = path.join(import.meta.dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'ldforensics.js');
const SAMPLE = path.join(ROOT, 'samples', 'LAB-0101');
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

async function exec(file: string, args: string[], cwd = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('the packed package', () => {
  it('installs from its tarball into a prefix and runs from another folder, CLI and API', async () => {
    const dir = tmp.dirSync({ unsafeCleanup: true });
    try {
      const packed = await exec('npm', ['pack', '--pack-destination', dir.name, '--ignore-scripts', '--silent']);
      expect(packed.code).toBe(0);
      const tarball = path.join(dir.name, packed.stdout.trim().split('\n').pop() ?? '');
      const prefix = path.join(dir.name, 'prefix');
      const installed = await exec('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', tarball], dir.name);
      expect(installed.code, installed.stderr).toBe(0);
      const cli = path.join(prefix, 'node_modules', '.bin', 'ldforensics');
      expect((await exec(cli, ['--version'], dir.name)).stdout.trim()).toBe(VERSION);
      const diagnosed = await exec(cli, ['diagnose', SAMPLE, '-f', 'json'], dir.name);
      expect(diagnosed.code).toBe(1);
      expect((JSON.parse(diagnosed.stdout) as { devices: { verdict: string }[] }).devices[0]?.verdict).toBe('vulscan-blocked-sdclient');
      const script = path.join(prefix, 'api.mjs');
      writeFileSync(script, `import { diagnose } from 'ldforensics';\nconst report = await diagnose({ paths: [${JSON.stringify(SAMPLE)}] });\nconsole.log(report.devices[0].verdict);\n`);
      expect((await exec(process.execPath, [script], prefix)).stdout.trim()).toBe('vulscan-blocked-sdclient');
      const files = (await exec('tar', ['-tzf', tarball])).stdout.split('\n');
      expect(files).toContain('package/LICENSE');
      expect(files).toContain('package/dist/run.d.ts');
      expect(files).toContain('package/schema/diagnosis.schema.json');
      expect(files).toContain('package/schema/timeline.schema.json');
      expect(files.some((f) => f.endsWith('.js.map'))).toBe(false);
      // The schemas resolve from the installed package, as a consumer would load them.
      const schemaScript = path.join(prefix, 'schema.mjs');
      writeFileSync(schemaScript, `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nconsole.log(require('ldforensics/schema/diagnosis.schema.json').title);\n`);
      expect((await exec(process.execPath, [schemaScript], prefix)).stdout.trim()).toBe('ldforensics diagnosis');
      // A TypeScript program that uses the API and its types compiles against the installed
      // package with skipLibCheck off: its declarations name no devDependency's types (yauzl),
      // and Report and DeviceReport are exported. Node's own types come from this repository.
      writeFileSync(path.join(prefix, 'consumer.mts'), [
        "import { diagnose, timelines, type DeviceReport, type Finding, type Report, type Summary } from 'ldforensics';",
        `const report: Report = await diagnose({ paths: [${JSON.stringify(SAMPLE)}], zone: 'Europe/Paris' });`,
        'const first: DeviceReport | undefined = report.devices[0];',
        'const findings: Finding[] = first?.findings ?? [];',
        'const summary: Summary = report.summary;',
        `const shown = await timelines({ paths: [${JSON.stringify(SAMPLE)}] });`,
        'console.log(first?.verdict, findings.length, summary.devices, shown.devices.length);',
        '',
      ].join('\n'));
      writeFileSync(path.join(prefix, 'tsconfig.json'), JSON.stringify({
        compilerOptions: {
          module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: false,
          types: ['node'], typeRoots: [path.join(ROOT, 'node_modules', '@types')],
        },
        files: ['consumer.mts'],
      }));
      const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      const compiled = await exec(process.execPath, [tsc, '-p', path.join(prefix, 'tsconfig.json')], prefix);
      expect(compiled.stdout + compiled.stderr).toBe('');
      expect(compiled.code).toBe(0);
    } finally {
      dir.removeCallback();
    }
  }, 240_000);
});

describe('the small things users trip on', () => {
  it('--version reads package.json', async () => {
    expect((await exec(process.execPath, [BIN, '--version'])).stdout.trim()).toBe(VERSION);
  });

  it('a mistyped command gets "did you mean"', async () => {
    const result = await exec(process.execPath, [BIN, 'diagnos', 'samples']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "diagnos" (did you mean diagnose?)');
  });

  it('--fail-on never exits 0 on a failed device; --fail-on error (the default) exits 1', async () => {
    expect((await exec(process.execPath, [BIN, 'diagnose', SAMPLE, '--fail-on', 'never'])).code).toBe(0);
    expect((await exec(process.execPath, [BIN, 'diagnose', SAMPLE])).code).toBe(1);
  });

  it('--device takes comma-separated names and says which matched nothing', async () => {
    const result = await exec(process.execPath, [BIN, 'diagnose', path.join(ROOT, 'samples'), '--device', 'LAB-0101,LAB-9999', '-f', 'json']);
    expect((JSON.parse(result.stdout) as { devices: { device: string }[] }).devices.map((d) => d.device)).toEqual(['LAB-0101']);
    expect(result.stderr).toContain('no device named LAB-9999');
  });

  it('a closed pipe ends quietly and keeps the exit code the report earned', async () => {
    const child = spawn(process.execPath, [BIN, 'diagnose', path.join(ROOT, 'samples')], { env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(1);
    // Nothing but what the run did not read (the samples' README.md and expected.json): no EPIPE, no stack.
    expect(stderr.replace(/^ldforensics: 2 stray files in the share \(.*samples\/README\.md, .*samples\/expected\.json\): not a log, a \.zip bundle or a folder: not read\n/m, '')).toBe('');
  });

  it('colour: --color and --no-color first, then FORCE_COLOR, then NO_COLOR, then a terminal', () => {
    expect(colorWanted(false, true, {}, false)).toBe(true);
    expect(colorWanted(false, false, { FORCE_COLOR: '1' }, true)).toBe(false);
    expect(colorWanted(false, undefined, { FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colorWanted(false, undefined, { FORCE_COLOR: '0' }, true)).toBe(false);
    expect(colorWanted(false, undefined, { NO_COLOR: '1' }, true)).toBe(false);
    expect(colorWanted(false, undefined, {}, true)).toBe(true);
    expect(colorWanted(true, undefined, {}, true)).toBe(false);
  });
});

describe('times as admins type them, and the timeline to a file', () => {
  it('--tz takes a bare offset (+02:00)', async () => {
    const result = await exec(process.execPath, [BIN, 'diagnose', SAMPLE, '--tz', '+02:00', '-f', 'json']);
    expect((JSON.parse(result.stdout) as { devices: { findings: { time: string }[] }[] }).devices[0]?.findings[0]?.time).toBe('2026-02-17T09:42:23+02:00');
  });

  it('timeline --since 09:41 (a time alone) means that time on the device\'s day, and -o writes the file', async () => {
    const dir = tmp.dirSync({ unsafeCleanup: true });
    try {
      const out = path.join(dir.name, 'timeline.json');
      const result = await exec(process.execPath, [BIN, 'timeline', SAMPLE, '--since', '09:41', '--until', '09:42:30', '-f', 'json', '-o', out]);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('');
      const entries = (JSON.parse(readFileSync(out, 'utf8')) as { devices: { entries: { time: string }[] }[] }).devices[0]?.entries ?? [];
      expect(entries.length).toBeGreaterThan(10);
      expect(entries.every((e) => e.time >= '2026-02-17T09:41:00' && e.time <= '2026-02-17T09:42:30')).toBe(true);
    } finally {
      dir.removeCallback();
    }
  });
});

describe('--summary', () => {
  it('shows the fleet summary alone, in text, md and json, keeps the exit code, and is refused where it has no form', async () => {
    const samples = path.join(ROOT, 'samples');
    const text = await exec(process.execPath, [BIN, 'diagnose', samples, '--summary']);
    expect(text.code).toBe(1);
    expect(text.stdout.startsWith(`━━ Fleet summary: ${SAMPLE_DEVICES} devices`)).toBe(true);
    expect(text.stdout).not.toContain('━━ LAB-0101');
    const json = JSON.parse((await exec(process.execPath, [BIN, 'diagnose', samples, '--summary', '-f', 'json'])).stdout) as { schema: string; summary: { devices: number }; devices?: unknown };
    expect(json).toMatchObject({ schema: 'ldforensics.diagnosis/1', summary: { devices: SAMPLE_DEVICES } });
    expect(json.devices).toBeUndefined();
    const csv = await exec(process.execPath, [BIN, 'diagnose', samples, '--summary', '-f', 'csv']);
    expect(csv.code).toBe(2);
    expect(csv.stderr).toContain('--summary: the fleet summary alone is shown as text, json, ndjson, md, jira, not csv');
    const md = await exec(process.execPath, [BIN, 'diagnose', samples, '--summary', '-f', 'md']);
    expect(md.code).toBe(1);
    expect(md.stdout.startsWith('# ldforensics diagnosis\n\n## Fleet summary\n')).toBe(true);
    expect(md.stdout).not.toContain('## LAB-0101');
  });
});

describe('--quiet', () => {
  it('is quieter, never a different report: the same stdout in every format, nothing on stderr, the same exit code', async () => {
    const samples = path.join(ROOT, 'samples');
    const text = await exec(process.execPath, [BIN, 'diagnose', samples, '-q']);
    expect(text.code).toBe(1);
    expect(text.stdout).toBe((await exec(process.execPath, [BIN, 'diagnose', samples])).stdout);
    expect(text.stderr).toBe('');
    const full = await exec(process.execPath, [BIN, 'diagnose', samples, '-f', 'json']);
    const quiet = await exec(process.execPath, [BIN, 'diagnose', samples, '-f', 'json', '--quiet']);
    expect(quiet.stdout).toBe(full.stdout);
    expect(quiet.stderr).toBe('');
    // Errors are still said.
    const missing = await exec(process.execPath, [BIN, 'diagnose', '/nonexistent-share', '-q']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('/nonexistent-share');
  });
});
