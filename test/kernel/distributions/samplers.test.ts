import jStatModule from 'jstat';
import { describe, expect, it } from 'vitest';
import { type Distribution, sample, theoreticalMean, theoreticalVariance } from '../../../src/kernel/distributions/data.js';
import {
  bernoulli,
  empirical,
  exponential,
  lognormal,
  makeEmpirical,
  normal,
  poisson,
  triangular,
  uniform,
  weibull,
} from '../../../src/kernel/distributions/samplers.js';
import { RandomStreams, type Rng } from '../../../src/kernel/random.js';
import { CONTINUOUS, DISCRETE } from '../../support/distributions.js';

// jstat is an independent implementation, so agreement with it is evidence rather than self-consistency.
const { jStat } = jStatModule;

const MOMENT_SAMPLES = 200_000;
const KS_SAMPLES = 20_000;
/** Asymptotic Kolmogorov critical value at alpha = 0.001: sqrt(-ln(0.0005) / 2). */
const KS_CRITICAL = 1.949 / Math.sqrt(KS_SAMPLES);
/** Standard errors allowed before a moment mismatch counts as a bug rather than noise. */
const Z = 5;

// Every check draws from its own named stream, so adding a test never changes another test's numbers.
const streams = new RandomStreams(20240601, 0);

function draw(count: number, rng: Rng, sampler: (rng: Rng) => number): Float64Array {
  const samples = new Float64Array(count);
  for (let i = 0; i < count; i++) samples[i] = sampler(rng);
  return samples;
}

function centralMoments(samples: Float64Array): { mean: number; variance: number; fourth: number } {
  let sum = 0;
  for (const x of samples) sum += x;
  const mean = sum / samples.length;
  let m2 = 0;
  let m4 = 0;
  for (const x of samples) {
    const d2 = (x - mean) * (x - mean);
    m2 += d2;
    m4 += d2 * d2;
  }
  return { mean, variance: m2 / samples.length, fourth: m4 / samples.length };
}

/** Sample mean within Z standard errors of mu; sample variance within Z estimated standard errors of sigma^2. */
function expectMomentsToMatch(samples: Float64Array, dist: Distribution): void {
  const n = samples.length;
  const mu = theoreticalMean(dist);
  const sigma2 = theoreticalVariance(dist);
  const { mean, variance, fourth } = centralMoments(samples);
  // Var(sample variance) ~ (m4 - sigma^4) / n; the sample m4 is used since it is what the data supports.
  const varianceTolerance = Z * Math.sqrt(Math.max(0, fourth - variance * variance) / n);
  expect(Math.abs(mean - mu), `mean ${mean} vs ${mu}`).toBeLessThanOrEqual(Z * Math.sqrt(sigma2 / n));
  expect(Math.abs(variance - sigma2), `variance ${variance} vs ${sigma2}`).toBeLessThanOrEqual(varianceTolerance);
}

/** One-sample Kolmogorov–Smirnov statistic: the largest gap between the empirical and reference CDFs. */
function ksStatistic(samples: Float64Array, cdf: (x: number) => number): number {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i] as number);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/** Pearson chi-square over the given categories; `probabilities` must sum to 1 so the tail is included. */
function chiSquare(observed: readonly number[], probabilities: readonly number[], n: number): number {
  return observed.reduce((total, count, i) => {
    const expected = n * (probabilities[i] as number);
    return total + ((count - expected) * (count - expected)) / expected;
  }, 0);
}

function chiSquareCritical(categories: number): number {
  return jStat.chisquare.inv(0.999, categories - 1);
}

function poissonPmf(k: number, mean: number): number {
  return Math.exp(k * Math.log(mean) - mean - jStat.gammaln(k + 1));
}

/** Counts of k = low..high individually, with everything below and above pooled into two tail bins. */
function poissonGoodnessOfFit(mean: number, low: number, high: number, label: string): void {
  const rng = streams.get(`${label}/chi-square`);
  const samples = draw(MOMENT_SAMPLES, rng, (r) => poisson(r, mean));
  const bins = high - low + 3;
  const observed = new Array<number>(bins).fill(0);
  for (const k of samples) {
    const bin = k < low ? 0 : k > high ? bins - 1 : k - low + 1;
    observed[bin] = (observed[bin] as number) + 1;
  }
  const probabilities = new Array<number>(bins).fill(0);
  let inside = 0;
  for (let k = low; k <= high; k++) {
    probabilities[k - low + 1] = poissonPmf(k, mean);
    inside += poissonPmf(k, mean);
  }
  let below = 0;
  for (let k = 0; k < low; k++) below += poissonPmf(k, mean);
  probabilities[0] = below;
  probabilities[bins - 1] = 1 - inside - below;
  const categories = probabilities.filter((p) => p > 0).length;
  const statistic = chiSquare(
    observed.filter((_, i) => (probabilities[i] as number) > 0),
    probabilities.filter((p) => p > 0),
    MOMENT_SAMPLES,
  );
  expect(statistic).toBeLessThan(chiSquareCritical(categories));
}

describe('sample moments match theoreticalMean / theoreticalVariance', () => {
  for (const { label, dist } of [...CONTINUOUS, ...DISCRETE]) {
    it(label, () => {
      const samples = draw(MOMENT_SAMPLES, streams.get(`${label}/moments`), (rng) => sample(dist, rng));
      expectMomentsToMatch(samples, dist);
    });
  }
});

describe('Kolmogorov–Smirnov against jstat CDFs (alpha = 0.001)', () => {
  for (const { label, dist, cdf } of CONTINUOUS) {
    it(label, () => {
      const samples = draw(KS_SAMPLES, streams.get(`${label}/ks`), (rng) => sample(dist, rng));
      expect(ksStatistic(samples, cdf as (x: number) => number)).toBeLessThan(KS_CRITICAL);
    });
  }
});

