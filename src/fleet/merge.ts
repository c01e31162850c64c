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
import type { DeviceReport, Summary } from '../types.js';

/** A device line longer than this is not ldforensics' (its largest are a few MB); it is refused, never buffered without end. */
export const MAX_SHARD_LINE_CHARS = 256 * 1024 * 1024;

function isDeviceReport(value: unknown): value is DeviceReport {
  return typeof value === 'object' && value !== null && 'device' in value && typeof value.device === 'string' && 'verdict' in value;
}

/** The devices of one shard file, in file order; problems are InputErrors naming the file and line. */
async function* shardDevices(file: string, maxLineChars: number, onSummary?: (summary: Summary) => void): AsyncGenerator<DeviceReport> {
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
        else if (typeof value === 'object' && value !== null && 'summary' in value && typeof value.summary === 'object' && value.summary !== null) onSummary?.(value.summary as Summary);
        else {
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

/** What a first pass over a shard file finds: its order, its devices, its summary line. */
interface ShardScan {
  inOrder: boolean;
  devices: number;
  summary?: Summary;
}

/** A pass over the file that keeps one device: whether it is in the single run's order, how many devices, its summary. */
async function scanShard(file: string, maxLineChars: number): Promise<ShardScan> {
  let previous: DeviceReport | undefined;
  const scan: ShardScan = { inOrder: true, devices: 0 };
  for await (const device of shardDevices(file, maxLineChars, (summary) => { scan.summary = summary; })) {
    if (previous && compareDevices(previous, device) > 0) scan.inOrder = false;
    scan.devices += 1;
    previous = device;
  }
  return scan;
}

/** One shard as a stream of devices in order: as it is where it is in order, sorted in memory where not. */
async function* orderedShard(file: string, maxLineChars: number, inOrder: boolean): AsyncGenerator<DeviceReport> {
  if (inOrder) {
    yield* shardDevices(file, maxLineChars);
    return;
  }
  const devices: DeviceReport[] = [];
  for await (const device of shardDevices(file, maxLineChars)) devices.push(device);
  // A stable sort: devices of one name stay in file order.
  yield* devices.sort(compareDevices);
}

export interface MergeOptions {
  maxLineChars?: number;
  /** Take shards cut short (no summary line) and an incomplete set of shards, saying so through onWarning. */
  allowPartial?: boolean;
  onWarning?: (message: string) => void;
  /** Told what the share held that no shard read (each shard planned the whole share, so the first's says it). */
  onPassedOver?: (passedOver: NonNullable<Summary['passedOver']>) => void;
  /** Told how many devices the shards hold, once they are checked and before the first is given (as diagnose's onPlanned). */
  onPlanned?: (devices: number) => void;
}

const HINT = 'merge takes the complete set of ndjson files written by diagnose -f ndjson --shard K/N; --allow-partial takes an incomplete one, saying what is missing';

/**
 * Refuses shards that would lose or double devices without a word: a file cut short (no
 * summary line), a summary that disagrees with its own device lines, shards of different runs
 * (N, tool version, packs, rules, --tz, --max-files), the same shard twice, and a missing shard.
 */
function checkShards(files: readonly string[], scans: readonly ShardScan[], options: MergeOptions): void {
  const warn = options.onWarning ?? ((): void => undefined);
  files.forEach((file, i) => {
    const scan = scans[i];
    if (!scan) return;
    if (!scan.summary) {
      const what = `${file}: no summary line, so the shard was cut short (its writer stopped before the end); it holds ${scan.devices} device${scan.devices === 1 ? '' : 's'}`;
      if (!options.allowPartial) throw new InputError(what, HINT);
      warn(`${what}, taken as it is (--allow-partial)`);
    } else if (typeof scan.summary.devices === 'number' && scan.summary.devices !== scan.devices) {
      throw new InputError(`${file}: its summary says ${scan.summary.devices} devices, but it holds ${scan.devices}; the file was cut or edited`, HINT);
    }
  });
  const sharded = scans.map((scan, i) => ({ file: files[i] ?? '', shard: scan.summary?.shard })).filter((each) => each.shard !== undefined);
  if (sharded.length === 0) return;
  const first = sharded[0];
  if (!first?.shard) return;
  const byIndex = new Map<number, string>();
  for (const { file, shard } of sharded) {
    if (!shard) continue;
    if (shard.count !== first.shard.count) throw new InputError(`${file} is shard ${shard.index}/${shard.count}, but ${first.file} is ${first.shard.index}/${first.shard.count}: shards of different splits`, HINT);
    if (shard.version !== first.shard.version) throw new InputError(`${file} was written by ldforensics ${shard.version}, ${first.file} by ${first.shard.version}: run every shard with one version`, HINT);
    if (shard.key !== first.shard.key) throw new InputError(`${file} and ${first.file} were run with different pattern packs, rules, --tz or --max-files`, HINT);
    const twice = byIndex.get(shard.index);
    if (twice !== undefined) throw new InputError(`${file} and ${twice} are both shard ${shard.index}/${shard.count}: the same shard given twice`, HINT);
    byIndex.set(shard.index, file);
  }
  if (sharded.length < files.length) throw new InputError(`${files.filter((_, i) => scans[i]?.summary?.shard === undefined).join(', ')}: not written with --shard, beside shards of ${first.shard.count}`, HINT);
  const missing: number[] = [];
  for (let k = 1; k <= first.shard.count; k += 1) if (!byIndex.has(k)) missing.push(k);
  if (missing.length > 0) {
    const what = `shard${missing.length === 1 ? '' : 's'} ${missing.map((k) => `${k}/${first.shard?.count ?? '?'}`).join(', ')} missing`;
    if (!options.allowPartial) throw new InputError(`${what}: the merged report would lack their devices`, HINT);
    warn(`${what}: the report lacks their devices (--allow-partial)`);
  }
}

/**
 * Every device of the shard files, in the order one run would list them, one at a time. Of
 * devices with the same name, the one of the file given first comes first.
 */
export async function* mergeShards(files: readonly string[], options: MergeOptions = {}): AsyncGenerator<DeviceReport> {
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
  const scans: ShardScan[] = [];
  for (const file of files) scans.push(await scanShard(file, maxLineChars));
  checkShards(files, scans, options);
  const passedOver = scans.find((scan) => scan.summary?.passedOver !== undefined)?.summary?.passedOver;
  if (passedOver) options.onPassedOver?.(passedOver);
  options.onPlanned?.(scans.reduce((sum, scan) => sum + scan.devices, 0));
  const shards = files.map((file, i) => orderedShard(file, maxLineChars, scans[i]?.inOrder ?? false)[Symbol.asyncIterator]());
  let previous: { device: DeviceReport; shard: number } | undefined;
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
      // One run names every device apart: a name in two shard files is a device counted twice.
      if (previous && previous.shard !== at && compareDevices(previous.device, device) === 0 && previous.device.device === device.device) {
        throw new InputError(`device ${device.device} is in both ${files[previous.shard] ?? '?'} and ${files[at] ?? '?'}: the same device in two shards`, HINT);
      }
      previous = { device, shard: at };
      yield device;
    }
  } finally {
    for (const shard of shards) await shard.return?.(undefined);
  }
}
