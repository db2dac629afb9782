import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pl from 'nodejs-polars';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/experiment/batch.js';
import { mergeShards } from '../../src/experiment/merge.js';
import type { BatchOutcome } from '../../src/experiment/batch.js';
import { keyMetrics } from '../../src/experiment/metrics.js';
import { drivers, pairedDifferences } from '../../src/report/analysis.js';
import { FAN_CHARTS, readFans } from '../../src/report/fans.js';
import { writeReport } from '../../src/report/report.js';
import { prepareOutputDirectory } from '../../src/io/outputs.js';
import { readManifest, ReportError } from '../../src/report/results.js';
import { readRunsColumns } from '../../src/report/runs.js';
import { readShocks } from '../../src/report/shocks.js';
import { sobolRows } from '../../src/report/sobol-section.js';
import { sobolIndices } from '../../src/experiment/sobol.js';
import { variantColour } from '../../src/report/charts.js';
import { differenceWithUnit, figureLabel, figureOf as figureOfColumn, formatIn, unitOf, withUnit } from '../../src/io/vocabulary.js';
import { escapeHtml as escaped } from '../../src/report/html.js';
import { uncertainParameters } from '../support/scenarios.js';
import { computerace } from '../support/cli.js';

const SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url));
const RUNS = 60;

/** Type-7 quantile, written out here so the report's own is checked against it. */
function quantile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const lower = Math.floor(h);
  return sorted[lower]! + (h - lower) * (sorted[Math.min(lower + 1, sorted.length - 1)]! - sorted[lower]!);
}

let root: string;
let compared: string;
let batch: BatchOutcome;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'computerace-report-'));
  compared = join(root, 'compared');
  batch = await runBatch({ scenario: join(SCENARIOS, 'multicloud-vs-exclusive.yaml'), runs: RUNS, seed: 5, workers: 0, timeseries: 'all', out: compared });
}, 120_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

// Drawing the variants' page takes seconds: it is drawn once, at <batch>/report.html, and the tests
// that only read it share it (each file's tests run one after another, so none sees it half written).
let comparedPage: Promise<Awaited<ReturnType<typeof writeReport>>> | undefined;
/** The page of the file's batch with variants, written once where `computerace report DIR` writes it. */
function comparedReport(): ReturnType<typeof writeReport> {
  comparedPage ??= writeReport(compared);
  return comparedPage;
}

// Tests of what a report does with its folder, its options or its command line, rather than of
// what it draws, use a small batch of one variant (20 runs, no monthly series): a page of a few charts.
const smallBatches = new Map<string, Promise<string>>();
/** A 20-run batch of the shipped scenario with one variant, run once per `timeseries` and shared. */
function smallBatch(timeseries: 'summary' | 'none'): Promise<string> {
  let made = smallBatches.get(timeseries);
  if (made === undefined) {
    const out = join(root, timeseries);
    made = runBatch({ scenario: join(SCENARIOS, 'openai-multicloud-2025.yaml'), runs: 20, seed: 2, workers: 0, timeseries, out }).then(() => out);
    smallBatches.set(timeseries, made);
  }
  return made;
}

