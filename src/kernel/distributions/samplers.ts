// Samplers draw only from the stream they are given, so a model's randomness stays replayable per stream.
// They sit on the engine's hot paths: no parameter validation, no allocation and no closures per draw.
// Invalid parameters give meaningless numbers (or NaN), not errors, so the engine checks scenario data
// once with validateDistribution; the package exports checked.ts's versions, which refuse them.
import * as libm from '../libm.js';
import type { Rng } from '../random.js';
import { logGamma } from '../special.js';
import { validateDistribution } from './validation.js';

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
