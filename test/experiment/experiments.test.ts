import { fileURLToPath } from 'node:url';
import jStat from 'jstat';
import { describe, expect, it } from 'vitest';
import { runBatch } from '../../src/experiment/batch.js';
import { saltelliDesign, SaltelliDesignError } from '../../src/experiment/sobol.js';
import { cdf, quantile } from '../../src/kernel/distributions/quantiles.js';
import { loadScenario } from '../../src/scenario/load.js';
import { toDistribution } from '../../src/scenario/sample.js';
import type { ScenarioSpec, UncertainSpec } from '../../src/scenario/schema.js';
import { uncertainParameters } from '../support/scenarios.js';

const SCENARIO = fileURLToPath(new URL('../../scenarios/openai-multicloud-2025.yaml', import.meta.url));

/** A column of an Arrow table as numbers. */
function column(table: { getChild(name: string): { toArray(): ArrayLike<number> } | null }, name: string): number[] {
  return Array.from(table.getChild(name)!.toArray());
}

describe('variants', () => {
  it('run the same run indices with the same streams, and are compared by paired differences', async () => {
    const outcome = await runBatch({ scenario: SCENARIO, sweep: ['providers.azure.pricing.margin=0.5,1.5'], runs: 12, seed: 3, workers: 0, timeseries: 'none' });
    const runs = outcome.tables!.runs;
    const variants = outcome.summary.variants;
    expect(variants).toHaveLength(2);
    // Rows come in (run, variant) order; both variants of a run drew the same demand (common random numbers).
    const demand = column(runs, 'param.labs.openai.demand.initialH100e');
    for (let run = 0; run < 12; run++) expect(demand[2 * run]).toBe(demand[2 * run + 1]);
    const price = column(runs, 'labs.openai.avgPriceUsdPerGpuHour');
    const differences = Array.from({ length: 12 }, (_, run) => price[2 * run + 1]! - price[2 * run]!);
    const mean = differences.reduce((sum, d) => sum + d, 0) / 12;
    const sd = Math.sqrt(differences.reduce((sum, d) => sum + (d - mean) ** 2, 0) / 11);
    const halfWidth = (jStat.studentt.inv(0.975, 11) * sd) / Math.sqrt(12);
    const reported = outcome.summary.differences[variants[1]!]!['labs.openai.avgPriceUsdPerGpuHour']!;
    expect(reported.runs).toBe(12);
    expect(reported.mean).toBeCloseTo(mean, 12);
    expect(reported.sd).toBeCloseTo(sd, 12);
    // jStat's t quantile and ours agree to about 1e-8: the interval's ends to 8 decimals.
    expect(reported.ci95[0]).toBeCloseTo(mean - halfWidth, 8);
    expect(reported.ci95[1]).toBeCloseTo(mean + halfWidth, 8);
    // A higher Azure margin cannot make OpenAI's compute cheaper in every run.
    expect(reported.mean).toBeGreaterThan(0);
  });
});

describe('a Latin hypercube design', () => {
  it('puts exactly one run in each of N equal-probability strata of every uncertain parameter', async () => {
    const runs = 40;
    const outcome = await runBatch({ scenario: SCENARIO, runs, seed: 9, workers: 0, timeseries: 'none', design: 'lhs' });
    const spec = loadScenario(SCENARIO).spec;
    const parameters: [string, UncertainSpec][] = [
      ['labs.openai.demand.growthPerYear', spec.labs[0]!.demand.growthPerYear],
      ['suppliers.nvidia.leadTimeDays', spec.suppliers[0]!.leadTimeDays],
    ];
    for (const [path, uncertain] of parameters) {
      expect(typeof uncertain).toBe('object');
      const distribution = toDistribution(uncertain as Exclude<UncertainSpec, number>);
      const strata = column(outcome.tables!.runs, `param.${path}`).map((value) => Math.floor(cdf(distribution, value) * runs));
      expect(strata.sort((a, b) => a - b)).toEqual(Array.from({ length: runs }, (_, k) => k));
    }
  });

  it('is refused with a stopping rule, which does not know the number of runs in advance', async () => {
    await expect(runBatch({ scenario: SCENARIO, runs: 100, workers: 0, design: 'lhs', untilPrecision: 0.01 })).rejects.toThrow(/fixed number of runs/);
  });
});

/** The uncertain value at a parameter path such as `labs.openai.demand.growthPerYear` (list items are named by id). */
function uncertainAt(spec: ScenarioSpec, path: string): Exclude<UncertainSpec, number> {
  let value: unknown = spec;
  for (const segment of path.split('.')) {
    value = Array.isArray(value) ? value.find((item: { id?: string }) => item.id === segment) : (value as Record<string, unknown>)[segment];
  }
  expect(typeof value, path).toBe('object');
  return value as Exclude<UncertainSpec, number>;
}