describe('computerace report', () => {
  it('draws every chart of a batch with variants and every actor series into one page with no link out and no script but its own', async () => {
    const outcome = await comparedReport();
    expect(outcome.path).toBe(join(compared, 'report.html'));
    const html = readFileSync(outcome.path, 'utf8');
    const { description } = await readManifest(compared);
    // A key metric no run has (the incumbent's share of blocks for a lab with no incumbent) is named, not drawn.
    const runsTable = pl.readIPC(readFileSync(join(compared, 'runs.arrow')));
    const someRunHas = (metric: string): boolean => runsTable.getColumn(metric).nullCount() < runsTable.height;
    const had = keyMetrics(description).filter(someRunHas);
    const never = keyMetrics(description).filter((metric) => !someRunHas(metric));
    expect(never).toEqual(['labs.anthropic.incumbentBlockShare', 'labs.meta.incumbentBlockShare', 'labs.xai.incumbentBlockShare']);
    for (const metric of never) expect(outcome.charts).not.toContain(`histogram:${metric}`);
    expect(html).toContain('<p>No run has a value of: ');
    const expected = [
      ...FAN_CHARTS.map((chart) => chart.name),
      ...had.map((metric) => `histogram:${metric}`),
      // A forest plot per unit of difference: shares in points, prices, money, bids (the shocks, alike on common random numbers, have none).
      'forest:percentage-points',
      'forest:usd-per-h100e-hour',
      'forest:bn-usd',
      'forest:bids',
      'tornado:labs.openai.shortfallShare',
      'tornado:market.avgContractPriceUsdPerGpuHour',
      'shock-timeline',
    ];
    for (const name of expected) {
      expect(outcome.charts).toContain(name);
      expect(html).toMatch(new RegExp(`data-chart="${name.replace(/[.]/g, '\\.')}"><svg[^>]*>`));
    }
    expect(outcome.charts).not.toContain('forest:shocks');
    // The words say what is drawn: several variants' fans have no p5–p95 band (it said "the dotted lines"), and a
    // power shock cuts the power coming online, not capacity (it said "mean capacity lost").
    expect(outcome.charts.filter((name) => name.startsWith('fan-')).length).toBeGreaterThan(0);
    expect(html).not.toContain('band95');
    expect(html).toContain("each variant's nine runs in ten (p5–p95) are in the tooltips");
    expect(html).not.toContain('dotted');
    expect(html).not.toContain('capacity lost');
    expect(html).toContain('mean magnitude');
    // Self-contained: nothing to fetch; the one script is inline (tooltips).
    expect(html).not.toMatch(/<link|<img|<iframe|\ssrc=|@import|url\((?!#)/i);
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script>']);
    expect(html.match(/href="([^"]*)"/g)!.every((href) => href.startsWith('href="#'))).toBe(true);
    // The reader knows exactly what was run.
    expect(html).toContain(batch.scenario.hash);
    expect(html).toContain('The resolved scenario (YAML)');
    expect(readdirSync(compared).filter((file) => file.endsWith('.partial'))).toEqual([]);
  });

  it('draws fans from the type-7 quantiles of the runs, month by month, as an independent reader computes them', async () => {
    const { description } = await readManifest(compared);
    const fans = await readFans(compared, description, RUNS);
    expect(fans.runsUsed).toBe(RUNS);
    expect(fans.missing).toEqual([]);
    const rows = pl.readIPC(readFileSync(join(compared, 'labs.arrow'))).filter(pl.col('lab').eq(pl.lit('openai')).and(pl.col('variant').eq(pl.lit('baseline')))).toRecords();
    expect(rows).toHaveLength(RUNS * 72);
    for (const month of [0, 11, 40, 71]) {
      const secured = rows.filter((row) => row.month === month).map((row) => Number(row.contractedH100e) + Number(row.spotH100e));
      const point = fans.points.find((p) => p.chart === 'fan-lab-secured' && p.panel === 'openai' && p.variant === 'baseline' && p.date === fans.points.filter((q) => q.chart === 'fan-lab-secured')[month]!.date)!;
      for (const [p, value] of [[0.05, point.p5], [0.25, point.p25], [0.5, point.p50], [0.75, point.p75], [0.95, point.p95]] as const) {
        expect(value).toBeCloseTo(quantile(secured, p), 6);
      }
    }
  });

  it('reads only the first runs of the monthly series when asked for fewer, and says so on the page', async () => {
    const { description } = await readManifest(compared);
    const fans = await readFans(compared, description, RUNS, 10);
    expect(fans.runsUsed).toBe(10);
    const rows = pl.readIPC(readFileSync(join(compared, 'market.arrow'))).filter(pl.col('variant').eq(pl.lit('exclusive-azure')).and(pl.col('month').eq(30)).and(pl.col('run').lt(10))).toRecords();
    const spot = rows.map((row) => Number(row.spotPriceUsdPerGpuHour));
    const month30 = [...new Set(fans.points.map((p) => p.date))].sort()[30];
    const point = fans.points.find((p) => p.chart === 'fan-prices' && p.panel === 'spot' && p.variant === 'exclusive-azure' && p.date === month30)!;
    expect(point.p50).toBeCloseTo(quantile(spot, 0.5), 9);
    // The page's words, on the small batch: what they say depends on the runs read and done, not on the variants.
    const small = await smallBatch('summary');
    const out = join(root, 'ten.html');
    await writeReport(small, { out, fanRuns: 10 });
    expect(readFileSync(out, 'utf8')).toContain('first 10 of 20 runs');
  });

  it('counts shocks as the events table lists them', async () => {
    const { description } = await readManifest(compared);
    const shocks = await readShocks(compared, description, RUNS);
    const events = pl.readIPC(readFileSync(join(compared, 'events.arrow')));
    const starts = events.filter(pl.col('kind').eq(pl.lit('shock-start'))).toRecords();
    const ends = events.filter(pl.col('kind').eq(pl.lit('shock-end'))).toRecords();
    const median = (values: number[]): number => {
      const sorted = [...values].sort((a, b) => a - b);
      const middle = (sorted.length - 1) / 2;
      return (sorted[Math.floor(middle)]! + sorted[Math.ceil(middle)]!) / 2;
    };
    expect(shocks.records.length).toBeGreaterThan(0);
    for (const record of shocks.records) {
      // The median of the durations the ends record (pairing ends with starts took overlapping occurrences' starts).
      const ended = ends.filter((row) => row.shock === record.shock && row.variant === record.variant).map((row) => Number(row.durationDays));
      if (ended.length > 0) expect(record.medianDurationDays, `${record.variant} ${record.shock}`).toBeCloseTo(median(ended), 9);
      const mine = starts.filter((row) => row.shock === record.shock && row.variant === record.variant);
      expect(record.perRun).toBeCloseTo(mine.length / RUNS, 12);
      expect(record.runsShare).toBeCloseTo(new Set(mine.map((row) => row.run)).size / RUNS, 12);
      expect(record.meanMagnitude).toBeCloseTo(mine.reduce((sum, row) => sum + Number(row.magnitude), 0) / mine.length, 12);
    }
    // Each month's starts add up to the shock's total.
    for (const record of shocks.records) {
      const total = shocks.months.filter((m) => m.shock === record.shock && m.variant === record.variant).reduce((sum, m) => sum + m.perRun, 0);
      expect(total).toBeCloseTo(record.perRun, 9);
    }
  });

  it('compares variants by the same paired differences as the batch summary, read back from runs.arrow', async () => {
    const { description } = await readManifest(compared);
    const metrics = keyMetrics(description);
    const runs = await readRunsColumns(compared, description.variants, metrics, 2 * RUNS);
    const rows = pairedDifferences(runs, metrics);
    // A metric no run has (a lab without an incumbent has no incumbent's share) is NaN on both sides.
    const same = (a: number, b: number) => (Number.isNaN(b) ? expect(a).toBeNaN() : expect(a).toBeCloseTo(b, 9));
    for (const row of rows) {
      const reported = batch.summary.differences[row.variant]![row.metric]!;
      same(row.summary.mean, reported.mean);
      same(row.summary.ciLow, reported.ci95[0]);
      same(row.summary.ciHigh, reported.ci95[1]);
    }
  });

  it('ranks first the parameter that drives an outcome', async () => {
    // A lab's total spend is its demand times prices: its demand growth dominates every other input.
    const dir = join(root, 'drivers');
    await runBatch({ scenario: join(SCENARIOS, 'openai-multicloud-2025.yaml'), runs: 200, seed: 11, workers: 0, timeseries: 'none', out: dir });
    const { description } = await readManifest(dir);
    const runs = await readRunsColumns(dir, description.variants, [...description.parameters.map((p) => `param.${p}`), 'labs.meta.totalSpendUsd'], 200);
    const result = drivers(runs, description.parameters, 'labs.meta.totalSpendUsd', '1');
    expect(result.rows[0]!.parameter).toBe('labs.meta.demand.growthPerYear');
    expect(Math.abs(result.rows[0]!.coefficient)).toBeGreaterThan(2 * Math.abs(result.rows[1]!.coefficient));
  }, 60_000);

  it('shows Sobol indices of a --design sobol batch, computed from runs.arrow as an independent reader sees it', async () => {
    const dir = join(root, 'sobol');
    // Six Saltelli groups, each the scenario's uncertain parameters plus two runs.
    const group = uncertainParameters(join(SCENARIOS, 'openai-multicloud-2025.yaml')).length + 2;
    await runBatch({ scenario: join(SCENARIOS, 'openai-multicloud-2025.yaml'), runs: group * 6, seed: 4, workers: 0, timeseries: 'none', design: 'sobol', out: dir });
    const manifest = await readManifest(dir);
    expect(manifest.sobol!.parameters).toEqual(manifest.description.parameters);
    const outcome = await writeReport(dir);
    expect(outcome.charts).toContain('sobol:labs.openai.shortfallShare');
    expect(outcome.charts).toContain('sobol:market.avgSpotPriceUsdPerGpuHour');
    const runs = await readRunsColumns(dir, manifest.variants, ['labs.openai.shortfallShare'], 270);
    const rows = sobolRows(manifest, runs, 'labs.openai.shortfallShare');
    if (typeof rows === 'string') throw new Error(rows);
    const values = pl.readIPC(readFileSync(join(dir, 'runs.arrow'))).getColumn('labs.openai.shortfallShare').toArray() as number[];
    const expected = sobolIndices(values, manifest.sobol!.parameters.length, { seed: `4:labs.openai.shortfallShare` });
    for (const row of rows) {
      const i = manifest.sobol!.parameters.indexOf(row.parameter);
      expect(row.first).toEqual(expected.first[i]);
      expect(row.total).toEqual(expected.total[i]);
    }
    // Largest total effect first.
    for (let i = 1; i < rows.length; i++) expect(rows[i - 1]!.total.estimate).toBeGreaterThanOrEqual(rows[i]!.total.estimate);
  }, 60_000);

  it('says which series a --timeseries summary batch did not keep, and draws the rest', async () => {
    const dir = await smallBatch('summary');
    const outcome = await writeReport(dir);
    expect(outcome.charts).toEqual(expect.arrayContaining(['fan-lab-secured', 'fan-lab-shortfall', 'fan-prices']));
    expect(outcome.charts).not.toContain('fan-provider-share');
    expect(outcome.charts).not.toContain('forest');
    expect(readFileSync(outcome.path, 'utf8')).toContain('<code>--timeseries all</code>');
    // 20 runs cannot rank 43 parameters: the page says so rather than drawing noise.
    expect(outcome.charts.filter((name) => name.startsWith('tornado:'))).toEqual([]);
    expect(readFileSync(outcome.path, 'utf8')).toMatch(/Ranking \d+ parameters needs more than \d+ runs; this batch has 20/);
    // With no monthly series at all, the page says so and draws the rest.
    const none = await smallBatch('none');
    const bare = await writeReport(none);
    expect(bare.charts.filter((name) => name.startsWith('fan-'))).toEqual([]);
    expect(bare.charts).toContain('shock-timeline');
    expect(readFileSync(bare.path, 'utf8')).toContain('This batch kept no monthly series (<code>--timeseries none</code>)');
  }, 60_000);

  it('draws the same charts from merged shards as from the batch run in one piece', async () => {
    const shards = [0, 1, 2].map((index) => join(root, `shard-${index}`));
    for (const [index, out] of shards.entries()) {
      await runBatch({ scenario: join(SCENARIOS, 'multicloud-vs-exclusive.yaml'), runs: RUNS, seed: 5, workers: 0, timeseries: 'all', blockSize: 20, shard: { index, count: 3 }, out });
    }
    await expect(writeReport(shards[0]!)).rejects.toThrow(/this is shard 0\/3 \(--shard 0\/3\); merge the shards first/);
    const merged = join(root, 'merged');
    await mergeShards(shards, merged);
    // The batch in one piece is the file's batch, and its page the one drawn once for the file (its
    // blocks are of another size: the bytes are the same whatever the size).
    const [a, b] = [await writeReport(merged), await comparedReport()];
    expect(a.charts).toEqual(b.charts);
    // Everything but the provenance (times, command lines) is the same page; Vega numbers gradients
    // by a counter that runs on across the reports of one process.
    const body = (path: string) => readFileSync(path, 'utf8').replace(/<p class="lead">.*?<\/p>/s, '').replace(/<section id="provenance">.*<\/section>/s, '').replace(/gradient_\d+/g, 'gradient');
    expect(body(a.path)).toBe(body(b.path));
  }, 120_000);

  it('refuses a folder a batch is writing, and one whose tables are not the ones its manifest records (emptied, truncated, random bytes)', async () => {
    const dir = join(root, 'damaged');
    cpSync(compared, dir, { recursive: true });
    rmSync(join(dir, 'report.html'), { force: true });
    // Held by a live process that is not this one: the tests' parent.
    writeFileSync(join(dir, '.lock'), `${process.ppid} ${hostname()}\n`);
    await expect(writeReport(dir)).rejects.toThrow(new ReportError(`'${dir}' is in use by pid ${process.ppid}: a computerace batch, merge or report is using it; wait for it to end or choose another folder`));
    rmSync(join(dir, '.lock'));
    const recorded = statSync(join(dir, 'runs.arrow')).size;
    for (const [content, problem] of [
      ['', `has 0 bytes, but the manifest records ${recorded}`],
      [readFileSync(join(compared, 'runs.arrow')).subarray(0, recorded - 100), `has ${recorded - 100} bytes, but the manifest records ${recorded}`],
      [Buffer.alloc(recorded, 0x5a), ': its SHA-256 is not the one the manifest records (the file changed after it was written)'],
    ] as const) {
      writeFileSync(join(dir, 'runs.arrow'), content);
      const error = await writeReport(dir).catch((error: unknown) => error);
      expect(error).toBeInstanceOf(ReportError);
      expect((error as Error).message).toBe(`${join(dir, 'runs.arrow')}${problem.startsWith(':') ? '' : ' '}${problem}: the folder does not hold the batch its manifest describes; run the batch again`);
    }
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
    await expect(writeReport(compared, { out: '/dev/null' })).rejects.toThrow(new ReportError('cannot write /dev/null: it exists and is not a regular file'));
  });

  it('holds the batch folder while it writes its page there: no batch replaces the tables under it', async () => {
    const dir = join(root, 'held');
    cpSync(await smallBatch('none'), dir, { recursive: true });
    const writing = writeReport(dir);
    while (!existsSync(join(dir, '.lock'))) await new Promise((resolve) => setTimeout(resolve, 5));
    await expect(prepareOutputDirectory(dir)).rejects.toThrow(`'${dir}' is in use by pid ${process.pid}`);
    await writing;
    expect(readdirSync(dir)).not.toContain('.lock');
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
  }, 60_000);

  it('refuses a directory that is not a finished batch, naming the file', async () => {
    await expect(writeReport(join(root, 'nowhere'))).rejects.toThrow(ReportError);
    await expect(writeReport(join(root, 'nowhere'))).rejects.toThrow(/nowhere: no such folder; expected the output directory of a finished batch/);
    mkdirSync(join(root, 'empty-batch'));
    await expect(writeReport(join(root, 'empty-batch'))).rejects.toThrow(/empty-batch[/\\]manifest\.json: not found/);
    await expect(writeReport(compared, { out: join(root, 'no-such-dir', 'r.html') })).rejects.toThrow(/no-such-dir[/\\]r\.html: cannot write the report \(ENOENT\)/);
    expect(existsSync(join(root, 'no-such-dir'))).toBe(false);
    await expect(writeReport(compared, { out: join(compared, 'manifest.json', 'r.html') })).rejects.toThrow(/manifest\.json[/\\]r\.html: cannot write the report \(ENOTDIR\)/);
  });
});

describe('a report that tells the story', () => {
  let html: string;
  let charts: string[];
  const figureOf = (name: string): string => {
    const start = html.indexOf(`data-chart="${name}"`);
    expect(start, name).toBeGreaterThan(0);
    return html.slice(start, html.indexOf('</figure>', start));
  };
  /** The text of a piece of the page: tags dropped, entities read. */
  const text = (part: string): string => part.replace(/<[^>]+>/g, '').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

  beforeAll(async () => {
    const outcome = await comparedReport();
    html = readFileSync(outcome.path, 'utf8');
    charts = outcome.charts;
  }, 120_000);

  it('opens with the scenario\'s description and horizon, then the headline findings', async () => {
    const manifest = await readManifest(compared);
    const description = (manifest.scenario as { description: string }).description;
    expect(text(html.slice(0, html.indexOf('</header>')))).toContain(description.trim());
    expect(html).toContain('<b>Horizon 2025-01-01 to 2030-12-31 (6 years).</b>');
    const sections = [...html.matchAll(/<section id="([^"]+)">/g)].map((match) => match[1]);
    expect(sections[0]).toBe('findings');
  });

  it('names each variant\'s largest resolved differences from the baseline with their CIs, from the runs\' own numbers', () => {
    const findings = html.slice(html.indexOf('<section id="findings">'), html.indexOf('</section>', html.indexOf('<section id="findings">')));
    const metrics = keyMetrics(batch.description);
    // How large a difference reads: relative to the baseline's mean, a share's against at least 5 points.
    const size = (metric: string, mean: number) => Math.abs(mean) / Math.max(Math.abs(batch.summary.metrics.baseline![metric]!.mean), unitOf(metric).share ? 0.05 : 1e-12);
    for (const variant of batch.summary.variants.slice(1)) {
      const sentence = text(findings.match(new RegExp(`<li>Against the baseline, <b>${variant}</b> moves most (.*?)\\.</li>`))![1]!);
      const differences = batch.summary.differences[variant]!;
      const resolved = metrics.filter((metric) => metric !== 'market.shocks' && (differences[metric]!.ci95[0] > 0 || differences[metric]!.ci95[1] < 0));
      const named = sentence.split(/; (?:and )?/).map((part) => {
        const metric = metrics.find((candidate) => part.startsWith(`${figureLabel(candidate)}, `))!;
        expect(metric, part).toBeDefined();
        const d = differences[metric]!;
        const unit = unitOf(metric);
        expect(part).toBe(`${figureLabel(metric)}, ${differenceWithUnit(unit, d.mean)} [95% CI ${formatIn(unit, d.ci95[0])}, ${formatIn(unit, d.ci95[1])}] from ${withUnit(unit, batch.summary.metrics.baseline![metric]!.mean)}`);
        return metric;
      });
      expect(named.length).toBe(Math.min(3, resolved.length));
      // Largest first, and none left out larger than the last one named.
      const sizes = named.map((metric) => size(metric, differences[metric]!.mean));
      expect([...sizes].sort((a, b) => b - a)).toEqual(sizes);
      for (const metric of resolved.filter((m) => !named.includes(m))) expect(size(metric, differences[metric]!.mean)).toBeLessThanOrEqual(sizes.at(-1)!);
    }
  });

  it('names the riskiest lab and the most influential parameter in words', () => {
    const risks = batch.summary.risks.baseline!;
    const riskiest = Object.entries(risks).sort((a, b) => b[1].shortfallOver10PercentInAnyYear.p - a[1].shortfallOver10PercentInAnyYear.p || b[1].expectedShortfallShareWorst5Percent - a[1].expectedShortfallShareWorst5Percent)[0]!;
    const p = riskiest[1].shortfallOver10PercentInAnyYear;
    expect(html).toContain(`The riskiest lab in the baseline is <b>${riskiest[0]}</b>: in ${(100 * p.p).toFixed(1)}% of runs [95% CI ${(100 * p.ci95[0]).toFixed(1)}, ${(100 * p.ci95[1]).toFixed(1)}]`);
    const influential = html.match(/The most influential uncertain parameter is <b>([^<]+)<\/b>, first for (\d+) of the (\d+) outcomes ranked/)!;
    expect(influential[1]).toMatch(/^[a-z0-9-]+( shock)?: [a-z0-9 ]+ \([^)]+\)$/);
    expect(Number(influential[3])).toBe(2 * batch.description.labs.length + 2);
    // No raw parameter path in the findings or on the tornado charts.
    const findings = html.slice(html.indexOf('<section id="findings">'), html.indexOf('<section id="results">'));
    for (const parameter of batch.description.parameters) {
      expect(findings).not.toContain(parameter);
      expect(figureOf('tornado:labs.openai.shortfallShare')).not.toContain(`>${parameter}<`);
    }
    expect(figureOf('tornado:labs.openai.shortfallShare')).toContain('openai: demand growth (factor per year)');
  });

  it('defines every figure it shows in one line, with the unit it is shown in', () => {
    const definitions = html.match(/<dl class="definitions">(.*?)<\/dl>/)![1]!;
    for (const metric of keyMetrics(batch.description)) expect(definitions, metric).toContain(`<dt>${escaped(figureOfColumn(metric)!.label)} (${unitOf(metric).name})</dt>`);
    expect(definitions).toContain('<dt>shortfall (% of demand)</dt><dd>demand no provider served, as a share of the lab&#39;s demand over the horizon');
    expect(definitions).toContain('<dt>spend (bn USD)</dt><dd>the total paid for reserved contracts and spot compute over the horizon</dd>');
  });

  it('shows money in bn USD, prices per H100e-hour and differences in the metric\'s own unit, never a percentage of the baseline', () => {
    expect(html).not.toMatch(/% of (the )?baseline|USD\/GPU|USD\/h\b|per GPU-hour|USD bn/);
    const spend = figureOf('histogram:labs.openai.totalSpendUsd');
    expect(spend).toContain('>bn USD</text>');
    // Axis labels are plain numbers of billions: no SI suffix like 605G.
    const ticks = [...spend.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1]!);
    expect(ticks.filter((tick) => /^-?[\d.,]+[kMGT]$/.test(tick))).toEqual([]);
    expect(figureOf('forest:percentage-points')).toContain('>difference from baseline, percentage points</text>');
    expect(figureOf('forest:usd-per-h100e-hour')).toContain('>difference from baseline, USD per H100e-hour</text>');
    expect(figureOf('forest:bn-usd')).toContain('>difference from baseline, bn USD</text>');
    expect(figureOf('fan-prices')).toContain('>USD per H100e-hour</text>');
  });

  it('marks the timeline\'s entries and dated shocks on the time charts, and draws demand beside the compute secured', async () => {
    const manifest = await readManifest(compared);
    const timeline = (manifest.scenario as { timeline: { date: string }[] }).timeline;
    expect(timeline.length).toBeGreaterThan(0);
    const rules = (chart: string) => [...figureOf(chart).matchAll(/class="mark-rule role-mark markers_timeline_marks"[^>]*>(.*?)<\/g>/g)].reduce((sum, group) => sum + (group[1]!.match(/<line/g) ?? []).length, 0);
    // Every panel marks every entry of every variant, and the page lists them.
    expect(html).toContain(`Dates marked on the time charts (`);
    expect(rules('fan-lab-secured') % batch.description.labs.length).toBe(0);
    expect(rules('fan-lab-secured')).toBeGreaterThanOrEqual(batch.description.labs.length * new Set(timeline.map((entry) => entry.date)).size);
    expect(rules('fan-prices')).toBeGreaterThan(0);
    expect(rules('shock-timeline')).toBeGreaterThan(0);
    // Demand is the same in every variant here: one dashed line, in every lab's panel.
    expect(figureOf('fan-lab-secured').match(/class="mark-line role-mark demand_marks"/g)).toHaveLength(batch.description.labs.length);
  });

  it('has no empty panel in its grids: a date axis under each panel and none elsewhere', () => {
    const axes = (chart: string) => (figureOf(chart).match(/aria-label="X-axis/g) ?? []).length;
    expect(axes('fan-provider-share')).toBe(batch.description.providers.length);
    expect(axes('fan-provider-utilisation')).toBe(batch.description.providers.length);
    expect(axes('fan-lab-secured')).toBe(batch.description.labs.length);
  });

  it('draws each variant in its own colour, with a legend in the colours drawn, and keeps overlapping bands apart', () => {
    const fan = figureOf('fan-lab-secured');
    const legend = [...fan.matchAll(/class="mark-symbol role-legend-symbol"[^>]*>(.*?)<\/g>/g)].flatMap((match) => [...match[1]!.matchAll(/stroke="([^"]+)"[^>]*opacity="([^"]+)"/g)].map((m) => [m[1], m[2]]));
    expect(legend).toEqual(batch.summary.variants.map((_, v) => [variantColour(v), '1']));
    batch.summary.variants.forEach((_, v) => {
      const median = fan.match(new RegExp(`class="mark-line role-mark variant_${v}__median_marks"[^>]*><path[^>]*stroke="([^"]+)"`))![1];
      expect(median).toBe(variantColour(v));
      // With several variants, each middle band has an outline of its own colour.
      const band = fan.match(new RegExp(`class="mark-area role-mark variant_${v}__band50_marks"[^>]*><path([^>]*)>`))![1]!;
      expect(band).toContain(`stroke="${variantColour(v)}"`);
      expect(band).toContain(`fill="${variantColour(v)}"`);
    });
    expect(new Set(batch.summary.variants.map((_, v) => variantColour(v))).size).toBe(batch.summary.variants.length);
  });

  it('gives every chart marks with a tooltip, and the page a toggle for each variant', () => {
    for (const name of charts) {
      const tips = [...figureOf(name).matchAll(/class="mark-[a-z]+ role-mark [^"]*(?:hover__|tip__)[^"]*"[^>]*>\s*<path aria-label="([^"]+)"/g)];
      expect(tips.length, name).toBeGreaterThan(0);
    }
    const month = figureOf('fan-lab-secured').match(/aria-label="(openai, 2027-07[^"]*)"/)![1]!;
    expect(month.split('|')).toHaveLength(1 + batch.summary.variants.length);
    expect(month).toMatch(/\|baseline: median [\d.]+[kM]?; p25–p75 [\d.]+[kM]?–[\d.]+[kM]?; p5–p95 [\d.]+[kM]?–[\d.]+[kM]?; demand median [\d.]+[kM]?/);
    for (const [v, variant] of batch.summary.variants.entries()) {
      expect(html).toContain(`<input type="checkbox" id="show-variant-${v}" value="${variant}" checked>`);
      expect(html).toContain(`body:has(#show-variant-${v}:not(:checked)) :is([class*="variant_${v}__"], [data-variant="${v}"]) { display: none; }`);
    }
  });
});

describe('the report command', () => {
  it('writes the page and says where', async () => {
    const out = join(root, 'cli.html');
    const { status, stdout } = await computerace('report', await smallBatch('none'), '--out', out);
    expect(status).toBe(0);
    expect(stdout).toMatch(new RegExp(`^wrote ${out.replace(/[.]/g, '\\.')} \\(\\d+ charts, \\d+ KB\\) in [\\d.]+ s\\n$`));
    expect(existsSync(out)).toBe(true);
  }, 60_000);

  it('is written at the end of a batch by run --report, and refused for a shard', async () => {
    const out = join(root, 'run-report');
    const { status, stdout } = await computerace('run', join(SCENARIOS, 'price-war.yaml'), '--runs', '20', '--workers', '1', '--quiet', '--out', out, '--report');
    expect(status).toBe(0);
    expect(stdout).toContain(`wrote ${join(out, 'report.html')} (`);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    const failure = await computerace('run', join(SCENARIOS, 'price-war.yaml'), '--runs', '20', '--shard', '1/2', '--out', join(root, 'shard'), '--report');
    expect(failure.status).toBe(2);
    expect(failure.stderr).toMatch(/--report needs the whole batch/);
  }, 60_000);

  it('exits 2 with one line and no stack trace for a missing directory', async () => {
    const { status, stderr } = await computerace('report', join(root, 'missing'));
    expect(status).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/missing: no such folder; expected the output directory of a finished batch/);
    expect(stderr).not.toMatch(/\s+at\s/);
  });
});
