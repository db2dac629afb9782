import type { Fan } from '../fans.js';
import { el, svg } from './dom.js';
import { formatNumber, formatShare } from './format.js';

/**
 * Fan charts drawn as SVG by hand (a few hundred elements, redrawn as runs arrive, faster than a
 * charting library): per series the p5-p95 band, the p25-p75 band and the median, month by month;
 * in a comparison, the file as loaded as a dashed median.
 */

/** One series of a chart. */
export interface FanSeries {
  label: string;
  colour: string;
  fan: Fan;
  /** Draw the p5-p95 band too (charts of many series draw only p25-p75). */
  outer: boolean;
  /** The median of the file as loaded, drawn dashed. */
  compare?: Fan;
}

/** A chart: its name (the `data-chart` attribute), title, unit and series over the months. */
export interface ChartSpec {
  name: string;
  title: string;
  unit: string;
  series: FanSeries[];
  /** A line drawn over the fans (a lab's median demand). */
  line?: { label: string; colour: string; values: Float64Array };
  /** YYYY-MM-DD of each month. */
  dates: readonly string[];
  /** Values are shares, shown as percentages on a 0-1 axis. */
  share?: boolean;
}

const WIDTH = 560;
const HEIGHT = 230;
const MARGIN = { left: 58, right: 12, top: 10, bottom: 26 };

/** The chart as a figure: title, SVG and legend. */
export function fanChart(spec: ChartSpec): HTMLElement {
  const runs = spec.series[0]?.fan.runs ?? 0;
  const figure = el('figure', { class: 'chart', 'data-chart': spec.name, 'data-runs': runs }, el('figcaption', {}, spec.title, el('span', { class: 'unit' }, ` (${spec.unit})`)));
  figure.append(plot(spec));
  const legend = el('div', { class: 'legend' });
  for (const series of spec.series) legend.append(el('span', { class: 'key' }, swatch(series.colour, false), series.label));
  if (spec.line) legend.append(el('span', { class: 'key' }, swatch(spec.line.colour, true), spec.line.label));
  if (spec.series.some((series) => series.compare)) legend.append(el('span', { class: 'key' }, swatch('#555', true), 'median as loaded'));
  legend.append(el('span', { class: 'key note' }, spec.series.some((series) => series.outer) ? 'bands: p5–p95, p25–p75; line: median' : 'band: p25–p75; line: median'));
  figure.append(legend);
  return figure;
}

function swatch(colour: string, dashed: boolean): SVGSVGElement {
  return svg('svg', { width: 18, height: 10, class: 'swatch' }, dashed ? svg('line', { x1: 0, y1: 5, x2: 18, y2: 5, stroke: colour, 'stroke-width': 2, 'stroke-dasharray': '4 3' }) : svg('rect', { x: 0, y: 1, width: 18, height: 8, fill: colour, 'fill-opacity': 0.5 }));
}

function plot(spec: ChartSpec): SVGSVGElement {
  const months = spec.dates.length;
  const { low, high } = yRange(spec);
  const x = (month: number): number => MARGIN.left + (months <= 1 ? 0 : (month / (months - 1)) * (WIDTH - MARGIN.left - MARGIN.right));
  const y = (value: number): number => HEIGHT - MARGIN.bottom - ((value - low) / (high - low || 1)) * (HEIGHT - MARGIN.top - MARGIN.bottom);
  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: WIDTH, height: HEIGHT, role: 'img', 'aria-label': spec.title });
  for (const tick of ticks(low, high)) {
    root.append(
      svg('line', { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y(tick), y2: y(tick), class: 'grid' }),
      svg('text', { x: MARGIN.left - 6, y: y(tick) + 4, class: 'tick', 'text-anchor': 'end' }, spec.share ? formatShare(tick) : formatNumber(tick)),
    );
  }
  spec.dates.forEach((date, month) => {
    if (!date.endsWith('-01-01') && month !== 0) return;
    root.append(svg('line', { x1: x(month), x2: x(month), y1: MARGIN.top, y2: HEIGHT - MARGIN.bottom, class: 'grid' }), svg('text', { x: x(month), y: HEIGHT - 8, class: 'tick', 'text-anchor': 'middle' }, date.slice(0, 4)));
  });
  for (const series of spec.series) {
    const [p5, p25, p50, p75, p95] = series.fan.bands as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    if (series.outer) root.append(band(p5, p95, x, y, series.colour, 0.18));
    root.append(band(p25, p75, x, y, series.colour, 0.35));
    root.append(line(p50, x, y, series.colour, false, 'median'));
    if (series.compare) root.append(line(series.compare.bands[2]!, x, y, series.colour, true, 'compare'));
  }
  if (spec.line) root.append(line(spec.line.values, x, y, spec.line.colour, true, 'line'));
  return root;
}

