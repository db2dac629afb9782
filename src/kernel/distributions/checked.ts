// The samplers as the package exports them. Each refuses parameters its distribution does not have
// (validateDistribution's rule and words) before it draws: a negative rate would otherwise give
// negative times, and an empty table undefined, in whatever a caller builds on them. The engine's own
// hot paths call samplers.ts directly, on scenario data checked once when it was loaded.
import type { Rng } from '../random.js';
import * as data from './data.js';
import type { Distribution } from './data.js';
import * as raw from './samplers.js';
import { validateDistribution } from './validation.js';

const finite = Number.isFinite;

/** Continuous uniform on [min, max); RangeError unless both are finite and min < max. */
export function uniform(rng: Rng, min: number, max: number): number {
  if (!(finite(min) && finite(max) && min < max)) refuse('uniform', { kind: 'uniform', min, max });
  return raw.uniform(rng, min, max);
}

/** Exponential with the given rate (mean 1/rate); RangeError unless the rate is finite and > 0. */
export function exponential(rng: Rng, rate: number): number {
  if (!(finite(rate) && rate > 0)) refuse('exponential', { kind: 'exponential', rate });
  return raw.exponential(rng, rate);
}

/** Normal with the given mean and sd; RangeError unless both are finite and sd > 0. */
export function normal(rng: Rng, mean: number, sd: number): number {
  if (!(finite(mean) && finite(sd) && sd > 0)) refuse('normal', { kind: 'normal', mean, sd });
  return raw.normal(rng, mean, sd);
}

/** Lognormal by its median (= e^mu) and log-scale sigma; RangeError unless both are finite and > 0. */
export function lognormal(rng: Rng, median: number, sigma: number): number {
  if (!(finite(median) && finite(sigma) && median > 0 && sigma > 0)) refuse('lognormal', { kind: 'lognormal', median, sigma });
  return raw.lognormal(rng, median, sigma);
}

/** Lognormal with the given arithmetic mean and sd; RangeError unless both are finite and > 0. */
export function lognormalFromMeanSd(rng: Rng, mean: number, sd: number): number {
  if (!(finite(mean) && finite(sd) && mean > 0 && sd > 0)) refuse('lognormalFromMeanSd', { kind: 'lognormalMeanSd', mean, sd });
  return raw.lognormalFromMeanSd(rng, mean, sd);
}

/** Triangular on [min, max] with its peak at mode; RangeError unless finite, min < max and min <= mode <= max. */
export function triangular(rng: Rng, min: number, mode: number, max: number): number {
  if (!(finite(min) && finite(mode) && finite(max) && min < max && min <= mode && mode <= max)) {
    refuse('triangular', { kind: 'triangular', min, mode, max });
  }
  return raw.triangular(rng, min, mode, max);
}

/** Beta-PERT on [min, max] with mean (min + lambda·mode + max)/(lambda + 2); RangeError as triangular, or unless lambda is finite and > 0. */
export function pert(rng: Rng, min: number, mode: number, max: number, lambda = 4): number {
  if (!(finite(min) && finite(mode) && finite(max) && min < max && min <= mode && mode <= max && finite(lambda) && lambda > 0)) {
    refuse('pert', { kind: 'pert', min, mode, max, lambda });
  }
  return raw.pert(rng, min, mode, max, lambda);
}

/** Gamma with the given shape and scale; RangeError unless both are finite and > 0. */
export function gamma(rng: Rng, shape: number, scale: number): number {
  if (!(finite(shape) && finite(scale) && shape > 0 && scale > 0)) refuse('gamma', { kind: 'gamma', shape, scale });
  return raw.gamma(rng, shape, scale);
}

/** Beta with shapes a and b; RangeError unless both are finite and > 0. */
export function beta(rng: Rng, a: number, b: number): number {
  if (!(finite(a) && finite(b) && a > 0 && b > 0)) refuse('beta', { kind: 'beta', a, b });
  return raw.beta(rng, a, b);
}

/** A Poisson count with the given mean; RangeError unless the mean is finite and >= 0. */
export function poisson(rng: Rng, mean: number): number {
  if (!(finite(mean) && mean >= 0)) refuse('poisson', { kind: 'poisson', mean });
  return raw.poisson(rng, mean);
}

/** True with probability p; RangeError unless p is a number in [0, 1]. */
export function bernoulli(rng: Rng, p: number): boolean {
  if (!(typeof p === 'number' && p >= 0 && p <= 1)) refuse('bernoulli', { kind: 'bernoulli', p });
  return raw.bernoulli(rng, p);
}

/** Weibull with shape k and scale lambda; RangeError unless both are finite and > 0. */
export function weibull(rng: Rng, shape: number, scale: number): number {
  if (!(finite(shape) && finite(scale) && shape > 0 && scale > 0)) refuse('weibull', { kind: 'weibull', shape, scale });
  return raw.weibull(rng, shape, scale);
}

/** One of `values`, uniformly or proportionally to `weights` (checked on every call: prefer makeEmpirical for repeated draws). */
export function empirical(rng: Rng, values: readonly number[], weights?: readonly number[]): number {
  const problem = validateDistribution({ kind: 'empirical', values, weights });
  if (problem !== undefined) throw new RangeError(problem);
  return raw.empirical(rng, values, weights);
}

/** A sampler over `values` with a precomputed cumulative table; checks them once, throwing RangeError. */
export const makeEmpirical = raw.makeEmpirical;

/** One draw from a data-form distribution (bernoulli gives 0 or 1); RangeError with validateDistribution's reason for one that cannot be sampled. */
export function sample(dist: Distribution, rng: Rng): number {
  return data.sample(checked(dist), rng);
}

/** The distribution's exact mean; RangeError for one that validateDistribution refuses. */
export function theoreticalMean(dist: Distribution): number {
  return data.theoreticalMean(checked(dist));
}

/** The distribution's exact variance; RangeError for one that validateDistribution refuses. */
export function theoreticalVariance(dist: Distribution): number {
  return data.theoreticalVariance(checked(dist));
}

function checked(dist: Distribution): Distribution {
  const problem = validateDistribution(dist);
  if (problem !== undefined) throw new RangeError(problem);
  return dist;
}

// The reason is validateDistribution's, so the function and the data form refuse alike in the same
// words; only its first word, the data form's kind, becomes the name of the function that was called.
function refuse(name: string, dist: Record<string, unknown>): never {
  const problem = validateDistribution(dist) ?? `${String(dist['kind'])}: parameters out of range`;
  throw new RangeError(`${name}${problem.slice(problem.indexOf(':'))}`);
}
