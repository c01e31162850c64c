// `--format json`: exactly the Report (schema "ldforensics.diagnosis/1"), pretty-printed.
// escapeJson only writes some characters as \uXXXX: parsing gives back the same report.
import type { Report } from '../types.js';
import { escapeJson } from './escape.js';
import type { Renderer } from './index.js';

function render(report: Report): string {
  return `${escapeJson(JSON.stringify(report, null, 2))}\n`;
}

export const json = { render } satisfies Renderer;
