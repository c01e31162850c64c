// stray-log: a log in the bundle that cannot belong to this device's history as the rest does.
// A clean build with another device's sdclient.log in a subfolder was called a race, with
// "fix in place" beside it. The template runs already keep lines from before the first run
// apart (timeline/runs.ts); this rule says so where a whole file lies weeks before the runs,
// beside a log of the same kind that the runs do use, and names what else disagrees (the
// agent version). The admin decides whose it is: the verdict is never taken from it.
import { templateRuns } from '../timeline/runs.js';
import type { Event, LogKind, Rule } from '../types.js';
import { chain } from './facts.js';

/** Logs of one history are read together; a whole file this far before the runs links to none of them. */
const APART_MS = 7 * 86_400_000;

const RUN_LOGS = new Set<LogKind>(['sdclient', 'vulscan', 'policysync', 'provisioning', 'provision-gui']);

interface FileSpan {
  file: string;
  source: LogKind;
  first: Event;
  last: Event;
  versions: Set<string>;
  /** Its first line that says something failed: what would have misled the verdict. */
  failure?: Event;
  /** The core servers its lines fetch from (http://<core>/ldlogon/…), and the first such line. */
  cores: Map<string, Event>;
}

/** The core's own share: a URL to it names the core the agent talks to. */
const CORE_URL = /https?:\/\/([A-Za-z0-9.-]{1,253})(?::\d{1,5})?\/ldlogon\//i;

function spans(events: readonly Event[]): Map<string, FileSpan> {
  const byFile = new Map<string, FileSpan>();
  for (const event of events) {
    if (!RUN_LOGS.has(event.source) || event.utc === true) continue;
    let span = byFile.get(event.file);
    if (!span) {
      span = { file: event.file, source: event.source, first: event, last: event, versions: new Set(), cores: new Map() };
      byFile.set(event.file, span);
    }
    if (event.time < span.first.time) span.first = event;
    if (event.time > span.last.time) span.last = event;
    if (event.kind === 'process-start' && event.version !== undefined) span.versions.add(event.version);
    const core = CORE_URL.exec(event.text)?.[1]?.toLowerCase();
    if (core !== undefined && !span.cores.has(core)) span.cores.set(core, event);
    if (!span.failure && (event.kind === 'busy-refusal' || event.kind === 'download-error'
      || (event.kind === 'package-result' && event.code !== undefined && event.code !== 0))) span.failure = event;
  }
  return byFile;
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

/** What two files of one time disagree on: the agent version, the core; empty where nothing. */
function disagreement(a: FileSpan, b: FileSpan): string {
  const parts: string[] = [];
  // Versions of one program only: vulscan is updated apart from sdclient.
  if (a.source === b.source && a.versions.size > 0 && b.versions.size > 0 && ![...a.versions].some((v) => b.versions.has(v))) {
    parts.push(`two agent versions (${[...a.versions].join(', ')}; ${[...b.versions].join(', ')})`);
  }
  if (a.cores.size > 0 && b.cores.size > 0 && ![...a.cores.keys()].some((c) => b.cores.has(c))) {
    parts.push(`two core servers (${[...a.cores.keys()].join(', ')}; ${[...b.cores.keys()].join(', ')})`);
  }
  return parts.join(' and ');
}

/** Two files whose times overlap and that cannot be one device's: another agent version, another core. */
function reportAtOnce(context: Parameters<Rule['create']>[0], files: readonly FileSpan[], time: number): void {
  const reported = new Set<string>();
  for (let i = 0; i < files.length; i += 1) {
    for (let j = i + 1; j < files.length; j += 1) {
      const a = files[i];
      const b = files[j];
      if (!a || !b || reported.has(a.file) || reported.has(b.file)) continue;
      const from = Math.max(a.first.time, b.first.time);
      const to = Math.min(a.last.time, b.last.time);
      if (from > to) continue;
      const what = disagreement(a, b);
      if (!what) continue;
      reported.add(a.file).add(b.file);
      context.report({
        messageId: 'atOnce',
        data: { file: a.file, other: b.file, from: day(from), to: day(to), what },
        evidence: chain(a.first, [...a.cores.values()][0], b.first, [...b.cores.values()][0]),
        confidence: 'medium',
        time,
      });
    }
  }
}

const rule: Rule = {
  meta: {
    id: 'stray-log',
    title: 'A log that belongs to no run of this device',
    description: 'A whole log lies weeks before the template runs, beside a log of the same kind that the runs use, or two logs of one time disagree on the agent version or the core server: another device\'s log, or an old copy.',
    explanation: 'A log in this bundle lies weeks before the template runs it was gathered with, beside the device\'s own log of the same kind: it may be another device\'s log.',
    severity: 'warning',
    fix: 'Check where the file came from: if it is another device\'s log, move it to that device\'s bundle; if it is this device\'s old copy, nothing to change. It was kept apart as history and does not decide the verdict.',
    references: ['FORMATS.md "A bundle is a device\'s history, not one run"'],
    falsePositives: ['An old copy of this device\'s own log kept in the bundle (an image\'s, or an earlier install\'s): same device, older history.'],
    messages: {
      atOnce: '{file} and {other} hold lines of the same time ({from} to {to}) from {what}: one device runs one agent talking to one core, '
        + 'so one of them is likely another device\'s log. Check where each came from; the verdict may rest on the wrong one.',
      apart: '{file} holds only lines from {from} to {to}, {weeks} before this bundle\'s template run ({runDay}), and no run links them, '
        + 'while {own} holds the runs\' lines{versions}. It may be another device\'s log (or an old copy); it was kept apart as history and does not decide the verdict.',
    },
  },
  create(context) {
    return {
      end() {
        const timeline = context.timeline;
        const split = templateRuns(timeline);
        const firstRun = split.runs[0];
        if (!firstRun) return;
        const files = spans(timeline.events);
        reportAtOnce(context, [...files.values()], split.runs[split.runs.length - 1]?.start ?? firstRun.start);
        if (!split.before) return;
        const inRuns = [...files.values()].filter((f) => f.last.time >= firstRun.start);
        for (const stray of files.values()) {
          if (stray.last.time >= firstRun.start - APART_MS) continue;
          const own = inRuns.find((f) => f.source === stray.source && f.file !== stray.file);
          if (!own) continue;
          const theirs = [...stray.versions].filter((v) => !own.versions.has(v));
          const versions = theirs.length > 0 && own.versions.size > 0
            ? `; its agent version (${theirs.join(', ')}) is not the one the runs use (${[...own.versions].join(', ')})`
            : '';
          context.report({
            messageId: 'apart',
            data: {
              file: stray.file,
              from: day(stray.first.time),
              to: day(stray.last.time),
              weeks: `${Math.round((firstRun.start - stray.last.time) / (7 * 86_400_000))} week(s)`,
              runDay: day(firstRun.start),
              own: baseName(own.file) === baseName(stray.file) ? own.file : baseName(own.file),
              versions,
            },
            evidence: chain(stray.first, stray.failure, stray.last, own.first),
            confidence: versions ? 'high' : 'medium',
            // Dated in the latest run: the finding is about the device as it is now, not its history.
            time: split.runs[split.runs.length - 1]?.start ?? firstRun.start,
          });
        }
      },
    };
  },
};

export default rule;
