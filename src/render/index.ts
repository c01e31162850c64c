// The output formats: one pure module per format (report model in, text out; no printing,
// no exit, no file I/O), registered here. A test checks that this registry and the
// folder's files agree, so a new format is one module, one line here and its test.
import { csv } from './csv.js';
import { html } from './html.js';
import { jira } from './jira.js';
import { json } from './json.js';
import { md } from './md.js';
import { ndjson } from './ndjson.js';
import { text } from './text.js';

export type { RenderOptions, Renderer } from './renderer.js';
import type { Renderer } from './renderer.js';

const registry = { text, json, ndjson, md, jira, html, csv } satisfies Record<string, Renderer>;

export type FormatName = keyof typeof registry;

/** Typed as Renderer (not each module's narrower type) so callers can test `device`/`end`. */
export const renderers: Record<FormatName, Renderer> = registry;

export function isFormatName(name: string): name is FormatName {
  return Object.hasOwn(renderers, name);
}
