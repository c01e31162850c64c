// A device's part of a streamed report, made where the device was diagnosed: on a worker
// thread, a fleet's devices are rendered there and only their text and a tally for the fleet
// summary come back, not the whole report to be copied across threads and rendered again here.
// The text comes as UTF-8 bytes in a buffer of its own, moved (transferred) to the main thread,
// not copied: the main thread allocates next to nothing per device, so its heap stays small
// whatever the fleet's size, and writes the bytes as they are.
import { failedDeviceReport, tallyOf, type DeviceTally } from '../report.js';
import type { DeviceReport } from '../types.js';
import { renderers, type FormatName, type RenderOptions } from './index.js';

/** The format a device is rendered in; none where only the summary is wanted. */
export interface PieceFormat {
  format: FormatName;
  options: RenderOptions;
}

export interface DevicePiece {
  tally: DeviceTally;
  /** Where the device goes in a format that leads with the summary (renderer.leads); 0 otherwise. */
  group: number;
  /** The device's text in the format, as UTF-8 (empty with no format); its buffer is its own, to be transferred. */
  bytes: Uint8Array<ArrayBuffer>;
}

/** A device rendered, or, where rendering it fails, the same device rendered as one that could not be analysed. */
export function guarded(device: DeviceReport, render: (device: DeviceReport) => string): string {
  try {
    return render(device);
  } catch (error) {
    return render(failedDeviceReport(device.device, error));
  }
}

/** True for the formats whose devices are rendered one at a time (the others need the whole fleet at once). */
export function rendersPieces(format: FormatName): boolean {
  const renderer = renderers[format];
  return renderer.leads !== undefined || (renderer.device !== undefined && renderer.end !== undefined);
}

const utf8 = new TextEncoder();

export function pieceOf(device: DeviceReport, format: PieceFormat | undefined): DevicePiece {
  const tally = tallyOf(device);
  if (format === undefined) return { tally, group: 0, bytes: new Uint8Array(0) };
  const renderer = renderers[format.format];
  const { leads } = renderer;
  // encode() gives a new buffer of the text's size (Buffer.from may share a pool, which cannot be transferred).
  if (leads) return { tally, group: leads.group(device), bytes: utf8.encode(guarded(device, (d) => leads.device(d, format.options))) };
  const render = renderer.device;
  if (!render) throw new TypeError(`the ${format.format} format renders the whole fleet at once, not device by device`);
  return { tally, group: 0, bytes: utf8.encode(guarded(device, (d) => render(d, format.options))) };
}
