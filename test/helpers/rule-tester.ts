// A RuleTester after ESLint's: a rule's tests are a table of `valid` cases (the rule must not
// report) and `invalid` cases (it must, and say what). Each case is a device bundle of real log
// text, written to a temporary folder and run through the real pipeline, `diagnose()`, so a
// rule is tested the way an admin runs it. Like ESLint's, the tester refuses cases that assert
// nothing: an invalid case must pin the confidence, the verdict or the evidence; every case
// needs a unique name. Each case is its own `it()` under `describe(ruleId)`.
//
// A case that shows a rule bug carries `bug: "<what is wrong>"`: it runs as `it.fails`, so the
// suite stays green while the bug is visible by name, and turns red the day the bug is fixed
// (then drop the `bug` field). To see what a bug case actually gets, run with
// RULE_TESTER_SHOW_BUGS=1: bug cases then run as plain tests and fail with the device's findings.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../../src/rules/index.js';
import { diagnose } from '../../src/run.js';
import type { Confidence, DeviceReport, EvidenceLine, Finding } from '../../src/types.js';
import { writeBundle, type BundleFiles } from './bundle.js';

export const DEVICE = 'DEV-01';

export interface InvalidExpectation {
  confidence?: Confidence;
  /** The finding's package (null: none). */
  package?: string | null;
  /** The finding's action number (null: none, e.g. no provisioning log). */
  actionNumber?: number | null;
  /** The device's verdict. */
  verdict?: string;
  /** Texts each found in some evidence line, in any order. */
  evidenceIncludes?: readonly string[];
  /** Texts found in evidence lines in this order (each after the previous one's line). */
  evidenceSequence?: readonly string[];
  /** "file.log:N": an evidence line from that file (base name or path suffix) at that line number. */
  evidenceLines?: readonly string[];
  /** Texts the finding's message contains. */
  messageIncludes?: readonly string[];
  /** Texts the finding's message must not contain. */
  messageExcludes?: readonly string[];
  /** How many findings of this rule the device has (default: at least one). */
  count?: number;
}

export interface ValidExpectation {
  /** The verdict the device gets instead. */
  verdict?: string;
}

export interface RuleCase<E> {
  name: string;
  files: BundleFiles;
  device?: string;
  expect?: E;
  /** A known rule bug this case shows: run as `it.fails`, named. */
  bug?: string;
}

export type ValidCase = RuleCase<ValidExpectation>;
export type InvalidCase = RuleCase<InvalidExpectation>;

export interface RuleTests {
  valid: readonly ValidCase[];
  invalid: readonly InvalidCase[];
}

/** Test setup errors: the table is wrong, not the rule. */
export class RuleTesterError extends Error {
  override name = 'RuleTesterError';
}

function hasItems(list: readonly unknown[] | undefined): boolean {
  return list !== undefined && list.length > 0;
}

/** Checks a rule's table before any test runs; throws on a case that cannot fail usefully. */
export function checkCases(ruleId: string, tests: RuleTests): void {
  if (!(ruleId in rules)) throw new RuleTesterError(`unknown rule "${ruleId}": not a key of src/rules/index.ts`);
  if (tests.invalid.length === 0) throw new RuleTesterError(`${ruleId}: no invalid case (a rule that is never shown to report is not tested)`);
  if (tests.valid.length === 0) throw new RuleTesterError(`${ruleId}: no valid case (a rule that is never shown to stay quiet is not tested)`);
  for (const [kind, list] of [['valid', tests.valid], ['invalid', tests.invalid]] as const) {
    const names = new Set<string>();
    list.forEach((c, i) => {
      const name = typeof c.name === 'string' ? c.name.trim() : '';
      if (!name) throw new RuleTesterError(`${ruleId}: ${kind} case #${i + 1} has no name`);
      if (names.has(name)) throw new RuleTesterError(`${ruleId}: ${kind} case "${name}" is listed twice`);
      names.add(name);
      if (Object.keys(c.files).length === 0) throw new RuleTesterError(`${ruleId}: ${kind} case "${name}" has no files`);
      if (c.bug !== undefined && !c.bug.trim()) throw new RuleTesterError(`${ruleId}: ${kind} case "${name}": "bug" must say what is wrong`);
    });
  }
  for (const c of tests.invalid) {
    const e = c.expect;
    const asserts = e !== undefined && (e.confidence !== undefined || e.verdict !== undefined
      || hasItems(e.evidenceIncludes) || hasItems(e.evidenceSequence) || hasItems(e.evidenceLines));
    if (!asserts) {
      throw new RuleTesterError(`${ruleId}: invalid case "${c.name}" asserts nothing beyond "the rule reported": expect a confidence, a verdict or evidence`);
    }
  }
}

/** Writes the bundle, diagnoses it through the real API, and returns its one device. */
export async function diagnoseBundle(files: BundleFiles, device = DEVICE): Promise<DeviceReport> {
  const bundle = writeBundle(files, device);
  try {
    const report = await diagnose({ paths: [bundle.dir] });
    expect(report.devices.map((d) => d.device)).toEqual([device]);
    const found = report.devices[0];
    if (!found) throw new Error('unreachable: one device was checked above');
    expect(found.errors, 'the bundle must be read without errors').toEqual([]);
    return found;
  } finally {
    bundle.cleanup();
  }
}

