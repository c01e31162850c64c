// `--shard K/N`: a stable split of a share between N machines. A device belongs to shard K of N
// where the FNV-1a hash of its name (lower case) is K-1 modulo N: the same on every machine,
// whatever the order the share lists its folders in, so N containers each take theirs.
import { UsageError } from '../errors.js';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d{1,6})\/(\d{1,6})$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard: want K/N with 1 <= K <= N (e.g. 2/8), not "${text}"`);
  }
  return { index, count };
}

/** 32-bit FNV-1a over the UTF-16 code units of the name, lower-cased. */
export function nameHash(name: string): number {
  let hash = 0x811c9dc5;
  const lower = name.toLowerCase();
  for (let i = 0; i < lower.length; i += 1) {
    hash ^= lower.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export function inShard(name: string, shard: Shard | undefined): boolean {
  return shard === undefined || nameHash(name) % shard.count === shard.index - 1;
}
