// download-failed: sdclient could not download or hash the package (Download Error, sdmcache
// hash mismatch). The cause is the package source or the network path, not the device's
// scheduler: admins should look at the package share, preferred servers and the hash.
import { hexCode } from '../parsers/codes.js';
import type { Rule } from '../types.js';
import { DOWNLOAD_CODES, chain, clock, decisiveEvent, describeAction, downloadFailed, provisioningLines, aboutFailure, onEachFailure } from './facts.js';

/** The download failures' return codes as the console names them (seen). */
const DOWNLOAD_CODE_NAMES: Record<number, string> = {
  105: 'return code 105, "General download failure"',
  16442: 'return code 16442, "Failed to download and hash all additional files"',
};

const rule: Rule = {
  meta: {
    id: 'download-failed',
    title: 'The package could not be downloaded',
    description: 'The package could not be downloaded or hashed, so the distribution action failed.',
    explanation: 'The package could not be downloaded (or its hash did not match), so the distribution action failed before anything was installed.',
    severity: 'error',
    fix: 'Check that the package\'s files are reachable from the device at provisioning time (the package share or web URL, its permissions, the preferred server and peer download settings), and re-hash the package in the console if its files changed. Then re-run the action.',
    references: ['Ivanti: sdclient "Download Error" and sdmcache hash failures in sdclient.log'],
    falsePositives: ['A download that failed once and then succeeded on retry within the same run: the run\'s result code is then a success and this rule does not fire.'],
    messages: {
      failed: 'At {failedAt} {action} failed: sdclient could not download or hash the package ({detail}).',
    },
  },
  create(context) {
    return onEachFailure(context, (failure, timeline) => {
      const run = failure.run;
      const code = failure.code;
      const codeSays = code !== undefined && DOWNLOAD_CODES.has(code);
      if (run ? !downloadFailed(run) || run.refusedBy !== undefined : !codeSays) return;
      const errors = run?.keyEvents.filter((e) => e.kind === 'download-error') ?? [];
      // The download error's own line where sdclient wrote one; else the code (105, 16442) says it.
      const first = errors[0] ?? (run ? decisiveEvent(run) : failure.event);
      context.report({
        messageId: 'failed',
        data: {
          failedAt: clock(first.time),
          action: describeAction(failure),
          detail: errors[0] ? (errors[0].text.split('\n')[0] ?? '').slice(0, 160) : DOWNLOAD_CODE_NAMES[code ?? 0] ?? `return code ${code ?? '?'}`,
        },
        evidence: chain(
          run?.keyEvents.find((e) => e.kind === 'process-start'),
          run?.keyEvents.find((e) => e.kind === 'package-name'),
          errors.slice(0, 4),
          run?.keyEvents.find((e) => e.kind === 'package-result'),
          run ? decisiveEvent(run) : undefined,
          provisioningLines(timeline, failure),
        ),
        confidence: errors[0] ? 'high' : 'medium',
        time: first.time,
        ...aboutFailure(failure),
        fix: `${rule.meta.fix}${code !== undefined ? ` (return code ${code}, ${hexCode(code)})` : ''}`,
      });
    });
  },
};

export default rule;
