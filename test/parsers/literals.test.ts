// The pattern prefilter: which literals a regex's every match contains, and that the pattern
// set never runs a regex on a line holding none of its pattern's literals, without ever
// hiding a line the regex would match.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { holdsOneOf, requiredLiterals } from '../../src/parsers/literals.js';
import { defaultPack, PatternSet, validatePack, type PatternPack } from '../../src/parsers/patterns.js';

describe('requiredLiterals', () => {
  it.each([
    ['processing of package is complete,?\\s*result\\b', 'i', ['processing of package is complete']],
    ['\\b(?:a |another )?(?:task|job)\\s+(?:is\\s+)?already\\s+(?:in progress|running)\\b', 'i', ['already']],
    ['\\bmsiexec(?:\\.exe)?\\b|^installer (?:exited|finished)\\b', 'i', ['msiexec', 'installer ']],
    ['^(?:Run|Exit) PolicySync', 'i', [' policysync']],
    ['FAILED|SUCCESS', '', ['FAILED', 'SUCCESS']],
    ['(?:sdclient|vulscan)\\.exe', 'i', ['sdclient', 'vulscan']],
    ['abc+defg', 'i', ['defg']],
    ['colou?r scheme', 'i', ['r scheme']],
    ['x{0,3}yyyy', 'i', ['yyyy']],
    ['a\\.b\\.c\\.d', 'i', ['a.b.c.d']],
  ])('finds the literals of /%s/%s', (source, flags, expected) => {
    expect(requiredLiterals(source, flags)).toEqual(expected);
  });

  it.each([
    ['\\d+:\\d+', 'i', 'no literal at all'],
    ['ab|\\d+', 'i', 'one alternative without a literal'],
    ['(?:abc)?def?', 'i', 'only optional parts'],
    ['task', 'iu', 'Unicode case folding (ſ matches s, K matches k)'],
    ['(a)\\1bcd', 'i', 'a back-reference'],
    ['(?=abc)\\w+', 'i', 'a look-ahead only'],
    ['[abc', 'i', 'a broken class'],
  ])('gives none for /%s/%s (%s)', (source, flags) => {
    expect(requiredLiterals(source, flags)).toBeNull();
  });

  it('never hides a line its regex matches, on generated lines', () => {
    const sources = defaultPack.patterns.map((p) => ({ regex: new RegExp(p.regex, p.flags ?? 'i'), literals: requiredLiterals(p.regex, p.flags ?? 'i') }));
    const words = fc.constantFrom('Another', 'task', 'is', 'already', 'in progress', 'SDClient', 'starting', 'Processing of package is complete,', 'result', '-1916', 'msiexec', 'Exiting', 'vulscan.exe', 'Download', 'error', ':', '(pid 42)');
    fc.assert(fc.property(fc.array(words, { maxLength: 8 }), (parts) => {
      const line = parts.join(' ');
      for (const { regex, literals } of sources) {
        if (literals !== null && regex.test(line)) expect(holdsOneOf(regex.flags.includes('i') ? line.toLowerCase() : line, literals)).toBe(true);
      }
    }), { numRuns: 3000 });
  });
});

function pack(patterns: PatternPack['patterns']): PatternPack {
  return validatePack({ name: 'test pack', patterns }, 'test-pack.json');
}

describe('the prefilter in the pattern set', () => {
  it('never runs a pattern whose literals the line lacks', () => {
    const set = new PatternSet([pack([{ id: 'busy', logs: ['sdclient'], event: 'busy-refusal', regex: 'already in progress', samples: ['Mon, 09 Mar 2026 10:02:12 Another task is already in progress'] }])]);
    const [compiled] = set.patternsFor('sdclient');
    if (!compiled) throw new Error('no pattern compiled');
    expect(compiled.literals).toEqual(['already in progress']);
    let runs = 0;
    const exec = compiled.regex.exec.bind(compiled.regex);
    compiled.regex.exec = (text: string) => { runs += 1; return exec(text); };
    expect(set.match('sdclient', 'Self update: files are up to date.')).toBeNull();
    expect(runs).toBe(0);
    expect(set.match('sdclient', 'A task is ALREADY IN PROGRESS (vulscan)')?.kind).toBe('busy-refusal');
    expect(runs).toBe(1);
  });

  it('still runs a user pattern that has no literal to derive and none declared', () => {
    const set = new PatternSet([pack([{ id: 'code-only', logs: ['sdclient'], event: 'package-result', regex: '^\\d{3,}$', samples: ['Mon, 09 Mar 2026 10:02:12 1603'] }])]);
    expect(set.patternsFor('sdclient')[0]?.literals).toBeNull();
    expect(set.match('sdclient', '1603')?.kind).toBe('package-result');
  });

  it('uses literals a pack declares, lower-cased for a case-insensitive pattern', () => {
    const set = new PatternSet([pack([{ id: 'declared', logs: ['sdclient'], event: 'busy-refusal', regex: '(?:busy|occupied)\\s+\\w+', literals: ['Busy', 'Occupied'], samples: ['Mon, 09 Mar 2026 10:02:12 agent busy now'] }])]);
    expect(set.patternsFor('sdclient')[0]?.literals).toEqual(['busy', 'occupied']);
    expect(set.match('sdclient', 'agent OCCUPIED now')?.kind).toBe('busy-refusal');
    expect(set.match('sdclient', 'agent idle now')).toBeNull();
  });

  it('refuses declared literals that one of the pattern\'s own samples lacks', () => {
    expect(() => pack([{ id: 'bad-literal', logs: ['sdclient'], event: 'busy-refusal', regex: 'busy', literals: ['occupied'], samples: ['Mon, 09 Mar 2026 10:02:12 agent busy'] }])).toThrow(UsageError);
    expect(() => pack([{ id: 'bad-literal', logs: ['sdclient'], event: 'busy-refusal', regex: 'busy', literals: ['occupied'], samples: ['Mon, 09 Mar 2026 10:02:12 agent busy'] }])).toThrow(/holds none of its "literals"/);
    expect(() => pack([{ id: 'empty', logs: ['sdclient'], event: 'busy-refusal', regex: 'busy', literals: [''], samples: ['Mon, 09 Mar 2026 10:02:12 agent busy'] }])).toThrow(/non-empty strings/);
  });

  it('gives the same answer for a repeated message as for its first sighting', () => {
    const set = new PatternSet([defaultPack]);
    const first = set.match('sdclient', 'processing of package is complete, result 1603 (0x00000643)');
    const again = set.match('sdclient', 'processing of package is complete, result 1603 (0x00000643)');
    expect(again).toEqual(first);
    expect(first?.fields.code).toBe(1603);
  });
});
