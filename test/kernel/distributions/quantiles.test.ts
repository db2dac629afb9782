import jStatModule from 'jstat';
import { describe, expect, it } from 'vitest';
import type { Distribution } from '../../../src/kernel/distributions/data.js';
import { cdf, quantile } from '../../../src/kernel/distributions/quantiles.js';
import { P_GRID, relativeError } from '../../support/probabilities.js';

const { jStat } = jStatModule;

// jStat's inverse CDFs are an independent implementation, though a looser one (Numerical Recipes style,
// stopping at 1e-8 relative steps), so agreement with them is checked at 1e-7 and exactness is checked
// separately: by round trips through our own CDFs, and in special.test.ts against high-precision reference values.

const pertInverse = (min: number, mode: number, max: number, lambda: number) => (p: number) => {
  const range = max - min;
  return min + range * jStat.beta.inv(p, 1 + (lambda * (mode - min)) / range, 1 + (lambda * (max - mode)) / range);
};

const lognormalMeanSdInverse = (mean: number, sd: number) => (p: number) => {
  const sigma2 = Math.log(1 + (sd * sd) / (mean * mean));
  return jStat.lognormal.inv(p, Math.log(mean) - sigma2 / 2, Math.sqrt(sigma2));
};

interface Case {
  label: string;
  dist: Distribution;
  inverse: (p: number) => number;
}

const CONTINUOUS: Case[] = [
  { label: 'uniform(-2, 5)', dist: { kind: 'uniform', min: -2, max: 5 }, inverse: (p) => jStat.uniform.inv(p, -2, 5) },
  { label: 'exponential(0.25)', dist: { kind: 'exponential', rate: 0.25 }, inverse: (p) => jStat.exponential.inv(p, 0.25) },
  { label: 'normal(0, 1)', dist: { kind: 'normal', mean: 0, sd: 1 }, inverse: (p) => jStat.normal.inv(p, 0, 1) },
  { label: 'normal(10, 3)', dist: { kind: 'normal', mean: 10, sd: 3 }, inverse: (p) => jStat.normal.inv(p, 10, 3) },
  {
    label: 'lognormal(median 2, sigma 0.75)',
    dist: { kind: 'lognormal', median: 2, sigma: 0.75 },
    inverse: (p) => jStat.lognormal.inv(p, Math.log(2), 0.75),
  },
  {
    label: 'lognormalMeanSd(100, 40)',
    dist: { kind: 'lognormalMeanSd', mean: 100, sd: 40 },
    inverse: lognormalMeanSdInverse(100, 40),
  },
  {
    label: 'triangular(1, 2, 5)',
    dist: { kind: 'triangular', min: 1, mode: 2, max: 5 },
    inverse: (p) => jStat.triangular.inv(p, 1, 5, 2),
  },
  {
    label: 'triangular(0, 0, 1) (mode at min)',
    dist: { kind: 'triangular', min: 0, mode: 0, max: 1 },
    inverse: (p) => jStat.triangular.inv(p, 0, 1, 0),
  },
  {
    label: 'triangular(0, 1, 1) (mode at max)',
    dist: { kind: 'triangular', min: 0, mode: 1, max: 1 },
    inverse: (p) => jStat.triangular.inv(p, 0, 1, 1),
  },
  { label: 'pert(10, 14, 30)', dist: { kind: 'pert', min: 10, mode: 14, max: 30 }, inverse: pertInverse(10, 14, 30, 4) },
  {
    label: 'pert(0, 1, 1, lambda 6) (mode at max)',
    dist: { kind: 'pert', min: 0, mode: 1, max: 1, lambda: 6 },
    inverse: pertInverse(0, 1, 1, 6),
  },
  { label: 'gamma(0.5, 2)', dist: { kind: 'gamma', shape: 0.5, scale: 2 }, inverse: (p) => jStat.gamma.inv(p, 0.5, 2) },
  { label: 'gamma(3, 1.5)', dist: { kind: 'gamma', shape: 3, scale: 1.5 }, inverse: (p) => jStat.gamma.inv(p, 3, 1.5) },
  { label: 'gamma(40, 0.1)', dist: { kind: 'gamma', shape: 40, scale: 0.1 }, inverse: (p) => jStat.gamma.inv(p, 40, 0.1) },
  { label: 'beta(0.5, 0.5)', dist: { kind: 'beta', a: 0.5, b: 0.5 }, inverse: (p) => jStat.beta.inv(p, 0.5, 0.5) },
  { label: 'beta(2, 5)', dist: { kind: 'beta', a: 2, b: 5 }, inverse: (p) => jStat.beta.inv(p, 2, 5) },
  { label: 'beta(0.2, 3)', dist: { kind: 'beta', a: 0.2, b: 3 }, inverse: (p) => jStat.beta.inv(p, 0.2, 3) },
  { label: 'beta(30, 70)', dist: { kind: 'beta', a: 30, b: 70 }, inverse: (p) => jStat.beta.inv(p, 30, 70) },
  { label: 'weibull(1.5, 2)', dist: { kind: 'weibull', shape: 1.5, scale: 2 }, inverse: (p) => jStat.weibull.inv(p, 2, 1.5) },
  { label: 'weibull(0.6, 10)', dist: { kind: 'weibull', shape: 0.6, scale: 10 }, inverse: (p) => jStat.weibull.inv(p, 10, 0.6) },
];

