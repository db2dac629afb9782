import { MAX_LATIN_HYPERCUBE_RUNS } from './lhs.js';

/**
 * How many runs a batch can have. Past these limits a batch would not fail at once but in a worker,
 * partway, or silently: run indices wrap in the tables' 32-bit `run` column, and a Latin hypercube
 * cannot keep its strata apart. Callers check up front, before any output.
 */

/** Most runs per variant of any batch: run indices 0..2^31-1 fit the tables' int32 `run` column. */
export const MAX_RUNS = 2 ** 31;

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

/** Throws a RangeError saying the limit when `runs` is not a whole number of runs the design can have. */
export function checkRuns(runs: number, design: DesignKind = 'independent'): void {
  if (!Number.isSafeInteger(runs) || runs < 1) throw new RangeError(`runs must be a whole number of at least 1, not ${runs}`);
  const limit = runsLimit(design);
  if (runs > limit.max) throw new RangeError(`${runs} runs: ${limit.reason}`);
}
