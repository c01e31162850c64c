// Templates → a draft pattern pack, valid for --patterns: each template becomes a pattern whose
// regex is its literal words with its placeholders as \S+ (quoted values as "…"), carrying the
// real lines it came from as samples. Where the words and the line's place in its run say what
// the line means, the event kind is guessed and the fields it needs (code, blocker) get named
// groups; where they do not, the event is left 'message' and the description says what to pick.
import { defaultPack, PatternSet, processFromText, sampleMessage, validatePack, type PatternPack, type PatternSpec } from '../parsers/patterns.js';
import type { EventKind, LogKind } from '../types.js';
import { WILDCARD, type Template } from './miner.js';

const CODE = '(?<code>[-+]?(?:0x[0-9a-f]+|\\d+))';
/** "Package:", "Job:", "Application name:": the label before a distribution's package name. */
const PACKAGE_LABEL = /^(?:package|job|application|software|app)(?:name)?:$/i;

interface Guess {
  event: EventKind;
  why: string;
}

/** Share of a template's lines that opened (or closed) a run: a banner or an exit line. */
function share(part: number, template: Template): number {
  return template.count === 0 ? 0 : part / template.count;
}

function hasCode(template: Template): boolean {
  return template.tokens.some((t, i) => t === WILDCARD && (template.values[i] ?? []).every((v) => /^[-+]?(?:0x[0-9a-f]+|\d+)[,.;:)]*$/i.test(v)));
}

/**
 * The event kind a template's words and place suggest, or null. Keyword lists follow the
 * modeled and seen wordings of FORMATS.md, widened to their synonyms; a banner or an exit line
 * must also sit where runs begin or end, so that a "starting download" mid-run is not taken for one.
 */