describe('quantile agrees with jStat inverse CDFs over 1e-6 .. 1 − 1e-6', () => {
  for (const { label, dist, inverse } of CONTINUOUS) {
    it(label, () => {
      const worst = Math.max(...P_GRID.map((p) => relativeError(quantile(dist, p), inverse(p), 1e-3)));
      expect(worst).toBeLessThan(1e-7);
    });
  }
});

/** How much the CDF moves across ±2 ulps of x: the resolution any x-valued answer can achieve near x. */
function cdfResolution(dist: Distribution, x: number): number {
  const step = 2 * Number.EPSILON * Math.max(Math.abs(x), Number.MIN_VALUE);
  return cdf(dist, x + step) - cdf(dist, x - step);
}

describe('quantile round-trips through cdf', () => {
  for (const { label, dist } of CONTINUOUS) {
    it(label, () => {
      for (const p of P_GRID) {
        // Within 1e-12 of the smaller tail, so tail probabilities come back to ~12 digits, give or take the
        // spacing of doubles: of the CDF's value (an ulp of p) and of x itself (x = −2 + 7e-6 for uniform(−2, 5)
        // at 1e-6 is only known to an ulp of 2, which is 6e-11 of the tail).
        const x = quantile(dist, p);
        const allowed = 1e-12 * Math.min(p, 1 - p) + Number.EPSILON * p + cdfResolution(dist, x);
        expect(Math.abs(cdf(dist, x) - p), `p = ${p}`).toBeLessThanOrEqual(allowed);
      }
    });
  }

  it('cdf of a quantile of a cdf returns the point (continuous laws, interior points)', () => {
    for (const { dist } of CONTINUOUS) {
      for (const p of [0.01, 0.3, 0.77, 0.99]) {
        const x = quantile(dist, p);
        expect(relativeError(quantile(dist, cdf(dist, x)), x, 1e-9)).toBeLessThan(1e-10);
      }
    }
  });
});

