// What every output format module exports, and the options the CLI renders with: apart from
// the registry (index.ts), which imports every format, so that no format imports the registry.
import type { DeviceReport, Report, Summary } from '../types.js';

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
