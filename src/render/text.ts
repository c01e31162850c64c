// The default format: a report for a person at a terminal. Every string from the report
// goes through escapeTerminal (log text must not drive the terminal); colour, when asked,
// is our own SGR codes on the verdict and severities only.
import { appendAll } from '../arrays.js';
import type { DeviceReport, EvidenceLine, Finding, Report, Severity, Summary } from '../types.js';
import { isAtRisk } from '../report.js';
import { escapeTerminal } from './escape.js';
import { displayWidth, drawTable, tableLines } from './table.js';
import type { RenderOptions, Renderer } from './renderer.js';
import {
  explainVerdict,
  fleetSentences,
  historyLines,
  headline,
  racePackagesByCount,
  RACE_VERDICTS,
  type Tone,
  unparsedSentence,
  unrecognisedSentence,
  verdictConfidence,
  verdictTone,
  verdictsByCount,
  displayTime,
  plural,
  shortWhy,
} from './model.js';

const DEFAULT_WIDTH = 100;
const MIN_WIDTH = 60;

const SGR: Record<Tone, string> = { ok: '32', info: '36', warning: '33', error: '31' };
const ICON: Record<Severity, string> = { error: '✖', warning: '▲', info: '●' };

function paint(text: string, codes: string, options: RenderOptions): string {
  return options.color ? `\u001b[${codes}m${text}\u001b[0m` : text;
}

function widthOf(options: RenderOptions): number {
  return Math.max(MIN_WIDTH, Math.floor(options.width ?? DEFAULT_WIDTH));
}

/** escapeTerminal's visible escapes (`\x1b`, `\u202e`, `\t`): never cut inside or after their backslash. */
const ESCAPE = /^\\(?:x[0-9a-f]{2}|u[0-9a-f]{4}|[tr])/;

/** Where to cut a word longer than `width`: after the last path separator in its second half, else at `width`. */
function cutPoint(word: string, width: number): number {
  for (let at = width - 1; at >= width / 2; at -= 1) {
    const ch = word[at];
    if (ch === '/' || (ch === '\\' && !ESCAPE.test(word.slice(at)))) return at + 1;
  }
  // No separator: cut at the width, but not through an escape.
  for (let at = width - 1; at > width - 6 && at > 0; at -= 1) {
    const match = ESCAPE.exec(word.slice(at));
    if (word[at] === '\\' && match && at + match[0].length > width) return at;
  }
  return width;
}

/**
 * Greedy word wrap to `width` columns; a word longer than a line is cut, after a
 * path separator where there is one (log lines are full of Windows paths).
 */
export function wrap(text: string, width: number): readonly string[] {
  // Most cells and sentences fit: the loop below would give the text back whole.
  if (text.length <= width) return [text.trimEnd()];
  // A fleet's devices repeat their longer texts (the same fix, the same log lines): each is cut once per width.
  let byText = wrapped.get(width);
  if (byText === undefined) {
    byText = new Map();
    wrapped.set(width, byText);
  }
  const known = byText.get(text);
  if (known !== undefined) return known;
  const lines = cut(text, width);
  if (byText.size >= MAX_WRAPPED) byText.clear();
  byText.set(text, lines);
  return lines;
}

/** Texts already cut, by width: bounded, and never changed once made (wrap's result is read-only). */
const wrapped = new Map<number, Map<string, readonly string[]>>();
const MAX_WRAPPED = 4096;

