import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jStatModule from 'jstat';
import pl from 'nodejs-polars';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/experiment/batch.js';
import { compareBatches } from '../../src/report/compare.js';
import { computerace } from '../support/cli.js';

/**
 * `computerace compare A B ...`: each lab's shortfall, spend and price paid and the market's prices
 * of every batch against the first, as differences with 95% CIs: run by run when the batches ran
 * the same run indices with the same seed, else as independent samples. Checked against the runs
 * tables as polars reads them and jStat's t quantiles, implementations of their own.
 */

const { jStat } = jStatModule as unknown as { jStat: { studentt: { inv(p: number, dof: number): number } } };
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const scenarios = join(root, 'scenarios');
const temp = mkdtempSync(join(tmpdir(), 'computerace-compare-'));
const [multicloud, exclusive, otherSeed, variants] = ['multicloud', 'exclusive', 'exclusive-seed-9', 'variants'].map((name) => join(temp, name)) as [string, string, string, string];
const RUNS = 30;

beforeAll(async () => {
  const batch = { runs: RUNS, seed: 5, workers: 0, timeseries: 'none' } as const;
  await runBatch({ ...batch, scenario: join(scenarios, 'openai-multicloud-2025.yaml'), out: multicloud });
  await runBatch({ ...batch, scenario: join(scenarios, 'exclusive-azure.yaml'), out: exclusive });
  await runBatch({ ...batch, scenario: join(scenarios, 'exclusive-azure.yaml'), runs: 20, seed: 9, out: otherSeed });
  await runBatch({ ...batch, scenario: join(scenarios, 'multicloud-vs-exclusive.yaml'), runs: 12, out: variants });
}, 180_000);
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** A runs-table column of a batch's variant, as polars reads it. */
function column(dir: string, name: string, variant = 'baseline'): number[] {
  const runs = pl.readIPC(readFileSync(join(dir, 'runs.arrow'))).filter(pl.col('variant').eq(pl.lit(variant))).sort('run');
  return runs.getColumn(name).toArray() as number[];
}

const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
const variance = (values: number[]): number => values.reduce((sum, value) => sum + (value - mean(values)) ** 2, 0) / (values.length - 1);

