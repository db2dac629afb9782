// Quantile functions and CDFs, for inverse-transform designs such as Latin hypercubes. They are not
// on hot paths, so unlike the samplers they validate their arguments and throw RangeError.
import * as libm from '../libm.js';
import {
  inverseRegularizedBeta,
  inverseRegularizedGammaP,
  normalCdf,
  normalQuantile,
  regularizedBeta,
  regularizedGammaP,
  regularizedGammaQ,
} from '../special.js';
import type { Distribution } from './data.js';
import { unknownKind, validateDistribution } from './validation.js';

/** Inverse CDF: the smallest x with P(X <= x) >= p, for p in (0, 1); throws RangeError for other p or an invalid distribution. */
export function quantile(distribution: Distribution, p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`quantile: p must lie strictly between 0 and 1 (got ${p})`);
  assertSampleable(distribution);
  const d = distribution;
  switch (d.kind) {
    case 'uniform': return d.min + p * (d.max - d.min);
    case 'exponential': return -libm.log1p(-p) / d.rate;
    case 'normal': return d.mean + d.sd * normalQuantile(p);
    case 'lognormal': return d.median * libm.exp(d.sigma * normalQuantile(p));
    case 'lognormalMeanSd': {
      const { median, sigma } = lognormalLogScale(d.mean, d.sd);
      return median * libm.exp(sigma * normalQuantile(p));
    }
    case 'triangular': return triangularQuantile(d.min, d.mode, d.max, p);
    case 'pert': {
      const { alpha, betaShape } = pertShapes(d.min, d.mode, d.max, d.lambda ?? 4);
      return d.min + (d.max - d.min) * inverseRegularizedBeta(p, alpha, betaShape);
    }
    case 'gamma': return d.scale * inverseRegularizedGammaP(d.shape, p);
    case 'beta': return inverseRegularizedBeta(p, d.a, d.b);
    case 'poisson': return poissonQuantile(d.mean, p);
    case 'bernoulli': return p <= 1 - d.p ? 0 : 1;
    case 'weibull': return d.scale * libm.pow(-libm.log1p(-p), 1 / d.shape);
    case 'empirical': return empiricalQuantile(d.values, d.weights, p);
    default: return unknownKind(d);
  }
}

/** Cumulative distribution function P(X <= x) (bernoulli on 0/1, as sample() gives it); throws RangeError for an invalid distribution. */
export function cdf(distribution: Distribution, x: number): number {
  if (Number.isNaN(x)) return NaN;
  assertSampleable(distribution);
  const d = distribution;
  switch (d.kind) {
    case 'uniform': return x <= d.min ? 0 : x >= d.max ? 1 : (x - d.min) / (d.max - d.min);
    case 'exponential': return x <= 0 ? 0 : -libm.expm1(-d.rate * x);
    case 'normal': return normalCdf((x - d.mean) / d.sd);
    case 'lognormal': return x <= 0 ? 0 : normalCdf(libm.log(x / d.median) / d.sigma);
    case 'lognormalMeanSd': {
      const { median, sigma } = lognormalLogScale(d.mean, d.sd);
      return x <= 0 ? 0 : normalCdf(libm.log(x / median) / sigma);
    }
    case 'triangular': {
      const range = d.max - d.min;
      if (x <= d.min) return 0;
      if (x >= d.max) return 1;
      if (x <= d.mode) return ((x - d.min) * (x - d.min)) / (range * (d.mode - d.min));
      // 1 − (max − x)²/(range·(max − mode)) rearranged into non-negative terms, so it keeps its digits near min.
      return ((d.mode - d.min) * (d.max - d.mode) + (x - d.mode) * (2 * d.max - d.mode - x)) / (range * (d.max - d.mode));
    }
    case 'pert': {
      if (x <= d.min) return 0;
      if (x >= d.max) return 1;
      const { alpha, betaShape } = pertShapes(d.min, d.mode, d.max, d.lambda ?? 4);
      return regularizedBeta((x - d.min) / (d.max - d.min), alpha, betaShape);
    }
    case 'gamma': return x <= 0 ? 0 : regularizedGammaP(d.shape, x / d.scale);
    case 'beta': return x <= 0 ? 0 : x >= 1 ? 1 : regularizedBeta(x, d.a, d.b);
    // P(N <= k) = Q(k + 1, mean), the regularized upper incomplete gamma.
    case 'poisson': return x < 0 ? 0 : regularizedGammaQ(Math.floor(x) + 1, d.mean);
    case 'bernoulli': return x < 0 ? 0 : x < 1 ? 1 - d.p : 1;
    case 'weibull': return x <= 0 ? 0 : -libm.expm1(-libm.pow(x / d.scale, d.shape));
    case 'empirical': return empiricalCdf(d.values, d.weights, x);
    default: return unknownKind(d);
  }
}

