// sdclient-overlap: two distributions at once. sdclient refuses to start while another
// sdclient.exe runs ("a task is already in progress"): a template that launches two
// distribution actions in parallel, or a policy-driven distribution arriving mid-template.
import { hexCode } from '../parsers/codes.js';
import type { Rule, Window } from '../types.js';
import {
  BUSY_CODES, TOLERANCE_MS, chain, downloadFailed, installerFailed, clock, decisiveEvent, describeAction, isShort, openSdclientRunAt, provisioningLines, runsOf, aboutFailure, onEachFailure } from './facts.js';

const rule: Rule = {
  meta: {
    id: 'sdclient-overlap',
    title: 'Two distributions ran at once',
    description: 'An sdclient refused to run because another sdclient was already running.',
    explanation: 'Two software distributions ran at the same time: the second found the first still running and refused to start.',
    severity: 'error',
    fix: 'Make the template run its "Distribute software" actions one after another (not in parallel), and keep policy-based or scheduled distributions from targeting devices while they provision (e.g. exclude the provisioning query or container). Stop-gap: retry the failed action.',
    references: ['Ivanti: sdclient returns "a task is already in progress" when another sdclient.exe or vulscan.exe runs'],
    falsePositives: ['A leftover sdclient from an earlier attempt that hung: its log shows no exit line; check whether it really ran at the time.'],
    messages: {
      named: 'At {failedAt} sdclient refused to run {action} because another sdclient.exe was running{other}.',
      windows: 'No line names the conflict, but another sdclient run{other} was open when {action} started at {failedAt} and failed within moments.',
    },
  },
  create(context) {
    return onEachFailure(context, (failure, timeline) => {
      const run = failure.run;
      if (!run || downloadFailed(run) || installerFailed(run)) return;
      if (run.refusedBy !== undefined && run.refusedBy !== 'sdclient' && run.refusedBy !== 'unknown') return;
      // The run still open when this one began: of those that started before it, the one that ran longest.
      // A run that wrote its exit line before this one began was not in the way.
      const other: Window | undefined = openSdclientRunAt(timeline, run);
      const named = run.refusedBy === 'sdclient';
      if (!named) {
        // Windows alone: another sdclient open at the start, and no background task that explains it better.
        const background = [...runsOf(timeline, 'vulscan'), ...runsOf(timeline, 'policysync')]
          .some((w) => w.start <= run.start + TOLERANCE_MS && w.end + TOLERANCE_MS >= run.start);
        if (!other || background || !isShort(run) || other.end <= run.start + TOLERANCE_MS) return;
        if (failure.code !== undefined && !BUSY_CODES.has(failure.code) && run.refusedBy !== 'unknown') return;
      }
      const refusal = decisiveEvent(run);
      context.report({
        messageId: named ? 'named' : 'windows',
        data: {
          failedAt: clock(run.start),
          action: describeAction(failure),
          other: other ? ` (${other.packageName ? `"${other.packageName}", ` : ''}${other.file.split('/').pop() ?? other.file} from ${clock(other.start)})` : '',
        },
        // Two runs interleave here: read their lines in time order.
        evidence: chain(
          other?.keyEvents[0],
          other?.keyEvents.find((e) => e.kind === 'package-name'),
          run.keyEvents.find((e) => e.kind === 'process-start'),
          run.keyEvents.find((e) => e.kind === 'package-name'),
          refusal,
          run.keyEvents.find((e) => e.kind === 'package-result'),
          other?.keyEvents.find((e) => e.kind === 'process-exit' || e.kind === 'package-result'),
          provisioningLines(timeline, failure),
        ).sort((a, b) => a.time - b.time),
        confidence: named ? (other ? 'high' : 'medium') : 'low',
        time: refusal.time,
        ...aboutFailure(failure),
        fix: `${rule.meta.fix.replace('retry the failed action.', `retry ${describeAction(failure)}.`)}${failure.code !== undefined ? ` (return code ${failure.code}, ${hexCode(failure.code)})` : ''}`,
      });
    });
  },
};

export default rule;
