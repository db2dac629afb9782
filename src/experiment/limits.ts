import { TIMESERIES_MODES } from '../io/layout.js';
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

/**
 * Most runs of a back-test: it keeps each run's value of every target and each priced chip's monthly
 * price (about 440 bytes a run for the shipped back-test) to give their quantiles at the end.
 */
export const MAX_BACKTEST_RUNS = 100_000;

/** The limit of a back-test's runs, and why, in the words of `runsLimit`. */
export function backtestRunsLimit(): RunsLimit {
  return { max: MAX_BACKTEST_RUNS, reason: `a back-test has at most ${MAX_BACKTEST_RUNS} runs: it keeps every run's value of each target, and each priced chip's monthly price, until the end` };
}

/** Why a batch's options were refused: its number of runs, its block size, a stopping rule with what needs a fixed number of runs, or another option's value. */
export type BatchOptionsProblem =
  | { kind: 'runs'; runs: number; reason: string }
  | { kind: 'block-size'; blockSize: number; reason: string }
  | { kind: 'stopping-rule'; with: FixedRunsOption }
  | { kind: 'option'; option: 'workers' | 'timeseries' | 'design' | 'untilPrecision' | 'shard' | 'seed'; value: unknown; expected: string };

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
  workers?: number;
  timeseries?: string;
  seed?: string | number;
}

/** What each checked option must be, in words, and the test (a library caller's values are not typed at run time). */
const OPTION_RULES: { [Option in Extract<BatchOptionsProblem, { kind: 'option' }>['option']]: { expected: string; holds: (value: unknown) => boolean } } = {
  workers: { expected: 'a whole number of threads, 0 or more (0 runs in the calling thread)', holds: (value) => Number.isSafeInteger(value) && (value as number) >= 0 },
  timeseries: { expected: `one of ${TIMESERIES_MODES.join(', ')}`, holds: (value) => (TIMESERIES_MODES as readonly unknown[]).includes(value) },
  design: { expected: `one of ${DESIGN_KINDS.join(', ')}`, holds: (value) => (DESIGN_KINDS as readonly unknown[]).includes(value) },
  untilPrecision: { expected: 'a share of the mean between 0 and 1 (0.01 for 1%)', holds: (value) => typeof value === 'number' && value > 0 && value < 1 },
  shard: { expected: 'a shard { index, count } with whole numbers, 0 <= index < count', holds: (value) => isShard(value) },
  seed: { expected: 'a text, or a whole number >= 0', holds: (value) => typeof value === 'string' || (Number.isSafeInteger(value) && (value as number) >= 0) },
};

/** Throws a TypeError naming the first of `lists` that `options` gives as something other than a list of texts. */
export function checkTextLists<K extends string>(options: Partial<Record<K, unknown>>, lists: readonly K[]): void {
  for (const list of lists) {
    const value = options[list];
    if (value !== undefined && !(Array.isArray(value) && value.every((item) => typeof item === 'string'))) throw new TypeError(`${list} must be a list of texts, got ${JSON.stringify(value)}`);
  }
}

/** The refusal of an option a caller must give and did not: `why` says what it is needed for. */
export function missingOption(option: keyof typeof OPTION_RULES, why: string): BatchOptionsError {
  return new BatchOptionsError({ kind: 'option', option, value: undefined, expected: OPTION_RULES[option].expected }, `${option}: ${why}`);
}

function isShard(value: unknown): boolean {
  const { index, count } = (value ?? {}) as Partial<Shard>;
  return Number.isSafeInteger(count) && count! >= 1 && Number.isSafeInteger(index) && index! >= 0 && index! < count!;
}

const NEEDS_FIXED_RUNS: Record<FixedRunsOption, string> = {
  lhs: 'a Latin hypercube design needs a fixed number of runs, not a stopping rule',
  sobol: 'a Sobol (Saltelli) design needs a fixed number of runs, whole groups of the uncertain parameters + 2, not a stopping rule',
  shard: 'a sharded batch needs a fixed number of runs, not a stopping rule',
};

/** Runs before the stopping rule is consulted: a CI from a handful of runs is itself too noisy to trust. */
export const MIN_RUNS_TO_STOP = 30;

/** Throws a BatchOptionsError when a batch's options cannot go together, its runs are more than its design can have, its blocks are too large, or an option is not one it takes. */
export function checkBatchOptions(options: BatchShape): void {
  if (typeof options !== 'object' || options === null) throw new TypeError(`a batch's options are an object ({ scenario, runs, ... }), got ${String(options)}`);
  for (const [option, rule] of Object.entries(OPTION_RULES) as [keyof typeof OPTION_RULES, (typeof OPTION_RULES)[keyof typeof OPTION_RULES]][]) {
    const value = options[option];
    // Refused before anything runs: workers: NaN waited forever, design: 'bogus' ran as independent draws and was recorded so.
    if (value !== undefined && !rule.holds(value)) throw new BatchOptionsError({ kind: 'option', option, value, expected: rule.expected }, `${option} ${JSON.stringify(value) ?? String(value)}: expected ${rule.expected}`);
  }
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
/** Throws a BatchOptionsError when a back-test's options would be refused: a batch's, and runs past what a back-test keeps. */
export function checkBacktestOptions(options: BatchShape): void {
  checkBatchOptions(options);
  const limit = backtestRunsLimit();
  if (options.runs > limit.max) throw new BatchOptionsError({ kind: 'runs', runs: options.runs, reason: limit.reason }, `runs ${options.runs}: ${limit.reason}`);
}

export function checkRuns(runs: number, design: DesignKind = 'independent'): void {
  if (!Number.isSafeInteger(runs) || runs < 1) throw new BatchOptionsError({ kind: 'runs', runs, reason: 'a batch has a whole number of runs, at least 1' }, `runs must be a whole number of at least 1, not ${runs}`);
  const limit = runsLimit(design);
  if (runs > limit.max) throw new BatchOptionsError({ kind: 'runs', runs, reason: limit.reason }, `${runs} runs: ${limit.reason}`);
}
