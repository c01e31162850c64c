// The tester itself: like ESLint's RuleTester, it refuses tables whose cases assert nothing, and
// its assertions can fail (a wrong expectation on a real bundle is caught).
import { describe, expect, it } from 'vitest';
import {
  RuleTesterError, checkCases, evidenceAt, runInvalid, runValid, type InvalidCase, type RuleTests, type ValidCase,
} from '../helpers/rule-tester.js';
import { cleanStory, raceStory } from './scenarios.js';

const files = { 'ProgramData/LANDesk/Log/sdclient.log': 'Mon, 09 Mar 2026 10:02:11 SDClient exited\r\n' };
const valid: ValidCase = { name: 'a clean build', files };
const invalid: InvalidCase = { name: 'the race', files, expect: { confidence: 'high' } };

function table(overrides: Partial<RuleTests>): RuleTests {
  return { valid: [valid], invalid: [invalid], ...overrides };
}

describe('rule tester: refused tables', () => {
  it('accepts a table whose cases assert something', () => {
    expect(() => checkCases('vulscan-blocked-sdclient', table({}))).not.toThrow();
  });

  it.each([
    ['no expectation at all', { name: 'x', files }],
    ['only that it reported (count)', { name: 'x', files, expect: { count: 1 } }],
    ['only the package and action', { name: 'x', files, expect: { package: 'Adobe Reader DC', actionNumber: 7 } }],
    ['only message text', { name: 'x', files, expect: { messageIncludes: ['vulscan'] } }],
    ['empty evidence lists', { name: 'x', files, expect: { evidenceIncludes: [], evidenceLines: [], evidenceSequence: [] } }],
  ] satisfies [string, InvalidCase][])('refuses an invalid case asserting %s', (_what, c) => {
    expect(() => checkCases('vulscan-blocked-sdclient', table({ invalid: [c] }))).toThrow(/asserts nothing/);
  });

  it('refuses a valid case without a name', () => {
    expect(() => checkCases('clock-jump', table({ valid: [{ name: '', files }] }))).toThrow(/valid case #1 has no name/);
    expect(() => checkCases('clock-jump', table({ valid: [{ name: '   ', files }] }))).toThrow(RuleTesterError);
  });

  it('refuses an invalid case without a name, and a name used twice', () => {
    expect(() => checkCases('clock-jump', table({ invalid: [{ ...invalid, name: '' }] }))).toThrow(/invalid case #1 has no name/);
    expect(() => checkCases('clock-jump', table({ valid: [valid, valid] }))).toThrow(/listed twice/);
  });

  it('refuses an unknown rule id, a case without files, a bug marker without words, and a table with no invalid or no valid case', () => {
    expect(() => checkCases('vulscan-blocks-sdclient', table({}))).toThrow(/unknown rule/);
    expect(() => checkCases('clock-jump', table({ valid: [{ name: 'x', files: {} }] }))).toThrow(/has no files/);
    expect(() => checkCases('clock-jump', table({ valid: [{ ...valid, bug: ' ' }] }))).toThrow(/"bug" must say/);
    expect(() => checkCases('clock-jump', table({ invalid: [] }))).toThrow(/no invalid case/);
    expect(() => checkCases('clock-jump', table({ valid: [] }))).toThrow(/no valid case/);
  });

  it('reads evidence references as file:line, by base name or path suffix', () => {
    const lines = [{ file: 'DEV-01/ProgramData/LANDesk/Log/sdclient.log', line: 49, time: '2026-03-09T10:02:01', text: 'x' }];
    expect(evidenceAt(lines, 'sdclient.log:49')).toBe(true);
    expect(evidenceAt(lines, 'Log/sdclient.log:49')).toBe(true);
    expect(evidenceAt(lines, 'sdclient.log:50')).toBe(false);
    expect(evidenceAt(lines, 'vulscan.log:49')).toBe(false);
    expect(() => evidenceAt(lines, 'sdclient.log')).toThrow(/not "file:line"/);
  });
});

describe('rule tester: its assertions fail on a wrong expectation', () => {
  const race = raceStory().files;

  it('the right expectation passes', async () => {
    await runInvalid('vulscan-blocked-sdclient', { name: 'race', files: race, expect: { confidence: 'high', actionNumber: 7, evidenceLines: ['vulscan.log:1'] } });
  });

  it.each([
    ['a wrong confidence', { confidence: 'low' }],
    ['a wrong verdict', { verdict: 'no-failure' }],
    ['a wrong action number', { confidence: 'high', actionNumber: 6 }],
    ['evidence that is not there', { evidenceIncludes: ['Download Error'] }],
    ['evidence out of order', { evidenceSequence: ['Scanning for vulnerabilities', 'waiting for it to finish'] }],
    ['a wrong line number', { evidenceLines: ['vulscan.log:2'] }],
  ] satisfies [string, InvalidCase['expect']][])('an invalid case with %s fails', async (_what, expectation) => {
    await expect(runInvalid('vulscan-blocked-sdclient', { name: 'race', files: race, expect: expectation })).rejects.toThrow();
  });

  it('an invalid case fails where the rule does not report', async () => {
    await expect(runInvalid('vulscan-blocked-sdclient', { name: 'clean', files: cleanStory(), expect: { confidence: 'high' } })).rejects.toThrow(/did not report/);
  });

  it('a valid case fails where the rule reports, or the verdict differs', async () => {
    await expect(runValid('vulscan-blocked-sdclient', { name: 'race', files: race })).rejects.toThrow(/reported/);
    await expect(runValid('clock-jump', { name: 'race', files: race, expect: { verdict: 'no-failure' } })).rejects.toThrow();
  });
});
