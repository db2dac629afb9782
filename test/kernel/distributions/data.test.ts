import { describe, expect, it } from 'vitest';
import { type Distribution, sample, theoreticalMean, theoreticalVariance } from '../../../src/kernel/distributions/data.js';
import { bernoulli, poisson, triangular } from '../../../src/kernel/distributions/samplers.js';
import { RandomStreams } from '../../../src/kernel/random.js';

describe('theoretical moments', () => {
  it('agree with known closed forms', () => {
    // Weibull with shape 1 is exponential with mean = scale.
    expect(theoreticalMean({ kind: 'weibull', shape: 1, scale: 2 })).toBeCloseTo(2, 12);
    expect(theoreticalVariance({ kind: 'weibull', shape: 1, scale: 2 })).toBeCloseTo(4, 12);
    expect(theoreticalMean({ kind: 'pert', min: 0, mode: 5, max: 10 })).toBe(5);
    expect(theoreticalVariance({ kind: 'pert', min: 0, mode: 5, max: 10 })).toBeCloseTo(25 / 7, 12);
    expect(theoreticalMean({ kind: 'lognormal', median: 1, sigma: 1 })).toBeCloseTo(Math.exp(0.5), 12);
    expect(theoreticalVariance({ kind: 'bernoulli', p: 0.25 })).toBe(0.1875);
    expect(theoreticalVariance({ kind: 'empirical', values: [0, 10] })).toBe(25);
  });
});

describe('sample', () => {
  it('dispatches to the plain samplers, consuming the stream the same way', () => {
    const a = new RandomStreams(3, 0).get('dispatch');
    const b = new RandomStreams(3, 0).get('dispatch');
    for (let i = 0; i < 100; i++) {
      expect(sample({ kind: 'triangular', min: 0, mode: 1, max: 3 }, a)).toBe(triangular(b, 0, 1, 3));
      expect(sample({ kind: 'bernoulli', p: 0.5 }, a)).toBe(bernoulli(b, 0.5) ? 1 : 0);
      expect(sample({ kind: 'poisson', mean: 50 }, a)).toBe(poisson(b, 50));
    }
  });

  it('throws on an unknown kind that slipped past the type system', () => {
    expect(() => sample({ kind: 'zipf' } as unknown as Distribution, () => 0.5)).toThrow(/unknown distribution kind "zipf"/);
  });
});
