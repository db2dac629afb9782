import type { TopLevelSpec } from 'vega-lite';
import { formatDifference, formatIn, meanAndInterval, PERCENTAGE_POINTS } from '../io/vocabulary.js';
import type { Unit } from '../io/vocabulary.js';
import type { Histogram } from './analysis.js';
import type { FanChart, FanPoint } from './fans.js';
import { PALETTE } from './render.js';
import type { ShockMonth } from './shocks.js';
import type { Marker } from './timeline.js';

/**
 * The report's charts as Vega-Lite specifications: declarative, with data inlined, and small.
 * Everything a chart shows is computed before it gets here (quantiles, bins, coefficients), so a
 * 100,000-run batch makes the same size of page as a 100-run one.
 *
 * Two conventions let the page's few lines of script and style work on the rendered SVG: a mark
 * that belongs to one variant is drawn by a layer named `variant_<i>__...`, whose name Vega puts in
 * the class of the mark's group (the variant toggle hides them by it); and the marks a reader hovers
 * for a tooltip carry a `description` (Vega writes it as the mark's aria-label), header first, then
 * one line per variant as `variant: ...`, lines separated by `|` (which no variant name contains).
 * Every other mark has aria off, so it neither shows a tooltip nor swells the page.
 */

/** The class fragment of the marks of variant `v`: `variant_1__`. */
export function variantClass(v: number): string {
  return `variant_${v}__`;
}

/** Variant `v`'s colour: the page's swatches and every chart use the same. */
export function variantColour(v: number): string {
  return PALETTE[v % PALETTE.length]!;
}

/** Colour by variant on a fixed scale (the same colour in every chart), with a legend of lines when there is more than one. */
function colourByVariant(variants: readonly string[], legend = variants.length > 1) {
  return {
    field: 'variant',
    type: 'nominal',
    title: 'variant',
    scale: { domain: [...variants], range: variants.map((_, v) => variantColour(v)) },
    // The legend shows each variant as the solid line its median is drawn with, whatever the bands' opacity.
    legend: legend ? { symbolType: 'stroke', symbolStrokeWidth: 2.5, symbolOpacity: 1, symbolSize: 200 } : null,
  } as const;
}

/** The layer of variant `v`: its name (the toggle's handle) and a filter to its rows. */
function ofVariant(v: number, variant: string, what: string) {
  return { name: `${variantClass(v)}${what}`, transform: [{ filter: { field: 'variant', equal: variant } }] };
}

/** Names of layers with tooltips: an invisible overlay the page tints under the pointer, or a visible mark it outlines. */
const HOVER = 'hover__';
const TIP = 'tip__';

/** A tooltip's text: a header and one line per variant. */
export function tip(header: string, lines: readonly string[]): string {
  return [header, ...lines].map((line) => line.replace(/\|/g, '/')).join('|');
}

/** A compact number for tooltips of counts and compute: 1.21M, 842k. */
const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumSignificantDigits: 3 });

/** A fan chart's value in its unit, for a tooltip. */
function fanValue(chart: FanChart, value: number): string {
  if (Number.isNaN(value)) return '–';
  if (chart.percent) return `${(100 * value).toFixed(1)}%`;
  if (chart.name === 'fan-prices') return value.toFixed(2);
  return compact.format(value);
}

/** The colours of marked dates: timeline entries grey, dated shocks orange. */
const MARKER_COLOUR = { timeline: '#555', shock: '#e6550d' } as const;

/** A vertical dashed rule for each marked date of a kind, from the rows `{ row: 'marker', markerKind, date }`. */
function markerLayers(x: object) {
  return (['timeline', 'shock'] as const).map((kind) => ({
    name: `markers_${kind}`,
    transform: [{ filter: { and: [{ field: 'row', equal: 'marker' }, { field: 'markerKind', equal: kind }] } }],
    mark: { type: 'rule', strokeDash: [3, 2], strokeWidth: 1.2, color: MARKER_COLOUR[kind], aria: false },
    encoding: { x: { ...x, field: 'date' } },
  }));
}

/** The layer of variant `v` drawn from the rows of one kind (`row` field): its name and filter. */
function ofVariantRows(v: number, variant: string, what: string, row: string) {
  return { name: `${variantClass(v)}${what}`, transform: [{ filter: { and: [{ field: 'variant', equal: variant }, { field: 'row', equal: row }] } }] };
}

