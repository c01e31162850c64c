// Whether a pattern backtracks: a static look for nested quantifiers, and a probe with strings
// built to make a backtracking regex slow, from the regex's own words and its samples:
// long runs of blanks, tabs, quotes, digits and each literal word of the pattern, after the start
// of each sample (so an anchored pattern gets past its anchor first). What a ReDoS checker's
// attack strings look like (recheck's "prefix + pump × n + suffix"), generated without one.
// The pack's load-time check and the test of the built-in pack both use them.

/** Runs that repeat a piece: the pieces a log-line pattern's quantifiers overlap on. */
const BASE_PIECES = [' ', '\t', ' \t', '"', '""(', ':', '0', '0.', 'a', 'a ', '-', '/', '\\', '<', '(', ')', ',', '= ', ': '];

/** The literal words of a regex source: its runs of letters (escapes and classes left out). */
function wordsOf(source: string): string[] {
  const words = new Set<string>();
  for (const m of source.replace(/\\[a-zA-Z]/g, ' ').replace(/\[[^\]]*\]/g, ' ').matchAll(/[A-Za-z]{2,}/g)) words.add(m[0]);
  return [...words].slice(0, 40);
}

/** Attack strings of about `length` characters for a pattern with these samples (messages, timestamps removed). */
export function attackStrings(source: string, samples: readonly string[], length: number): string[] {
  const pieces = [...BASE_PIECES, ...wordsOf(source).flatMap((w) => [`${w} `, `${w}\t`, w])];
  const prefixes = ['', ...samples.flatMap((s) => [s.slice(0, Math.ceil(s.length / 2)), s.slice(0, s.search(/\s|$/) + 1)])];
  const out: string[] = [];
  for (const prefix of [...new Set(prefixes)].slice(0, 6)) {
    for (const piece of pieces) {
      const pump = piece.repeat(Math.max(1, Math.ceil((length - prefix.length) / piece.length)));
      // A suffix that matches nothing makes every alternative fail after the pump.
      out.push(`${prefix}${pump}\u0000`);
    }
  }
  return out;
}

/**
 * True where a group that repeats without bound holds something that repeats without bound
 * itself ((a+)+, (\s*x)*, (?:a|b+){2,}): the shape that takes exponential time on a near match.
 * A group repeated a bounded number of times ({0,12}) is fine.
 */
export function hasNestedQuantifier(source: string): boolean {
  const stack: boolean[] = [];
  let inner = false;
  for (let i = 0; i < source.length; i += 1) {
    const c = source[i];
    if (c === '\\') {
      i += 1;
      inner = unboundedAt(source, i + 1) || inner;
      continue;
    }
    if (c === '[') {
      // A class is one atom: skip to its end, minding escapes.
      let j = i + 1;
      while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
      i = j;
      inner = unboundedAt(source, i + 1) || inner;
      continue;
    }
    if (c === '(') {
      stack.push(inner);
      inner = false;
      continue;
    }
    if (c === ')') {
      const repeated = unboundedAt(source, i + 1);
      if (repeated && inner) return true;
      inner = (stack.pop() ?? false) || inner || repeated;
      continue;
    }
    inner = unboundedAt(source, i + 1) || inner;
  }
  return false;
}

/** True where the quantifier at `i` repeats without bound: *, +, {n,} (and their lazy forms). */
function unboundedAt(source: string, i: number): boolean {
  const c = source[i];
  if (c === '*' || c === '+') return true;
  if (c !== '{') return false;
  const m = /^\{\d+,(\d*)\}/.exec(source.slice(i, i + 16));
  return m !== null && (m[1] === '' || Number(m[1]) > 1000);
}

/** Attack string lengths of the load-time probe, and how long one string may take at each (ms). */
const PROBE: readonly [number, number][] = [[256, 5], [1024, 8], [4096, 10]];
/** A linear pattern scans 4 KiB in microseconds: a slow run is tried again before it counts (a GC pause is no backtracking). */
const TRIES = 3;

/**
 * Why a pattern would take more than linear time, or null. The static check catches nested
 * quantifiers (exponential); the probe runs the regex over attack strings of growing length and
 * refuses it where one takes far longer than a linear scan could (polynomial). The sizes start
 * small so a cubic pattern is caught in milliseconds, not after a minute at the full length.
 */
export function backtrackingReason(regex: RegExp, samples: readonly string[]): string | null {
  if (hasNestedQuantifier(regex.source)) {
    return 'a repeated group holds a quantifier that repeats without bound ((a+)+ style), which can take exponential time; bound the inner one ({0,80}) or rewrite it';
  }
  for (const [length, limit] of PROBE) {
    for (const attack of attackStrings(regex.source, samples, length)) {
      let took = Infinity;
      for (let t = 0; t < TRIES && took > limit; t += 1) {
        const started = performance.now();
        regex.exec(attack);
        took = Math.min(took, performance.now() - started);
      }
      if (took > limit) {
        return `it took ${Math.round(took)} ms on a ${length}-character line built to make it backtrack (${JSON.stringify(attack.slice(0, 24))}…): quantifiers that can take the same characters stand side by side; rewrite it so each character can be matched one way only`;
      }
    }
  }
  return null;
}
