// What a run keeps on disk until it ends (the -o file's temporary copy, the text report's spool
// folder), to be removed if the run is stopped by Ctrl-C or a TERM signal, as it is when the
// run fails: a fleet's spool can be hundreds of MB in TMPDIR. Only the registry lives here;
// the CLI says what happened (cli.ts, stopped) and bin/ ends the process. Each path is also
// told to the supervisor (supervisor.ts), which removes it if the run has to be killed.
import { tellSupervisor } from './supervised.js';

type Cleanup = () => void;

const cleanups = new Set<Cleanup>();

/**
 * Keeps `cleanup`, which removes `path`, for cleanUpAll until the returned function is called
 * (the thing was removed or kept as the run ended).
 */
export function cleanUpOnInterrupt(path: string, cleanup: Cleanup): () => void {
  cleanups.add(cleanup);
  tellSupervisor({ kind: 'temporary', path });
  return () => {
    if (cleanups.delete(cleanup)) tellSupervisor({ kind: 'released', path });
  };
}

/** Runs every cleanup still kept, the newest first, each whatever the others did. */
export function cleanUpAll(): void {
  for (const cleanup of [...cleanups].reverse()) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // best effort: the others still run, and the process ends as the signal asks
    }
  }
}

/** How many cleanups are waiting (for tests). */
export function pendingCleanups(): number {
  return cleanups.size;
}
