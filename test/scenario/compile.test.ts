import { describe, expect, it } from 'vitest';
import { compileScenario } from '../../src/scenario/compile.js';
import { ExpressionError } from '../../src/scenario/expressions/language.js';
import { loadScenario } from '../../src/scenario/load.js';
import { Scenario } from '../../src/scenario/schema.js';
import { runScenario } from '../../src/market/run.js';
import { smallScenario } from '../support/scenarios.js';

const FILE = 'scenarios/price-war.yaml';

describe('compileScenario', () => {
  it('takes a loaded scenario as the loader checked it', () => {
    const { spec, variants } = loadScenario(FILE);
    expect(compileScenario(spec).spec).toBe(spec);
    expect(compileScenario(variants[0]!.spec).spec).toBe(variants[0]!.spec);
  });

  it('checks a spec the loader did not produce, and refuses an invalid one with every problem at its path', () => {
    // Edited after loading (a frozen spec is copied first): it ran, on a chip with negative speed.
    const edited = structuredClone(loadScenario(FILE).spec) as unknown as Record<string, any>;
    edited['chips'][0].perfH100e = -1;
    edited['suppliers'][0].products[0].chip = 'nochip';
    let message = '';
    try {
      compileScenario(edited as never);
    } catch (error) {
      expect(error).toBeInstanceOf(TypeError);
      message = (error as Error).message;
    }
    expect(message).toMatch(/^compileScenario: not a valid scenario: /);
    expect(message).toContain('chips[0].perfH100e: ');
    expect(message).toMatch(/suppliers\[0\]\.products\[0\]\.chip: .*nochip/);
  });

  it('refuses what is not a scenario at all, saying what it needs', () => {
    for (const [given, got] of [[null, 'null'], [5, 'number'], [[], 'an array'], ['scenarios/price-war.yaml', 'string']] as const) {
      expect(() => compileScenario(given as never)).toThrow(new TypeError(`compileScenario needs a scenario (a loaded scenario's spec, or an object the scenario schema accepts), got ${got}`));
    }
    expect(() => compileScenario({} as never)).toThrow(/^compileScenario: not a valid scenario: name: missing required field 'name'; /);
  });

  it('runs a copy of a loaded spec (one that crossed a thread, say) as it runs the spec itself', () => {
    const { spec } = loadScenario(FILE);
    const copy = compileScenario(structuredClone(spec));
    expect(copy.spec).not.toBe(spec);
    expect(runScenario(copy, 3, 1)).toEqual(runScenario(compileScenario(spec), 3, 1));
  });

  it("compiles each formula to give values from 0 to its field's limit, naming the field otherwise", () => {
    // Over a horizon of a month the capacity stays above 0; past it the compiled formula refuses.
    const raw = smallScenario({ end: '2025-01-31' });
    raw.suppliers[0].capacityUnitsPerMonth = '100 - 1000 * t';
    raw.providers[0].pricing = { policy: 'formula', expression: 'cost - 10' };
    const compiled = compileScenario(raw as never);
    const capacity = compiled.formula('suppliers[0].capacityUnitsPerMonth');
    expect(capacity.evaluate({ t: 0.05 })).toBe(50);
    // Each ran: the capacity as 0, the negative price as a reserve no provider could meet (every tender without bids).
    expect(() => capacity.evaluate({ t: 0.5 })).toThrow(new ExpressionError('suppliers[0].capacityUnitsPerMonth: formula "100 - 1000 * t" gave -400 for t = 0.5, below 0, which it cannot be (max(0, ...) in the formula floors it)', '100 - 1000 * t'));
    expect(() => capacity.evaluate({ t: -1e7 })).toThrow(/^suppliers\[0\]\.capacityUnitsPerMonth: formula "100 - 1000 \* t" gave 10000000100 for t = -10000000, above the limit: at most 1e9 chips per month \(.+\)$/);
    expect(() => compiled.formula('providers[0].pricing.expression').evaluate({ cost: 2, utilization: 0, bidders: 1, spot: 1, t: 0, year: 2025 })).toThrow(/^providers\[0\]\.pricing\.expression: formula "cost - 10" gave -8 for cost = 2, below 0/);
    expect(() => runScenario(compiled, 1, 0)).toThrow(/^(suppliers\[0\]\.capacityUnitsPerMonth|providers\[0\]\.pricing\.expression): formula .* below 0/);
    // Over the whole horizon, the formula of time alone is refused where the scenario is checked, before any run.
    const refused = smallScenario();
    refused.suppliers[0].capacityUnitsPerMonth = '100 - 1000 * t';
    expect(() => compileScenario(refused as never)).toThrow(/suppliers\[0\]\.capacityUnitsPerMonth: formula "100 - 1000 \* t" gives -1\.3 on 2025-02-07 \(t = 0\.10\), below 0: every run would stop there/);
  });

  it('fills in the defaults of a spec written by hand, as the schema parses it', () => {
    const raw = smallScenario();
    expect(compileScenario(raw as never).spec).toEqual(Scenario.parse(raw));
    expect(runScenario(compileScenario(raw as never), 1, 0)).toEqual(runScenario(compileScenario(Scenario.parse(raw)), 1, 0));
  });
});
