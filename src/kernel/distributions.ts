// Samplers draw only from the stream they are given, so a model's randomness stays replayable per stream.
// They sit on hot paths: no parameter validation, no allocation and no closures per draw. Invalid
// parameters give meaningless numbers (or NaN), not errors; check scenario data once with
// validateDistribution before sampling.
import type { Rng } from './random.js';
import { gammaFunction, logGamma } from './special.js';
import * as libm from './libm.js';

const TWO_PI = 2 * Math.PI;

/** Continuous uniform on [min, max) (rounding can yield max itself); parameters are not validated (hot path). */
export function uniform(rng: Rng, min: number, max: number): number {
  return min + (max - min) * rng();
}

/** Exponential with the given rate (mean 1/rate); parameters are not validated (hot path). */
export function exponential(rng: Rng, rate: number): number {
  // 1 - u lies in (0, 1], so a zero draw gives 0 instead of infinity.
  return -libm.log(1 - rng()) / rate;
}

/** Normal via Box–Muller, stateless so interleaved callers of one stream stay reproducible; not validated (hot path). */
export function normal(rng: Rng, mean: number, sd: number): number {
  return mean + sd * standardNormal(rng);
}

/** Lognormal parameterised by its median (= e^mu) and log-scale sigma; parameters are not validated (hot path). */
export function lognormal(rng: Rng, median: number, sigma: number): number {
  return median * libm.exp(sigma * standardNormal(rng));
}

/** Lognormal with the given arithmetic mean and sd, the form data usually comes in; not validated (hot path). */
export function lognormalFromMeanSd(rng: Rng, mean: number, sd: number): number {
  const cv2 = (sd / mean) * (sd / mean);
  const sigma = Math.sqrt(libm.log1p(cv2));
  return (mean / Math.sqrt(1 + cv2)) * libm.exp(sigma * standardNormal(rng));
}

/** Triangular by inversion (one draw per sample); requires min <= mode <= max, min < max, not validated (hot path). */
export function triangular(rng: Rng, min: number, mode: number, max: number): number {
  const range = max - min;
  const lowerWidth = mode - min;
  const u = rng();
  if (u * range < lowerWidth) return min + Math.sqrt(u * range * lowerWidth);
  return max - Math.sqrt((1 - u) * range * (max - mode));
}

/** Beta-PERT: a beta scaled to [min, max] with mean (min + lambda·mode + max)/(lambda + 2); not validated (hot path). */
export function pert(rng: Rng, min: number, mode: number, max: number, lambda = 4): number {
  const range = max - min;
  const alpha = 1 + (lambda * (mode - min)) / range;
  const betaShape = 1 + (lambda * (max - mode)) / range;
  return min + range * beta(rng, alpha, betaShape);
}

/** Gamma by Marsaglia–Tsang (shape > 0, scale > 0); parameters are not validated (hot path). */
export function gamma(rng: Rng, shape: number, scale: number): number {
  if (shape < 1) {
    // Marsaglia–Tsang needs shape >= 1; Gamma(a) = Gamma(a + 1) · U^(1/a) boosts small shapes.
    const boost = libm.pow(1 - rng(), 1 / shape);
    return marsagliaTsang(rng, shape + 1) * boost * scale;
  }
  return marsagliaTsang(rng, shape) * scale;
}

/** Beta from two gammas, X / (X + Y); parameters are not validated (hot path). */
export function beta(rng: Rng, a: number, b: number): number {
  const x = gamma(rng, a, 1);
  const y = gamma(rng, b, 1);
  const total = x + y;
  // With tiny shapes both gammas can underflow to 0; the beta's mass then sits at the ends in ratio a : b.
  if (total === 0) return rng() * (a + b) < a ? 1 : 0;
  return x / total;
}

/** Poisson count: multiplication below mean 30 (cheap), PTRS rejection above (constant time); not validated (hot path). */
export function poisson(rng: Rng, mean: number): number {
  return mean < 30 ? poissonByMultiplication(rng, mean) : poissonByTransformedRejection(rng, mean);
}