/** The axis range: from 0 (or the lowest value, when negative) to the highest band or line drawn. */
function yRange(spec: ChartSpec): { low: number; high: number } {
  let low = 0;
  let high = spec.share ? 0.05 : 0;
  const see = (values: Float64Array | undefined): void => {
    for (const value of values ?? []) {
      if (!Number.isFinite(value)) continue;
      if (value < low) low = value;
      if (value > high) high = value;
    }
  };
  for (const series of spec.series) {
    see(series.fan.bands[series.outer ? 4 : 3]);
    see(series.fan.bands[series.outer ? 0 : 1]);
    see(series.compare?.bands[2]);
  }
  see(spec.line?.values);
  if (spec.share) high = Math.min(1, high);
  return { low, high: high === low ? low + 1 : high };
}

/** About five round values between low and high. */
function ticks(low: number, high: number): number[] {
  const raw = (high - low) / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((candidate) => candidate >= raw) ?? raw;
  const values: number[] = [];
  for (let value = Math.ceil(low / step) * step; value <= high + step * 1e-9; value += step) values.push(Number(value.toPrecision(12)));
  return values;
}

type Scale = (value: number) => number;

/** The area between two series, in pieces where both are known. */
function band(lower: Float64Array, upper: Float64Array, x: Scale, y: Scale, colour: string, opacity: number): SVGPathElement {
  let d = '';
  for (const [from, to] of knownRuns(lower, upper)) {
    const top: string[] = [];
    const bottom: string[] = [];
    for (let month = from; month < to; month++) {
      top.push(`${x(month).toFixed(1)},${y(upper[month]!).toFixed(1)}`);
      bottom.push(`${x(month).toFixed(1)},${y(lower[month]!).toFixed(1)}`);
    }
    d += `M${top.join('L')}L${bottom.reverse().join('L')}Z`;
  }
  return svg('path', { d, fill: colour, 'fill-opacity': opacity, stroke: 'none', class: 'band' });
}

function line(values: Float64Array, x: Scale, y: Scale, colour: string, dashed: boolean, kind: string): SVGPathElement {
  let d = '';
  for (const [from, to] of knownRuns(values, values)) {
    const points: string[] = [];
    for (let month = from; month < to; month++) points.push(`${x(month).toFixed(1)},${y(values[month]!).toFixed(1)}`);
    d += `M${points.join('L')}`;
  }
  return svg('path', { d, fill: 'none', stroke: colour, 'stroke-width': dashed ? 1.5 : 2, 'stroke-dasharray': dashed ? '5 4' : undefined, class: kind });
}

/** The stretches [from, to) of months where both series have a finite value. */
function knownRuns(a: Float64Array, b: Float64Array): [number, number][] {
  const runs: [number, number][] = [];
  let start = -1;
  for (let month = 0; month <= a.length; month++) {
    const known = month < a.length && Number.isFinite(a[month]!) && Number.isFinite(b[month]!);
    if (known && start < 0) start = month;
    if (!known && start >= 0) {
      runs.push([start, month]);
      start = -1;
    }
  }
  return runs;
}
