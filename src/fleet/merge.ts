// `ldforensics merge shard-*.ndjson`: the ndjson outputs of --shard runs, merged into one
// report in any format. Device lines are taken as they are; the shards' summary lines are left
// out and the summary is built again from the devices, so it is the one a single run gives.
// Devices come out in the single run's order: by name, numbers compared as numbers.
//
// Each shard is in that order already (diagnose writes it so), so the shards are merged as
// streams, a device at a time: memory stays flat whatever the fleet's size, as for diagnose.
// A file found out of order (shards concatenated, or edited) is read whole and sorted instead.
import { createReadStream, statSync } from 'node:fs';
import { InputError, messageOf } from '../errors.js';
import { readLines } from '../ingest/lines.js';
import { compareDeviceNames } from '../ingest/source.js';
import type { DeviceReport } from '../types.js';

/** A device line longer than this is not ldforensics' (its largest are a few MB); it is refused, never buffered without end. */
export const MAX_SHARD_LINE_CHARS = 256 * 1024 * 1024;

function isDeviceReport(value: unknown): value is DeviceReport {
  return typeof value === 'object' && value !== null && 'device' in value && typeof value.device === 'string' && 'verdict' in value;
}

/** The devices of one shard file, in file order; problems are InputErrors naming the file and line. */
async function* shardDevices(file: string, maxLineChars: number): AsyncGenerator<DeviceReport> {
  const reader = readLines(createReadStream(file), { maxLineChars });
  try {
    for await (const batch of reader.batches) {
      for (const line of batch) {
        if (line.oversizedChars !== undefined) throw new InputError(`${file}:${line.number}: a line of more than ${maxLineChars} characters; merge takes the ndjson output of diagnose (-f ndjson)`);
        if (line.text.trim() === '') continue;
        let value: unknown;
        try {
          value = JSON.parse(line.text);
        } catch {
          throw new InputError(`${file}:${line.number}: not a JSON line; merge takes the ndjson output of diagnose (-f ndjson)`);
        }
        if (isDeviceReport(value)) yield value;
        else if (!(typeof value === 'object' && value !== null && 'summary' in value)) {
          throw new InputError(`${file}:${line.number}: neither a device nor a summary line of ldforensics' ndjson`);
        }
      }
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read ${file}: ${messageOf(error)}`);
  }
}

/** The single run's order: by name, numbers as numbers, then by code point. */
function compareDevices(a: DeviceReport, b: DeviceReport): number {
  return compareDeviceNames(a.device, b.device);
}

/** True where the file's devices are in the single run's order (a pass over it that keeps one device). */
async function inOrder(file: string, maxLineChars: number): Promise<boolean> {
  let previous: DeviceReport | undefined;
  for await (const device of shardDevices(file, maxLineChars)) {
    if (previous && compareDevices(previous, device) > 0) return false;
    previous = device;
  }
  return true;
}

/** One shard as a stream of devices in order: as it is where it is in order, sorted in memory where not. */
async function* orderedShard(file: string, maxLineChars: number): AsyncGenerator<DeviceReport> {
  if (await inOrder(file, maxLineChars)) {
    yield* shardDevices(file, maxLineChars);
    return;
  }
  const devices: DeviceReport[] = [];
  for await (const device of shardDevices(file, maxLineChars)) devices.push(device);
  // A stable sort: devices of one name stay in file order.
  yield* devices.sort(compareDevices);
}

/**
 * Every device of the shard files, in the order one run would list them, one at a time. Of
 * devices with the same name, the one of the file given first comes first.
 */
export async function* mergeShards(files: readonly string[], options: { maxLineChars?: number } = {}): AsyncGenerator<DeviceReport> {
  const maxLineChars = options.maxLineChars ?? MAX_SHARD_LINE_CHARS;
  // A file, not a device or a pipe that never ends (/dev/zero): read to its end, twice.
  for (const file of files) {
    let isFile: boolean;
    try {
      isFile = statSync(file).isFile();
    } catch (error) {
      throw new InputError(`cannot read ${file}: ${messageOf(error)}`);
    }
    if (!isFile) throw new InputError(`${file}: not a file; merge takes the ndjson files written by diagnose -f ndjson --shard K/N`);
  }
  const shards = files.map((file) => orderedShard(file, maxLineChars)[Symbol.asyncIterator]());
  try {
    const heads: (DeviceReport | undefined)[] = [];
    for (const shard of shards) heads.push((await shard.next()).value ?? undefined);
    for (;;) {
      // A few shards, so the smallest head is found by a scan, not a heap.
      let at = -1;
      for (let i = 0; i < heads.length; i += 1) {
        const head = heads[i];
        const best = at === -1 ? undefined : heads[at];
        if (head !== undefined && (best === undefined || compareDevices(head, best) < 0)) at = i;
      }
      if (at === -1) return;
      const device = heads[at] as DeviceReport;
      heads[at] = (await (shards[at] as AsyncIterator<DeviceReport>).next()).value ?? undefined;
      yield device;
    }
  } finally {
    for (const shard of shards) await shard.return?.(undefined);
  }
}
