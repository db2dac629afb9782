import { join } from 'node:path';
import { stringify } from 'yaml';
import { keyMetrics } from '../experiment/metrics.js';
import { FAN_CHARTS, FAN_RUNS, readFans } from './fans.js';
import type { Fans } from './fans.js';
import { readShocks } from './shocks.js';
import type { Shocks } from './shocks.js';
import { checkBatchFiles, readManifest, ReportError } from './results.js';
import { readRunsColumns } from './runs.js';
import type { RunsColumns } from './runs.js';
import { drivers, histogram, labRisks, pairedDifferences, summaries } from './analysis.js';
import { fanChartSpec, forestSpec, histogramSpec, shockTimelineSpec, sobolSpec, tornadoSpec } from './charts.js';
import { renderSvg } from './render.js';
import type { Draw } from './render.js';
import { escapeHtml, figure, section, STYLE, table } from './html.js';
import { formatValue, isShare, metricLabel } from './labels.js';
import type { Manifest } from '../io/outputs.js';
import { OutputError, refuseNonRegularFile, WriteFailure, writeWhole } from '../io/outputs.js';
import type { BatchDescription } from '../io/layout.js';

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
  await refuseNonRegularFile(path).catch((error: OutputError) => {
    throw new ReportError(error.message);
  });
  const manifest = await readManifest(dir);
  const lock = await checkBatchFiles(dir, manifest, options.out === undefined);
  try {
    return await writePage(dir, manifest, path, options);
  } finally {
    await lock?.release();
  }
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
    if (error instanceof WriteFailure) throw new ReportError(`${path}: cannot write the report (${error.code})`);
    if (error instanceof OutputError) throw new ReportError(error.message);
    throw new ReportError(`${path}: cannot write the report (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return { path, bytes: Buffer.byteLength(html), charts };
}

/** The whole page. `charts` collects the names of the charts drawn. */
async function page(inputs: Inputs, charts: string[]): Promise<string> {
  const { manifest } = inputs;
  const chart: Draw = async (name, spec, caption) => {
    charts.push(name);
    return figure(name, await renderSvg(spec), caption);
  };
  const sections: [string, string, string][] = [];
  const add = (id: string, title: string, body: string) => sections.push([id, title, body]);
  add('results', 'Key results', keyResults(inputs));
  add('fans', 'Over time', await fanSection(inputs, chart));
  add('outcomes', 'Outcomes across runs', await outcomeSection(inputs, chart));
  if (manifest.variants.length > 1) add('variants', 'Variants compared', await variantSection(inputs, chart));
  add('sensitivity', 'What drives the outcomes', await sensitivitySection(inputs, chart));
  if (manifest.design === 'sobol') {
    const { sobolSection } = await import('./sobol-section.js');
    add('sobol', 'Sobol indices', await sobolSection(inputs.manifest, inputs.runs, sensitivityOutcomes(manifest.description), chart));
  }
  add('shocks', 'Shocks', await shockSection(inputs, chart));
  add('provenance', 'What was run', provenance(manifest));
  const title = `${manifest.scenarioName}: ${manifest.runsDone.toLocaleString('en')} runs`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="computerace ${escapeHtml(manifest.engineVersion)}">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(manifest.scenarioName)}</h1>
<p class="lead">${escapeHtml(manifest.runsDone.toLocaleString('en'))} runs × ${manifest.variants.length} variant${manifest.variants.length > 1 ? 's' : ''} (${manifest.variants.map(escapeHtml).join(', ')}), seed ${escapeHtml(manifest.seed)}, ${escapeHtml(manifest.design)} design; scenario <code>${escapeHtml(manifest.scenarioHash.slice(0, 12))}</code>; finished ${escapeHtml(manifest.finishedAt)}.</p>
<nav><ol>${sections.map(([id, heading]) => `<li><a href="#${id}">${escapeHtml(heading)}</a></li>`).join('')}</ol></nav>
</header>
<main>
${sections.map(([id, heading, body]) => section(id, heading, body)).join('\n')}
</main>
</body>
</html>
`;
}

