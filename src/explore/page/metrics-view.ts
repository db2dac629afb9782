import { keyMetrics } from '../../experiment/metrics.js';
import type { BatchSummary, MetricSummary } from '../../experiment/summary.js';
import { runsLayout } from '../../io/layout.js';
import type { BatchDescription } from '../../io/layout.js';
import { el } from './dom.js';
import { formatMetric } from './format.js';

/**
 * The key-metric table: the batch summary `computerace run` writes to summary.json (the same
 * function, over the same runs), for the chosen lab, the providers and the market. Alone: mean, 95%
 * CI of the mean and quantiles; in a comparison: each side's mean and the paired difference, edited
 * minus as loaded, with its 95% CI (common random numbers: the same run indices on both sides).
 * Every figure cell carries its exact value in `data-value`.
 */

/** The key metrics the table shows for `lab`: its own, the providers' final market shares, the market's. */
export function shownMetrics(description: BatchDescription, lab: string): string[] {
  return keyMetrics(description).filter((name) => !name.startsWith('labs.') || name.startsWith(`labs.${lab}.`));
}

/** The table for the runs summarised in `summary`. */
export function metricsTable(description: BatchDescription, summary: BatchSummary, lab: string): HTMLElement {
  const describedBy = new Map(runsLayout(description).map((column) => [column.name, column.description]));
  const compare = summary.variants.length > 1;
  const [baseline, edited] = [summary.variants[0]!, summary.variants[summary.variants.length - 1]!];
  const head = compare
    ? ['metric', 'as loaded: mean', 'edited: mean', 'edited − as loaded', '95% CI of the difference', 'runs']
    : ['metric', 'mean', '95% CI of the mean', 'p5', 'p50', 'p95', 'runs'];
  const table = el('table', { class: 'metrics', 'data-runs': summary.runs }, el('thead', {}, el('tr', {}, ...head.map((text) => el('th', {}, text)))));
  const body = el('tbody');
  for (const name of shownMetrics(description, lab)) {
    const cell = (variant: string, stat: string, value: number, text = formatMetric(name, value)): HTMLElement => el('td', { 'data-metric': name, 'data-variant': variant, 'data-stat': stat, 'data-value': String(value) }, text);
    const interval = (variant: string, stat: string, summary: MetricSummary): HTMLElement =>
      el('td', { 'data-metric': name, 'data-variant': variant, 'data-stat': stat, 'data-low': String(summary.ci95[0]), 'data-high': String(summary.ci95[1]) }, `${formatMetric(name, summary.ci95[0])} … ${formatMetric(name, summary.ci95[1])}`);
    const label = el('th', { scope: 'row', title: describedBy.get(name) ?? '' }, name);
    if (compare) {
      const difference = summary.differences[edited]![name]!;
      const clear = difference.ci95[0] > 0 || difference.ci95[1] < 0;
      const row = el('tr', { class: clear ? 'significant' : undefined }, label, cell(baseline, 'mean', summary.metrics[baseline]![name]!.mean), cell(edited, 'mean', summary.metrics[edited]![name]!.mean));
      row.append(cell('difference', 'mean', difference.mean), interval('difference', 'ci95', difference), el('td', {}, String(difference.runs)));
      body.append(row);
    } else {
      const metric = summary.metrics[baseline]![name]!;
      body.append(el('tr', {}, label, cell(baseline, 'mean', metric.mean), interval(baseline, 'ci95', metric), cell(baseline, 'p5', metric.p5), cell(baseline, 'p50', metric.p50), cell(baseline, 'p95', metric.p95), el('td', {}, String(metric.runs))));
    }
  }
  table.append(body);
  return table;
}
