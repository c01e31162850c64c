// package-install-failed: the package's own installer failed (e.g. MSI 1603) with nothing
// else in the way. This is the failure the race is most often mistaken for, and the other
// way round: a vulscan that happened to be waiting on this very run did not cause it.
import { hexCode } from '../parsers/codes.js';
import { isDistribution } from '../timeline/actions.js';
import type { Rule } from '../types.js';
import { BUSY_CODES, TOLERANCE_MS, chain, downloadFailed, installerFailed, installerLikeCode, clock, describeAction, hasFailureCode, provisioningLines, runsOf, aboutFailure, onEachFailure } from './facts.js';

const rule: Rule = {
  meta: {
    id: 'package-install-failed',
    title: 'The package\'s own installer failed',
    description: 'A package\'s own installer returned a failure (e.g. 1603) with nothing else in the way.',
    explanation: 'The package\'s own installer ran and reported a failure (for example Windows Installer error 1603); nothing else was in the way.',
    severity: 'error',
    fix: 'Fix the package, not the template: run its installer by hand on a freshly imaged device with the same command line (for an MSI, add /l*v to get its log), check its prerequisites and the account it runs as, then update the package. The scheduler and the agent are not the cause.',
    references: ['Microsoft: Windows Installer error codes (1603: fatal error during installation)'],
    falsePositives: ['Installers that return a non-zero code on success (e.g. a custom "already installed" code): add the code to the package\'s success codes.'],
    messages: {
      failed: 'At {failedAt} the installer of {action} returned {code} ({hex}){codeName}. Nothing else was in the way{waiting}.',
      actionOnly: 'The template\'s action {action} failed with {code} ({hex}), an installer\'s exit code; this bundle has no sdclient log of the run.{typeNote}',
      codeOnly: '{action} failed with {code} ({hex}), an installer\'s exit code; sdclient\'s log of the run names no other cause (no refusal, no download error) in words ldforensics knows.',
    },
  },
  create(context) {
    return onEachFailure(context, (failure, timeline) => {
      // An action that runs no sdclient (Execute file, Join domain, …) has no installer: action-failed reads it.
      if (failure.action?.type !== undefined && !isDistribution(failure.action)) return;
      // A failure known from a .stat alone (no action, no sdclient run) shows no installer at work:
      // its code is said with the unexplained failure (report.ts), not taken for the package's own.
      if (failure.action === undefined && failure.run === undefined && failure.event.kind === 'task-status') return;
      const run = failure.run;
      const code = failure.code;
      const result = run?.keyEvents.find((e) => e.kind === 'package-result');
      if (run && result?.code !== undefined && installerFailed(run) && !downloadFailed(run)) {
        const bystanders = [...runsOf(timeline, 'vulscan'), ...runsOf(timeline, 'policysync')]
          .filter((w) => w.start <= run.end + TOLERANCE_MS && w.end + TOLERANCE_MS >= run.start);
        context.report({
          messageId: 'failed',
          data: {
            failedAt: clock(result.time),
            action: describeAction(failure),
            code: result.code,
            hex: hexCode(result.code),
            codeName: result.code === 1603 ? ', "fatal error during installation"' : '',
            waiting: bystanders.length > 0 ? ` (${bystanders.map((w) => w.process).join(' and ')} ran alongside but sdclient did not refuse: the installer itself failed)` : '',
          },
          evidence: chain(
            run.keyEvents.find((e) => e.kind === 'process-start'),
            run.keyEvents.find((e) => e.kind === 'package-name'),
            result,
            run.keyEvents.find((e) => e.kind === 'task-status-sent'),
            run.keyEvents.find((e) => e.kind === 'process-exit'),
            provisioningLines(timeline, failure),
          ),
          confidence: 'high',
          time: result.time,
          ...aboutFailure(failure),
        });
      } else if (code !== undefined && hasFailureCode(code) && installerLikeCode(code) && !BUSY_CODES.has(code)
        && (!run || (run.refusedBy === undefined && !downloadFailed(run) && !run.keyEvents.some((e) => e.kind === 'package-result')))) {
        // The action's code is an installer's own, and sdclient's lines (if any) say nothing against it.
        context.report({
          messageId: run ? 'codeOnly' : 'actionOnly',
          data: {
            action: describeAction(failure),
            code,
            hex: hexCode(code),
            typeNote: !run && failure.action !== undefined && failure.action.type === undefined
              ? ' The provisioning log does not say which type of action this was; it is taken for a distribution, one step less sure.' : '',
          },
          evidence: chain(run?.firstEvent, run?.lastEvent, failure.event, provisioningLines(timeline, failure)),
          // Without its own sdclient run, and with no type written, the action may not even be a distribution: one step less sure.
          confidence: !run && failure.action !== undefined && failure.action.type === undefined ? 'low' : 'medium',
          time: failure.time,
          ...aboutFailure(failure),
        });
      }
    });
  },
};

export default rule;
