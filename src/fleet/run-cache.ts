// The cache as a fleet run sees it (--cache): one object, made once per run from the cache's
// folder and what every report depends on (configKey), with the few questions the pipeline
// asks of it. Planning asks which device folders it knows (knownFolders); a planned bundle is
// looked up by its key, by its listing (seen), or as rendered (piece); what is made is kept.
// cache.ts holds the entries' format on disk; nothing else in a run reaches it.
import type { Bundle, PlanSpec } from '../ingest/bundles.js';
import type { DevicePiece, PieceFormat } from '../render/piece.js';
import type { DeviceReport } from '../types.js';
import {
  bundleKey, cachedPiece, cachedReport, cachedSeen, dropPiece, holdsEntries, KnownFolders, pieceKey, pruneCache, seenKey, storePiece, storeReport, storeSeen,
  type CacheOptions,
} from './cache.js';

export class RunCache {
  constructor(private readonly store: CacheOptions, private readonly config: string) {}

  /** By files' times (the default) or by their bytes. */
  get strategy(): CacheOptions['strategy'] {
    return this.store.strategy;
  }

  /** Whether it holds any entry: a first run only misses, and its lookups are skipped. */
  holdsEntries(): boolean {
    return holdsEntries(this.store);
  }

  /** For planning (by files' times): the device folders an earlier run found, known by their times; saved by the caller once planned. */
  knownFolders(paths: readonly string[]): KnownFolders | undefined {
    return this.store.strategy === 'metadata' ? new KnownFolders(this.store, this.config, paths) : undefined;
  }

  /** A bundle's key: its name, where it is, and its files' stamps (or bytes). Throws where a file cannot be stat'ed. */
  keyOf(bundle: Bundle): Promise<string> {
    return bundleKey(bundle, this.config, this.store.strategy);
  }

  /** The report kept under `key`, or why an entry there could not be served. */
  report(key: string, device: string): { report: DeviceReport } | { report: null; problem?: string } {
    return cachedReport(this.store, key, device);
  }

  /** Keeps a report; says what went wrong where it could not be written. */
  keepReport(key: string, report: DeviceReport): string | null {
    return storeReport(this.store, key, report);
  }

  /** The device as it was rendered in `format`, under its bundle's key, or why the entry there could not be served. */
  piece(key: string, format: PieceFormat, device: string): DevicePiece | { problem: string } | null {
    return cachedPiece(this.store, pieceKey(key, format), device);
  }

  /** Lets a damaged rendering go: said once, on this run's device, the next run renders it again and keeps it whole. */
  dropPiece(key: string, format: PieceFormat): void {
    dropPiece(this.store, pieceKey(key, format));
  }

  /**
   * Keeps a piece for the next run: under the bundle's listing where it has one (found by it,
   * without a listing; so there only), else under the bundle's key where one is given (a piece
   * found by that key is kept already).
   */
  keepPiece(bundle: Bundle, format: PieceFormat, piece: DevicePiece, key?: string): DevicePiece {
    if (bundle.listing) storeSeen(this.store, seenKey(this.config, bundle.listing.root, format, bundle.absoluteGiven === true), bundle.listing, piece);
    else if (key !== undefined) storePiece(this.store, pieceKey(key, format), piece);
    return piece;
  }

  /** A planned folder bundle's piece kept under its listing, where nothing in it moved; null otherwise (listed and looked up as usual). */
  seen(spec: PlanSpec, format: PieceFormat, onProblem?: (device: string, problem: string) => void): DevicePiece | null {
    if (spec.type !== 'folder' || this.store.strategy !== 'metadata') return null;
    const hit = cachedSeen(this.store, seenKey(this.config, spec.folder, format, spec.absoluteGiven === true), spec.name);
    if (hit && 'problem' in hit) {
      onProblem?.(spec.name, hit.problem);
      return null;
    }
    return hit;
  }

  /** After the run, whose hits have marked what is still in use: entries unused for the limit are removed. */
  prune(): void {
    pruneCache(this.store);
  }
}
