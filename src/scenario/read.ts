import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { extname } from './file-paths.js';

/**
 * Reading a scenario file from disk: only a regular file, only up to a size. A device (`/dev/zero`,
 * `/dev/urandom`) would never end and a FIFO would block until someone writes to it, so neither is
 * opened for reading; a file that claims a small size but keeps going (`/proc` files say 0 bytes) is cut
 * off at the limit all the same.
 */

/** The most bytes a scenario file (or a file it extends) may hold: 10 MiB, a hundred times the largest shipped scenario's size and more. */
export const MAX_SCENARIO_FILE_BYTES = 10 * 1024 * 1024;

/** The extensions a file named by `extends` must have: a base is a scenario file, never any file at all. */
export const SCENARIO_EXTENSIONS: readonly string[] = ['.yaml', '.yml', '.json'];

/** A file that cannot be read as a scenario file; `reason` says why without quoting anything from it. */
export class UnreadableFile extends Error {
  /** Why, in words that follow the file's name: `is a FIFO (named pipe), not a regular file`. */
  readonly reason: string;
  /** The file system's error code when there is one (ENOENT, EACCES, ...). */
  readonly code: string | undefined;

  constructor(reason: string, code?: string) {
    super(reason);
    this.name = 'UnreadableFile';
    this.reason = reason;
    this.code = code;
  }
}

/** Whether `file` has a scenario file's extension (case ignored). */
export function hasScenarioExtension(file: string): boolean {
  return SCENARIO_EXTENSIONS.includes(extname(file).toLowerCase());
}

/**
 * The text of a scenario file, as UTF-8. Throws UnreadableFile for anything that is not a regular file
 * or holds more than MAX_SCENARIO_FILE_BYTES, and lets file system errors (with their code) through.
 */
export function readScenarioFile(file: string): string {
  // Looked at before opening: opening some devices has effects of its own, and a FIFO would wait for a writer.
  refuseUnlessRegular(statSync(file));
  // Opened without blocking all the same, in case the path was swapped for a FIFO in between; then checked again.
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    refuseUnlessRegular(fstatSync(fd));
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, MAX_SCENARIO_FILE_BYTES + 1 - total));
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      chunks.push(read === chunk.length ? chunk : chunk.subarray(0, read));
      total += read;
      if (total > MAX_SCENARIO_FILE_BYTES) throw new UnreadableFile(tooLarge(), 'EFBIG');
    }
    return decodeUtf8(Buffer.concat(chunks, total));
  } finally {
    closeSync(fd);
  }
}

function refuseUnlessRegular(stats: Stats): void {
  if (stats.isDirectory()) throw new UnreadableFile('is a directory, not a scenario file', 'EISDIR');
  if (!stats.isFile()) throw new UnreadableFile(`is ${kindOf(stats)}, not a regular file`, 'ENOTREG');
  if (stats.size > MAX_SCENARIO_FILE_BYTES) throw new UnreadableFile(tooLarge(), 'EFBIG');
}

function tooLarge(): string {
  return `is larger than ${MAX_SCENARIO_FILE_BYTES / (1024 * 1024)} MB, the most a scenario file may hold`;
}

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'a special file';
}

// Fatal: a byte that is not UTF-8 would become U+FFFD, silently changing a name or a value the file wrote.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The bytes as UTF-8 text, or an UnreadableFile that says what they look like instead (never quoting them). */
function decodeUtf8(bytes: Buffer): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    const utf16 = bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
    throw new UnreadableFile(`is not UTF-8 text${utf16 ? ' (it is UTF-16: save it as UTF-8)' : ' (a scenario file is UTF-8)'}`);
  }
}