function cut(text: string, width: number): readonly string[] {
  const lines: string[] = [];
  let line = '';
  // Words and runs of blanks, taken by scanning (a regex split here was most of the text format's time).
  for (let at = 0; at < text.length;) {
    const blanks = text.charCodeAt(at) === 0x20;
    let end = at + 1;
    if (blanks) {
      while (end < text.length && text.charCodeAt(end) === 0x20) end += 1;
    } else {
      end = text.indexOf(' ', at);
      if (end === -1) end = text.length;
    }
    const token = text.slice(at, end);
    at = end;
    if (line.length + token.length <= width) {
      line += token;
      continue;
    }
    if (blanks) {
      lines.push(line);
      line = '';
      continue;
    }
    if (line !== '') lines.push(line);
    line = '';
    let rest = token;
    while (rest.length > width) {
      const cut = cutPoint(rest, width);
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    line = rest;
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines.map((wrapped) => wrapped.trimEnd());
}

function indented(text: string, indent: number, width: number, firstPrefix = ''): string[] {
  const pad = ' '.repeat(indent);
  const lines = wrap(text, width - indent - firstPrefix.length);
  return lines.map((line, index) => (index === 0 ? pad + firstPrefix + line : pad + ' '.repeat(firstPrefix.length) + line));
}

function table(head: string[], rows: string[][], options: RenderOptions, alignRight: number[] = []): string {
  return drawTable(head, rows, { alignRight, paint: (cell) => paint(cell, '1', options) });
}

/** Evidence or context lines as a table; times shortened to the time of day when all share one date. */
function linesTable(title: string, lines: EvidenceLine[], indent: number, width: number, options: RenderOptions): string[] {
  // The date all lines share (up to the "T"), if any: compared in place, not split per line.
  const firstTime = lines[0]?.time ?? '';
  const dateEnd = firstTime.indexOf('T');
  let oneDate = lines.length > 0 && dateEnd > 0 ? firstTime.slice(0, dateEnd) : undefined;
  for (const line of lines) {
    if (oneDate === undefined) break;
    if (line.time.indexOf('T') !== dateEnd || !line.time.startsWith(oneDate)) oneDate = undefined;
  }
  const times: string[] = [];
  const places: string[] = [];
  let timeWidth = 4;
  let longestPlace = 9;
  for (const line of lines) {
    const time = escapeTerminal(oneDate !== undefined ? line.time.slice(dateEnd + 1) : displayTime(line.time));
    const place = escapeTerminal(`${line.file}:${line.line}`);
    times.push(time);
    places.push(place);
    if (time.length > timeWidth) timeWidth = time.length;
    if (place.length > longestPlace) longestPlace = place.length;
  }
  // 4 borders and 2 spaces of padding per column; file:line takes at most 40% of the rest.
  const free = width - indent - 10 - timeWidth;
  const placeWidth = Math.min(32, Math.floor(free * 0.4), longestPlace);
  const textWidth = Math.max(12, free - placeWidth);
  // Cells go to the table already cut into lines: nothing is joined to be split again.
  const rows: (readonly string[])[][] = [];
  for (let index = 0; index < lines.length; index++) {
    rows.push([wrap(times[index] ?? '', timeWidth), wrap(places[index] ?? '', placeWidth), wrap(escapeTerminal(lines[index]?.text ?? ''), textWidth)]);
  }
  const heading = oneDate !== undefined ? `${title} (times on ${escapeTerminal(oneDate)}):` : `${title}:`;
  const pad = ' '.repeat(indent);
  const out = [pad + heading];
  return appendAll(out, tableLines(['Time', 'File:line', 'Text'], rows, { paint: (cell) => paint(cell, '1', options) }, pad));
}

function findingBlock(finding: Finding, width: number, options: RenderOptions): string[] {
  const tone: Tone = finding.severity;
  const title = `${ICON[finding.severity]} ${escapeTerminal(finding.rule)}`;
  const facts = `${escapeTerminal(finding.confidence)} confidence · ${escapeTerminal(displayTime(finding.time))}`;
  const plain = `  ${title} · ${finding.severity} · ${facts}`;
  const colouredTitle = paint(title, `1;${SGR[tone]}`, options);
  const severity = paint(finding.severity, SGR[tone], options);
  const out =
    plain.length <= width
      ? [`  ${colouredTitle} · ${severity} · ${facts}`]
      : [`  ${colouredTitle}`, `    ${severity} · ${facts}`];
  const where: string[] = [];
  if (finding.package !== null) where.push(`Package: ${escapeTerminal(finding.package)}`);
  if (finding.actionNumber !== null) where.push(`action ${finding.actionNumber}`);
  if (where.length > 0) appendAll(out, indented(where.join(' · '), 4, width));
  appendAll(out, indented(escapeTerminal(finding.message), 4, width));
  if (finding.evidence.length > 0) appendAll(out, linesTable('Evidence', finding.evidence, 4, width, options));
  if (finding.fix !== '') appendAll(out, indented(escapeTerminal(finding.fix), 4, width, 'Fix: '));
  return out;
}

function rule(text: string, plainLength: number, width: number): string {
  return `${text} ${'━'.repeat(Math.max(3, width - plainLength - 1))}`;
}

function device(report: DeviceReport, options: RenderOptions): string {
  const width = widthOf(options);
  const name = escapeTerminal(report.device);
  const verdict = escapeTerminal(report.verdict);
  const tone = verdictTone(report);
  const confidence = verdictConfidence(report);
  const detail = report.verdict === 'no-failure' ? '' : ` (${tone}${confidence ? `, ${confidence} confidence` : ''})`;
  const plain = `━━ ${name} ━━ ${verdict}${detail}`;
  const coloured = paint(verdict + detail, `1;${SGR[tone]}`, options);
  const out: string[] = [];
  if (plain.length + 4 <= width) {
    out.push(rule(`━━ ${paint(name, '1', options)} ━━ ${coloured}`, plain.length, width));
  } else {
    // A long device name (or a narrow terminal): name and verdict on lines of their own.
    wrap(name, width - 3).forEach((line, index) => out.push(`${index === 0 ? '━━ ' : '   '}${paint(line, '1', options)}`));
    out.push(`   ${coloured}`);
  }
  const head = headline(report);
  if (head !== null) appendAll(out, indented(escapeTerminal(head), 0, width));
  appendAll(out, indented(escapeTerminal(explainVerdict(report)), 0, width));
  const history = historyLines(report);
  if (history.length > 0) {
    out.push('', paint('History', '1', options));
    for (const line of history) appendAll(out, indented(escapeTerminal(line), 4, width, '- '));
  }

  for (const finding of report.findings) {
    out.push('', ...findingBlock(finding, width, options));
  }
  if (report.context.length > 0) {
    out.push('', ...linesTable('Lines around the failure', report.context, 2, width, options));
  }

  const notes: string[] = [];
  // Where two bundles share a device name, the folder each came from is what tells them apart.
  if (report.source !== undefined && report.device.includes('/')) appendAll(notes, indented(`From ${escapeTerminal(report.source)}`, 2, width));
  for (const note of report.notes) appendAll(notes, indented(`Note: ${escapeTerminal(note)}`, 2, width));
  const unparsed = unparsedSentence(report);
  if (unparsed !== null) appendAll(notes, indented(unparsed, 2, width));
  const unrecognised = unrecognisedSentence(report);
  if (unrecognised !== null) appendAll(notes, indented(unrecognised, 2, width));
  for (const file of report.files.filter((candidate) => candidate.gaveUp === true)) {
    appendAll(notes, indented(`Gave up on ${escapeTerminal(file.path)}: not a ${file.kind} log?`, 2, width));
  }
  for (const skipped of report.skipped) {
    appendAll(notes, indented(`Skipped ${escapeTerminal(skipped.path)}: ${escapeTerminal(skipped.reason)}`, 2, width));
  }
  for (const unread of report.readErrors ?? []) {
    appendAll(notes, indented(`Could not read ${escapeTerminal(unread.path)}: ${escapeTerminal(unread.reason)}`, 2, width));
  }
  if (report.errors.length > 0) {
    notes.push(`  ${paint(`${plural(report.errors.length, 'analysis error')}:`, `1;${SGR.error}`, options)}`);
    for (const error of report.errors) appendAll(notes, indented(escapeTerminal(error), 4, width, '- '));
  }
  if (notes.length > 0) out.push('', ...notes);
  // A blank line after each device, so streamed devices read like render()'s.
  return `${out.join('\n')}\n\n`;
}

/** The one line that points a user whose logs word things differently to `patterns suggest`. */
export function unrecognisedHint(unrecognised: NonNullable<Summary['unrecognised']>): string {
  return `${plural(unrecognised.runs, 'run')} on ${plural(unrecognised.devices, 'device')} had no line in wording ldforensics knows (the windows alone were read): `
    + '`ldforensics patterns suggest <paths> -o my-pack.json` drafts a pattern pack from them, for --patterns.';
}

/** "LAB-0101, LAB-0105, … and 3 more", within `width` columns. */
export function nameList(names: readonly string[], total: number, width: number): string {
  let out = '';
  let shown = 0;
  for (const name of names) {
    const piece = `${shown === 0 ? '' : ', '}${escapeTerminal(name)}`;
    const restAfter = total - shown - 1;
    const tail = restAfter > 0 ? `, … and ${restAfter} more` : '';
    if (shown > 0 && out.length + piece.length + tail.length > width) break;
    out += piece;
    shown += 1;
  }
  const rest = total - shown;
  return rest > 0 ? `${out}${shown > 0 ? ', ' : ''}… and ${rest} more` : out;
}

/** The fleet summary: devices per verdict with their names, the at-risk devices, the packages hit by the race. */
function end(summary: Summary, options: RenderOptions): string {
  const width = widthOf(options);
  const title = `Fleet summary: ${plural(summary.devices, 'device')}`;
  const out = [rule(`━━ ${paint(title, '1', options)}`, `━━ ${title}`.length, width)];
  const byCount = verdictsByCount(summary);
  const verdictWidth = Math.max(7, ...byCount.map(([verdict]) => escapeTerminal(verdict).length));
  const countWidth = Math.max(7, ...byCount.map(([, count]) => String(count).length));
  // Pre-sized cells: the table is drawn from what is given, without measuring or wrapping again.
  const namesWidth = Math.max(12, width - verdictWidth - countWidth - 10);
  const verdicts = byCount.map(([verdict, count]) => [
    escapeTerminal(verdict), String(count), wrap(nameList(summary.names?.[verdict] ?? [], count, namesWidth), namesWidth).join('\n'),
  ]);
  out.push(table(['Verdict', 'Devices', 'Which'], verdicts, options, [1]));
  if (summary.atRisk) {
    appendAll(out, indented(`At risk (a scan or policy sync was due while provisioning ran; it did not fail this time): ${plural(summary.atRisk.devices, 'device')}: `
      + nameList(summary.atRisk.names, summary.atRisk.devices, Math.max(20, width - 20)), 0, width));
  }
  const packages = racePackagesByCount(summary).map(([name, count]) => [wrap(escapeTerminal(name), Math.min(60, width - 14)).join('\n'), String(count)]);
  if (packages.length > 0) {
    appendAll(out, indented(`Packages hit by the scan/sync race (${RACE_VERDICTS.join(', ')}):`, 0, width));
    out.push(table(['Package', 'Times'], packages, options, [1]));
  }
  if (summary.unparsedLines > 0) out.push(`${plural(summary.unparsedLines, 'unparsed line')} in all.`);
  if (summary.unrecognised) out.push(unrecognisedHint(summary.unrecognised));
  for (const sentence of fleetSentences(summary)) appendAll(out, indented(escapeTerminal(sentence), 0, width));
  return `${out.join('\n')}\n`;
}

/**
 * Where a device goes in a fleet's text report, which leads with the answer: failed devices
 * first (0), then devices with warnings or at risk (1), then the healthy ones (2); by name within each.
 */
export function textGroup(device: DeviceReport): 0 | 1 | 2 {
  if (device.verdict !== 'no-failure' || device.findings.some((f) => f.severity === 'error')) return 0;
  if (device.findings.some((f) => f.severity === 'warning') || isAtRisk(device)) return 1;
  return 2;
}

/** A verdict column wide enough for every verdict name (policysync-blocked-sdclient). */
const VERDICT_COLUMNS = 27;
/** Columns between the verdict and what follows it. */
const VERDICT_GAP = 1;
const NAME_COLUMNS = 14;

/**
 * A fleet device in one line: a mark, its name, its verdict, the package and action, the time,
 * and why in one sentence. Names and verdicts are padded to columns, so a fleet's lines align as
 * they stream; a longer name pushes its own line only. `--details` gives the full reports.
 */
function briefLine(report: DeviceReport, options: RenderOptions): string {
  const group = textGroup(report);
  const tone: Tone = group === 0 ? 'error' : group === 1 ? 'warning' : 'ok';
  const mark = paint(group === 0 ? '✖' : group === 1 ? '▲' : '✔', SGR[tone], options);
  const verdict = `${report.verdict}${isAtRisk(report) ? ' (at risk)' : ''}`;
  const name = escapeTerminal(report.device);
  let why = escapeTerminal(shortWhy(report));
  const width = widthOf(options);
  const nameCells = Math.max(displayWidth(name) + 1, NAME_COLUMNS);
  const verdictCells = Math.max(verdict.length, VERDICT_COLUMNS) + VERDICT_GAP;
  const action = report.failedAction !== null ? `#${report.failedAction} ` : '';
  // Month, day and minute: the line is for finding devices; --details has the year and the seconds.
  const time = report.failureTime === null ? '' : ` ${displayTime(report.failureTime).slice(5, 16)}`;
  // Where the line would wrap, the package gives way first, then the why; never the time.
  let pkg = report.failedPackage !== null ? escapeTerminal(report.failedPackage) : '';
  const fixed = 2 + nameCells + verdictCells + action.length + time.length + (why !== '' ? 3 : 0);
  const pkgRoom = Math.max(8, width - fixed - displayWidth(why));
  if (displayWidth(pkg) > pkgRoom) pkg = `${pkg.slice(0, pkgRoom - 1)}…`;
  const whyRoom = Math.max(8, width - fixed - displayWidth(pkg));
  if (displayWidth(why) > whyRoom) why = `${why.slice(0, whyRoom - 1)}…`;
  const what = `${action}${pkg}${time}`.trim();
  const line = `${mark} ${paint(name, '1', options)}${' '.repeat(nameCells - displayWidth(name))}`
    + paint(escapeTerminal(verdict), SGR[tone], options) + ' '.repeat(verdictCells - verdict.length)
    + what + (what !== '' && why !== '' ? ' — ' : '') + why;
  return `${line.trimEnd()}\n`;
}

/** The heading of a fleet's device lines. */
function briefHeading(options: RenderOptions): string {
  const title = 'Devices, failed first (--details: each in full)';
  return `${rule(`━━ ${paint(title, '1', options)}`, `━━ ${title}`.length, widthOf(options))}\n`;
}

/**
 * One device: its report and the summary after it. A fleet: the summary first, then a line per
 * device, failed first (options.brief, set by the CLI once it knows the fleet has more than one
 * device; the full reports with --details), and on a terminal the summary again at the end,
 * where the reader's eye is when the run ends.
 */
const leads = {
  groups: 3,
  group: textGroup,
  head: (summary: Summary, options: RenderOptions): string => (summary.devices > 1 ? `${end(summary, options)}\n${options.brief === true ? briefHeading(options) : ''}` : ''),
  device: (report: DeviceReport, options: RenderOptions): string => (options.brief === true ? briefLine(report, options) : device(report, options)),
  tail: (summary: Summary, options: RenderOptions): string => (summary.devices > 1 ? (options.summaryLast === true ? `\n${end(summary, options)}` : '') : end(summary, options)),
};

function render(report: Report, options: RenderOptions): string {
  // A fleet in lines unless the details are asked for; one device in full.
  const shown: RenderOptions = { ...options, brief: options.details !== true && report.devices.length > 1 };
  const groups: string[][] = Array.from({ length: leads.groups }, () => []);
  for (const each of report.devices) groups[leads.group(each)]?.push(leads.device(each, shown));
  return leads.head(report.summary, shown) + groups.map((g) => g.join('')).join('') + leads.tail(report.summary, shown);
}

export const text = { render, device, end, leads } satisfies Renderer;
