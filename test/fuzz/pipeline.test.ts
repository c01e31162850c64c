// Property-based fuzzing of the whole pipeline, in-process: the sample bundles mutated (bit
// flips, truncation, duplicated and shuffled lines, re-encoding, random timestamps), read,
// diagnosed and rendered in every format. Properties: nothing throws, every file's parsed plus
// unparsed lines equal its lines, a file's line count is its real number of lines, and every
// format renders. `npm test` runs a fixed seed and a few hundred cases; `npm run fuzz` runs
// FUZZ_RUNS (10,000) with a random seed, and fast-check prints the seed of any failure.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadDevice } from '../../src/device.js';
import type { Bundle } from '../../src/ingest/source.js';
import { patternSet } from '../../src/parsers/patterns.js';
import { buildReport, deviceReport } from '../../src/report.js';
import { renderers } from '../../src/render/index.js';
import { runRules } from '../../src/rules/engine.js';
import { rules } from '../../src/rules/index.js';
import { verdictOf } from '../../src/rules/verdict.js';
import { SAMPLES } from '../helpers/parse.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : process.env.FUZZ_RUNS !== undefined ? Date.now() % 2_147_483_647 : 20261201;
const patterns = patternSet();

/** Every file of the folder bundles of samples/ (path relative to the bundle, bytes). */
function sampleBundles(): { name: string; files: { path: string; bytes: Buffer }[] }[] {
  const out: { name: string; files: { path: string; bytes: Buffer }[] }[] = [];
  for (const name of readdirSync(SAMPLES).filter((n) => n.startsWith('LAB-') && statSync(path.join(SAMPLES, n)).isDirectory())) {
    const files: { path: string; bytes: Buffer }[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (statSync(full).size < 256 * 1024) files.push({ path: path.relative(path.join(SAMPLES, name), full).split(path.sep).join('/'), bytes: readFileSync(full) });
      }
    };
    walk(path.join(SAMPLES, name));
    out.push({ name, files });
  }
  return out;
}
const SAMPLE_BUNDLES = sampleBundles();

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicate'; line: number }
  | { kind: 'shuffle'; seed: number }
  | { kind: 'utf16le' }
  | { kind: 'cr-only' }
  | { kind: 'time'; line: number; year: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('shuffle' as const), seed: fc.nat() }),
  fc.record({ kind: fc.constant('utf16le' as const) }),
  fc.record({ kind: fc.constant('cr-only' as const) }),
  fc.record({ kind: fc.constant('time' as const), line: fc.nat(), year: fc.integer({ min: 1000, max: 9999 }) }),
);

function mutate(bytes: Buffer, m: Mutation): Buffer {
  if (bytes.length === 0) return bytes;
  const lines = (): string[] => bytes.toString('latin1').split('\n');
  switch (m.kind) {
    case 'flip': {
      const copy = Buffer.from(bytes);
      const i = m.at % copy.length;
      copy[i] = (copy[i] ?? 0) ^ (1 << m.bit);
      return copy;
    }
    case 'truncate': return bytes.subarray(0, m.at % bytes.length);
    case 'duplicate': {
      const all = lines();
      const i = m.line % all.length;
      all.splice(i, 0, all[i] ?? '');
      return Buffer.from(all.join('\n'), 'latin1');
    }
    case 'shuffle': {
      const all = lines();
      let s = m.seed;
      for (let i = all.length - 1; i > 0; i -= 1) {
        s = (s * 1103515245 + 12345) % 2147483648;
        const j = s % (i + 1);
        [all[i], all[j]] = [all[j] ?? '', all[i] ?? ''];
      }
      return Buffer.from(all.join('\n'), 'latin1');
    }
    case 'utf16le': return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(bytes.toString('latin1'), 'utf16le')]);
    case 'cr-only': return Buffer.from(bytes.toString('latin1').replace(/\r?\n/g, '\r'), 'latin1');
    case 'time': {
      const all = lines();
      const i = m.line % all.length;
      all[i] = (all[i] ?? '').replace(/\b\d{4}\b/, String(m.year));
      return Buffer.from(all.join('\n'), 'latin1');
    }
  }
}

function bundleOf(name: string, files: { path: string; bytes: Buffer }[]): Bundle {
  return {
    name,
    files: files.map((f) => ({ bundle: name, path: `${name}/${f.path}`, name: f.path.split('/').pop() ?? f.path, size: f.bytes.length, open: async () => Readable.from([f.bytes]) })),
    skipped: [],
    errors: [],
    close: async () => {},
  };
}

/** The lines a plain-text (UTF-8 / 1252) file has, as an editor counts them. */
function realLines(bytes: Buffer, crOnly: boolean): number {
  let text = bytes.toString('latin1');
  if (text.startsWith('\u00ef\u00bb\u00bf')) text = text.slice(3);
  if (text.length === 0) return 0;
  const end = crOnly ? '\r' : '\n';
  return text.split(end).length - (text.endsWith(end) ? 1 : 0);
}

describe('the pipeline under mutated samples', () => {
  it(`holds its properties (${RUNS} cases, seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: SAMPLE_BUNDLES.length - 1 }), fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 6 }), async (which, mutations) => {
        // Each case reads its in-memory bundle without waiting on I/O: let the event loop run
        // between cases, or vitest's own messages time out during a long run.
        await new Promise((resolve) => setImmediate(resolve));
        const sample = SAMPLE_BUNDLES[which];
        if (!sample) return;
        const files = sample.files.map((f) => ({ ...f }));
        for (const [fileIndex, m] of mutations) {
          const file = files[fileIndex % files.length];
          if (file) file.bytes = mutate(file.bytes, m);
        }
        const loaded = await loadDevice(bundleOf(sample.name, files), { patterns });
        const findings = runRules(loaded.timeline, Object.values(rules));
        const device = deviceReport(loaded, findings, verdictOf(loaded.timeline, findings));
        for (const file of device.files) {
          expect(file.parsed + file.unparsed, file.path).toBe(file.lines);
          const bytes = files.find((f) => `${sample.name}/${f.path}` === file.path)?.bytes;
          if (bytes && (file.encoding === 'utf-8' || file.encoding === 'utf-8-bom' || file.encoding === 'windows-1252')) {
            expect(file.lines, file.path).toBe(realLines(bytes, file.crLineEnds === true));
          }
        }
        const report = buildReport([device]);
        for (const [name, renderer] of Object.entries(renderers)) expect(typeof renderer.render(report, { color: false, width: 100 }), name).toBe('string');
      }),
      { numRuns: RUNS, seed: SEED, verbose: 1 },
    );
    // About 80 ms a case on the 2-core machine: the timeout grows with the number of runs.
  }, Math.max(600_000, RUNS * 250));
});
