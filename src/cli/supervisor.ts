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
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { constants } from 'node:os';
import { stallReason } from '../ingest/read-progress.js';
import { PLANNING_FD, STALLED_ENV, SUPERVISED_ENV, stoppedMessage, STOPPED_CODES, type SupervisorMessage } from './supervised.js';

/** How long the run has to stop by itself once signalled (its own cleanup takes milliseconds). */
export const STOP_GRACE_MS = 1000;
/** How long the run's exit may take once it said its exit code, before it is ended. */
export const EXIT_GRACE_MS = 1000;

/** Tries of a run whose planning stalled, each started again with the paths found stalled, before it is given up. */
export const MAX_PLANNING_TRIES = 6;

/**
 * Runs `script` with `args` as a child process with this one's streams, and resolves with the
 * exit code this process should end with. Never rejects.
 *
 * Planning, which lists the share in the run's main thread, tells each path before it touches
 * it on a pipe of its own (supervised.ts). One with no answer within the run's read timeout holds
 * that thread for good: the run is killed (nothing is written before planning ends but its
 * temporary files, removed here) and started again, told the paths found stalled, which it
 * then reports unread on their devices; the fleet goes on.
 */
export function supervise(script: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve) => {
    const temporaries = new Set<string>();
    let ended = false;
    /** The code the run said it ends with (its exit, or its stop), once it said it. */
    let said: { code: number } | null = null;
    let stopSignal: keyof typeof STOPPED_CODES | null = null;
    const timers: NodeJS.Timeout[] = [];
    const stalled: string[] = [];
    let child: ChildProcess;
    /** Where the run's planning is: the path it touches, since when, and how long it may take. */
    let planning: { at: string; since: number } | null = null;
    let limitMs = 30_000;

    const end = (code: number): void => {
      if (ended) return;
      ended = true;
      clearInterval(watch);
      for (const timer of timers) clearTimeout(timer);
      for (const signal of Object.keys(STOPPED_CODES)) process.removeAllListeners(signal);
      resolve(code);
    };
    const removeTemporaries = (): void => {
      for (const temporary of temporaries) {
        try {
          rmSync(temporary, { recursive: true, force: true });
        } catch {
          // best effort, as the run's own cleanup is
        }
      }
      temporaries.clear();
    };
    /** The run did not end on time: it is killed, and what it kept on disk removed here. */
    const endHeldRun = (code: number, sayStopped: boolean): void => {
      if (ended) return;
      child.kill('SIGKILL');
      removeTemporaries();
      if (sayStopped && stopSignal !== null) process.stderr.write(stoppedMessage(stopSignal));
      end(code);
    };

    const start = (): void => {
      planning = null;
      const run = spawn(process.execPath, [...process.execArgv, script, ...args], {
        stdio: ['inherit', 'inherit', 'inherit', 'ipc', 'pipe'],
        env: { ...process.env, [SUPERVISED_ENV]: '1', ...(stalled.length > 0 ? { [STALLED_ENV]: JSON.stringify(stalled) } : {}) },
      });
      child = run;
      const current = (): boolean => child === run && !ended;
      let pending = '';
      run.stdio[PLANNING_FD]?.on('data', (chunk: Buffer) => {
        if (!current()) return;
        pending += chunk.toString('utf8');
        let newline = pending.indexOf('\n');
        while (newline !== -1) {
          const line = pending.slice(0, newline);
          pending = pending.slice(newline + 1);
          newline = pending.indexOf('\n');
          if (line === 'done') planning = null;
          else if (line.startsWith('limit ')) limitMs = Number(line.slice('limit '.length)) * 1000 || limitMs;
          else if (line.startsWith('at ')) {
            try {
              planning = { at: String(JSON.parse(line.slice('at '.length))), since: Date.now() };
            } catch {
              planning = null;
            }
          }
        }
      });
      run.on('message', (message: SupervisorMessage) => {
        if (!current()) return;
        switch (message.kind) {
          case 'temporary': temporaries.add(message.path); break;
          case 'released': temporaries.delete(message.path); break;
          case 'exit':
          case 'stopped':
            said = { code: message.code };
            timers.push(setTimeout(() => endHeldRun(message.code, false), EXIT_GRACE_MS).unref());
            break;
        }
      });
      run.on('error', (error) => {
        if (!current()) return;
        process.stderr.write(`ldforensics: could not start the run (${error.message})\n`);
        end(2);
      });
      run.on('exit', (code, signal) => {
        if (!current()) return;
        if (said !== null) end(said.code);
        else if (code !== null) end(code);
        else if (stopSignal !== null) endHeldRun(STOPPED_CODES[stopSignal], true);
        else {
          // Killed from outside (the kernel's out-of-memory killer, kill -9): say it, and end as the shell would.
          process.stderr.write(`ldforensics: the run was ended by ${signal ?? 'a signal'}\n`);
          end(128 + signalNumber(signal));
        }
      });
    };

    // A planning call with no answer within the limit: the run is started again without it.
    const watch = setInterval(() => {
      if (ended || stopSignal !== null || planning === null || Date.now() - planning.since < limitMs) return;
      const at = planning.at;
      stalled.push(at);
      const held = child;
      held.kill('SIGKILL');
      removeTemporaries();
      if (stalled.length >= MAX_PLANNING_TRIES) {
        process.stderr.write(`ldforensics: planning gave up: ${stalled.length} paths had ${stallReason('folder', limitMs / 1000)}: ${stalled.map(shownPath).join(', ')}\n`);
        end(2);
        return;
      }
      // On a terminal the run may have left its progress line drawn: the note starts a line of its own.
      process.stderr.write(`${process.stderr.isTTY ? '\n' : ''}ldforensics: ${shownPath(at)}: no answer for ${limitMs / 1000} s (--read-timeout); planning again without it\n`);
      start();
    }, 250);
    watch.unref();

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
    start();
  });
}

/** A path of the share, said on a terminal: its control characters are not. */
function shownPath(path: string): string {
  return path.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return (signal !== null ? constants.signals[signal] : undefined) ?? constants.signals.SIGKILL;
}
