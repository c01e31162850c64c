// No pattern may take more than linear time in a line's length: the built-in pack is proven
// against attack strings of 100 KiB here; a user's pack is checked when it is loaded.
import { describe, expect, it } from 'vitest';
import { attackStrings, backtrackingReason, hasNestedQuantifier } from '../../src/parsers/backtracking.js';
import { defaultPack, MAX_PATTERN_CHARS, sampleMessage, validatePack } from '../../src/parsers/patterns.js';
import { diagnose } from '../../src/run.js';
import { PATHS, writeBundle } from '../helpers/bundle.js';
import { parseText } from '../helpers/parse.js';

/** Far above what a linear scan of 100 KiB costs, far below what a backtracking pattern takes (minutes). */
const HANG_MS = 250;

describe('the built-in pack against attack strings of 100 KiB', () => {
  for (const spec of defaultPack.patterns) {
    it(`${spec.id} runs each in well under a second`, () => {
      const regex = new RegExp(spec.regex, spec.flags ?? 'i');
      const strings = attackStrings(spec.regex, spec.samples.map(sampleMessage), 100 * 1024);
      expect(strings.length).toBeGreaterThan(50);
      for (const attack of strings) {
        const started = performance.now();
        regex.exec(attack);
        const took = performance.now() - started;
        expect(took, `${spec.id} on ${JSON.stringify(attack.slice(0, 40))}…`).toBeLessThan(HANG_MS);
      }
    });
  }
});

describe('a user pack\'s patterns are checked at load', () => {
  const pack = (regex: string, samples = ['Mon, 09 Mar 2026 10:02:12 aaaa holds the lock']) => ({
    name: 'agent-2024.3', patterns: [{ id: 'my-busy', logs: ['sdclient'], event: 'busy-refusal', regex, samples }],
  });

  it('refuses a nested quantifier ((a+)+$), naming the pack, the pattern and why', () => {
    expect(() => validatePack(pack('(a+)+$', ['Mon, 09 Mar 2026 10:02:12 aaaa']), 'my-pack.json'))
      .toThrow('my-pack.json: pattern "my-busy" of pack "agent-2024.3" is refused: a repeated group holds a quantifier that repeats without bound ((a+)+ style), which can take exponential time');
  });

  it('refuses quantifiers that take the same blanks side by side (polynomial), from the probe', () => {
    expect(() => validatePack(pack('holds\\s*\\s*\\s*\\s*the\\s*\\s*x|holds the lock', ['Mon, 09 Mar 2026 10:02:12 aaaa holds the lock']), 'my-pack.json'))
      .toThrow(/my-pack\.json: pattern "my-busy" of pack "agent-2024\.3" is refused: it took \d+ ms on a \d+-character line built to make it backtrack/);
  });

  it('takes the README\'s example pattern and the linear shapes users write', () => {
    expect(() => validatePack(pack('cannot continue: another agent task \\((?<blocker>\\w+)\\) holds the lock', ['Mon, 09 Mar 2026 10:02:12 Cannot continue: another agent task (vulscan) holds the lock']), 'p.json')).not.toThrow();
    expect(backtrackingReason(/^job:\s*(?<package>\S(?:.*\S)?)\s*$/i, ['Job: Slack 4.36'])).toBeNull();
  });

  it('tells nested quantifiers from bounded and single ones', () => {
    expect(hasNestedQuantifier('(a+)+$')).toBe(true);
    expect(hasNestedQuantifier('(?:\\s*x)*')).toBe(true);
    expect(hasNestedQuantifier('(?:a|b+){2,}')).toBe(true);
    expect(hasNestedQuantifier('(?: \\S+){0,12}?')).toBe(false);
    expect(hasNestedQuantifier('\\(\\w+\\) holds [a+]+')).toBe(false);
  });
});

describe('a pattern sees the first 4 KiB of a line, and the rest is still counted', () => {
  it('reads the code of a result line followed by 20 KiB of junk', async () => {
    const junk = ' x'.repeat(10 * 1024);
    const { events, stats } = await parseText('sdclient.log', `Mon, 09 Mar 2026 10:02:12 processing of package is complete, result 1603 (0x00000643)${junk}\r\n`);
    expect(MAX_PATTERN_CHARS).toBe(4096);
    expect(events[0]).toMatchObject({ kind: 'package-result', code: 1603 });
    expect(stats).toMatchObject({ lines: 1, parsed: 1, unparsed: 0 });
  });
});

describe('the inputs that once hung a run finish', () => {
  const cases: [string, Record<string, string>][] = [
    ['LocalSchedulerTasks.log: "task" and 1,000 blanks', { [PATHS.schedulerTasks]: `task${' '.repeat(1000)}\r\n` }],
    ['LocalSchedulerTasks.log: "Task", 20,000 blanks and "x"', { [PATHS.schedulerTasks]: `Task${' '.repeat(20_000)}x\r\n` }],
    ['CP.1055.RunNow.stat: <TaskIdn> and 20,000 blanks', { [PATHS.stat(1055)]: `<TaskIdn>${' '.repeat(20_000)}\r\n` }],
    ['vulscan.log: "sdclient is running " 3,200 times', { [PATHS.vulscan]: `Mon, 09 Mar 2026 10:02:12 ${'sdclient is running '.repeat(3200)}\r\n` }],
    ['localsch.log: "Added task 3:" and 60,000 tabs', { [PATHS.localsch]: `Mon, 09 Mar 2026 10:02:12 Added task 3:${'\t'.repeat(60_000)}D\r\n` }],
  ];
  it.each(cases)('%s', async (_name, files) => {
    const bundle = writeBundle(files, 'LAB-HANG');
    try {
      // The test's own timeout is the hang detector: these took minutes, or forever, before.
      const report = await diagnose({ paths: [bundle.dir] });
      expect(report.devices).toHaveLength(1);
      const device = report.devices[0];
      for (const file of device?.files ?? []) expect(file.parsed + file.unparsed).toBe(file.lines);
    } finally {
      bundle.cleanup();
    }
  }, 20_000);
});