/** The markers of the first day of a month, for the tooltip of that month. */
function markersIn(month: string, markers: readonly Marker[]): string[] {
  return markers.filter((marker) => marker.date.slice(0, 7) === month.slice(0, 7)).map((marker) => `${marker.date} ${marker.kind === 'shock' ? 'dated shock' : 'timeline'}: ${marker.text}`);
}

/** The first day of the month after `date` (YYYY-MM-01). */
function nextMonth(date: string): string {
  const [year, month] = date.split('-').map(Number) as [number, number];
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
}

/**
 * Median line with p25–p75 and p5–p95 bands, month by month, one panel per actor, the marked dates
 * as rules; each lab's demand (a dashed median) beside the compute it secured. With one variant both
 * bands are filled; with more, each variant's middle band has an outline of its colour and the
 * p5–p95 band is left to the tooltips, so that overlapping variants stay apart. Hovering a month
 * tells each variant's median and percentiles that month.
 */
export function fanChartSpec(chart: FanChart, points: readonly FanPoint[], variants: readonly string[], markers: readonly Marker[], companion: readonly FanPoint[] = []): TopLevelSpec {
  const mine = points.filter((point) => point.chart === chart.name);
  // Points come in actor order (the scenario's), which the panels keep.
  const panels = [...new Set(mine.map((point) => point.panel))];
  const dates = [...new Set(mine.map((point) => point.date))].sort();
  const format = chart.percent ? '.0%' : chart.name === 'fan-prices' ? '.1f' : '~s';
  // A shared SI prefix would label the origin "0M".
  const labelExpr = chart.percent || chart.name === 'fan-prices' ? undefined : "datum.value === 0 ? '0' : format(datum.value, '~s')";
  const y = { type: 'quantitative', axis: { format, title: chart.unit, ...(labelExpr ? { labelExpr } : {}) }, scale: { zero: chart.percent || chart.name !== 'fan-prices' } } as const;
  const x = { field: 'date', type: 'temporal', title: null, axis: { format: '%Y', tickCount: 'year' } } as const;
  const several = variants.length > 1;
  const key = (point: FanPoint) => `${point.panel}\u0000${point.variant}\u0000${point.date}`;
  const demand = new Map(companion.map((point) => [key(point), point]));
  const byKey = new Map(mine.map((point) => [key(point), point]));
  const hover = panels.flatMap((panel) => dates.map((date) => ({
    row: 'hover',
    panel,
    date,
    next: nextMonth(date),
    tip: tip(`${panel}, ${date.slice(0, 7)} (${chart.unit})`, [
      ...variants.flatMap((variant) => {
        const point = byKey.get(`${panel}\u0000${variant}\u0000${date}`);
        if (!point) return [];
        const wanted = demand.get(`${panel}\u0000${variant}\u0000${date}`);
        const v = (value: number) => fanValue(chart, value);
        return [`${variant}: median ${v(point.p50)}; p25–p75 ${v(point.p25)}–${v(point.p75)}; p5–p95 ${v(point.p5)}–${v(point.p95)}${wanted ? `; demand median ${v(wanted.p50)}` : ''}`];
      }),
      ...markersIn(date, markers),
    ]),
  })));
  // A marker outside the months drawn would stretch the axis.
  const inRange = markers.filter((marker) => dates.length > 0 && marker.date >= dates[0]! && marker.date < nextMonth(dates.at(-1)!));
  const marked = panels.flatMap((panel) => inRange.map((marker) => ({ row: 'marker', panel, date: marker.date, markerKind: marker.kind })));
  const colour = colourByVariant(variants);
  const variantLayers = variants.flatMap((variant, v) => [
    // Several variants' bands would blend where they overlap: each keeps an outline of its colour, and the p5–p95 band is left to the tooltips.
    ...(several ? [] : [{ ...ofVariantRows(v, variant, 'band95', 'fan'), mark: { type: 'area', opacity: 0.15, aria: false }, encoding: { x, y: { ...y, field: 'p5' }, y2: { field: 'p95' }, color: colour } }]),
    {
      ...ofVariantRows(v, variant, 'band50', 'fan'),
      mark: several ? { type: 'area', fillOpacity: 0.16, stroke: variantColour(v), strokeOpacity: 0.8, strokeWidth: 0.7, aria: false } : { type: 'area', opacity: 0.3, aria: false },
      encoding: { x, y: { ...y, field: 'p25' }, y2: { field: 'p75' }, color: colour },
    },
    { ...ofVariantRows(v, variant, 'median', 'fan'), mark: { type: 'line', strokeWidth: 1.6, aria: false }, encoding: { x, y: { ...y, field: 'p50' }, color: colour } },
  ]);
  // Demand is drawn over every variant's fan: one black dashed line when it is the same in every variant (it is exogenous unless a variant changes it), else one per variant in its colour.
  const demandRows = (variant: string) => JSON.stringify(companion.filter((point) => point.variant === variant).map((point) => [point.panel, point.date, point.p50]));
  const sameDemand = variants.every((variant) => demandRows(variant) === demandRows(variants[0]!));
  const demanded = sameDemand ? companion.filter((point) => point.variant === variants[0]) : companion;
  const dashed = { type: 'line', strokeWidth: 1.3, strokeDash: [6, 3], aria: false } as const;
  const demandLayers = companion.length === 0
    ? []
    : sameDemand
      ? [{ name: 'demand', transform: [{ filter: { field: 'row', equal: 'demand' } }], mark: { ...dashed, color: '#222' }, encoding: { x, y: { ...y, field: 'p50' } } }]
      : variants.map((variant, v) => ({ ...ofVariantRows(v, variant, 'demand', 'demand'), mark: dashed, encoding: { x, y: { ...y, field: 'p50' }, color: colour } }));
  return {
    data: { values: [...mine.map((point) => ({ ...point, row: 'fan' })), ...demanded.map((point) => ({ ...point, row: 'demand' })), ...marked, ...hover] as unknown as Record<string, unknown>[] },
    facet: { field: 'panel', type: 'nominal', title: null, sort: panels },
    columns: 4,
    spec: {
      width: 190,
      height: 120,
      layer: [
        ...markerLayers(x),
        ...variantLayers,
        ...demandLayers,
        {
          name: `${HOVER}months`,
          transform: [{ filter: { field: 'row', equal: 'hover' } }],
          mark: { type: 'rect', opacity: 0, fill: '#000' },
          encoding: { x: { ...x, field: 'date' }, x2: { field: 'next' }, description: { field: 'tip', type: 'nominal' } },
        },
      ],
    },
    // Each panel has its own date axis, so a short last row leaves no axis under an empty place.
    resolve: { scale: { y: chart.percent ? 'shared' : 'independent' }, axis: { x: 'independent' } },
  } as unknown as TopLevelSpec;
}

