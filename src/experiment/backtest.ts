import type { ChipMonth, LabMonth, MarketMonth } from '../market/results.js';
import { runScenario } from '../market/run.js';
import { compileScenario } from '../scenario/compile.js';
import { loadScenario } from '../scenario/load.js';
import type { LoadedScenario } from '../scenario/load.js';
import { isLoadedScenario } from './plan.js';
import type { BaseMetricSpec, MetricSpec, TargetSpec } from '../scenario/targets.js';
import { RunFailure } from './failure.js';
import { checkBacktestOptions, checkTextLists, missingOption } from './limits.js';
import { describe } from './statistics.js';

/**
 * Back-tests: a scenario's targets (src/scenario/targets.ts) against its Monte Carlo runs. Each run is
 * read for each target's metric (and the monthly prices the chart draws) as soon as it ends and then
 * dropped, so a back-test holds a few numbers per run, never the runs. Run i is the run i of
 * `computerace run` with the same seed.
 */

/** The monthly records a target reads: a RunResult has them, and so may a record made by hand. */
export interface TargetRecords {
  labs: readonly Pick<LabMonth, 'month' | 'lab' | 'contractedH100e' | 'spotH100e' | 'spendUsd'>[];
  market: readonly Pick<MarketMonth, 'month' | 'date'>[];
  chips: readonly Pick<ChipMonth, 'month' | 'chip' | 'spotPriceUsdPerGpuHour' | 'spotPriceUsdPerChipHour'>[];
}

/** How the model fares against one target over the runs. */
export interface TargetEvaluation {
  id: string;
  description: string;
  unit: string;
  source: string;
  /** What it measures, as the scenario declares it. */
  metric: MetricSpec;
  /** The band the median must lie in (null for an open end), when the target has one. */
  band?: [number | null, number | null];
  /** The floor that at least `share` of runs must reach, when the target has one. */
  atLeast?: number;
  share?: number;
  /** The metric in each run, in run order; NaN where a run leaves it undefined (no record of it, a ratio over 0). */
  values: Float64Array;
  /** Type-7 quantiles over the runs where the metric is defined; NaN when it is in none. */
  median: number;
  p5: number;
  p95: number;
  /** Runs where the metric is undefined (NaN): a band target with any is not met, and they count as not reaching `atLeast`. */
  undefinedRuns: number;
  /** With `atLeast`: the share of all runs at or above it. */
  shareAtLeast?: number;
  met: boolean;
  /** Why the target is not met, in words; absent when it is. */
  reason?: string;
}

/** Each target evaluated over the runs' records. */
export function evaluateTargets(targets: readonly TargetSpec[], results: readonly TargetRecords[]): TargetEvaluation[] {
  return targets.map((target) => judge(target, Float64Array.from(results, (records) => metricValue(target.metric, records))));
}

/** A target's metric in one run; NaN when the run has no record of it, or it is a ratio over 0. */
export function metricValue(metric: MetricSpec, records: TargetRecords): number {
  if (!('ratio' in metric)) return baseValue(metric, records);
  // Over 0 a ratio is undefined, not infinite: one infinite run would swing a mean, and JSON has no ∞.
  const denominator = baseValue(metric.ratio.denominator, records);
  return denominator === 0 ? NaN : baseValue(metric.ratio.numerator, records) / denominator;
}

function baseValue(metric: BaseMetricSpec, records: TargetRecords): number {
  if ('labCompute' in metric) {
    const { lab, date } = metric.labCompute;
    const months = monthsBetween(records, date, date);
    const record = records.labs.find((row) => row.lab === lab && months.has(row.month));
    return record ? record.contractedH100e + record.spotH100e : NaN;
  }
  if ('labSpend' in metric) {
    const { lab, year } = metric.labSpend;
    const months = monthsBetween(records, `${year}-01`, `${year}-12`);
    return sumOrNaN(records.labs.filter((row) => row.lab === lab && months.has(row.month)).map((row) => row.spendUsd));
  }
  const { chip, from, to, per } = metric.chipPrice;
  const months = monthsBetween(records, from, to);
  const prices = records.chips
    .filter((row) => row.chip === chip && months.has(row.month))
    .map((row) => (per === 'chip' ? row.spotPriceUsdPerChipHour : row.spotPriceUsdPerGpuHour))
    // A month in which no provider holds the chip gives it no price.
    .filter((price): price is number => price !== null);
  return prices.length === 0 ? NaN : sumOrNaN(prices) / prices.length;
}

/**
 * The run's months whose calendar month lies between those of two dates, inclusive. Month m is dated
 * by `market[m].date`: the scenario's start for the first month, the 1st for the others.
 */
function monthsBetween(records: TargetRecords, from: string, to: string): Set<number> {
  const first = from.slice(0, 7);
  const last = to.slice(0, 7);
  const months = new Set<number>();
  for (const row of records.market) {
    const month = row.date.slice(0, 7);
    if (month >= first && month <= last) months.add(row.month);
  }
  return months;
}

