// `--format ndjson`: one JSON object per line. Each device line is exactly the object
// json's `devices[]` holds; the last line is `{"schema":"ldforensics.diagnosis/1","summary":{…}}`,
// told apart from device lines by its `summary` key (device lines have `device`).
// Lines never break inside a record: JSON.stringify escapes C0 (so LF/CR), escapeJson
// also escapes U+2028/U+2029, U+0085 and the other C1/bidi controls.
import type { DeviceReport, Report, Summary } from '../types.js';
import { escapeJson } from './escape.js';
import type { Renderer } from './renderer.js';

export const SCHEMA: Report['schema'] = 'ldforensics.diagnosis/1';

function device(report: DeviceReport): string {
  return `${escapeJson(JSON.stringify(report))}\n`;
}

function end(summary: Summary): string {
  return `${escapeJson(JSON.stringify({ schema: SCHEMA, summary }))}\n`;
}

function render(report: Report): string {
  return report.devices.map((each) => device(each)).join('') + end(report.summary);
}

export const ndjson = { render, device, end } satisfies Renderer;
