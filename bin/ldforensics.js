#!/usr/bin/env node
// On POSIX systems the run is a child of a supervisor that reads nothing (cli/supervisor.ts): a
// read blocked in the kernel (a hung network share) can hold any thread of the run, and then
// only another process can end it on a signal, on time. LDFORENSICS_SUPERVISED set by hand
// runs the tool in this one process (to profile it with --cpu-prof, say).
if (process.platform !== 'win32' && process.env.LDFORENSICS_SUPERVISED === undefined) {
  const { fileURLToPath } = await import('node:url');
  const { supervise } = await import('../dist/bundle/supervisor.js');
  process.exit(await supervise(fileURLToPath(import.meta.url), process.argv.slice(2)));
}
// The worker a run of one device will use starts first, and loads while the CLI does (standby.ts).
const { startStandbyWorkerFor } = await import('../dist/bundle/standby.js');
startStandbyWorkerFor(process.argv.slice(2));
const { main, markStdoutClosed, markStdoutFailed, stopped, isSupervised, tellSupervisor, unrefSupervisorChannel, releaseOutputIfHeld } = await import('../dist/bundle/cli.js');
unrefSupervisorChannel();
// `ldforensics … | head` closes the pipe early: that is the reader's choice, not an error. The
// run goes on quietly to its end, so the exit code is the one the report itself earned.
// Any other failure of stdout (a full disk under `> report.json`) leaves the report incomplete:
// the run ends with that said and exit code 2 (cli.ts), not with a stack trace.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') markStdoutClosed();
  else markStdoutFailed(error);
});
// Ctrl-C or TERM: what the run keeps on disk until its end is removed (cli.ts), then it ends.
// A read blocked in the kernel holds a thread that exit waits for, for ever. Supervised, the
// supervisor ends this process if it has not ended on time (once told it stopped). Alone (on
// Windows, or by hand), a watchdog process ends it by the same signal, whose default action is
// back once the handler is gone, if exit has not happened within 1.5 s.
const supervised = isSupervised();
const { spawn } = await import('node:child_process');
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  const onSignal = () => {
    // Supervised, a Ctrl-C comes twice (from the terminal and passed on): the first one counts.
    if (stopping) return;
    stopping = true;
    const code = stopped(signal);
    if (supervised) {
      tellSupervisor({ kind: 'stopped', code });
      process.exit(code);
    }
    try {
      const watchdog = spawn('/bin/sh', ['-c', `sleep 1.5; kill -s ${signal.slice(3)} ${process.pid} 2>/dev/null`], { detached: true, stdio: 'ignore' });
      watchdog.on('error', () => {});
      watchdog.unref();
    } catch {
      // no shell (Windows): exit as before
    }
    process.exit(code);
  };
  if (supervised) process.on(signal, onSignal);
  else process.once(signal, onSignal);
}
const code = await main(process.argv.slice(2));
// Said before the end: an exit held by a thread blocked in a read is ended by the supervisor,
// and such a run lets go of stdout first, so a pipe's reader is not held (cli.ts).
if (supervised) releaseOutputIfHeld();
tellSupervisor({ kind: 'exit', code });
process.exitCode = code;
