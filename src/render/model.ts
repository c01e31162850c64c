// What several renderers derive from a DeviceReport the same way: the verdict's finding,
// its tone (colour), its plain-language explanation, the headline, unparsed counts, times.
import { passedOverSentence } from '../passed-over.js';
import { hexCode } from '../parsers/codes.js';
import { isAtRisk } from '../report.js';
import { INCOMPLETE, NO_FAILURE } from '../rules/verdict.js';
import type { Confidence, DeviceReport, Finding, Summary } from '../types.js';

export { NO_FAILURE, RACE_VERDICTS } from '../rules/verdict.js';

/** The colour family of a verdict: a failure's severity, or ok for no failure. */
export type Tone = 'ok' | 'info' | 'warning' | 'error';


/** The finding that decided the verdict (its rule id is the verdict), if any. */
export function verdictFinding(device: DeviceReport): Finding | undefined {
  return device.findings.find((finding) => finding.rule === device.verdict);
}

export function verdictTone(device: DeviceReport): Tone {
  if (device.verdict === NO_FAILURE) return 'ok';
  const finding = verdictFinding(device);
  if (finding) return finding.severity;
  return 'error';
}

export function verdictConfidence(device: DeviceReport): Confidence | null {
  return verdictFinding(device)?.confidence ?? null;
}

export function explainVerdict(device: DeviceReport): string {
  return device.explanation;
}

/** "Action 7 (Adobe Reader DC) failed at 2026-03-09 10:02:13.", or null when nothing failed. */
export function headline(device: DeviceReport): string | null {
  if (device.failedAction === null && device.failedPackage === null && device.failureTime === null) {
    return null;
  }
  const what = actionText(device.failedAction, device.failedPackage) ?? 'A provisioning action';
  if (device.verdict === INCOMPLETE) return `${what} began, and the logs end before its result.`;
  const when = device.failureTime !== null ? ` at ${displayTime(device.failureTime)}` : '';
  return `${what} failed${when}.`;
}

function actionText(action: number | null, name: string | null): string | null {
  if (action !== null) return `Action ${action}${name !== null ? ` (${name})` : ''}`;
  return name;
}

/**
 * The device's history, a line each, oldest first: the lines before the first template run,
 * then each run with its verdict and why; the last run decides. Empty for a device of one run.
 */
export function historyLines(device: DeviceReport): string[] {
  const out: string[] = [];
  if (device.before) {
    const b = device.before;
    out.push(`Before the template: ${plural(b.lines, 'line')} from ${displayTime(b.start)} to ${displayTime(b.end)} (${b.files.join(', ')}), an image's or an earlier install's leftovers: not judged.`);
  }
  const runs = device.runs ?? [];
  for (const run of runs) {
    const latest = run === runs[runs.length - 1];
    const what = actionText(run.failedAction, run.failedPackage);
    const why = run.finding ? ` ${run.finding.message}` : '';
    // A run whose logs are not in the bundle: only a task's status file, written a day or more later, tells of it.
    const known = run.startedBy === 'task-status' ? ', known only from a task\'s status file written after every log line' : '';
    out.push(`Run ${run.run}${latest ? ' (latest: decides the verdict)' : ''}, ${displayTime(run.start)} to ${displayTime(run.end)}${run.template !== undefined ? `, template ${run.template}` : ''}${known}: ${run.verdict}${what !== null ? `, ${what}` : ''}.${latest ? '' : why}`);
  }
  return out;
}

export interface UnparsedCount {
  lines: number;
  files: number;
}

