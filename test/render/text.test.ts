import { describe, expect, it } from 'vitest';
import { nameList, text, textGroup, wrap } from '../../src/render/text.js';
import { clean, injection, race, report, single, unreadable } from '../fixtures/report.js';

/** Anything a terminal could act on, except the LF that ends our own lines. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** Our own colour codes: SGR only. */
const SGR = /\u001b\[[0-9;]*m/g;

describe('text', () => {
  it('matches the reviewed snapshots: a fleet a line per device, and with --details every report in full', async () => {
    await expect(text.render(report, { color: false, details: true })).toMatchFileSnapshot('./__snapshots__/report.txt');
    await expect(text.render(report, { color: false })).toMatchFileSnapshot('./__snapshots__/report-lines.txt');
  });

  it('passes no control character from the logs to the terminal (injection device)', () => {
    const output = text.device(injection, { color: false });
    expect(output).not.toMatch(CONTROL);
    expect(output).toContain('\\x1b[31mred\\x1b[0m');
    expect(output).toContain('\\x1b]0;pwned\\x07');
    expect(output).toContain('first line⏎second line⏎third line');
    expect(output).toContain('\\u202eevil\\u202c');
  });

  it('passes none in the whole report either', () => {
    expect(text.render(report, { color: false })).not.toMatch(CONTROL);
  });

  it('with colour, writes only its own SGR codes', () => {
    const output = text.render(report, { color: true });
    expect(output).toMatch(SGR);
    expect(output.replace(SGR, '')).not.toMatch(CONTROL);
    expect(output.replace(SGR, '')).toBe(text.render(report, { color: false }));
  });

  it('colours the verdict by its severity', () => {
    expect(text.device(race, { color: true })).toContain('\u001b[1;31mvulscan-blocked-sdclient (error, high confidence)\u001b[0m');
    expect(text.device(clean, { color: true })).toContain('\u001b[1;32mno-failure\u001b[0m');
  });

  it('gives a fleet its summary, then a line per device, failed first: verdict, action, package, time and why', () => {
    const rendered = text.render(report, { color: false });
    const lines = rendered.split('\n');
    const heading = lines.findIndex((l) => l.startsWith('━━ Devices, failed first'));
    expect(rendered.startsWith(text.end(report.summary, { color: false }))).toBe(true);
    const deviceLines = lines.slice(heading + 1).filter((l) => l !== '');
    expect(deviceLines).toHaveLength(report.devices.length);
    const order = [0, 1, 2].flatMap((g) => report.devices.filter((d) => textGroup(d) === g).map((d) => d.device));
    expect(deviceLines.map((l) => l.split(/\s+/)[1])).toEqual(order);
    const race = report.devices.find((d) => d.verdict === 'vulscan-blocked-sdclient') ?? expect.fail('no race');
    const raceLine = deviceLines.find((l) => l.split(/\s+/)[1] === race.device) ?? '';
    expect(raceLine).toMatch(new RegExp(`^✖ ${race.device} +vulscan-blocked-sdclient +#${race.failedAction} ${race.failedPackage ?? ''} ${(race.failureTime ?? '').slice(5, 16).replace('T', ' ')} — vulscan in the way$`));
    // No evidence table in the lines form: --details has them.
    expect(lines.slice(heading).join('\n')).not.toContain('┌');
  });

  it('with --details leads a fleet with the answer: end()\'s summary first, then device() texts, failed devices first', () => {
    const options = { color: false, details: true };
    const rendered = text.render(report, options);
    const groups = [0, 1, 2].map((g) => report.devices.filter((d) => textGroup(d) === g).map((d) => text.device(d, options)).join(''));
    expect(rendered).toBe(`${text.end(report.summary, options)}\n${groups.join('')}`);
    expect(report.devices.length).toBeGreaterThan(1);
    const firstHealthy = report.devices.find((d) => d.verdict === 'no-failure');
    const lastFailed = [...report.devices].reverse().find((d) => d.verdict !== 'no-failure');
    if (firstHealthy && lastFailed) expect(rendered.indexOf(`━━ ${lastFailed.device} ━━`)).toBeLessThan(rendered.indexOf(`━━ ${firstHealthy.device} ━━`));
  });

  it('gives one device its report with the summary after it', () => {
    const one = single(race);
    expect(text.render(one, { color: false })).toBe(one.devices.map((d) => text.device(d, { color: false })).join('') + text.end(one.summary, { color: false }));
  });

  it('names the devices of each verdict in the summary, within the width, and says how many more', () => {
    expect(nameList(['LAB-1', 'LAB-2', 'LAB-3'], 3, 80)).toBe('LAB-1, LAB-2, LAB-3');
    expect(nameList(['LAB-1', 'LAB-2', 'LAB-3'], 120, 80)).toBe('LAB-1, LAB-2, LAB-3, … and 117 more');
    const many = Array.from({ length: 50 }, (_, i) => `DEVICE-${String(i).padStart(4, '0')}`);
    const line = nameList(many, 400, 60);
    expect(line.length).toBeLessThanOrEqual(60);
    expect(line).toMatch(/^DEVICE-0000, DEVICE-0001, .* … and \d+ more$/);
    expect(nameList([], 0, 60)).toBe('');
  });

  it('keeps lines within the width it is given, in full and as a line per device', () => {
    for (const width of [60, 80, 120]) {
      const lines = text.render(report, { color: false, width, details: true }).split('\n');
      const longest = Math.max(...lines.map((line) => [...line].length));
      expect(longest).toBeLessThanOrEqual(width);
    }
    for (const width of [80, 100, 120]) {
      // A device name longer than the line (the injection fixture's) takes the room it needs.
      const lines = text.render(report, { color: false, width }).split('\n').filter((line) => !line.includes('HYPERLINK'));
      expect(Math.max(...lines.map((line) => [...line].length)), String(width)).toBeLessThanOrEqual(width);
    }
  });

  it('on a terminal repeats the fleet summary as its last lines (options.summaryLast)', () => {
    const rendered = text.render(report, { color: false, summaryLast: true });
    const summary = text.end(report.summary, { color: false });
    expect(rendered.startsWith(summary)).toBe(true);
    expect(rendered.endsWith(`\n${summary}`)).toBe(true);
    expect(text.render(report, { color: false }).endsWith(summary)).toBe(false);
  });

  it('shows why a device could not be read', () => {
    expect(text.device(unreadable, { color: false })).toBe(
      [
        `━━ LAB-PC-031 ━━ unreadable (error) ${'━'.repeat(64)}`, // 100 columns
        'Nothing in this bundle could be read as a log entry (no log file, or files that are empty, binary or',
        'in a shape ldforensics cannot read), so nothing could be diagnosed; see the errors.',
        '',
        '  Skipped LAB-PC-031/logs.7z: not a folder or a .zip',
        '  1 analysis error:',
        '    - could not analyse this bundle: LAB-PC-031.zip: end of central directory not found (truncated',
        '      download?)',
        '',
        '',
      ].join('\n'),
    );
  });

  it('says how many lines it could not parse, in one line', () => {
    expect(text.device(race, { color: false })).toContain('  3 unparsed lines in 2 files\n');
    expect(text.device(clean, { color: false })).not.toContain('unparsed');
  });
});

describe('wrap', () => {
  it.each([
    ['short text stays', 'abc def', 10, ['abc def']],
    ['wraps at spaces', 'aaa bbb ccc', 7, ['aaa bbb', 'ccc']],
    ['cuts a long path after a separator', 'C:\\Program\\LANDesk\\LDClient\\x.exe', 20, ['C:\\Program\\LANDesk\\', 'LDClient\\x.exe']],
    ['cuts a long word anywhere when it must', 'abcdefghij', 4, ['abcd', 'efgh', 'ij']],
    ['empty text is one empty line', '', 10, ['']],
  ])('%s', (_name, input, width, expected) => {
    expect(wrap(input, width)).toEqual(expected);
  });

  it('never cuts through a visible escape such as \\x1b', () => {
    const word = '\\x1b]8;;http://evil.example\\x1b\\link\\x1b]8;;\\x1b\\';
    for (const width of [12, 20, 28, 36, 44]) {
      const lines = wrap(word, width);
      expect(lines.join('')).toBe(word);
      lines.forEach((line, index) => {
        const next = lines[index + 1] ?? '';
        expect({ line, next, cut: /\\(x[0-9a-f]?)?$/.test(line) && /^(x|[0-9a-f])/.test(next) }).toEqual({ line, next, cut: false });
      });
    }
  });
});
