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
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(stopped(signal)));
process.exitCode = await main(process.argv.slice(2));