describe('poisson', () => {
  it('returns non-negative integers on both branches', () => {
    const rng = streams.get('poisson/integers');
    const bad: string[] = [];
    for (const mean of [0.2, 3, 29, 30, 100, 1e6]) {
      for (let i = 0; i < 2_000; i++) {
        const k = poisson(rng, mean);
        if (!Number.isInteger(k) || k < 0) bad.push(`poisson(${mean}) gave ${k}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('always returns 0 for mean 0', () => {
    const rng = streams.get('poisson/zero');
    for (let i = 0; i < 100; i++) expect(poisson(rng, 0)).toBe(0);
  });

  it('matches the pmf at mean 3 (multiplication branch)', () => poissonGoodnessOfFit(3, 0, 9, 'poisson(3)'));
  it('matches the pmf at mean 100 (PTRS branch)', () => poissonGoodnessOfFit(100, 76, 124, 'poisson(100)'));
});

describe('bernoulli', () => {
  it('returns booleans with the requested frequency', () => {
    const rng = streams.get('bernoulli/frequency');
    expect(typeof bernoulli(rng, 0.7)).toBe('boolean');
    let hits = 0;
    for (let i = 0; i < MOMENT_SAMPLES; i++) {
      if (bernoulli(rng, 0.7)) hits++;
    }
    const se = Math.sqrt((0.7 * 0.3) / MOMENT_SAMPLES);
    expect(Math.abs(hits / MOMENT_SAMPLES - 0.7)).toBeLessThan(Z * se);
  });

  it('is never true at p = 0 and always true at p = 1', () => {
    const rng = streams.get('bernoulli/extremes');
    for (let i = 0; i < 1_000; i++) {
      expect(bernoulli(rng, 0)).toBe(false);
      expect(bernoulli(rng, 1)).toBe(true);
    }
  });
});

describe('empirical', () => {
  const values = [1, 2, 5, 10];
  const weights = [1, 0, 3, 6];

  it('picks values in proportion to their weights and never a zero-weight value', () => {
    const sampler = makeEmpirical(values, weights);
    const samples = draw(MOMENT_SAMPLES, streams.get('empirical/frequency'), sampler);
    const observed = [1, 5, 10].map((v) => samples.filter((x) => x === v).length);
    expect(samples.includes(2)).toBe(false);
    expect(observed.reduce((a, b) => a + b, 0)).toBe(MOMENT_SAMPLES);
    expect(chiSquare(observed, [0.1, 0.3, 0.6], MOMENT_SAMPLES)).toBeLessThan(chiSquareCritical(3));
  });

  it('makeEmpirical and empirical pick the same value from the same stream', () => {
    for (const w of [weights, undefined]) {
      const fromTable = draw(2_000, new RandomStreams(1, 0).get('empirical/same'), makeEmpirical(values, w));
      const fromScan = draw(2_000, new RandomStreams(1, 0).get('empirical/same'), (rng) => empirical(rng, values, w));
      expect(fromTable).toEqual(fromScan);
    }
  });

  it('makeEmpirical matches the theoretical moments', () => {
    const dist: Distribution = { kind: 'empirical', values, weights };
    expectMomentsToMatch(draw(MOMENT_SAMPLES, streams.get('empirical/table-moments'), makeEmpirical(values, weights)), dist);
  });

  it('stays in range when the stream returns its extremes', () => {
    const sampler = makeEmpirical(values, weights);
    expect(sampler(() => 0)).toBe(1);
    expect(sampler(() => 1 - 2 ** -53)).toBe(10);
    expect(empirical(() => 1 - 2 ** -53, values, weights)).toBe(10);
    expect(empirical(() => 1 - 2 ** -53, values)).toBe(10);
    expect(makeEmpirical([4, 9], [2, 0])(() => 1 - 2 ** -53)).toBe(4);
  });

  it('is unaffected by later mutation of the arrays it was built from', () => {
    const mutable = [1, 2, 3];
    const sampler = makeEmpirical(mutable, [0, 0, 1]);
    mutable[2] = 99;
    expect(sampler(() => 0.5)).toBe(3);
  });

  it('makeEmpirical rejects invalid tables', () => {
    expect(() => makeEmpirical([])).toThrow(RangeError);
    expect(() => makeEmpirical([1, 2], [1])).toThrow(/same length/);
    expect(() => makeEmpirical([1, 2], [0, 0])).toThrow(/positive/);
  });
});

describe('inversion samplers at the ends of the unit interval', () => {
  const zero: Rng = () => 0;
  const almostOne: Rng = () => 1 - 2 ** -53;

  it('stay finite and inside their support', () => {
    for (const rng of [zero, almostOne]) {
      expect(exponential(rng, 2)).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(exponential(rng, 2))).toBe(true);
      expect(Number.isFinite(normal(rng, 0, 1))).toBe(true);
      expect(lognormal(rng, 1, 1)).toBeGreaterThan(0);
      expect(Number.isFinite(weibull(rng, 0.5, 1))).toBe(true);
      expect(uniform(rng, 2, 3)).toBeGreaterThanOrEqual(2);
      expect(uniform(rng, 2, 3)).toBeLessThanOrEqual(3);
      const t = triangular(rng, 1, 2, 4);
      expect(t >= 1 && t <= 4).toBe(true);
    }
    expect(exponential(zero, 2) === 0).toBe(true); // -0 is fine: it adds nothing to a clock
    expect(triangular(zero, 1, 2, 4)).toBe(1);
  });
});
