import { fileURLToPath } from 'node:url';
import { inv, lusolve } from 'mathjs';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { runBatch } from '../../src/experiment/batch.js';
import { partialRankCorrelation, rankRegression, rankTransform } from '../../src/experiment/sensitivity.js';
import { sampleQuantile } from '../../src/experiment/statistics.js';
import { uncertainParameters } from '../support/scenarios.js';

// Sensitivity of an outcome to the uncertain parameters: SRRC and PRCC on ranks, checked on
// synthetic models whose answer is known in closed form, against a general-purpose solver
// (mathjs), and on a real batch where one parameter is made to dominate.

const SCENARIO = fileURLToPath(new URL('../../scenarios/openai-multicloud-2025.yaml', import.meta.url));

/** n uniforms on (0, 1) from a seeded stream. */
function uniforms(random: () => number, n: number): Float64Array {
  return Float64Array.from({ length: n }, () => random());
}

/** k independent uniform parameter columns of n runs, from the stream of `seed`. */
function inputs(seed: string, k: number, n: number): { random: () => number; x: Float64Array[] } {
  const random = seedrandom.alea(seed);
  return { random, x: Array.from({ length: k }, () => uniforms(random, n)) };
}

/** The outcome f(x1, x2, ...) of each run. */
function outcome(x: readonly Float64Array[], f: (...values: number[]) => number): Float64Array {
  return Float64Array.from({ length: x[0]!.length }, (_, i) => f(...x.map((column) => column[i]!)));
}

/** Values with mean 0 and unit sample standard deviation. */
function standardised(values: ArrayLike<number>): number[] {
  const list = Array.from(values);
  const mean = list.reduce((sum, v) => sum + v, 0) / list.length;
  const sd = Math.sqrt(list.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (list.length - 1));
  return list.map((v) => (v - mean) / sd);
}

/** Pearson correlation. */
function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const x = standardised(a);
  const y = standardised(b);
  return x.reduce((sum, v, i) => sum + v * y[i]!, 0) / (x.length - 1);
}

/** Ordinary least squares of y on the columns (no intercept: all are centred), by mathjs on the normal equations. */
function leastSquares(columns: readonly number[][], y: readonly number[]): { coefficients: number[]; residuals: number[] } {
  const normal = columns.map((a) => columns.map((b) => a.reduce((sum, v, i) => sum + v * b[i]!, 0)));
  const right = columns.map((a) => [a.reduce((sum, v, i) => sum + v * y[i]!, 0)]);
  const coefficients = (lusolve(normal, right) as number[][]).map((row) => row[0]!);
  const residuals = y.map((v, i) => v - columns.reduce((sum, column, j) => sum + coefficients[j]! * column[i]!, 0));
  return { coefficients, residuals };
}

/** Parameter indices by decreasing |coefficient|. */
function byInfluence(coefficients: Float64Array): number[] {
  return Array.from(coefficients.keys()).sort((a, b) => Math.abs(coefficients[b]!) - Math.abs(coefficients[a]!));
}

describe('rank transform', () => {
  it('ranks 1..n, and tied values share the average of the ranks they span', () => {
    // Sorted: 5 (1), 7 (2), 10 (3), then three 20s spanning ranks 4, 5, 6: each gets 5.
    expect(Array.from(rankTransform([10, 20, 20, 5, 20, 7]))).toEqual([3, 5, 5, 1, 5, 2]);
    expect(Array.from(rankTransform([4, 4]))).toEqual([1.5, 1.5]);
    expect(Array.from(rankTransform([]))).toEqual([]);
  });

  it('orders infinities and negatives, and counts −0 and +0 as one value', () => {
    expect(Array.from(rankTransform([0, -Infinity, -0, Infinity, -1e-300, -2.5]))).toEqual([4.5, 1, 4.5, 6, 3, 2]);
  });

  it('agrees with a comparison sort on many values with many ties, of every sign and magnitude', () => {
    const random = seedrandom.alea('ties');
    const values = Float64Array.from({ length: 20_000 }, () => {
      const u = random();
      return u < 0.1 ? (random() - 0.5) * 1e300 : u < 0.2 ? (random() - 0.5) * 1e-300 : Math.round((random() - 0.5) * 400) / 100;
    });
    const order = Array.from(values.keys()).sort((a, b) => values[a]! - values[b]!);
    const expected = new Float64Array(values.length);
    for (let start = 0; start < order.length; ) {
      let end = start + 1;
      while (end < order.length && values[order[end]!] === values[order[start]!]) end++;
      for (let p = start; p < end; p++) expected[order[p]!] = (start + 1 + end) / 2;
      start = end;
    }
    expect(rankTransform(values)).toEqual(expected);
  });

  it('refuses NaN, which has no rank', () => {
    expect(() => rankTransform([1, NaN, 2])).toThrow(RangeError);
  });
});

