/** Errors the command reports as one line and exit code 2: bad input, never a bug. */

/** The exit code for bad input. */
export const EXIT_BAD_INPUT = 2;

/** A problem with what the user gave (a file, a flag, a value); printed without a stack trace. */
export class UsageError extends Error {
  /** 2 for bad input; 1 for a failure already explained (a run that threw, with how to reproduce it). */
  readonly exitCode: number;

  constructor(message: string, exitCode = EXIT_BAD_INPUT) {
    super(message);
    this.name = 'UsageError';
    this.exitCode = exitCode;
  }
}
