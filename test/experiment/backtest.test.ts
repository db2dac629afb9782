import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BacktestError, evaluateTargets, formatBand, formatFigure, metricValue, runBacktest } from '../../src/experiment/backtest.js';
import type { TargetRecords } from '../../src/experiment/backtest.js';
import { BatchOptionsError } from '../../src/experiment/limits.js';
import { runScenario } from '../../src/market/run.js';
import { compileScenario } from '../../src/scenario/compile.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { MetricSpec, TargetSpec } from '../../src/scenario/targets.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'backtest-small.yaml');

// Fourteen months from a start in mid-January 2024: the first month is dated at the start, the others on the 1st.
const DATES = [
  '2024-01-15', '2024-02-01', '2024-03-01', '2024-04-01', '2024-05-01', '2024-06-01', '2024-07-01',
  '2024-08-01', '2024-09-01', '2024-10-01', '2024-11-01', '2024-12-01', '2025-01-01', '2025-02-01',
];

/**
 * One run's records, made by hand. In month m, openai holds `scale` × (100 + m) H100e under contract
 * and `scale` × 10 on spot, and spends `scale` × 1000 × (m + 1) USD; anthropic holds 50 and spends
 * nothing; compute on a b200 (2.5 H100e) costs `scale` × (2 + m / 10) USD per H100e-hour.
 */
function records(scale: number): TargetRecords {
  const market = DATES.map((date, month) => ({ month, date }));
  return {
    market,
    labs: market.flatMap(({ month }) => [
      { month, lab: 'openai', contractedH100e: scale * (100 + month), spotH100e: scale * 10, spendUsd: scale * 1000 * (month + 1) },
      { month, lab: 'anthropic', contractedH100e: 50, spotH100e: 0, spendUsd: 0 },
    ]),
    chips: market.map(({ month }) => ({ month, chip: 'b200', spotPriceUsdPerGpuHour: scale * (2 + month / 10), spotPriceUsdPerChipHour: 2.5 * scale * (2 + month / 10) })),
  };
}

/** Five runs whose openai compute in January 2024 is 110, 220, 330, 440 and 550 H100e. */
const FIVE_RUNS = [3, 1, 5, 2, 4].map(records);
const JANUARY_COMPUTE: MetricSpec = { labCompute: { lab: 'openai', date: '2024-01-31' } };

/** Openai's compute over anthropic's in January 2024. */
const RATIO: MetricSpec = { ratio: { numerator: JANUARY_COMPUTE, denominator: { labCompute: { lab: 'anthropic', date: '2024-01-31' } } } };

/** One run whose RATIO is `value` (∞: anthropic holds nothing then). */
function ratioRecords(value: number): TargetRecords {
  const run = records(1);
  const held = Number.isFinite(value) ? { openai: value, anthropic: 1 } : { openai: 1, anthropic: 0 };
  return { ...run, labs: run.labs.map((row) => (row.month === 0 ? { ...row, contractedH100e: held[row.lab as 'openai' | 'anthropic'], spotH100e: 0 } : row)) };
}

function target(test: Pick<TargetSpec, 'band' | 'atLeast' | 'share'>, metric: MetricSpec = JANUARY_COMPUTE): TargetSpec {
  return { id: 'openai-compute', description: 'OpenAI compute, January 2024', unit: 'H100e', source: 'made up for the test', metric, ...test };
}

