import { MAX_LATIN_HYPERCUBE_RUNS } from './lhs.js';
import type { Shard } from './shards.js';

/**
 * How many runs a batch can have. Past these limits a batch would not fail at once but in a worker,
 * partway, or silently: run indices wrap in the tables' 32-bit `run` column, and a Latin hypercube
 * cannot keep its strata apart. Callers check up front, before any output.
 */

/** Most runs per variant of any batch: run indices 0..2^31-1 fit the tables' int32 `run` column. */
export const MAX_RUNS = 2 ** 31;

/**
 * Most runs per block. A block's tables stay in memory from its worker until the writer reaches it,
 * and 2 blocks per worker are in flight: with every monthly series kept (--timeseries all), a
 * 2-worker batch of the shipped scenario peaked at 308 MB with blocks of 100 and 823 MB with blocks
 * of 1,000, so memory grows with the block size, whatever the number of runs.
 */
export const MAX_BLOCK_SIZE = 1000;

/** How runs can sample the uncertain parameters (as `runBatch` and `computerace run --design` take it): independent draws, a Latin hypercube, a Saltelli design for Sobol indices. */
export const DESIGN_KINDS = ['independent', 'lhs', 'sobol'] as const;
/** How runs sample the uncertain parameters. */
export type DesignKind = (typeof DESIGN_KINDS)[number];

/** The most runs per variant a design can have, and why. */
export interface RunsLimit {
  max: number;
  reason: string;
}

/**
 * The most runs of a design. A Saltelli (sobol) design's 2^32 base samples are more than any batch
 * can have, so its limit is the general one (besides whole groups of k + 2 runs, checked once the
 * scenario's parameters are known).
 */
export function runsLimit(design: DesignKind = 'independent'): RunsLimit {
  if (design === 'lhs') return { max: MAX_LATIN_HYPERCUBE_RUNS, reason: `a Latin hypercube design (--design lhs) has at most ${MAX_LATIN_HYPERCUBE_RUNS} runs (2^20 strata per parameter; past that, rounding could put a value in the wrong stratum)` };
  return { max: MAX_RUNS, reason: `a batch has at most ${MAX_RUNS} runs per variant (2^31; run indices are stored as 32-bit integers)` };
}

/** Why a batch's options were refused: its number of runs, its block size, or a stopping rule with what needs a fixed number of runs. */
export type BatchOptionsProblem = { kind: 'runs'; runs: number; reason: string } | { kind: 'block-size'; blockSize: number; reason: string } | { kind: 'stopping-rule'; with: FixedRunsOption };

/** What cannot go with a stopping rule: a hypercube stratifies, a Saltelli design groups, and shards cut, a number of runs known in advance. */
export type FixedRunsOption = 'lhs' | 'sobol' | 'shard';

/** A batch's options refused before anything runs; `problem` says which, for a caller to say in its own words (the CLI names its flags). */
export class BatchOptionsError extends RangeError {
  constructor(
    readonly problem: BatchOptionsProblem,
    message: string,
  ) {
    super(message);
    this.name = 'BatchOptionsError';
  }
}

/** The options that decide whether a batch can run at all (as `runBatch` takes them). */
export interface BatchShape {
  runs: number;
  blockSize?: number;
  design?: DesignKind;
  untilPrecision?: number;
  shard?: Shard;
}

const NEEDS_FIXED_RUNS: Record<FixedRunsOption, string> = {
  lhs: 'a Latin hypercube design needs a fixed number of runs, not a stopping rule',
  sobol: 'a Sobol (Saltelli) design needs a fixed number of runs, whole groups of the uncertain parameters + 2, not a stopping rule',
  shard: 'a sharded batch needs a fixed number of runs, not a stopping rule',
};

/** Runs before the stopping rule is consulted: a CI from a handful of runs is itself too noisy to trust. */
export const MIN_RUNS_TO_STOP = 30;

/** Throws a BatchOptionsError when a batch's options cannot go together, its runs are more than its design can have, or its blocks are too large. */
export function checkBatchOptions(options: BatchShape): void {
  if (options.untilPrecision !== undefined) {
    const fixed = options.design === 'lhs' || options.design === 'sobol' ? options.design : options.shard ? 'shard' : undefined;
    if (fixed !== undefined) throw new BatchOptionsError({ kind: 'stopping-rule', with: fixed }, NEEDS_FIXED_RUNS[fixed]);
    // Fewer could never stop the batch: it would run them all and say it had not converged.
    const reason = `the stopping rule is first consulted after ${MIN_RUNS_TO_STOP} runs, so a stopping rule needs at least that many`;
    if (options.runs < MIN_RUNS_TO_STOP) throw new BatchOptionsError({ kind: 'runs', runs: options.runs, reason }, `${options.runs} runs: ${reason}`);
  }
  checkRuns(options.runs, options.design);
  const blockSize = options.blockSize;
  if (blockSize !== undefined && !(Number.isSafeInteger(blockSize) && blockSize >= 1 && blockSize <= MAX_BLOCK_SIZE)) {
    const reason = `a block has a whole number of runs from 1 to ${MAX_BLOCK_SIZE} (its tables are held in memory until written)`;
    throw new BatchOptionsError({ kind: 'block-size', blockSize, reason }, `block size ${blockSize}: ${reason}`);
  }
}

/** Throws a BatchOptionsError (a RangeError) saying the limit when `runs` is not a whole number of runs the design can have. */
export function checkRuns(runs: number, design: DesignKind = 'independent'): void {
  if (!Number.isSafeInteger(runs) || runs < 1) throw new BatchOptionsError({ kind: 'runs', runs, reason: 'a batch has a whole number of runs, at least 1' }, `runs must be a whole number of at least 1, not ${runs}`);
  const limit = runsLimit(design);
  if (runs > limit.max) throw new BatchOptionsError({ kind: 'runs', runs, reason: limit.reason }, `${runs} runs: ${limit.reason}`);
}