/** How a histogram's values are drawn: shares on a percent axis, other units scaled to their shown number. */
function axisOf(unit: Unit): { scale: number; format: string | undefined } {
  return unit.share ? { scale: 1, format: '.0%' } : { scale: unit.scale, format: undefined };
}

/**
 * Histogram of a run-level outcome in its unit, with each variant's mean (a dashed rule) and its CI
 * (a strip). One variant's bars are filled; several variants are outlines, so each stays visible.
 * Hovering a bin tells each variant's share of runs in it and below its upper edge (the percentile).
 */
export function histogramSpec(title: string, unit: Unit, histogram: Histogram, variants: readonly string[]): TopLevelSpec {
  const { scale, format } = axisOf(unit);
  const { edges, shares, means } = histogram;
  const several = variants.length > 1;
  const shown = (value: number) => value * scale;
  const x = { type: 'quantitative', title: unit.name, axis: { format, tickCount: 5 }, scale: { zero: false } } as const;
  // Small multiples share the page's variant bar as their legend: a legend each would take more room than the chart.
  const colour = colourByVariant(variants, false);
  const bins = variants.flatMap((variant, v) => shares[v]!.map((share, b) => ({ variant, start: shown(edges[b]!), end: shown(edges[b + 1]!), share })));
  // A step outline needs a last point at the upper edge of the last bin.
  const steps = variants.flatMap((variant, v) => [...shares[v]!, shares[v]!.at(-1)!].map((share, b) => ({ variant, edge: shown(edges[b]!), share })));
  const cumulative = shares.map((row) => row.reduce<number[]>((sums, share) => [...sums, (sums.at(-1) ?? 0) + share], []));
  const hover = shares[0]!.map((_, b) => ({
    start: shown(edges[b]!),
    end: shown(edges[b + 1]!),
    tip: tip(`${title}: ${formatIn(unit, edges[b]!)} to ${formatIn(unit, edges[b + 1]!)}`, variants.map((variant, v) => {
      const mean = means[v]!;
      const below = (100 * cumulative[v]![b]!).toFixed(0);
      return `${variant}: ${(100 * shares[v]![b]!).toFixed(1)}% of runs in this bin; ${below}% at or below ${formatIn(unit, edges[b + 1]!)} (percentile ${below}); mean ${meanAndInterval(unit, mean.mean, mean.low, mean.high)}`;
    })),
  }));
  const meanRows = means.map((mean) => ({ variant: mean.variant, mean: shown(mean.mean), low: shown(mean.low), high: shown(mean.high) }));
  // One dataset, its rows told apart by `row`: a dataset per layer would multiply Vega's work by the variants.
  const values = [
    ...(several ? steps.map((step) => ({ ...step, row: 'step' })) : bins.map((bin) => ({ ...bin, row: 'bin' }))),
    ...meanRows.map((mean) => ({ ...mean, row: 'mean' })),
    ...hover.map((bin) => ({ ...bin, row: 'hover' })),
  ];
  const share = { field: 'share', type: 'quantitative', title: 'share of runs', axis: { format: '.0%', tickCount: 3 }, stack: null } as const;
  return {
    title: { text: title, fontSize: 11 },
    width: 230,
    height: 90,
    data: { values },
    layer: [
      ...variants.flatMap((variant, v) => [
        several
          ? { ...ofVariantRows(v, variant, 'outline', 'step'), mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.4, aria: false }, encoding: { x: { ...x, field: 'edge' }, y: share, color: colour } }
          : { ...ofVariantRows(v, variant, 'bars', 'bin'), mark: { type: 'rect', opacity: 0.8, aria: false }, encoding: { x: { ...x, field: 'start' }, x2: { field: 'end' }, y: share, color: colour } },
        { ...ofVariantRows(v, variant, 'ci', 'mean'), mark: { type: 'rect', opacity: 0.25, aria: false }, encoding: { x: { ...x, field: 'low' }, x2: { field: 'high' }, color: colour } },
        { ...ofVariantRows(v, variant, 'mean', 'mean'), mark: { type: 'rule', strokeWidth: 1.5, strokeDash: [4, 2], aria: false }, encoding: { x: { ...x, field: 'mean' }, color: colour } },
      ]),
      { name: `${HOVER}bins`, transform: [{ filter: { field: 'row', equal: 'hover' } }], mark: { type: 'rect', opacity: 0, fill: '#000' }, encoding: { x: { ...x, field: 'start' }, x2: { field: 'end' }, description: { field: 'tip', type: 'nominal' } } },
    ],
  } as unknown as TopLevelSpec;
}

