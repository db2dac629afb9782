import { basename, resolve } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { describe, pairedDifference, unpairedDifference } from '../experiment/statistics.js';
import { observed, observedPairs } from '../experiment/summary.js';
import type { Manifest } from '../io/outputs.js';
import { OutputError, refuseToReplace, WriteFailure, writeWhole } from '../io/outputs.js';
import type { BatchDescription } from '../io/layout.js';
import { formatIn, horizonOf, meanAndInterval, unitOf } from '../io/vocabulary.js';
import type { Unit } from '../io/vocabulary.js';
import { escapeHtml, figure, section, STYLE, table } from './html.js';
import { renderSvg } from './render.js';
import { checkBatchFiles, readManifest, ReportError } from './results.js';
import { readRunsColumns, runColumn } from './runs.js';
import type { RunsColumns } from './runs.js';

/**
 * `computerace compare`: finished batches side by side. Every (batch, variant) is an arm; each arm
 * is compared with the first batch's first variant, the reference, on the figures a strategist
 * reads (each lab's shortfall, spend and price paid; the market's prices). Two arms that ran the
 * same run indices with the same seed (the variants of one batch, or batches of one seed and
 * number of runs) share their random numbers run by run, so their difference is taken run by run
 * (paired); other arms are compared as independent samples (Welch's interval). Batches are read as
 * `report` reads them: manifests and files checked against their hashes, the runs table only.
 */

/** A figure compared: a column of the runs table, in words, with its unit. */
export interface ComparedFigure {
  column: string;
  label: string;
  unit: Unit;
}

/** The figures compared for a batch's labs: shortfall, spend and price paid each, then the market's prices. */
function figuresOf(labs: readonly string[]): ComparedFigure[] {
  return [
    ...labs.flatMap((lab) => [
      { column: `labs.${lab}.shortfallShare`, label: `${lab} shortfall` },
      { column: `labs.${lab}.totalSpendUsd`, label: `${lab} spend` },
      { column: `labs.${lab}.avgPriceUsdPerGpuHour`, label: `${lab} price paid` },
    ]),
    { column: 'market.avgSpotPriceUsdPerGpuHour', label: 'spot price' },
    { column: 'market.avgContractPriceUsdPerGpuHour', label: 'contract price' },
  ].map((figure) => ({ ...figure, unit: unitOf(figure.column) }));
}

/** One (batch, variant) compared. */
export interface Arm {
  /** The batch's folder as given, and its place among them. */
  dir: string;
  batch: number;
  variant: string;
  /** The folder's name, with the variant's when the batch has several: `multicloud:exclusive-azure`. */
  label: string;
  scenario: string;
  seed: string;
  runs: number;
  design: string;
}

/** One figure of one arm against the reference. */
export interface ComparedRow {
  figure: ComparedFigure;
  arm: string;
  /** Means of the reference and of the arm, as stored (USD, shares from 0 to 1). */
  reference: number;
  value: number;
  /** value − reference and its 95% CI: paired run by run, or Welch's for independent runs. */
  difference: number;
  low: number;
  high: number;
  paired: boolean;
  /** Pairs of runs compared, or the arm's runs when unpaired. */
  runs: number;
}

/** Batches compared: the reference arm, the others, and their rows by arm then figure. */
export interface Comparison {
  reference: Arm;
  arms: Arm[];
  /** Why each arm is or is not paired with the reference, by label. */
  pairing: Record<string, string>;
  /** What a reader must know of each arm's rows, by label: another horizon, figures one batch lacks. */
  notes: Record<string, string[]>;
  rows: ComparedRow[];
}

/** A batch as compare reads it. */
interface Batch {
  dir: string;
  manifest: Manifest & { description: BatchDescription };
  runs: RunsColumns;
}

