import { join } from 'node:path';
import { stringify } from 'yaml';
import { keyMetrics } from '../experiment/metrics.js';
import { COMPANION_SERIES, FAN_CHARTS, FAN_RUNS, readFans } from './fans.js';
import type { Fans } from './fans.js';
import { readShocks } from './shocks.js';
import type { Shocks } from './shocks.js';
import { checkBatchFiles, readManifest, ReportError } from './results.js';
import { readRunsColumns } from './runs.js';
import type { RunsColumns } from './runs.js';
import { drivers, histogram, labRisks, pairedDifferences, summaries } from './analysis.js';
import type { Drivers, LabVariantRisk, PairedRow } from './analysis.js';
import { fanChartSpec, forestSpec, histogramSpec, shockTimelineSpec, tornadoSpec } from './charts.js';
import { findings } from './findings.js';
import { renderSvg } from './render.js';
import type { Draw } from './render.js';
import { escapeHtml, figure, section, SCRIPT, STYLE, table, variantStyle, variantToggle } from './html.js';
import { metricLabel, parameterLabel } from './labels.js';
import { markers, variantsOf } from './timeline.js';
import type { Marker } from './timeline.js';
import type { Manifest } from '../io/outputs.js';
import { OutputError, refuseMissingFolder, refuseToReplace, WriteFailure, writeWhole } from '../io/outputs.js';
import type { BatchDescription } from '../io/layout.js';
import type { Summary } from '../experiment/statistics.js';
import { BN_USD, figureLabel, figureOf, formatIn, horizonOf, horizonText, meanAndInterval, PERCENTAGE_POINTS, RISK, STATISTICS, unitOf, USD_PER_H100E_HOUR, WORST_RUNS } from '../io/vocabulary.js';
import type { Unit } from '../io/vocabulary.js';

/**
 * `computerace report`: a batch's output directory in, one self-contained HTML page out. It reads
 * the manifest and the Arrow tables only, one record batch at a time, so it works on merged
 * cluster outputs, and a 100,000-run batch takes bounded memory: the runs table's chosen columns in
 * full (about 50 MB), the monthly series and events of the first runs only (see fans.ts).
 */

/** Options of `writeReport`. */
export interface ReportOptions {
  /** Where the page goes; default `<dir>/report.html`. */
  out?: string;
  /** Most runs the fans and the shock timeline are drawn from; default FAN_RUNS. */
  fanRuns?: number;
}

/** What `writeReport` made. */
export interface ReportOutcome {
  path: string;
  bytes: number;
  /** `data-chart` names of the charts on the page, in order. */
  charts: string[];
}

/** Everything the page is made from. */
interface Inputs {
  manifest: Manifest & { description: BatchDescription };
  runs: RunsColumns;
  fans: Fans;
  shocks: Shocks;
}

/** The run-level figures the page shows, computed once: the findings and the sections share them. */
interface Figures {
  metrics: string[];
  summaries: Map<string, Summary[]>;
  differences: PairedRow[];
  risks: LabVariantRisk[];
  /** The drivers of each sensitivity outcome, or why there are none. */
  drivers: Drivers[] | string;
  markers: Marker[];
}

/** Outcomes whose drivers the sensitivity section ranks: what strategists act on. */
function sensitivityOutcomes(description: BatchDescription): string[] {
  return [
    ...description.labs.flatMap((lab) => [`labs.${lab}.shortfallShare`, `labs.${lab}.avgPriceUsdPerGpuHour`]),
    'market.avgSpotPriceUsdPerGpuHour',
    'market.avgContractPriceUsdPerGpuHour',
  ];
}

/** Reads the batch in `dir` and writes its report; the page appears complete or not at all. */
export async function writeReport(dir: string, options: ReportOptions = {}): Promise<ReportOutcome> {
  const path = options.out ?? join(dir, 'report.html');
  // Found out before the batch is read, not after.
  await refuseToReplace(path, 'report').catch((error: OutputError) => {
    throw new ReportError(error.message);
  });
  const manifest = await readManifest(dir);
  // Before the charts are drawn (seconds of work), as writing the page there would fail: a typo in --out should not cost them.
  await refuseMissingFolder(path).catch((error: unknown) => {
    throw cannotWrite(path, error);
  });
  const lock = await checkBatchFiles(dir, manifest, options.out === undefined);
  try {
    return await writePage(dir, manifest, path, options);
  } finally {
    await lock?.release();
  }
}

