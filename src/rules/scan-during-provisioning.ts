// scan-during-provisioning: vulscan or the policy sync ran while distribution actions were
// still to come, and this time nothing failed. The device is at risk: the same template
// fails on the next build whenever the scheduler's random delay lands inside a distribution.
import type { Rule, Timeline, Window } from '../types.js';
import { RACE_FIX, agentInPlaceFix, farFutureAt, type BackgroundProcess } from './background-task.js';
import { TOLERANCE_MS, chain, clock, eventsOfKind, failures, firstOfKind, runsOf, schedulerLines, sdclientRuns } from './facts.js';

/**
 * A run the scheduler started, or one that scanned or waited: the runs that can block a
 * distribution. The agent installer's own short vulscan call (/ChangeSettings) is none of these.
 */
function isScheduledWork(timeline: Timeline, task: Window): boolean {
  if (task.process === 'policysync' || task.waitStart !== undefined || task.scanStart !== undefined) return true;
  if (task.keyEvents.some((e) => e.kind === 'command-line' && /\/scan\b/i.test(e.text))) return true;
  return eventsOfKind(timeline, 'task-launched').some((e) => e.process === task.process
    && e.time <= task.start + TOLERANCE_MS && e.time >= task.start - LAUNCH_LAG_MS);
}

/** How long after the scheduler's launch line a program's own first line may come. */
const LAUNCH_LAG_MS = 10 * 60 * 1000;

/** A template runs within hours; a task run further from the next distribution is not this build's. */
const PROVISIONING_SPAN_MS = 12 * 60 * 60 * 1000;

/** The provisioning-only agent was in place when the task ran: its fix is not the advice. */
function inPlace(timeline: Timeline, task: Window): boolean {
  return task.process !== 'sdclient' && farFutureAt(timeline, task.process, task.start) !== undefined;
}

const rule: Rule = {
  meta: {
    id: 'scan-during-provisioning',
    title: 'A scan or policy sync ran during provisioning',
    description: 'vulscan or the policy sync ran while distribution actions were still to come, but nothing failed this time: the device is at risk.',
    explanation: 'The security scan or the policy sync ran while distributions were still to come; nothing failed this time, but the timing can fail the next build.',
    severity: 'warning',
    fix: `Nothing failed this time, but the next build can. ${RACE_FIX.replace(' Stop-gap: retry the failed action.', '')}`,
    references: ['Ivanti: the agent install registers the security scan and policy sync to run at once, with up to 3600 s random delay'],
    falsePositives: ['A scan started by hand, or a template whose distributions all ran before the agent was installed.'],
    messages: {
      ran: '{task} ran from {start} to {end}, while {remaining} distribution action(s) were still to come{overlap}. Nothing failed this time; the timing decides, not the packages.',
    },
  },
  create(context) {
    return {
      end() {
        const timeline = context.timeline;
        // "Nothing failed this time": a failed device gets its cause from the error rules instead.
        if (failures(timeline).length > 0) return;
        const distributions = sdclientRuns(timeline);
        const tasks: Window[] = [...runsOf(timeline, 'vulscan'), ...runsOf(timeline, 'policysync')].sort((a, b) => a.start - b.start);
        for (const task of tasks.filter((t) => isScheduledWork(timeline, t))) {
          const remaining = distributions.filter((d) => d.start + TOLERANCE_MS >= task.start);
          const next = remaining[0];
          // Only runs inside provisioning: with distributions still to come, the next within the day
          // (a scan from an earlier day in a rotated log is not this build's).
          if (!next || next.start - task.start > PROVISIONING_SPAN_MS) continue;
          const overlapped = distributions.find((d) => d.start <= task.start + TOLERANCE_MS && d.end >= task.start);
          context.report({
            messageId: 'ran',
            data: {
              task: task.process === 'vulscan' ? 'vulscan' : 'The policy sync',
              start: clock(task.start),
              end: clock(task.end),
              remaining: remaining.length,
              overlap: overlapped ? ` (it began during ${overlapped.packageName ? `"${overlapped.packageName}"` : 'a distribution'} and waited for it)` : '',
            },
            evidence: chain(
              schedulerLines(timeline, task.process, task.start),
              task.keyEvents[0],
              firstOfKind(task, 'waiting'),
              firstOfKind(task, 'scanning'),
              next?.keyEvents[0],
              task.keyEvents[task.keyEvents.length - 1],
            ),
            confidence: firstOfKind(task, 'waiting') || firstOfKind(task, 'scanning') ? 'high' : 'medium',
            time: task.start,
            ...(inPlace(timeline, task) ? { fix: `Nothing failed this time, but the next build can. ${agentInPlaceFix(task.process as BackgroundProcess)}` } : {}),
          });
          return;
        }
      },
    };
  },
};

export default rule;