export function guessEvent(template: Template): Guess | null {
  const words = template.tokens.filter((t) => t !== WILDCARD).join(' ').toLowerCase();
  const opens = share(template.first, template) >= 0.5;
  const closes = share(template.last, template) >= 0.5;
  const names = processFromText(words) !== undefined || /\b(?:client|agent|scan(?:ner)?|sync)\b/.test(words);
  if (template.kind === 'sdclient') {
    if (/\b(?:in progress|already running|holds? the lock|is locked|busy|cannot continue|can't continue|another (?:\w+ )?(?:task|job|process))\b/.test(words)) {
      return { event: 'busy-refusal', why: 'it says another task is in the way' };
    }
    if (/\bdownload\w* (?:error|fail)|\b(?:failed|unable) to (?:download|hash)|\bhash \w* ?(?:mismatch|fail)/.test(words)) return { event: 'download-error', why: 'it says a download failed' };
    if (/\bresult\b/.test(words) && hasCode(template)) return { event: 'package-result', why: 'it gives a result code' };
    if (PACKAGE_LABEL.test(template.tokens[0] ?? '')) return { event: 'package-name', why: 'it names the package' };
  }
  if (template.kind === 'vulscan' || template.kind === 'policysync') {
    if (/\b(?:wait(?:s|ing)?|defer(?:s|red|ring)?|postpon\w*)\b/.test(words) && !/\b(?:finished|over|done|ended)\b/.test(words)) {
      return { event: 'waiting', why: 'it says it waits for another task' };
    }
    if (/\b(?:resum\w*|continu\w*|wait (?:is )?(?:finished|over|done|ended)|finished waiting)\b/.test(words)) return { event: 'wait-finished', why: 'it says the wait is over' };
    if (template.kind === 'policysync' && /\bscrub/.test(words) && /\brunning\b/.test(words)) return { event: 'scrub-skipped', why: 'it says the scrub was skipped' };
  }
  const processLog = template.kind === 'sdclient' || template.kind === 'vulscan' || template.kind === 'policysync';
  if (processLog && /\b(?:exit\w*|finish\w*|complete\w*|done|end(?:ed|ing)?|stop\w*)\b/.test(words) && (closes || (hasCode(template) && names))) {
    return { event: 'process-exit', why: closes ? 'it closes runs' : 'it names the program and an exit code' };
  }
  if (processLog && /\b(?:start\w*|launch\w*|begin\w*|init\w*)\b/.test(words) && opens) {
    return { event: 'process-start', why: 'it opens runs' };
  }
  if (template.kind === 'vulscan' && /\bscan(?:ning)?\b/.test(words) && /\b(?:start\w*|begin\w*|running|now)\b/.test(words)) {
    return { event: 'scanning', why: 'it says the scan began' };
  }
  return null;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A linear-time regex for a template: literal words and placeholders, separated by blanks. */
export function templateRegex(template: Template, event: EventKind | null): string {
  // The name is the rest of the line, however many words it has.
  if (event === 'package-name') return `^${escapeRegex(template.tokens[0] ?? '')}\\s*(?<package>\\S(?:.*\\S)?)\\s*$`;
  let code = event === 'package-result' || event === 'process-exit';
  let blocker = event === 'busy-refusal' || event === 'waiting' || event === 'scrub-skipped';
  const parts = template.tokens.map((token, i) => {
    if (token !== WILDCARD) {
      if (blocker && processFromText(token) !== undefined) {
        blocker = false;
        return `(?<blocker>${escapeRegex(token)})`;
      }
      return escapeRegex(token);
    }
    const values = template.values[i] ?? [];
    if (code && values.length > 0 && values.every((v) => /^[-+]?(?:0x[0-9a-f]+|\d+)[,.;:)]*$/i.test(v))) {
      code = false;
      return `${CODE}[,.;:)]*`;
    }
    if (blocker && values.some((v) => processFromText(v) !== undefined)) {
      blocker = false;
      return '(?<blocker>\\S+)';
    }
    if (values.length > 0 && values.every((v) => v.startsWith('"'))) return '"[^"]*"';
    if (values.some((v) => /\s/.test(v))) return '(?:"[^"]*"|\'[^\']*\'|\\S+)';
    return '\\S+';
  });
  // \S and \s never overlap, so each blank run and each token is matched one way only.
  return `^${parts.join('\\s+')}\\s*$`;
}

export interface DraftOptions {
  /** How many patterns at the most. */
  top?: number;
  /** The packs already in use (--patterns): a draft pattern must not shadow their samples. */
  existing?: readonly PatternPack[];
}

export interface DraftResult {
  pack: PatternPack;
  /** Templates mined, and those left out (no room, or a pattern that would clash). */
  templates: number;
  leftOut: number;
}

/** The draft pack: the best-ranked templates that make patterns passing the pack's own checks. */
export function draftPack(templates: readonly Template[], options: DraftOptions = {}): DraftResult {
  const top = options.top ?? 40;
  const accepted: PatternSpec[] = [];
  const known = new PatternSet([...(options.existing ?? []), defaultPack]);
  let leftOut = 0;
  for (const template of templates) {
    if (accepted.length >= top) {
      leftOut += 1;
      continue;
    }
    const guess = guessEvent(template);
    const spec: PatternSpec = {
      id: `suggested-${template.kind}-${accepted.length + 1}`,
      logs: [template.kind],
      event: guess?.event ?? 'message',
      regex: templateRegex(template, guess?.event ?? null),
      samples: template.samples,
      description: guess
        ? `Guessed ${guess.event}: ${guess.why}. Seen ${template.count} times (${template.first} opening a run, ${template.last} closing one, ${template.near} near a failure or a run's edge).`
        : `Event kind not guessed: pick one (process-start, process-exit, busy-refusal, waiting, wait-finished, scanning, package-result, download-error, …) or leave "message". Seen ${template.count} times (${template.first} opening a run, ${template.last} closing one, ${template.near} near a failure or a run's edge).`,
    };
    if (!fits(spec, accepted, known)) {
      leftOut += 1;
      continue;
    }
    accepted.push(spec);
  }
  const pack = validatePack({
    name: 'suggested',
    description: 'Drafted by `ldforensics patterns suggest` from lines no pattern recognised. Review each pattern\'s event kind before use.',
    patterns: accepted,
  }, 'suggested pack');
  return { pack, templates: templates.length, leftOut };
}

/** The pack's own checks, pattern by pattern: it matches its samples, and shadows no other's. */
function fits(spec: PatternSpec, accepted: readonly PatternSpec[], known: PatternSet): boolean {
  let regex: RegExp;
  try {
    regex = new RegExp(spec.regex, 'i');
  } catch {
    return false;
  }
  if (!spec.samples.every((s) => regex.test(s))) return false;
  const kind: LogKind = spec.logs[0] ?? 'sdclient';
  if (spec.samples.some((s) => known.match(kind, s) !== null)) return false;
  const others = accepted.filter((o) => o.logs.includes(kind)).map((o) => ({ spec: o, regex: new RegExp(o.regex, 'i') }));
  if (others.some((o) => spec.samples.some((s) => o.regex.test(s)) || o.spec.samples.some((s) => regex.test(s)))) return false;
  // A built-in sample of the same log must still reach its own pattern (user packs are tried first).
  return !known.patternsFor(kind).some((p) => p.spec.samples.some((s) => regex.test(sampleMessage(s))));
}