describe('a target\'s metric in one run', () => {
  it('reads a lab\'s compute, contracted plus spot, in the calendar month containing the date', () => {
    expect(metricValue({ labCompute: { lab: 'openai', date: '2024-01-02' } }, records(1))).toBe(110); // before the start's day, in its month
    expect(metricValue({ labCompute: { lab: 'openai', date: '2024-03-31' } }, records(1))).toBe(112);
    expect(metricValue({ labCompute: { lab: 'anthropic', date: '2025-02-10' } }, records(1))).toBe(50);
  });

  it('sums a lab\'s spend over the months of a calendar year', () => {
    expect(metricValue({ labSpend: { lab: 'openai', year: 2024 } }, records(1))).toBe(1000 * (12 * 13) / 2);
    expect(metricValue({ labSpend: { lab: 'openai', year: 2025 } }, records(1))).toBe(1000 * (13 + 14));
  });

  it('averages a chip\'s spot price over the calendar months from `from` to `to`, per chip or per H100e', () => {
    const months = { chip: 'b200', from: '2024-02-20', to: '2024-04-10' }; // February, March, April
    expect(metricValue({ chipPrice: { ...months, per: 'h100e' } }, records(1))).toBeCloseTo(2.2, 12);
    expect(metricValue({ chipPrice: { ...months, per: 'chip' } }, records(1))).toBeCloseTo(5.5, 12);
  });

  it('divides two metrics in the same run', () => {
    const perH100e: MetricSpec = { ratio: { numerator: { labSpend: { lab: 'openai', year: 2025 } }, denominator: { labCompute: { lab: 'anthropic', date: '2025-01-01' } } } };
    expect(metricValue(perH100e, records(2))).toBe((2 * 27000) / 50);
  });

  it('is NaN where the run has no record of it', () => {
    expect(metricValue(JANUARY_COMPUTE, { ...records(1), labs: [] })).toBeNaN();
    expect(metricValue({ labCompute: { lab: 'openai', date: '2026-06-01' } }, records(1))).toBeNaN();
    expect(metricValue({ ratio: { numerator: { labSpend: { lab: 'anthropic', year: 2024 } }, denominator: { labSpend: { lab: 'anthropic', year: 2024 } } } }, records(1))).toBeNaN();
  });
});

