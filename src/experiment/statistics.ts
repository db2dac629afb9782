// Summaries of Monte Carlo samples (one value per run). Every function is pure and depends only on
// the multiset of values, never on their order: each works on a sorted copy (inputs are never
// modified) and sums in that sorted order, so any number of workers finishing in any order gives
// bit-identical results. Empty and one-value samples give NaN where a statistic is undefined, and
// NaN values (which sort last) propagate into the moments rather than being dropped.
import { normalQuantile, studentTQuantile } from '../kernel/special.js';

/** Run values: a metric series (Float64Array) or a plain array. */
export type Sample = ArrayLike<number>;

/** What `describe` reports about a sample. */
export interface Summary {
  count: number;
  /** NaN when empty. */
  mean: number;
  /** Sample standard deviation (n − 1 denominator); NaN below two values. */
  sd: number;
  /** Standard error of the mean, sd / √n; NaN below two values. */
  sem: number;
  /** Half-width of the 95% CI of the mean, t(0.975; n − 1) · sem; NaN below two values. */
  ciHalfWidth: number;
  /** 95% CI of the mean (Student's t); NaN below two values. */
  ciLow: number;
  ciHigh: number;
  /** Type-7 sample quantiles (numpy's default, R's type 7); NaN when empty. */
  p5: number;
  p50: number;
  p95: number;
  /** NaN when empty. */
  min: number;
  max: number;
}

/** A share of runs with its 95% Wilson score interval. */
export interface Proportion {
  /** Number of values. */
  count: number;
  /** Number of values strictly above the threshold (NaN counts as not above). */
  above: number;
  /** above / count; NaN when empty. */
  p: number;
  /** Wilson score interval; NaN when empty. */
  low: number;
  high: number;
}

/** z(0.975), the two-sided 95% normal critical value. */
const Z_95 = normalQuantile(0.975);

/** Count, mean, sd, standard error, 95% t-interval of the mean, p5/p50/p95 (type 7), min and max; never throws. */
export function describe(values: Sample): Summary {
  const sorted = sortedCopy(values);
  const n = sorted.length;
  if (n === 0) {
    return { count: 0, mean: NaN, sd: NaN, sem: NaN, ciHalfWidth: NaN, ciLow: NaN, ciHigh: NaN, p5: NaN, p50: NaN, p95: NaN, min: NaN, max: NaN };
  }
  const mean = compensatedSum(sorted, 0, n) / n;
  const sd = Math.sqrt(sampleVariance(sorted, mean));
  const sem = sd / Math.sqrt(n);
  const ciHalfWidth = n < 2 ? NaN : studentTQuantile(0.975, n - 1) * sem;
  return {
    count: n,
    mean,
    sd,
    sem,
    ciHalfWidth,
    ciLow: mean - ciHalfWidth,
    ciHigh: mean + ciHalfWidth,
    p5: sortedQuantile(sorted, 0.05),
    p50: sortedQuantile(sorted, 0.5),
    p95: sortedQuantile(sorted, 0.95),
    min: sorted[0] as number,
    max: sorted[n - 1] as number,
  };
}

/** describe() of the run-by-run differences b[i] − a[i] (variant minus baseline under common random numbers); throws RangeError on unequal lengths. */
export function pairedDifference(a: Sample, b: Sample): Summary {
  if (a.length !== b.length) {
    throw new RangeError(`pairedDifference: samples must pair up run by run (got ${a.length} and ${b.length} values)`);
  }
  const differences = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) differences[i] = (b[i] as number) - (a[i] as number);
  return describe(differences);
}

/** The difference of the means of two independent samples, b − a, with its 95% confidence interval. */
export interface UnpairedDifference {
  /** Values in each sample. */
  countA: number;
  countB: number;
  /** mean(b) − mean(a); NaN when either is empty. */
  mean: number;
  /** Standard error of the difference, √(s²a/na + s²b/nb); NaN when either has fewer than two values. */
  sem: number;
  /** Welch–Satterthwaite degrees of freedom. */
  dof: number;
  /** Half-width of the 95% CI, t(0.975; dof) · sem, and the interval; NaN when either has fewer than two values. */
  ciHalfWidth: number;
  ciLow: number;
  ciHigh: number;
}

/**
 * mean(b) − mean(a) of two samples of different runs (batches that share no random numbers run by
 * run), with Welch's 95% interval: no equal variances assumed. Each mean is describe()'s, so the
 * result does not depend on the order of the values either.
 */
export function unpairedDifference(a: Sample, b: Sample): UnpairedDifference {
  const [x, y] = [describe(a), describe(b)];
  const [va, vb] = [(x.sd * x.sd) / x.count, (y.sd * y.sd) / y.count];
  const sem = Math.sqrt(va + vb);
  // With both variances 0 the interval is the point: a t quantile of NaN dof would hide that.
  const dof = va + vb === 0 ? Infinity : ((va + vb) * (va + vb)) / ((va * va) / (x.count - 1) + (vb * vb) / (y.count - 1));
  const mean = y.mean - x.mean;
  const ciHalfWidth = x.count < 2 || y.count < 2 ? NaN : sem === 0 ? 0 : studentTQuantile(0.975, dof) * sem;
  return { countA: x.count, countB: y.count, mean, sem, dof, ciHalfWidth, ciLow: mean - ciHalfWidth, ciHigh: mean + ciHalfWidth };
}

