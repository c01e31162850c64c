// What a run leaves on disk until it ends (the -o file's temporary copy, the text report's
// spool folder) is removed when the run is stopped by Ctrl-C or a TERM signal, as it is when
// the run fails: a fleet's spool can be hundreds of MB in TMPDIR. The process then ends with
// the shell's code for the signal (130, 143). With nothing registered the signals keep Node's
// default, so a library user's process is not changed by importing these modules.

type Cleanup = () => void;

const cleanups = new Set<Cleanup>();
const SIGNALS = { SIGINT: 130, SIGTERM: 143 } as const;

function onSignal(signal: keyof typeof SIGNALS): void {
  for (const cleanup of [...cleanups].reverse()) {
    try {
      cleanup();
    } catch {
      // best effort: the others still run, and the process ends as the signal asks
    }
  }
  cleanups.clear();
  process.stderr.write(`\nldforensics: stopped (${signal}); its temporary files were removed\n`);
  process.exit(SIGNALS[signal]);
}

const handlers = { SIGINT: () => onSignal('SIGINT'), SIGTERM: () => onSignal('SIGTERM') };

/** Runs `cleanup` if the process is stopped by SIGINT or SIGTERM before the returned function is called. */
export function cleanUpOnInterrupt(cleanup: Cleanup): () => void {
  if (cleanups.size === 0) for (const signal of Object.keys(handlers) as (keyof typeof handlers)[]) process.on(signal, handlers[signal]);
  cleanups.add(cleanup);
  return () => {
    if (!cleanups.delete(cleanup) || cleanups.size > 0) return;
    for (const signal of Object.keys(handlers) as (keyof typeof handlers)[]) process.off(signal, handlers[signal]);
  };
}

/** How many cleanups are waiting (for tests). */
export function pendingCleanups(): number {
  return cleanups.size;
}