function sumOrNaN(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((sum, value) => sum + value, 0);
}

/** The test of a target on its values over the runs. */
function judge(target: TargetSpec, values: Float64Array): TargetEvaluation {
  const defined = values.filter((value) => !Number.isNaN(value));
  const { p5, p50: median, p95 } = describe(defined);
  const base = { id: target.id, description: target.description, unit: target.unit, source: target.source, metric: target.metric };
  const spread = { values, median, p5, p95, undefinedRuns: values.length - defined.length };
  if (target.band !== undefined) {
    const [low, high] = target.band;
    let reason: string | undefined;
    // A median over the runs that have the metric says nothing of those that do not: the model must give the figure in every run.
    if (Number.isNaN(median)) reason = 'the metric is undefined in every run';
    else if (spread.undefinedRuns > 0) reason = `the metric is undefined in ${spread.undefinedRuns} of ${values.length} runs`;
    else if (low !== null && median < low) reason = `median ${figureBeside(median, low)} below the band ${formatBand(target.band)}`;
    else if (high !== null && median > high) reason = `median ${figureBeside(median, high)} above the band ${formatBand(target.band)}`;
    return { ...base, band: target.band, ...spread, met: reason === undefined, ...(reason === undefined ? {} : { reason }) };
  }
  const floor = target.atLeast!;
  const required = target.share!;
  let reached = 0;
  for (const value of values) if (value >= floor) reached++;
  // With no runs nothing is shown to reach the floor: the share is NaN and the target not met.
  const shareAtLeast = reached / values.length;
  const met = shareAtLeast >= required;
  const reason = met ? undefined : `${shareBeside(shareAtLeast, required)} of runs reach ${formatFigure(floor)}, short of the ${formatShare(required)} required`;
  return { ...base, atLeast: floor, share: required, ...spread, shareAtLeast, met, ...(reason === undefined ? {} : { reason }) };
}

/** The units large figures are written in, largest first. */
const SCALES: readonly [number, string][] = [
  [1e12, 'tn'],
  [1e9, 'bn'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/** A figure as tables and reasons show it: three significant digits, large amounts in k, M, bn and tn. */
export function formatFigure(value: number): string {
  return figure(value, 3);
}

/** A figure to `digits` significant digits, large amounts in k, M, bn and tn. */
function figure(value: number, digits: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? '–' : value > 0 ? '∞' : '-∞';
  const rounded = Number(value.toPrecision(digits));
  // Chosen after rounding, so that 999,950 is 1M and not 1000k; below 10,000 a figure is written out.
  const [divisor, suffix] = Math.abs(rounded) >= 1e4 ? SCALES.find(([scale]) => Math.abs(rounded) >= scale)! : [1, ''];
  return `${Number((rounded / divisor).toPrecision(digits))}${suffix}`;
}

/** `value` with the digits (up to 15) that tell it from `edge` when three would write it as the edge: "median 3.2004 above the band [2, 3.2]". */
function figureBeside(value: number, edge: number): string {
  for (let digits = 3; digits < 15; digits++) if (figure(value, digits) !== figure(edge, digits)) return figure(value, digits);
  return figure(value, 15);
}

/** A share with the decimals that tell it from `required`: "79.96% of runs", not "80%", short of 80%. */
function shareBeside(share: number, required: number): string {
  for (let decimals = 1; decimals < 12; decimals++) {
    const written = `${Number((100 * share).toFixed(decimals))}%`;
    if (written !== formatShare(required) && written !== `${Number((100 * required).toFixed(decimals))}%`) return written;
  }
  return formatShare(share);
}

/** A band as an interval: `[2, 2.8]`, or with an open end `[2, ∞)`, `(-∞, 2.8]`. */
export function formatBand([low, high]: readonly [number | null, number | null]): string {
  return `${low === null ? '(-∞' : `[${formatFigure(low)}`}, ${high === null ? '∞)' : `${formatFigure(high)}]`}`;
}

/** A share of runs as a percentage, to a tenth of a percent when it has one: `80%`, `62.5%`. */
export function formatShare(share: number): string {
  return `${Number((100 * share).toFixed(1))}%`;
}

/** What a back-test runs. */
export interface BacktestOptions {
  /** The scenario file, or one already loaded (as runBatch takes it); its `targets` are the test. */
  scenario: string | LoadedScenario;
  /** Runs 0..runs-1 of the baseline (variants are not run). */
  runs: number;
  /** The master seed, as for `computerace run`. */
  seed: number | string;
  /** Overrides, as `path=value` texts (the `--set` flag), applied to a file before the targets are read. */
  set?: readonly string[];
  /** Called after each run with the number done. */
  onProgress?: (runsDone: number) => void;
}

/** A back-test's result: each target evaluated over the runs. */
export interface BacktestOutcome {
  /** The scenario's name. */
  scenario: string;
  file: string;
  runs: number;
  seed: number | string;
  targets: TargetEvaluation[];
  /** The monthly price of each chip (and unit) a price target reads, over the runs, to draw beside the targets. */
  pricePaths: PricePath[];
}

/** A chip's monthly arm's-length spot price over the runs: the median and p5-p95 each month. */
export interface PricePath {
  chip: string;
  per: 'chip' | 'h100e';
  /** Each month's date (the scenario's start, then the 1st of each month). */
  dates: string[];
  p5: number[];
  p50: number[];
  p95: number[];
}

/** A scenario that cannot be back-tested: it declares no targets. */
export class BacktestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BacktestError';
  }
}