export function unparsedCount(device: DeviceReport): UnparsedCount {
  const files = device.files.filter((file) => file.unparsed > 0);
  return { lines: files.reduce((sum, file) => sum + file.unparsed, 0), files: files.length };
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** "3 unparsed lines in 2 files", or null when there are none. */
export function unparsedSentence(device: DeviceReport): string | null {
  const { lines, files } = unparsedCount(device);
  if (lines === 0) return null;
  return `${plural(lines, 'unparsed line')} in ${plural(files, 'file')}`;
}

/** Timestamped entries whose wording no pattern knows: read and kept, not understood. */
export function unrecognisedCount(device: DeviceReport): UnparsedCount {
  const files = device.files.filter((file) => (file.unrecognised ?? 0) > 0);
  return { lines: files.reduce((sum, file) => sum + (file.unrecognised ?? 0), 0), files: files.length };
}

/** "412 timestamped entries in 3 files in wording no pattern knows (…)", or null when there are none. */
export function unrecognisedSentence(device: DeviceReport): string | null {
  const { lines, files } = unrecognisedCount(device);
  if (lines === 0) return null;
  // Every log has some (ordinary messages): a count, not advice; the verdict points to "patterns suggest" where it matters.
  return `${plural(lines, 'timestamped entry').replace(/entrys$/, 'entries')} in ${plural(files, 'file')} in wording no pattern knows (read and shown as plain lines)`;
}

/** An ISO wall-clock time as people read it: "2026-03-09 10:02:13" (offset kept if any). */
export function displayTime(iso: string): string {
  return iso.replace('T', ' ');
}

/** The time of day of an ISO time ("10:02:13"), and its date ("2026-03-09"). */
export function splitTime(iso: string): { date: string; time: string } {
  const at = iso.indexOf('T');
  return at < 0 ? { date: '', time: iso } : { date: iso.slice(0, at), time: iso.slice(at + 1) };
}

/** Verdicts by count (most first), then by id: the order every summary table uses. */
export function verdictsByCount(summary: Summary): [string, number][] {
  return byCount(summary.verdicts);
}

export function racePackagesByCount(summary: Summary): [string, number][] {
  return byCount(summary.racePackages);
}

// Code-unit order, not localeCompare: output must not depend on the machine's locale.
function byCount(counts: Record<string, number>): [string, number][] {
  return Object.entries(counts).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Names per first-run verdict in the summary's sentences (json keeps up to 50). */
const FIRST_RUN_NAMES = 10;

/** The fleet summary's sentences on what a run could not read and on first attempts (every format shows them). */
export function fleetSentences(summary: Summary): string[] {
  const out: string[] = [];
  const passedOver = passedOverSentence(summary.passedOver);
  if (passedOver !== null) out.push(passedOver);
  if (summary.readErrors) {
    out.push(`${plural(summary.readErrors.files, 'log')} on ${plural(summary.readErrors.devices, 'device')} could not be read (see each device's read errors): those devices are never called healthy.`);
  }
  if (summary.firstRuns) {
    const f = summary.firstRuns;
    const causes = byCount(f.causes).filter(([verdict]) => verdict !== NO_FAILURE).map(([verdict, count]) => `${verdict} ${count}`);
    out.push(`First attempt: ${plural(f.rerun, 'device')} needed more than one template run; ${f.failedFirst} of them failed the first${causes.length > 0 ? ` (${causes.join(', ')})` : ''}.`);
    // The devices grouped by their first run's verdict: what the race cost, even where re-runs hid it.
    for (const [verdict, count] of byCount(f.causes)) {
      const names = (f.names?.[verdict] ?? []).slice(0, FIRST_RUN_NAMES);
      const more = count > names.length ? `, and ${count - names.length} more` : '';
      out.push(`First run ${verdict === NO_FAILURE ? 'had no failure' : verdict}: ${names.join(', ')}${more}.`);
    }
  }
  return out;
}

/** The tone of a verdict id alone (for summaries, where no device is at hand). */
export function toneOfVerdictId(verdict: string, devices: DeviceReport[]): Tone {
  const device = devices.find((candidate) => candidate.verdict === verdict);
  if (device) return verdictTone(device);
  return verdict === NO_FAILURE ? 'ok' : 'error';
}

/**
 * Why a device got its verdict, in a few words, for a line per device (a fleet's text, the
 * index): who was in the way, or what the installer or action returned. The full reasoning is
 * the device's explanation and findings.
 */
export function shortWhy(device: DeviceReport): string {
  // A code as admins look it up: Windows Installer and Win32 codes in decimal, HRESULTs and 0x8DB5… in hex.
  const code = device.failedCode === undefined ? undefined : Math.abs(device.failedCode) > 0xffff ? hexCode(device.failedCode) : String(device.failedCode);
  switch (device.verdict) {
    case 'vulscan-blocked-sdclient': return 'vulscan in the way';
    case 'policysync-blocked-sdclient': return 'policy sync in the way';
    case 'sdclient-overlap': return 'another sdclient in the way';
    case 'package-install-failed': return `installer failed${code ? `: ${code}` : ''}`;
    case 'download-failed': return 'not downloaded';
    case 'action-failed': return `failed${code ? `: ${code}` : ''}`;
    case 'unexplained-failure': return 'cause not recognised';
    case 'no-failure': return isAtRisk(device) ? 'a scan or sync ran during provisioning' : '';
    default: {
      const end = /[.;](?:\s|$)/.exec(device.explanation);
      return end ? device.explanation.slice(0, end.index + 1) : device.explanation;
    }
  }
}
