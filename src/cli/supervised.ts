// What the run (a child of cli/supervisor.ts) and its supervisor say to each other, and the
// run's side of it. Imported by the supervisor, so Node's own modules only.

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