/** Throws RangeError with validateDistribution's reason when `distribution` is invalid. */
function assertSampleable(distribution: Distribution): void {
  const problem = validateDistribution(distribution);
  if (problem !== undefined) throw new RangeError(problem);
}

/** Log-scale parameters of the lognormal with arithmetic mean `mean` and sd `sd`, as lognormalFromMeanSd uses them. */
function lognormalLogScale(mean: number, sd: number): { median: number; sigma: number } {
  const cv2 = (sd / mean) * (sd / mean);
  return { median: mean / Math.sqrt(1 + cv2), sigma: Math.sqrt(libm.log1p(cv2)) };
}

/** The triangular sampler's inversion, each branch measured from its nearer end so both tails keep their digits. */
function triangularQuantile(min: number, mode: number, max: number, p: number): number {
  const range = max - min;
  if (p * range < mode - min) {
    const rise = Math.sqrt(p * range * (mode - min));
    // max − x = range − rise, rewritten as (range² − rise²)/(range + rise) to avoid cancellation.
    return rise <= range / 2 ? min + rise : max - (range * (max - mode + (1 - p) * (mode - min))) / (range + rise);
  }
  const fall = Math.sqrt((1 - p) * range * (max - mode));
  return fall <= range / 2 ? max - fall : min + (range * (mode - min + p * (max - mode))) / (range + fall);
}

/** Beta shapes of a PERT on [min, max], as the pert sampler computes them. */
function pertShapes(min: number, mode: number, max: number, lambda: number): { alpha: number; betaShape: number } {
  const range = max - min;
  return { alpha: 1 + (lambda * (mode - min)) / range, betaShape: 1 + (lambda * (max - mode)) / range };
}

/** Smallest k with P(N <= k) >= p: a Cornish–Fisher start, then unit steps (a handful) to the exact boundary. */
function poissonQuantile(mean: number, p: number): number {
  if (mean === 0) return 0;
  // In the upper half test the complement, P(N > k) = P(k + 1, mean) <= 1 − p, which keeps its digits as p nears 1.
  const q = 1 - p;
  const reaches = (k: number): boolean =>
    p > 0.5 ? regularizedGammaP(k + 1, mean) <= q : regularizedGammaQ(k + 1, mean) >= p;
  const z = normalQuantile(p);
  let k = Math.max(0, Math.floor(mean + Math.sqrt(mean) * z + (z * z - 1) / 6));
  if (reaches(k)) {
    while (k > 0 && reaches(k - 1)) k--;
  } else {
    do k++;
    while (!reaches(k));
  }
  return k;
}

/** Step inverse of the distribution `empirical` samples: the smallest value whose cumulative weight share reaches p. */
function empiricalQuantile(values: readonly number[], weights: readonly number[] | undefined, p: number): number {
  // Not type-7 interpolation, which would invent values between the data that sample() can never draw.
  // Sorting makes this O(n log n) per call, negligible next to a simulation run per quantile.
  const order = values.map((_, index) => index).sort((i, j) => (values[i] as number) - (values[j] as number));
  let total = 0;
  for (const index of order) total += weights === undefined ? 1 : (weights[index] as number);
  let cumulative = 0;
  let lastPositive = order[order.length - 1] as number;
  for (const index of order) {
    const weight = weights === undefined ? 1 : (weights[index] as number);
    if (weight <= 0) continue;
    cumulative += weight;
    lastPositive = index;
    if (cumulative / total >= p) return values[index] as number;
  }
  // Rounding can leave the last cumulative share a hair below p.
  return values[lastPositive] as number;
}

/** Weighted share of `values` at or below x. */
function empiricalCdf(values: readonly number[], weights: readonly number[] | undefined, x: number): number {
  let total = 0;
  let below = 0;
  for (let i = 0; i < values.length; i++) {
    const weight = weights === undefined ? 1 : (weights[i] as number);
    total += weight;
    if ((values[i] as number) <= x) below += weight;
  }
  return below / total;
}