describe('discrete quantiles are the smallest k with CDF(k) >= p', () => {
  for (const mean of [0.3, 4, 29.5, 60]) {
    it(`poisson(${mean}) against jStat.poisson.cdf`, () => {
      const dist: Distribution = { kind: 'poisson', mean };
      for (const p of P_GRID) {
        const k = quantile(dist, p);
        expect(Number.isInteger(k)).toBe(true);
        // Our own CDF decides exactly; jStat's summed pmf agrees except within rounding of a boundary.
        expect(cdf(dist, k)).toBeGreaterThanOrEqual(p);
        if (k > 0) expect(cdf(dist, k - 1)).toBeLessThan(p);
        expect(jStat.poisson.cdf(k, mean)).toBeGreaterThanOrEqual(p * (1 - 1e-12));
        if (k > 0) expect(jStat.poisson.cdf(k - 1, mean)).toBeLessThan(p * (1 + 1e-12));
      }
    });
  }

  it('poisson with a large mean and in the far tails', () => {
    const dist: Distribution = { kind: 'poisson', mean: 1e6 };
    for (const p of [1e-12, 1e-6, 0.5, 1 - 1e-6, 1 - 1e-12]) {
      const k = quantile(dist, p);
      expect(cdf(dist, k)).toBeGreaterThanOrEqual(p);
      expect(cdf(dist, k - 1)).toBeLessThan(p);
    }
    expect(quantile({ kind: 'poisson', mean: 0 }, 0.999)).toBe(0);
  });

  it('bernoulli', () => {
    const dist: Distribution = { kind: 'bernoulli', p: 0.3 };
    expect(quantile(dist, 0.1)).toBe(0);
    expect(quantile(dist, 0.7)).toBe(0);
    expect(quantile(dist, 0.70001)).toBe(1);
    expect(quantile({ kind: 'bernoulli', p: 0 }, 0.999)).toBe(0);
    expect(quantile({ kind: 'bernoulli', p: 1 }, 0.001)).toBe(1);
    expect(cdf(dist, -0.5)).toBe(0);
    expect(cdf(dist, 0)).toBeCloseTo(0.7, 15);
    expect(cdf(dist, 1)).toBe(1);
  });

  it('empirical: the step inverse of the weighted distribution that sample() draws from', () => {
    // Unsorted values with a tie and a zero weight: sorted, the masses are 1:0.1, 2:0.3 (0.2 + 0.1), 3:0, 5:0.6.
    const dist: Distribution = { kind: 'empirical', values: [5, 1, 2, 3, 2], weights: [6, 1, 2, 0, 1] };
    expect(quantile(dist, 0.05)).toBe(1);
    expect(quantile(dist, 0.1)).toBe(1);
    expect(quantile(dist, 0.11)).toBe(2);
    expect(quantile(dist, 0.4)).toBe(2);
    expect(quantile(dist, 0.41)).toBe(5);
    expect(quantile(dist, 0.999999)).toBe(5);
    expect(cdf(dist, 4)).toBeCloseTo(0.4, 15);
    const unweighted: Distribution = { kind: 'empirical', values: [40, 10, 30, 20] };
    expect([0.1, 0.25, 0.26, 0.5, 0.75, 0.9].map((p) => quantile(unweighted, p))).toEqual([10, 10, 20, 20, 30, 40]);
  });
});

describe('quantile arguments', () => {
  const dist: Distribution = { kind: 'normal', mean: 0, sd: 1 };

  it('throws RangeError for p outside (0, 1)', () => {
    for (const p of [0, 1, -0.1, 1.1, Number.NaN, Infinity]) {
      expect(() => quantile(dist, p), `p = ${p}`).toThrow(RangeError);
    }
    expect(() => quantile(dist, 0)).toThrow(/p must lie strictly between 0 and 1 \(got 0\)/);
  });

  it('throws RangeError for an invalid distribution', () => {
    expect(() => quantile({ kind: 'normal', mean: 0, sd: -1 }, 0.5)).toThrow(/normal: sd must be > 0/);
    expect(() => cdf({ kind: 'beta', a: 0, b: 1 }, 0.5)).toThrow(RangeError);
  });

  it('is monotone in p', () => {
    for (const { dist: d } of CONTINUOUS) {
      const values = P_GRID.map((p) => quantile(d, p));
      for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1] as number);
    }
  });
});
