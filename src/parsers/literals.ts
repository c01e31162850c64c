// The pattern prefilter: for each pattern, literals one of which every line it matches must
// contain. A line that holds none of them cannot match, so the pattern's regex is never run
// on it: an ordinary log line costs a few substring tests, not a regex per pattern. (The same
// idea as lnav's and ripgrep's required-literal extraction, kept small: where the regex is
// too clever to read, there is no prefilter and the regex runs, which is always correct.)
//
//   "processing of package is complete,?\s*result\b…"   → ["processing of package is complete"]
//   "\b(?:a |another )?(?:task|job)\s+…already\s+…"     → ["already"]
//   "\bmsiexec\b|^installer (?:exited|finished)\b"      → ["msiexec", "installer "]

import { appendAll } from '../arrays.js';

/** Literals shorter than this save nothing over the regex itself. */
const MIN_LITERAL = 3;

/**
 * The literals of a regex source, one of which every match contains, or null when none can be
 * said. With `caseless` (the i flag) they are lower-cased, for a test on the lower-cased line.
 */
export function requiredLiterals(source: string, flags: string): string[] | null {
  const caseless = flags.includes('i');
  // Unicode case folding makes "ſ" match "s" and "K" (Kelvin) match "k": no lower-case test is safe.
  if (caseless && (flags.includes('u') || flags.includes('v'))) return null;
  try {
    const set = alternativesOf(source, caseless);
    return set === null || set.length === 0 ? null : [...new Set(set)];
  } catch {
    return null; // a shape this reader does not follow: no prefilter
  }
}

/** The top-level alternatives of a source, each required: the union of their sets, or null if one has none. */
function alternativesOf(source: string, caseless: boolean): string[] | null {
  const out: string[] = [];
  for (const branch of splitTopLevel(source)) {
    const set = bestSetOf(branch, caseless);
    if (set === null) return null;
    appendAll(out, set);
  }
  return out;
}

/** Splits on | outside groups and classes. */
function splitTopLevel(source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
    } else if (c === '[') {
      i = classEnd(source, i);
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
    } else if (c === '|' && depth === 0) {
      parts.push(source.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(source.slice(start));
  return parts;
}

/** Index of the ] closing the class opened at `open`. */
function classEnd(source: string, open: number): number {
  let i = open + 1;
  if (source[i] === '^') i++;
  for (; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === ']') return i;
  }
  throw new Error('unclosed class');
}

/** Index of the ) closing the group opened at `open`. */
function groupEnd(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '[') i = classEnd(source, i);
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  throw new Error('unclosed group');
}

/** The quantifier at `at` (or ''), and whether it lets the atom before it be absent. */
function quantifierAt(source: string, at: number): { text: string; optional: boolean } {
  const c = source[at];
  let text = '';
  let optional = false;
  if (c === '?' || c === '*') {
    text = c;
    optional = true;
  } else if (c === '+') {
    text = c;
  } else if (c === '{') {
    const m = /^\{(\d+)(?:,\d*)?\}/.exec(source.slice(at));
    if (m) {
      text = m[0];
      optional = Number(m[1]) === 0;
    }
  }
  if (text !== '' && source[at + text.length] === '?') text += '?'; // lazy
  return { text, optional };
}

/** How many characters after "\\e" still belong to the escape: \\x41, \\u0041, \\cJ. */
function escapeTail(source: string, at: number, e: string): number {
  if (e === 'x') return 2;
  if (e === 'c') return 1;
  if (e === 'u') return source[at] === '{' ? source.indexOf('}', at) - at + 1 : 4;
  // Back-references and named or Unicode-property escapes: not worth following.
  if (/[1-9kpP]/.test(e)) throw new Error('escape not followed');
  return 0;
}

/** Escapes that stand for one literal character (others are classes, anchors or back-references). */
const CLASS_ESCAPES = new Set(['d', 'D', 'w', 'W', 's', 'S', 'b', 'B', 'n', 'r', 't', 'f', 'v', 'c', 'x', 'u', 'p', 'P', 'k', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

/**
 * One branch (no top-level |): its candidate literal sets (each literal run is a set of one; a
 * required group gives the set of its own alternatives), and the best of them: the set whose
 * shortest literal is the longest.
 */
function bestSetOf(branch: string, caseless: boolean): string[] | null {
  const candidates: string[][] = [];
  let run = '';
  const endRun = (): void => {
    if (run.length >= MIN_LITERAL && (!caseless || isAscii(run))) candidates.push([caseless ? run.toLowerCase() : run]);
    run = '';
  };
  let i = 0;
  while (i < branch.length) {
    const c = branch[i] ?? '';
    let atom: string | null = null; // a literal character, or null for anything else
    let next = i + 1;
    let group: string | null = null;
    if (c === '\\') {
      const e = branch[i + 1] ?? '';
      next = i + 2 + escapeTail(branch, i + 2, e);
      if (!CLASS_ESCAPES.has(e)) atom = e;
    } else if (c === '[') {
      next = classEnd(branch, i) + 1;
    } else if (c === '(') {
      const close = groupEnd(branch, i);
      next = close + 1;
      const inner = branch.slice(i + 1, close);
      // Look-arounds are zero-width; a capture or non-capture group holds a real part of the match.
      if (!/^\?(?:[=!]|<[=!])/.test(inner)) group = inner.replace(/^\?(?::|<[A-Za-z][A-Za-z0-9]*>)/, '');
    } else if (c === '.' || c === '^' || c === '$' || c === '|') {
      atom = null;
    } else {
      atom = c;
    }
    const quantifier = quantifierAt(branch, next);
    next += quantifier.text.length;
    if (atom !== null && !quantifier.optional) {
      run += atom;
      if (quantifier.text !== '') endRun(); // "ab+c": "ab" is certain, what follows the b's is not joined to it
    } else {
      endRun();
      if (group !== null && !quantifier.optional) {
        const set = alternativesOf(group, caseless);
        if (set !== null && set.length > 0) candidates.push(set);
      }
    }
    i = next;
  }
  endRun();
  if (candidates.length === 0) return null;
  let best = candidates[0] ?? [];
  for (const set of candidates) if (weakest(set) > weakest(best)) best = set;
  return best;
}

function weakest(set: readonly string[]): number {
  let min = Infinity;
  for (const s of set) min = Math.min(min, s.length);
  return min;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** True when `line` holds one of the literals (lower-cased first by the caller for caseless ones). */
export function holdsOneOf(line: string, literals: readonly string[]): boolean {
  for (const literal of literals) if (line.includes(literal)) return true;
  return false;
}