/** True with probability p; parameters are not validated (hot path). */
export function bernoulli(rng: Rng, p: number): boolean {
  return rng() < p;
}

/** Weibull by inversion (shape k, scale lambda); parameters are not validated (hot path). */
export function weibull(rng: Rng, shape: number, scale: number): number {
  return scale * libm.pow(-libm.log(1 - rng()), 1 / shape);
}

/** One of `values`, uniformly or proportionally to `weights`; O(n) per draw, so prefer makeEmpirical for repeated use. */
export function empirical(rng: Rng, values: readonly number[], weights?: readonly number[]): number {
  if (weights === undefined) {
    return values[Math.min(values.length - 1, Math.floor(rng() * values.length))] as number;
  }
  let total = 0;
  for (const weight of weights) total += weight;
  const target = rng() * total;
  let cumulative = 0;
  let lastPositive = 0;
  for (let i = 0; i < values.length; i++) {
    const weight = weights[i] as number;
    if (weight <= 0) continue;
    cumulative += weight;
    lastPositive = i;
    if (target < cumulative) return values[i] as number;
  }
  // Rounding can leave target at the very top of the table.
  return values[lastPositive] as number;
}

/** A sampler over `values` with a precomputed cumulative table (binary search per draw); validates once, throwing RangeError. */
export function makeEmpirical(values: readonly number[], weights?: readonly number[]): (rng: Rng) => number {
  const problem = validateDistribution({ kind: 'empirical', values, weights });
  if (problem !== undefined) throw new RangeError(problem);
  // Copies insulate the sampler from later mutation of the caller's arrays.
  const table = Float64Array.from(values);
  const count = table.length;
  if (weights === undefined) {
    return (rng) => table[Math.min(count - 1, Math.floor(rng() * count))] as number;
  }
  const cumulative = cumulativeSums(weights);
  const total = cumulative[count - 1] as number;
  const lastPositive = lastPositiveIndex(weights);
  return (rng) => {
    const index = firstIndexAbove(cumulative, rng() * total);
    return table[index < count ? index : lastPositive] as number;
  };
}

/** A distribution as data, so scenarios can carry and validate them before any sampling happens. */
export type Distribution =
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'exponential'; rate: number }
  | { kind: 'normal'; mean: number; sd: number }
  | { kind: 'lognormal'; median: number; sigma: number }
  | { kind: 'lognormalMeanSd'; mean: number; sd: number }
  | { kind: 'triangular'; min: number; mode: number; max: number }
  | { kind: 'pert'; min: number; mode: number; max: number; lambda?: number }
  | { kind: 'gamma'; shape: number; scale: number }
  | { kind: 'beta'; a: number; b: number }
  | { kind: 'poisson'; mean: number }
  | { kind: 'bernoulli'; p: number }
  | { kind: 'weibull'; shape: number; scale: number }
  | { kind: 'empirical'; values: readonly number[]; weights?: readonly number[] | undefined };

/** One draw from a data-form distribution (bernoulli gives 0 or 1); parameters are not validated (hot path). */
export function sample(dist: Distribution, rng: Rng): number {
  switch (dist.kind) {
    case 'uniform': return uniform(rng, dist.min, dist.max);
    case 'exponential': return exponential(rng, dist.rate);
    case 'normal': return normal(rng, dist.mean, dist.sd);
    case 'lognormal': return lognormal(rng, dist.median, dist.sigma);
    case 'lognormalMeanSd': return lognormalFromMeanSd(rng, dist.mean, dist.sd);
    case 'triangular': return triangular(rng, dist.min, dist.mode, dist.max);
    case 'pert': return pert(rng, dist.min, dist.mode, dist.max, dist.lambda);
    case 'gamma': return gamma(rng, dist.shape, dist.scale);
    case 'beta': return beta(rng, dist.a, dist.b);
    case 'poisson': return poisson(rng, dist.mean);
    case 'bernoulli': return bernoulli(rng, dist.p) ? 1 : 0;
    case 'weibull': return weibull(rng, dist.shape, dist.scale);
    case 'empirical': return empirical(rng, dist.values, dist.weights);
    default: return unknownKind(dist);
  }
}

