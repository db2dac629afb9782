import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/market/run.js';
import { compiled, smallScenario } from '../support/scenarios.js';

describe('a run of the small world', () => {
  it('produces a record per month and actor, and a summary per lab', () => {
    const result = runScenario(compiled(smallScenario()), 1, 0);
    expect(result.market).toHaveLength(36);
    expect(result.labs).toHaveLength(36 * 2);
    expect(result.providers).toHaveLength(36 * 3);
    expect(result.suppliers).toHaveLength(36);
    expect(result.summary.labs.map((l) => l.lab)).toEqual(['openai', 'anthropic']);
    expect(result.summary.contractsSigned).toBeGreaterThan(0);
  });

  it('is a pure function of (scenario, seed, run index)', () => {
    const scenario = compiled(smallScenario());
    expect(runScenario(scenario, 7, 3)).toEqual(runScenario(scenario, 7, 3));
    expect(runScenario(scenario, 7, 3).labs[5]!.demandH100e).not.toBe(runScenario(scenario, 7, 4).labs[5]!.demandH100e);
  });

  it('keeps only the monthly series asked for, with the same summary and the same records', () => {
    const scenario = compiled(smallScenario());
    const all = runScenario(scenario, 1, 2);
    const some = runScenario(scenario, 1, 2, { keep: ['market', 'labs'] });
    expect(some.providers).toEqual([]);
    expect(some.suppliers).toEqual([]);
    expect(some.market).toEqual(all.market);
    expect(some.labs).toEqual(all.labs);
    expect(some.summary).toEqual(all.summary);
    expect(some.events).toEqual(all.events);
    expect(runScenario(scenario, 1, 2, { keep: [] }).summary).toEqual(all.summary);
  });

  it('refuses what compileScenario did not make, saying what it needs', () => {
    for (const [given, got] of [[null, 'null'], [smallScenario(), 'another object'], ['small', 'string']] as const) {
      expect(() => runScenario(given as never, 1, 0)).toThrow(new TypeError(`runScenario needs compileScenario's result, got ${got}`));
    }
  });

  it('returns plain data only: it survives a structured clone unchanged', () => {
    const result = runScenario(compiled(smallScenario()), 1, 0);
    expect(structuredClone(result)).toEqual(result);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });
});