describe('evaluating targets over runs', () => {
  it('keeps the values in run order and gives the median, p5 and p95 (type 7)', () => {
    const [evaluation] = evaluateTargets([target({ band: [300, 400] })], FIVE_RUNS);
    expect(Array.from(evaluation!.values)).toEqual([330, 110, 550, 220, 440]);
    expect(evaluation!.median).toBe(330);
    expect(evaluation!.p5).toBeCloseTo(132, 9); // 110 + 0.2 × 110
    expect(evaluation!.p95).toBeCloseTo(528, 9); // 440 + 0.8 × 110
    expect(evaluation).toMatchObject({ id: 'openai-compute', unit: 'H100e', source: 'made up for the test', band: [300, 400], undefinedRuns: 0, met: true });
    expect(evaluation!.reason).toBeUndefined();
  });

  it('meets a band when the median lies inside it, ends included, and says by how much it misses otherwise', () => {
    const judged = evaluateTargets(
      [target({ band: [330, 330] }), target({ band: [null, 330] }), target({ band: [331, null] }), target({ band: [null, 329] }), target({ band: [100, 200] })],
      FIVE_RUNS,
    );
    expect(judged.map((evaluation) => evaluation.met)).toEqual([true, true, false, false, false]);
    expect(judged.map((evaluation) => evaluation.reason)).toEqual([
      undefined,
      undefined,
      'median 330 below the band [331, ∞)',
      'median 330 above the band (-∞, 329]',
      'median 330 above the band [100, 200]',
    ]);
  });

  it('meets a floor when at least the required share of runs reach it', () => {
    const [enough, short] = evaluateTargets([target({ atLeast: 440, share: 0.4 }), target({ atLeast: 440, share: 0.5 })], FIVE_RUNS);
    expect(enough).toMatchObject({ atLeast: 440, share: 0.4, shareAtLeast: 0.4, met: true });
    expect(short).toMatchObject({ shareAtLeast: 0.4, met: false, reason: '40% of runs reach 440, short of the 50% required' });
  });

  it('leaves runs without the metric out of the quantiles, and meets no band and no floor in a run without it', () => {
    const runs = [...FIVE_RUNS, { ...records(9), labs: [] }];
    const [band, floor] = evaluateTargets([target({ band: [300, 400] }), target({ atLeast: 110, share: 1 })], runs);
    // The median of the runs that have the metric is in the band; the model does not give it in every run.
    expect(band).toMatchObject({ undefinedRuns: 1, median: 330, met: false, reason: 'the metric is undefined in 1 of 6 runs' });
    expect(evaluateTargets([target({ band: [300, 400] })], FIVE_RUNS)[0]).toMatchObject({ undefinedRuns: 0, median: 330, met: true });
    expect(Number.isNaN(band!.values[5])).toBe(true);
    expect(floor).toMatchObject({ undefinedRuns: 1, shareAtLeast: 5 / 6, met: false });
    const [never] = evaluateTargets([target({ band: [0, null] })], [{ ...records(1), labs: [] }]);
    expect(never).toMatchObject({ met: false, reason: 'the metric is undefined in every run' });
  });

  it('evaluates a ratio, and a chip\'s price per chip and per H100e, run by run', () => {
    const price = (per: 'chip' | 'h100e'): MetricSpec => ({ chipPrice: { chip: 'b200', from: '2024-01-15', to: '2024-01-15', per } });
    const spendPerCompute: MetricSpec = { ratio: { numerator: { labSpend: { lab: 'openai', year: 2024 } }, denominator: JANUARY_COMPUTE } };
    const [perChip, perH100e, ratio] = evaluateTargets([target({ band: [4, 6] }, price('chip')), target({ band: [4, 6] }, price('h100e')), target({ band: [700, 710] }, spendPerCompute)], FIVE_RUNS);
    expect(Array.from(perChip!.values)).toEqual([15, 5, 25, 10, 20]);
    expect(Array.from(perH100e!.values)).toEqual([6, 2, 10, 4, 8]);
    expect([perChip!.median, perH100e!.median]).toEqual([15, 6]);
    expect([perChip!.met, perH100e!.met]).toEqual([false, true]);
    // Spend and compute both scale with the run, so their ratio is the same in every run: 78,000 / 110.
    for (const value of ratio!.values) expect(value).toBeCloseTo(78000 / 110, 9);
    expect(ratio!.met).toBe(true);
  });

  it('writes figures with three significant digits and large amounts in k, M, bn, tn', () => {
    expect([0.12345, 2, 2.8, 1234, 12345, 2.15e5, 1e7, 3.125e10, 4e12, NaN].map((value) => formatFigure(value))).toEqual(['0.123', '2', '2.8', '1230', '12.3k', '215k', '10M', '31.3bn', '4tn', '–']);
    expect([formatBand([2, 2.8]), formatBand([1e6, null]), formatBand([null, 3])]).toEqual(['[2, 2.8]', '[1M, ∞)', '(-∞, 3]']);
    // The unit is chosen after rounding: these were '10000', '1000k' and '1000M'.
    expect([9999.5, 999_950, 999_950_000].map((value) => formatFigure(value))).toEqual(['10k', '1M', '1bn']);
  });

  it('writes a reason with the digits that tell the median from the edge it passed, and a share from the share required', () => {
    // "median 3.2 above the band [2, 3.2]" and "80% of runs reach 2, short of the 80% required" said nothing.
    const [above] = evaluateTargets([target({ band: [2, 3.2] }, RATIO)], [3.1, 3.2004, 3.3].map(ratioRecords));
    expect(above!.reason).toBe('median 3.2004 above the band [2, 3.2]');
    const values = [...Array.from({ length: 1999 }, () => 3), ...Array.from({ length: 501 }, () => 1)];
    const [short] = evaluateTargets([target({ atLeast: 2, share: 0.8 }, RATIO)], values.map(ratioRecords));
    expect(short!.reason).toBe('79.96% of runs reach 2, short of the 80% required');
  });

  it('leaves a ratio over 0 undefined, not infinite: one infinite run swung the quantiles, and JSON writes ∞ as null', () => {
    const [ratio] = evaluateTargets([target({ band: [0, null] }, RATIO)], [1, 2, Infinity].map(ratioRecords));
    expect(Array.from(ratio!.values).map((value) => (Number.isNaN(value) ? 'undefined' : value))).toEqual([1, 2, 'undefined']);
    expect(ratio).toMatchObject({ undefinedRuns: 1, met: false });
  });
});

