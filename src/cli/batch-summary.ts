import type { BatchOutcome } from '../experiment/batch.js';
import { batchTables } from '../io/layout.js';
import type { BatchDescription, TableRows } from '../io/layout.js';
import { figureLabel, figureOf, horizonText, meanAndInterval, RISK, STATISTICS, unitOf } from '../io/vocabulary.js';
import type { Unit } from '../io/vocabulary.js';
import type { MetricSummary } from '../experiment/summary.js';
import { printable } from '../printable.js';
import { definitions, percent, table } from './summary.js';

/**
 * The end of a batch on the terminal: its horizon, then variants as columns and key metrics as
 * rows, each a mean with its 95% CI in the unit the vocabulary gives it, and one line defining each.
 */
export function formatBatchSummary(name: string, outcome: BatchOutcome, seconds: number): string {
  const { summary, description } = outcome;
  const variants = summary.variants;
  const horizon = outcome.scenario.horizon;
  const lines = [
    `${printable(name)}: ${outcome.runs} runs x ${variants.length} variant(s) in ${seconds.toFixed(1)} s (${rateText(outcome, variants.length, seconds)})`,
    `${horizon ? `horizon ${horizonText(horizon)}; ` : ''}every figure is over the horizon, as the mean over runs [95% CI]`,
    '',
  ];
  const rows = [
    ...description.labs.flatMap((lab) => ['shortfallShare', 'totalSpendUsd', 'avgPriceUsdPerGpuHour'].map((figure) => `labs.${lab}.${figure}`)),
    'market.avgSpotPriceUsdPerGpuHour',
    'market.avgContractPriceUsdPerGpuHour',
  ];
  // The leverage a lab's tenders give it: a tender figure is averaged over the runs where the lab has it.
  // A figure no run has (the incumbent's share for a lab that never had one) gets no row.
  const tenderRows = description.labs
    .flatMap((lab) => ['tenderPriceUsdPerGpuHour', 'biddersPerTender', 'incumbentBlockShare'].map((figure) => `labs.${lab}.${figure}`))
    .filter((metric) => variants.some((v) => (summary.metrics[v]?.[metric]?.runs ?? 0) > 0));
  const cell = (m: MetricSummary | undefined, unit: Unit, difference = false): string =>
    m === undefined ? '' : m.runs === 0 ? 'none' : meanAndInterval(unit, m.mean, m.ci95[0], m.ci95[1], difference);
  const metricTable = (title: string, of: string[]): string =>
    table([title, 'unit', ...variants], of.map((metric) => [figureLabel(metric), unitOf(metric).name, ...variants.map((v) => cell(summary.metrics[v]?.[metric], unitOf(metric)))]));
  lines.push(metricTable('metric', rows));
  if (tenderRows.length > 0) lines.push('', metricTable('tenders (runs that held one)', tenderRows));
  lines.push('');
  lines.push(table(
    [RISK.label, 'unit', ...variants],
    description.labs.map((lab) => [lab, RISK.unit.name, ...variants.map((v) => {
      const risk = summary.risks[v]?.[lab]?.shortfallOver10PercentInAnyYear;
      return risk ? meanAndInterval(RISK.unit, risk.p, risk.ci95[0], risk.ci95[1]) : '';
    })]),
  ));
  if (variants.length > 1) {
    lines.push('');
    lines.push(`paired differences against ${printable(variants[0]!)} (same runs, common random numbers): mean [95% CI]`);
    const others = variants.slice(1);
    lines.push(table(['metric', 'unit', ...others], [...rows, ...tenderRows].map((metric) => [
      figureLabel(metric),
      unitOf(metric).difference,
      ...others.map((v) => cell(summary.differences[v]?.[metric], unitOf(metric), true)),
    ])));
  }
  if (outcome.convergence) {
    const c = outcome.convergence;
    lines.push('');
    // The limiting metric's name holds a lab's id.
    const limiting = printable(c.limiting);
    lines.push(
      c.converged
        ? `converged after ${c.runs} runs: every key metric's 95% CI half-width is under ${percent(c.precision)} of its mean; last to converge: ${printable(limitingLabel(c.limiting))} (${percent(c.relativeHalfWidth)})`
        : `NOT converged after ${c.runs} runs (the run limit): ${printable(limitingLabel(c.limiting))} is still at ${percent(c.relativeHalfWidth)} (target ${percent(c.precision)})`,
    );
  }
  lines.push('', ...definitions([...rows, ...tenderRows].map((metric) => figureOf(metric)), [RISK], variants.length > 1 ? [STATISTICS.mean, STATISTICS.difference] : [STATISTICS.mean]));
  return lines.join('\n');
}

/** Runs/s of the runs this process ran: runs restored from a checkpoint took no time, so they are counted apart. */
function rateText(outcome: BatchOutcome, variants: number, seconds: number): string {
  const restored = outcome.restored ?? 0;
  const rate = `${(((outcome.runs - restored) * variants) / seconds).toFixed(0)} runs/s`;
  return restored > 0 ? `${rate}; ${restored} restored from the checkpoint` : rate;
}

/** `variant: labs.openai.shortfallShare` as `variant: openai shortfall`. */
function limitingLabel(limiting: string): string {
  const at = limiting.lastIndexOf(': ');
  return at < 0 ? limiting : `${limiting.slice(0, at)}: ${figureLabel(limiting.slice(at + 2))}`;
}

/** The files a batch directory holds, with each table's rows: `runs.arrow (400 rows), market.arrow (28800), labs.arrow (115200), ...`. */
export function filesWritten(rows: TableRows, description: BatchDescription): string {
  const tables = batchTables(description).map((name, i) => `${name}.arrow (${rows[name]}${i === 0 ? ' rows' : ''})`);
  return [...tables, 'summary.json', 'manifest.json'].join(', ');
}