/** What a failing assertion should show: the device's verdict and findings, one line each. */
export function describeDevice(device: DeviceReport): string {
  const findings = device.findings.map((f) => `  ${f.rule} [${f.severity}/${f.confidence}] pkg=${f.package ?? '-'} action=${f.actionNumber ?? '-'}: ${f.message}\n${f.evidence.map((e) => `      ${e.file}:${e.line} ${e.text.split('\n')[0] ?? ''}`).join('\n')}`);
  return `verdict ${device.verdict}; findings:\n${findings.join('\n') || '  (none)'}`;
}

function sameFile(file: string, wanted: string): boolean {
  const f = file.replace(/\\/g, '/');
  const w = wanted.replace(/\\/g, '/');
  return f === w || f.endsWith(`/${w}`) || path.posix.basename(f) === w;
}

/** True where an evidence line is `file.log:N`. */
export function evidenceAt(lines: readonly EvidenceLine[], reference: string): boolean {
  const m = /^(.*):(\d+)$/.exec(reference);
  if (!m?.[1] || !m[2]) throw new RuleTesterError(`evidence line reference "${reference}" is not "file:line"`);
  const file = m[1];
  const line = Number(m[2]);
  return lines.some((e) => e.line === line && sameFile(e.file, file));
}

/** The index of the first evidence line at or after `from` whose text contains `needle`, or -1. */
function indexOfText(lines: readonly EvidenceLine[], needle: string, from = 0): number {
  for (let i = from; i < lines.length; i += 1) if (lines[i]?.text.includes(needle)) return i;
  return -1;
}

function checkFinding(finding: Finding, e: InvalidExpectation, context: string): void {
  if (e.confidence !== undefined) expect(finding.confidence, context).toBe(e.confidence);
  for (const text of e.evidenceIncludes ?? []) {
    expect(indexOfText(finding.evidence, text), `evidence has no line with "${text}"\n${context}`).toBeGreaterThanOrEqual(0);
  }
  let at = 0;
  for (const text of e.evidenceSequence ?? []) {
    const found = indexOfText(finding.evidence, text, at);
    expect(found, `evidence has no line with "${text}" after the previous one of the sequence\n${context}`).toBeGreaterThanOrEqual(0);
    at = found + 1;
  }
  for (const reference of e.evidenceLines ?? []) {
    expect(evidenceAt(finding.evidence, reference), `evidence has no line ${reference}\n${context}`).toBe(true);
  }
  for (const text of e.messageIncludes ?? []) expect(finding.message, context).toContain(text);
  for (const text of e.messageExcludes ?? []) expect(finding.message, context).not.toContain(text);
}

/** Every finding of any rule must be complete: filled message, evidence, fix. */
function checkWellFormed(finding: Finding, context: string): void {
  expect(finding.message, `unfilled placeholder in the message\n${context}`).not.toMatch(/\{\w+\}/);
  expect(finding.evidence.length, `a finding without evidence\n${context}`).toBeGreaterThan(0);
  expect(finding.fix.trim(), context).not.toBe('');
  for (const line of finding.evidence) expect(line.line, context).toBeGreaterThan(0);
}

/** Runs one invalid case: the rule must report, as the case expects. */
export async function runInvalid(ruleId: string, c: InvalidCase): Promise<void> {
  const e = c.expect ?? {};
  const device = await diagnoseBundle(c.files, c.device ?? DEVICE);
  const context = describeDevice(device);
  const mine = device.findings.filter((f) => f.rule === ruleId);
  expect(mine.length, `${ruleId} did not report\n${context}`).toBeGreaterThan(0);
  if (e.count !== undefined) expect(mine.length, context).toBe(e.count);
  for (const f of device.findings) checkWellFormed(f, context);
  // The finding the case is about: the one for the expected package and action.
  const target = mine.find((f) => (e.package === undefined || f.package === e.package)
    && (e.actionNumber === undefined || f.actionNumber === e.actionNumber));
  expect(target, `no ${ruleId} finding for package ${JSON.stringify(e.package)} and action ${JSON.stringify(e.actionNumber)}\n${context}`).toBeDefined();
  if (!target) return;
  checkFinding(target, e, context);
  if (e.verdict !== undefined) expect(device.verdict, context).toBe(e.verdict);
}

/** Runs one valid case: the rule must not report. */
export async function runValid(ruleId: string, c: ValidCase): Promise<void> {
  const device = await diagnoseBundle(c.files, c.device ?? DEVICE);
  const context = describeDevice(device);
  for (const f of device.findings) checkWellFormed(f, context);
  expect(device.findings.filter((f) => f.rule === ruleId), `${ruleId} reported\n${context}`).toEqual([]);
  if (c.expect?.verdict !== undefined) expect(device.verdict, context).toBe(c.expect.verdict);
}

const SHOW_BUGS = process.env.RULE_TESTER_SHOW_BUGS === '1';

function itFor(c: RuleCase<unknown>): typeof it | typeof it.fails {
  return c.bug && !SHOW_BUGS ? it.fails : it;
}

function title(c: RuleCase<unknown>): string {
  return c.bug ? `${c.name} [known bug: ${c.bug}]` : c.name;
}

/** Declares `describe(ruleId)` with one `it` per case. Throws (at collection) on a table that asserts nothing. */
export function runRuleTests(ruleId: string, tests: RuleTests): void {
  checkCases(ruleId, tests);
  describe(ruleId, () => {
    describe('valid', () => {
      for (const c of tests.valid) itFor(c)(title(c), () => runValid(ruleId, c));
    });
    describe('invalid', () => {
      for (const c of tests.invalid) itFor(c)(title(c), () => runInvalid(ruleId, c));
    });
  });
}

export const ruleTester = { run: runRuleTests };