/** One row of a forest plot: a variant's paired difference from the baseline in one metric, in the metric's stored unit. */
export interface Difference {
  /** The metric in words (the row's label). */
  label: string;
  variant: string;
  mean: number;
  low: number;
  high: number;
}

/**
 * Forest plot of paired differences against the baseline for metrics of one unit, in that unit's
 * differences: percentage points for shares, USD per H100e-hour for prices, bn USD for money.
 */
export function forestSpec(unit: Unit, rows: readonly Difference[], variants: readonly string[]): TopLevelSpec {
  const compared = variants.slice(1);
  const scale = unit.share ? 100 : unit.scale;
  const values = rows.map((row) => ({
    ...row,
    mean: row.mean * scale,
    low: row.low * scale,
    high: row.high * scale,
    tip: tip(`${row.label}: ${row.variant} − ${variants[0]}`, [`${row.variant}: ${formatDifference(unit, row.mean)} ${unit.difference} [${formatIn(unit, row.low)}, ${formatIn(unit, row.high)}] (mean [95% CI])`]),
  }));
  const x = { type: 'quantitative', title: `difference from ${variants[0]}, ${unit.difference}` } as const;
  const offset = { field: 'variant', type: 'nominal', scale: { domain: compared } } as const;
  // The baseline is not drawn (it is the zero line): the legend names the variants compared, in their colours.
  const colour = { ...colourByVariant(compared, compared.length > 1), scale: { domain: compared, range: compared.map((_, i) => variantColour(i + 1)) } };
  return {
    title: { text: `Paired differences in ${unit.share ? PERCENTAGE_POINTS : unit.difference} (mean and 95% CI)`, fontSize: 12 },
    data: { values: values as unknown as Record<string, unknown>[] },
    width: 380,
    height: { step: compared.length > 1 ? 10 : 16 },
    encoding: { y: { field: 'label', type: 'nominal', title: null, sort: null, axis: { labelLimit: 0 } }, yOffset: offset },
    layer: [
      { name: 'zero', data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: '#888', aria: false }, encoding: { x: { ...x, field: 'zero' }, y: null, yOffset: null } },
      ...compared.flatMap((variant, i) => [
        { ...ofVariant(i + 1, variant, 'interval'), mark: { type: 'rule', strokeWidth: 2, aria: false }, encoding: { x: { ...x, field: 'low' }, x2: { field: 'high' }, color: colour } },
        { ...ofVariant(i + 1, variant, 'mean'), mark: { type: 'point', filled: true, size: 30, opacity: 1, aria: false }, encoding: { x: { ...x, field: 'mean' }, color: colour } },
        // The interval as a band a pointer can find, however thin the rule.
        { ...ofVariant(i + 1, variant, `${HOVER}rows`), mark: { type: 'rect', opacity: 0, fill: '#000', height: { band: 1 } }, encoding: { x: { ...x, field: 'low' }, x2: { field: 'high' }, description: { field: 'tip', type: 'nominal' } } },
      ]),
    ],
  } as unknown as TopLevelSpec;
}

