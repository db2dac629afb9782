/**
 * A batch stopped from outside (Ctrl-C, a scheduler's SIGTERM): it keeps what it wrote so that
 * `--resume` continues from there, and says how much that is.
 */

/** A batch stopped by its abort signal; what it kept for `--resume`. */
export class BatchInterrupted extends Error {
  constructor(
    /** Runs per variant kept (restored, written or saved before the stop), which --resume will not run again. */
    readonly runsKept: number,
    /** Runs per variant the batch was to do. */
    readonly total: number,
    /** The folder the kept runs are in (`DIR/.checkpoint`), when any are. */
    readonly checkpoint: string | undefined,
    /** Why the runs written could not be kept (a full disk), when they could not. */
    readonly problem?: string,
  ) {
    super(problem !== undefined ? `interrupted; the runs written could not be kept: ${problem}` : `interrupted with ${runsKept} of ${total} runs kept`);
    this.name = 'BatchInterrupted';
  }
}

/** `promise`, or the signal's reason as soon as it is aborted (the promise then settles unheard). */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const stop = (): void => {
      promise.catch(() => undefined);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', stop, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', stop);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', stop);
        reject(error as Error);
      },
    );
  });
}
