import { sobolIndices } from '../experiment/sobol.js';
import type { Manifest } from '../io/outputs.js';
import { sobolSpec } from './charts.js';
import { escapeHtml } from './html.js';
import { metricLabel } from './labels.js';
import { runColumn } from './runs.js';
import type { RunsColumns } from './runs.js';
import type { renderSvg } from './render.js';

/**
 * Sobol indices of a batch run with `--design sobol`: the runs come in groups of k + 2 (rows of
 * the Saltelli matrices A, B and AB_1..AB_k), which the manifest records, so the indices are
 * computed from the runs table alone.
 */

type Draw = (name: string, spec: Parameters<typeof renderSvg>[0], caption?: string) => Promise<string>;

/** First-order and total indices of each outcome in the baseline, with bootstrap CIs. */
export async function sobolSection(manifest: Manifest, runs: RunsColumns, outcomes: readonly string[], chart: Draw): Promise<string> {
  const design = manifest.sobol;
  if (!design) return '<p class="note">The manifest does not record the Sobol design (base samples and parameter order), so the indices cannot be computed.</p>';
  const k = design.parameters.length;
  const complete = Math.floor(runs.runs / (k + 2)) * (k + 2);
  const figures: string[] = [];
  for (const outcome of outcomes) {
    const values = runColumn(runs, 0, outcome).subarray(0, complete);
    const indices = sobolIndices(values, k, { seed: `${manifest.seed}:${outcome}` });
    const rows = design.parameters
      .map((parameter, i) => ({ parameter, first: indices.first[i]!, total: indices.total[i]! }))
      .sort((a, b) => b.total.estimate - a.total.estimate || a.parameter.localeCompare(b.parameter))
      .slice(0, 10)
      .flatMap(({ parameter, first, total }) => [
        { parameter, index: 'first order' as const, ...first },
        { parameter, index: 'total' as const, ...total },
      ]);
    figures.push(await chart(`sobol:${outcome}`, sobolSpec(metricLabel(outcome), rows)));
  }
  return `<p>Variance-based sensitivity from the Saltelli design of ${design.baseSamples.toLocaleString('en')} base samples × ${k + 2} runs, in the <b>${escapeHtml(manifest.variants[0]!)}</b> variant. The first-order index is the share of an outcome's variance a parameter explains alone; the total index adds every interaction it takes part in. A large gap between them means the parameter matters through interactions. Bars are estimates (Saltelli 2010 first order, Jansen total), lines 95% bootstrap intervals; the ten parameters with the largest total index are shown.</p><div class="charts">${figures.join('')}</div>`;
}