/** The key metrics per variant with their CIs, and the lab risks. */
function keyResults({ manifest, runs }: Inputs): string {
  const variants = manifest.variants;
  const metrics = keyMetrics(manifest.description);
  const head = ['metric', ...variants.flatMap((variant) => [`${escapeHtml(variant)}: mean [95% CI]`, 'p5 – p95'])];
  const rows = metrics.map((metric) => {
    const share = isShare(metric);
    return [escapeHtml(metricLabel(metric)), ...summaries(runs, metric).flatMap((s) => [`${formatValue(s.mean, share)} [${formatValue(s.ciLow, share)}, ${formatValue(s.ciHigh, share)}]`, `${formatValue(s.p5, share)} – ${formatValue(s.p95, share)}`])];
  });
  const risks = labRisks(runs, manifest.description.labs);
  const riskRows = risks.map((risk) => [
    escapeHtml(risk.lab),
    escapeHtml(risk.variant),
    `${formatValue(risk.shortfallOver10.p, true)} [${formatValue(risk.shortfallOver10.low, true)}, ${formatValue(risk.shortfallOver10.high, true)}]`,
    formatValue(risk.worst5Shortfall, true),
  ]);
  return `${table(head, rows)}
<h3>Shortfall risk</h3>
${table(['lab', 'variant', 'P(shortfall &gt; 10% of demand in some year) [95% Wilson CI]', 'mean shortfall share in the worst 5% of runs'], riskRows, (c) => c > 1)}`;
}

/** Fan charts of the monthly series, and a note on how to read them. */
async function fanSection({ manifest, fans }: Inputs, chart: Draw): Promise<string> {
  if (fans.runsUsed === 0) {
    return `<p class="note">This batch kept no monthly series (<code>--timeseries ${escapeHtml(manifest.timeseries)}</code>); run it with <code>--timeseries summary</code> (markets and labs) or <code>--timeseries all</code> (every actor) for fan charts.</p>`;
  }
  const intro = `<p>Each panel shows one monthly series across runs: the line is the median run's value that month, the dark band holds the middle half of runs (p25–p75), the light band nine runs in ten (p5–p95). Bands are month by month: no single run follows the median line. ${
    fans.runsUsed < manifest.runsDone ? `Drawn from the first ${fans.runsUsed.toLocaleString('en')} of ${manifest.runsDone.toLocaleString('en')} runs (a random sample: runs are independent of their index).` : `Drawn from all ${fans.runsUsed.toLocaleString('en')} runs.`
  }</p>`;
  const drawn: string[] = [];
  for (const fan of FAN_CHARTS) {
    if (fans.missing.includes(fan)) continue;
    drawn.push(`<h3>${escapeHtml(fan.title)}</h3>${await chart(fan.name, fanChartSpec(fan, fans.points, manifest.variants))}`);
  }
  const missing = fans.missing.length
    ? `<p class="note">Not drawn: ${fans.missing.map((fan) => escapeHtml(fan.title.toLowerCase())).join('; ')}. This batch kept <code>--timeseries ${escapeHtml(manifest.timeseries)}</code>; run it with <code>--timeseries all</code> to keep every actor's monthly series.</p>`
    : '';
  return intro + drawn.join('\n') + missing;
}

/** A histogram of each key metric with its mean and CI. */
async function outcomeSection({ manifest, runs }: Inputs, chart: Draw): Promise<string> {
  const figures: string[] = [];
  const absent: string[] = [];
  for (const metric of keyMetrics(manifest.description)) {
    const { bins, means } = histogram(runs, metric);
    // A figure no run has (the incumbent's share of blocks for a lab that never had an incumbent) is named, not drawn empty.
    if (bins.length === 0) absent.push(metricLabel(metric));
    else figures.push(await chart(`histogram:${metric}`, histogramSpec(metricLabel(metric), bins, means, manifest.variants, isShare(metric))));
  }
  const none = absent.length === 0 ? '' : `<p>No run has a value of: ${absent.map(escapeHtml).join('; ')}.</p>`;
  return `<p>Each histogram counts runs by their value of one outcome; the dashed line is the mean and the shaded strip around it its 95% confidence interval (of the mean, not of the runs).</p><div class="charts">${figures.join('')}</div>${none}`;
}

