import { describe, expect, it } from 'vitest';
import { compileScenario } from '../../src/scenario/compile.js';
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

  it('fills in the defaults of a spec written by hand, as the schema parses it', () => {
    const raw = smallScenario();
    expect(compileScenario(raw as never).spec).toEqual(Scenario.parse(raw));
    expect(runScenario(compileScenario(raw as never), 1, 0)).toEqual(runScenario(compileScenario(Scenario.parse(raw)), 1, 0));
  });
});
