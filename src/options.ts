// The options of a run, as the API takes them: apart from run.ts, so that the fleet's pool
// (fleet/pool.ts), which run.ts uses, can name them without importing run.ts back.
import type { CacheOptions } from './fleet/cache.js';
import type { Shard } from './fleet/shard.js';
import type { PassedOverKind } from './ingest/bundles.js';

export interface CommonOptions {
  /** Folders of bundles, bundle folders, .zip bundles or single log files. */
  paths: string[];
  /** Files larger than this many bytes are not read (--max-file-size; default MAX_FILE_SIZE in device.ts). */
  maxFileSize?: number;
  /** Absolute paths inside the inputs that are the run's own output or cache: never read (output-guard.ts). */
  exclude?: ReadonlySet<string>;
  /** Extra pattern packs (JSON), tried before the built-in one. */
  patternFiles?: string[];
  /** The devices' time zone (IANA name or UTC+N): absolute times with offsets. */
  zone?: string;
  /** Only these devices (names, case-insensitive). */
  devices?: string[];
  /** Files read per bundle at the most (default 5,000); the rest are counted and said. */
  maxFiles?: number;
  /**
   * Worker threads diagnosing devices in parallel (default 1: this thread). 'auto': as many as
   * the machine has cores where the planned work is worth them (fleet/jobs.ts), else this thread.
   */
  jobs?: number | 'auto';
  /**
   * Told how many devices the plan holds that the run asks for, before the first is read (a
   * progress line's total; the text format's choice of a line per device).
   */
  onPlanned?: (devices: number) => void;
  /**
   * Told of a cache entry found damaged where the device's own report cannot carry the note
   * (a rendered piece looked up in this thread): the device is read again; the CLI says it.
   */
  onCacheProblem?: (device: string, problem: string) => void;
  /** Told of each entry of a share that is not read (a hidden folder, a .7z, a stray file), as planning meets it. */
  onPassedOver?: (display: string, kind: PassedOverKind) => void;
  /** Only the devices of this shard (--shard K/N). */
  shard?: Shard;
  /** Reports of unchanged bundles are taken from here (--cache). */
  cache?: CacheOptions;
  /** Per device on a worker: heap in MB, and time in seconds, before it is stopped and reported. */
  deviceMemoryMb?: number;
  deviceSeconds?: number;
  /**
   * Devices are read on worker threads even where one would do (a one-worker pool, not this
   * thread), so that a read that stalls (a share that stopped answering) is seen and given up
   * by this thread (pool.ts). The CLI sets it; the API reads in the caller's thread by default.
   */
  readsOnWorkers?: boolean;
  /** Seconds without a byte before a read on a worker is given up (--read-timeout; default READ_TIMEOUT_SECONDS in pool-limits.ts). */
  readTimeoutSeconds?: number;
}
