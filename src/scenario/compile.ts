import { checkedSpec } from './checked.js';
import { compileExpression } from './expressions/compile.js';
import type { CompiledExpression } from './expressions/evaluator.js';
import { walkFormulas } from './formulas.js';
import { formulaRange } from './limits.js';
import { resolveSetPath } from './paths.js';
import { formatPath } from './problems.js';
import { SCENARIO, fieldSchema } from './schema-walk.js';
import type { Schema } from './schema-walk.js';
import type { ScenarioSpec } from './schema.js';

/** A validated scenario with its formulas compiled once, ready for any number of runs. */
export interface CompiledScenario {
  readonly spec: ScenarioSpec;
  /** The formula written at a path (`suppliers[0].capacityUnitsPerMonth`, `timeline[2].set.labs.openai.budgetUsdPerYear`), compiled. */
  formula(path: string): CompiledExpression;
}

/**
 * Compiles every formula of a scenario (the loader has already reported bad ones with their location).
 * A spec the loader did not produce is checked first, as the loader checks a file, and taken as the schema
 * parses it (defaults filled in); a TypeError lists its problems. Formulas are found by walking the schema
 * beside the scenario, so a new formula field needs no change here; a timeline entry's formulas are named
 * `timeline[i].set.PATH`, PATH as written.
 */
export function compileScenario(given: ScenarioSpec): CompiledScenario {
  const spec = checkedSpec(given, 'compileScenario');
  const formulas = new Map<string, CompiledExpression>();
  const add = (name: string, source: string, variables: readonly string[]): void => {
    formulas.set(name, compileExpression(source, variables, formulaRange(name)));
  };
  walkFormulas(SCENARIO, spec, [], (path, source, variables) => {
    if (path[0] !== 'timeline') add(formatPath(path), source, variables);
  });
  spec.timeline.forEach((entry, i) => {
    for (const [key, value] of Object.entries(entry.set)) {
      const resolved = resolveSetPath(spec, key);
      if ('error' in resolved) continue;
      let schema: Schema | undefined = SCENARIO;
      for (const segment of resolved.path) schema = schema && fieldSchema(schema, segment);
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
