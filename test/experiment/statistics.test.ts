import jStatModule from 'jstat';
import { describe, expect, it } from 'vitest';
import {
  describe as describeSample,
  expectedShortfallWorst,
  pairedDifference,
  probabilityAbove,
  unpairedDifference,
  sampleQuantile,
  type Summary,
} from '../../src/experiment/statistics.js';

const { jStat } = jStatModule as unknown as { jStat: { studentt: { inv(p: number, dof: number): number } } };

const ONE_TO_TEN = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/** Every field equal, NaN included, and +0 distinguished from −0: bit-identical summaries. */
function expectIdentical(actual: Summary, expected: Summary): void {
  for (const key of Object.keys(expected) as Array<keyof Summary>) {
    expect(Object.is(actual[key], expected[key]), `${key}: ${actual[key]} vs ${expected[key]}`).toBe(true);
  }
}

/** Deterministic Fisher–Yates with a tiny LCG, so the shuffles are the same on every run. */
function shuffled(values: readonly number[], seed: number): number[] {
  const copy = [...values];
  let state = seed >>> 0;
  for (let i = copy.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j] as number, copy[i] as number];
  }
  return copy;
}

describe('describe', () => {
  it('matches hand computations for 1..10 (t from SciPy: t(0.975; 9) = 2.262157162798205)', () => {
    const s = describeSample(ONE_TO_TEN);
    expect(s.count).toBe(10);
    expect(s.mean).toBe(5.5);
    expect(s.sd).toBeCloseTo(3.0276503540974917, 14);
    expect(s.sem).toBeCloseTo(0.9574271077563381, 14);
    expect(s.ciHalfWidth).toBeCloseTo(2.165850589668169, 13);
    expect(s.ciLow).toBeCloseTo(3.334149410331831, 13);
    expect(s.ciHigh).toBeCloseTo(7.665850589668169, 13);
    // numpy.percentile([1..10], [5, 50, 95]) = [1.45, 5.5, 9.55] (type 7).
    expect(s.p5).toBeCloseTo(1.45, 14);
    expect(s.p50).toBe(5.5);
    expect(s.p95).toBeCloseTo(9.55, 14);
    expect(s.min).toBe(1);
    expect(s.max).toBe(10);
  });

  it('matches numpy on unsorted data with ties and negatives', () => {
    // numpy: mean 2.5295454545454543, std(ddof=1) 4.195187990153394, percentile [5, 50, 95] = [-2.875, 2.5, 8.875].
    const s = describeSample(new Float64Array([3.2, -1.5, 0.0, 7.75, 2.5, 2.5, 10.0, -4.25, 1.0, 6.5, 0.125]));
    expect(s.mean).toBeCloseTo(2.5295454545454543, 14);
    expect(s.sd).toBeCloseTo(4.195187990153394, 14);
    expect(s.p5).toBeCloseTo(-2.875, 14);
    expect(s.p50).toBe(2.5);
    expect(s.p95).toBeCloseTo(8.875, 14);
    expect([s.min, s.max]).toEqual([-4.25, 10]);
  });

  it('uses the Student t critical value (agrees with jStat.studentt.inv)', () => {
    for (const n of [2, 3, 5, 10, 31, 100, 1000, 20000]) {
      const values = Array.from({ length: n }, (_, i) => Math.sin(i + 1));
      const s = describeSample(values);
      const expected = jStat.studentt.inv(0.975, n - 1) * s.sem;
      expect(Math.abs(s.ciHalfWidth - expected) / expected, `n = ${n}`).toBeLessThan(1e-7);
      expect(s.ciHigh - s.mean).toBeCloseTo(s.ciHalfWidth, 12);
    }
  });

  it('depends only on the values, not their order, and never modifies the input', () => {
    // Wildly different magnitudes make naive summation order-dependent; sorting first makes it bit-identical.
    const values = [1e16, 3.3, -1e16, 0.1, 7e-5, 1, -2.25, 1e8, 0.3, -0.7, 12345.678, 1e-12];
    const snapshot = [...values];
    const reference = describeSample(values);
    for (let seed = 1; seed <= 20; seed++) {
      expectIdentical(describeSample(shuffled(values, seed)), reference);
      expectIdentical(describeSample(Float64Array.from(shuffled(values, seed))), reference);
    }
    expect(values).toEqual(snapshot);
  });

  it('gives NaN where undefined instead of throwing: empty and single-value samples', () => {
    const empty = describeSample([]);
    expect(empty.count).toBe(0);
    for (const key of ['mean', 'sd', 'sem', 'ciHalfWidth', 'ciLow', 'ciHigh', 'p5', 'p50', 'p95', 'min', 'max'] as const) {
      expect(empty[key]).toBeNaN();
    }
    const single = describeSample(new Float64Array([4.5]));
    expect(single.count).toBe(1);
    expect([single.mean, single.p5, single.p50, single.p95, single.min, single.max]).toEqual([4.5, 4.5, 4.5, 4.5, 4.5, 4.5]);
    for (const key of ['sd', 'sem', 'ciHalfWidth', 'ciLow', 'ciHigh'] as const) expect(single[key]).toBeNaN();
  });

  it('a constant sample has zero spread and a zero-width interval', () => {
    const s = describeSample([0.1, 0.1, 0.1, 0.1, 0.1]);
    expect(s.sd).toBe(0);
    expect(s.ciLow).toBe(s.mean);
    expect(s.ciHigh).toBe(s.mean);
  });
});

