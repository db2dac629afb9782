import { isPlainObject } from './data.js';
import { compileExpression } from './expressions/compile.js';
import { ExpressionError } from './expressions/language.js';
import type { Finding, Path } from './problems.js';
import { def, formulaVariables, objectKeys, unwrap } from './schema-walk.js';
import type { Schema } from './schema-walk.js';

/**
 * Formulas in scenario data. To the schema a formula is only a string; its variables are in the
 * schema's metadata, so the schema is walked beside the data to find each formula and what it may use.
 */

/** Every formula in `value` (at `at` in the scenario) that does not compile, located at its string (and the column in it when known). */
export function formulaFindings(schema: Schema, value: unknown, at: Path = []): Finding[] {
  const findings: Finding[] = [];
  walkFormulas(schema, value, at, (path, source, variables) => {
    const failure = compileFailure(source, variables);
    if (failure) findings.push({ path, message: failure.message, formulaColumn: failure.column });
  });
  return findings;
}

// Each variant and each timeline entry checks the scenario's formulas again, and most are the same text:
// compiled once, the outcome remembered (up to a bound, so a long-lived process does not grow without end).
// By the variables' list (one per kind of formula field, kept by schema-walk), then by the formula's text.
const MAX_REMEMBERED_FORMULAS = 10_000;
const compileFailures = new Map<readonly string[], Map<string, CompileFailure | undefined>>();
let remembered = 0;

interface CompileFailure {
  message: string;
  column: number | undefined;
}

/** Why `source` does not compile with `variables`, or undefined when it does. */
function compileFailure(source: string, variables: readonly string[]): CompileFailure | undefined {
  let outcomes = compileFailures.get(variables);
  if (outcomes?.has(source)) return outcomes.get(source);
  let failure: CompileFailure | undefined;
  try {
    compileExpression(source, variables);
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    failure = { message: error.message, column: error.column };
  }
  if (remembered >= MAX_REMEMBERED_FORMULAS) {
    compileFailures.clear();
    remembered = 0;
    outcomes = undefined;
  }
  if (outcomes === undefined) compileFailures.set(variables, (outcomes = new Map()));
  outcomes.set(source, failure);
  remembered++;
  return failure;
}

/** Calls `found` for every formula string in `value`, walked beside its schema, with its path and variables. */
export function walkFormulas(schema: Schema, value: unknown, at: Path, found: (path: Path, source: string, variables: readonly string[]) => void): void {
  // One path, grown and shrunk as the walk goes, copied only for a formula found: the walk runs once per variant.
  const path = [...at];
  const walk = (schema: Schema, value: unknown): void => {
    if (value === undefined || value === null) return;
    const variables = formulaVariables(schema);
    if (variables) {
      if (typeof value === 'string') found([...path], value, variables);
      return;
    }
    const d = def(unwrap(schema));
    if (d.type === 'object' && isPlainObject(value)) {
      for (const [key, child] of Object.entries(d.shape as Record<string, Schema>)) {
        if (!Object.hasOwn(value, key)) continue;
        path.push(key);
        walk(child, value[key]);
        path.pop();
      }
    } else if (d.type === 'array' && Array.isArray(value)) {
      value.forEach((child, index) => {
        path.push(index);
        walk(d.element, child);
        path.pop();
      });
    } else if (d.type === 'record' && isPlainObject(value)) {
      for (const [key, child] of Object.entries(value)) {
        path.push(key);
        walk(d.valueType, child);
        path.pop();
      }
    } else if (d.type === 'union') {
      const options = d.options as Schema[];
      if (typeof value === 'string') {
        const formula = options.find((option) => formulaVariables(option));
        if (formula) walk(formula, value);
      } else if (isPlainObject(value)) {
        // The object branch that has every field written (pricing: only `formula` has `expression`).
        const branch = options.find((option) => {
          const keys = objectKeys(option);
          return keys.length > 0 && Object.keys(value).every((key) => keys.includes(key));
        });
        if (branch) walk(branch, value);
      }
    }
  };
  walk(schema, value);
}