/** Exact mean, for checking samplers and for analytic baselines next to simulated results. */
export function theoreticalMean(dist: Distribution): number {
  switch (dist.kind) {
    case 'uniform': return (dist.min + dist.max) / 2;
    case 'exponential': return 1 / dist.rate;
    case 'normal': return dist.mean;
    case 'lognormal': return dist.median * libm.exp((dist.sigma * dist.sigma) / 2);
    case 'lognormalMeanSd': return dist.mean;
    case 'triangular': return (dist.min + dist.mode + dist.max) / 3;
    case 'pert': {
      const lambda = dist.lambda ?? 4;
      return (dist.min + lambda * dist.mode + dist.max) / (lambda + 2);
    }
    case 'gamma': return dist.shape * dist.scale;
    case 'beta': return dist.a / (dist.a + dist.b);
    case 'poisson': return dist.mean;
    case 'bernoulli': return dist.p;
    case 'weibull': return dist.scale * gammaFunction(1 + 1 / dist.shape);
    case 'empirical': return empiricalMoments(dist.values, dist.weights).mean;
    default: return unknownKind(dist);
  }
}

/** Exact variance, for checking samplers and for analytic baselines next to simulated results. */
export function theoreticalVariance(dist: Distribution): number {
  switch (dist.kind) {
    case 'uniform': return ((dist.max - dist.min) * (dist.max - dist.min)) / 12;
    case 'exponential': return 1 / (dist.rate * dist.rate);
    case 'normal': return dist.sd * dist.sd;
    case 'lognormal': {
      const s2 = dist.sigma * dist.sigma;
      return dist.median * dist.median * libm.exp(s2) * libm.expm1(s2);
    }
    case 'lognormalMeanSd': return dist.sd * dist.sd;
    case 'triangular': {
      const { min: a, mode: c, max: b } = dist;
      return (a * a + b * b + c * c - a * b - a * c - b * c) / 18;
    }
    case 'pert': {
      const lambda = dist.lambda ?? 4;
      const mean = theoreticalMean(dist);
      return ((mean - dist.min) * (dist.max - mean)) / (lambda + 3);
    }
    case 'gamma': return dist.shape * dist.scale * dist.scale;
    case 'beta': {
      const sum = dist.a + dist.b;
      return (dist.a * dist.b) / (sum * sum * (sum + 1));
    }
    case 'poisson': return dist.mean;
    case 'bernoulli': return dist.p * (1 - dist.p);
    case 'weibull': {
      const g1 = gammaFunction(1 + 1 / dist.shape);
      return dist.scale * dist.scale * (gammaFunction(1 + 2 / dist.shape) - g1 * g1);
    }
    case 'empirical': return empiricalMoments(dist.values, dist.weights).variance;
    default: return unknownKind(dist);
  }
}

/** A human-readable reason why `dist` (typically parsed scenario data) cannot be sampled, or undefined when it is valid. */
export function validateDistribution(dist: unknown): string | undefined {
  if (typeof dist !== 'object' || dist === null || Array.isArray(dist)) {
    return `distribution must be an object with a "kind" (got ${describe(dist)})`;
  }
  const fields = dist as Fields;
  const kind = fields['kind'];
  if (typeof kind !== 'string' || !Object.hasOwn(VALIDATORS, kind)) {
    return `unknown distribution kind ${describe(kind)}; expected one of ${Object.keys(VALIDATORS).join(', ')}`;
  }
  return VALIDATORS[kind as Distribution['kind']](fields);
}

// ---------------------------------------------------------------------------------------------
// Sampling internals

/** Box–Muller, discarding the sine twin: caching it would make a draw depend on who drew before. */
function standardNormal(rng: Rng): number {
  // 1 - u lies in (0, 1], keeping the log finite when the stream yields exactly 0.
  const radius = Math.sqrt(-2 * libm.log(1 - rng()));
  return radius * libm.cos(TWO_PI * rng());
}

