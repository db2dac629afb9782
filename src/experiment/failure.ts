/** A run that threw: the run index and seed reproduce it. */
export class RunFailure extends Error {
  constructor(readonly runIndex: number, readonly variant: string, readonly seed: string, cause: unknown) {
    super(`run ${runIndex} (variant ${variant}, seed ${seed}) failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'RunFailure';
  }
}

/** A worker thread ran out of its capped heap: the scenario needs more than a worker may hold. */
export class WorkerOutOfMemory extends Error {
  constructor(readonly capMb: number) {
    super(`a worker ran out of memory: a worker's heap is capped at ${capMb} MB so that a batch's memory stays bounded, and this scenario needs more; run it with --workers 0 (in one thread, without the cap)`);
    this.name = 'WorkerOutOfMemory';
  }
}