/**
 * Loads a scenario file (throwing its ScenarioError), or takes one loaded, runs runs 0..N-1 of its baseline in this thread, and
 * evaluates its targets. A run that throws becomes a RunFailure naming the run and seed. Asynchronous
 * so that a pool of workers can take the runs over without changing callers.
 */
export async function runBacktest(options: BacktestOptions): Promise<BacktestOutcome> {
  // As a batch's: 0 or NaN runs judged every target on no runs, -1 failed in a typed array, no seed after the work began.
  checkBacktestOptions({ runs: options.runs, seed: options.seed });
  if (options.seed === undefined) throw missingOption('seed', 'a back-test needs one (the runs it reads are those of computerace run with that seed)');
  checkTextLists(options, ['set']);
  if (typeof options.scenario !== 'string' && !isLoadedScenario(options.scenario)) {
    throw new TypeError(`scenario must be a scenario file's path or loadScenario's result, got ${JSON.stringify(options.scenario) ?? String(options.scenario)}`);
  }
  const loaded = typeof options.scenario === 'string' ? loadScenario(options.scenario, { set: options.set }) : options.scenario;
  const targets = loaded.spec.targets ?? [];
  if (targets.length === 0) throw new BacktestError(`${loaded.file} declares no targets: add a \`targets:\` list to back-test it`);
  const compiled = compileScenario(loaded.spec);
  const values = targets.map(() => new Float64Array(options.runs));
  const paths = new PathRecorder(targets, options.runs);
  for (let run = 0; run < options.runs; run++) {
    let records: TargetRecords;
    try {
      // Providers' and suppliers' series are not read: the run spares building them.
      records = runScenario(compiled, options.seed, run, { keep: ['market', 'labs', 'chips'] });
    } catch (error) {
      throw new RunFailure(run, 'baseline', String(options.seed), error);
    }
    targets.forEach((target, t) => {
      values[t]![run] = metricValue(target.metric, records);
    });
    paths.record(run, records);
    options.onProgress?.(run + 1);
  }
  return {
    scenario: loaded.spec.name,
    file: loaded.file,
    runs: options.runs,
    seed: options.seed,
    targets: targets.map((target, t) => judge(target, values[t]!)),
    pricePaths: paths.quantiles(),
  };
}

/** The chip prices the targets read, each as one (chip, unit) series: `h100/chip`. */
export function pricedChips(targets: readonly TargetSpec[]): { chip: string; per: 'chip' | 'h100e' }[] {
  const bases = targets.flatMap(({ metric }) => ('ratio' in metric ? [metric.ratio.numerator, metric.ratio.denominator] : [metric]));
  const priced = new Map<string, { chip: string; per: 'chip' | 'h100e' }>();
  for (const base of bases) if ('chipPrice' in base) priced.set(`${base.chipPrice.chip}/${base.chipPrice.per}`, { chip: base.chipPrice.chip, per: base.chipPrice.per });
  return [...priced.values()];
}

/** Keeps each priced chip's monthly price in every run (months x runs numbers), for its quantiles at the end. */
class PathRecorder {
  private readonly chips: { chip: string; per: 'chip' | 'h100e' }[];
  private readonly values: Float64Array[][] = [];
  private dates: string[] = [];

  constructor(targets: readonly TargetSpec[], private readonly runs: number) {
    this.chips = pricedChips(targets);
  }

  record(run: number, records: TargetRecords): void {
    if (this.dates.length === 0) {
      this.dates = records.market.map((month) => month.date);
      for (const _ of this.chips) this.values.push(this.dates.map(() => new Float64Array(this.runs).fill(NaN)));
    }
    this.chips.forEach(({ chip, per }, c) => {
      for (const row of records.chips) {
        if (row.chip !== chip) continue;
        const series = this.values[c]![row.month];
        if (series) series[run] = (per === 'chip' ? row.spotPriceUsdPerChipHour : row.spotPriceUsdPerGpuHour) ?? NaN;
      }
    });
  }

  quantiles(): PricePath[] {
    return this.chips.map(({ chip, per }, c) => {
      const months = (this.values[c] ?? []).map((runs) => describe(runs.filter((value) => !Number.isNaN(value))));
      return { chip, per, dates: this.dates, p5: months.map((m) => m.p5), p50: months.map((m) => m.p50), p95: months.map((m) => m.p95) };
    });
  }
}
