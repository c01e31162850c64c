// What the run (a child of cli/supervisor.ts) and its supervisor say to each other, and the
// run's side of it. Imported by the supervisor, so Node's own modules only.
import { writeSync } from 'node:fs';
import { stallReason } from '../ingest/read-progress.js';

/** Set by the supervisor on its child; set by hand (to anything), the run is not supervised (one process: for --cpu-prof). */
export const SUPERVISED_ENV = 'LDFORENSICS_SUPERVISED';

/** The shell's exit codes for a run stopped by a signal (128 + its number). */
export const STOPPED_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/** What a stopped run says on stderr, whichever of the two processes says it. */
export function stoppedMessage(signal: keyof typeof STOPPED_CODES): string {
  return `\nldforensics: stopped (${signal}); its temporary files were removed\n`;
}

/**
 * The run's messages: a path it keeps on disk until it ends (to be removed if it has to be
 * killed), and let go of; the exit code it ends with, or its stop, once cleaned up.
 */
export type SupervisorMessage =
  | { kind: 'temporary'; path: string }
  | { kind: 'released'; path: string }
  | { kind: 'exit'; code: number }
  | { kind: 'stopped'; code: number };

/** Whether this process is a supervised run (its supervisor listens on the IPC channel). */
export function isSupervised(): boolean {
  return process.env[SUPERVISED_ENV] === '1' && typeof process.send === 'function';
}

/**
 * Tells the supervisor, if there is one. A pipe write, made at once where the pipe has room
 * (libuv tries it before queueing), so it is out before a read that blocks after it.
 */
export function tellSupervisor(message: SupervisorMessage): void {
  if (!isSupervised()) return;
  try {
    process.send?.(message);
  } catch {
    // a supervisor gone (killed) leaves the run to end as it would alone
  }
}

/** The channel to the supervisor never keeps the run alive by itself. */
export function unrefSupervisorChannel(): void {
  if (isSupervised()) (process.channel as { unref?: () => void } | undefined)?.unref?.();
}

/**
 * The pipe planning is watched through (fd 4 of a supervised run): a line a call, written with
 * a plain synchronous write before the call, so it is out even if the call never returns (an
 * IPC message is queued in the event loop, which a blocked thread never reaches). Lines:
 * `limit <seconds>`, `at <JSON path>`, `done`.
 */
export const PLANNING_FD = 4;
/** Paths planning found stalled on an earlier try, as JSON, for the run started again. */
export const STALLED_ENV = 'LDFORENSICS_STALLED';

/** Why a stalled path was not read, as the run says it. */
export function stalledReason(seconds: number): string {
  return `${stallReason('folder', seconds)}; not read`;
}

/** The planning line writer of a supervised run, or null; it goes quiet if the pipe fails. */
export function planningPipe(): ((line: string) => void) | null {
  if (!isSupervised()) return null;
  let open = true;
  return (line) => {
    if (!open) return;
    try {
      writeSync(PLANNING_FD, `${line}\n`);
    } catch {
      open = false;
    }
  };
}

/** The paths an earlier try of this run found stalled (STALLED_ENV). */
export function stalledPathsOfEnv(): string[] {
  try {
    const paths: unknown = JSON.parse(process.env[STALLED_ENV] ?? '[]');
    return Array.isArray(paths) ? paths.filter((p): p is string => typeof p === 'string') : [];
  } catch {
    return [];
  }
}
