// A streaming log-template miner in the Drain family (He et al., "Drain: An Online Log Parsing
// Approach with Fixed Depth Tree", ICWS 2017), written small: lines no pattern recognised are
// cut into tokens, variable tokens (numbers, hex, versions, paths, quoted names) become
// placeholders, and a line joins the template of its log kind and length that it shares most
// tokens with, or starts a new one. What varies within a template becomes a placeholder too.
//
// Memory is bounded whatever the input: a fixed number of templates per log kind, a few samples
// and values per template; a line that fits no template once the table is full is counted, not kept.
import type { LogKind } from '../types.js';

/** A token that varies from line to line. */
export const WILDCARD = '<*>';
/** How alike two lines of one length must be, as a share of equal tokens, to be one template. */
const SIMILARITY = 0.6;
/** Templates kept per log kind; sample lines and values kept per template. */
export const MAX_TEMPLATES_PER_KIND = 500;
const MAX_SAMPLES = 3;
const MAX_VALUES = 8;
/** Tokens looked at per line: a template of a longer line is its first tokens. */
const MAX_TOKENS = 40;

export interface LineFacts {
  /** The line is the first of an activity window (a run's start), or its last. */
  first: boolean;
  last: boolean;
  /** The line sits within moments of a failure or a window's start or end. */
  near: boolean;
}

export interface Template {
  kind: LogKind;
  tokens: string[];
  /** Per token position, some values seen where it is a placeholder. */
  values: string[][];
  count: number;
  first: number;
  last: number;
  near: number;
  /** Real message text of lines that made it (the first line of the entry, timestamp removed). */
  samples: string[];
}

const QUOTED = /"[^"]*"|'[^']*'/g;

/** True for a token that is a value, not a word of the message: it holds a digit, or is a path. */
function isVariable(token: string): boolean {
  return /\d/.test(token) || /[\\/]./.test(token) || token.startsWith('"') || token.startsWith('\'');
}

/** The line's tokens, quoted strings kept whole (they are one value, spaces and all). */
export function tokenize(line: string): string[] {
  const quoted: string[] = [];
  const masked = line.replace(QUOTED, (q) => {
    quoted.push(q);
    return `\u0001${quoted.length - 1}\u0001`;
  });
  const tokens = masked.split(/\s+/).filter((t) => t !== '').slice(0, MAX_TOKENS);
  // A placeholder index is at most a few digits: this never backtracks.
  return tokens.map((t) => t.replace(/\u0001(\d{1,6})\u0001/g, (_all, i: string) => quoted[Number(i)] ?? ''));
}

function similarity(template: readonly string[], tokens: readonly string[]): number {
  let same = 0;
  for (let i = 0; i < tokens.length; i += 1) {
    const t = template[i];
    if (t === tokens[i] || (t === WILDCARD && isVariable(tokens[i] ?? ''))) same += 1;
  }
  return tokens.length === 0 ? 1 : same / tokens.length;
}

export class TemplateMiner {
  /** Templates by log kind and token count: Drain's first two levels. */
  private readonly groups = new Map<string, Template[]>();
  private readonly perKind = new Map<LogKind, number>();
  /** Lines that fitted no template once the table for their kind was full. */
  overflow = 0;
  lines = 0;

  add(kind: LogKind, message: string, facts: LineFacts): void {
    const tokens = tokenize(message);
    if (tokens.length === 0) return;
    this.lines += 1;
    const key = `${kind}\u0000${tokens.length}`;
    const group = this.groups.get(key) ?? [];
    let best: Template | undefined;
    let bestScore = 0;
    for (const template of group) {
      const score = similarity(template.tokens, tokens);
      if (score > bestScore) {
        best = template;
        bestScore = score;
      }
    }
    if (!best || bestScore < SIMILARITY) {
      if ((this.perKind.get(kind) ?? 0) >= MAX_TEMPLATES_PER_KIND) {
        this.overflow += 1;
        return;
      }
      best = {
        kind,
        tokens: tokens.map((t) => (isVariable(t) ? WILDCARD : t)),
        values: tokens.map(() => []),
        count: 0, first: 0, last: 0, near: 0, samples: [],
      };
      group.push(best);
      this.groups.set(key, group);
      this.perKind.set(kind, (this.perKind.get(kind) ?? 0) + 1);
    }
    this.absorb(best, tokens, message, facts);
  }

  private absorb(template: Template, tokens: readonly string[], message: string, facts: LineFacts): void {
    tokens.forEach((token, i) => {
      if (template.tokens[i] !== token && template.tokens[i] !== WILDCARD) template.tokens[i] = WILDCARD;
      const values = template.values[i];
      if (template.tokens[i] === WILDCARD && values && values.length < MAX_VALUES && !values.includes(token)) values.push(token);
    });
    template.count += 1;
    if (facts.first) template.first += 1;
    if (facts.last) template.last += 1;
    if (facts.near) template.near += 1;
    if (template.samples.length < MAX_SAMPLES && !template.samples.includes(message)) template.samples.push(message);
  }

  /** Every template, the ones nearest the moments that matter and the most frequent first. */
  templates(): Template[] {
    const all = [...this.groups.values()].flat();
    const score = (t: Template): number => t.count + 5 * t.near + 10 * (t.first + t.last);
    return all.sort((a, b) => score(b) - score(a) || a.kind.localeCompare(b.kind) || a.tokens.join(' ').localeCompare(b.tokens.join(' ')));
  }
}
