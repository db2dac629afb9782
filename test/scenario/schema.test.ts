import { describe, expect, it } from 'vitest';
import { Scenario, scenarioJsonSchema } from '../../src/scenario/schema.js';

const minimal = {
  name: 'tiny',
  start: '2025-01-01',
  end: '2026-12-31',
  chips: [{ id: 'h100', release: '2022-10-01', perfH100e: 1, powerKw: 1.4, unitCostUsd: 30000, lifeYears: 5 }],
  suppliers: [{ id: 'nvidia', products: [{ chip: 'h100' }], capacityUnitsPerMonth: 100000, leadTimeDays: 90 }],
  providers: [
    {
      id: 'azure',
      fleet: { h100: 100000 },
      powerMw: 200,
      powerBuildMwPerYear: 100,
      powerLeadTimeDays: 540,
      capexUsdPerYear: 1e10,
      suppliers: ['nvidia'],
      pricing: { policy: 'costPlus', margin: 0.4 },
    },
  ],
  labs: [
    {
      id: 'openai',
      demand: { initialH100e: 100000, growthPerYear: { lognormal: { median: 2.5, sigma: 0.3 } } },
      budgetUsdPerYear: 1e10,
      procurement: { strategy: 'multi', providers: ['azure'] },
    },
  ],
};

describe('the scenario schema', () => {
  it('accepts a minimal scenario and fills in defaults', () => {
    const parsed = Scenario.parse(minimal);
    expect(parsed.contracts).toEqual([]);
    expect(parsed.suppliers[0]!.allocation).toBe('proRata');
    expect(parsed.labs[0]!.procurement.intervalDays).toBe(90);
  });

  it('rejects unknown keys, impossible dates, bad ranges and bad distributions, all at once', () => {
    const bad = structuredClone(minimal) as any;
    bad.providers[0].capcity = 3;
    bad.start = '2025-02-30';
    bad.labs[0].procurement.maxShare = 1.5;
    bad.labs[0].demand.growthPerYear = { lognormal: { median: 2, sigma: 0 } };
    bad.suppliers[0].leadTimeDays = { triangular: { min: 10, mode: 5, max: 20 } };
    const result = Scenario.safeParse(bad);
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining(['providers.0', 'start', 'labs.0.procurement.maxShare', 'suppliers.0.leadTimeDays.triangular', 'labs.0.demand.growthPerYear.lognormal.sigma']),
    );
  });

  it('exports a JSON Schema whose fields carry descriptions, units and examples', () => {
    const schema = scenarioJsonSchema() as any;
    expect(schema.title).toBe('computerace scenario');
    const chip = schema.properties.chips.items.properties;
    expect(chip.powerKw.unit).toBe('kW');
    expect(chip.powerKw.description).toMatch(/power/i);
    expect(chip.powerKw.examples).toEqual([1.4]);
    // A field's limits are the editor's bounds too.
    expect([chip.lifeYears.minimum, chip.lifeYears.maximum]).toEqual([0.1, 100]);
    expect(schema.properties.providers.items.additionalProperties).toBe(false);
  });
});
