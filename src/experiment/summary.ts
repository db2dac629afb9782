import { OPTIONAL_FIGURES } from '../io/layout.js';
import { RISK, WORST_RUNS } from '../io/vocabulary.js';
import type { BatchDescription } from '../io/layout.js';
import type { MetricSeries } from './metrics.js';
import type { Summary } from './statistics.js';
import { studentTQuantile } from '../kernel/special.js';
import type { Tally } from '../kernel/stats.js';
import { describe, expectedShortfallWorst, pairedDifference, probabilityAbove } from './statistics.js';
import { MIN_RUNS_TO_STOP } from './limits.js';

/**
 * What `summary.json` says about a batch: per variant and key metric, the distribution over runs
 * and the precision of its mean; the probabilities users ask for; and each variant against the
 * baseline as paired differences (common random numbers make them far tighter than the difference
 * of two means). It depends only on the runs' values, so any number of workers gives the same file.
 */

/** A metric over runs. */
export interface MetricSummary {
  runs: number;
  mean: number;
  sd: number;
  /** 95% confidence interval of the mean (Student's t). */
  ci95: [number, number];
  p5: number;
  p50: number;
  p95: number;
  min: number;
  max: number;
}

/** A probability estimated from the runs, with its 95% Wilson interval. */
export interface Probability {
  p: number;
  ci95: [number, number];
}

/** The risks of one lab in one variant (the names are summary.json's; their thresholds are RISK's and WORST_RUNS's). */
export interface LabRisk {
  /** Probability that the lab's shortfall exceeds 10% of its demand in some calendar year (RISK). */
  shortfallOver10PercentInAnyYear: Probability;
  /** Mean shortfall share of the worst 5% of runs, the expected shortfall (WORST_RUNS). */
  expectedShortfallShareWorst5Percent: number;
}

/** A lab's risks in one variant, from each run's worst-year shortfall share and shortfall share over the horizon. */
export function labRisk(worstYearShortfallShares: Float64Array, shortfallShares: Float64Array): LabRisk {
  return {
    shortfallOver10PercentInAnyYear: probability(worstYearShortfallShares, RISK.threshold),
    expectedShortfallShareWorst5Percent: expectedShortfallWorst(shortfallShares, WORST_RUNS.share),
  };
}

/** The whole summary. */
export interface BatchSummary {
  runs: number;
  variants: string[];
  /** By variant, then key metric. */
  metrics: Record<string, Record<string, MetricSummary>>;
  /** By variant, then lab. */
  risks: Record<string, Record<string, LabRisk>>;
  /** By variant other than the baseline, then key metric: variant minus baseline, run by run. */
  differences: Record<string, Record<string, MetricSummary>>;
}

/** Summarises the key metrics of a batch. */
export function summariseBatch(description: BatchDescription, series: MetricSeries): BatchSummary {
  const variants = description.variants;
  const perVariant = <T>(each: (variant: number) => T, from = 0): Record<string, T> =>
    Object.fromEntries(variants.slice(from).map((name, i) => [name, each(i + from)]));
  const eachMetric = (summary: (name: string) => MetricSummary): Record<string, MetricSummary> =>
    Object.fromEntries(series.names.map((name) => [name, summary(name)]));
  return {
    runs: series.runs,
    variants,
    metrics: perVariant((v) => eachMetric((name) => metricSummary(describeMetric(name, series.of(v, name))))),
    risks: perVariant((v) => Object.fromEntries(description.labs.map((lab) => [lab, labRisk(series.of(v, `labs.${lab}.worstYearShortfallShare`), series.of(v, `labs.${lab}.shortfallShare`))]))),
    differences: perVariant((v) => eachMetric((name) => metricSummary(pairedDifference(...observedPairs(name, series.of(0, name), series.of(v, name))))), 1),
  };
}

// A metric a run may not have (OPTIONAL_FIGURES) is summarised over the runs that have it, and
// compared over the runs where both variants have it; any other metric keeps its NaN, which shows.
function isOptional(name: string): boolean {
  return OPTIONAL_FIGURES.has(name.slice(name.lastIndexOf('.') + 1));
}

/** The values of key metric `name` a summary describes: those of the runs that have it (all runs, for a metric every run has). */
export function observed(name: string, values: Float64Array): Float64Array {
  return isOptional(name) ? values.filter((value) => !Number.isNaN(value)) : values;
}

/** The pairs of values of key metric `name` a paired difference compares: the runs where both variants have it. */
export function observedPairs(name: string, a: Float64Array, b: Float64Array): [Float64Array, Float64Array] {
  if (!isOptional(name)) return [a, b];
  const both = (_: number, i: number): boolean => !Number.isNaN(a[i]!) && !Number.isNaN(b[i]!);
  return [a.filter(both), b.filter(both)];
}

/** Where a batch run until a precision stands: converged, and which metric held it back longest. */
export interface Convergence {
  converged: boolean;
  runs: number;
  precision: number;
  /** The metric (`variant: metric`) that converged last, or the least precise one if the batch stopped at its run limit. */
  limiting: string;
  /** Its 95% CI half-width relative to its mean. */
  relativeHalfWidth: number;
}


/** The stopping rule: every key metric's 95% CI half-width under `precision` times its mean. */
export function stoppingRule(series: MetricSeries, variants: readonly string[], precision: number): Convergence {
  let limiting = '';
  let worst = -1;
  for (let v = 0; v < variants.length; v++) {
    for (const name of series.names) {
      const relative = relativeHalfWidth(series.tally(v, name));
      if (relative > worst) {
        worst = relative;
        limiting = `${variants[v]}: ${name}`;
      }
    }
  }
  return { converged: series.runs >= MIN_RUNS_TO_STOP && worst < precision, runs: series.runs, precision, limiting, relativeHalfWidth: worst };
}

/** 95% CI half-width over |mean| from a running tally: checked after every block, so never by re-sorting every run. */
function relativeHalfWidth(tally: Tally): number {
  // A metric that never varies is known exactly, whatever its mean.
  if (tally.min === tally.max) return 0;
  if (tally.count < 2) return NaN;
  if (tally.mean === 0) return Infinity;
  return (studentTQuantile(0.975, tally.count - 1) * tally.sd) / Math.sqrt(tally.count) / Math.abs(tally.mean);
}

/**
 * A metric's runs described, its 95% interval of the mean within what the metric can be: a share's mean
 * lies in [0, 1], but Student's interval is symmetric and can reach past either end when the runs pile
 * up near it (a shortfall that is zero in most runs), so it is clipped there. The batch summary and the
 * report both describe a metric with this, so that they print the same interval.
 */
export function describeMetric(name: string, values: Float64Array): Summary {
  const d = describe(observed(name, values));
  return name.endsWith('Share') ? { ...d, ciLow: Math.max(0, d.ciLow), ciHigh: Math.min(1, d.ciHigh) } : d;
}

function metricSummary(d: Summary): MetricSummary {
  return { runs: d.count, mean: d.mean, sd: d.sd, ci95: [d.ciLow, d.ciHigh], p5: d.p5, p50: d.p50, p95: d.p95, min: d.min, max: d.max };
}

function probability(values: Float64Array, threshold: number): Probability {
  const estimate = probabilityAbove(values, threshold);
  return { p: estimate.p, ci95: [estimate.low, estimate.high] };
}
