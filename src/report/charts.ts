import type { TopLevelSpec } from 'vega-lite';
import type { FanChart, FanPoint } from './fans.js';
import type { ShockMonth } from './shocks.js';

/**
 * The report's charts as Vega-Lite specifications: declarative, with data inlined, and small.
 * Everything a chart shows is computed before it gets here (quantiles, bins, coefficients), so a
 * 100,000-run batch makes the same size of page as a 100-run one.
 */

/** Colour and legend for variants: one colour each, a legend only when there is more than one. */
function variantColour(variants: readonly string[]) {
  return { field: 'variant', type: 'nominal', title: 'variant', scale: { domain: [...variants] }, legend: variants.length > 1 ? {} : null } as const;
}

/** Median line with p25–p75 and p5–p95 bands, month by month, one panel per actor. */
export function fanChartSpec(chart: FanChart, points: readonly FanPoint[], variants: readonly string[]): TopLevelSpec {
  const format = chart.percent ? '.0%' : '~s';
  // A shared SI prefix would label the origin "0M".
  const labelExpr = chart.percent ? undefined : "datum.value === 0 ? '0' : format(datum.value, '~s')";
  const y = { type: 'quantitative', axis: { format, title: chart.unit, ...(labelExpr ? { labelExpr } : {}) }, scale: { zero: chart.percent } } as const;
  const x = { field: 'date', type: 'temporal', title: null, axis: { format: '%Y', tickCount: 'year' } } as const;
  // Points come in actor order (the scenario's), which the panels keep.
  const mine = points.filter((point) => point.chart === chart.name);
  return {
    data: { values: mine as unknown as Record<string, unknown>[] },
    facet: { field: 'panel', type: 'nominal', title: null, sort: [...new Set(mine.map((point) => point.panel))] },
    columns: 4,
    spec: {
      width: 190,
      height: 120,
      layer: [
        { mark: { type: 'area', opacity: 0.15 }, encoding: { x, y: { ...y, field: 'p5' }, y2: { field: 'p95' }, color: variantColour(variants) } },
        { mark: { type: 'area', opacity: 0.3 }, encoding: { x, y: { ...y, field: 'p25' }, y2: { field: 'p75' }, color: variantColour(variants) } },
        { mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x, y: { ...y, field: 'p50' }, color: variantColour(variants) } },
      ],
    },
    resolve: { scale: { y: chart.percent ? 'shared' : 'independent' } },
  } as TopLevelSpec;
}

/** One bar of a histogram. */
export interface Bin {
  variant: string;
  start: number;
  end: number;
  /** Share of the variant's runs in [start, end). */
  share: number;
}

/** Mean and 95% CI of one variant's values, drawn over its histogram. */
export interface MeanMark {
  variant: string;
  mean: number;
  low: number;
  high: number;
}

/** Histogram of a run-level outcome, each variant's mean as a rule and its CI as a band. */
export function histogramSpec(title: string, bins: readonly Bin[], means: readonly MeanMark[], variants: readonly string[], percent: boolean): TopLevelSpec {
  const format = percent ? '.0%' : '~s';
  return {
    title: { text: title, fontSize: 11 },
    width: 220,
    height: 90,
    layer: [
      {
        data: { values: bins as unknown as Record<string, unknown>[] },
        mark: { type: 'rect', opacity: variants.length > 1 ? 0.5 : 0.8 },
        encoding: {
          x: { field: 'start', type: 'quantitative', title: null, axis: { format, tickCount: 5 }, scale: { zero: false } },
          x2: { field: 'end' },
          y: { field: 'share', type: 'quantitative', title: 'share of runs', axis: { format: '.0%', tickCount: 3 }, stack: null },
          color: variantColour(variants),
        },
      },
      {
        data: { values: means as unknown as Record<string, unknown>[] },
        mark: { type: 'rect', opacity: 0.35 },
        encoding: { x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' }, color: variantColour(variants) },
      },
      {
        data: { values: means as unknown as Record<string, unknown>[] },
        mark: { type: 'rule', strokeWidth: 1.5, strokeDash: [4, 2] },
        encoding: { x: { field: 'mean', type: 'quantitative' }, color: variantColour(variants) },
      },
    ],
  } as TopLevelSpec;
}

/** One row of a forest plot: a variant's paired difference from the baseline, relative to the baseline mean. */
export interface Difference {
  metric: string;
  variant: string;
  /** (variant − baseline) / |baseline mean|, and its 95% CI. */
  relative: number;
  low: number;
  high: number;
}

/** Forest plot of paired differences against the baseline, in percent of the baseline's mean. */
export function forestSpec(rows: readonly Difference[], variants: readonly string[]): TopLevelSpec {
  const compared = variants.slice(1);
  return {
    title: { text: 'Paired difference from the baseline (95% CI), % of the baseline mean', fontSize: 12 },
    data: { values: rows as unknown as Record<string, unknown>[] },
    width: 420,
    height: { step: 16 },
    encoding: {
      y: { field: 'metric', type: 'nominal', title: null, sort: null, axis: { labelLimit: 0 } },
      yOffset: { field: 'variant', type: 'nominal', scale: { domain: compared } },
      color: { field: 'variant', type: 'nominal', title: 'variant', scale: { domain: compared }, legend: compared.length > 1 ? {} : null },
    },
    layer: [
      { mark: { type: 'rule', strokeWidth: 2 }, encoding: { x: { field: 'low', type: 'quantitative', title: 'difference, % of baseline mean', axis: { format: '.0%' } }, x2: { field: 'high' } } },
      { mark: { type: 'point', filled: true, size: 30 }, encoding: { x: { field: 'relative', type: 'quantitative' } } },
      { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: '#888' }, encoding: { x: { field: 'zero', type: 'quantitative' }, yOffset: null, color: null, y: null } },
    ],
  } as unknown as TopLevelSpec;
}

