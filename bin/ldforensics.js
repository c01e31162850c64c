#!/usr/bin/env node
import { main, markStdoutClosed } from '../dist/cli.js';
// `ldforensics … | head` closes the pipe early: that is the reader's choice, not an error. The
// run goes on quietly to its end, so the exit code is the one the report itself earned.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') {
    markStdoutClosed();
    return;
  }
  throw error;
});
process.exitCode = await main(process.argv.slice(2));
