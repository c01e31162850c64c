// The fleet timing picture's data, per device: when the agent install registered the security
// scan and the policy sync, when each fired, and the span of the template's distributions
// after that install, all in minutes after the registration. And the share of a fleet the
// race is expected to take: the default schedule fires each task at a uniformly random moment
// in its delay window (0 to 60 minutes after the install); a task that fires before the last
// distribution starts is running when a distribution comes, and that distribution is refused.
import { eventsOfKind, runOfAction } from './rules/facts.js';
import { RACE_VERDICTS } from './rules/verdict.js';
import { isDistribution } from './timeline/actions.js';
import { isoTime } from './timeline/iso.js';
import type { DeviceReport, DeviceTiming, Event, ProcessName, Timeline } from './types.js';

const MINUTE = 60_000;
/** The agent's default random delay for both tasks, as FORMATS.md gives it: up to an hour. */
export const DEFAULT_DELAY = { min: 0, max: 60 };
/** A registered first start further than this from the install is the far-future fix, not a due task. */
const FAR_FUTURE_MS = 366 * 24 * 3_600_000;

type Task = Extract<ProcessName, 'vulscan' | 'policysync'>;

function isTask(process: ProcessName | undefined): process is Task {
  return process === 'vulscan' || process === 'policysync';
}

/** The device's timing, where the scheduler's scan or sync task was registered in these logs. */
export function timingOf(timeline: Timeline, zone?: string): DeviceTiming | undefined {
  const added = eventsOfKind(timeline, 'task-added').filter((e) => isTask(e.process));
  const first = added[0];
  if (!first) return undefined;
  const registered = first.time;
  const minutes = (time: number): number => Math.round(((time - registered) / MINUTE) * 10) / 10;
  const due = (e: Event): boolean => e.start === undefined || e.start - registered < FAR_FUTURE_MS;
  const tasks = new Map<Task, Event>();
  for (const e of added) if (isTask(e.process) && !tasks.has(e.process)) tasks.set(e.process, e);
  const fired: DeviceTiming['fired'] = [];
  for (const e of eventsOfKind(timeline, 'task-launched')) {
    if (!isTask(e.process) || e.time < registered) continue;
    if (fired.some((f) => f.task === e.process)) continue;
    fired.push({ task: e.process, minutes: minutes(e.time) });
  }
  const distributions = timeline.actions.filter((a) => isDistribution(a) && a.event.time >= registered);
  let span: DeviceTiming['distributions'];
  if (distributions.length > 0) {
    const starts = distributions.map((a) => runOfAction(timeline, a)?.start ?? a.event.time);
    span = {
      first: minutes(starts.reduce((min, t) => Math.min(min, t), Infinity)),
      lastStart: minutes(starts[starts.length - 1] ?? registered),
      end: minutes(distributions[distributions.length - 1]?.event.time ?? registered),
      count: distributions.length,
    };
  }
  const delayOf = (e: Event): { min: number; max: number } => ({
    min: e.delayMinSeconds !== undefined ? e.delayMinSeconds / 60 : DEFAULT_DELAY.min,
    max: e.delayMaxSeconds !== undefined ? e.delayMaxSeconds / 60 : DEFAULT_DELAY.max,
  });
  return {
    registered: isoTime(registered, zone),
    tasks: [...tasks.entries()].map(([task, e]) => ({ task, due: due(e), ...(due(e) ? { delay: delayOf(e) } : {}) })),
    fired,
    ...(span ? { distributions: span } : {}),
  };
}

/**
 * The chance that the race takes this device under the agent's default schedule: the scan
 * and the sync each due at the install with a uniformly random delay of 0 to 60 minutes, and
 * either one firing before the last distribution starts meets a distribution. The device's
 * own schedule does not enter: this is what the default would cost its template, to set
 * beside what the fleet really lost. Undefined without distributions after the install.
 */
export function expectedLoss(timing: DeviceTiming): number | undefined {
  const span = timing.distributions;
  if (!span) return undefined;
  if (span.count < 2) return 0;
  const { min, max } = DEFAULT_DELAY;
  const p = Math.min(1, Math.max(0, (span.lastStart - min) / (max - min)));
  return 1 - (1 - p) * (1 - p);
}

/** The fleet's expected and real loss to the race, over the devices whose timing is known. */
export class LossTally {
  devices = 0;
  expected = 0;
  lost = 0;
  add(device: Pick<DeviceReport, 'verdict' | 'timing'>): void {
    const p = device.timing ? expectedLoss(device.timing) : undefined;
    if (p === undefined) return;
    this.devices += 1;
    this.expected += p;
    if (RACE_VERDICTS.includes(device.verdict)) this.lost += 1;
  }
}
