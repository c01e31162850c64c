// `--format html`: ONE self-contained page to attach to a ticket: no scripts at all, no
// external styles, fonts, images or requests (a CSP meta forbids them anyway), readable
// offline and printable. Every string from the report goes through escapeHtml, in text
// and in attributes (including the SVG's <title> tooltips); ids are made from device
// indexes, never from device names.
import type { DeviceReport, EvidenceLine, FileReport, Finding, Report, Summary } from '../types.js';
import { isAtRisk } from '../report.js';
import { escapeHtml } from './escape.js';
import type { RenderOptions, Renderer } from './renderer.js';
import {
  displayTime,
  explainVerdict,
  fleetSentences,
  historyLines,
  headline,
  NO_FAILURE,
  plural,
  racePackagesByCount,
  RACE_VERDICTS,
  toneOfVerdictId,
  unparsedSentence,
  unrecognisedSentence,
  verdictConfidence,
  verdictsByCount,
  verdictTone,
  type Tone,
} from './model.js';
import { swimlanes } from './swimlanes.js';

export const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const ICON = { error: '✖', warning: '▲', info: '●' } as const;

export const STYLE = `
:root { color-scheme: light; --fg: #0f172a; --muted: #475569; --line: #e2e8f0; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif; color: var(--fg); background: #f1f5f9; }
header, main, footer { max-width: 1240px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 20px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 0 0 8px; }
h3 { font-size: 16px; margin: 18px 0 6px; }
a { color: #1d4ed8; }
.muted { color: var(--muted); }
.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 16px 24px; margin: 20px 0; }
.fleet-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 12px 32px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
th { background: #f8fafc; font-weight: 600; white-space: nowrap; overflow-wrap: normal; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.lines { table-layout: fixed; }
table.lines col.time { width: 11.5em; }
table.lines col.place { width: 19em; }
td.time { white-space: nowrap; }
code { font: 12.5px/1.45 ui-monospace, "Cascadia Mono", Consolas, "DejaVu Sans Mono", monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
tr.at-failure td { background: #fef2f2; }
.badge { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 13px; font-weight: 600; border: 1px solid transparent; vertical-align: 2px; white-space: nowrap; }
.tone-error { background: #fee2e2; color: #991b1b; border-color: #fca5a5; }
.tone-warning { background: #fef3c7; color: #92400e; border-color: #fcd34d; }
.tone-info { background: #dbeafe; color: #1e40af; border-color: #93c5fd; }
.tone-ok { background: #dcfce7; color: #166534; border-color: #86efac; }
.plain { background: #f1f5f9; color: #334155; border-color: #cbd5e1; }
ol.toc { margin: 0; padding-left: 1.6em; }
ol.toc li { margin: 3px 0; }
.device-name { overflow-wrap: anywhere; }
.headline { font-size: 17px; font-weight: 600; margin: 6px 0 2px; }
.explain { margin: 0 0 10px; max-width: 75em; }
figure { margin: 8px 0 4px; }
figcaption { font-size: 13px; color: var(--muted); }
svg.timeline { display: block; width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
figure.timing svg.timeline { max-width: 760px; }
svg.timeline text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.lane-bg { fill: #fff; }
.lane-bg.odd { fill: #f8fafc; }
.lane-title { font-size: 12.5px; font-weight: 700; fill: #0f172a; }
.lane-sub { font-size: 10px; fill: #64748b; }
.grid { stroke: #cbd5e1; stroke-width: 1; stroke-dasharray: 2 3; }
.tick { font-size: 10.5px; fill: #475569; }
.label { font-size: 11px; fill: #0f172a; paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
.label.failed { fill: #991b1b; font-weight: 700; }
.failure-label { font-size: 12px; font-weight: 700; fill: #dc2626; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.legend-text { font-size: 11px; fill: #334155; }
.dot-count { font-size: 11px; font-weight: 700; fill: #0f172a; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
.clip { font-size: 11px; fill: #fff; paint-order: stroke; stroke: #0f172a; stroke-width: 2px; }
.lane-empty { font-size: 11px; fill: #94a3b8; font-style: italic; }
.finding { border-top: 1px solid var(--line); margin-top: 14px; }
.finding h3 .rule { font-family: ui-monospace, Consolas, monospace; }
.facts { color: var(--muted); font-size: 14px; margin: 0 0 4px; }
.message { margin: 4px 0 8px; }
.fix { background: #f0fdf4; border-left: 4px solid #16a34a; padding: 8px 12px; margin: 10px 0 4px; border-radius: 0 6px 6px 0; }
.errors { background: #fef2f2; border-left: 4px solid #dc2626; padding: 8px 12px 8px 28px; margin: 10px 0; }
details { margin: 8px 0; }
summary { cursor: pointer; font-weight: 600; }
td.bad { color: #b91c1c; font-weight: 600; }
footer { color: var(--muted); font-size: 13px; padding-bottom: 24px; }
.lead-fix { font-size: 15.5px; }
@media print {
  /* The answer on page 1: a device's card flows across pages (only its parts are kept whole), no
     hover hints or links to follow, and the timeline drawn to the page's width with its labels kept legible. */
  @page { size: A4; margin: 12mm; }
  body { background: #fff; font-size: 12px; }
  header, main, footer { max-width: none; padding: 0; }
  .card { border: none; padding: 0; margin: 10px 0; break-inside: auto; }
  .answer, .fix, figure, .finding h3, .finding .facts, tr { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  nav.card, .to-top, summary, .hover-hint { display: none; }
  details { display: block; }
  a { color: inherit; text-decoration: none; }
  svg.timeline { width: 100%; max-width: 100%; }
  svg.timeline .label, svg.timeline .tick, svg.timeline .legend-text { font-size: 11px; }
  table { font-size: 11px; }
}
`;

