// `ldforensics merge shard-*.ndjson`: the ndjson outputs of --shard runs, merged into one
// report in any format. Device lines are taken as they are; the shards' summary lines are left
// out and the summary is built again from the devices, so it is the one a single run gives.
// Devices come out in the single run's order: by name, numbers compared as numbers.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { InputError } from '../errors.js';
import type { DeviceReport } from '../types.js';

const byName = new Intl.Collator('en', { numeric: true });

function isDeviceReport(value: unknown): value is DeviceReport {
  return typeof value === 'object' && value !== null && 'device' in value && typeof value.device === 'string' && 'verdict' in value;
}

/** Every device of the shard files, sorted as one run would list them. */
export async function readShards(files: readonly string[]): Promise<DeviceReport[]> {
  const devices: DeviceReport[] = [];
  for (const file of files) {
    let number = 0;
    try {
      const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
      for await (const line of lines) {
        number += 1;
        if (line.trim() === '') continue;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          throw new InputError(`${file}:${number}: not a JSON line; merge takes the ndjson output of diagnose (-f ndjson)`);
        }
        if (isDeviceReport(value)) devices.push(value);
        else if (!(typeof value === 'object' && value !== null && 'summary' in value)) {
          throw new InputError(`${file}:${number}: neither a device nor a summary line of ldforensics' ndjson`);
        }
      }
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return devices.sort((a, b) => byName.compare(a.device, b.device) || (a.device < b.device ? -1 : a.device > b.device ? 1 : 0));
}