/** Forest plot and table of paired differences against the baseline. */
async function variantSection({ manifest, runs }: Inputs, chart: Draw): Promise<string> {
  const metrics = keyMetrics(manifest.description);
  const rows = pairedDifferences(runs, metrics, metricLabel);
  const plotted = rows.filter((row) => Number.isFinite(row.relative) && Number.isFinite(row.low));
  const forest = await chart('forest', forestSpec(plotted, manifest.variants));
  const body = rows.map((row) => {
    const share = isShare(metrics.find((metric) => metricLabel(metric) === row.metric) ?? '');
    const s = row.summary;
    const significant = s.ciLow > 0 || s.ciHigh < 0;
    return [escapeHtml(row.metric), escapeHtml(row.variant), formatValue(s.mean, share), `[${formatValue(s.ciLow, share)}, ${formatValue(s.ciHigh, share)}]`, significant ? 'yes' : 'no'];
  });
  return `<p>Every variant ran the same run indices with the same random streams (common random numbers), so each run of a variant is paired with the same run of the baseline (<b>${escapeHtml(manifest.variants[0]!)}</b>) and their difference has far less noise than the two means apart. A bar that does not cross zero is a difference the runs resolve.</p>
${forest}
${table(['metric', 'variant', 'mean difference (variant − baseline)', '95% CI', 'CI excludes 0'], body, (c) => c > 1)}`;
}

/** Tornado charts of standardised rank regression coefficients. */
async function sensitivitySection({ manifest, runs }: Inputs, chart: Draw): Promise<string> {
  const parameters = manifest.description.parameters;
  if (parameters.length === 0) return '<p class="note">This scenario has no uncertain parameters: there is nothing to rank.</p>';
  if (runs.runs <= parameters.length + 2) return `<p class="note">Ranking ${parameters.length} parameters needs more than ${parameters.length + 2} runs; this batch has ${runs.runs}.</p>`;
  const figures: string[] = [];
  let fixed: string[] = [];
  let intervals = '';
  for (const outcome of sensitivityOutcomes(manifest.description)) {
    const result = drivers(runs, parameters, outcome, manifest.seed);
    fixed = result.fixed;
    intervals = result.intervals === 'bootstrap' ? '95% bootstrap intervals (200 resamples of the runs)' : '95% normal-theory intervals (least squares on the ranks)';
    const warning = result.rSquared < 0.5 ? ' (low R²: effects are non-monotone or interact; read the bars with care)' : '';
    figures.push(await chart(`tornado:${outcome}`, tornadoSpec(metricLabel(outcome), `R² on ranks ${result.rSquared.toFixed(2)}${warning}`, result.rows)));
  }
  const notVaried = fixed.length ? `<p class="note">Not varied in this batch, so not ranked: ${fixed.map((p) => `<code>${escapeHtml(p)}</code>`).join(', ')}.</p>` : '';
  return `<p>Which uncertain parameters move each outcome, in the <b>${escapeHtml(manifest.variants[0]!)}</b> variant: standardised rank regression coefficients (SRRC) of the outcome's ranks on the parameters' ranks over all ${runs.runs.toLocaleString('en')} runs, with ${intervals}, the ten largest in magnitude. A coefficient of 0.5 means one standard deviation of a parameter's rank moves the outcome's rank by half a standard deviation, others held; blue raises the outcome, red lowers it. R² says how much of the outcome's rank variance these monotone effects explain.</p>${notVaried}<div class="charts">${figures.join('')}</div>`;
}

/** The shock timeline and a table of how often, how large and how long. */
async function shockSection({ manifest, shocks }: Inputs, chart: Draw): Promise<string> {
  if (shocks.records.length === 0) return `<p>No shock struck in the ${shocks.runsUsed.toLocaleString('en')} runs read.</p>`;
  const timeline = await chart('shock-timeline', shockTimelineSpec(shocks.months, manifest.variants), `Occurrences starting each month, per run, over the first ${shocks.runsUsed.toLocaleString('en')} runs.`);
  const rows = shocks.records.map((record) => [
    escapeHtml(record.shock),
    escapeHtml(record.variant),
    formatValue(record.runsShare, true),
    record.perRun.toFixed(2),
    formatValue(record.meanMagnitude, true),
    Number.isNaN(record.medianDurationDays) ? '–' : record.medianDurationDays.toFixed(0),
  ]);
  return `${timeline}${table(['shock', 'variant', 'runs struck', 'occurrences per run', 'mean capacity lost', 'median days (ended ones)'], rows, (c) => c > 1)}`;
}

/** The manifest's facts and the resolved scenario, so a reader knows exactly what was run. */
function provenance(manifest: Manifest): string {
  const facts: [string, string][] = [
    ['scenario', manifest.scenarioName],
    ['scenario hash (sha256 of the resolved scenario)', manifest.scenarioHash],
    ['engine version', manifest.engineVersion],
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
