// Known errors: the CLI prints them with their hint and exits 2. Anything else is a bug
// and is rethrown, never swallowed.

/** An error the user can act on: its message names the file or option, its hint says what to do. */
export class KnownError extends Error {
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.hint = hint;
  }
}

/** The command line asks for something that cannot be done (bad option, bad pattern file). */
export class UsageError extends KnownError {}

/** The input cannot be read at all (no such path, nothing readable found). */
export class InputError extends KnownError {}

/** An error's message, or what was thrown where it is not an Error. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An unexpected error (a bug), with the device being worked on when it happened. */
export class InternalError extends Error {
  readonly device: string | undefined;
  constructor(cause: unknown, device?: string) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'InternalError';
    this.device = device;
    if (cause instanceof Error && cause.stack) this.stack = cause.stack;
  }
}
