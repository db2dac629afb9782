import { compileExpression } from './expressions.js';
import type { CompiledExpression } from './expressions.js';
import { DEMAND_VARIABLES, PRICING_VARIABLES, TIME_VARIABLES } from './schema.js';
import type { ScenarioSpec } from './schema.js';

/** A validated scenario with its formulas compiled once, ready for any number of runs. */
export interface CompiledScenario {
  readonly spec: ScenarioSpec;
  /** The formula written at a path (`suppliers[0].capacityUnitsPerMonth`), compiled. */
  formula(path: string): CompiledExpression;
}

/** Compiles every formula of a validated scenario (the loader has already reported bad ones with their location). */
export function compileScenario(spec: ScenarioSpec): CompiledScenario {
  const formulas = new Map<string, CompiledExpression>();
  const add = (path: string, source: unknown, variables: readonly string[]): void => {
    if (typeof source === 'string') formulas.set(path, compileExpression(source, variables));
  };
  spec.suppliers.forEach((s, i) => add(`suppliers[${i}].capacityUnitsPerMonth`, s.capacityUnitsPerMonth, TIME_VARIABLES));
  spec.providers.forEach((p, i) => {
    add(`providers[${i}].internalDemandH100e`, p.internalDemandH100e, TIME_VARIABLES);
    if (p.pricing.policy === 'formula' && 'expression' in p.pricing) add(`providers[${i}].pricing.expression`, p.pricing.expression, PRICING_VARIABLES);
  });
  spec.labs.forEach((l, i) => add(`labs[${i}].demand.formula`, l.demand.formula, DEMAND_VARIABLES));
  spec.timeline.forEach((entry, i) => {
    for (const [path, value] of Object.entries(entry.set)) {
      if (path.endsWith('pricing.expression')) add(`timeline[${i}].set.${path}`, value, PRICING_VARIABLES);
      if (path.endsWith('pricing') && typeof value === 'object' && value !== null && 'expression' in value) {
        add(`timeline[${i}].set.${path}.expression`, (value as { expression: unknown }).expression, PRICING_VARIABLES);
      }
    }
  });
  return {
    spec,
    formula(path) {
      const compiled = formulas.get(path);
      if (compiled === undefined) throw new Error(`no formula compiled at ${path}`);
      return compiled;
    },
  };
}
