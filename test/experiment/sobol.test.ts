import { describe, expect, it } from 'vitest';
import { describeSaltelliProblem, MAX_SOBOL_DIMENSIONS, saltelliDesign, SaltelliDesignError, sobolDirections, sobolIndices, sobolInteger } from '../../src/experiment/sobol.js';
import type { SaltelliDesign } from '../../src/experiment/sobol.js';
import { JOE_KUO_ROWS } from '../../src/experiment/sobol-directions.js';

const TWO_TO_32 = 2 ** 32;

/** A rolling hash of integers below 2^32, exact in doubles: (h * 31 + x) mod (2^31 − 1). */
function rollingHash(values: Iterable<number>): number {
  let h = 0;
  for (const x of values) h = (h * 31 + x) % 2147483647;
  return h;
}

/** The degree s of dimension `dimension`'s primitive polynomial (the van der Corput dimension counts as degree 1). */
function degree(dimension: number): number {
  return dimension === 0 ? 1 : Number(JOE_KUO_ROWS.split('\n')[dimension - 1]!.trim().split(/\s+/)[1]);
}

// Reference values from SciPy 1.17.1, whose direction numbers are Joe and Kuo's new-joe-kuo-6.21201:
// `qmc.Sobol(512, scramble=False, bits=32)`; its `.random(n)` times 2^32, and its `._sv` (the 32
// direction numbers of each dimension). The same order: Gray code, point 0 first.
describe('the Sobol sequence', () => {
  it('starts as published: van der Corput in dimension 1, and the known points of dimension 2', () => {
    const points = (dimension: number): number[] => Array.from({ length: 8 }, (_, n) => sobolInteger(dimension, n) / TWO_TO_32);
    expect(points(0)).toEqual([0, 0.5, 0.75, 0.25, 0.375, 0.875, 0.625, 0.125]);
    expect(points(1)).toEqual([0, 0.5, 0.25, 0.75, 0.375, 0.875, 0.125, 0.625]);
    expect(points(2)).toEqual([0, 0.5, 0.25, 0.75, 0.625, 0.125, 0.875, 0.375]);
  });

  it('matches SciPy point for point in the first ten dimensions and in high ones', () => {
    const first = [
      [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      [2147483648, 2147483648, 2147483648, 2147483648, 2147483648, 2147483648, 2147483648, 2147483648, 2147483648, 2147483648],
      [3221225472, 1073741824, 1073741824, 1073741824, 3221225472, 3221225472, 1073741824, 3221225472, 3221225472, 3221225472],
      [1073741824, 3221225472, 3221225472, 3221225472, 1073741824, 1073741824, 3221225472, 1073741824, 1073741824, 1073741824],
      [1610612736, 1610612736, 2684354560, 3758096384, 1610612736, 536870912, 1610612736, 3758096384, 3758096384, 2684354560],
      [3758096384, 3758096384, 536870912, 1610612736, 3758096384, 2684354560, 3758096384, 1610612736, 1610612736, 536870912],
      [2684354560, 536870912, 3758096384, 2684354560, 2684354560, 3758096384, 536870912, 536870912, 536870912, 1610612736],
      [536870912, 2684354560, 1610612736, 536870912, 536870912, 1610612736, 2684354560, 2684354560, 2684354560, 3758096384],
    ];
    first.forEach((point, n) => expect(point.map((_, dimension) => sobolInteger(dimension, n))).toEqual(point));
    const high: Record<number, Record<number, number>> = {
      63: { 1: 2147483648, 2: 3221225472, 3: 1073741824, 5: 2684354560, 8: 2952790016, 13: 268435456, 100: 2785017856, 1000: 1916796928, 12345: 1999896576 },
      127: { 1: 2147483648, 2: 1073741824, 3: 3221225472, 5: 536870912, 8: 268435456, 13: 805306368, 100: 1979711488, 1000: 2336227328, 12345: 2759589888 },
      255: { 1: 2147483648, 2: 3221225472, 3: 1073741824, 5: 3758096384, 8: 1879048192, 13: 2415919104, 100: 2449473536, 1000: 1069547520, 12345: 2525757440 },
      511: { 1: 2147483648, 2: 3221225472, 3: 1073741824, 5: 3758096384, 8: 805306368, 13: 3489660928, 100: 2248146944, 1000: 1698693120, 12345: 3786670080 },
    };
    for (const [dimension, points] of Object.entries(high)) {
      for (const [n, value] of Object.entries(points)) expect(sobolInteger(Number(dimension), Number(n))).toBe(value);
    }
  });

  it('has every direction number of all 512 dimensions, and the first 4096 points of each, exactly as SciPy', () => {
    expect(MAX_SOBOL_DIMENSIONS).toBe(512);
    const directions = Array.from({ length: 512 }, (_, dimension) => [...sobolDirections(dimension)]).flat();
    expect(rollingHash(directions)).toBe(1537545187);
    function* points(): Generator<number> {
      for (let n = 0; n < 4096; n++) for (let dimension = 0; dimension < 512; dimension++) yield sobolInteger(dimension, n);
    }
    expect(rollingHash(points())).toBe(148879196);
  });

  it('puts each aligned run of 2^m points one in each interval of width 2^-m, in every dimension', () => {
    for (let dimension = 0; dimension < MAX_SOBOL_DIMENSIONS; dimension += dimension < 16 ? 1 : 37) {
      for (const [m, start] of [[0, 0], [1, 0], [4, 0], [10, 0], [10, 3 * 1024], [6, 64 * 11]] as const) {
        const cells = Array.from({ length: 2 ** m }, (_, n) => Math.floor(sobolInteger(dimension, start + n) / 2 ** (32 - m))).sort((a, b) => a - b);
        expect(cells).toEqual(Array.from({ length: 2 ** m }, (_, cell) => cell));
      }
    }
  });

  it('stratifies pairs of dimensions as a (t, m, 2)-net with t the sum of their degrees less 2', () => {
    // The projection of a Sobol sequence on dimensions i and j is a (t, 2)-sequence in base 2 with
    // t = (s_i − 1) + (s_j − 1): 2^m points from a multiple of 2^m put exactly 2^t points in every
    // box of 2^-a by 2^-b with a + b = m − t. Dimensions 1 and 2 (t = 0) are the classic case.
    const pairs = [[0, 1], [0, 2], [1, 2], [2, 3], [3, 4], [5, 6], [7, 8], [1, 40], [1, 63], [0, 100]] as const;
    for (const [i, j] of pairs) {
      const t = degree(i) - 1 + (degree(j) - 1);
      // Boxes finer than the whole square at m = 12 at least: the check is not vacuous.
      expect(t).toBeLessThanOrEqual(8);
      for (const m of [t, t + 1, t + 3, 12].filter((m) => m <= 12 && m >= t)) {
        for (const start of [0, 2 ** m * 5]) {
          for (let a = 0; a <= m - t; a++) {
            const b = m - t - a;
            const boxes = new Map<number, number>();
            for (let n = start; n < start + 2 ** m; n++) {
              const box = Math.floor(sobolInteger(i, n) / 2 ** (32 - a)) * 2 ** b + Math.floor(sobolInteger(j, n) / 2 ** (32 - b));
              boxes.set(box, (boxes.get(box) ?? 0) + 1);
            }
            expect(boxes.size).toBe(2 ** (m - t));
            expect([...boxes.values()].every((count) => count === 2 ** t)).toBe(true);
          }
        }
      }
    }
  });

  it('throws a RangeError past the shipped dimensions and outside [0, 2^32) points', () => {
    expect(() => sobolInteger(512, 0)).toThrow(/stop at 512 dimensions/);
    expect(() => sobolInteger(-1, 0)).toThrow(RangeError);
    expect(() => sobolInteger(0, 2 ** 32)).toThrow(RangeError);
    expect(() => sobolInteger(0, 1.5)).toThrow(RangeError);
    // The last point of 2^32 has Gray code 2^31: only its top direction number.
    expect(sobolInteger(0, 2 ** 32 - 1)).toBe(1);
  });
});

/** Every uniform of a design, run by run, in parameter order. */
function matrix(design: SaltelliDesign): number[][] {
  return Array.from({ length: design.runs }, (_, run) => design.parameters.map((parameter) => design.uniform(parameter, run)));
}

describe('a Saltelli design', () => {
  const parameters = ['demand.growth', 'capex', 'margin'];

  it('interleaves base samples: A, B, then AB_i with column i from B and the rest from A', () => {
    const design = saltelliDesign('s', parameters, 5 * 20);
    expect(design.baseSamples).toBe(20);
    const rows = matrix(design);
    for (let j = 0; j < 20; j++) {
      const group = j * 5;
      expect(design.row(group)).toEqual({ baseSample: j, matrix: 'A' });
      expect(design.row(group + 1)).toEqual({ baseSample: j, matrix: 'B' });
      const a = rows[group]!;
      const b = rows[group + 1]!;
      for (let c = 0; c < 3; c++) expect(a[c]).not.toBe(b[c]);
      for (let i = 0; i < 3; i++) {
        expect(design.row(group + 2 + i)).toEqual({ baseSample: j, matrix: 'AB', column: i });
        expect(rows[group + 2 + i]).toEqual(a.map((value, c) => (c === i ? b[c] : value)));
      }
    }
    for (const row of rows) for (const u of row) expect(u > 0 && u < 1).toBe(true);
  });

  it('takes A from Sobol dimensions 0..k-1 and B from k..2k-1, each shifted by one XOR per dimension', () => {
    const design = saltelliDesign(42, parameters, 5 * 64);
    for (let dimension = 0; dimension < 6; dimension++) {
      const [parameter, matrixRow] = dimension < 3 ? [parameters[dimension]!, 0] : [parameters[dimension - 3]!, 1];
      const shifts = new Set(Array.from({ length: 64 }, (_, j) => ((design.uniform(parameter, 5 * j + matrixRow) * TWO_TO_32 - 0.5) ^ sobolInteger(dimension, j)) >>> 0));
      expect(shifts.size).toBe(1);
      // A shift moves points between intervals but keeps one in each of the 64 of width 1/64.
      const cells = Array.from({ length: 64 }, (_, j) => Math.floor(design.uniform(parameter, 5 * j + matrixRow) * 64)).sort((a, b) => a - b);
      expect(cells).toEqual(Array.from({ length: 64 }, (_, cell) => cell));
    }
  });

  it('is reproducible from the seed, differs between seeds, and any whole number of groups is the start of a larger design', () => {
    const design = matrix(saltelliDesign('s', parameters, 5 * 16));
    expect(matrix(saltelliDesign('s', parameters, 5 * 16))).toEqual(design);
    expect(matrix(saltelliDesign(7, parameters, 50))).toEqual(matrix(saltelliDesign('7', parameters, 50)));
    const other = matrix(saltelliDesign('t', parameters, 5 * 16));
    expect(other.flat().filter((u, i) => u === design.flat()[i])).toEqual([]);
    expect(matrix(saltelliDesign('s', parameters, 5 * 64)).slice(0, 5 * 16)).toEqual(design);
  });

  it('rejects a number of runs that is not a positive multiple of k + 2, naming the nearest ones', () => {
    const many = Array.from({ length: 43 }, (_, i) => `p${i}`);
    // In the library's words (runBatch's options); a command says them with its flags.
    expect(() => saltelliDesign('s', many, 1000)).toThrow("design 'sobol' needs runs to be a multiple of 45 (43 uncertain parameters + 2): try 990 or 1035");
    const refused = (() => {
      try {
        saltelliDesign('s', many, 1000);
      } catch (error) {
        return error as SaltelliDesignError;
      }
    })();
    expect(refused?.problem).toEqual({ kind: 'runs', runs: 1000, parameters: 43, group: 45, suggestions: [990, 1035] });
    expect(describeSaltelliProblem(refused!.problem, { design: '--design sobol', runs: '--runs' })).toBe('--design sobol needs --runs to be a multiple of 45 (43 uncertain parameters + 2): try 990 or 1035');
    expect(() => saltelliDesign('s', many, 1000)).toThrow(RangeError);
    // Under two groups, the two that give indices.
    expect(() => saltelliDesign('s', many, 10)).toThrow(/multiple of 45 \(43 uncertain parameters \+ 2\): try 90$/);
    expect(() => saltelliDesign('s', many, 50)).toThrow(/multiple of 45 \(43 uncertain parameters \+ 2\): try 90$/);
    expect(() => saltelliDesign('s', ['x'], 7)).toThrow(/multiple of 3 \(1 uncertain parameter \+ 2\): try 6 or 9$/);
    expect(() => saltelliDesign('s', ['x'], 0)).toThrow(SaltelliDesignError);
    expect(() => saltelliDesign('s', [], 10)).toThrow(/needs uncertain parameters/);
    expect(() => saltelliDesign('s', Array.from({ length: 257 }, (_, i) => `p${i}`), 259)).toThrow(/at most 256 uncertain parameters/);
    expect(saltelliDesign('s', Array.from({ length: 256 }, (_, i) => `p${i}`), 258).uniform('p255', 1)).toBeGreaterThan(0);
    const design = saltelliDesign('s', ['x'], 6);
    expect(() => design.uniform('y', 0)).toThrow(/no column for parameter y/);
    expect(() => design.uniform('x', 6)).toThrow(RangeError);
    expect(() => saltelliDesign(Number.NaN, ['x'], 6)).toThrow(TypeError);
  });
});

/** Outcomes of `f` over a design of n base samples, each uniform mapped to [low, high]. */
function evaluate(f: (x: number[]) => number, k: number, n: number, low: number, high: number, seed: string | number = 'indices'): Float64Array {
  const parameters = Array.from({ length: k }, (_, i) => `x${i + 1}`);
  const design = saltelliDesign(seed, parameters, n * (k + 2));
  return Float64Array.from({ length: design.runs }, (_, run) => f(parameters.map((parameter) => low + (high - low) * design.uniform(parameter, run))));
}

const A = 7;
const B = 0.1;
const ishigami = ([x1, x2, x3]: number[]): number => Math.sin(x1!) + A * Math.sin(x2!) ** 2 + B * x3! ** 4 * Math.sin(x1!);

describe('Sobol indices', () => {
  it('recover the Ishigami function\'s analytic indices, inside their bootstrap intervals', () => {
    // Ishigami and Homma (1990): with x_i uniform on [−π, π], the partial variances are known in closed form.
    const pi = Math.PI;
    const v1 = 0.5 * (1 + (B * pi ** 4) / 5) ** 2;
    const v2 = A ** 2 / 8;
    const v13 = B ** 2 * pi ** 8 * (1 / 18 - 1 / 50);
    const variance = A ** 2 / 8 + (B * pi ** 4) / 5 + (B ** 2 * pi ** 8) / 18 + 0.5;
    expect(v1 + v2 + v13).toBeCloseTo(variance, 12);
    const first = [v1 / variance, v2 / variance, 0];
    const total = [(v1 + v13) / variance, v2 / variance, v13 / variance];
    // The published figures, to four places.
    expect(first.map((s) => s.toFixed(4))).toEqual(['0.3139', '0.4424', '0.0000']);
    expect(total.map((s) => s.toFixed(4))).toEqual(['0.5576', '0.4424', '0.2437']);
    const indices = sobolIndices(evaluate(ishigami, 3, 2 ** 13, -pi, pi), 3, { seed: 'ishigami' });
    expect(indices.baseSamples).toBe(2 ** 13);
    expect(indices.variance).toBeCloseTo(variance, 0);
    for (const [estimated, analytic] of [[indices.first, first], [indices.total, total]] as const) {
      estimated.forEach((interval, i) => {
        expect(Math.abs(interval.estimate - analytic[i]!)).toBeLessThan(0.02);
        expect(interval.low - 0.01).toBeLessThanOrEqual(analytic[i]!);
        expect(interval.high + 0.01).toBeGreaterThanOrEqual(analytic[i]!);
        expect(interval.low).toBeLessThanOrEqual(interval.estimate);
        expect(interval.high).toBeGreaterThanOrEqual(interval.estimate);
      });
    }
  });

  it('give a linear function\'s shares of variance, first order and total alike, and intervals that narrow as n grows', () => {
    // y = 2 x1 + x2 with x_i uniform on [0, 1]: V = 4/12 + 1/12, so S1 = ST1 = 0.8 and S2 = ST2 = 0.2.
    const linear = ([x1, x2]: number[]): number => 2 * x1! + x2!;
    const width = (interval: { low: number; high: number }): number => interval.high - interval.low;
    const small = sobolIndices(evaluate(linear, 2, 2 ** 7, 0, 1), 2);
    const large = sobolIndices(evaluate(linear, 2, 2 ** 12, 0, 1), 2);
    expect(large.variance).toBeCloseTo(5 / 12, 3);
    for (const indices of [small, large]) {
      for (const kind of ['first', 'total'] as const) {
        expect(indices[kind][0]!.estimate).toBeCloseTo(0.8, 1);
        expect(indices[kind][1]!.estimate).toBeCloseTo(0.2, 1);
      }
    }
    for (const kind of ['first', 'total'] as const) {
      expect(Math.abs(large[kind][0]!.estimate - 0.8)).toBeLessThan(0.01);
      expect(Math.abs(large[kind][1]!.estimate - 0.2)).toBeLessThan(0.01);
      // 32 times the base samples: intervals about sqrt(32) ≈ 5.7 times narrower.
      for (let i = 0; i < 2; i++) expect(width(large[kind][i]!)).toBeLessThan(width(small[kind][i]!) / 3);
    }
    // The Ishigami intervals narrow too, from 2^9 to 2^13 base samples.
    const coarse = sobolIndices(evaluate(ishigami, 3, 2 ** 9, -Math.PI, Math.PI), 3);
    const fine = sobolIndices(evaluate(ishigami, 3, 2 ** 13, -Math.PI, Math.PI), 3);
    for (const kind of ['first', 'total'] as const) for (let i = 0; i < 3; i++) expect(width(fine[kind][i]!)).toBeLessThan(width(coarse[kind][i]!) / 2);
  });

  it('give the same intervals for the same outcomes and seed, and narrower ones at a lower confidence', () => {
    const outputs = evaluate(ishigami, 3, 2 ** 8, -Math.PI, Math.PI);
    expect(sobolIndices(outputs, 3, { seed: 5 })).toEqual(sobolIndices(Array.from(outputs), 3, { seed: '5' }));
    const other = sobolIndices(outputs, 3, { seed: 6 });
    expect(other.first.map((interval) => interval.estimate)).toEqual(sobolIndices(outputs, 3, { seed: 5 }).first.map((interval) => interval.estimate));
    expect(other.first.map((interval) => interval.low)).not.toEqual(sobolIndices(outputs, 3, { seed: 5 }).first.map((interval) => interval.low));
    const wide = sobolIndices(outputs, 3, { confidence: 0.99 });
    const narrow = sobolIndices(outputs, 3, { confidence: 0.5 });
    for (let i = 0; i < 3; i++) {
      expect(narrow.total[i]!.low).toBeGreaterThan(wide.total[i]!.low);
      expect(narrow.total[i]!.high).toBeLessThan(wide.total[i]!.high);
    }
    const none = sobolIndices(outputs, 3, { bootstrap: 0 });
    for (const interval of [...none.first, ...none.total]) expect([interval.low, interval.high]).toEqual([interval.estimate, interval.estimate]);
  });

  it('are 0, with intervals of zero width, for an outcome that never varies', () => {
    const indices = sobolIndices(new Float64Array(5 * 50).fill(0.1), 3);
    expect(indices.variance).toBe(0);
    for (const interval of [...indices.first, ...indices.total]) expect(interval).toEqual({ estimate: 0, low: 0, high: 0 });
  });

  it('reject a NaN outcome, and outcomes that are not whole groups of k + 2 runs', () => {
    const outputs = Array.from({ length: 5 * 4 }, (_, run) => run);
    outputs[7] = Number.NaN;
    expect(() => sobolIndices(outputs, 3)).toThrow(/outcome of run 7 is NaN/);
    expect(() => sobolIndices(Array.from({ length: 21 }, (_, run) => run), 3)).toThrow(/not a whole number of groups of 5 runs/);
    expect(() => sobolIndices([], 3)).toThrow(RangeError);
    expect(() => sobolIndices([1, 2, 3], 0)).toThrow(RangeError);
    expect(() => sobolIndices(Array.from({ length: 10 }, (_, run) => run), 3, { confidence: 1 })).toThrow(/confidence/);
    expect(() => sobolIndices(Array.from({ length: 10 }, (_, run) => run), 3, { bootstrap: -1 })).toThrow(/bootstrap/);
  });
});
