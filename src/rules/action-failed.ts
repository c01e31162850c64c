// action-failed: a provisioning action that is not a distribution failed (Execute file, Join
// domain, Reboot/Shutdown, Configure target OS, Install service, …). Only "Distribute software"
// and "Patch system" run sdclient (FORMATS.md), so such an action is never a refused
// distribution, whatever else was running, and its code is the code of what it ran, not an
// installer's: it is explained from the code where the code is a known one.
import { codeMeaning, describeCode } from '../parsers/code-meanings.js';
import { isDistribution } from '../timeline/actions.js';
import type { Rule, Timeline } from '../types.js';
import { TOLERANCE_MS, aboutFailure, chain, clock, onEachFailure, provisioningLines, runsOf, type Failure } from './facts.js';

/** The advice per kind of action, matched on the type as the provisioning log writes it. */
const FIXES: readonly (readonly [RegExp, string])[] = [
  [/join|domain/i, 'Check the domain name and DNS as the device sees them during provisioning, the join account\'s rights and password, and whether the computer account '
    + 'already exists (since Microsoft\'s 2022 hardening an existing computer account is not reused: delete it first, or allow its reuse). '
    + 'The device\'s NetSetup.LOG (NetSetup.txt in the gathering script\'s bundle) says why the join failed.'],
  [/reboot|shutdown|restart/i, 'Windows did not restart as asked: look at the device\'s System event log around this time for a shutdown already in progress or refused, '
    + 'and at the step before (an installer that began its own restart). Re-run the template from this action.'],
  [/target os|configure os|image/i, 'The hand-off from WinPE to Windows failed: check the OS image and the drivers chosen for this hardware (HIIClient.log, setupapi.offline.log, dism.log).'],
  [/execute|run|script|command/i, 'Run the same program with the same arguments by hand on a freshly imaged device, as the account the template uses (SYSTEM), and read its own log. '
    + 'If it returns a non-zero code on success, say so in the action (or wrap it in a script that returns 0).'],
];
const GENERIC_FIX = 'Look at what this action runs and at its own log on the device; the code below is that program\'s, not an installer\'s and not the agent\'s.';

export function actionFix(type: string): string {
  return FIXES.find(([pattern]) => pattern.test(type))?.[1] ?? GENERIC_FIX;
}

/** A scan or sync that ran over the failed action: said, and said not to be the cause. */
function alongside(timeline: Timeline, failure: Failure): string {
  const at = failure.time;
  const running = (['vulscan', 'policysync'] as const).filter((p) => runsOf(timeline, p)
    .some((w) => w.start <= at + TOLERANCE_MS && w.end + TOLERANCE_MS >= at - 60_000));
  if (running.length === 0) return '';
  const names = running.map((p) => (p === 'vulscan' ? 'vulscan' : 'the policy sync')).join(' and ');
  return ` ${names[0]?.toUpperCase() ?? ''}${names.slice(1)} ${running.length > 1 ? 'were' : 'was'} running at the time; it cannot refuse an action that runs no sdclient, so it is not the cause.`;
}

const rule: Rule = {
  meta: {
    id: 'action-failed',
    title: 'A provisioning action that is not a distribution failed',
    description: 'An Execute file, Join domain, Reboot/Shutdown, Configure target OS or other non-distribution action failed; its code is what it ran, explained where it is a known Windows, HRESULT, MSI or wrapper code.',
    explanation: 'A provisioning action that installs no package (an Execute file, Join domain, Reboot or similar step) failed with its own return code; it runs no sdclient, so neither an installer nor the scan/sync race is the cause.',
    severity: 'error',
    fix: GENERIC_FIX,
    references: [
      'FORMATS.md: only Distribute software and Patch system actions run sdclient',
      'Microsoft: System Error Codes (winerror.h), Windows Installer error codes, lmerr.h network management errors',
      'PSAppDeployToolkit: exit code ranges 60000-68999 (toolkit), 69000-69999 (script), 70000-79999 (extensions)',
    ],
    falsePositives: ['A program that returns a non-zero code on success: the action\'s success codes must list it.'],
    messages: {
      failed: 'Action {number} "{name}" ({type}) failed at {failedAt} with {code}. {meaning}A {type} action runs no sdclient: this is the action\'s own failure, not an installer\'s and not the scan/sync race.{alongside}',
    },
  },
  create(context) {
    return onEachFailure(context, (failure, timeline) => {
      const action = failure.action;
      if (action?.type === undefined || isDistribution(action)) return;
      const code = failure.code ?? action.code;
      const meaning = code !== undefined ? codeMeaning(code) : undefined;
      context.report({
        messageId: 'failed',
        data: {
          number: action.number ?? '?',
          name: action.name ?? failure.packageName ?? '',
          type: action.type,
          failedAt: clock(failure.time),
          code: code !== undefined ? describeCode(code) : 'no return code',
          meaning: meaning === undefined && code !== undefined ? 'The code is not one of the well-known Windows, HRESULT, Windows Installer or wrapper codes: it is the program\'s own. ' : '',
          alongside: alongside(timeline, failure),
        },
        evidence: chain(failure.event, provisioningLines(timeline, failure)),
        confidence: 'high',
        time: failure.time,
        fix: `${actionFix(action.type)}${code !== undefined ? ` The return code: ${describeCode(code)}.` : ''}`,
        ...aboutFailure(failure),
      });
    });
  },
};

export default rule;
