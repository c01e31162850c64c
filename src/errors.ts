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