describe('sampleQuantile', () => {
  it('is type 7 and leaves the input alone', () => {
    const values = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
    expect(sampleQuantile(values, 0)).toBe(1);
    expect(sampleQuantile(values, 1)).toBe(10);
    expect(sampleQuantile(values, 0.05)).toBeCloseTo(1.45, 14);
    expect(sampleQuantile(values, 0.25)).toBeCloseTo(3.25, 14);
    expect(values[0]).toBe(10);
    expect(sampleQuantile([], 0.5)).toBeNaN();
    expect(sampleQuantile([Infinity, Infinity], 0.5)).toBe(Infinity);
    expect(() => sampleQuantile(values, 1.5)).toThrow(RangeError);
  });

  it('is the order statistic itself when h falls on one, whatever its neighbour: an infinite one made it NaN (0 · ∞)', () => {
    expect(sampleQuantile([1, 2, Infinity], 0.5)).toBe(2);
    expect(sampleQuantile([-Infinity, 2, 3], 0.5)).toBe(2);
    expect(sampleQuantile([1, 2, Infinity], 0.75)).toBe(Infinity);
    expect(describeSample([1, 2, Infinity]).p50).toBe(2);
  });
});

describe('pairedDifference', () => {
  it('describes b[i] − a[i]', () => {
    const s = pairedDifference([1, 2, 3, 4], [1.5, 2.4, 3.6, 4.3]);
    expect(s.count).toBe(4);
    expect(s.mean).toBeCloseTo(0.45, 15);
    expect(s.sd).toBeCloseTo(Math.sqrt(0.05 / 3), 15);
    expect(s.min).toBeCloseTo(0.3, 15);
    expect(s.max).toBeCloseTo(0.6, 15);
  });

  it('under common random numbers is far tighter than the two samples on their own', () => {
    // Runs vary a lot (1..100), the variant adds 2 ± a little in every run.
    const baseline = Array.from({ length: 100 }, (_, i) => i + 1);
    const variant = baseline.map((value, i) => value + 2 + 0.1 * Math.sin(7 * i));
    const paired = pairedDifference(baseline, variant);
    expect(paired.ciLow).toBeLessThan(2);
    expect(paired.ciHigh).toBeGreaterThan(1.95);
    expect(paired.ciHalfWidth).toBeLessThan(describeSample(baseline).ciHalfWidth / 100);
  });

  it('requires samples of equal length and handles empty ones', () => {
    expect(() => pairedDifference([1, 2], [1])).toThrow(RangeError);
    expect(pairedDifference([], []).count).toBe(0);
  });
});

