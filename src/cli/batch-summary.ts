import type { BatchOutcome } from '../experiment/batch.js';
import { TABLE_NAMES } from '../io/layout.js';
import type { TableRows } from '../io/layout.js';
import type { MetricSummary } from '../experiment/summary.js';
import { printable } from '../printable.js';
import { percent, table } from './summary.js';

/** The end of a batch on the terminal: variants as columns, key metrics as rows, each a mean with its 95% CI (names escaped: see `printable`). */
export function formatBatchSummary(name: string, outcome: BatchOutcome, seconds: number): string {
  const { summary, description } = outcome;
  const variants = summary.variants;
  const lines = [`${printable(name)}: ${outcome.runs} runs x ${variants.length} variant(s) in ${seconds.toFixed(1)} s (${(outcome.runs * variants.length / seconds).toFixed(0)} runs/s); mean [95% CI]`, ''];
  type Row = [string, string, (value: number) => string];
  const rows: Row[] = [
    ...description.labs.flatMap((lab): Row[] => [
      [`${lab} shortfall`, `labs.${lab}.shortfallShare`, percent],
      [`${lab} spend (USD bn)`, `labs.${lab}.totalSpendUsd`, (v) => (v / 1e9).toFixed(1)],
      [`${lab} price (USD/h)`, `labs.${lab}.avgPriceUsdPerGpuHour`, (v) => v.toFixed(2)],
    ]),
    ['spot price (USD/h)', 'market.avgSpotPriceUsdPerGpuHour', (v) => v.toFixed(2)],
    ['contract price (USD/h)', 'market.avgContractPriceUsdPerGpuHour', (v) => v.toFixed(2)],
  ];
  // The leverage a lab's tenders give it: a tender figure is averaged over the runs where the lab has it.
  // A figure no run has (the incumbent's share for a lab that never had one) gets no row.
  const tenderRows = description.labs.flatMap((lab): Row[] => [
    [`${lab} tender price (USD/h)`, `labs.${lab}.tenderPriceUsdPerGpuHour`, (v) => v.toFixed(2)],
    [`${lab} bids per tender`, `labs.${lab}.biddersPerTender`, (v) => v.toFixed(2)],
    [`${lab} incumbent's share of blocks`, `labs.${lab}.incumbentBlockShare`, percent],
  ]).filter(([, metric]) => variants.some((v) => (summary.metrics[v]?.[metric]?.runs ?? 0) > 0));
  const cell = (m: MetricSummary | undefined, format: (value: number) => string): string =>
    m === undefined ? '' : m.runs === 0 ? 'none' : `${format(m.mean)} [${format(m.ci95[0])}, ${format(m.ci95[1])}]`;
  const metricTable = (title: string, of: Row[]): string =>
    table([title, ...variants], of.map(([label, metric, format]) => [label, ...variants.map((v) => cell(summary.metrics[v]?.[metric], format))]));
  lines.push(metricTable('metric', rows));
  if (tenderRows.length > 0) lines.push('', metricTable('tenders (runs that held one)', tenderRows));
  lines.push('');
  lines.push(table(
    ['P(shortfall > 10% in some year)', ...variants],
    description.labs.map((lab) => [lab, ...variants.map((v) => {
      const risk = summary.risks[v]?.[lab]?.shortfallOver10PercentInAnyYear;
      return risk ? `${percent(risk.p)} [${percent(risk.ci95[0])}, ${percent(risk.ci95[1])}]` : '';
    })]),
  ));
  if (variants.length > 1) {
    lines.push('');
    lines.push(`paired differences against ${printable(variants[0]!)} (same runs, common random numbers): mean [95% CI]`);
    const others = variants.slice(1);
    lines.push(table(['metric', ...others], [...rows, ...tenderRows].map(([label, metric, format]) => [label, ...others.map((v) => cell(summary.differences[v]?.[metric], format))])));
  }
  if (outcome.convergence) {
    const c = outcome.convergence;
    lines.push('');
    // The limiting metric's name holds a lab's id.
    const limiting = printable(c.limiting);
    lines.push(
      c.converged
        ? `converged after ${c.runs} runs: every key metric's 95% CI half-width is under ${percent(c.precision)} of its mean; last to converge: ${limiting} (${percent(c.relativeHalfWidth)})`
        : `NOT converged after ${c.runs} runs (the run limit): ${limiting} is still at ${percent(c.relativeHalfWidth)} (target ${percent(c.precision)})`,
    );
  }
  return lines.join('\n');
}

/** The files a batch directory holds, with each table's rows: `runs.arrow (400 rows), timeseries.arrow (144000), ...`. */
export function filesWritten(rows: TableRows): string {
  const tables = TABLE_NAMES.map((name, i) => `${name}.arrow (${rows[name]}${i === 0 ? ' rows' : ''})`);
  return [...tables, 'summary.json', 'manifest.json'].join(', ');
}
