// A distribution as data: what scenarios carry, one draw from it through the samplers, and its exact
// moments, against which the samplers are checked and simulated results compared.
import * as libm from '../libm.js';
import type { Rng } from '../random.js';
import { gammaFunction } from '../special.js';
import {
  bernoulli,
  beta,
  empirical,
  exponential,
  gamma,
  lognormal,
  lognormalFromMeanSd,
  normal,
  pert,
  poisson,
  triangular,
  uniform,
  weibull,
} from './samplers.js';
import { unknownKind } from './validation.js';

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