describe('runBacktest', () => {
  it('refuses runs and seeds a batch would refuse, before any run: 0 or NaN runs judged every target on no run', async () => {
    for (const runs of [0, NaN, -1, 1.5]) await expect(runBacktest({ scenario: fixture, runs, seed: 1 })).rejects.toBeInstanceOf(BatchOptionsError);
    await expect(runBacktest({ scenario: fixture, runs: 2 } as never)).rejects.toThrow(/a back-test needs one/);
    await expect(runBacktest({ scenario: fixture, runs: 2, seed: { a: 1 } as never })).rejects.toThrow(/seed .*expected a text, or a whole number >= 0/);
    // "texts.forEach is not a function", "text.indexOf is not a function".
    await expect(runBacktest({ scenario: fixture, runs: 2, seed: 1, set: 'x=1' as never })).rejects.toThrow(new TypeError('set must be a list of texts, got "x=1"'));
    await expect(runBacktest({ scenario: fixture, runs: 2, seed: 1, set: [42] as never })).rejects.toThrow(new TypeError('set must be a list of texts, got [42]'));
    await expect(runBacktest({ scenario: fixture, runs: 100_001, seed: 1 })).rejects.toThrow(/^runs 100001: a back-test has at most 100000 runs/);
  });

  it('runs runs 0..N-1 of the baseline: the same numbers for the same seed, run i as runScenario gives it', async () => {
    const first = await runBacktest({ scenario: fixture, runs: 4, seed: 42 });
    const again = await runBacktest({ scenario: fixture, runs: 4, seed: '42' });
    expect(first.targets.map((target) => Array.from(target.values))).toEqual(again.targets.map((target) => Array.from(target.values)));
    const loaded = loadScenario(fixture);
    const run2 = runScenario(compileScenario(loaded.spec), 42, 2);
    expect(first.targets.map((target) => target.values[2])).toEqual(loaded.spec.targets!.map((target) => metricValue(target.metric, run2)));
    const other = await runBacktest({ scenario: fixture, runs: 4, seed: 7 });
    expect(Array.from(other.targets[0]!.values)).not.toEqual(Array.from(first.targets[0]!.values));
  });

  it('meets the fixture\'s first target and not its second at seed 42', async () => {
    const outcome = await runBacktest({ scenario: fixture, runs: 20, seed: 42 });
    expect(outcome).toMatchObject({ scenario: 'backtest-small', runs: 20, seed: 42 });
    expect(outcome.targets.map((target) => [target.id, target.met])).toEqual([
      ['h100-price-2023h2', true],
      ['openai-compute-2024-12', false],
    ]);
    expect(outcome.targets[1]!.shareAtLeast).toBe(0);
  });

  it('gives the monthly price of each chip a price target reads: median and p5-p95 over the runs, month by month', async () => {
    const outcome = await runBacktest({ scenario: fixture, runs: 9, seed: 42 });
    expect(outcome.pricePaths.map((path) => [path.chip, path.per])).toEqual([['h100', 'chip']]);
    const path = outcome.pricePaths[0]!;
    const compiled = compileScenario(loadScenario(fixture).spec);
    const runs = Array.from({ length: 9 }, (_, run) => runScenario(compiled, 42, run));
    expect(path.dates).toEqual(runs[0]!.market.map((month) => month.date));
    for (const month of [0, 7, 23]) {
      // Nine runs: the type-7 median is the fifth value in order.
      const prices = runs.map((run) => run.chips.find((row) => row.chip === 'h100' && row.month === month)!.spotPriceUsdPerChipHour!).sort((a, b) => a - b);
      expect(path.p50[month]).toBe(prices[4]);
      expect(path.p5[month]).toBeLessThanOrEqual(path.p50[month]!);
      expect(path.p95[month]).toBeGreaterThanOrEqual(path.p50[month]!);
    }
  });

  it('refuses a scenario without targets, and applies --set overrides first', async () => {
    await expect(runBacktest({ scenario: fixture, runs: 1, seed: 1, set: ['targets=null'] })).rejects.toThrow(BacktestError);
    await expect(runBacktest({ scenario: fixture, runs: 1, seed: 1, set: ['targets=null'] })).rejects.toThrow(/declares no targets/);
  });
});
