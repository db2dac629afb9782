/**
 * What can go wrong with a batch's output folder and files, as errors the command line reports in
 * one line (exit code 2): a folder that is not the tool's or is in use, a file that is damaged or
 * does not match its manifest, a write the system refused (disk full, permissions).
 */

/** An output folder or file that cannot be used; the message names it and says why. */
export class OutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}

/** A write the system refused: disk full, permission denied, a directory where a file goes. */
export class WriteFailure extends OutputError {
  constructor(readonly path: string, readonly code: string) {
    super(`cannot write ${path}: ${reasonOf(code)}`);
    this.name = 'WriteFailure';
  }
}

/** A system error (one with an errno code) while writing `path` as a WriteFailure; anything else unchanged. */
export function writeFailure(path: string, error: unknown): unknown {
  if (error instanceof OutputError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? new WriteFailure(path, code) : error;
}

/** A system error code in words, with the code itself for searching. */
export function reasonOf(code: string): string {
  return `${REASONS[code] ?? 'the system refused'} (${code})`;
}

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'the file is too large for the file system',
  EIO: 'input/output error',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EISDIR: 'a directory is in the way',
  EEXIST: 'something of that name is in the way',
  ENOTEMPTY: 'a directory is in the way',
  ENOENT: 'a directory on the path does not exist, or was removed',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
};
