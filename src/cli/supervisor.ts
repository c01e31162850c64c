// The command line runs as two processes: this one, which reads nothing, and the run itself as
// its child. Why: a read blocked in the kernel (a network share that stopped answering) holds
// the thread that made it, and no code in that process can end it. Where the blocked thread is
// the main one, no signal handler runs; where it is any other, Node's exit waits for it for
// ever (measured: process.exit() never returns with a worker, or libuv's own pool, in such a
// read). Here nothing blocks: a signal is passed on to the run, and if the run has not ended
// within STOP_GRACE_MS, it is killed, what it kept on disk is removed (it said where, as it
// made each), and this process ends with the shell's code for the signal. A run that has
// finished but whose exit is held by such a thread (a read given up as stalled) is ended the
// same way with its own exit code.
//
// Loaded by bin/ldforensics.js before anything else, so it imports Node's own modules only.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { constants } from 'node:os';
import { SUPERVISED_ENV, stoppedMessage, STOPPED_CODES, type SupervisorMessage } from './supervised.js';

/** How long the run has to stop by itself once signalled (its own cleanup takes milliseconds). */
export const STOP_GRACE_MS = 1000;
/** How long the run's exit may take once it said its exit code, before it is ended. */
export const EXIT_GRACE_MS = 1000;

/**
 * Runs `script` with `args` as a child process with this one's streams, and resolves with the
 * exit code this process should end with. Never rejects.
 */
export function supervise(script: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve) => {
    const temporaries = new Set<string>();
    let ended = false;
    /** The code the run said it ends with (its exit, or its stop), once it said it. */
    let said: { code: number; stopMessage: boolean } | null = null;
    let stopSignal: keyof typeof STOPPED_CODES | null = null;
    const timers: NodeJS.Timeout[] = [];

    const child = spawn(process.execPath, [...process.execArgv, script, ...args], {
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, [SUPERVISED_ENV]: '1' },
    });

    const end = (code: number): void => {
      if (ended) return;
      ended = true;
      for (const timer of timers) clearTimeout(timer);
      for (const signal of Object.keys(STOPPED_CODES)) process.removeAllListeners(signal);
      resolve(code);
    };
    /** The run did not end on time: it is killed, and what it kept on disk removed here. */
    const endHeldRun = (code: number, sayStopped: boolean): void => {
      if (ended) return;
      child.kill('SIGKILL');
      for (const temporary of temporaries) {
        try {
          rmSync(temporary, { recursive: true, force: true });
        } catch {
          // best effort, as the run's own cleanup is
        }
      }
      if (sayStopped && stopSignal !== null) process.stderr.write(stoppedMessage(stopSignal));
      end(code);
    };

    child.on('message', (message: SupervisorMessage) => {
      switch (message.kind) {
        case 'temporary': temporaries.add(message.path); break;
        case 'released': temporaries.delete(message.path); break;
        case 'exit':
        case 'stopped':
          said = { code: message.code, stopMessage: message.kind === 'stopped' };
          timers.push(setTimeout(() => endHeldRun(message.code, false), EXIT_GRACE_MS).unref());
          break;
      }
    });
    child.on('error', (error) => {
      process.stderr.write(`ldforensics: could not start the run (${error.message})\n`);
      end(2);
    });
    child.on('exit', (code, signal) => {
      if (said !== null) end(said.code);
      else if (code !== null) end(code);
      else if (stopSignal !== null) endHeldRun(STOPPED_CODES[stopSignal], true);
      else {
        // Killed from outside (the kernel's out-of-memory killer, kill -9): say it, and end as the shell would.
        process.stderr.write(`ldforensics: the run was ended by ${signal ?? 'a signal'}\n`);
        end(128 + signalNumber(signal));
      }
    });

    for (const signal of Object.keys(STOPPED_CODES) as (keyof typeof STOPPED_CODES)[]) {
      process.on(signal, () => {
        // A second Ctrl-C does not wait for the grace.
        if (stopSignal !== null) {
          endHeldRun(STOPPED_CODES[stopSignal], said === null);
          return;
        }
        stopSignal = signal;
        // From a terminal the run has it already (one process group); from `kill` or `timeout`, not.
        child.kill(signal);
        timers.push(setTimeout(() => endHeldRun(said?.code ?? STOPPED_CODES[signal], said === null), STOP_GRACE_MS));
      });
    }
  });
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return (signal !== null ? constants.signals[signal] : undefined) ?? constants.signals.SIGKILL;
}
