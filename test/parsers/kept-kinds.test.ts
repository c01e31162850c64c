// In a large log only the kinds in KEPT_ALWAYS outlive the newest entries a diagnosis keeps (the
// rest give way, counted). A kind a rule or the timeline reads that is not among them reads fine
// on a small bundle and vanishes from a large one: a failed run whose only result line was its
// task status read as healthy that way. This holds every kind the code that reads events names
// to the list (after knip's check that what is used is declared).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEPT_ALWAYS } from '../../src/parsers/line-log.js';
import { EVENT_KINDS } from '../../src/parsers/patterns.js';

const SRC = path.join(import.meta.dirname, '..', '..', 'src');
/** Where events are read: the rules, the timeline, the report. */
const READERS = [...readdirSync(path.join(SRC, 'rules')).map((f) => path.join('rules', f)), ...readdirSync(path.join(SRC, 'timeline')).map((f) => path.join('timeline', f)), 'report.ts'];
/** Not kept aside, by design: unknown wording is noise; of an installer's progress a run's first line is kept (KeptAside). */
const NOT_KEPT_BY_DESIGN = new Set(['message', 'installer-activity']);

describe('the kinds kept aside in a large log', () => {
  it('hold every event kind the rules, the timeline and the report name', () => {
    const named = new Map<string, string[]>();
    for (const file of READERS) {
      const text = readFileSync(path.join(SRC, file), 'utf8');
      for (const kind of EVENT_KINDS) {
        if (text.includes(`'${kind}'`)) named.set(kind, [...(named.get(kind) ?? []), file]);
      }
    }
    // The check sees what it should: the kinds read in many places are found.
    expect([...named.keys()]).toEqual(expect.arrayContaining(['process-start', 'busy-refusal', 'task-status-sent', 'command-line']));
    const missing = [...named.keys()].filter((kind) => !KEPT_ALWAYS.has(kind as never) && !NOT_KEPT_BY_DESIGN.has(kind)).map((kind) => `${kind} (${named.get(kind)!.join(', ')})`);
    expect(missing).toEqual([]);
  });
});
