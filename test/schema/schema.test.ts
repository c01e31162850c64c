// The JSON outputs against the JSON Schema files shipped in the package (schema/): every
// sample's diagnosis (json, --summary json, each ndjson line) and timeline validate, and the
// schemas refuse what the outputs must never hold.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { SAMPLES } from '../helpers/parse.js';

const ROOT = path.join(import.meta.dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'ldforensics.js');
const run = promisify(execFile);

function load(name: string): object {
  const value: unknown = JSON.parse(readFileSync(path.join(ROOT, 'schema', name), 'utf8'));
  if (typeof value !== 'object' || value === null) throw new Error(`${name} is not a schema`);
  return value;
}

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
const diagnosis = ajv.compile(load('diagnosis.schema.json'));
const timeline = ajv.compile(load('timeline.schema.json'));
const device = ajv.getSchema('https://github.com/ldforensics/ldforensics/schema/diagnosis.schema.json#/$defs/deviceReport');

/** stdout of the CLI; exit 1 (failures found) is a normal end. */
async function cli(args: string[]): Promise<string> {
  const result = await run(process.execPath, [BIN, ...args], { maxBuffer: 256 * 1024 * 1024 }).catch((error: { stdout?: string; code?: number }) => {
    if (error.code === 1 && typeof error.stdout === 'string') return { stdout: error.stdout };
    throw error;
  });
  return result.stdout;
}

function errorsOf(validate: { errors?: unknown }): string {
  return JSON.stringify(validate.errors, null, 2);
}

describe('schema/diagnosis.schema.json', () => {
  it('validates the samples\' diagnosis as json', async () => {
    const doc: unknown = JSON.parse(await cli(['diagnose', SAMPLES, '-f', 'json']));
    expect(diagnosis(doc), errorsOf(diagnosis)).toBe(true);
    expect((doc as { devices: unknown[] }).devices.length).toBeGreaterThan(10);
  }, 60_000);

  it('validates --summary json and every ndjson line', async () => {
    const summary: unknown = JSON.parse(await cli(['diagnose', SAMPLES, '--summary', '-f', 'json']));
    expect(diagnosis(summary), errorsOf(diagnosis)).toBe(true);
    const lines = (await cli(['diagnose', SAMPLES, '-f', 'ndjson'])).trim().split('\n').map((l): unknown => JSON.parse(l));
    if (!device) throw new Error('the deviceReport definition is missing');
    for (const line of lines.slice(0, -1)) expect(device(line), errorsOf(device)).toBe(true);
    expect(diagnosis(lines[lines.length - 1]), errorsOf(diagnosis)).toBe(true);
  }, 60_000);

  it('refuses a report that breaks it: a wrong schema id, an unknown field, a bad confidence', async () => {
    const doc = JSON.parse(await cli(['diagnose', `${SAMPLES}LAB-0101`, '-f', 'json'])) as { schema: string; devices: Record<string, unknown>[] & { findings?: unknown }[] };
    expect(diagnosis({ ...doc, schema: 'ldforensics.diagnosis/2' })).toBe(false);
    const [first] = doc.devices;
    expect(diagnosis({ ...doc, devices: [{ ...first, surprise: true }] })).toBe(false);
    const findings = (first?.findings ?? []) as Record<string, unknown>[];
    expect(diagnosis({ ...doc, devices: [{ ...first, findings: [{ ...findings[0], confidence: 'certain' }] }] })).toBe(false);
  }, 60_000);
});

describe('schema/timeline.schema.json', () => {
  it('validates the samples\' timeline as json', async () => {
    const doc: unknown = JSON.parse(await cli(['timeline', SAMPLES, '-f', 'json']));
    expect(timeline(doc), errorsOf(timeline)).toBe(true);
    expect(timeline({ ...(doc as object), totals: { devices: -1 } })).toBe(false);
  }, 60_000);
});
