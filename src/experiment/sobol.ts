// Variance-based sensitivity analysis: a Saltelli design over a batch's runs, and the Sobol indices
// of an outcome estimated from it. For k uncertain parameters and n base samples the batch has
// n(k + 2) runs. Matrices A and B (n x k) take their rows from the Sobol sequence: A's row j is
// point j's dimensions 0..k-1, B's row j its dimensions k..2k-1; AB_i is A with column i taken from
// B. Runs are interleaved by base sample: run r is row j = floor(r / (k+2)) of A (r mod (k+2) = 0),
// of B (1) or of AB_i (2 + i), so any whole number of groups from run 0 is itself a complete design
// and the design is a function of the run index alone (shards cut anywhere still agree).
//
// The sequence is randomised by a digital shift: each dimension's 32-bit integers are XORed with a
// value drawn from an alea stream seeded by deriveStreamSeed(seed, -1, `sobol-shift:<dimension>`).
// As in lhs.ts, run index −1 is one RandomStreams rejects and the name is one no model uses, so the
// design never shares a stream with a run. A shift keeps the sequence's nets (every 2^m points from
// a multiple of 2^m stratify as the unshifted points do) and makes the design different for each seed.
import seedrandom from 'seedrandom';
import { deriveStreamSeed } from '../kernel/random.js';
import { MAX_SOBOL_DIMENSIONS, sobolInteger } from './sobol-sequence.js';

export { MAX_SOBOL_DIMENSIONS, sobolDirections, sobolInteger } from './sobol-sequence.js';
export { sobolIndices } from './sobol-indices.js';
export type { Interval, SobolIndices, SobolIndicesOptions } from './sobol-indices.js';

/** Which matrix row a run of a Saltelli design evaluates: of A, of B, or of AB_i (A with column i from B). */
export type SaltelliRow = { baseSample: number; matrix: 'A' | 'B' } | { baseSample: number; matrix: 'AB'; column: number };

/** A Saltelli design over named parameters, reproducible from its seed. */
export interface SaltelliDesign {
  /** Batch seed the design derives from; a number and its decimal string give the same design. */
  readonly seed: string | number;
  /** The parameters, in column order (a batch's description order). */
  readonly parameters: readonly string[];
  /** Runs of the design: baseSamples * (parameters.length + 2). */
  readonly runs: number;
  /** n, the rows of each matrix. */
  readonly baseSamples: number;
  /** The matrix row run `runIndex` evaluates. */
  row(runIndex: number): SaltelliRow;
  /** u in (0, 1) for `parameter` in run `runIndex`: its column of that run's matrix row. */
  uniform(parameter: string, runIndex: number): number;
}

/** The fewest groups (base samples) of a Saltelli design whose Sobol indices can be estimated: their bootstrap resamples the groups. */
export const MIN_SOBOL_BASE_SAMPLES = 2;

/** Why a Saltelli design cannot be made, for a caller to say in its own words (the CLI names its flags). */
export type SaltelliDesignProblem =
  | { kind: 'no-parameters' }
  | { kind: 'too-many-parameters'; parameters: number; max: number }
  | { kind: 'runs'; runs: number; parameters: number; group: number; suggestions: readonly number[] }
  | { kind: 'base-samples'; baseSamples: number };

/** What a message calls the design and the number of runs: the library's options, or a command's flags. */
export interface SaltelliWords {
  design: string;
  runs: string;
}

/** A problem in words; by default the library's, as runBatch takes its options. */
export function describeSaltelliProblem(problem: SaltelliDesignProblem, words: SaltelliWords = { design: "design 'sobol'", runs: 'runs' }): string {
  switch (problem.kind) {
    case 'no-parameters':
      return `${words.design} needs uncertain parameters, and the scenario has none: every parameter is a fixed number`;
    case 'too-many-parameters':
      return `${words.design} supports at most ${problem.max} uncertain parameters (2 Sobol dimensions each), and the scenario has ${problem.parameters}`;
    case 'runs': {
      const { group, parameters } = problem;
      return `${words.design} needs ${words.runs} to be a multiple of ${group} (${parameters} uncertain parameter${parameters === 1 ? '' : 's'} + 2): try ${problem.suggestions.join(' or ')}`;
    }
    case 'base-samples':
      return `${words.design}: at most 2^32 base samples, not ${problem.baseSamples}`;
  }
}

