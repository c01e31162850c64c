// One verdict per template run: the rule id of the error finding that explains the run's
// earliest failed action (what stopped the template); `no-failure` when nothing failed and no
// error was found; `unexplained-failure` when an action failed and no rule explains it;
// `incomplete` where the logs end after an action began and before its result. A bundle is a
// device's history: the latest run decides the device's verdict, the earlier ones are shown.
import type { Event, Timeline } from '../types.js';
import { runNumberAt, templateRuns, type RunHistory, type TemplateRun } from '../timeline/runs.js';
import type { RuleFinding } from './engine.js';
import { failures, type Failure } from './facts.js';

export const NO_FAILURE = 'no-failure';
export const UNEXPLAINED_FAILURE = 'unexplained-failure';
/** A bundle of which nothing could be read. */
export const UNREADABLE = 'unreadable';
/** The logs end in the middle of the template: an action began and nothing says how it ended. */
export const INCOMPLETE = 'incomplete';
/** The template's logs were read, but none of their lines is in a wording any pattern knows. */
export const WORDING_NOT_RECOGNISED = 'wording-not-recognised';
/** Logs were read, but none that records the template's work: no sdclient, provisioning or task status entry. */
export const NO_TEMPLATE_LOGS = 'no-template-logs';

/** The verdicts of the scan/sync race, whose packages the fleet summary counts. */
export const RACE_VERDICTS: readonly string[] = ['vulscan-blocked-sdclient', 'policysync-blocked-sdclient'];

/** The plain-language sentence of the verdicts no rule stands for (rules carry their own in meta.explanation). */
export const VERDICT_EXPLANATIONS: Record<string, string> = {
  [NO_FAILURE]: 'No provisioning action failed in these logs.',
  [UNEXPLAINED_FAILURE]: 'A provisioning action failed, but no rule recognised the cause; the log lines around the failure are shown for a person to read.',
  [INCOMPLETE]: 'The provisioning template had not finished where these logs end: an action began, and no line says how it ended or that the template stopped or completed. Gather the logs again once the template is over, or look at the device.',
  [WORDING_NOT_RECOGNISED]: 'The template\'s logs were read, but not one of their lines is in a wording ldforensics knows (another language, or another agent version), '
    + 'so whether the template failed cannot be told from them. Draft patterns for this wording with "ldforensics patterns suggest <bundle>", review them, and run again with --patterns <pack>.',
  [NO_TEMPLATE_LOGS]: 'None of the logs that record the template\'s work is in this bundle with an entry in it (sdclient.log or sdclient_task<ID>.log, the provisioning log, a CP.<id>.RunNow.stat), so whether the template failed cannot be told from what is here. '
    + 'Gather the device\'s logs again with the vendor\'s gathering script: sdclient\'s are in C:\\ProgramData\\LANDesk\\Log\\ (or the LDClient folder on older agents), the provisioning agent\'s in C:\\ldprovisioning\\.',
  [UNREADABLE]: 'Nothing in this bundle could be read as a log entry (no log file, or files that are empty, binary or in a shape ldforensics cannot read), so nothing could be diagnosed; see the errors.',
};

/** One template run's outcome: its verdict, the failure that decides it, and the finding that explains it. */
export interface RunVerdict {
  run: TemplateRun;
  verdict: string;
  failure: Failure | undefined;
  finding?: RuleFinding;
  /** For `incomplete`: the action begun with no result after it. */
  unfinished?: Event;
}

export interface Verdict {
  verdict: string;
  failure: Failure | undefined;
  /** For `incomplete`: the action begun with no result after it. */
  unfinished?: Event;
  /** Every template run in time order (the last decides); empty where the timeline has no event. */
  runs: RunVerdict[];
  /** Lines older than the first run: an image's leftovers, never the verdict. */
  before?: RunHistory;
}

/** The verdict of a set of failures and error findings: those of one run. */
function judge(all: readonly Failure[], errors: readonly RuleFinding[]): { verdict: string; failure: Failure | undefined; finding?: RuleFinding } {
  // What stopped the template is its earliest failed action; a failed sdclient run that was no
  // template action (a task pushed from the core) only decides where the template left no word.
  const first = all.find((f) => f.action !== undefined) ?? all[0];
  if (first) {
    const explaining = errors.find((f) => (first.action !== undefined && f.action === first.action)
      || (first.action === undefined && first.run !== undefined && f.run === first.run));
    return explaining ? { verdict: explaining.finding.rule, failure: first, finding: explaining } : { verdict: UNEXPLAINED_FAILURE, failure: first };
  }
  const error = errors[0];
  return error ? { verdict: error.finding.rule, failure: undefined, finding: error } : { verdict: NO_FAILURE, failure: undefined };
}

export function verdictOf(timeline: Timeline, findings: readonly RuleFinding[]): Verdict {
  const errors = findings.filter((f) => f.finding.severity === 'error');
  // A NoCheck action's failure is ignored by the template: it did not stop it. A run after the
  // template completed is no step of it (facts.ts, Failure.afterTemplate).
  const all = failures(timeline).filter((f) => f.action?.noCheck !== true && f.afterTemplate === undefined);
  const split = templateRuns(timeline);
  if (split.runs.length === 0) return { ...judge(all, errors), runs: [] };
  const runs: RunVerdict[] = split.runs.map((run) => {
    const inRun = (time: number): boolean => runNumberAt(split, time) === run.number;
    const judged: RunVerdict = { run, ...judge(all.filter((f) => inRun(f.time)), errors.filter((f) => inRun(f.at))) };
    if (judged.verdict === NO_FAILURE && run.unfinished) {
      judged.verdict = INCOMPLETE;
      judged.unfinished = run.unfinished;
    }
    return judged;
  });
  const latest = runs[runs.length - 1];
  const verdict: Verdict = { verdict: latest?.verdict ?? NO_FAILURE, failure: latest?.failure, runs };
  if (latest?.unfinished) verdict.unfinished = latest.unfinished;
  if (split.before) verdict.before = split.before;
  return verdict;
}