describe('standardised rank regression (SRRC)', () => {
  it('on y = 10·x1 + x2 + 0.1·x3 + noise, ranks x1, x2, x3 in that order, close to the standardised coefficients b·σx/σy', () => {
    const { random, x } = inputs('linear', 3, 5000);
    const b = [10, 1, 0.1];
    const y = outcome(x, (x1, x2, x3) => b[0]! * x1 + b[1]! * x2 + b[2]! * x3 + 0.01 * (random() - 0.5));
    const fit = rankRegression(x, y);
    expect(byInfluence(fit.coefficients)).toEqual([0, 1, 2]);
    // Independent uniforms share σx = 1/√12, so b·σx/σy = b / √(Σb²) (the noise adds 1e-6 to Σb²).
    const norm = Math.hypot(...b);
    b.forEach((bi, i) => expect(Math.abs(fit.coefficients[i]! - bi / norm), `x${i + 1}`).toBeLessThan(0.02));
    expect(fit.rSquared).toBeGreaterThan(0.99);
    expect(fit.runs).toBe(5000);
  });

  it('equals least squares on standardised ranks, solved by a general solver (mathjs)', () => {
    const { random, x } = inputs('ols', 4, 500);
    const y = outcome(x, (x1, x2, x3, x4) => x1 * x2 - Math.sqrt(x3) + 0.2 * x4 + 0.3 * random());
    const ranks = x.map((column) => standardised(rankTransform(column)));
    const yRanks = standardised(rankTransform(y));
    const { coefficients, residuals } = leastSquares(ranks, yRanks);
    const fit = rankRegression(x, y);
    coefficients.forEach((c, i) => expect(fit.coefficients[i]).toBeCloseTo(c, 10));
    const rSquared = 1 - residuals.reduce((sum, e) => sum + e * e, 0) / (yRanks.length - 1);
    expect(fit.rSquared).toBeCloseTo(rSquared, 10);
  });

  it('gives each coefficient the standard error ordinary least squares on the ranks gives it, correlated parameters included', () => {
    const { random, x } = inputs('standard-errors', 3, 400);
    // A fourth parameter correlated with the first inflates both their variances.
    x.push(Float64Array.from(x[0]!, (v) => v + 0.3 * random()));
    const y = outcome(x, (x1, x2, x3, x4) => x1 + 0.5 * x2 - 0.2 * x3 + 0.3 * x4 + random());
    const ranks = x.map((column) => standardised(rankTransform(column)));
    const yRanks = standardised(rankTransform(y));
    const { residuals } = leastSquares(ranks, yRanks);
    const normal = ranks.map((a) => ranks.map((b) => a.reduce((sum, v, i) => sum + v * b[i]!, 0)));
    const inverse = inv(normal) as number[][];
    const s2 = residuals.reduce((sum, e) => sum + e * e, 0) / (400 - 4 - 1);
    const fit = rankRegression(x, y);
    for (let j = 0; j < 4; j++) expect(fit.standardErrors[j]).toBeCloseTo(Math.sqrt(s2 * inverse[j]![j]!), 10);
    expect(fit.standardErrors[0]).toBeGreaterThan(1.5 * fit.standardErrors[1]!);
  });

  it('sees a monotone non-linear effect (y = exp(5·x1) + x2) that a linear fit on the values understates', () => {
    const { x } = inputs('monotone', 3, 5000);
    const y = outcome(x, (x1, x2) => Math.exp(5 * x1) + x2);
    const fit = rankRegression(x, y);
    expect(byInfluence(fit.coefficients)[0]).toBe(0);
    expect(fit.rSquared).toBeGreaterThan(0.95);
    // On the values, the convex exp leaves a visible share unexplained.
    expect(correlation(x[0]!, y) ** 2).toBeLessThan(fit.rSquared - 0.05);
  });

  it('gives a low R² for a non-monotone outcome (y = (x1 − 0.5)²), so a report can warn that ranks miss it', () => {
    const { x } = inputs('u-shape', 3, 5000);
    const fit = rankRegression(x, outcome(x, (x1) => (x1 - 0.5) ** 2));
    expect(fit.rSquared).toBeLessThan(0.01);
    expect(Math.abs(fit.coefficients[0]!)).toBeLessThan(0.05);
  });

  it('gives NaN to a parameter that was not varied, and leaves the other coefficients as they are without it', () => {
    const { x } = inputs('constant-parameter', 2, 1000);
    const y = outcome(x, (x1, x2) => x1 - 2 * x2);
    const fixed = new Float64Array(1000).fill(0.7);
    const withFixed = rankRegression([x[0]!, fixed, x[1]!], y, { bootstrap: 20, seed: 3 });
    const without = rankRegression(x, y);
    expect(Number.isNaN(withFixed.coefficients[1])).toBe(true);
    expect(withFixed.coefficients[0]).toBe(without.coefficients[0]);
    expect(withFixed.coefficients[2]).toBe(without.coefficients[1]);
    expect(withFixed.rSquared).toBe(without.rSquared);
    expect([withFixed.low![1], withFixed.high![1]]).toEqual([NaN, NaN]);
    expect(Number.isNaN(partialRankCorrelation([x[0]!, fixed, x[1]!], y)[1])).toBe(true);
  });

  it('gives 0 to every varied parameter and R² 0 when the outcome is constant', () => {
    const { x } = inputs('constant-outcome', 2, 500);
    const parameters = [x[0]!, new Float64Array(500).fill(3), x[1]!];
    const flat = new Float64Array(500).fill(42);
    const fit = rankRegression(parameters, flat);
    expect(Array.from(fit.coefficients)).toEqual([0, NaN, 0]);
    expect(fit.rSquared).toBe(0);
    expect(Array.from(partialRankCorrelation(parameters, flat))).toEqual([0, NaN, 0]);
  });

  it('solves collinear parameters without NaN or Infinity: the first of a duplicated column carries the effect, copies get 0', () => {
    const { x } = inputs('collinear', 2, 1000);
    const [x1, x2] = [x[0]!, x[1]!];
    const y = outcome(x, (a, b) => a + 0.5 * b);
    // A copy, and a monotone transform, which has the same ranks: both are exact duplicates in rank space.
    const parameters = [x1, Float64Array.from(x1), x2, x1.map((v) => Math.exp(v))];
    const fit = rankRegression(parameters, y, { bootstrap: 10 });
    const plain = rankRegression(x, y);
    expect(Array.from(fit.coefficients)).toEqual([plain.coefficients[0], 0, plain.coefficients[1], 0]);
    expect(fit.rSquared).toBeCloseTo(plain.rSquared, 12);
    for (const values of [fit.low!, fit.high!]) expect(values.every(Number.isFinite)).toBe(true);
    // PRCC: x1 and its copies have no variation the others lack, hence 0; x2 is unaffected.
    const prcc = partialRankCorrelation(parameters, y);
    expect(prcc[0]).toBe(0);
    expect(prcc[1]).toBe(0);
    expect(prcc[3]).toBe(0);
    expect(prcc[2]).toBeCloseTo(partialRankCorrelation(x, y)[1]!, 12);
  });

  it('stays finite with more parameters than runs', () => {
    const { x } = inputs('wide', 10, 6);
    const y = outcome(x, (x1, x2) => x1 + x2);
    const fit = rankRegression(x, y);
    expect(fit.coefficients.every(Number.isFinite)).toBe(true);
    expect(fit.rSquared).toBeLessThanOrEqual(1);
    expect(partialRankCorrelation(x, y).every((r) => Number.isFinite(r) && Math.abs(r) <= 1)).toBe(true);
  });

  it('leaves out runs with NaN in any column (a parameter that the run\'s variant does not sample)', () => {
    const { x } = inputs('missing', 3, 300);
    const y = outcome(x, (x1, x2, x3) => x1 + x2 * x3);
    const holed = x.map((column) => Float64Array.from(column));
    const yHoled = Float64Array.from(y);
    holed[1]![7] = NaN;
    yHoled[3] = NaN;
    const keep = (values: Float64Array) => values.filter((_, i) => i !== 3 && i !== 7);
    const fit = rankRegression(holed, yHoled);
    expect(fit.runs).toBe(298);
    expect(fit).toEqual({ ...rankRegression(x.map(keep), keep(y)), runs: 298 });
    expect(partialRankCorrelation(holed, yHoled)).toEqual(partialRankCorrelation(x.map(keep), keep(y)));
  });

  it('refuses columns of different lengths', () => {
    expect(() => rankRegression([[1, 2, 3]], [1, 2])).toThrow(RangeError);
  });
});

