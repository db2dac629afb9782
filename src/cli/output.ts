import { fileSystemReason, UsageError } from './errors.js';

/** Standard output as the command writes it, watched for writes that failed. */
export interface WatchedOutput {
  /** Throws a UsageError when a write failed (a full disk, an unwritable file); a reader that closed the pipe (`| head`) is no failure. */
  check(): Promise<void>;
  stop(): void;
}

/**
 * Lets a reader stop early (`computerace run --help | head -1`): a closed pipe is not an error of
 * ours, and the command goes on to its end (a batch still writes its files whole). Any other failure
 * is the watcher's to report (below), or, with none watching, thrown.
 */
export function tolerateClosedPipes(streams: readonly NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && stream.listenerCount('error') === 1) throw error;
    });
  }
}

/**
 * Watches standard output for a write that fails. console.log drops such errors, so `computerace
 * schema > /dev/full` printed nothing and exited 0; the stream reports them a tick after the write.
 */
export function watchStandardOutput(stream: NodeJS.WriteStream = process.stdout): WatchedOutput {
  let failure: NodeJS.ErrnoException | undefined;
  const listener = (error: NodeJS.ErrnoException): void => {
    failure ??= error;
  };
  stream.on('error', listener);
  return {
    async check() {
      await new Promise((resolve) => setImmediate(resolve));
      if (failure === undefined || failure.code === 'EPIPE') return;
      throw new UsageError(`cannot write to standard output: ${fileSystemReason(failure.code) ?? failure.message}`);
    },
    stop() {
      stream.off('error', listener);
    },
  };
}