/** A design that cannot be made: no uncertain parameters, too many, or a number of runs that is not a whole number of groups. */
export class SaltelliDesignError extends RangeError {
  constructor(readonly problem: SaltelliDesignProblem) {
    super(describeSaltelliProblem(problem));
    this.name = 'SaltelliDesignError';
  }
}

/** Run index of the design's streams: negative, so no per-run stream (runIndex >= 0) can share its seed. */
const DESIGN_RUN_INDEX = -1;

/** 2^32: a coordinate is its 32-bit integer over this. */
const TWO_TO_32 = 2 ** 32;

/** The Saltelli design of `runs` runs over `parameters`; throws SaltelliDesignError when runs is not a positive multiple of k + 2. */
export function saltelliDesign(seed: string | number, parameters: readonly string[], runs: number): SaltelliDesign {
  if (typeof seed !== 'string' && !(typeof seed === 'number' && Number.isFinite(seed))) {
    throw new TypeError(`saltelliDesign: seed must be a string or a finite number (got ${String(seed)})`);
  }
  const k = parameters.length;
  if (k === 0) throw new SaltelliDesignError({ kind: 'no-parameters' });
  if (2 * k > MAX_SOBOL_DIMENSIONS) throw new SaltelliDesignError({ kind: 'too-many-parameters', parameters: k, max: MAX_SOBOL_DIMENSIONS / 2 });
  const group = k + 2;
  if (!Number.isSafeInteger(runs) || runs < group || runs % group !== 0) {
    const below = Math.floor(runs / group) * group;
    // Suggested: the nearest whole groups that give indices.
    const least = MIN_SOBOL_BASE_SAMPLES * group;
    throw new SaltelliDesignError({ kind: 'runs', runs, parameters: k, group, suggestions: below >= least ? [below, below + group] : [least] });
  }
  const baseSamples = runs / group;
  if (baseSamples > TWO_TO_32) throw new SaltelliDesignError({ kind: 'base-samples', baseSamples });
  const columns = new Map(parameters.map((name, i) => [name, i]));
  if (columns.size !== k) throw new TypeError('saltelliDesign: parameter names must be distinct');
  const shifts = Uint32Array.from({ length: 2 * k }, (_, dimension) => digitalShift(seed, dimension));
  const row = (runIndex: number): SaltelliRow => {
    if (!Number.isInteger(runIndex) || runIndex < 0 || runIndex >= runs) {
      throw new RangeError(`saltelliDesign: runIndex must be an integer in [0, ${runs - 1}] (got ${runIndex})`);
    }
    const baseSample = Math.floor(runIndex / group);
    const position = runIndex - baseSample * group;
    return position === 0 ? { baseSample, matrix: 'A' } : position === 1 ? { baseSample, matrix: 'B' } : { baseSample, matrix: 'AB', column: position - 2 };
  };
  return {
    seed,
    parameters: [...parameters],
    runs,
    baseSamples,
    row,
    uniform(parameter: string, runIndex: number): number {
      const column = columns.get(parameter);
      if (column === undefined) throw new Error(`the Sobol design has no column for parameter ${parameter}: its columns are the parameters that run 0 of the batch sampled`);
      const at = row(runIndex);
      const fromB = at.matrix === 'B' || (at.matrix === 'AB' && at.column === column);
      const dimension = fromB ? k + column : column;
      // (x + 1/2) / 2^32 is never 0 or 1, so every quantile function gives a finite value.
      return (((sobolInteger(dimension, at.baseSample) ^ shifts[dimension]!) >>> 0) + 0.5) / TWO_TO_32;
    },
  };
}

/** The 32-bit digital shift of `dimension`, from the design's own stream for it. */
function digitalShift(seed: string | number, dimension: number): number {
  const rng = seedrandom.alea(deriveStreamSeed(seed, DESIGN_RUN_INDEX, `sobol-shift:${dimension}`));
  // alea yields multiples of 2^-32 in [0, 1), so this is an integer in [0, 2^32).
  return Math.floor(rng() * TWO_TO_32);
}
