#!/usr/bin/env node
// The worker a run of one device will use starts first, and loads while the CLI does (standby.ts).
const { startStandbyWorkerFor } = await import('../dist/bundle/standby.js');
startStandbyWorkerFor(process.argv.slice(2));
const { main, markStdoutClosed, markStdoutFailed, stopped } = await import('../dist/bundle/cli.js');
// `ldforensics … | head` closes the pipe early: that is the reader's choice, not an error. The
// run goes on quietly to its end, so the exit code is the one the report itself earned.
// Any other failure of stdout (a full disk under `> report.json`) leaves the report incomplete:
// the run ends with that said and exit code 2 (cli.ts), not with a stack trace.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') markStdoutClosed();
  else markStdoutFailed(error);
});
// Ctrl-C or TERM: what the run keeps on disk until its end is removed (cli.ts), then it ends.
// A read blocked in the kernel (a hung network share) holds a thread that exit waits for, for
// ever: a watchdog process ends this one by the same signal, whose default action is back once
// the handler is gone, if exit has not happened within 1.5 s. The shell's code is the same.
const { spawn } = await import('node:child_process');
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    const code = stopped(signal);
    try {
      const watchdog = spawn('/bin/sh', ['-c', `sleep 1.5; kill -s ${signal.slice(3)} ${process.pid} 2>/dev/null`], { detached: true, stdio: 'ignore' });
      watchdog.on('error', () => {});
      watchdog.unref();
    } catch {
      // no shell (Windows): exit as before
    }
    process.exit(code);
  });
}
process.exitCode = await main(process.argv.slice(2));