describe('a Saltelli (sobol) design', () => {
  // The shipped scenario's uncertain parameters, and a group of the design: one row of A, one of B, one AB_i per parameter.
  const k = uncertainParameters(SCENARIO).length;
  const group = k + 2;

  it('runs matrices A, B and AB_i, each parameter at the quantile of its design uniform', async () => {
    const spec = loadScenario(SCENARIO).spec;
    const outcome = await runBatch({ scenario: SCENARIO, runs: 3 * group, seed: 9, workers: 0, timeseries: 'none', design: 'sobol' });
    const parameters = outcome.description.parameters;
    expect(parameters).toHaveLength(k);
    const design = saltelliDesign('9', parameters, 3 * group);
    const columns = parameters.map((path) => column(outcome.tables!.runs, `param.${path}`));
    parameters.forEach((path, i) => {
      const distribution = toDistribution(uncertainAt(spec, path));
      columns[i]!.forEach((value, run) => expect(value, `${path} in run ${run}`).toBe(quantile(distribution, design.uniform(path, run))));
    });
    const row = (run: number): number[] => columns.map((values) => values[run]!);
    for (let j = 0; j < 3; j++) {
      const [a, b] = [row(group * j), row(group * j + 1)];
      expect(a.every((value, i) => value !== b[i])).toBe(true);
      for (let i = 0; i < k; i++) expect(row(group * j + 2 + i)).toEqual(a.map((value, c) => (c === i ? b[c] : value)));
    }
  });

  it('is shared by every variant: they run the same rows over the same parameters', async () => {
    const scenario = fileURLToPath(new URL('../../scenarios/multicloud-vs-exclusive.yaml', import.meta.url));
    const notices: string[] = [];
    const outcome = await runBatch({ scenario, runs: group, seed: 4, workers: 0, timeseries: 'none', design: 'sobol', onNotice: (notice) => notices.push(notice) });
    // One group runs, and says it gives no indices (the report found it out, the batch said nothing).
    expect(notices).toEqual([`a Saltelli design of ${group} runs is 1 group of ${group}, which gives no Sobol indices: they need 2 groups at least (${2 * group} runs)`]);
    const variants = outcome.description.variants.length;
    expect(variants).toBeGreaterThan(1);
    for (const path of outcome.description.parameters) {
      const values = column(outcome.tables!.runs, `param.${path}`);
      for (let run = 0; run < group; run++) for (let v = 1; v < variants; v++) expect(values[variants * run + v]).toBe(values[variants * run]);
    }
  });

  it('refuses runs that are not whole groups of the uncertain parameters + 2, and a stopping rule', async () => {
    const refused = runBatch({ scenario: SCENARIO, runs: 1000, workers: 0, design: 'sobol' });
    await expect(refused).rejects.toThrow(SaltelliDesignError);
    const below = Math.floor(1000 / group) * group;
    await expect(refused).rejects.toThrow(`design 'sobol' needs runs to be a multiple of ${group} (${k} uncertain parameters + 2): try ${below} or ${below + group}`);
    await expect(runBatch({ scenario: SCENARIO, runs: 2 * group, workers: 0, design: 'sobol', untilPrecision: 0.01 })).rejects.toThrow(/fixed number of runs/);
  });
});

describe('running until a precision', () => {
  it('stops once every key metric is precise enough, and writes the same runs whatever the block size', async () => {
    // A half-width of half the mean: reached at 90 runs in blocks of 10, at 100 in blocks of 25, after
    // several checks each (at 0.25 it took 310 and 325 runs, and three times the time, for the same checks).
    const options = { scenario: SCENARIO, runs: 400, seed: 5, workers: 0, timeseries: 'none' as const, untilPrecision: 0.5 };
    const small = await runBatch({ ...options, blockSize: 10 });
    const large = await runBatch({ ...options, blockSize: 25 });
    for (const outcome of [small, large]) {
      expect(outcome.convergence!.converged).toBe(true);
      expect(outcome.convergence!.relativeHalfWidth).toBeLessThan(0.5);
      expect(outcome.convergence!.limiting).toMatch(/^baseline: /);
      expect(outcome.runs).toBeLessThan(400);
    }
    // Each stops at the first check (a multiple of its block) where the rule holds.
    expect(small.runs % 10).toBe(0);
    expect(large.runs % 25).toBe(0);
    const common = Math.min(small.runs, large.runs);
    for (const name of ['run', 'labs.openai.shortfallShare', 'param.labs.xai.demand.growthPerYear', 'market.shocks']) {
      expect(column(small.tables!.runs, name).slice(0, common)).toEqual(column(large.tables!.runs, name).slice(0, common));
    }
  });
});
