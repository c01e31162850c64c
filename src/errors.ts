// Known errors: the CLI prints them with their hint and exits 2. Anything else is a bug
// and is rethrown, never swallowed.

/** The command line asks for something that cannot be done (bad option, bad pattern file). */
export class UsageError extends Error {
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'UsageError';
    this.hint = hint;
  }
}

/** The input cannot be read at all (no such path, nothing readable found). */
export class InputError extends Error {
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'InputError';
    this.hint = hint;
  }
}