/** A tornado bar: a parameter (in words) and its SRRC with its interval. */
export interface TornadoRow {
  parameter: string;
  coefficient: number;
  low?: number;
  high?: number;
}

/** Standardised rank regression coefficients of the parameters that matter most, largest first; hovering a bar tells its coefficient and interval. */
export function tornadoSpec(title: string, subtitle: string, rows: readonly TornadoRow[]): TopLevelSpec {
  const hasIntervals = rows.some((row) => row.low !== undefined);
  // Two decimals, with no -0.00: a sign the figure does not have.
  const fixed = (value: number) => (Math.abs(value) < 0.005 ? 0 : value).toFixed(2);
  const sign = (value: number) => (value >= 0.005 ? `+${fixed(value)}` : fixed(value));
  // An interval that holds 0 leaves the direction open: "raises" is said only of one that leaves 0 out.
  const effect = (row: TornadoRow): string =>
    row.low !== undefined && row.low <= 0 && row.high! >= 0 ? `no clear direction on ${title} (its interval holds 0)` : `${row.coefficient >= 0 ? 'raises' : 'lowers'} ${title}`;
  const values = rows.map((row) => ({
    ...row,
    tip: tip(row.parameter, [`SRRC ${sign(row.coefficient)}${row.low !== undefined ? ` [${fixed(row.low)}, ${fixed(row.high!)}]` : ''}: ${effect(row)}`]),
  }));
  return {
    title: { text: title, subtitle, fontSize: 11, subtitleFontSize: 10 },
    data: { values: values as unknown as Record<string, unknown>[] },
    width: 200,
    height: { step: 14 },
    encoding: { y: { field: 'parameter', type: 'nominal', title: null, sort: null, axis: { labelLimit: 0 } } },
    layer: [
      {
        name: `${TIP}bars`,
        mark: { type: 'bar' },
        encoding: {
          x: { field: 'coefficient', type: 'quantitative', title: 'SRRC', scale: { domain: [-1, 1] } },
          color: { condition: { test: 'datum.coefficient < 0', value: '#d62728' }, value: '#1f77b4' },
          description: { field: 'tip', type: 'nominal' },
        },
      },
      ...(hasIntervals ? [{ mark: { type: 'rule', color: '#333', aria: false }, encoding: { x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } } }] : []),
    ],
  } as unknown as TopLevelSpec;
}

