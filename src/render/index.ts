// The output formats: one pure module per format (report model in, text out; no printing,
// no exit, no file I/O), registered here. A test checks that this registry and the
// folder's files agree, so a new format is one module, one line here and its test.
import type { DeviceReport, Report, Summary } from '../types.js';
import { csv } from './csv.js';
import { html } from './html.js';
import { jira } from './jira.js';
import { json } from './json.js';
import { md } from './md.js';
import { ndjson } from './ndjson.js';
import { text } from './text.js';

export interface RenderOptions {
  /** Terminal colour: the CLI decides (a TTY and no NO_COLOR). Only `text` uses it. */
  color: boolean;
  /** Terminal columns for `text` (the CLI may pass process.stdout.columns); default 100. */
  width?: number;
  /** For `html` device pages of a fleet folder: the fleet index, relative to the page. */
  indexHref?: string;
  /** `text`: a fleet's devices a line each (the CLI sets it once planning finds more than one device, unless --details). */
  brief?: boolean;
  /** `text`: every device's full report, however many (--details). */
  details?: boolean;
  /** `text`: the fleet summary again as the report's last lines (on a terminal, where the eye is when the run ends). */
  summaryLast?: boolean;
}

export interface Renderer {
  render(report: Report, options: RenderOptions): string;
  /**
   * Streaming formats: the opening text, the text for one finished device (the same wherever
   * it stands, so a worker thread can render it), what is written between two devices' texts,
   * and the closing text (`none` where no device was written).
   */
  start?(options: RenderOptions): string;
  /** `--summary`: the fleet summary alone, where the format shows it otherwise than its end() (md). */
  summary?(summary: Summary, options: RenderOptions): string;
  device?(device: DeviceReport, options: RenderOptions): string;
  between?: string;
  end?(summary: Summary, options: RenderOptions, none?: boolean): string;
  /**
   * Formats that lead with the fleet summary although devices finish in name order: the CLI
   * holds each device's text in its group (a temporary file each) and writes head(), the
   * groups in order, then tail(). render() gives the same bytes.
   */
  leads?: {
    groups: number;
    group(device: DeviceReport): number;
    head(summary: Summary, options: RenderOptions): string;
    device(device: DeviceReport, options: RenderOptions): string;
    tail(summary: Summary, options: RenderOptions): string;
  };
}

const registry = { text, json, ndjson, md, jira, html, csv } satisfies Record<string, Renderer>;

export type FormatName = keyof typeof registry;

/** Typed as Renderer (not each module's narrower type) so callers can test `device`/`end`. */
export const renderers: Record<FormatName, Renderer> = registry;

export function isFormatName(name: string): name is FormatName {
  return Object.hasOwn(renderers, name);
}