/** Escaped, with a line-break opportunity after each path separator (escaping adds no `/`). */
function breakable(path: string): string {
  return escapeHtml(path).replace(/[/\\]/g, '$&<wbr>');
}

export function badge(text: string, tone: string): string {
  return `<span class="badge ${tone}">${escapeHtml(text)}</span>`;
}

/** The verdict's badge, and for a device at risk an at-risk badge beside it (as the fleet index shows it). */
function verdictBadge(device: DeviceReport): string {
  return badge(device.verdict, `tone-${verdictTone(device)}`) + (isAtRisk(device) ? ` ${badge('at risk', 'tone-warning')}` : '');
}

function fleet(report: Report): string {
  const atRisk = report.devices.map((device, index) => ({ device, index })).filter(({ device }) => isAtRisk(device));
  const list = atRisk.length === 0 ? '' : `<p>${badge('at risk', 'tone-warning')} ${plural(atRisk.length, 'device')}: a scan or sync was due during provisioning, and they did not fail this time: `
    + `${atRisk.map(({ device, index }) => `<a href="#device-${index + 1}" class="device-name">${escapeHtml(device.device)}</a>`).join(', ')}.</p>`;
  return fleetCard(report.summary, (verdict) => toneOfVerdictId(verdict, report.devices), { afterVerdicts: list });
}

/** The fix to lead with: the verdict's own finding's, else (a device at risk) the first finding's that has one. */
function leadingFix(report: DeviceReport): Finding | undefined {
  return report.findings.find((f) => f.rule === report.verdict && f.fix !== '')
    ?? (report.verdict === NO_FAILURE ? report.findings.find((f) => f.severity !== 'info' && f.fix !== '') : undefined);
}

/**
 * The fleet summary card: devices per verdict and the packages hit by the race. The fleet
 * folder's index links each verdict to its devices and adds a line under the table.
 */
export function fleetCard(summary: Summary, toneOf: (verdict: string) => Tone, extra: { verdictHref?: (verdict: string) => string; afterVerdicts?: string } = {}): string {
  const rows = verdictsByCount(summary)
    .map(([verdict, count]) => {
      const shown = badge(verdict, `tone-${toneOf(verdict)}`);
      return `<tr><td>${extra.verdictHref ? `<a href="${escapeHtml(extra.verdictHref(verdict))}">${shown}</a>` : shown}</td><td class="num">${count}</td></tr>`;
    })
    .join('\n');
  const packages = racePackagesByCount(summary);
  const race =
    packages.length === 0
      ? '<p class="muted">No package was hit by the scan/sync race.</p>'
      : `<table><thead><tr><th>Package</th><th class="num">Times</th></tr></thead><tbody>\n${packages
          .map(([name, count]) => `<tr><td>${escapeHtml(name)}</td><td class="num">${count}</td></tr>`)
          .join('\n')}\n</tbody></table>`;
  const unparsed = (summary.unparsedLines > 0 ? `<p class="muted">${plural(summary.unparsedLines, 'unparsed line')} in all.</p>` : '')
    + fleetSentences(summary).map((sentence) => `<p>${escapeHtml(sentence)}</p>`).join('');
  return `<section class="card fleet" aria-labelledby="fleet-title">
<h2 id="fleet-title">Fleet summary</h2>
<div class="fleet-grid">
<div><h3>Devices per verdict</h3><table><thead><tr><th>Verdict</th><th class="num">Devices</th></tr></thead><tbody>
${rows}
</tbody></table>${extra.afterVerdicts ?? ''}</div>
<div><h3>Packages hit by the scan/sync race</h3><p class="muted">Verdicts ${RACE_VERDICTS.map((verdict) => `<code>${verdict}</code>`).join(', ')}.</p>
${race}</div>
</div>
${unparsed}
</section>`;
}