/** Why the page could not be written at `path`: the file system's code, never its message (an OutputError says its own). */
function cannotWrite(path: string, error: unknown): ReportError {
  if (error instanceof WriteFailure) return new ReportError(`${path}: cannot write the report (${error.code})`);
  if (error instanceof OutputError) return new ReportError(error.message);
  return new ReportError(`${path}: cannot write the report (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
}

/** Reads the batch's tables and writes the page at `path`. */
async function writePage(dir: string, manifest: Manifest & { description: BatchDescription }, path: string, options: ReportOptions): Promise<ReportOutcome> {
  const { description } = manifest;
  const rows = manifest.files['runs.arrow']?.rows ?? manifest.runsDone * description.variants.length;
  const names = [...description.parameters.map((parameter) => `param.${parameter}`), ...keyMetrics(description)];
  const [runs, fans, shocks] = await Promise.all([
    readRunsColumns(dir, description.variants, names, rows),
    readFans(dir, description, manifest.runsDone, options.fanRuns ?? FAN_RUNS),
    readShocks(dir, description, Math.min(options.fanRuns ?? FAN_RUNS, manifest.runsDone)),
  ]);
  const charts: string[] = [];
  const html = await page({ manifest, runs, fans, shocks }, charts);
  try {
    await writeWhole(path, html);
  } catch (error) {
    throw cannotWrite(path, error);
  }
  return { path, bytes: Buffer.byteLength(html), charts };
}

/** The figures of the page, from the runs table and the resolved scenario. */
function figuresOf({ manifest, runs }: Inputs): Figures {
  const { description } = manifest;
  const metrics = keyMetrics(description);
  const parameters = description.parameters;
  let ranked: Drivers[] | string;
  if (parameters.length === 0) ranked = 'this scenario has no uncertain parameters.';
  else if (runs.runs <= parameters.length + 2) ranked = `ranking ${parameters.length} parameters needs more than ${parameters.length + 2} runs; this batch has ${runs.runs}.`;
  else ranked = sensitivityOutcomes(description).map((outcome) => drivers(runs, parameters, outcome, manifest.seed));
  return {
    metrics,
    summaries: new Map(metrics.map((metric) => [metric, summaries(runs, metric)])),
    differences: pairedDifferences(runs, metrics),
    risks: labRisks(runs, description.labs),
    drivers: ranked,
    markers: markers(manifest.scenario, manifest.variants),
  };
}

/** The whole page. `charts` collects the names of the charts drawn. */
async function page(inputs: Inputs, charts: string[]): Promise<string> {
  const { manifest } = inputs;
  const chart: Draw = async (name, spec, caption) => {
    charts.push(name);
    return figure(name, await renderSvg(spec), caption);
  };
  const figures = figuresOf(inputs);
  const sections: [string, string, string][] = [];
  const add = (id: string, title: string, body: string) => sections.push([id, title, body]);
  add('findings', 'Headline findings', headline(inputs, figures));
  add('results', 'Key results', keyResults(inputs, figures));
  add('fans', 'Over time', await fanSection(inputs, figures, chart));
  add('outcomes', 'Outcomes across runs', await outcomeSection(inputs, chart));
  if (manifest.variants.length > 1) add('variants', 'Variants compared', await variantSection(inputs, figures, chart));
  add('sensitivity', 'What drives the outcomes', await sensitivitySection(inputs, figures, chart));
  if (manifest.design === 'sobol') {
    const { sobolSection } = await import('./sobol-section.js');
    add('sobol', 'Sobol indices', await sobolSection(inputs.manifest, inputs.runs, sensitivityOutcomes(manifest.description), chart));
  }
  add('shocks', 'Shocks', await shockSection(inputs, figures, chart));
  add('provenance', 'What was run', provenance(manifest));
  const title = `${manifest.scenarioName}: ${manifest.runsDone.toLocaleString('en')} runs`;
  const horizon = horizonOf(manifest.scenario);
  const scenarioDescription = (manifest.scenario as { description?: unknown } | undefined)?.description;
  const several = manifest.variants.length > 1;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="computerace ${escapeHtml(manifest.engineVersion)}">
<title>${escapeHtml(title)}</title>
<style>${STYLE}${several ? variantStyle(manifest.variants) : ''}</style>
</head>
<body>
<header>
<h1>${escapeHtml(manifest.scenarioName)}</h1>
${typeof scenarioDescription === 'string' && scenarioDescription.trim() ? `<p class="description">${escapeHtml(scenarioDescription.trim())}</p>` : ''}
<p class="lead">${horizon ? `<b>Horizon ${escapeHtml(horizonText(horizon))}.</b> ` : ''}${escapeHtml(manifest.runsDone.toLocaleString('en'))} runs × ${manifest.variants.length} variant${several ? 's' : ''} (${manifest.variants.map(escapeHtml).join(', ')}), seed ${escapeHtml(manifest.seed)}, ${escapeHtml(manifest.design)} design; scenario <code>${escapeHtml(manifest.scenarioHash.slice(0, 12))}</code>; finished ${escapeHtml(manifest.finishedAt)}.</p>
<nav><ol>${sections.map(([id, heading]) => `<li><a href="#${id}">${escapeHtml(heading)}</a></li>`).join('')}</ol></nav>
</header>
${several ? variantToggle(manifest.variants) : ''}
<main>
${sections.map(([id, heading, body]) => section(id, heading, body)).join('\n')}
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** The findings in sentences, from the figures. */
function headline({ manifest }: Inputs, figures: Figures): string {
  const items = findings({
    variants: manifest.variants,
    labs: manifest.description.labs,
    summaries: figures.summaries,
    differences: figures.differences,
    risks: figures.risks,
    drivers: figures.drivers,
  });
  return `<p>Each figure is taken over the ${manifest.runsDone.toLocaleString('en')} runs: a mean with its 95% confidence interval, a share of runs with its Wilson interval, or a mean of the worst runs, as each says; the <a href="#results">key results</a> define each figure in one line (most are over the horizon, a final market share its last month).</p><ul class="findings">${items.map((item) => `<li>${item}</li>`).join('')}</ul>`;
}

/** One line defining each figure the page shows. */
function definitions(metrics: readonly string[]): string {
  const terms = new Map<string, string>();
  for (const metric of metrics) {
    const figure = figureOf(metric);
    if (figure) terms.set(`${figure.label} (${figure.unit.name})`, figure.definition);
  }
  terms.set(`${RISK.label} (${RISK.unit.name})`, RISK.definition);
  terms.set(`${WORST_RUNS.label} (${WORST_RUNS.unit.name})`, WORST_RUNS.definition);
  const [meanTerm, meanDefinition] = STATISTICS.mean.split(': ') as [string, string];
  const [differenceTerm, differenceDefinition] = STATISTICS.difference.split(': ') as [string, string];
  terms.set(meanTerm, meanDefinition);
  terms.set(differenceTerm, differenceDefinition);
  return `<dl class="definitions">${[...terms].map(([term, definition]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(definition)}</dd>`).join('')}</dl>`;
}

/** The key metrics per variant with their CIs in their units, the lab risks, and what each figure means. */
function keyResults({ manifest }: Inputs, figures: Figures): string {
  const variants = manifest.variants;
  const head = ['metric', 'unit', ...variants.flatMap((variant) => [`${escapeHtml(variant)}: mean [95% CI]`, 'p5 – p95 of runs'])];
  const rows = figures.metrics.map((metric) => {
    const unit = unitOf(metric);
    return [escapeHtml(figureLabel(metric)), escapeHtml(unit.name), ...figures.summaries.get(metric)!.flatMap((s) => (s.count === 0 ? ['none', ''] : [meanAndInterval(unit, s.mean, s.ciLow, s.ciHigh), `${formatIn(unit, s.p5)} – ${formatIn(unit, s.p95)}`]))];
  });
  const riskRows = figures.risks.map((risk) => [
    escapeHtml(risk.lab),
    escapeHtml(risk.variant),
    meanAndInterval(RISK.unit, risk.shortfallOver10PercentInAnyYear.p, ...risk.shortfallOver10PercentInAnyYear.ci95),
    formatIn(WORST_RUNS.unit, risk.expectedShortfallShareWorst5Percent),
  ]);
  return `<p>Over the horizon, per run; the figures are defined below the tables.</p>
${table(head, rows, (c) => c > 1, { column: (c) => (c > 1 ? Math.floor((c - 2) / 2) : undefined) })}
<h3>Shortfall risk</h3>
${table(['lab', 'variant', `${escapeHtml(RISK.label)}, ${escapeHtml(RISK.unit.name)} [95% Wilson CI]`, `${escapeHtml(WORST_RUNS.label)}, ${escapeHtml(WORST_RUNS.unit.name)}`], riskRows, (c) => c > 1, { row: (r) => variants.indexOf(figures.risks[r]!.variant) })}
<h3>What the figures mean</h3>
${definitions(figures.metrics)}`;
}

/** The marked dates as a table, for the time charts. */
function markerTable(markers: readonly Marker[], variants: readonly string[]): string {
  if (markers.length === 0) return '<p class="marks-key">The scenario has no timeline entries or dated shocks to mark.</p>';
  const rows = markers.map((marker) => [escapeHtml(marker.date), marker.kind === 'shock' ? 'dated shock' : 'timeline', escapeHtml(marker.text), escapeHtml(variantsOf(marker, variants) || 'all')]);
  return `<details open><summary>Dates marked on the time charts (${markers.length})</summary>${table(['date', 'kind', 'what', 'variants'], rows, () => false)}</details>`;
}

/** Fan charts of the monthly series, and a note on how to read them. */
async function fanSection({ manifest, fans }: Inputs, figures: Figures, chart: Draw): Promise<string> {
  if (fans.runsUsed === 0) {
    return `<p class="note">This batch kept no monthly series (<code>--timeseries ${escapeHtml(manifest.timeseries)}</code>); run it with <code>--timeseries summary</code> (markets and labs) or <code>--timeseries all</code> (every actor) for fan charts.</p>`;
  }
  const several = manifest.variants.length > 1;
  // With several variants the p5–p95 band is not drawn (overlapping bands would blend): the tooltips give it.
  const outer = several ? 'each variant\'s nine runs in ten (p5–p95) are in the tooltips' : 'the light band holds nine runs in ten (p5–p95)';
  const intro = `<p>Each panel shows one monthly series across runs: the solid line is the median of the runs' values that month, the shaded band holds the middle half of runs (p25–p75), ${outer}. Bands are month by month: no single run follows the median line. Hover a month for its values. ${
    fans.runsUsed < manifest.runsDone ? `Drawn from the first ${fans.runsUsed.toLocaleString('en')} of ${manifest.runsDone.toLocaleString('en')} runs (a random sample: runs are independent of their index).` : `Drawn from all ${fans.runsUsed.toLocaleString('en')} runs.`
  }</p>
<p class="marks-key">Vertical rules: <span class="rule" style="border-color:#555"></span>timeline entry <span class="rule" style="border-color:#e6550d"></span>dated shock. ${fans.points.some((point) => point.chart === 'fan-lab-demand') ? 'On the compute charts, the dashed line is the median demand (black when every variant has the same demand, else in each variant\'s colour).' : ''}</p>
${markerTable(figures.markers, manifest.variants)}`;
  const drawn: string[] = [];
  for (const fan of FAN_CHARTS) {
    if (fans.missing.includes(fan)) continue;
    const companion = fan.name in COMPANION_SERIES ? fans.points.filter((point) => point.chart === COMPANION_SERIES[fan.name as keyof typeof COMPANION_SERIES]) : [];
    drawn.push(`<h3>${escapeHtml(fan.title)}</h3>${await chart(fan.name, fanChartSpec(fan, fans.points, manifest.variants, figures.markers, companion))}`);
  }
  const missing = fans.missing.length
    ? `<p class="note">Not drawn: ${fans.missing.map((fan) => escapeHtml(fan.title.toLowerCase())).join('; ')}. This batch kept <code>--timeseries ${escapeHtml(manifest.timeseries)}</code>; run it with <code>--timeseries all</code> to keep every actor's monthly series.</p>`
    : '';
  return intro + drawn.join('\n') + missing;
}

/** A histogram of each key metric in its unit, with its mean and CI. */
async function outcomeSection({ manifest, runs }: Inputs, chart: Draw): Promise<string> {
  const drawn: string[] = [];
  const absent: string[] = [];
  for (const metric of keyMetrics(manifest.description)) {
    const bins = histogram(runs, metric);
    // A figure no run has (the incumbent's share of blocks for a lab that never had an incumbent) is named, not drawn empty.
    if (bins === undefined) absent.push(figureLabel(metric));
    else drawn.push(await chart(`histogram:${metric}`, histogramSpec(metricLabel(metric), unitOf(metric), bins, manifest.variants)));
  }
  const none = absent.length === 0 ? '' : `<p>No run has a value of: ${absent.map(escapeHtml).join('; ')}.</p>`;
  const several = manifest.variants.length > 1;
  return `<p>Each histogram counts runs by their value of one outcome over the horizon, in its unit${several ? ', each variant as an outline in its colour (as in the variant bar at the top)' : ''}; the dashed line is the mean and the shaded strip around it its 95% confidence interval (of the mean, not of the runs). Hover a bin for each variant's share of runs in it and at or below it.</p><div class="charts">${drawn.join('')}</div>${none}`;
}

/** The key metrics by unit of difference (every share in percentage points), one forest plot each, in the order they come. */
function unitGroups(metrics: readonly string[]): { unit: Unit; metrics: string[] }[] {
  const groups = new Map<string, { unit: Unit; metrics: string[] }>();
  for (const metric of metrics) {
    const unit = unitOf(metric);
    const key = unit.share ? 'share' : unit.name;
    const group = groups.get(key) ?? { unit, metrics: [] };
    group.metrics.push(metric);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** Forest plots, one per unit, and a table of paired differences against the baseline. */
async function variantSection({ manifest }: Inputs, figures: Figures, chart: Draw): Promise<string> {
  const variants = manifest.variants;
  const forests: string[] = [];
  for (const { unit, metrics } of unitGroups(figures.metrics)) {
    const rows = figures.differences
      // A figure every run of every variant has alike (the shocks, on common random numbers) has nothing to plot.
      .filter((row) => metrics.includes(row.metric) && Number.isFinite(row.summary.mean) && Number.isFinite(row.summary.ciLow) && !(row.summary.ciLow === 0 && row.summary.ciHigh === 0))
      .map((row) => ({ label: figureLabel(row.metric), variant: row.variant, mean: row.summary.mean, low: row.summary.ciLow, high: row.summary.ciHigh }));
    if (rows.length === 0) continue;
    const key = unit.share ? 'percentage-points' : unit.name.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase();
    forests.push(await chart(`forest:${key}`, forestSpec(unit, rows, variants)));
  }
  const listed = figures.differences.filter((row) => row.summary.count > 0);
  const body = listed.map((row) => {
    const unit = unitOf(row.metric);
    const s = row.summary;
    const significant = s.ciLow > 0 || s.ciHigh < 0;
    return [escapeHtml(figureLabel(row.metric)), escapeHtml(unit.difference), escapeHtml(row.variant), meanAndInterval(unit, s.mean, s.ciLow, s.ciHigh, true), significant ? 'yes' : 'no'];
  });
  return `<p>Every variant ran the same run indices with the same random streams (common random numbers), so each run of a variant is paired with the same run of the baseline (<b>${escapeHtml(variants[0]!)}</b>) and their difference has far less noise than the two means apart. Differences are in each figure's own unit: ${escapeHtml(PERCENTAGE_POINTS)} for shares, ${escapeHtml(USD_PER_H100E_HOUR)} for prices, ${escapeHtml(BN_USD)} for spend. A bar that does not cross zero is a difference the runs resolve. Hover a bar for its figures.</p>
<div class="charts">${forests.join('')}</div>
<details><summary>Every paired difference as a table (${body.length} rows)</summary>
${table(['metric', 'unit', 'variant', 'variant − baseline: mean [95% CI]', 'CI excludes 0'], body, (c) => c > 2, { row: (r) => variants.indexOf(listed[r]!.variant) })}
</details>`;
}

/** Tornado charts of standardised rank regression coefficients, with the parameters named in words. */
async function sensitivitySection({ manifest, runs }: Inputs, figures: Figures, chart: Draw): Promise<string> {
  if (typeof figures.drivers === 'string') {
    const reason = figures.drivers;
    return `<p class="note">${escapeHtml(reason.charAt(0).toUpperCase() + reason.slice(1))}${manifest.description.parameters.length === 0 ? ' There is nothing to rank.' : ''}</p>`;
  }
  const drawn: string[] = [];
  let fixed: string[] = [];
  let intervals = '';
  for (const result of figures.drivers) {
    fixed = result.fixed;
    intervals = result.intervals === 'bootstrap' ? '95% bootstrap intervals (200 resamples of the runs)' : '95% normal-theory intervals (least squares on the ranks)';
    const warning = result.rSquared < 0.5 ? ' (low R²: effects are non-monotone or interact; read the bars with care)' : '';
    const rows = result.rows.map((row) => ({ ...row, parameter: parameterLabel(row.parameter) }));
    drawn.push(await chart(`tornado:${result.outcome}`, tornadoSpec(metricLabel(result.outcome), `R² on ranks ${result.rSquared.toFixed(2)}${warning}`, rows)));
  }
  const notVaried = fixed.length ? `<p class="note">Not varied in this batch, so not ranked: ${fixed.map((p) => `${escapeHtml(parameterLabel(p))} (<code>${escapeHtml(p)}</code>)`).join(', ')}.</p>` : '';
  return `<p>Which uncertain parameters move each outcome, in the <b>${escapeHtml(manifest.variants[0]!)}</b> variant: standardised rank regression coefficients (SRRC) of the outcome's ranks on the parameters' ranks over all ${runs.runs.toLocaleString('en')} runs, with ${intervals}, the ten largest in magnitude. A coefficient of 0.5 means one standard deviation of a parameter's rank moves the outcome's rank by half a standard deviation, others held; blue raises the outcome, red lowers it. R² says how much of the outcome's rank variance these monotone effects explain. Parameters are named by actor and field, with the unit the scenario gives them in.</p>${notVaried}<div class="charts">${drawn.join('')}</div>`;
}

/** The shock timeline and a table of how often, how large and how long; once when every variant saw the same shocks. */
async function shockSection({ manifest, shocks }: Inputs, figures: Figures, chart: Draw): Promise<string> {
  if (shocks.records.length === 0) return `<p>No shock struck in the ${shocks.runsUsed.toLocaleString('en')} runs read.</p>`;
  const variants = manifest.variants;
  const signature = (variant: string) => JSON.stringify(shocks.months.filter((month) => month.variant === variant).map(({ variant: _, ...rest }) => rest));
  const same = variants.every((variant) => signature(variant) === signature(variants[0]!));
  const panels = same ? [variants[0]!] : variants;
  const timeline = await chart(
    'shock-timeline',
    shockTimelineSpec(shocks.months, panels, figures.markers),
    `Occurrences starting each month, per run, over the first ${shocks.runsUsed.toLocaleString('en')} runs${same && variants.length > 1 ? ': the same in every variant (common random numbers)' : ''}; dashed rules mark the timeline entries (grey) and dated shocks (orange). Hover a cell for its figures.`,
  );
  const records = same ? shocks.records.filter((record) => record.variant === variants[0]) : shocks.records;
  const rows = records.map((record) => [
    escapeHtml(record.shock),
    same ? 'all' : escapeHtml(record.variant),
    `${formatIn(RISK.unit, record.runsShare)}%`,
    record.perRun.toFixed(2),
    `${(100 * record.meanMagnitude).toFixed(1)}%`,
    Number.isNaN(record.medianDurationDays) ? '–' : record.medianDurationDays.toFixed(0),
  ]);
  // Not "capacity lost": a provider's shock cuts only the power coming online, and a lab's adds demand.
  const magnitude = `<p class="note">A shock's magnitude is what it takes while it lasts: the share of a supplier's output lost, the share of a provider's power coming online cut, or the extra share of a lab's demand.</p>`;
  return `${timeline}${magnitude}${table(['shock', 'variant', 'runs struck', 'occurrences per run', 'mean magnitude', 'median days (ended ones)'], rows, (c) => c > 1, same ? {} : { row: (r) => variants.indexOf(records[r]!.variant) })}`;
}

/** The manifest's facts and the resolved scenario, so a reader knows exactly what was run. */
function provenance(manifest: Manifest): string {
  const facts: [string, string][] = [
    ['scenario', manifest.scenarioName],
    ['scenario hash (sha256 of the resolved scenario)', manifest.scenarioHash],
    ['engine version', manifest.engineVersion],
    ['engine build', manifest.engineBuild ?? 'not recorded (before 0.3.0)'],
    ['seed', manifest.seed],
    ['runs', `${manifest.runsDone} of ${manifest.runs} asked`],
    ['variants', manifest.variants.join(', ')],
    ['design', manifest.design],
    ['timeseries', manifest.timeseries],
    ['block size', String(manifest.blockSize)],
    ['command line', `computerace ${manifest.commandLine.join(' ')}`],
    ['workers', String(manifest.workers)],
    ['started / finished', `${manifest.startedAt} / ${manifest.finishedAt}`],
    ['Node.js, platform', `${manifest.node}, ${manifest.platform}`],
    ...Object.entries(manifest.files).map(([file, { rows }]): [string, string] => [file, `${rows.toLocaleString('en')} rows`]),
  ];
  const { scenario, description, ...rest } = manifest as Manifest & { description?: unknown };
  void description;
  return `${table(['', ''], facts.map(([key, value]) => [escapeHtml(key), `<code>${escapeHtml(value)}</code>`]), () => false)}
<details><summary>The resolved scenario (YAML)</summary><pre>${escapeHtml(stringify(scenario))}</pre></details>
<details><summary>manifest.json</summary><pre>${escapeHtml(JSON.stringify(rest, null, 2))}</pre></details>`;
}
