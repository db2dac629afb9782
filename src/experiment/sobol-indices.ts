// Sobol sensitivity indices from the outcomes of a Saltelli design (sobol.ts), in its run order:
// run j(k+2) is A's row j, the next B's, then AB_1..AB_k's. With V the variance of every f(A) and
// f(B) together:
//   first order, Saltelli et al. (2010):  S_i  = mean_j f(B_j) (f(AB_i,j) − f(A_j)) / V
//   total,       Jansen (1999):           ST_i = mean_j (f(A_j) − f(AB_i,j))^2 / (2V)
// Outcomes are first centred on the mean of f(A) and f(B): both estimators are unbiased whatever
// the centre, but the first-order one's variance grows with the outcome's mean squared (a price of
// 10 with a spread of 0.1 would swamp it), so SALib centres too. Confidence intervals are bootstrap
// percentile intervals over base samples: each resample draws n base samples with replacement, each
// bringing its whole group of k + 2 runs, and recomputes V and every index.
import seedrandom from 'seedrandom';
import { deriveStreamSeed } from '../kernel/random.js';

/** An estimate with its confidence interval. */
export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

/** First-order and total indices, one per parameter in design column order. */
export interface SobolIndices {
  /** n, the groups of k + 2 runs the outcomes came in. */
  baseSamples: number;
  /** V, the outcome's variance over every f(A) and f(B) (divided by 2n, not 2n − 1). */
  variance: number;
  /** S_i: the share of V that parameter i explains alone. */
  first: Interval[];
  /** ST_i: the share of V that involves parameter i, alone or with others. */
  total: Interval[];
}

/** How the confidence intervals are made. */
export interface SobolIndicesOptions {
  /** Bootstrap resamples (default 1,000); 0 gives intervals of zero width at the estimates. */
  bootstrap?: number;
  /** Seed of the resampling stream (default 1): the same outcomes and seed give the same intervals. */
  seed?: string | number;
  /** Coverage of the intervals, in (0, 1) (default 0.95). */
  confidence?: number;
}

/**
 * The Sobol indices of `outputs` (outputs[r] the outcome of run r of a Saltelli design over
 * `parameters` parameters, n(k + 2) of them). A constant outcome (V = 0) has no variance to share:
 * every index is then 0, with an interval of zero width. Throws on a NaN or infinite outcome.
 */
export function sobolIndices(outputs: ArrayLike<number>, parameters: number, options: SobolIndicesOptions = {}): SobolIndices {
  const k = parameters;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`sobolIndices: parameters must be a positive integer (got ${k})`);
  const group = k + 2;
  const n = outputs.length / group;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`sobolIndices: ${outputs.length} outputs are not a whole number of groups of ${group} runs (${k} parameters + 2)`);
  const resamples = options.bootstrap ?? 1000;
  if (!Number.isInteger(resamples) || resamples < 0) throw new RangeError(`sobolIndices: bootstrap must be a non-negative integer (got ${resamples})`);
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`sobolIndices: confidence must be in (0, 1) (got ${confidence})`);
  const centred = centre(outputs, group);
  const all = Array.from({ length: n }, (_, j) => j);
  const estimate = estimateIndices(centred, k, all);
  const firstDraws = Array.from({ length: k }, () => new Float64Array(resamples));
  const totalDraws = Array.from({ length: k }, () => new Float64Array(resamples));
  const rng = seedrandom.alea(deriveStreamSeed(options.seed ?? 1, -1, 'sobol-bootstrap'));
  const sample = new Array<number>(n);
  for (let b = 0; b < resamples; b++) {
    for (let j = 0; j < n; j++) sample[j] = Math.floor(rng() * n);
    const drawn = estimateIndices(centred, k, sample);
    for (let i = 0; i < k; i++) {
      firstDraws[i]![b] = drawn.first[i]!;
      totalDraws[i]![b] = drawn.total[i]!;
    }
  }
  const interval = (value: number, draws: Float64Array): Interval => {
    if (resamples === 0) return { estimate: value, low: value, high: value };
    draws.sort();
    return { estimate: value, low: percentile(draws, (1 - confidence) / 2), high: percentile(draws, (1 + confidence) / 2) };
  };
  return {
    baseSamples: n,
    variance: estimate.variance,
    first: estimate.first.map((value, i) => interval(value, firstDraws[i]!)),
    total: estimate.total.map((value, i) => interval(value, totalDraws[i]!)),
  };
}

/** The outputs less the mean of every f(A) and f(B), after checking each is a number. */
function centre(outputs: ArrayLike<number>, group: number): Float64Array {
  const centred = Float64Array.from(outputs);
  let sum = 0;
  for (let r = 0; r < centred.length; r++) {
    const value = centred[r]!;
    if (!Number.isFinite(value)) throw new RangeError(`sobolIndices: the outcome of run ${r} is ${value}; every run of the design needs a finite outcome`);
    if (r % group < 2) sum += value;
  }
  const mean = sum / ((2 * centred.length) / group);
  for (let r = 0; r < centred.length; r++) centred[r] = centred[r]! - mean;
  return centred;
}

/** V and the indices over the base samples `samples` (repeats allowed); all 0 when V is 0. */
function estimateIndices(centred: Float64Array, k: number, samples: readonly number[]): { variance: number; first: number[]; total: number[] } {
  const group = k + 2;
  const n = samples.length;
  let sum = 0;
  let squares = 0;
  let lowest = Infinity;
  let highest = -Infinity;
  const first = new Array<number>(k).fill(0);
  const total = new Array<number>(k).fill(0);
  for (const j of samples) {
    const base = j * group;
    const a = centred[base]!;
    const b = centred[base + 1]!;
    sum += a + b;
    squares += a * a + b * b;
    lowest = Math.min(lowest, a, b);
    highest = Math.max(highest, a, b);
    for (let i = 0; i < k; i++) {
      const ab = centred[base + 2 + i]!;
      first[i]! += b * (ab - a);
      total[i]! += (a - ab) * (a - ab);
    }
  }
  const mean = sum / (2 * n);
  // Equal values are tested as such: their computed variance could be a rounding residue, not 0.
  const variance = lowest === highest ? 0 : Math.max(0, squares / (2 * n) - mean * mean);
  if (variance === 0) return { variance, first: first.fill(0), total: total.fill(0) };
  return { variance, first: first.map((s) => s / n / variance), total: total.map((s) => s / n / 2 / variance) };
}

/** The p-quantile of sorted values, interpolating linearly between order statistics (R's type 7). */
function percentile(sorted: Float64Array, p: number): number {
  const at = p * (sorted.length - 1);
  const below = Math.floor(at);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (at - below) * (sorted[above]! - sorted[below]!);
}
