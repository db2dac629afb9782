import { runScenario } from '../../src/market/run.js';
import { compileScenario } from '../../src/scenario/compile.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { CompiledScenario } from '../../src/scenario/compile.js';
import { Scenario } from '../../src/scenario/schema.js';

/** A small world for model tests: two labs, three providers, one supplier; override any part. */
export function smallScenario(overrides: Record<string, unknown> = {}): Record<string, any> {
  return {
    name: 'small',
    start: '2025-01-01',
    end: '2027-12-31',
    chips: [
      { id: 'h100', release: '2022-10-01', perfH100e: 1, powerKw: 1.4, unitCostUsd: 30000, lifeYears: 5 },
      { id: 'b200', release: '2025-06-01', perfH100e: 2.5, powerKw: 2.0, unitCostUsd: 45000, lifeYears: 5 },
    ],
    suppliers: [
      { id: 'nvidia', products: [{ chip: 'h100', until: '2025-12-31' }, { chip: 'b200' }], capacityUnitsPerMonth: 60000, leadTimeDays: 90 },
    ],
    providers: ['azure', 'oracle', 'coreweave'].map((id, i) => ({
      id,
      fleet: { h100: 200000 + 50000 * i },
      powerMw: 600,
      powerBuildMwPerYear: 300,
      powerLeadTimeDays: 365,
      capexUsdPerYear: 15e9,
      suppliers: ['nvidia'],
      pricing: { policy: 'competitive', margin: 0.8, elasticity: 0.8 },
    })),
    labs: [
      {
        id: 'openai',
        demand: { initialH100e: 300000, growthPerYear: 1.8, volatility: 0.05 },
        budgetUsdPerYear: 2e10,
        procurement: { strategy: 'multi', providers: ['azure', 'oracle', 'coreweave'], incumbent: 'azure', maxShare: 0.6 },
      },
      {
        id: 'anthropic',
        demand: { initialH100e: 150000, growthPerYear: 2, volatility: 0.05 },
        budgetUsdPerYear: 1e10,
        procurement: { strategy: 'multi', providers: ['oracle', 'coreweave'] },
      },
    ],
    ...overrides,
  };
}

/** Validates and compiles a scenario object (throws on schema errors, with zod's issues). */
export function compiled(raw: Record<string, unknown>): CompiledScenario {
  return compileScenario(Scenario.parse(raw));
}

/**
 * The uncertain parameters a scenario file samples (in the order run 0 draws them, as a batch's
 * description lists them), so tests of designs need not hard-code how many the shipped scenarios have.
 */
export function uncertainParameters(file: string, set: string[] = []): string[] {
  const { spec } = loadScenario(file, { set });
  return Object.keys(runScenario(compileScenario(spec), 1, 0, { keep: [] }).sampled);
}
