import { isPlainObject } from './data.js';
import { ExpressionError, compileExpression } from './expressions.js';
import type { Finding, Path } from './problems.js';
import { def, formulaVariables, objectKeys, unwrap } from './schema-walk.js';
import type { Schema } from './schema-walk.js';

/**
 * Formulas in scenario data. To the schema a formula is only a string; its variables are in the
 * schema's metadata, so the schema is walked beside the data to find each formula and what it may use.
 */

/** Every formula in `value` that does not compile, located at its string (and the column in it when known). */
export function formulaFindings(schema: Schema, value: unknown): Finding[] {
  const findings: Finding[] = [];
  walkFormulas(schema, value, [], (path, source, variables) => {
    try {
      compileExpression(source, variables);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      findings.push({ path, message: error.message, formulaColumn: error.column });
    }
  });
  return findings;
}

/** Calls `found` for every formula string in `value`, walked beside its schema, with its path and variables. */
export function walkFormulas(schema: Schema, value: unknown, at: Path, found: (path: Path, source: string, variables: readonly string[]) => void): void {
  if (value === undefined || value === null) return;
  const variables = formulaVariables(schema);
  if (variables) {
    if (typeof value === 'string') found(at, value, variables);
    return;
  }
  const d = def(unwrap(schema));
  if (d.type === 'object' && isPlainObject(value)) {
    for (const [key, child] of Object.entries(d.shape as Record<string, Schema>)) if (Object.hasOwn(value, key)) walkFormulas(child, value[key], [...at, key], found);
  } else if (d.type === 'array' && Array.isArray(value)) {
    value.forEach((child, index) => walkFormulas(d.element, child, [...at, index], found));
  } else if (d.type === 'record' && isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) walkFormulas(d.valueType, child, [...at, key], found);
  } else if (d.type === 'union') {
    const options = d.options as Schema[];
    if (typeof value === 'string') {
      const formula = options.find((option) => formulaVariables(option));
      if (formula) walkFormulas(formula, value, at, found);
    } else if (isPlainObject(value)) {
      // The object branch that has every field written (pricing: only `formula` has `expression`).
      const branch = options.find((option) => {
        const keys = objectKeys(option);
        return keys.length > 0 && Object.keys(value).every((key) => keys.includes(key));
      });
      if (branch) walkFormulas(branch, value, at, found);
    }
  }
}
