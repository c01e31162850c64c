// scan-during-provisioning: vulscan or the policy sync ran while distribution actions were
// still to come, and this time nothing failed. The device is at risk: the same template
// fails on the next build whenever the scheduler's random delay lands inside a distribution.
import type { Rule, Window } from '../types.js';
import { RACE_FIX } from './background-task.js';
import { TOLERANCE_MS, chain, clock, failures, firstOfKind, runsOf, schedulerLines, sdclientRuns } from './facts.js';

const rule: Rule = {
  meta: {
    id: 'scan-during-provisioning',
    title: 'A scan or policy sync ran during provisioning',
    description: 'vulscan or the policy sync ran while distribution actions were still to come, but nothing failed this time: the device is at risk.',
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
        for (const task of tasks) {
          const remaining = distributions.filter((d) => d.start + TOLERANCE_MS >= task.start);
          const first = distributions[0];
          // Only runs inside provisioning: after a distribution began and before the last one did.
          if (!first || task.start < first.start - TOLERANCE_MS || remaining.length === 0) continue;
          const overlapped = distributions.find((d) => d.start <= task.start + TOLERANCE_MS && d.end >= task.start);
          const next = remaining[0];
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
          });
          return;
        }
      },
    };
  },
};

export default rule;
