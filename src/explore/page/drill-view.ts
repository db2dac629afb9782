import type { NotableEvent, RunResult } from '../../market/results.js';
import { dateAfter } from '../../market/calendar.js';
import { el } from './dom.js';
import { formatMetric, formatNumber } from './format.js';

/**
 * Drill-down: one run of the batch, picked by its rank on a key metric (the run at the 95th percentile
 * of a lab's shortfall, say), with what happened in it: the values its uncertain parameters drew, the
 * tenders its labs held, the contracts in force, and the shocks and other events of note. The run is
 * run again from its index (runs are reproducible), so the page keeps only the figures of each run.
 */

/** The run at percentile `percent` of `values` (one per run, NaN for a run without the metric): its index and value, or undefined if no run has it. */
export function percentileRun(values: Float64Array, percent: number): { runIndex: number; value: number; of: number } | undefined {
  const known: number[] = [];
  values.forEach((value, run) => {
    if (!Number.isNaN(value)) known.push(run);
  });
  if (known.length === 0) return undefined;
  // Ties are broken by run index, so the same runs give the same pick.
  known.sort((a, b) => values[a]! - values[b]! || a - b);
  const runIndex = known[Math.round((percent / 100) * (known.length - 1))]!;
  return { runIndex, value: values[runIndex]!, of: known.length };
}

/** What the drill-down shows of one run of one variant. */
export function runDetails(result: RunResult, start: string, lab: string | undefined): HTMLElement {
  const section = el('div', { class: 'run-details', 'data-run': result.runIndex });
  const parameters = Object.entries(result.sampled);
  section.append(
    el('h4', {}, `Uncertain parameters drawn (${parameters.length})`),
    table(['parameter', 'value'], parameters.map(([path, value]) => [path, formatNumber(value, 4)])),
  );
  const tenders = result.tenders.filter((tender) => lab === undefined || tender.lab === lab);
  section.append(
    el('h4', {}, `Tenders${lab ? ` of ${lab}` : ''} (${tenders.length})`),
    table(
      ['date', 'lab', 'strategy', 'block H100e', 'bids', 'winner', 'USD per H100e-hour', 'best rival', 'outcome'],
      tenders.map((tender) => [tender.date, tender.lab, tender.strategy, formatNumber(tender.sizeH100e), String(tender.bids.length), tender.winner || '—', tender.priceUsdPerGpuHour === null ? '—' : tender.priceUsdPerGpuHour.toFixed(3), tender.bestRivalUsdPerGpuHour === null ? '—' : tender.bestRivalUsdPerGpuHour.toFixed(3), tender.outcome]),
    ),
  );
  const contracts = result.audit.contracts.filter((contract) => lab === undefined || contract.lab === lab);
  section.append(
    el('h4', {}, `Contracts${lab ? ` of ${lab}` : ''} (${contracts.length})`),
    table(
      ['lab', 'provider', 'leased from', 'H100e', 'USD per H100e-hour', 'from', 'to', 'paid USD'],
      contracts.map((contract) => [contract.lab, contract.provider, contract.leasedFrom || '—', formatNumber(contract.volumeH100e), contract.priceUsdPerGpuHour.toFixed(3), dateAfter(start, contract.startDay), dateAfter(start, contract.endDay), formatNumber(contract.paidUsd)]),
    ),
  );
  const events = result.events.filter((event) => event.kind !== 'contract');
  section.append(
    el('h4', {}, `Shocks and other events of note (${events.length}; contracts above)`),
    table(['date', 'kind', 'who', 'what'], events.map((event) => [event.date, event.kind, ...eventCells(event)])),
  );
  return section;
}

/** An event's actors and figures, by its kind: a deal's lab and seller, price and volume; a shock's target, magnitude and duration; a policy's field and value. */
function eventCells(event: NotableEvent): [string, string] {
  switch (event.kind) {
    case 'contract':
    case 'matched':
    case 'lease':
      return [`${event.lab} · ${event.provider}${event.lessor ? ` (from ${event.lessor})` : ''}`, `${formatNumber(event.volumeH100e)} H100e at ${event.priceUsdPerGpuHour.toFixed(3)} USD per H100e-hour, ${event.startDate} to ${event.endDate}`];
    case 'shock-start':
    case 'shock-end':
      return [`${event.shock}: ${event.targetKind} ${event.target}`, `magnitude ${formatNumber(event.magnitude)}, ${formatNumber(event.durationDays)} days`];
    case 'policy':
      return [event.path, `${event.value}${event.note ? ` (${event.note})` : ''}`];
  }
}

/** A line describing the pick: `run 417: labs.openai.shortfallShare = 3.2%, the p95 of 1000 runs`. */
export function pickText(metric: string, percent: number, pick: { runIndex: number; value: number; of: number }): string {
  return `run ${pick.runIndex}: ${metric} = ${formatMetric(metric, pick.value)}, the p${percent} of ${pick.of} runs`;
}

function table(head: string[], rows: string[][]): HTMLElement {
  if (rows.length === 0) return el('p', { class: 'none' }, 'none');
  return el('div', { class: 'scroll' }, el('table', { class: 'details' }, el('thead', {}, el('tr', {}, ...head.map((text) => el('th', {}, text)))), el('tbody', {}, ...rows.map((row) => el('tr', {}, ...row.map((text) => el('td', {}, text)))))));
}
