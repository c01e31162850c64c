import { describe, expect, it } from 'vitest';
import { escapeJson } from '../../src/render/escape.js';
import { json } from '../../src/render/json.js';
import { ndjson } from '../../src/render/ndjson.js';
import { injection, report } from '../fixtures/report.js';

/** Characters that split a "line" for some line-based tool, or act on a terminal. */
const LINE_BREAKING = /[\u0085\u2028\u2029\u000b\u000c\u001c-\u001e]/;

describe('json', () => {
  const text = json.render(report);

  it('is exactly the report, parsed back', () => {
    expect(JSON.parse(text)).toEqual(report);
  });

  it('is pretty-printed like JSON.stringify(report, null, 2), with a final newline', () => {
    expect(text.startsWith('{\n  "schema": "ldforensics.diagnosis/1",\n  "devices": [\n')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    // Byte for byte: each device and the summary stringified in place (an empty list, an empty object and all).
    const withEmpties = { ...report, devices: report.devices.map((d, i) => (i === 0 ? { ...d, findings: [], context: [], notes: [] } : d)) };
    const whole = JSON.stringify({ schema: 'ldforensics.diagnosis/1', devices: withEmpties.devices, summary: withEmpties.summary }, null, 2);
    expect(json.render(withEmpties)).toBe(`${escapeJson(whole)}\n`);
  });

  it('carries no raw ESC, C1, U+2028/U+2029 or bidi control', () => {
    expect(text).not.toMatch(/[\u001b\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    expect(text).toContain('\\u001b]0;pwned\\u0007');
    expect(text).toContain('\\u2028');
  });
});

describe('ndjson', () => {
  const text = ndjson.render(report);
  const lines = text.split('\n');

  it('is one line per device, then the summary line, each ending in \\n', () => {
    expect(lines).toHaveLength(report.devices.length + 2);
    expect(lines.at(-1)).toBe('');
  });

  it('writes each device exactly as json writes it in devices[]', () => {
    report.devices.forEach((device, index) => {
      expect(JSON.parse(lines[index] ?? '')).toEqual(device);
    });
  });

  it('ends with {"schema", "summary"}', () => {
    expect(JSON.parse(lines[report.devices.length] ?? '')).toEqual({ schema: 'ldforensics.diagnosis/1', summary: report.summary });
  });

  it('streams: device() lines plus end() are render()', () => {
    const streamed = report.devices.map((device) => ndjson.device(device)).join('') + ndjson.end(report.summary);
    expect(streamed).toBe(text);
  });

  it('never breaks a record: U+2028, U+2029, NEL and newlines in text are escaped', () => {
    const line = ndjson.device(injection);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    expect(line).not.toMatch(LINE_BREAKING);
    expect(line).not.toContain('\r');
    expect(JSON.parse(line)).toEqual(injection);
  });
});
