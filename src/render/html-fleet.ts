// `--format html -o DIR/`: a fleet as a folder a browser opens from disk: DIR/index.html (the
// fleet summary, the timing picture, the devices grouped by verdict) and one self-contained
// page per device under DIR/devices/. Every page has the single page's rules: no scripts, no
// external resources, a CSP; every string escaped; ids and file names made by us, never
// taken from a device name as they are.
//
// The index is built from one small row per device (name, verdict, timing), never from the
// devices' reports: a fleet of any size is written one device page at a time.
import type { DeviceReport, DeviceTiming, Summary } from '../types.js';
import { escapeHtml } from './escape.js';
import { badge, fleetCard, pageHead } from './html.js';
import { headline, NO_FAILURE, plural, RACE_VERDICTS, type Tone, verdictsByCount, verdictTone } from './model.js';
import type { LossTally } from '../timing.js';
import { isAtRisk } from '../report.js';

/** What the index keeps of a device. */
export interface IndexRow {
  device: string;
  /** The device page, relative to the index (devices/…html). */
  href: string;
  verdict: string;
  tone: Tone;
  atRisk: boolean;
  headline: string | null;
  timing?: DeviceTiming;
}

export function indexRow(report: DeviceReport, href: string): IndexRow {
  return {
    device: report.device, href, verdict: report.verdict, tone: verdictTone(report), atRisk: isAtRisk(report), headline: headline(report),
    ...(report.timing ? { timing: report.timing } : {}),
  };
}

/**
 * A device page's file name: the name with anything but letters, digits, '.', '-' and '_'
 * made '_', cut to 80 characters, and numbered where two names would meet (also in a
 * case-insensitive file system).
 */
export function pageName(device: string, taken: Set<string>): string {
  const base = device.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 80) || 'device';
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n += 1) name = `${base}-${n}`;
  taken.add(name.toLowerCase());
  return `${name}.html`;
}

/** An id for a verdict's section: verdict ids are rule ids, but a merged or odd report is not trusted. */
function verdictAnchor(verdict: string): string {
  return `verdict-${verdict.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}`;
}

function toneOf(verdict: string, rows: readonly IndexRow[]): Tone {
  if (verdict === NO_FAILURE) return 'ok';
  return rows.find((r) => r.verdict === verdict)?.tone ?? 'error';
}

/** Points drawn at most; the rest are counted in the caption. */
export const MAX_POINTS = 5000;

const OUTCOME = {
  race: { label: 'failed: scan/sync race', colour: '#dc2626' },
  other: { label: 'failed: another cause', colour: '#d97706' },
  none: { label: 'no failure', colour: '#16a34a' },
} as const;

function outcomeOf(row: IndexRow): keyof typeof OUTCOME {
  if (RACE_VERDICTS.includes(row.verdict)) return 'race';
  return row.verdict === NO_FAILURE ? 'none' : 'other';
}

/** Round tick steps in minutes for an axis up to `max`. */
function tickStep(max: number): number {
  for (const step of [5, 10, 15, 30, 60, 120, 240, 480, 1440]) if (max / step <= 8) return step;
  return Math.ceil(max / 8 / 1440) * 1440;
}

/**
 * The timing picture: one dot per device whose scan or sync fired, at (when it first fired,
 * when its last distribution started), minutes after the agent install. Above the diagonal the
 * task fired before the last distribution began: that distribution met it.
 */
