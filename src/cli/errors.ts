import { printable } from '../printable.js';

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

/** A library's error about input (a bad file, shard, design) as a UsageError: its message on one line, with the names and paths in it escaped. */
export function inputError(error: Error): UsageError {
  return new UsageError(printable(error.message));
}

/**
 * The library's errors about input, by class name: each command maps the ones it expects to a
 * UsageError, and these reach `main` only when one is thrown where it was not expected. By name, so
 * that `main` need not load the modules (the model, Vega) that define them. A new domain error class
 * for bad input or a bad file belongs here.
 */
export const INPUT_ERROR_NAMES: ReadonlySet<string> = new Set([
  'ScenarioError',
  'OutputError',
  'WriteFailure',
  'ArrowFileError',
  'ShardMismatch',
  'ShardArgumentError',
  'SaltelliDesignError',
  'BatchOptionsError',
  'WorkerOutOfMemory',
  'BacktestError',
  'ReportError',
]);

/** What the system said, for the file-system errors that are about the user's files or disk, not a bug. */
const FILE_SYSTEM_REASONS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EEXIST: 'already exists',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EISDIR: 'is a directory',
  ENOENT: 'no such file or directory',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many levels of symbolic links',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'input/output error',
  EBUSY: 'device or resource busy',
  ENOTEMPTY: 'directory not empty',
  EXDEV: 'cannot move a file across file systems',
};

/** What the system said for a file-system error code that is about the user's files or disk (ENOSPC: 'no space left on the device'), or undefined. */
export function fileSystemReason(code: string | undefined): string | undefined {
  return code === undefined ? undefined : FILE_SYSTEM_REASONS[code];
}

/** How an error that is not a bug is reported: the message (one line, unless it lists problems) and the exit code. */
export interface Reported {
  message: string;
  exitCode: number;
}

/**
 * How `main` reports an error that is not a bug: bad input, a bad file, a full or read-only disk.
 * Undefined for anything else, which is a bug ("internal error", exit 1). Text from the user (names,
 * paths, values) is escaped, so a message can neither drive the terminal nor spill onto more lines.
 */
export function reportable(error: unknown): Reported | undefined {
  if (error instanceof UsageError) return { message: printableLines(error.message), exitCode: error.exitCode };
  if (!(error instanceof Error)) return undefined;
  // A ScenarioError lists its problems one a line, each already escaped.
  if (error.name === 'ScenarioError') return { message: printableLines(error.message), exitCode: EXIT_BAD_INPUT };
  if (INPUT_ERROR_NAMES.has(error.name)) return { message: printable(error.message), exitCode: EXIT_BAD_INPUT };
  const system = fileSystemError(error);
  if (system !== undefined) return { message: system, exitCode: EXIT_BAD_INPUT };
  return undefined;
}

/** `path: reason` for a file-system error (or one caused by one) about the user's files or disk. */
function fileSystemError(error: Error): string | undefined {
  for (let cause: unknown = error, depth = 0; cause instanceof Error && depth < 8; cause = cause.cause, depth++) {
    const { code, path, dest } = cause as NodeJS.ErrnoException & { dest?: string };
    const reason = fileSystemReason(code);
    if (reason === undefined) continue;
    const where = typeof path === 'string' ? (typeof dest === 'string' ? `${path} -> ${dest}` : path) : undefined;
    return printable(where !== undefined ? `${where}: ${reason}` : `${reason} (${code})`);
  }
  return undefined;
}

/** Each line escaped on its own: the line breaks a message means are kept, and nothing else can break one. */
function printableLines(message: string): string {
  return message.split('\n').map(printable).join('\n');
}
