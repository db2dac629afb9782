import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import * as checked from '../../../src/kernel/distributions/checked.js';
import * as data from '../../../src/kernel/distributions/data.js';
import type { Distribution } from '../../../src/kernel/distributions/data.js';
import * as raw from '../../../src/kernel/distributions/samplers.js';
import { validateDistribution } from '../../../src/kernel/distributions/validation.js';
import * as root from '../../../src/index.js';
import type { Rng } from '../../../src/kernel/random.js';

/** Each exported sampler with the data form's kind and the names of its parameters, in order. */
const SAMPLERS = [
  { name: 'uniform', kind: 'uniform', params: ['min', 'max'] },
  { name: 'exponential', kind: 'exponential', params: ['rate'] },
  { name: 'normal', kind: 'normal', params: ['mean', 'sd'] },
  { name: 'lognormal', kind: 'lognormal', params: ['median', 'sigma'] },
  { name: 'lognormalFromMeanSd', kind: 'lognormalMeanSd', params: ['mean', 'sd'] },
  { name: 'triangular', kind: 'triangular', params: ['min', 'mode', 'max'] },
  { name: 'pert', kind: 'pert', params: ['min', 'mode', 'max', 'lambda'] },
  { name: 'gamma', kind: 'gamma', params: ['shape', 'scale'] },
  { name: 'beta', kind: 'beta', params: ['a', 'b'] },
  { name: 'poisson', kind: 'poisson', params: ['mean'] },
  { name: 'bernoulli', kind: 'bernoulli', params: ['p'] },
  { name: 'weibull', kind: 'weibull', params: ['shape', 'scale'] },
] as const;

// Values either side of every rule the samplers have (> 0, >= 0, in [0, 1], finite, ordered), and
// values that are not numbers at all.
const VALUES: unknown[] = [-1, -0, 0, 1e-300, 0.5, 1, 2, 1e300, Infinity, -Infinity, Number.NaN, '2', null, undefined];

type Sampler = (rng: Rng, ...params: unknown[]) => number | boolean;

function* grid(arity: number): Generator<unknown[]> {
  if (arity === 0) {
    yield [];
    return;
  }
  for (const rest of grid(arity - 1)) for (const value of VALUES) yield [...rest, value];
}

describe('the samplers the package exports', () => {
  it('refuse exactly the parameters validateDistribution refuses, in its words, and otherwise draw what the hot-path sampler draws', () => {
    let refused = 0;
    let drawn = 0;
    for (const { name, kind, params } of SAMPLERS) {
      const safe = checked[name] as unknown as Sampler;
      const fast = raw[name] as unknown as Sampler;
      // PERT's lambda may be left out (4); a grid of 14^4 is more than the rule needs, so lambda takes three values.
      const arity = name === 'pert' ? 3 : params.length;
      for (const head of grid(arity)) {
        for (const tail of name === 'pert' ? [[undefined], [0], [2]] : [[]]) {
          const values = [...head, ...tail];
          const dist: Record<string, unknown> = { kind };
          params.forEach((param, i) => {
            if (values[i] !== undefined || name !== 'pert' || param !== 'lambda') dist[param] = values[i];
          });
          const problem = validateDistribution(dist);
          const call = (): number | boolean => safe(seedrandom.alea('same'), ...values);
          if (problem === undefined) {
            expect(call(), `${name}(${values.join(', ')})`).toBe(fast(seedrandom.alea('same'), ...values));
            drawn++;
          } else {
            expect(call, `${name}(${values.join(', ')})`).toThrow(new RangeError(`${name}${problem.slice(problem.indexOf(':'))}`));
            refused++;
          }
        }
      }
    }
    // Both sides of the rule were reached for every sampler's grid as a whole.
    expect(refused).toBeGreaterThan(1_000);
    expect(drawn).toBeGreaterThan(100);
  });

  it('refuse an empirical table that cannot be drawn from, instead of returning undefined', () => {
    const rng = seedrandom.alea('empirical');
    expect(raw.empirical(rng, [])).toBeUndefined(); // what an unchecked draw gives
    expect(() => checked.empirical(rng, [])).toThrow(new RangeError('empirical: values must be a non-empty array of numbers (got an array)'));
    expect(() => checked.empirical(rng, [1, 2], [1])).toThrow(/weights must have the same length as values/);
    expect(() => checked.empirical(rng, [1, 2], [0, 0])).toThrow(/positive finite sum/);
    expect(checked.empirical(seedrandom.alea('e'), [1, 2, 3], [0, 1, 1])).toBe(raw.empirical(seedrandom.alea('e'), [1, 2, 3], [0, 1, 1]));
  });

  it('sample and the exact moments refuse a distribution validateDistribution refuses, and agree with the data form otherwise', () => {
    const bad = { kind: 'exponential', rate: -2 } as Distribution;
    expect(data.sample(bad, seedrandom.alea('s'))).toBeLessThan(0); // a negative "time", unchecked
    expect(data.theoreticalMean(bad)).toBe(-0.5);
    for (const refuses of [() => checked.sample(bad, seedrandom.alea('s')), () => checked.theoreticalMean(bad), () => checked.theoreticalVariance(bad)]) {
      expect(refuses).toThrow(new RangeError('exponential: rate must be > 0 (got -2)'));
    }
    expect(() => checked.sample({ kind: 'cauchy' } as unknown as Distribution, seedrandom.alea('s'))).toThrow(/unknown distribution kind "cauchy"/);
    const good: Distribution = { kind: 'gamma', shape: 2, scale: 3 };
    expect(checked.sample(good, seedrandom.alea('s'))).toBe(data.sample(good, seedrandom.alea('s')));
    expect(checked.theoreticalMean(good)).toBe(6);
    expect(checked.theoreticalVariance(good)).toBe(18);
  });

  it('are the ones the package root exports', () => {
    for (const { name } of SAMPLERS) expect(root[name], name).toBe(checked[name]);
    for (const name of ['empirical', 'makeEmpirical', 'sample', 'theoreticalMean', 'theoreticalVariance'] as const) expect(root[name], name).toBe(checked[name]);
    expect(() => root.exponential(seedrandom.alea('root'), 0)).toThrow(new RangeError('exponential: rate must be > 0 (got 0)'));
  });
});