/** Marsaglia & Tsang (2000), unit scale, shape >= 1. */
function marsagliaTsang(rng: Rng, shape: number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng();
    const x2 = x * x;
    // The squeeze accepts ~98% of candidates without evaluating logarithms.
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (libm.log(u) < 0.5 * x2 + d * (1 - v + libm.log(v))) return d * v;
  }
}

/** Knuth: count uniforms until their product drops below e^-mean; expected mean + 1 draws. */
function poissonByMultiplication(rng: Rng, mean: number): number {
  const limit = libm.exp(-mean);
  let count = 0;
  let product = rng();
  while (product > limit) {
    count++;
    product *= rng();
  }
  return count;
}

/** Hörmann (1993) PTRS transformed rejection with squeeze; valid for mean >= 10, used from 30. */
function poissonByTransformedRejection(rng: Rng, mean: number): number {
  const logMean = libm.log(mean);
  const b = 0.931 + 2.53 * Math.sqrt(mean);
  const a = -0.059 + 0.02483 * b;
  const logInvAlpha = libm.log(1.1239 + 1.1328 / (b - 3.4));
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng() - 0.5;
    const v = rng();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (libm.log(v) + logInvAlpha - libm.log(a / (us * us) + b) <= -mean + k * logMean - logGamma(k + 1)) {
      return k;
    }
  }
}

function cumulativeSums(weights: readonly number[]): Float64Array {
  const sums = new Float64Array(weights.length);
  let running = 0;
  for (let i = 0; i < weights.length; i++) {
    running += weights[i] as number;
    sums[i] = running;
  }
  return sums;
}

function lastPositiveIndex(weights: readonly number[]): number {
  for (let i = weights.length - 1; i >= 0; i--) {
    if ((weights[i] as number) > 0) return i;
  }
  return weights.length - 1;
}

/** Smallest i with sorted[i] > target (sorted.length when none), skipping zero-weight entries for free. */
function firstIndexAbove(sorted: Float64Array, target: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) > target) high = middle;
    else low = middle + 1;
  }
  return low;
}

function empiricalMoments(values: readonly number[], weights?: readonly number[]): { mean: number; variance: number } {
  let total = 0;
  let weightedSum = 0;
  for (let i = 0; i < values.length; i++) {
    const weight = weights === undefined ? 1 : (weights[i] as number);
    total += weight;
    weightedSum += weight * (values[i] as number);
  }
  const mean = weightedSum / total;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    const weight = weights === undefined ? 1 : (weights[i] as number);
    const deviation = (values[i] as number) - mean;
    squares += weight * deviation * deviation;
  }
  return { mean, variance: squares / total };
}

function unknownKind(dist: never): never {
  throw new TypeError(`unknown distribution kind ${describe((dist as { kind?: unknown }).kind)}`);
}

// ---------------------------------------------------------------------------------------------
// Validation internals

type Fields = Record<string, unknown>;
type Validator = (fields: Fields) => string | undefined;