/** Compares the finished batches in `dirs` (at least two arms in all), the first batch's first variant the reference. */
export async function compareBatches(dirs: readonly string[]): Promise<Comparison> {
  if (dirs.length === 0) throw new ReportError('compare: give the output folders of two finished batches or more');
  const figures = new Map<string, ComparedFigure>();
  const batches: Batch[] = [];
  for (const dir of dirs) {
    const manifest = await readManifest(dir);
    await checkBatchFiles(dir, manifest, false);
    for (const figure of figuresOf(manifest.description.labs)) if (!figures.has(figure.column)) figures.set(figure.column, figure);
    const names = figuresOf(manifest.description.labs).map((figure) => figure.column);
    const rows = manifest.files['runs.arrow']?.rows ?? manifest.runsDone * manifest.description.variants.length;
    batches.push({ dir, manifest, runs: await readRunsColumns(dir, manifest.description.variants, names, rows) });
  }
  const labels = armLabels(batches);
  const arms = batches.flatMap((batch, b) => batch.manifest.description.variants.map((variant, v): Arm => ({
    dir: batch.dir, batch: b, variant, label: labels[b]![v]!, scenario: batch.manifest.scenarioName, seed: batch.manifest.seed, runs: batch.runs.runs, design: batch.manifest.design,
  })));
  if (arms.length < 2) throw new ReportError(`compare: ${dirs[0]} holds one batch of one variant: give another batch to compare it with`);
  const [reference, ...others] = arms as [Arm, ...Arm[]];
  const values = (arm: Arm, column: string): Float64Array | undefined => {
    const table = batches[arm.batch]!.runs;
    return table.names.includes(column) ? runColumn(table, table.variants.indexOf(arm.variant), column) : undefined;
  };
  const pairing: Record<string, string> = {};
  const notes: Record<string, string[]> = {};
  const rows: ComparedRow[] = [];
  const horizon = (arm: Arm): string => {
    const written = horizonOf(batches[arm.batch]!.manifest.scenario);
    return written === undefined ? 'an unrecorded horizon' : `${written.start} to ${written.end}`;
  };
  for (const arm of others) {
    const why = pairedBecause(reference, arm);
    pairing[arm.label] = why ?? unpairedBecause(reference, arm);
    const said: string[] = [];
    // Figures over the horizon (totals, shares, means) are not alike over different horizons.
    if (horizon(arm) !== horizon(reference)) said.push(`over another horizon: ${horizon(reference)} against ${horizon(arm)}, so its figures over the horizon are not alike`);
    // Another build may draw other numbers from the same seed: pairs by run index are then not common random numbers.
    const [buildA, buildB] = [batches[reference.batch]!.manifest, batches[arm.batch]!.manifest].map((manifest) => `${manifest.engineVersion} build ${manifest.engineBuild ?? 'unrecorded'}`);
    if (buildA !== buildB) said.push(`written by another computerace (${buildB}, the reference by ${buildA}): its runs may not share the reference's random numbers`);
    const lacking: string[] = [];
    for (const figure of figures.values()) {
      const [a, b] = [values(reference, figure.column), values(arm, figure.column)];
      // A lab one of the two batches does not have; one neither has is no figure of this pair.
      if (a === undefined || b === undefined) {
        if (a !== undefined || b !== undefined) lacking.push(figure.label);
        continue;
      }
      const [ra, rb] = [describe(observed(figure.column, a)).mean, describe(observed(figure.column, b)).mean];
      if (why !== undefined) {
        const [pa, pb] = observedPairs(figure.column, a, b);
        const d = pairedDifference(pa, pb);
        rows.push({ figure, arm: arm.label, reference: ra, value: rb, difference: d.mean, low: d.ciLow, high: d.ciHigh, paired: true, runs: d.count });
      } else {
        const d = unpairedDifference(observed(figure.column, a), observed(figure.column, b));
        rows.push({ figure, arm: arm.label, reference: ra, value: rb, difference: d.mean, low: d.ciLow, high: d.ciHigh, paired: false, runs: d.countB });
      }
    }
    if (lacking.length > 0) said.push(`not compared, as one of the two batches has no such lab: ${lacking.join(', ')}`);
    notes[arm.label] = said;
  }
  return { reference, arms: others, pairing, notes, rows };
}

/** Why `arm` shares its random numbers with the reference run by run, or undefined when it does not. */
function pairedBecause(reference: Arm, arm: Arm): string | undefined {
  if (arm.batch === reference.batch) return `paired by run index: variants of one batch (common random numbers)`;
  if (arm.seed === reference.seed && arm.runs === reference.runs && arm.design === reference.design) {
    return `paired by run index: the same seed (${arm.seed}), runs (${arm.runs}) and design`;
  }
  return undefined;
}

/** Why `arm` is compared with the reference as independent runs. */
function unpairedBecause(reference: Arm, arm: Arm): string {
  const differences = [
    arm.seed !== reference.seed ? `seeds ${reference.seed} and ${arm.seed}` : '',
    arm.runs !== reference.runs ? `${reference.runs} and ${arm.runs} runs` : '',
    arm.design !== reference.design ? `designs ${reference.design} and ${arm.design}` : '',
  ].filter((text) => text !== '');
  return `unpaired (${differences.join(', ')}): Welch's interval for independent runs`;
}

/** Each batch's arm labels: its folder's name (the whole path when two share a name), with the variant's when it has several. */
function armLabels(batches: readonly Batch[]): string[][] {
  const names = batches.map((batch) => basename(resolve(batch.dir)));
  const unique = names.map((name, b) => (names.filter((other) => other === name).length > 1 ? batches[b]!.dir : name));
  return batches.map((batch, b) => {
    const variants = batch.manifest.description.variants;
    return variants.map((variant) => (variants.length > 1 ? `${unique[b]}:${variant}` : unique[b]!));
  });
}

/** A compared row's cells in words, as the report and the terminal write a figure (io/vocabulary.ts): its reference, its value and its difference with the interval. */
export function comparedCells(row: ComparedRow): [string, string, string] {
  return [formatIn(row.figure.unit, row.reference), formatIn(row.figure.unit, row.value), differenceCell(row)];
}

