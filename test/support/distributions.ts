import jStatModule from 'jstat';
import type { Distribution } from '../../src/kernel/distributions/data.js';

/**
 * The distributions the sampler and validation tests share, with jstat's CDFs as references: jstat is an
 * independent implementation, so agreement is evidence rather than self-consistency.
 */

const { jStat } = jStatModule;

/** A distribution under test. */
export interface Case {
  label: string;
  dist: Distribution;
  /** Reference CDF; present for continuous distributions, which also get a KS test. */
  cdf?: (x: number) => number;
}

const lognormalMeanSdParams = (mean: number, sd: number) => {
  const sigma2 = Math.log(1 + (sd * sd) / (mean * mean));
  return { mu: Math.log(mean) - sigma2 / 2, sigma: Math.sqrt(sigma2) };
};

const pertCdf = (min: number, mode: number, max: number, lambda: number) => (x: number) => {
  const range = max - min;
  const alpha = 1 + (lambda * (mode - min)) / range;
  const betaShape = 1 + (lambda * (max - mode)) / range;
  return jStat.beta.cdf((x - min) / range, alpha, betaShape);
};

/** Continuous laws, each with jstat's CDF, covering the edge cases of every sampler (modes at the ends, boosted gamma shapes). */
export const CONTINUOUS: Case[] = [
  { label: 'uniform(-2, 5)', dist: { kind: 'uniform', min: -2, max: 5 }, cdf: (x) => jStat.uniform.cdf(x, -2, 5) },
  { label: 'exponential(0.25)', dist: { kind: 'exponential', rate: 0.25 }, cdf: (x) => jStat.exponential.cdf(x, 0.25) },
  { label: 'normal(10, 3)', dist: { kind: 'normal', mean: 10, sd: 3 }, cdf: (x) => jStat.normal.cdf(x, 10, 3) },
  {
    label: 'lognormal(median 2, sigma 0.5)',
    dist: { kind: 'lognormal', median: 2, sigma: 0.5 },
    cdf: (x) => jStat.lognormal.cdf(x, Math.log(2), 0.5),
  },
  {
    label: 'lognormalMeanSd(5, 2)',
    dist: { kind: 'lognormalMeanSd', mean: 5, sd: 2 },
    cdf: (x) => {
      const { mu, sigma } = lognormalMeanSdParams(5, 2);
      return jStat.lognormal.cdf(x, mu, sigma);
    },
  },
  {
    label: 'triangular(1, 2, 6)',
    dist: { kind: 'triangular', min: 1, mode: 2, max: 6 },
    cdf: (x) => jStat.triangular.cdf(x, 1, 6, 2),
  },
  {
    label: 'triangular(0, 0, 1) (mode at min)',
    dist: { kind: 'triangular', min: 0, mode: 0, max: 1 },
    cdf: (x) => jStat.triangular.cdf(x, 0, 1, 0),
  },
  {
    label: 'triangular(0, 1, 1) (mode at max)',
    dist: { kind: 'triangular', min: 0, mode: 1, max: 1 },
    cdf: (x) => jStat.triangular.cdf(x, 0, 1, 1),
  },
  { label: 'pert(0, 2, 10)', dist: { kind: 'pert', min: 0, mode: 2, max: 10 }, cdf: pertCdf(0, 2, 10, 4) },
  {
    label: 'pert(3, 8, 9, lambda 6)',
    dist: { kind: 'pert', min: 3, mode: 8, max: 9, lambda: 6 },
    cdf: pertCdf(3, 8, 9, 6),
  },
  { label: 'gamma(0.5, 2) (boosted)', dist: { kind: 'gamma', shape: 0.5, scale: 2 }, cdf: (x) => jStat.gamma.cdf(x, 0.5, 2) },
  { label: 'gamma(1, 1)', dist: { kind: 'gamma', shape: 1, scale: 1 }, cdf: (x) => jStat.gamma.cdf(x, 1, 1) },
  { label: 'gamma(3.5, 1.5)', dist: { kind: 'gamma', shape: 3.5, scale: 1.5 }, cdf: (x) => jStat.gamma.cdf(x, 3.5, 1.5) },
  { label: 'beta(2, 5)', dist: { kind: 'beta', a: 2, b: 5 }, cdf: (x) => jStat.beta.cdf(x, 2, 5) },
  { label: 'beta(0.5, 0.5)', dist: { kind: 'beta', a: 0.5, b: 0.5 }, cdf: (x) => jStat.beta.cdf(x, 0.5, 0.5) },
  { label: 'weibull(1.5, 3)', dist: { kind: 'weibull', shape: 1.5, scale: 3 }, cdf: (x) => jStat.weibull.cdf(x, 3, 1.5) },
  { label: 'weibull(0.8, 1)', dist: { kind: 'weibull', shape: 0.8, scale: 1 }, cdf: (x) => jStat.weibull.cdf(x, 1, 0.8) },
];

/** Discrete laws, with both Poisson branches at their switch. */
export const DISCRETE: Case[] = [
  { label: 'poisson(0.5)', dist: { kind: 'poisson', mean: 0.5 } },
  { label: 'poisson(3)', dist: { kind: 'poisson', mean: 3 } },
  { label: 'poisson(29.9) (multiplication, at the switch)', dist: { kind: 'poisson', mean: 29.9 } },
  { label: 'poisson(30) (PTRS, at the switch)', dist: { kind: 'poisson', mean: 30 } },
  { label: 'poisson(100)', dist: { kind: 'poisson', mean: 100 } },
  { label: 'poisson(5000)', dist: { kind: 'poisson', mean: 5000 } },
  { label: 'bernoulli(0.3)', dist: { kind: 'bernoulli', p: 0.3 } },
  { label: 'empirical unweighted', dist: { kind: 'empirical', values: [3, 7, 8] } },
  { label: 'empirical weighted', dist: { kind: 'empirical', values: [1, 2, 5, 10], weights: [1, 0, 3, 6] } },
];
