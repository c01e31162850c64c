// `--format json`: exactly the Report (schema "ldforensics.diagnosis/1"), pretty-printed.
// escapeJson only writes some characters as \uXXXX: parsing gives back the same report.
// It streams: the opening, each device as it is finished, then the summary, so a fleet's
// report is never held whole; render() is the same three parts, so both give the same bytes.
import type { DeviceReport, Report, Summary } from '../types.js';
import { escapeJson } from './escape.js';
import type { Renderer } from './renderer.js';

const SCHEMA: Report['schema'] = 'ldforensics.diagnosis/1';

/**
 * `value` pretty-printed as it stands `depth` levels deep in the document (each level two blanks):
 * JSON.stringify of it inside `depth` one-element arrays, with the arrays' own lines cut off. The
 * same bytes as indenting each line of its own stringify, without a second pass over megabytes
 * (a pass of replaceAll over the 200 MB log's 11 MB report took as long as its stringify).
 */
function stringifiedAt(value: unknown, depth: number): string {
  let wrapped: unknown = value;
  for (let i = 0; i < depth; i += 1) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2);
  // Before it, each level i (0, 1, …) is "[", a newline and 2(i + 1) blanks: d(d + 3) characters in
  // all ("[\n  [\n    " for 2); after it, a newline, 2i blanks and "]": d(d + 1) ("\n  ]\n]").
  return text.slice(depth * (depth + 3), text.length - depth * (depth + 1));
}

function start(): string {
  return `{\n  "schema": "${SCHEMA}",\n  "devices": [`;
}

/** One device's element of the array; elements are joined by `between`, so an element does not depend on its place. */
function device(report: DeviceReport): string {
  return `\n    ${escapeJson(stringifiedAt(report, 2))}`;
}

const between = ',';

function end(summary: Summary, _options?: unknown, none = false): string {
  return `${none ? ']' : '\n  ]'},\n  "summary": ${escapeJson(stringifiedAt(summary, 1))}\n}\n`;
}

function render(report: Report): string {
  return start() + report.devices.map((each) => device(each)).join(between) + end(report.summary, undefined, report.devices.length === 0);
}

export const json = { render, start, device, between, end } satisfies Renderer;
