import { describe, expect, it } from 'vitest';
import { latinHypercube, MAX_LATIN_HYPERCUBE_RUNS } from '../../src/experiment/lhs.js';
import { type Distribution, theoreticalMean, theoreticalVariance } from '../../src/kernel/distributions/data.js';
import { quantile } from '../../src/kernel/distributions/quantiles.js';
import { RandomStreams } from '../../src/kernel/random.js';

/** Stratum of each run's value, k with k/N <= u < (k+1)/N, checked against both edges. */
function strata(design: ReturnType<typeof latinHypercube>, parameter: string): number[] {
  const n = design.runs;
  return Array.from({ length: n }, (_, run) => {
    const u = design.uniform(parameter, run);
    const k = Math.floor(u * n);
    expect(u).toBeGreaterThan(0);
    expect(u).toBeLessThan(1);
    expect(u).toBeGreaterThanOrEqual(k / n);
    expect(u).toBeLessThan((k + 1) / n);
    return k;
  });
}

const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
const rms = (values: readonly number[]) => Math.sqrt(mean(values.map((v) => v * v)));

describe('latinHypercube', () => {
  it('puts exactly one run in each stratum, for every parameter', () => {
    for (const runs of [1, 2, 7, 1000]) {
      const design = latinHypercube('batch-1', runs);
      for (const parameter of ['demand.growth', 'capex', 'x']) {
        const sorted = strata(design, parameter).sort((a, b) => a - b);
        expect(sorted).toEqual(Array.from({ length: runs }, (_, k) => k));
      }
    }
  });

  it('gives different parameters different permutations', () => {
    const design = latinHypercube(42, 200);
    const a = strata(design, 'a');
    const b = strata(design, 'b');
    expect(a).not.toEqual(b);
    // Independent permutations of 200 share about one fixed point on average, never most of them.
    expect(a.filter((k, run) => b[run] === k).length).toBeLessThan(10);
  });

  it('is reproducible from the seed alone, whatever order parameters are asked for in', () => {
    const first = latinHypercube('s', 50);
    const forward = ['p', 'q', 'r'].map((name) => Array.from({ length: 50 }, (_, run) => first.uniform(name, run)));
    const second = latinHypercube('s', 50);
    // Ask in reverse parameter order and reverse run order: columns are built whole, per name, on first use.
    const backward = ['r', 'q', 'p'].map((name) => Array.from({ length: 50 }, (_, i) => second.uniform(name, 49 - i)).reverse());
    expect(backward.reverse()).toEqual(forward);
    // A number seed and its decimal string name the same streams, as in RandomStreams.
    expect(latinHypercube(7, 10).uniform('p', 3)).toBe(latinHypercube('7', 10).uniform('p', 3));
  });

  it('changes with the seed and with the number of runs', () => {
    const base = Array.from({ length: 20 }, (_, run) => latinHypercube('s', 20).uniform('p', run));
    expect(Array.from({ length: 20 }, (_, run) => latinHypercube('t', 20).uniform('p', run))).not.toEqual(base);
    expect(Array.from({ length: 20 }, (_, run) => latinHypercube('s', 21).uniform('p', run))).not.toEqual(base);
  });

  it('never shares a stream with a run: its streams use run index −1, which RandomStreams rejects', () => {
    expect(() => new RandomStreams('s', -1)).toThrow(RangeError);
  });

  it('transformed through quantile, matches lognormal moments far more tightly than iid sampling', () => {
    const dist: Distribution = { kind: 'lognormal', median: 1, sigma: 0.5 };
    const trueMean = theoreticalMean(dist);
    const trueSd = Math.sqrt(theoreticalVariance(dist));
    const runs = 1000;
    const iidStandardError = trueSd / Math.sqrt(runs); // ≈ 0.019
    const lhsErrors: number[] = [];
    const iidErrors: number[] = [];
    for (let batch = 0; batch < 20; batch++) {
      const design = latinHypercube(`moments-${batch}`, runs);
      const lhs = Array.from({ length: runs }, (_, run) => quantile(dist, design.uniform('price', run)));
      const stream = new RandomStreams(`moments-${batch}`, 0).get('iid');
      // 1 − u avoids p = 0 (alea can return exactly 0); it is as uniform as u.
      const iid = Array.from({ length: runs }, () => quantile(dist, 1 - stream()));
      lhsErrors.push(mean(lhs) - trueMean);
      iidErrors.push(mean(iid) - trueMean);
      if (batch === 0) {
        // The spread is set by the top few strata, so it is only as close as a heavy tail allows.
        const variance = mean(lhs.map((v) => (v - trueMean) ** 2));
        expect(Math.abs(Math.sqrt(variance) / trueSd - 1)).toBeLessThan(0.05);
      }
    }
    // iid: the error of the mean is its standard error (within sampling noise of 20 batches).
    expect(rms(iidErrors) / iidStandardError).toBeGreaterThan(0.6);
    expect(rms(iidErrors) / iidStandardError).toBeLessThan(1.5);
    // LHS: every batch within a fifth of one iid standard error, and typically twenty times tighter.
    expect(Math.max(...lhsErrors.map(Math.abs))).toBeLessThan(0.2 * iidStandardError);
    expect(rms(lhsErrors)).toBeLessThan(rms(iidErrors) / 10);
  });

  it('rejects invalid arguments', () => {
    expect(() => latinHypercube('s', 0)).toThrow(RangeError);
    expect(() => latinHypercube('s', 2.5)).toThrow(RangeError);
    expect(() => latinHypercube('s', MAX_LATIN_HYPERCUBE_RUNS + 1)).toThrow(RangeError);
    expect(() => latinHypercube(Number.NaN, 10)).toThrow(TypeError);
    const design = latinHypercube('s', 10);
    expect(() => design.uniform('p', 10)).toThrow(RangeError);
    expect(() => design.uniform('p', -1)).toThrow(RangeError);
    expect(() => design.uniform('p', 1.5)).toThrow(RangeError);
    expect(() => design.uniform('', 0)).toThrow(TypeError);
  });
});