/** Share of values strictly above `threshold`, with its 95% Wilson score interval; never throws. */
export function probabilityAbove(values: Sample, threshold: number): Proportion {
  const n = values.length;
  let above = 0;
  for (let i = 0; i < n; i++) if ((values[i] as number) > threshold) above++;
  if (n === 0) return { count: 0, above: 0, p: NaN, low: NaN, high: NaN };
  // Wilson (1927): centre (k + z²/2)/(n + z²), half-width z·√(k(n − k)/n + z²/4)/(n + z²).
  const z2 = Z_95 * Z_95;
  const centre = (above + z2 / 2) / (n + z2);
  const half = (Z_95 * Math.sqrt((above * (n - above)) / n + z2 / 4)) / (n + z2);
  return {
    count: n,
    above,
    p: above / n,
    // At k = 0 and k = n the bounds are exactly 0 and 1; pin them there against rounding.
    low: above === 0 ? 0 : Math.max(0, centre - half),
    high: above === n ? 1 : Math.min(1, centre + half),
  };
}

/** Mean of the ceil(share·n) largest values (expected shortfall / CVaR of the upper tail), share in (0, 1]; NaN when empty. */
export function expectedShortfallWorst(values: Sample, share = 0.05): number {
  if (!(share > 0 && share <= 1)) throw new RangeError(`expectedShortfallWorst: share must lie in (0, 1] (got ${share})`);
  const sorted = sortedCopy(values);
  const n = sorted.length;
  if (n === 0) return NaN;
  // Whole values only, no fractional weight on a boundary value; values tied at the boundary are equal,
  // so which of them is taken cannot matter.
  const worst = tailCount(share, n);
  return compensatedSum(sorted, n - worst, n) / worst;
}

/** Type-7 sample quantile at p in [0, 1] (linear between order statistics, like numpy's default); NaN when empty. */
export function sampleQuantile(values: Sample, p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`sampleQuantile: p must lie in [0, 1] (got ${p})`);
  return sortedQuantile(sortedCopy(values), p);
}

/** A sorted Float64Array copy; typed-array sort is numeric. */
function sortedCopy(values: Sample): Float64Array {
  // NaN sorts last and −0 before +0, so the order is fully determined by the values.
  return Float64Array.from(values).sort();
}

/** Type-7 quantile of data already sorted ascending: h = (n − 1)·p, then interpolate between the order statistics around h. */
export function sortedQuantile(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lower = Math.floor(h);
  const below = sorted[lower] as number;
  const above = sorted[Math.min(lower + 1, n - 1)] as number;
  // An order statistic itself, or equal neighbours (infinite ones too), need no interpolation: 0 · ∞ and
  // ∞ − ∞ would make NaN of a quantile that is defined.
  if (h === lower || below === above) return below;
  return below + (h - lower) * (above - below);
}

/** Corrected two-pass variance (Chan, Golub & LeVeque), n − 1 denominator; NaN below two values. */
function sampleVariance(sorted: Float64Array, mean: number): number {
  const n = sorted.length;
  if (n < 2) return NaN;
  let squares = 0;
  let deviations = 0;
  for (let i = 0; i < n; i++) {
    const deviation = (sorted[i] as number) - mean;
    squares += deviation * deviation;
    deviations += deviation;
  }
  // The correction term removes the rounding error of the mean; it cannot make the result negative in theory.
  return Math.max(0, (squares - (deviations * deviations) / n) / (n - 1));
}

/** Neumaier-compensated sum of sorted[from..to), error O(ε) independent of n. */
function compensatedSum(sorted: Float64Array, from: number, to: number): number {
  let sum = 0;
  let compensation = 0;
  for (let i = from; i < to; i++) {
    const value = sorted[i] as number;
    const next = sum + value;
    compensation += Math.abs(sum) >= Math.abs(value) ? sum - next + value : value - next + sum;
    sum = next;
  }
  // With infinities the compensation is NaN; the plain sum is already the answer then.
  return Number.isFinite(sum) ? sum + compensation : sum;
}

/** ceil(share·n) clamped to [1, n], reading products within 1e-9 (relative) of an integer as that integer. */
function tailCount(share: number, n: number): number {
  // So 0.07 × 100, which is 7.000000000000001 in binary floating point, selects 7 values, not 8.
  const exact = share * n;
  const nearest = Math.round(exact);
  const count = Math.abs(exact - nearest) <= 1e-9 * Math.max(1, exact) ? nearest : Math.ceil(exact);
  return Math.min(n, Math.max(1, count));
}
