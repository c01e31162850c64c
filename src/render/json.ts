// `--format json`: exactly the Report (schema "ldforensics.diagnosis/1"), pretty-printed.
// escapeJson only writes some characters as \uXXXX: parsing gives back the same report.
// It streams: the opening, each device as it is finished, then the summary, so a fleet's
// report is never held whole; render() is the same three parts, so both give the same bytes.
import type { DeviceReport, Report, Summary } from '../types.js';
import { escapeJson } from './escape.js';
import type { Renderer } from './renderer.js';

const SCHEMA: Report['schema'] = 'ldforensics.diagnosis/1';

/** Every line of `text` indented by `by`: one native pass (JSON text holds no newline inside its strings). */
function indent(text: string, by: string): string {
  return by + text.replaceAll('\n', `\n${by}`);
}

function start(): string {
  return `{\n  "schema": "${SCHEMA}",\n  "devices": [`;
}

/** One device's element of the array; elements are joined by `between`, so an element does not depend on its place. */
function device(report: DeviceReport): string {
  return `\n${indent(escapeJson(JSON.stringify(report, null, 2)), '    ')}`;
}

const between = ',';

function end(summary: Summary, _options?: unknown, none = false): string {
  return `${none ? ']' : '\n  ]'},\n  "summary": ${indent(escapeJson(JSON.stringify(summary, null, 2)), '  ').trimStart()}\n}\n`;
}

function render(report: Report): string {
  return start() + report.devices.map((each) => device(each)).join(between) + end(report.summary, undefined, report.devices.length === 0);
}

export const json = { render, start, device, between, end } satisfies Renderer;