describe('partial rank correlation (PRCC)', () => {
  it('has the sign of the direction of influence', () => {
    const { random, x } = inputs('signs', 3, 2000);
    const y = outcome(x, (x1, x2, x3) => 3 * x1 - 2 * x2 + 0.5 * x3 + 0.5 * random());
    expect(Array.from(partialRankCorrelation(x, y), Math.sign)).toEqual([1, -1, 1]);
    expect(Array.from(rankRegression(x, y).coefficients, Math.sign)).toEqual([1, -1, 1]);
  });

  it('is ±1 for a deterministic monotone function of one parameter, whatever the other parameters do', () => {
    const { x } = inputs('deterministic', 3, 2000);
    const falling = partialRankCorrelation(x, outcome(x, (x1) => -Math.exp(3 * x1)));
    expect(falling[0]).toBeCloseTo(-1, 12);
    // The others cannot add to an outcome x1 explains exactly: by convention their PRCC is 0.
    expect([falling[1], falling[2]]).toEqual([0, 0]);
    // Plus a second, smaller effect: x1 still near 1, the parameter without effect near 0.
    const both = partialRankCorrelation(x, outcome(x, (x1, x2) => Math.exp(5 * x1) + x2));
    expect(both[0]).toBeGreaterThan(0.95);
    expect(Math.abs(both[2]!)).toBeLessThan(0.05);
  });

  it('agrees with its two definitions: residuals after regressing on the others, and the inverse correlation matrix', () => {
    const { random, x } = inputs('two-views', 4, 400);
    const y = outcome(x, (x1, x2, x3, x4) => Math.log(x1) + x2 * x3 - 0.3 * x4 + 0.5 * random());
    const prcc = partialRankCorrelation(x, y);
    const ranks = [...x, y].map((column) => standardised(rankTransform(column)));
    const k = x.length;
    // View 1: correlate the residuals of x_i's ranks and of y's ranks, each regressed on the other parameters' ranks.
    for (let i = 0; i < k; i++) {
      const others = ranks.slice(0, k).filter((_, j) => j !== i);
      const fromResiduals = correlation(leastSquares(others, ranks[i]!).residuals, leastSquares(others, ranks[k]!).residuals);
      expect(prcc[i], `x${i + 1} from residuals`).toBeCloseTo(fromResiduals, 10);
    }
    // View 2: PRCC_i = −P_iy / √(P_ii·P_yy), with P the inverse of the rank correlation matrix.
    const p = inv(ranks.map((a) => ranks.map((b) => correlation(a, b)))) as number[][];
    for (let i = 0; i < k; i++) {
      const fromInverse = -p[i]![k]! / Math.sqrt(p[i]![i]! * p[k]![k]!);
      expect(prcc[i], `x${i + 1} from the inverse`).toBeCloseTo(fromInverse, 10);
    }
  });
});