/** Standardised rank regression coefficients of the parameters that matter most, largest first. */
export function tornadoSpec(title: string, subtitle: string, rows: readonly { parameter: string; coefficient: number; low?: number; high?: number }[]): TopLevelSpec {
  const hasIntervals = rows.some((row) => row.low !== undefined);
  return {
    title: { text: title, subtitle, fontSize: 11, subtitleFontSize: 10 },
    data: { values: rows as unknown as Record<string, unknown>[] },
    width: 200,
    height: { step: 14 },
    encoding: { y: { field: 'parameter', type: 'nominal', title: null, sort: null, axis: { labelLimit: 0 } } },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          x: { field: 'coefficient', type: 'quantitative', title: 'SRRC', scale: { domain: [-1, 1] } },
          color: { condition: { test: 'datum.coefficient < 0', value: '#d62728' }, value: '#1f77b4' },
        },
      },
      ...(hasIntervals ? [{ mark: { type: 'rule', color: '#333' }, encoding: { x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } } }] : []),
    ],
  } as unknown as TopLevelSpec;
}

/** First-order and total Sobol indices with their CIs, for the parameters with the largest total effects. */
export function sobolSpec(title: string, rows: readonly { parameter: string; index: 'first order' | 'total'; estimate: number; low: number; high: number }[]): TopLevelSpec {
  const index = { field: 'index', type: 'nominal', title: null, scale: { domain: ['first order', 'total'], range: ['#1f77b4', '#ff7f0e'] } } as const;
  return {
    title: { text: title, fontSize: 11 },
    data: { values: rows as unknown as Record<string, unknown>[] },
    width: 200,
    height: { step: 12 },
    encoding: { y: { field: 'parameter', type: 'nominal', title: null, sort: null, axis: { labelLimit: 0 } }, yOffset: { field: 'index', type: 'nominal', scale: { domain: ['first order', 'total'] } }, color: index },
    layer: [
      { mark: { type: 'bar' }, encoding: { x: { field: 'estimate', type: 'quantitative', title: 'Sobol index', scale: { domain: [0, 1], clamp: true } } } },
      { mark: { type: 'rule', color: '#333' }, encoding: { x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' }, color: null } },
    ],
  } as unknown as TopLevelSpec;
}

/** When shocks struck: occurrences starting each month per run, a row per shock (and a panel per variant). */
export function shockTimelineSpec(months: readonly ShockMonth[], variants: readonly string[]): TopLevelSpec {
  const used = variants.filter((variant) => months.some((month) => month.variant === variant));
  const inner = {
    width: 640,
    height: { step: 16 },
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'month', type: 'temporal', timeUnit: 'yearmonth', title: null, axis: { format: '%Y', tickCount: 'year' } },
      y: { field: 'shock', type: 'nominal', title: null },
      color: { field: 'perRun', type: 'quantitative', title: 'starts per run', scale: { scheme: 'oranges' }, legend: { orient: 'right' } },
      tooltip: [{ field: 'shock' }, { field: 'month', timeUnit: 'yearmonth' }, { field: 'perRun', format: '.3f' }, { field: 'meanMagnitude', format: '.0%' }],
    },
  };
  const data = { values: months as unknown as Record<string, unknown>[] };
  return (used.length > 1 ? { data, facet: { row: { field: 'variant', type: 'nominal', title: null, sort: used } }, spec: inner } : { data, ...inner }) as unknown as TopLevelSpec;
}
