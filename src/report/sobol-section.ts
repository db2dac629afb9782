import { MIN_SOBOL_BASE_SAMPLES, sobolIndices } from '../experiment/sobol.js';
import type { Interval } from '../experiment/sobol.js';
import type { Manifest } from '../io/outputs.js';
import { sobolSpec } from './charts.js';
import { escapeHtml } from './html.js';
import { metricLabel, parameterLabel } from './labels.js';
import { runColumn } from './runs.js';
import type { RunsColumns } from './runs.js';
import type { Draw } from './render.js';

/**
 * Sobol indices of a batch run with `--design sobol`: the runs come in groups of k + 2 (rows of
 * the Saltelli matrices A, B and AB_1..AB_k), in the parameter order the manifest records, so the
 * indices are computed from the runs table alone.
 */

/** One parameter's indices for one outcome. */
export interface SobolRow {
  parameter: string;
  first: Interval;
  total: Interval;
}

/** Every parameter's first-order and total indices for `outcome` in the baseline, largest total first; or why there are none. */
export function sobolRows(manifest: Manifest, runs: RunsColumns, outcome: string): SobolRow[] | string {
  const design = manifest.sobol;
  if (!design) return 'the manifest does not record the Sobol design (base samples and parameter order)';
  const k = design.parameters.length;
  const complete = Math.floor(runs.runs / (k + 2)) * (k + 2);
  if (complete < MIN_SOBOL_BASE_SAMPLES * (k + 2)) return `too few runs: ${runs.runs} runs make ${complete / (k + 2)} base sample(s) of ${k + 2} runs`;
  const values = runColumn(runs, 0, outcome).subarray(0, complete);
  if (values.some((value) => !Number.isFinite(value))) return 'some runs have no finite value of this outcome';
  const indices = sobolIndices(values, k, { seed: `${manifest.seed}:${outcome}` });
  return design.parameters
    .map((parameter, i) => ({ parameter, first: indices.first[i]!, total: indices.total[i]! }))
    .sort((a, b) => b.total.estimate - a.total.estimate || a.parameter.localeCompare(b.parameter));
}

/** First-order and total indices of each outcome in the baseline, with bootstrap CIs. */
export async function sobolSection(manifest: Manifest, runs: RunsColumns, outcomes: readonly string[], chart: Draw): Promise<string> {
  const design = manifest.sobol;
  const figures: string[] = [];
  const notes: string[] = [];
  for (const outcome of outcomes) {
    const rows = sobolRows(manifest, runs, outcome);
    if (typeof rows === 'string') {
      notes.push(`${escapeHtml(metricLabel(outcome))}: ${escapeHtml(rows)}`);
      continue;
    }
    const bars = rows.slice(0, 10).flatMap(({ parameter, first, total }) => [
      { parameter: parameterLabel(parameter), index: 'first order' as const, ...first },
      { parameter: parameterLabel(parameter), index: 'total' as const, ...total },
    ]);
    figures.push(await chart(`sobol:${outcome}`, sobolSpec(metricLabel(outcome), bars)));
  }
  const intro = design
    ? `<p>Variance-based sensitivity from the Saltelli design of ${design.baseSamples.toLocaleString('en')} base samples × ${design.parameters.length + 2} runs, in the <b>${escapeHtml(manifest.variants[0]!)}</b> variant. The first-order index is the share of an outcome's variance a parameter explains alone; the total index adds every interaction it takes part in, so a large gap between them means the parameter matters through interactions. Bars are estimates (Saltelli 2010 first order, Jansen total), lines 95% bootstrap intervals (which, treating the quasi-random points as independent, overstate the error somewhat); the ten parameters with the largest total index are shown.</p>`
    : '';
  const missing = notes.length ? `<p class="note">No indices for ${notes.join('; ')}.</p>` : '';
  return `${intro}${missing}<div class="charts">${figures.join('')}</div>`;
}
