/** A run that threw: the run index and seed reproduce it. */
export class RunFailure extends Error {
  constructor(readonly runIndex: number, readonly variant: string, readonly seed: string, cause: unknown) {
    super(`run ${runIndex} (variant ${variant}, seed ${seed}) failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'RunFailure';
  }
}
