import { inspect } from 'node:util';
import jStatModule from 'jstat';
import { describe, expect, it } from 'vitest';
import {
  bernoulli,
  type Distribution,
  empirical,
  exponential,
  lognormal,
  makeEmpirical,
  normal,
  poisson,
  sample,
  theoreticalMean,
  theoreticalVariance,
  triangular,
  uniform,
  validateDistribution,
  weibull,
} from '../../src/kernel/distributions.js';
import { RandomStreams, type Rng } from '../../src/kernel/random.js';
import { gammaFunction, logGamma } from '../../src/kernel/special.js';

// jstat is an independent implementation of the CDFs, so agreement is evidence rather than self-consistency.
const { jStat } = jStatModule;

const MOMENT_SAMPLES = 200_000;
const KS_SAMPLES = 20_000;
/** Asymptotic Kolmogorov critical value at alpha = 0.001: sqrt(-ln(0.0005) / 2). */
const KS_CRITICAL = 1.949 / Math.sqrt(KS_SAMPLES);
/** Standard errors allowed before a moment mismatch counts as a bug rather than noise. */
const Z = 5;

// Every check draws from its own named stream, so adding a test never changes another test's numbers.
const streams = new RandomStreams(20240601, 0);

interface Case {
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

const CONTINUOUS: Case[] = [
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

const DISCRETE: Case[] = [
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

  it('special functions agree with jstat and exact values', () => {
    for (const x of [0.1, 0.5, 1, 2.5, 10, 171.3, 1e5]) {
      expect(logGamma(x)).toBeCloseTo(jStat.gammaln(x), 8);
    }
    expect(gammaFunction(5)).toBeCloseTo(24, 10);
    expect(gammaFunction(0.5)).toBeCloseTo(Math.sqrt(Math.PI), 12);
    expect(gammaFunction(-0.5)).toBeCloseTo(-2 * Math.sqrt(Math.PI), 12);
    expect(logGamma(1)).toBeCloseTo(0, 14);
  });
});

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
