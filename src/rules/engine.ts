// Runs the rules over one device's timeline and turns their reports into findings (the rules
// never build findings themselves, as in ESLint). One failure is explained by one error rule:
// where two claim the same failed action, the better-founded claim stays.
import { eventIso, isoTime } from '../timeline/iso.js';
import type { ActionResult, Confidence, Event, EvidenceLine, Finding, Rule, RuleReport, Severity, Timeline, WallTime, Window } from '../types.js';

/** A finding with what the verdict needs: which failed action it explains. */
export interface RuleFinding {
  finding: Finding;
  /** The decisive event's wall time (the finding's time before it became text): which template run it belongs to. */
  at: WallTime;
  action?: ActionResult;
  run?: Window;
  order: number;
  /** An error rule's claim to explain a failure (also where a NoCheck action made it a warning). */
  explains: boolean;
}

const CONFIDENCE_RANK: Record<Confidence, number> = { high: 3, medium: 2, low: 1 };
const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** Fills `{name}` placeholders; an unknown placeholder stays visible rather than vanishing. */
export function fillMessage(template: string, data: Record<string, string | number> = {}): string {
  const text = template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in data ? String(data[name]) : whole));
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function evidenceLine(event: Event, zone?: string): EvidenceLine {
  return { file: event.file, line: event.line, time: eventIso(event, zone), text: event.text };
}

function toFinding(rule: Rule, report: RuleReport, zone: string | undefined): Finding {
  const template = rule.meta.messages[report.messageId];
  if (template === undefined) throw new Error(`rule ${rule.meta.id} reported unknown messageId "${report.messageId}"`);
  if (report.evidence.length === 0) throw new Error(`rule ${rule.meta.id} reported a finding without evidence`);
  // The template ignores a NoCheck action's failure and goes on: what failed there is worth
  // knowing (the package is missing), but it is not what stopped the template.
  const ignored = report.action?.noCheck === true && rule.meta.severity === 'error';
  // A run after the template completed is a task run later (pushed, scheduled), not a step of it.
  const later = report.afterTemplate !== undefined && rule.meta.severity === 'error' ? report.afterTemplate : undefined;
  return {
    rule: rule.meta.id,
    severity: ignored || later ? 'warning' : rule.meta.severity,
    confidence: report.confidence,
    time: isoTime(report.time, zone),
    package: report.packageName ?? report.action?.name ?? null,
    actionNumber: report.action?.number ?? null,
    message: fillMessage(template, report.data) + (ignored ? ' The action\'s name carries NoCheck, so the template ignored this failure and went on; the package is not installed.' : '')
      + (later ? ` This run began after the template had completed (${isoTime(later.time, zone)}, ${later.file}:${later.line}): a task run later, not a step of the template, so it does not decide the device's verdict; the package is not installed.` : ''),
    fix: report.fix ?? rule.meta.fix,
    evidence: report.evidence.map((e) => evidenceLine(e, zone)),
  };
}

/** The key of the failure an error finding explains: its action, else its time and package. */
function failureKey(found: RuleFinding): unknown {
  return found.action ?? found.run ?? `${found.finding.time}|${found.finding.package ?? ''}`;
}

export function runRules(timeline: Timeline, rules: readonly Rule[], zone?: string): RuleFinding[] {
  const found: RuleFinding[] = [];
  rules.forEach((rule, ruleIndex) => {
    const reports: RuleReport[] = [];
    const handlers = rule.create({ timeline, report: (r) => reports.push(r) });
    if (handlers.event) for (const event of timeline.events) handlers.event(event);
    handlers.end?.();
    for (const report of reports) {
      const entry: RuleFinding = { finding: toFinding(rule, report, zone), at: report.time, order: ruleIndex, explains: rule.meta.severity === 'error' };
      if (report.action) entry.action = report.action;
      if (report.run) entry.run = report.run;
      found.push(entry);
    }
  });
  // One cause per failure: keep the most confident error claim (registry order breaks ties).
  const best = new Map<unknown, RuleFinding>();
  for (const entry of found) {
    if (!entry.explains) continue;
    const key = failureKey(entry);
    const current = best.get(key);
    const better = !current
      || CONFIDENCE_RANK[entry.finding.confidence] > CONFIDENCE_RANK[current.finding.confidence]
      || (CONFIDENCE_RANK[entry.finding.confidence] === CONFIDENCE_RANK[current.finding.confidence] && entry.order < current.order);
    if (better) best.set(key, entry);
  }
  const kept = found.filter((entry) => !entry.explains || best.get(failureKey(entry)) === entry);
  // Errors first, then by time: the report reads from the cause down to the context.
  return kept.sort((a, b) => SEVERITY_RANK[b.finding.severity] - SEVERITY_RANK[a.finding.severity]
    || a.finding.time.localeCompare(b.finding.time) || a.order - b.order);
}
