import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Distribution } from '../../../src/kernel/distributions/data.js';
import { validateDistribution } from '../../../src/kernel/distributions/validation.js';
import { CONTINUOUS, DISCRETE } from '../../support/distributions.js';

describe('validateDistribution', () => {
  it('accepts every distribution used in these tests, plus boundary values', () => {
    const boundary: Distribution[] = [
      { kind: 'bernoulli', p: 0 },
      { kind: 'bernoulli', p: 1 },
      { kind: 'poisson', mean: 0 },
      { kind: 'pert', min: 0, mode: 0, max: 1, lambda: 2 },
      { kind: 'empirical', values: [4], weights: [0.5] },
    ];
    for (const dist of [...CONTINUOUS.map((c) => c.dist), ...DISCRETE.map((c) => c.dist), ...boundary]) {
      expect(validateDistribution(dist), JSON.stringify(dist)).toBeUndefined();
    }
  });

  const invalid: [unknown, RegExp][] = [
    [null, /must be an object/],
    [[1, 2], /must be an object/],
    [{ kind: 'cauchy' }, /unknown distribution kind "cauchy"/],
    [{ min: 0, max: 1 }, /unknown distribution kind undefined/],
    [{ kind: 'uniform', min: 1, max: 1 }, /uniform: min must be < max/],
    [{ kind: 'uniform', min: 0, max: Infinity }, /uniform: max must be a finite number/],
    [{ kind: 'exponential', rate: 0 }, /exponential: rate must be > 0/],
    [{ kind: 'exponential', rate: '2' }, /rate must be a finite number \(got "2"\)/],
    [{ kind: 'normal', mean: 0, sd: 0 }, /normal: sd must be > 0/],
    [{ kind: 'normal', mean: Number.NaN, sd: 1 }, /normal: mean must be a finite number/],
    [{ kind: 'lognormal', median: 1, sigma: -1 }, /lognormal: sigma must be > 0/],
    [{ kind: 'lognormal', median: 0, sigma: 1 }, /lognormal: median must be > 0/],
    [{ kind: 'lognormalMeanSd', mean: -1, sd: 1 }, /lognormalMeanSd: mean must be > 0/],
    [{ kind: 'lognormalMeanSd', mean: 1, sd: 0 }, /lognormalMeanSd: sd must be > 0/],
    [{ kind: 'triangular', min: 0, mode: 2, max: 1 }, /triangular: mode must lie in \[min, max\]/],
    [{ kind: 'triangular', min: 1, mode: 1, max: 1 }, /triangular: min must be < max/],
    [{ kind: 'pert', min: 0, mode: 1, max: 2, lambda: 0 }, /pert: lambda must be > 0/],
    [{ kind: 'pert', min: 0, mode: -1, max: 2 }, /pert: mode must lie/],
    [{ kind: 'gamma', shape: 0, scale: 1 }, /gamma: shape must be > 0/],
    [{ kind: 'gamma', shape: 1, scale: -2 }, /gamma: scale must be > 0/],
    [{ kind: 'beta', a: 1, b: 0 }, /beta: b must be > 0/],
    [{ kind: 'poisson', mean: -0.5 }, /poisson: mean must be >= 0/],
    [{ kind: 'bernoulli', p: 1.5 }, /bernoulli: p must be a number in \[0, 1\]/],
    [{ kind: 'bernoulli', p: Number.NaN }, /bernoulli: p must be/],
    [{ kind: 'weibull', shape: 1, scale: 0 }, /weibull: scale must be > 0/],
    [{ kind: 'empirical', values: [] }, /empirical: values must be a non-empty array/],
    [{ kind: 'empirical', values: [1, Infinity] }, /empirical: values\[1\] must be a finite number/],
    [{ kind: 'empirical', values: [1, 2], weights: [1] }, /same length/],
    [{ kind: 'empirical', values: [1, 2], weights: [1, -1] }, /weights\[1\] must be a finite non-negative/],
    [{ kind: 'empirical', values: [1, 2], weights: [0, 0] }, /positive finite sum/],
    [{ kind: 'empirical', values: [1], weights: 'heavy' }, /weights must be an array/],
  ];

  for (const [dist, message] of invalid) {
    it(`rejects ${inspect(dist, { breakLength: Infinity })}`, () => {
      expect(validateDistribution(dist)).toMatch(message);
    });
  }
});