export function timingPicture(rows: readonly IndexRow[], loss: LossTally): string {
  const points = rows
    .filter((r) => r.timing?.distributions && r.timing.fired.length > 0)
    .map((r) => {
      const timing = r.timing as DeviceTiming;
      const fired = timing.fired.reduce((min, f) => Math.min(min, f.minutes), Infinity);
      return { row: r, x: fired, y: timing.distributions?.lastStart ?? 0, end: timing.distributions?.end ?? 0 };
    });
  const registered = rows.filter((r) => r.timing).length;
  const neverFired = rows.filter((r) => r.timing && r.timing.fired.length === 0).length;
  const farFuture = rows.filter((r) => r.timing && r.timing.tasks.length > 0 && r.timing.tasks.every((t) => !t.due)).length;
  const shown = points.slice(0, MAX_POINTS);
  let max = 60;
  for (const p of shown) max = Math.max(max, p.x, p.y);
  const step = tickStep(max);
  max = Math.ceil(max / step) * step;
  const W = 640;
  const H = 420;
  const left = 60;
  const top = 16;
  const plotW = W - left - 20;
  const plotH = H - top - 56;
  const sx = (v: number): number => left + (Math.max(0, v) / max) * plotW;
  const sy = (v: number): number => top + plotH - (Math.max(0, v) / max) * plotH;
  const parts: string[] = [];
  parts.push(`<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" class="lane-bg odd"/>`);
  // The danger zone: the task fired before the last distribution started.
  parts.push(`<polygon points="${sx(0)},${sy(0)} ${sx(0)},${sy(max)} ${sx(max)},${sy(max)}" fill="#fee2e2" opacity="0.6"><title>Fired before the last distribution started: a distribution met the running task</title></polygon>`);
  for (let v = 0; v <= max; v += step) {
    parts.push(`<line class="grid" x1="${sx(v)}" y1="${top}" x2="${sx(v)}" y2="${top + plotH}"/><text class="tick" x="${sx(v)}" y="${top + plotH + 14}" text-anchor="middle">${v}</text>`);
    parts.push(`<line class="grid" x1="${left}" y1="${sy(v)}" x2="${left + plotW}" y2="${sy(v)}"/><text class="tick" x="${left - 6}" y="${sy(v) + 3}" text-anchor="end">${v}</text>`);
  }
  parts.push(`<line x1="${sx(0)}" y1="${sy(0)}" x2="${sx(max)}" y2="${sy(max)}" stroke="#64748b" stroke-dasharray="4 3"/>`);
  parts.push(`<text class="legend-text" x="${left + plotW / 2}" y="${H - 22}" text-anchor="middle">minutes after the agent install when the scan or sync first fired</text>`);
  parts.push(`<text class="legend-text" transform="translate(14 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">last distribution's start, minutes after the install</text>`);
  // Devices of one outcome whose dots fall on the same spot (templates run alike: 308 devices
  // drew 11 dots) are one dot, sized by their number and labelled with it.
  const spots = new Map<string, { x: number; y: number; outcome: ReturnType<typeof outcomeOf>; points: typeof shown }>();
  for (const p of shown) {
    const outcome = outcomeOf(p.row);
    const key = `${Math.round(sx(p.x))},${Math.round(sy(p.y))},${outcome}`;
    const spot = spots.get(key) ?? { x: sx(p.x), y: sy(p.y), outcome, points: [] };
    spot.points.push(p);
    spots.set(key, spot);
  }
  for (const spot of spots.values()) {
    const first = spot.points[0];
    if (!first) continue;
    const count = spot.points.length;
    const r = count === 1 ? 4.5 : Math.min(14, 4.5 + 2 * Math.sqrt(count - 1));
    const names = spot.points.slice(0, 5).map((p) => p.row.device).join(', ') + (count > 5 ? `, … and ${count - 5} more` : '');
    const tip = count === 1
      ? `${first.row.device}: ${first.row.verdict}; fired ${first.x} min after the install, last distribution started at ${first.y} min, ended at ${first.end} min`
      : `${count} devices (${names}): ${OUTCOME[spot.outcome].label}; fired ${first.x} min after the install, last distribution started at ${first.y} min`;
    const label = count === 1 ? '' : `<text class="dot-count" x="${(spot.x + r + 2).toFixed(1)}" y="${(spot.y + 4).toFixed(1)}">${count}</text>`;
    parts.push(`<a href="${escapeHtml(first.row.href)}"><circle cx="${spot.x.toFixed(1)}" cy="${spot.y.toFixed(1)}" r="${r.toFixed(1)}" fill="${OUTCOME[spot.outcome].colour}" fill-opacity="0.8" stroke="#fff" stroke-width="1" data-devices="${count}"><title>${escapeHtml(tip)}</title></circle>${label}</a>`);
  }
  if (spots.size < shown.length) parts.push(`<text class="legend-text" x="${left + plotW - 4}" y="${top + 14}" text-anchor="end">a number beside a dot: devices at that spot</text>`);
  let lx = left;
  for (const key of ['race', 'other', 'none'] as const) {
    parts.push(`<circle cx="${lx + 6}" cy="${H - 6}" r="4.5" fill="${OUTCOME[key].colour}"/><text class="legend-text" x="${lx + 14}" y="${H - 2}">${OUTCOME[key].label}</text>`);
    lx += 190;
  }
  const svg = `<svg class="timeline" viewBox="0 0 ${W} ${H}" role="img" aria-label="When the scan or sync fired against the template's distributions">\n${parts.join('\n')}\n</svg>`;
  const caption = [
    `${plural(registered, 'device')} where the agent install registered the scan or sync`,
    `${points.length} of them show it fire${shown.length < points.length ? ` (the first ${shown.length} drawn)` : ''}`,
    neverFired > 0 ? `${neverFired} show no launch in these logs${farFuture > 0 ? ` (${farFuture} with both tasks pushed to the far future: the fix)` : ''}` : '',
  ].filter((s) => s !== '').join('; ');
  return `<figure class="timing">\n${svg}\n<figcaption>${escapeHtml(caption)}.</figcaption>\n</figure>\n${lossParagraph(rows, loss)}`;
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '0 %' : `${Math.round((part / whole) * 100)} %`;
}

