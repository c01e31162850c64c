import { writeFileSync } from 'node:fs';
import path from 'node:path';
import tmp from 'tmp';
import { describe, expect, it } from 'vitest';
import { loadPackFile } from '../../src/parsers/patterns.js';
import { diagnose, suggestPatterns } from '../../src/run.js';
import { TemplateMiner, tokenize, WILDCARD } from '../../src/suggest/miner.js';
import { guessEvent, templateRegex } from '../../src/suggest/draft.js';
import { SAMPLES } from '../helpers/parse.js';

const NO_FACTS = { first: false, last: false, near: false };

describe('the template miner', () => {
  it('keeps a quoted name whole and takes tokens with digits or paths for values', () => {
    expect(tokenize('Package: "Office 2016 ProPlus" at C:\\Temp\\x.msi (pid 3312)')).toEqual(['Package:', '"Office 2016 ProPlus"', 'at', 'C:\\Temp\\x.msi', '(pid', '3312)']);
    const miner = new TemplateMiner();
    miner.add('sdclient', 'Finished with code -1916', NO_FACTS);
    miner.add('sdclient', 'Finished with code 0', { first: false, last: true, near: true });
    miner.add('sdclient', 'Fetched 11% of 3865 MB', NO_FACTS);
    const [finished, fetched] = miner.templates();
    expect(finished).toMatchObject({ tokens: ['Finished', 'with', 'code', WILDCARD], count: 2, last: 1, near: 1, samples: ['Finished with code -1916', 'Finished with code 0'] });
    expect(finished?.values[3]).toEqual(['-1916', '0']);
    expect(fetched).toMatchObject({ tokens: ['Fetched', WILDCARD, 'of', WILDCARD, 'MB'], count: 1 });
  });

  it('makes words that differ between lines of one shape a placeholder', () => {
    const miner = new TemplateMiner();
    for (const name of ['Slack', 'Zoom', 'Teams']) miner.add('sdclient', `Job: ${name} done now`, NO_FACTS);
    expect(miner.templates()[0]?.tokens).toEqual(['Job:', WILDCARD, 'done', 'now']);
  });

  it('keeps a bounded number of templates whatever the input, counting the rest', () => {
    const miner = new TemplateMiner();
    for (let i = 0; i < 2000; i += 1) miner.add('vulscan', `word${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26) % 26)}${String.fromCharCode(97 + Math.floor(i / 676))} thing`, NO_FACTS);
    expect(miner.templates().length).toBe(500);
    expect(miner.overflow).toBe(1500);
  });
});

describe('guessing what a line means', () => {
  const template = (kind: 'sdclient' | 'vulscan', line: string, facts = NO_FACTS) => {
    const miner = new TemplateMiner();
    miner.add(kind, line, facts);
    const [t] = miner.templates();
    if (!t) throw new Error('no template');
    return t;
  };
  it.each([
    ['sdclient', 'Cannot continue: another agent task (vulscan) holds the lock', NO_FACTS, 'busy-refusal'],
    ['sdclient', 'Job: Slack 4.36', NO_FACTS, 'package-name'],
    ['sdclient', '=== Software distribution client 2024.3 start ===', { first: true, last: false, near: true }, 'process-start'],
    ['sdclient', 'Finished with code -1916', { first: false, last: true, near: true }, 'process-exit'],
    ['vulscan', 'Detected running process sdclient.exe - deferring scan', NO_FACTS, 'waiting'],
  ] as const)('%s: %s → %s', (kind, line, facts, event) => {
    expect(guessEvent(template(kind, line, facts))?.event).toBe(event);
  });

  it('does not take a "starting" line in the middle of runs for a banner', () => {
    expect(guessEvent(template('sdclient', 'Starting download of setup.exe'))).toBeNull();
  });

  it('builds a regex that names the blocker and the code, and runs in linear time on a long line', () => {
    const busy = template('sdclient', 'Cannot continue: another agent task (vulscan) holds the lock');
    const regex = new RegExp(templateRegex(busy, 'busy-refusal'), 'i');
    expect(regex.exec('Cannot continue: another agent task (vulscan) holds the lock')?.groups?.blocker).toBe('(vulscan)');
    const job = new RegExp(templateRegex(template('sdclient', 'Job: Slack 4.36'), 'package-name'), 'i');
    expect(job.exec('Job:   Microsoft Office 2021 LTSC  ')?.groups?.package).toBe('Microsoft Office 2021 LTSC');
    const started = performance.now();
    job.test(`Job: ${' '.repeat(100_000)}x`);
    regex.test(`Cannot continue: ${' a'.repeat(50_000)}`);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('ldforensics patterns suggest', () => {
  it('drafts, from a bundle in unknown wording, a pack that loads with --patterns and makes its race a high-confidence finding', async () => {
    const bundle = path.join(SAMPLES, 'LAB-0108');
    const before = await diagnose({ paths: [bundle] });
    expect(before.devices[0]?.findings[0]).toMatchObject({ rule: 'vulscan-blocked-sdclient', confidence: 'medium' });

    const result = await suggestPatterns({ paths: [bundle] });
    expect(result.devices).toBe(1);
    const events = new Set(result.pack.patterns.map((p) => p.event));
    for (const kind of ['process-start', 'process-exit', 'busy-refusal', 'waiting', 'package-name']) expect(events.has(kind as never), kind).toBe(true);
    // Every pattern carries the real lines it came from.
    for (const pattern of result.pack.patterns) expect(pattern.samples.length).toBeGreaterThan(0);

    const dir = tmp.dirSync({ unsafeCleanup: true });
    try {
      const file = path.join(dir.name, 'suggested.json');
      writeFileSync(file, JSON.stringify(result.pack));
      expect(loadPackFile(file).patterns.length).toBe(result.pack.patterns.length);
      const after = await diagnose({ paths: [bundle], patternFiles: [file] });
      expect(after.devices[0]?.verdict).toBe('vulscan-blocked-sdclient');
      expect(after.devices[0]?.findings[0]).toMatchObject({ rule: 'vulscan-blocked-sdclient', confidence: 'high', package: 'Slack 4.36', actionNumber: 7 });
    } finally {
      dir.removeCallback();
    }
  });

  it('drafts nothing the packs in use already recognise', async () => {
    const result = await suggestPatterns({ paths: [path.join(SAMPLES, 'LAB-0101')] });
    const builtInLines = ['Another task is already in progress: vulscan.exe (pid 4412) is running', 'Vulscan finished, return code 0'];
    for (const pattern of result.pack.patterns) {
      const regex = new RegExp(pattern.regex, 'i');
      for (const line of builtInLines) expect(regex.test(line), pattern.id).toBe(false);
    }
  });
});
