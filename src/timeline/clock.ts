// Clock jumps. Provisioning changes the clock (domain join, time sync), so a file's time can
// go backwards or leap forwards between two lines. We mark the entry after the jump; the
// file's order stays the truth, and the rules read marked times as evidence, not proof.
import type { Event, ProcessName } from '../types.js';

/** Any step back by this much is a jump: logs are written in time order. */
export const BACKWARD_JUMP_MS = 2_000;
/**
 * A step forward this long inside one process run is a jump: a run that is not waiting
 * writes often. A step of most of a day or more is the scheduler's next daily run
 * (/freq=86400 less up to an hour's random delay), not a jump.
 */
export const FORWARD_JUMP_MS = 60 * 60 * 1000;
export const NEXT_DAILY_RUN_MS = 20 * 60 * 60 * 1000;

/** Kinds after which a long silence is expected, not a jump. */
const QUIET_AFTER = new Set<Event['kind']>(['process-exit', 'waiting', 'scanning', 'template-stopped']);
const RUN_LOGS: Partial<Record<Event['source'], ProcessName>> = { sdclient: 'sdclient', vulscan: 'vulscan', policysync: 'policysync' };
const LINE_LOGS = new Set<Event['source']>(['sdclient', 'vulscan', 'policysync', 'localsch', 'provisioning', 'provision-gui']);

/**
 * What the other files of the device say about a silence from `from` to `to` in one file:
 * 'written' where another file wrote lines inside it (the time passed: an idle stretch),
 * 'skipped' where other files wrote on both sides of it and none inside (the clock leapt
 * over it on the whole device), 'unknown' where no other file spans it.
 */
export type SilenceWitness = (from: number, to: number) => 'written' | 'skipped' | 'unknown';

/** No other file to ask: a forward step is judged from its own file alone. */
const NO_WITNESS: SilenceWitness = () => 'unknown';

/**
 * Marks clock jumps on one file's events (in file order) and returns the marked events.
 * A step back is always a jump. A step forward is ambiguous (a silent wait looks the same),
 * so it is a jump only where the other files show the time was skipped, or, with no other
 * file to ask, where it falls inside a busy run.
 */
export function markClockJumps(events: readonly Event[], witness: SilenceWitness = NO_WITNESS): Event[] {
  const jumps: Event[] = [];
  for (let i = 1; i < events.length; i += 1) {
    const previous = events[i - 1];
    const event = events[i];
    // Only timestamped lines have a clock to jump; a task listing or a .stat has none.
    if (!previous || !event || !LINE_LOGS.has(event.source)) continue;
    const delta = event.time - previous.time;
    const backward = delta <= -BACKWARD_JUMP_MS;
    const process = RUN_LOGS[event.source];
    const longStep = process !== undefined && delta >= FORWARD_JUMP_MS && delta < NEXT_DAILY_RUN_MS
      && !QUIET_AFTER.has(previous.kind) && event.kind !== 'process-start';
    const seen = longStep ? witness(previous.time, event.time) : 'written';
    const forward = longStep && seen !== 'written';
    if (backward || forward) {
      event.clockJump = { deltaMs: delta, previousTime: previous.time };
      jumps.push(event);
    }
  }
  return jumps;
}
