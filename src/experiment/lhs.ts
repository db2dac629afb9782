// Latin hypercube designs: for N runs, each parameter's N uniforms fall one in each stratum
// [k/N, (k+1)/N), so a batch covers every parameter's range evenly instead of by luck. Feeding the
// uniforms through `quantile` (kernel/distributions/quantiles.ts) turns them into parameter values.
//
// The design is a function of (seed, runs, parameter name) only. Each parameter gets its own alea
// stream, seeded by deriveStreamSeed(seed, -1, `lhs-permutation:<name>`): run index −1 is one that
// RandomStreams rejects, and the prefixed name is one no model uses, so the design never shares a
// stream with any run. That stream first drives a Fisher–Yates shuffle of the strata, then gives
// each run, in run order, its position within its stratum. Columns are built on first use and
// cached (8 bytes per run per parameter), so which parameters are asked for, and in what order,
// never changes any other parameter's values.
import seedrandom from 'seedrandom';
import { deriveStreamSeed } from '../kernel/random.js';

/** A Latin hypercube design over any number of named parameters, reproducible from its seed. */
export interface LatinHypercube {
  /** Batch seed the design derives from; a number and its decimal string give the same design. */
  readonly seed: string | number;
  /** Number of runs, which is also the number of strata per parameter. */
  readonly runs: number;
  /** u in (0, 1) for `parameter` in run `runIndex`; over the runs, one value falls in each [k/runs, (k+1)/runs). */
  uniform(parameter: string, runIndex: number): number;
}

/** Most runs a design supports: beyond 2^20 strata, rounding could push a value across a stratum edge. */
export const MAX_LATIN_HYPERCUBE_RUNS = 2 ** 20;

/** Run index of the design's streams: negative, so no per-run stream (runIndex >= 0) can share its seed. */
const DESIGN_RUN_INDEX = -1;

/** Offset keeping u off stratum edges: alea yields multiples of 2^-32 in [0, 1), so u + 2^-33 lies in (0, 1). */
const HALF_ALEA_STEP = 2 ** -33;

/** A Latin hypercube of `runs` runs derived only from `seed`; throws RangeError/TypeError on invalid arguments. */
export function latinHypercube(seed: string | number, runs: number): LatinHypercube {
  if (typeof seed !== 'string' && !(typeof seed === 'number' && Number.isFinite(seed))) {
    throw new TypeError(`latinHypercube: seed must be a string or a finite number (got ${String(seed)})`);
  }
  if (!Number.isSafeInteger(runs) || runs < 1 || runs > MAX_LATIN_HYPERCUBE_RUNS) {
    throw new RangeError(`latinHypercube: runs must be an integer in [1, ${MAX_LATIN_HYPERCUBE_RUNS}] (got ${runs})`);
  }
  const columns = new Map<string, Float64Array>();
  return {
    seed,
    runs,
    uniform(parameter: string, runIndex: number): number {
      if (typeof parameter !== 'string' || parameter.length === 0) {
        throw new TypeError('latinHypercube: parameter must be a non-empty string');
      }
      if (!Number.isInteger(runIndex) || runIndex < 0 || runIndex >= runs) {
        throw new RangeError(`latinHypercube: runIndex must be an integer in [0, ${runs - 1}] (got ${runIndex})`);
      }
      let column = columns.get(parameter);
      if (column === undefined) {
        column = stratifiedColumn(seed, runs, parameter);
        columns.set(parameter, column);
      }
      return column[runIndex] as number;
    },
  };
}

/** One parameter's uniforms, run by run: a shuffled stratum each, jittered within it, from the parameter's own stream. */
function stratifiedColumn(seed: string | number, runs: number, parameter: string): Float64Array {
  const rng = seedrandom.alea(deriveStreamSeed(seed, DESIGN_RUN_INDEX, `lhs-permutation:${parameter}`));
  const strata = new Uint32Array(runs);
  for (let k = 0; k < runs; k++) strata[k] = k;
  // Fisher–Yates, from the top: swap position i with a uniform choice among 0..i.
  for (let i = runs - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const held = strata[i] as number;
    strata[i] = strata[j] as number;
    strata[j] = held;
  }
  const column = new Float64Array(runs);
  for (let run = 0; run < runs; run++) column[run] = ((strata[run] as number) + rng() + HALF_ALEA_STEP) / runs;
  return column;
}
