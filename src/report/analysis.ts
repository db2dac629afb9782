import { pairedDifference } from '../experiment/statistics.js';
import type { Summary } from '../experiment/statistics.js';
import { rankRegression } from '../experiment/sensitivity.js';
import { describeMetric, labRisk, observedPairs } from '../experiment/summary.js';
import type { LabRisk } from '../experiment/summary.js';
import { studentTQuantile } from '../kernel/special.js';
import { runColumn } from './runs.js';
import type { RunsColumns } from './runs.js';

/**
 * The run-level figures of a report, from the runs table: distributions, paired differences,
 * risks and rank sensitivity. Each is computed over every run of the batch.
 */

/** Mean and 95% CI of one variant's values, drawn over its histogram. */
export interface MeanMark {
  variant: string;
  mean: number;
  low: number;
  high: number;
}

/** A histogram shared by all variants: the same bins, so that they overlay. Values are in the column's stored units. */
export interface Histogram {
  /** The bins' edges, one more than the bins. */
  edges: number[];
  /** By variant, the share of its runs (of those with a value) in each bin. */
  shares: number[][];
  means: MeanMark[];
}

/** Each variant's runs binned on shared edges, and each variant's mean with its CI; undefined when no run has a value. */
export function histogram(table: RunsColumns, metric: string, bins = 30): Histogram | undefined {
  const series = table.variants.map((_, v) => runColumn(table, v, metric));
  let min = Infinity;
  let max = -Infinity;
  for (const values of series) for (const value of values) if (Number.isFinite(value)) (min = Math.min(min, value)), (max = Math.max(max, value));
  if (min > max) return undefined;
  // A constant outcome still gets a visible bar.
  const width = max > min ? (max - min) / bins : Math.max(Math.abs(min) * 0.01, 1e-9);
  const count = max > min ? bins : 1;
  const edges = Array.from({ length: count + 1 }, (_, b) => min + b * width);
  const shares = series.map((values) => {
    const counts = new Float64Array(count);
    let finite = 0;
    for (const value of values) {
      if (!Number.isFinite(value)) continue;
      counts[Math.min(count - 1, Math.floor((value - min) / width))]!++;
      finite++;
    }
    return Array.from(counts, (n) => (finite > 0 ? n / finite : 0));
  });
  const means = table.variants.map((variant, v) => {
    const summary = describeMetric(metric, series[v]!);
    return { variant, mean: summary.mean, low: summary.ciLow, high: summary.ciHigh };
  });
  return { edges, shares, means };
}

/** Summary of a metric per variant. */
export function summaries(table: RunsColumns, metric: string): Summary[] {
  return table.variants.map((_, v) => describeMetric(metric, runColumn(table, v, metric)));
}

/** A variant's paired difference from the baseline in one metric, in the metric's stored unit. */
export interface PairedRow {
  /** The runs-table column. */
  metric: string;
  variant: string;
  summary: Summary;
}

/** Each variant minus the baseline, run by run (common random numbers), for each metric. */
export function pairedDifferences(table: RunsColumns, metrics: readonly string[]): PairedRow[] {
  const rows: PairedRow[] = [];
  for (const metric of metrics) {
    const baseline = runColumn(table, 0, metric);
    for (let v = 1; v < table.variants.length; v++) {
      rows.push({ metric, variant: table.variants[v]!, summary: pairedDifference(...observedPairs(metric, baseline, runColumn(table, v, metric))) });
    }
  }
  return rows;
}

/** The risks a strategist asks about, those of the batch's summary, for one lab and variant. */
export interface LabVariantRisk extends LabRisk {
  lab: string;
  variant: string;
}

/** Shortfall risks of every lab in every variant. */
export function labRisks(table: RunsColumns, labs: readonly string[]): LabVariantRisk[] {
  return labs.flatMap((lab) => table.variants.map((variant, v) => ({
    lab,
    variant,
    ...labRisk(runColumn(table, v, `labs.${lab}.worstYearShortfallShare`), runColumn(table, v, `labs.${lab}.shortfallShare`)),
  })));
}

/** The parameters that drive an outcome in the baseline, most influential first. */
export interface Drivers {
  outcome: string;
  rSquared: number;
  runs: number;
  rows: { parameter: string; coefficient: number; low: number; high: number }[];
  /** Parameters that were not varied (fixed in every run). */
  fixed: string[];
  /** How the 95% intervals were made: bootstrap percentiles, or normal theory where resampling would cost too much. */
  intervals: 'bootstrap' | 'normal theory';
}

/** Bootstrap resamples of a tornado's intervals, when affordable. */
const RESAMPLES = 200;
/** Most run × parameter² products a tornado's bootstrap may cost (about a second of work). */
const BOOTSTRAP_BUDGET = 1e9;

/** SRRC of each varied parameter for `outcome` in the baseline variant with 95% intervals; the `top` largest in magnitude. */
export function drivers(table: RunsColumns, parameters: readonly string[], outcome: string, seed: string, top = 10): Drivers {
  const columns = parameters.map((parameter) => runColumn(table, 0, `param.${parameter}`));
  // Each resample refits on re-ranked runs; past the budget (a few thousand runs) the normal-theory intervals are as good and free.
  const bootstrap = table.runs * (parameters.length + 1) ** 2 * RESAMPLES <= BOOTSTRAP_BUDGET;
  const fit = rankRegression(columns, runColumn(table, 0, outcome), bootstrap ? { bootstrap: RESAMPLES, seed: `${seed}:${outcome}` } : {});
  const t = studentTQuantile(0.975, Math.max(1, fit.runs - parameters.length - 1));
  const rows = parameters
    .map((parameter, i) => {
      const coefficient = fit.coefficients[i]!;
      const half = t * fit.standardErrors[i]!;
      return { parameter, coefficient, low: bootstrap ? fit.low![i]! : coefficient - half, high: bootstrap ? fit.high![i]! : coefficient + half };
    })
    .filter((row) => !Number.isNaN(row.coefficient))
    .sort((a, b) => Math.abs(b.coefficient) - Math.abs(a.coefficient) || a.parameter.localeCompare(b.parameter))
    .slice(0, top);
  return { outcome, rSquared: fit.rSquared, runs: fit.runs, rows, fixed: parameters.filter((_, i) => Number.isNaN(fit.coefficients[i]!)), intervals: bootstrap ? 'bootstrap' : 'normal theory' };
}
