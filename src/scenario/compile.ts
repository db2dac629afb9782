import { compileExpression } from './expressions/compile.js';
import type { CompiledExpression } from './expressions/evaluator.js';
import { walkFormulas } from './formulas.js';
import { resolveSetPath } from './paths.js';
import { formatPath } from './problems.js';
import { SCENARIO, childSchema, unionOptions } from './schema-walk.js';
import type { Schema } from './schema-walk.js';
import type { ScenarioSpec } from './schema.js';

/** A validated scenario with its formulas compiled once, ready for any number of runs. */
export interface CompiledScenario {
  readonly spec: ScenarioSpec;
  /** The formula written at a path (`suppliers[0].capacityUnitsPerMonth`, `timeline[2].set.labs.openai.budgetUsdPerYear`), compiled. */
  formula(path: string): CompiledExpression;
}

/**
 * Compiles every formula of a validated scenario (the loader has already reported bad ones with their
 * location). Formulas are found by walking the schema beside the scenario, so a new formula field needs
 * no change here; a timeline entry's formulas are named `timeline[i].set.PATH`, PATH as written.
 */
export function compileScenario(spec: ScenarioSpec): CompiledScenario {
  const formulas = new Map<string, CompiledExpression>();
  const add = (name: string, source: string, variables: readonly string[]): void => {
    formulas.set(name, compileExpression(source, variables));
  };
  walkFormulas(SCENARIO, spec, [], (path, source, variables) => {
    if (path[0] !== 'timeline') add(formatPath(path), source, variables);
  });
  spec.timeline.forEach((entry, i) => {
    for (const [key, value] of Object.entries(entry.set)) {
      const resolved = resolveSetPath(spec, key);
      if ('error' in resolved) continue;
      let schema: Schema | undefined = SCENARIO;
      for (const segment of resolved.path) schema = schema && fieldOf(schema, segment);
      if (schema === undefined) continue;
      walkFormulas(schema, value, [], (path, source, variables) => add(`timeline[${i}].set.${[key, ...path].join('.')}`, source, variables));
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

// A field's schema inside an object, list or record, or inside the branch of a union that has it
// (pricing: only the `formula` branch has `expression`).
function fieldOf(schema: Schema, segment: string | number): Schema | undefined {
  const direct = childSchema(schema, segment);
  if (direct !== undefined) return direct;
  for (const option of unionOptions(schema)) {
    const inner = childSchema(option, segment);
    if (inner !== undefined) return inner;
  }
  return undefined;
}