/** A row's difference with its interval, in the unit of differences: `+47.1 [42.1, 52.1] percentage points`. */
function differenceCell(row: ComparedRow): string {
  const unit = row.figure.unit;
  return `${meanAndInterval(unit, row.difference, row.low, row.high, true)} ${unit.difference}`;
}

/** Writes the comparison as one self-contained HTML page at `path`: the tables, and a forest plot of the differences per unit. */
export async function writeComparisonReport(comparison: Comparison, path: string): Promise<{ path: string; bytes: number }> {
  await refuseToReplace(path, 'comparison').catch((error: OutputError) => {
    throw new ReportError(error.message);
  });
  const { reference, arms, pairing, notes, rows } = comparison;
  const title = `${reference.label} compared with ${arms.map((arm) => arm.label).join(', ')}`;
  const armList = [reference, ...arms].map((arm) => `<li><b>${escapeHtml(arm.label)}</b>: ${escapeHtml(arm.dir)}, scenario ${escapeHtml(arm.scenario)}, variant ${escapeHtml(arm.variant)}, seed ${escapeHtml(arm.seed)}, ${arm.runs.toLocaleString('en')} runs${arm === reference ? ' (the reference)' : ` (${escapeHtml(pairing[arm.label]!)})`}</li>`).join('');
  const tables = arms.map((arm) => {
    const mine = rows.filter((row) => row.arm === arm.label);
    return `<h3>${escapeHtml(arm.label)} − ${escapeHtml(reference.label)}</h3><p class="note">${[pairing[arm.label]!, ...notes[arm.label]!].map(escapeHtml).join('<br>')}</p>${table(
      ['figure', 'unit', escapeHtml(reference.label), escapeHtml(arm.label), 'difference [95% CI]'],
      mine.map((row) => [escapeHtml(row.figure.label), escapeHtml(row.figure.unit.name), ...comparedCells(row).map(escapeHtml)]),
      (column) => column > 1,
    )}`;
  }).join('');
  const charts: string[] = [];
  for (const unit of [...new Set(rows.map((row) => row.figure.unit))]) {
    const ofUnit = rows.filter((row) => row.figure.unit === unit);
    charts.push(figure(`compare-forest-${unit.difference.replace(/\W+/g, '-')}`, await renderSvg(forestSpec(ofUnit, unit, arms.map((arm) => arm.label))), `Differences from ${escapeHtml(reference.label)} in ${escapeHtml(unit.difference)}, with 95% confidence intervals; a bar that crosses 0 is no resolved difference.`));
  }
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="generator" content="computerace"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1><p class="lead">Each figure is a mean over the runs of its batch; a difference is the arm's minus the reference's, with its 95% confidence interval.</p>
${section('arms', 'Batches compared', `<ul>${armList}</ul>`)}
${section('differences', 'Differences', `<div class="charts">${charts.join('')}</div>${tables}`)}
</body></html>
`;
  try {
    await writeWhole(path, html);
  } catch (error) {
    if (error instanceof WriteFailure) throw new ReportError(`${path}: cannot write the comparison (${error.code})`);
    if (error instanceof OutputError) throw new ReportError(error.message);
    throw error;
  }
  return { path, bytes: Buffer.byteLength(html) };
}

/** A forest plot of the differences of one unit: a row per figure, a point and its interval per arm, a rule at 0. */
function forestSpec(rows: readonly ComparedRow[], unit: Unit, arms: readonly string[]): TopLevelSpec {
  const values = rows.map((row) => ({
    figure: row.figure.label,
    arm: row.arm,
    difference: row.difference * unit.scale,
    low: row.low * unit.scale,
    high: row.high * unit.scale,
    // The point's label, as the tables write it (Vega's own read "percentage points: 45.8299...").
    tip: `${row.figure.label}, ${row.arm}: ${differenceCell(row)}`,
  }));
  return {
    title: { text: `Difference from the reference, ${unit.difference}`, fontSize: 12 },
    data: { values },
    width: 420,
    height: { step: 16 },
    encoding: {
      y: { field: 'figure', type: 'nominal', title: null, sort: null, axis: { labelLimit: 0 } },
      yOffset: { field: 'arm', type: 'nominal', scale: { domain: arms } },
      color: { field: 'arm', type: 'nominal', title: 'batch', scale: { domain: arms }, legend: arms.length > 1 ? {} : null },
    },
    layer: [
      { mark: { type: 'rule', strokeWidth: 2, aria: false }, encoding: { x: { field: 'low', type: 'quantitative', title: unit.difference }, x2: { field: 'high' } } },
      { mark: { type: 'point', filled: true, size: 30 }, encoding: { x: { field: 'difference', type: 'quantitative' }, description: { field: 'tip', type: 'nominal' } } },
      { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: '#888' }, encoding: { x: { field: 'zero', type: 'quantitative' }, yOffset: null, color: null, y: null } },
    ],
  } as unknown as TopLevelSpec;
}