/** The expected share lost to the race beside the share it really took. */
function lossParagraph(rows: readonly IndexRow[], loss: LossTally): string {
  if (loss.devices === 0) return '<p class="muted">No device shows both the scheduler registering its tasks and the template\'s distributions: no expected share to compute.</p>';
  // The devices the tally counted: those with distributions after the install.
  const lastStarts = rows.flatMap((r) => (r.timing?.distributions ? [r.timing.distributions.lastStart] : [])).sort((a, b) => a - b);
  const median = lastStarts[Math.floor(lastStarts.length / 2)] ?? 0;
  return `<p>With the agent's default schedule (the scan and the sync each due at the install, with 0 to 60 minutes' random delay) and these templates' distributions (the last one starting a median ${median} minutes after the install), the race is expected to take <strong>${percent(loss.expected, loss.devices)}</strong> of these ${plural(loss.devices, 'device')}; it took <strong>${percent(loss.lost, loss.devices)}</strong> (${loss.lost}). A provisioning-only agent whose scan and sync start in the far future takes it to 0.</p>`;
}

/** DIR/index.html. */
export function fleetIndex(summary: Summary, rows: readonly IndexRow[], loss: LossTally): string {
  const failed = rows.filter((r) => r.verdict !== NO_FAILURE).length;
  const byVerdict = verdictsByCount(summary);
  const atRisk = rows.filter((r) => r.atRisk);
  const link = (r: IndexRow): string => `<a class="device-name" href="${escapeHtml(r.href)}">${escapeHtml(r.device)}</a>`;
  const groups = byVerdict.map(([verdict, count]) => {
    const members = rows.filter((r) => r.verdict === verdict);
    const items = members.map((r) => `<li>${link(r)}${r.atRisk ? ` ${badge('at risk', 'tone-warning')}` : ''}${r.headline !== null ? ` <span class="muted">${escapeHtml(r.headline)}</span>` : ''}</li>`).join('\n');
    return `<section class="card" id="${verdictAnchor(verdict)}">\n<h2>${badge(verdict, `tone-${toneOf(verdict, rows)}`)} ${plural(count, 'device')}</h2>\n<ol class="toc">\n${items}\n</ol>\n<p><a href="#top">↑ Summary</a></p>\n</section>`;
  }).join('\n');
  const atRiskCard = atRisk.length === 0 ? '' : `<section class="card" id="at-risk">
<h2>${badge('at risk', 'tone-warning')} ${plural(atRisk.length, 'device')}</h2>
<p>A security scan or policy sync was due while these devices' templates ran. They did not fail this time; with the same schedule the next run may.</p>
<ol class="toc">\n${atRisk.map((r) => `<li>${link(r)} ${badge(r.verdict, `tone-${r.tone}`)}</li>`).join('\n')}\n</ol>
</section>`;
  return `${pageHead(`ldforensics: ${plural(rows.length, 'device')}, ${failed} failed`)}
<header id="top">
<h1>ldforensics diagnosis</h1>
<p class="muted">${plural(rows.length, 'device')}, ${failed} with a failed provisioning action${atRisk.length > 0 ? `, ${atRisk.length} at risk` : ''}. Each device has a page of its own under <code>devices/</code>.</p>
</header>
<main>
${fleetCard(summary, (verdict) => toneOf(verdict, rows), {
  verdictHref: (verdict) => `#${verdictAnchor(verdict)}`,
  afterVerdicts: atRisk.length > 0 ? `<p><a href="#at-risk">${plural(atRisk.length, 'device')} at risk</a>: a scan or sync was due during provisioning, and they did not fail this time.</p>` : '',
})}
<section class="card" aria-labelledby="timing-title">
<h2 id="timing-title">When the scan and sync fired</h2>
${timingPicture(rows, loss)}
</section>
${atRiskCard}
${groups}
</main>
<footer>Generated by ldforensics (ldforensics.diagnosis/1). Self-contained: no scripts, no external resources. Times are the devices' wall clocks as written in their logs.</footer>
</body>
</html>
`;
}
