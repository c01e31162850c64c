// The report file of -o: written whole or not at all. The text goes to a temporary file beside
// it, which replaces the old report only when the run completed; a failed run (a full disk
// among the reasons) leaves the old file as it was and says why, with the file's name.
// Only a regular file is replaced so: `-o /dev/null`, `-o /dev/stdout` or a named pipe is
// written into as it is (a rename over /dev/null replaced the device for the whole machine,
// for a run as root), and a symbolic link keeps pointing where it did (its target is replaced).
//
// The writes are synchronous calls: a write to a file lands in the page cache at once, and the
// round trip through the thread pool per write was time the main thread waited with nothing
// else to do (a warm --cache rerun of 10,000 devices writes 160 MB: 0.93 of the time with
// these, farm-bench; a cold run the same time and peak RSS).
import { closeSync, fstatSync, openSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { writeAllSync } from '../atomic.js';
import { messageOf, UsageError } from '../errors.js';
import { cleanUpOnInterrupt } from './interrupt.js';

/** A report written to a file descriptor with synchronous calls. */
export interface FileSink {
  write(text: string | Uint8Array): void;
}

/** What to do where the report cannot be written (the -o file, its folder's pages, stdout). */
export const WRITE_ELSEWHERE_HINT = 'Free some space where the report goes, or write it elsewhere with -o.';

/** Stdout could not take the report (a full disk under `> report.json`): the user's to act on. */
export function stdoutFailed(error: unknown): UsageError {
  return new UsageError(`cannot write the report to stdout: ${messageOf(error)}; the report is not complete`, WRITE_ELSEWHERE_HINT);
}

/** A report's text as bytes. */
function bytesOf(text: string | Uint8Array): Uint8Array {
  return typeof text === 'string' ? Buffer.from(text) : text;
}

/**
 * Stdout where it is a regular file (`> report.json`): written here, not through
 * process.stdout, whose stream for a file takes a short write for a whole one and so cut a
 * report short without a word when the disk filled during one large write (an HTML page).
 * Null where stdout is a pipe or a terminal.
 */
export function stdoutFile(): FileSink | null {
  let isFile: boolean;
  try {
    isFile = fstatSync(1).isFile();
  } catch {
    return null;
  }
  if (!isFile) return null;
  return {
    write(text) {
      try {
        writeAllSync(1, bytesOf(text));
      } catch (error) {
        throw stdoutFailed(error);
      }
    },
  };
}

/**
 * How a report for `target` is written: into a temporary file beside the regular file it names
 * (through a symbolic link, the file the link points to), which replaces that file at the end;
 * or, null, where it names something else that exists (a device such as /dev/null, a named
 * pipe, /dev/stdout): into that thing itself.
 */
function replacement(target: string): { temp: string; file: string } | null {
  let stats;
  try {
    stats = statSync(target);
  } catch {
    stats = null; // not there yet (or not reachable: opening its temporary file says why)
  }
  if (stats !== null && !stats.isFile()) return null;
  let file = target;
  try {
    if (stats !== null) file = realpathSync(target);
  } catch {
    // the path as given
  }
  return { temp: path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`), file };
}

function isExistingFolder(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export class OutputFile implements FileSink {
  /** The temporary file and the file it replaces; null where the target is written into directly. */
  private readonly replacing: { temp: string; file: string } | null;
  private fd: number | null;
  /** Ends the removal of the temporary file on Ctrl-C (see interrupt.ts) once it is committed or discarded. */
  private readonly settled: () => void;

  constructor(readonly target: string) {
    // The two mistakes a path can hold, said in the user's terms rather than as the temporary file's ENOENT or ENOTDIR.
    if (target.endsWith('/') || target.endsWith(path.sep) || isExistingFolder(target)) {
      throw new UsageError(`--output: ${target} is a folder, and this report is one file`, 'Give a file name (for example -o report.csv); only --format html writes a folder (-o DIR/), a page per device.');
    }
    const folder = path.dirname(path.resolve(target));
    if (!isExistingFolder(folder)) {
      throw new UsageError(`--output: the folder ${path.dirname(target) === '.' ? folder : path.dirname(target)} does not exist`, `Create it first (mkdir -p ${path.dirname(target)}), or write the report elsewhere.`);
    }
    this.replacing = replacement(target);
    try {
      // Fails early, before a fleet is read, where the report could not be written.
      this.fd = openSync(this.replacing?.temp ?? target, 'w');
    } catch (error) {
      throw new UsageError(`--output: cannot write ${target}: ${messageOf(error)}`);
    }
    this.settled = this.replacing === null ? () => undefined : cleanUpOnInterrupt(this.replacing.temp, () => this.discard());
  }

  /** Appends to the report; a failed write (no space left, a quota) throws a UsageError naming the file. */
  write(text: string | Uint8Array): void {
    if (this.fd === null) throw new Error(`the report file ${this.target} was already closed`);
    try {
      writeAllSync(this.fd, bytesOf(text));
    } catch (error) {
      throw this.failed(error);
    }
  }

  /** The report complete: it replaces the old one. */
  commit(): void {
    try {
      this.close();
      if (this.replacing !== null) renameSync(this.replacing.temp, this.replacing.file);
    } catch (error) {
      throw this.failed(error);
    }
    this.settled();
  }

  /** Removes what is left of an unfinished report (nothing after commit). */
  discard(): void {
    try {
      this.close();
    } catch {
      // the error that stopped the run is the one to tell
    }
    if (this.replacing !== null) rmSync(this.replacing.temp, { force: true });
    this.settled();
  }

  private close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    closeSync(fd);
  }

  private failed(error: unknown): UsageError {
    return new UsageError(`--output: cannot write ${this.target}: ${messageOf(error)}; the old report, if any, is kept`, WRITE_ELSEWHERE_HINT);
  }
}