describe('bootstrap intervals of the SRRC', () => {
  const { random, x } = inputs('bootstrap', 3, 2000);
  const y = outcome(x, (x1, x2, x3) => 2 * x1 + x2 + 0 * x3 + random());

  it('are reproducible from the seed, and bracket the estimate', () => {
    const fit = rankRegression(x, y, { bootstrap: 100, seed: 'b' });
    expect(rankRegression(x, y, { bootstrap: 100, seed: 'b' })).toEqual(fit);
    expect(rankRegression(x, y, { bootstrap: 100, seed: 'c' }).low).not.toEqual(fit.low);
    expect(rankRegression(x, y)).toEqual({ coefficients: fit.coefficients, rSquared: fit.rSquared, runs: 2000, standardErrors: fit.standardErrors });
    for (let j = 0; j < 3; j++) {
      expect(fit.low![j]).toBeLessThan(fit.coefficients[j]!);
      expect(fit.high![j]).toBeGreaterThan(fit.coefficients[j]!);
    }
    // With 2000 runs the intervals separate x1 from x2, and x3 (no effect) straddles 0.
    expect(fit.low![0]).toBeGreaterThan(fit.high![1]!);
    expect(fit.low![2]).toBeLessThan(0);
    expect(fit.high![2]).toBeGreaterThan(0);
  });

  it('are about as wide as the normal-theory intervals on a well-behaved problem, which a report uses where resampling costs too much', () => {
    const fit = rankRegression(x, y, { bootstrap: 400, seed: 'widths' });
    for (let j = 0; j < 3; j++) {
      const bootstrapWidth = fit.high![j]! - fit.low![j]!;
      const normalWidth = 2 * 1.96 * fit.standardErrors[j]!;
      expect(bootstrapWidth / normalWidth).toBeGreaterThan(0.7);
      expect(bootstrapWidth / normalWidth).toBeLessThan(1.4);
    }
  });

  it('re-rank every resample: they equal an explicit bootstrap that copies the drawn runs, from the same alea stream', () => {
    const n = 300;
    const small = x.map((column) => column.subarray(0, n));
    const fit = rankRegression(small, y.subarray(0, n), { bootstrap: 40, seed: 9 });
    // The resampling scheme: n draws of a run index from seedrandom.alea(seed), per resample.
    const stream = seedrandom.alea('9');
    const draws: number[][] = [[], [], []];
    for (let b = 0; b < 40; b++) {
      const picked = Array.from({ length: n }, () => Math.floor(stream() * n));
      const resampled = rankRegression(small.map((column) => picked.map((i) => column[i]!)), picked.map((i) => y[i]!));
      resampled.coefficients.forEach((c, j) => draws[j]!.push(c));
    }
    for (let j = 0; j < 3; j++) {
      expect(fit.low![j]).toBeCloseTo(sampleQuantile(draws[j]!, 0.025), 12);
      expect(fit.high![j]).toBeCloseTo(sampleQuantile(draws[j]!, 0.975), 12);
    }
  });

  it('widen with the confidence level', () => {
    const wide = rankRegression(x, y, { bootstrap: 100, seed: 'b', level: 0.99 });
    const narrow = rankRegression(x, y, { bootstrap: 100, seed: 'b', level: 0.5 });
    for (let j = 0; j < 3; j++) expect(wide.high![j]! - wide.low![j]!).toBeGreaterThan(narrow.high![j]! - narrow.low![j]!);
    expect(() => rankRegression(x, y, { bootstrap: 10, level: 1 })).toThrow(RangeError);
    expect(() => rankRegression(x, y, { bootstrap: 2.5 })).toThrow(RangeError);
  });
});

