// What a share held that a run did not read (a hidden folder, a .7z, a stray file), gathered as
// planning meets it: counted per kind for the fleet summary, named (the first few) there, and
// said on stderr a line per kind. A share of 1 device and 3 silent others was "1 device".
import { PASSED_OVER_REASONS, type PassedOverKind } from './ingest/bundles.js';
import type { Summary } from './types.js';

/** Paths the summary names: a screen's worth, whatever the share. */
const NAMED = 50;

const KIND_WORDS: Record<PassedOverKind, [one: string, many: string]> = {
  hidden: ['hidden entry', 'hidden entries'],
  'other-archive': ['archive of another kind', 'archives of another kind'],
  'stray-file': ['stray file', 'stray files'],
  link: ['link or special file', 'links or special files'],
  'core-bundle': ['core server\'s bundle', 'core servers\' bundles'],
};

export class PassedOverTally {
  private readonly kinds: Partial<Record<PassedOverKind, string[]>> = {};
  private readonly counts: Partial<Record<PassedOverKind, number>> = {};
  private count = 0;

  add(display: string, kind: PassedOverKind): void {
    this.count += 1;
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    const named = (this.kinds[kind] ??= []);
    if (named.length < NAMED) named.push(display);
  }

  /** The summary's field, or undefined where everything was read. */
  summary(): Summary['passedOver'] {
    if (this.count === 0) return undefined;
    // In a stable order: a listing's order is the file system's, and shards on several machines must agree.
    const order = (Object.keys(this.counts) as PassedOverKind[]).sort();
    const kinds: Record<string, number> = {};
    for (const kind of order) kinds[kind] = this.counts[kind] ?? 0;
    const paths = order.flatMap((kind) => [...(this.kinds[kind] ?? [])].sort()).slice(0, NAMED);
    return { count: this.count, kinds, paths };
  }

  /** A line per kind for stderr: "3 stray files not read (a.txt, b.txt, …): not a log, a .zip bundle or a folder". */
  lines(): string[] {
    return (Object.keys(this.counts) as PassedOverKind[]).sort().map((kind) => {
      const count = this.counts[kind] ?? 0;
      const named = [...(this.kinds[kind] ?? [])].sort();
      const shown = named.slice(0, 3).join(', ') + (count > 3 ? ', …' : '');
      return `${count} ${KIND_WORDS[kind][count === 1 ? 0 : 1]} in the share (${shown}): ${PASSED_OVER_REASONS[kind]}`;
    });
  }
}

/** The fleet summary's sentence on what was not read, or null. */
export function passedOverSentence(passedOver: Summary['passedOver']): string | null {
  if (!passedOver) return null;
  const parts = Object.entries(passedOver.kinds).map(([kind, count]) => `${count} ${KIND_WORDS[kind as PassedOverKind]?.[count === 1 ? 0 : 1] ?? kind}`);
  const shown = passedOver.paths.slice(0, 5).join(', ') + (passedOver.count > 5 ? ', …' : '');
  return `${passedOver.count === 1 ? '1 entry' : `${passedOver.count} entries`} of the share ${passedOver.count === 1 ? 'was' : 'were'} not read (${parts.join(', ')}): ${shown}.`;
}