describe('computerace compare', () => {
  it('pairs batches of one seed and number of runs run by run: the mean difference and its t interval', async () => {
    const comparison = await compareBatches([multicloud, exclusive]);
    expect(comparison.pairing.exclusive).toBe('paired by run index: the same seed (5), runs (30) and design');
    const row = comparison.rows.find((candidate) => candidate.figure.column === 'labs.openai.shortfallShare')!;
    const a = column(multicloud, 'labs.openai.shortfallShare');
    const b = column(exclusive, 'labs.openai.shortfallShare');
    const differences = b.map((value, i) => value - a[i]!);
    const half = jStat.studentt.inv(0.975, RUNS - 1) * Math.sqrt(variance(differences) / RUNS);
    expect(row).toMatchObject({ paired: true, runs: RUNS });
    expect(row.reference).toBeCloseTo(mean(a), 12);
    expect(row.value).toBeCloseTo(mean(b), 12);
    expect(row.difference).toBeCloseTo(mean(differences), 12);
    // jStat's t quantile is good to about 1e-9.
    expect(row.low).toBeCloseTo(mean(differences) - half, 8);
    expect(row.high).toBeCloseTo(mean(differences) + half, 8);
    // Every lab's shortfall, spend and price paid, and the market's two prices.
    expect(comparison.rows.map((r) => r.figure.label)).toEqual([
      ...['openai', 'anthropic', 'meta', 'xai'].flatMap((lab) => [`${lab} shortfall`, `${lab} spend`, `${lab} price paid`]),
      'spot price', 'contract price',
    ]);
  });

  it('compares batches of other seeds or numbers of runs as independent samples: Welch\'s interval', async () => {
    const comparison = await compareBatches([multicloud, otherSeed]);
    expect(comparison.pairing['exclusive-seed-9']).toBe('unpaired (seeds 5 and 9, 30 and 20 runs): Welch\'s interval for independent runs');
    const row = comparison.rows.find((candidate) => candidate.figure.column === 'labs.anthropic.totalSpendUsd')!;
    const a = column(multicloud, 'labs.anthropic.totalSpendUsd');
    const b = column(otherSeed, 'labs.anthropic.totalSpendUsd');
    const [va, vb] = [variance(a) / a.length, variance(b) / b.length];
    const dof = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
    const half = jStat.studentt.inv(0.975, dof) * Math.sqrt(va + vb);
    expect(row).toMatchObject({ paired: false, runs: 20 });
    expect(row.difference).toBeCloseTo(mean(b) - mean(a), 3);
    expect((row.high - row.low) / 2 / half).toBeCloseTo(1, 7);
  });

  it('says when an arm covers another horizon, and which figures it could not compare, beside its rows', async () => {
    // Compared in silence: six years' spend against three and a half, and another set of labs' rows just missing.
    const backtest = join(temp, 'backtest');
    await runBatch({ scenario: join(scenarios, 'backtest-2023.yaml'), runs: 5, seed: 5, workers: 0, timeseries: 'none', out: backtest });
    const comparison = await compareBatches([multicloud, backtest]);
    expect(comparison.notes['backtest']).toEqual([
      'over another horizon: 2025-01-01 to 2030-12-31 against 2023-01-01 to 2026-06-30, so its figures over the horizon are not alike',
      'not compared, as one of the two batches has no such lab: others shortfall, others spend, others price paid',
    ]);
    expect((await compareBatches([multicloud, exclusive])).notes['exclusive']).toEqual([]);
    // A lab neither arm has is no figure of theirs: the variants of one batch say nothing of the other batch's labs.
    const withOthers = await compareBatches([variants, backtest]);
    expect(withOthers.notes['variants:rofr-to-2030']).toEqual([]);
    expect(withOthers.notes['backtest']).toContain('not compared, as one of the two batches has no such lab: others shortfall, others spend, others price paid');
  });

  it('says when an arm was written by another build of computerace: the same seed may not give it the same random numbers', async () => {
    const other = join(temp, 'other-build');
    cpSync(exclusive, other, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(other, 'manifest.json'), 'utf8'));
    const ours = `${manifest.engineVersion} build ${manifest.engineBuild}`;
    writeFileSync(join(other, 'manifest.json'), JSON.stringify({ ...manifest, engineBuild: 'fedcba9876543210' }));
    expect((await compareBatches([multicloud, other])).notes['other-build']).toEqual([
      `written by another computerace (${manifest.engineVersion} build fedcba9876543210, the reference by ${ours}): its runs may not share the reference's random numbers`,
    ]);
  });

  it('compares the variants of one batch with its baseline exactly as the batch\'s own summary does', async () => {
    const comparison = await compareBatches([variants]);
    const summary = JSON.parse(readFileSync(join(variants, 'summary.json'), 'utf8'));
    expect(comparison.arms.map((arm) => arm.label)).toEqual(['variants:exclusive-azure', 'variants:rofr-to-2030', 'variants:no-google-cloud']);
    for (const row of comparison.rows) {
      const variant = row.arm.split(':')[1]!;
      const own = summary.differences[variant][row.figure.column];
      expect(row.difference, `${row.arm} ${row.figure.column}`).toBe(own.mean);
      expect([row.low, row.high], `${row.arm} ${row.figure.column}`).toEqual(own.ci95);
    }
  });

  it('prints a table per batch in the figures\' units and writes the comparison as one page with its forest plots', async () => {
    const page = join(temp, 'compare.html');
    const ran = await computerace('compare', multicloud, exclusive, otherSeed, '--report', page);
    expect(ran.stderr).toBe('');
    expect(ran.status).toBe(0);
    expect(ran.stdout).toContain(`reference: multicloud (${multicloud}: scenario openai-multicloud-2025, variant baseline, seed 5, 30 runs)`);
    expect(ran.stdout).toContain('exclusive − multicloud: paired by run index');
    expect(ran.stdout).toContain('exclusive-seed-9 − multicloud: unpaired (seeds 5 and 9, 30 and 20 runs)');
    // As the report and the run's summary write a figure (io/vocabulary.ts): a signed difference, its interval's bounds as numbers, prices to the cent.
    expect(ran.stdout).toMatch(/openai shortfall\s+% of demand\s+\d+\.\d\s+\d+\.\d\s+\+\d+\.\d \[\d+\.\d, \d+\.\d\] percentage points/);
    expect(ran.stdout).toMatch(/openai spend\s+bn USD\s+\d+\.\d\s+\d+\.\d\s+\+\d+\.\d \[\d+\.\d, \d+\.\d\] bn USD/);
    expect(ran.stdout).toMatch(/spot price\s+USD per H100e-hour\s+\d\.\d{2}\s+\d\.\d{2}\s+[+-]?\d\.\d{2,5} \[-?\d\.\d{2,5}, -?\d\.\d{2,5}\] USD per H100e-hour/);
    const html = readFileSync(page, 'utf8');
    expect(html.match(/data-chart="compare-forest-[^"]+"/g)).toEqual(['data-chart="compare-forest-percentage-points"', 'data-chart="compare-forest-bn-USD"', 'data-chart="compare-forest-USD-per-H100e-hour"']);
    expect(html).not.toContain('<script');
    // Each point is labelled as the tables write it, not with Vega's raw number.
    expect(html).toMatch(/aria-label="openai shortfall, exclusive: \+\d+\.\d \[\d+\.\d, \d+\.\d\] percentage points"/);
    expect(html).toContain('exclusive-seed-9 − multicloud');
  });

  it('refuses, in one line, a lone batch of one variant, a folder that is no batch, a damaged table and an unwritable page', async () => {
    const lone = await computerace('compare', multicloud);
    expect(lone.status).toBe(2);
    expect(lone.stderr).toBe(`computerace: compare: ${multicloud} holds one batch of one variant: give another batch to compare it with\n`);
    const empty = mkdtempSync(join(temp, 'empty-'));
    const none = await computerace('compare', multicloud, empty);
    expect(none.status).toBe(2);
    expect(none.stderr).toBe(`computerace: ${join(empty, 'manifest.json')}: not found; expected the output directory of a finished batch (computerace run ... --out DIR)\n`);
    const runs = join(exclusive, 'runs.arrow');
    const bytes = readFileSync(runs);
    const middle = Math.floor(bytes.byteLength / 2);
    bytes[middle] = bytes[middle]! ^ 0xff;
    writeFileSync(runs, bytes);
    const damaged = await computerace('compare', multicloud, exclusive);
    expect(damaged.status).toBe(2);
    expect(damaged.stderr).toMatch(/^computerace: .*runs\.arrow: its SHA-256 is not the one the manifest records .*; run the batch again\n$/);
    const device = await computerace('compare', multicloud, otherSeed, '--report', '/dev/null');
    expect(device.status).toBe(2);
    expect(device.stderr).toBe('computerace: cannot write /dev/null: it exists and is not a regular file\n');
  });
});
