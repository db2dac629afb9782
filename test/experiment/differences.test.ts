import { describe, expect, it } from 'vitest';
import { batchDifference } from '../../src/experiment/differences.js';
import type { BatchIdentity } from '../../src/experiment/differences.js';
import type { Provenance } from '../../src/io/outputs.js';

/** What --resume names when a folder holds another batch: the first difference that matters, in the words of the command line. */

const provenance: Provenance = {
  engineVersion: '0.1.0',
  engineBuild: '0123456789abcdef',
  scenarioName: 'two-labs',
  scenarioHash: 'a1',
  scenario: { name: 'two-labs', labs: [{ id: 'openai', demand: { growthPerYear: 0.5 } }, { id: 'xai', demand: { growthPerYear: 0.9 } }], end: '2030-12-31' },
  seed: '1',
  runs: 1000,
  variants: ['baseline'],
  design: 'independent',
  timeseries: 'summary',
  blockSize: 100,
};
const batch = (changes: Partial<Provenance> = {}, rest: Omit<BatchIdentity, 'provenance'> = {}): BatchIdentity => ({ provenance: { ...provenance, ...changes }, ...rest });
const scenarioWith = (change: (scenario: { labs: { id: string; demand: { growthPerYear: number } }[] }) => void): Partial<Provenance> => {
  const scenario = structuredClone(provenance.scenario) as { labs: { id: string; demand: { growthPerYear: number } }[] };
  change(scenario);
  return { scenario, scenarioHash: 'b2' };
};

describe('the difference between two batches', () => {
  it('is none between a batch and itself', () => {
    expect(batchDifference(batch(), batch())).toBeUndefined();
    expect(batchDifference(batch({}, { range: { firstRun: 0, runs: 1000 } }), batch({}, { range: { firstRun: 0, runs: 1000 } }))).toBeUndefined();
  });

  it('names a scenario field by the path --set writes, a list item by its id', () => {
    expect(batchDifference(batch(), batch(scenarioWith((scenario) => (scenario.labs[1]!.demand.growthPerYear = 1.2))))).toBe('scenario field labs.xai.demand.growthPerYear: 0.9 there, 1.2 here');
  });

  it('names an item added to a list by its place', () => {
    expect(batchDifference(batch(), batch(scenarioWith((scenario) => scenario.labs.push({ id: 'meta', demand: { growthPerYear: 1 } }))))).toBe('scenario field labs.2: none there, {"id":"meta","demand":{"growthPerYear":1}} here');
  });

  it('puts the scenario before the options, and names the options as the command line does', () => {
    expect(batchDifference(batch({ seed: '2', scenarioName: 'other' }), batch())).toBe('scenario: other there, two-labs here');
    expect(batchDifference(batch({ seed: '2', runs: 10 }), batch())).toBe('seed: 2 there, 1 here');
    expect(batchDifference(batch({ untilPrecision: 0.01 }), batch())).toBe('until-precision: 0.01 there, none here');
    expect(batchDifference(batch({ engineVersion: '0.0.9' }), batch())).toBe('computerace version: 0.0.9 there, 0.1.0 here');
    // Under one version number, another build of the engine may compute other numbers.
    expect(batchDifference(batch({ engineBuild: 'fedcba9876543210', seed: '2' }), batch())).toBe('computerace build: fedcba9876543210 there, 0123456789abcdef here');
  });

  it('names another shard, or another range of runs', () => {
    expect(batchDifference(batch({}, { shard: { index: 1, count: 4 } }), batch({}, { shard: { index: 2, count: 4 } }))).toBe('shard: 1/4 there, 2/4 here');
    expect(batchDifference(batch(), batch({}, { shard: { index: 0, count: 2 } }))).toBe('shard: none there, 0/2 here');
    expect(batchDifference(batch({}, { range: { firstRun: 0, runs: 500 } }), batch({}, { range: { firstRun: 500, runs: 500 } }))).toBe('runs: 0-499 there, 500-999 here');
  });

  it('cuts a long value short', () => {
    const long = batchDifference(batch({ variants: Array.from({ length: 30 }, (_, i) => `variant-${i}`) }), batch());
    expect(long).toMatch(/^variants: variant-0, variant-1, .{30,}\.\.\. there, baseline here$/);
  });
});
