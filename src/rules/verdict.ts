// One verdict per device: the rule id of the error finding that explains the earliest failed
// action (what stopped the template); `no-failure` when nothing failed and no error was
// found; `unexplained-failure` when an action failed and no rule explains it.
import type { Timeline } from '../types.js';
import type { RuleFinding } from './engine.js';
import { failures, type Failure } from './facts.js';

export const NO_FAILURE = 'no-failure';
export const UNEXPLAINED_FAILURE = 'unexplained-failure';
/** A bundle of which nothing could be read. */
export const UNREADABLE = 'unreadable';

/** The verdicts of the scan/sync race, whose packages the fleet summary counts. */
export const RACE_VERDICTS: readonly string[] = ['vulscan-blocked-sdclient', 'policysync-blocked-sdclient'];

/** The plain-language sentence of the verdicts no rule stands for (rules carry their own in meta.explanation). */
export const VERDICT_EXPLANATIONS: Record<string, string> = {
  [NO_FAILURE]: 'No provisioning action failed in these logs.',
  [UNEXPLAINED_FAILURE]: 'A provisioning action failed, but no rule recognised the cause; the log lines around the failure are shown for a person to read.',
  [UNREADABLE]: 'Nothing in this bundle could be read as a log entry (no log file, or files that are empty, binary or in a shape ldforensics cannot read), so nothing could be diagnosed; see the errors.',
};

export interface Verdict {
  verdict: string;
  failure: Failure | undefined;
}

export function verdictOf(timeline: Timeline, findings: readonly RuleFinding[]): Verdict {
  const errors = findings.filter((f) => f.finding.severity === 'error');
  // What stopped the template is its earliest failed action; a failed sdclient run that was no
  // template action (a task pushed from the core) only decides where the template left no word.
  // A NoCheck action's failure is ignored by the template: it did not stop it.
  const all = failures(timeline).filter((f) => f.action?.noCheck !== true);
  const first = all.find((f) => f.action !== undefined) ?? all[0];
  if (first) {
    const explaining = errors.find((f) => (first.action !== undefined && f.action === first.action)
      || (first.action === undefined && first.run !== undefined && f.run === first.run));
    return { verdict: explaining ? explaining.finding.rule : UNEXPLAINED_FAILURE, failure: first };
  }
  const error = errors[0];
  return { verdict: error ? error.finding.rule : NO_FAILURE, failure: undefined };
}