describe('sensitivity at the size of a large batch', () => {
  it('fits 100,000 runs × 45 parameters in one pass over the runs: seconds at most, not minutes', () => {
    const { x } = inputs('large', 45, 100_000);
    const y = outcome(x, (...values) => values.reduce((sum, v, j) => sum + v * (j + 1), 0));
    const started = performance.now();
    const fit = rankRegression(x, y);
    const elapsed = performance.now() - started;
    expect(byInfluence(fit.coefficients)[0]).toBe(44);
    // The outcome is a sum of 45 uniforms, nearly normal: its ranks (its CDF) are not quite linear in it.
    expect(fit.rSquared).toBeGreaterThan(0.9);
    // About half a second on an idle 2-core machine; the bound only catches a quadratic slip.
    expect(elapsed).toBeLessThan(10_000);
  });
});

describe('sensitivity of a real batch, where the answer is known', () => {
  it('finds OpenAI\'s demand growth as the driver of its total spend once growth is wide and its budget cannot bind', async () => {
    // Growth drawn over a wide range; OpenAI's initial demand fixed and its budget too large to bind.
    // The other uncertain parameters keep their shipped distributions.
    const set = ['labs.openai.demand.growthPerYear={uniform: {min: 1.2, max: 2.2}}', 'labs.openai.demand.initialH100e=380000', 'labs.openai.budgetUsdPerYear=1e13'];
    const outcome = await runBatch({
      scenario: SCENARIO,
      set,
      runs: 200,
      seed: 7,
      workers: 0,
      timeseries: 'none',
    });
    const runs = outcome.tables!.runs;
    const names = outcome.description.parameters;
    expect(names).toEqual(uncertainParameters(SCENARIO, set));
    expect(names.length).toBeGreaterThan(10);
    expect(names).not.toContain('labs.openai.demand.initialH100e');
    const parameters = names.map((name) => runs.getChild(`param.${name}`)!.toArray() as Float64Array);
    const spend = runs.getChild('labs.openai.totalSpendUsd')!.toArray() as Float64Array;
    const fit = rankRegression(parameters, spend);
    const [first, second] = byInfluence(fit.coefficients);
    expect(names[first!]).toBe('labs.openai.demand.growthPerYear');
    expect(fit.coefficients[first!]).toBeGreaterThan(0.9);
    expect(Math.abs(fit.coefficients[second!]!)).toBeLessThan(0.15);
    expect(fit.rSquared).toBeGreaterThan(0.9);
    const prcc = partialRankCorrelation(parameters, spend);
    expect(byInfluence(prcc)[0]).toBe(first);
  }, 30_000);
});
