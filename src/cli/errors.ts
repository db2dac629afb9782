/** Errors the command reports as one line and exit code 2: bad input, never a bug. */

/** A problem with what the user gave (a file, a flag, a value); printed without a stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The exit code for bad input. */
export const EXIT_BAD_INPUT = 2;