function toc(report: Report): string {
  const items = report.devices
    .map((device, index) => {
      const head = headline(device);
      return `<li><a href="#device-${index + 1}" class="device-name">${escapeHtml(device.device)}</a> ${verdictBadge(device)}${head !== null ? ` <span class="muted">${escapeHtml(head)}</span>` : ''}</li>`;
    })
    .join('\n');
  return `<nav class="card" aria-labelledby="toc-title">
<h2 id="toc-title">Devices</h2>
<ol class="toc">
${items}
</ol>
</nav>`;
}

function linesTable(lines: EvidenceLine[], failureTime: string | null): string {
  const rows = lines
    .map(
      (line) =>
        `<tr${line.time === failureTime ? ' class="at-failure"' : ''}><td class="time">${escapeHtml(displayTime(line.time))}</td><td><code>${breakable(`${line.file}:${line.line}`)}</code></td><td><code>${escapeHtml(line.text)}</code></td></tr>`,
    )
    .join('\n');
  return `<table class="lines"><colgroup><col class="time"><col class="place"><col></colgroup>
<thead><tr><th>Time</th><th>File:line</th><th>Text</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

function finding(item: Finding, failureTime: string | null, fixShown = false): string {
  const facts = [escapeHtml(displayTime(item.time))];
  if (item.package !== null) facts.push(`package <strong>${escapeHtml(item.package)}</strong>`);
  if (item.actionNumber !== null) facts.push(`action ${item.actionNumber}`);
  const evidence = item.evidence.length > 0 ? `\n<h4 class="muted">Evidence, in the order to read it</h4>\n${linesTable(item.evidence, failureTime)}` : '';
  // The fix the page leads with is not said twice.
  const fix = item.fix === '' ? '' : fixShown ? '\n<p class="muted">Fix: above, under the verdict.</p>' : `\n<div class="fix"><strong>Fix:</strong> ${escapeHtml(item.fix)}</div>`;
  return `<article class="finding severity-${item.severity}">
<h3>${ICON[item.severity]} <span class="rule">${escapeHtml(item.rule)}</span> ${badge(item.severity, `tone-${item.severity}`)} ${badge(`${item.confidence} confidence`, 'plain')}</h3>
<p class="facts">${facts.join(' · ')}</p>
<p class="message">${escapeHtml(item.message)}</p>${evidence}${fix}
</article>`;
}

function files(list: FileReport[]): string {
  if (list.length === 0) return '<p class="muted">No log files were read.</p>';
  const rows = list
    .map((file) => {
      const notes = [...(file.gaveUp === true ? [`gave up: not a ${file.kind} log?`] : []), ...file.warnings];
      return `<tr><td><code>${breakable(file.path)}</code></td><td>${escapeHtml(file.kind)}</td><td>${escapeHtml(file.encoding)}</td><td class="num">${file.lines}</td><td class="num">${file.parsed}</td><td class="num${file.unparsed > 0 ? ' bad' : ''}">${file.unparsed}</td><td>${notes.map(escapeHtml).join('<br>')}</td></tr>`;
    })
    .join('\n');
  const unparsed = list.flatMap((file) => file.unparsedLines);
  const sample =
    unparsed.length === 0
      ? ''
      : `\n<details><summary>First unparsed lines (${unparsed.length})</summary>
<table class="lines"><colgroup><col class="place"><col class="time"><col></colgroup>
<thead><tr><th>File:line</th><th>Reason</th><th>Text</th></tr></thead><tbody>
${unparsed.map((line) => `<tr><td><code>${breakable(`${line.file}:${line.line}`)}</code></td><td>${escapeHtml(line.reason)}</td><td><code>${escapeHtml(line.text)}</code></td></tr>`).join('\n')}
</tbody></table></details>`;
  return `<table class="files"><thead><tr><th>Path</th><th>Kind</th><th>Encoding</th><th class="num">Lines</th><th class="num">Parsed</th><th class="num">Unparsed</th><th>Notes</th></tr></thead><tbody>
${rows}
</tbody></table>${sample}`;
}

function device(report: DeviceReport, index: number): string {
  const id = `device-${index + 1}`;
  const head = headline(report);
  const confidence = verdictConfidence(report);
  const out = [
    `<section class="card device" id="${id}" aria-labelledby="${id}-title">`,
    `<h2 id="${id}-title"><span class="device-name">${escapeHtml(report.device)}</span> ${verdictBadge(report)}${confidence !== null && report.verdict !== NO_FAILURE ? ` ${badge(`${confidence} confidence`, 'plain')}` : ''}</h2>`,
  ];
  // The answer first: the verdict (above), what failed, why in a paragraph, and the fix; then
  // the picture, then the evidence.
  out.push('<div class="answer">');
  if (head !== null) out.push(`<p class="headline">${escapeHtml(head)}</p>`);
  out.push(`<p class="explain">${escapeHtml(explainVerdict(report))}</p>`);
  const fix = leadingFix(report);
  if (fix) out.push(`<div class="fix lead-fix"><strong>Fix:</strong> ${escapeHtml(fix.fix)}</div>`);
  out.push('</div>');
  const history = historyLines(report);
  if (history.length > 0) out.push(`<h3>History</h3>\n<ul class="history">${history.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`);
  const drawing = swimlanes(report, id);
  if (drawing) {
    out.push(`<figure class="swimlanes">\n${drawing.svg}\n<figcaption>${escapeHtml(drawing.caption)} <span class="hover-hint">Hover an item for its times and log line.</span></figcaption>\n</figure>`);
  } else {
    out.push('<p class="muted">No process activity to draw.</p>');
  }
  if (report.findings.length > 0) out.push('<h3 class="evidence-title">Evidence</h3>');
  for (const item of report.findings) out.push(finding(item, report.failureTime, item === fix));
  if (report.context.length > 0) {
    out.push(`<h3>Lines around the failure</h3>\n${linesTable(report.context, report.failureTime)}`);
  }
  if (report.readErrors && report.readErrors.length > 0) {
    out.push(`<h3>Logs that could not be read</h3>\n<ul class="errors">${report.readErrors.map((f) => `<li><code>${escapeHtml(f.path)}</code>: ${escapeHtml(f.reason)}</li>`).join('')}</ul>`);
  }
  if (report.errors.length > 0) {
    out.push(
      `<h3>Analysis errors</h3>\n<ul class="errors">${report.errors.map((error) => `<li>${escapeHtml(error)}</li>`).join('')}</ul>`,
    );
  }
  if (report.notes.length > 0) {
    out.push(`<ul class="notes muted">${report.notes.map((note) => `<li>Note: ${escapeHtml(note)}</li>`).join('')}</ul>`);
  }
  const unparsed = unparsedSentence(report);
  const unrecognised = unrecognisedSentence(report);
  out.push(`<h3>Files</h3>${unparsed !== null ? `\n<p class="muted">${escapeHtml(unparsed)}.</p>` : ''}`
    + `${unrecognised !== null ? `\n<p class="muted">${escapeHtml(unrecognised)}.</p>` : ''}\n${files(report.files)}`);
  if (report.skipped.length > 0) {
    out.push(
      `<p class="muted">Skipped: ${report.skipped.map((file) => `<code>${escapeHtml(file.path)}</code> (${escapeHtml(file.reason)})`).join(', ')}</p>`,
    );
  }
  out.push('<p class="to-top"><a href="#top">↑ Top</a></p>', '</section>');
  return out.join('\n');
}

/**
 * One device's page leads with its answer, with no fleet summary above it; what the run passed
 * over or could not read (the summary's sentences) comes after the device, where there is any.
 */
function runCard(report: Report): string {
  const sentences = fleetSentences(report.summary);
  if (sentences.length === 0) return '';
  return `<section class="card run muted">\n${sentences.map((sentence) => `<p>${escapeHtml(sentence)}</p>`).join('\n')}\n</section>`;
}

/** Everything up to <body>: the CSP (no script, nothing fetched), the title, the stylesheet. Shared by every page we write. */
export function pageHead(title: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>`;
}

/** Past this size one page is more than a ticket system takes as an attachment: the folder form is for such fleets. */
export const MAX_PAGE_BYTES = 10 * 1024 * 1024;
/** Devices one page holds at the most (the page needs every report in memory at once). */
export const MAX_PAGE_DEVICES = 500;

function render(report: Report, options?: RenderOptions): string {
  const failed = report.devices.filter((device) => device.verdict !== NO_FAILURE).length;
  const title =
    report.devices.length === 1 && report.devices[0]
      ? `ldforensics: ${report.devices[0].device}: ${report.devices[0].verdict}`
      : `ldforensics: ${plural(report.devices.length, 'device')}, ${failed} failed`;
  return `${pageHead(title)}
<header id="top">
${options?.indexHref !== undefined ? `<p><a href="${escapeHtml(options.indexHref)}">← Fleet index</a></p>\n` : ''}<h1>ldforensics diagnosis</h1>
<p class="muted">${plural(report.devices.length, 'device')}, ${failed} with a failed provisioning action.</p>
</header>
<main>
${report.devices.length === 1 ? `${report.devices.map(device).join('\n')}\n${runCard(report)}` : `${fleet(report)}\n${toc(report)}\n${report.devices.map(device).join('\n')}`}
</main>
<footer>Generated by ldforensics (${escapeHtml(report.schema)}). Self-contained: no scripts, no external resources. Times are the devices' wall clocks as written in their logs.</footer>
</body>
</html>
`;
}

export const html = { render } satisfies Renderer;