/** First-order and total Sobol indices with their CIs, for the parameters with the largest total effects. */
export function sobolSpec(title: string, rows: readonly { parameter: string; index: 'first order' | 'total'; estimate: number; low: number; high: number }[]): TopLevelSpec {
  const index = { field: 'index', type: 'nominal', title: null, scale: { domain: ['first order', 'total'], range: ['#1f77b4', '#ff7f0e'] } } as const;
  const values = rows.map((row) => ({ ...row, tip: tip(row.parameter, [`${row.index} Sobol index ${row.estimate.toFixed(2)} [${row.low.toFixed(2)}, ${row.high.toFixed(2)}] for ${title}`]) }));
  return {
    title: { text: title, fontSize: 11 },
    data: { values: values as unknown as Record<string, unknown>[] },
    width: 200,
    height: { step: 12 },
    encoding: { y: { field: 'parameter', type: 'nominal', title: null, sort: null, axis: { labelLimit: 0 } }, yOffset: { field: 'index', type: 'nominal', scale: { domain: ['first order', 'total'] } }, color: index },
    layer: [
      { name: `${TIP}bars`, mark: { type: 'bar' }, encoding: { x: { field: 'estimate', type: 'quantitative', title: 'Sobol index', scale: { domain: [0, 1], clamp: true } }, description: { field: 'tip', type: 'nominal' } } },
      { mark: { type: 'rule', color: '#333', aria: false }, encoding: { x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' }, color: null } },
    ],
  } as unknown as TopLevelSpec;
}

/**
 * When shocks struck: occurrences starting each month per run, a row per shock, with the marked
 * dates as rules; a panel per variant in `panels` (one when every variant saw the same shocks).
 */
export function shockTimelineSpec(months: readonly ShockMonth[], panels: readonly string[], markers: readonly Marker[]): TopLevelSpec {
  const x = { field: 'month', type: 'temporal', title: null, axis: { format: '%Y', tickCount: 'year' } } as const;
  const first = months.reduce((min, month) => (month.month < min ? month.month : min), '9999');
  const last = months.reduce((max, month) => (month.month > max ? month.month : max), '0000');
  const values = [
    ...months.filter((month) => panels.includes(month.variant)).map((month) => ({
      ...month,
      row: 'shock',
      next: nextMonth(month.month),
      tip: tip(`${month.shock}, ${month.month.slice(0, 7)}`, [`${panels.length > 1 ? `${month.variant}: ` : ''}${month.perRun.toFixed(3)} starts per run; mean magnitude ${(100 * month.meanMagnitude).toFixed(0)}%`, ...markersIn(month.month, markers)]),
    })),
    ...panels.flatMap((variant) => markers.filter((marker) => marker.date >= first && marker.date < nextMonth(last)).map((marker) => ({ row: 'marker', variant, month: marker.date, markerKind: marker.kind }))),
  ];
  const inner = {
    width: 640,
    height: { step: 16 },
    layer: [
      {
        name: `${HOVER}months`,
        transform: [{ filter: { field: 'row', equal: 'shock' } }],
        mark: { type: 'rect' },
        encoding: {
          x,
          x2: { field: 'next' },
          y: { field: 'shock', type: 'nominal', title: null },
          color: { field: 'perRun', type: 'quantitative', title: 'starts per run', scale: { scheme: 'oranges' }, legend: { orient: 'right' } },
          description: { field: 'tip', type: 'nominal' },
        },
      },
      ...(['timeline', 'shock'] as const).map((kind) => ({
        name: `markers_${kind}`,
        transform: [{ filter: { and: [{ field: 'row', equal: 'marker' }, { field: 'markerKind', equal: kind }] } }],
        mark: { type: 'rule', strokeDash: [3, 2], strokeWidth: 1.4, color: MARKER_COLOUR[kind], aria: false },
        encoding: { x },
      })),
    ],
  };
  const data = { values: values as unknown as Record<string, unknown>[] };
  return (panels.length > 1 ? { data, facet: { row: { field: 'variant', type: 'nominal', title: null, sort: [...panels] } }, spec: inner } : { data, ...inner }) as unknown as TopLevelSpec;
}