describe('unpairedDifference', () => {
  it('is Welch\'s interval: mean(b) − mean(a) ± t(0.975; Welch–Satterthwaite dof) · √(s²a/na + s²b/nb)', () => {
    const a = [10.1, 9.8, 10.4, 10.0, 9.7, 10.2];
    const b = [11.5, 12.9, 10.8, 12.2, 11.1, 13.0, 12.4, 11.9];
    const d = unpairedDifference(a, b);
    const [x, y] = [describeSample(a), describeSample(b)];
    const [va, vb] = [x.sd ** 2 / a.length, y.sd ** 2 / b.length];
    const dof = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
    expect(d.countA).toBe(6);
    expect(d.countB).toBe(8);
    expect(d.mean).toBeCloseTo(y.mean - x.mean, 14);
    expect(d.dof).toBeCloseTo(dof, 12);
    // jStat's t quantile, an independent implementation (good to about 1e-9 at a fractional dof).
    expect(d.ciHalfWidth).toBeCloseTo(jStat.studentt.inv(0.975, dof) * Math.sqrt(va + vb), 7);
    expect(d.ciLow).toBeLessThan(d.mean);
    expect(d.ciHigh).toBeGreaterThan(d.mean);
  });

  it('ignores the order of the values, and is NaN where a sample is too small to say', () => {
    const a = [3, 1, 4, 1, 5, 9, 2, 6];
    const b = [2, 7, 1, 8, 2, 8];
    const shuffled = unpairedDifference([...a].reverse(), [8, 2, 8, 1, 7, 2]);
    expect(Object.is(shuffled.ciHalfWidth, unpairedDifference(a, b).ciHalfWidth)).toBe(true);
    expect(unpairedDifference([1], b).ciHalfWidth).toBeNaN();
    expect(unpairedDifference([], b).mean).toBeNaN();
    // No spread on either side: the difference is known exactly.
    expect(unpairedDifference([2, 2, 2], [3, 3])).toMatchObject({ mean: 1, ciLow: 1, ciHigh: 1 });
  });
});

describe('probabilityAbove', () => {
  it('counts values strictly above the threshold, with the Wilson interval (SciPy binomtest(3, 10))', () => {
    const estimate = probabilityAbove(ONE_TO_TEN, 7);
    expect(estimate).toMatchObject({ count: 10, above: 3 });
    expect(estimate.p).toBeCloseTo(0.3, 15);
    expect(estimate.low).toBeCloseTo(0.10779126740630102, 14);
    expect(estimate.high).toBeCloseTo(0.6032218525388546, 14);
  });

  it('matches SciPy binomtest(37, 200).proportion_ci(method="wilson")', () => {
    const values = Array.from({ length: 200 }, (_, i) => (i < 37 ? 1 : 0));
    const estimate = probabilityAbove(values, 0.5);
    expect(estimate.low).toBeCloseTo(0.13730192800616045, 14);
    expect(estimate.high).toBeCloseTo(0.24457062761151752, 14);
  });

  it('pins the interval to 0 and 1 at the extremes and gives NaN when empty', () => {
    const none = probabilityAbove(ONE_TO_TEN, 10);
    expect([none.p, none.low]).toEqual([0, 0]);
    expect(none.high).toBeCloseTo(0.2775327998628892, 14);
    const all = probabilityAbove(ONE_TO_TEN, 0);
    expect([all.p, all.high]).toEqual([1, 1]);
    expect(all.low).toBeCloseTo(0.7224672001371109, 14);
    const empty = probabilityAbove([], 0);
    expect([empty.count, empty.above]).toEqual([0, 0]);
    expect(empty.p).toBeNaN();
    expect(empty.low).toBeNaN();
    expect(empty.high).toBeNaN();
  });
});

describe('expectedShortfallWorst', () => {
  const oneToHundred = shuffled(
    Array.from({ length: 100 }, (_, i) => i + 1),
    7,
  );

  it('averages the ceil(share·n) largest values', () => {
    expect(expectedShortfallWorst(oneToHundred)).toBe(98); // 5 values: 96..100
    expect(expectedShortfallWorst(oneToHundred, 0.033)).toBe(98.5); // ceil(3.3) = 4 values: 97..100
    expect(expectedShortfallWorst(oneToHundred, 1)).toBe(50.5);
    expect(expectedShortfallWorst(ONE_TO_TEN, 0.05)).toBe(10); // ceil(0.5) = 1 value
    expect(expectedShortfallWorst([5, 1, 5, 5], 0.5)).toBe(5); // ties: any two of the 5s
  });

  it('does not let rounding of share·n add a value', () => {
    // 0.07 × 100 is 7.000000000000001 in binary floating point; the tail is still 7 values, 94..100.
    expect(expectedShortfallWorst(oneToHundred, 0.07)).toBe(97);
  });

  it('NaN when empty; RangeError for a share outside (0, 1]', () => {
    expect(expectedShortfallWorst([])).toBeNaN();
    expect(() => expectedShortfallWorst(ONE_TO_TEN, 0)).toThrow(RangeError);
    expect(() => expectedShortfallWorst(ONE_TO_TEN, 1.5)).toThrow(RangeError);
  });
});