const VALIDATORS: Record<Distribution['kind'], Validator> = {
  uniform: (f) =>
    finiteFields('uniform', f, ['min', 'max']) ??
    ((f['min'] as number) < (f['max'] as number) ? undefined : `uniform: min must be < max (got min=${f['min']}, max=${f['max']})`),
  exponential: (f) => finiteFields('exponential', f, ['rate']) ?? positive('exponential', f, 'rate'),
  normal: (f) => finiteFields('normal', f, ['mean', 'sd']) ?? positive('normal', f, 'sd'),
  lognormal: (f) =>
    finiteFields('lognormal', f, ['median', 'sigma']) ?? positive('lognormal', f, 'median') ?? positive('lognormal', f, 'sigma'),
  lognormalMeanSd: (f) =>
    finiteFields('lognormalMeanSd', f, ['mean', 'sd']) ??
    positive('lognormalMeanSd', f, 'mean') ??
    positive('lognormalMeanSd', f, 'sd'),
  triangular: (f) => finiteFields('triangular', f, ['min', 'mode', 'max']) ?? orderedRange('triangular', f),
  pert: (f) =>
    finiteFields('pert', f, ['min', 'mode', 'max']) ??
    orderedRange('pert', f) ??
    (f['lambda'] === undefined ? undefined : finiteFields('pert', f, ['lambda']) ?? positive('pert', f, 'lambda')),
  gamma: (f) => finiteFields('gamma', f, ['shape', 'scale']) ?? positive('gamma', f, 'shape') ?? positive('gamma', f, 'scale'),
  beta: (f) => finiteFields('beta', f, ['a', 'b']) ?? positive('beta', f, 'a') ?? positive('beta', f, 'b'),
  poisson: (f) =>
    finiteFields('poisson', f, ['mean']) ??
    ((f['mean'] as number) >= 0 ? undefined : `poisson: mean must be >= 0 (got ${f['mean']})`),
  bernoulli: (f) => {
    const p = f['p'];
    return typeof p === 'number' && p >= 0 && p <= 1 ? undefined : `bernoulli: p must be a number in [0, 1] (got ${describe(p)})`;
  },
  weibull: (f) =>
    finiteFields('weibull', f, ['shape', 'scale']) ?? positive('weibull', f, 'shape') ?? positive('weibull', f, 'scale'),
  empirical: (f) => validateEmpirical(f['values'], f['weights']),
};

function finiteFields(kind: string, fields: Fields, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = fields[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return `${kind}: ${name} must be a finite number (got ${describe(value)})`;
    }
  }
  return undefined;
}

function positive(kind: string, fields: Fields, name: string): string | undefined {
  const value = fields[name] as number;
  return value > 0 ? undefined : `${kind}: ${name} must be > 0 (got ${value})`;
}

function orderedRange(kind: string, fields: Fields): string | undefined {
  const min = fields['min'] as number;
  const mode = fields['mode'] as number;
  const max = fields['max'] as number;
  if (!(min < max)) return `${kind}: min must be < max (got min=${min}, max=${max})`;
  if (!(min <= mode && mode <= max)) return `${kind}: mode must lie in [min, max] (got min=${min}, mode=${mode}, max=${max})`;
  return undefined;
}

function validateEmpirical(values: unknown, weights: unknown): string | undefined {
  if (!Array.isArray(values) || values.length === 0) {
    return `empirical: values must be a non-empty array of numbers (got ${describe(values)})`;
  }
  const badValue = values.findIndex((value) => typeof value !== 'number' || !Number.isFinite(value));
  if (badValue >= 0) return `empirical: values[${badValue}] must be a finite number (got ${describe(values[badValue])})`;
  if (weights === undefined) return undefined;
  if (!Array.isArray(weights)) return `empirical: weights must be an array of numbers (got ${describe(weights)})`;
  if (weights.length !== values.length) {
    return `empirical: weights must have the same length as values (got ${weights.length} weights for ${values.length} values)`;
  }
  const badWeight = weights.findIndex((weight) => typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0);
  if (badWeight >= 0) {
    return `empirical: weights[${badWeight}] must be a finite non-negative number (got ${describe(weights[badWeight])})`;
  }
  const total = (weights as number[]).reduce((sum, weight) => sum + weight, 0);
  if (!(total > 0) || !Number.isFinite(total)) return `empirical: weights must have a positive finite sum (got ${total})`;
  return undefined;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

// ---------------------------------------------------------------------------------------------
// Quantile functions and CDFs, for inverse-transform designs such as Latin hypercubes. They are not
// on hot paths, so unlike the samplers they validate their arguments and throw RangeError.

// Kept with the functions that use it so this section can be read (and merged) on its own; ES imports hoist.
import {
  inverseRegularizedBeta,
  inverseRegularizedGammaP,
  normalCdf,
  normalQuantile,
  regularizedBeta,
  regularizedGammaP,
  regularizedGammaQ,
} from './special.js';

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
