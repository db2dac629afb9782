import { isPlainObject } from './data.js';
import { ExpressionError, compileExpression } from './expressions.js';
import type { Finding, Path } from './problems.js';
import { def, formulaVariables, objectKeys, unwrap } from './schema-walk.js';
import type { Schema } from './schema-walk.js';

/**
 * Formulas that do not compile. To the schema a formula is only a string; its variables are in the
 * schema's metadata, so the schema is walked beside the data to find each formula and what it may use.
 */

/** Every formula in `value` that does not compile, located at its string (and the column in it when known). */
export function formulaFindings(schema: Schema, value: unknown): Finding[] {
  const findings: Finding[] = [];
  const visit = (current: Schema, item: unknown, at: Path): void => {
    if (item === undefined || item === null) return;
    const variables = formulaVariables(current);
    if (variables) {
      if (typeof item === 'string') {
        try {
          compileExpression(item, variables);
        } catch (error) {
          if (!(error instanceof ExpressionError)) throw error;
          findings.push({ path: at, message: error.message, formulaColumn: error.column });
        }
      }
      return;
    }
    const d = def(unwrap(current));
    if (d.type === 'object' && isPlainObject(item)) {
      for (const [key, child] of Object.entries(d.shape as Record<string, Schema>)) if (Object.hasOwn(item, key)) visit(child, item[key], [...at, key]);
    } else if (d.type === 'array' && Array.isArray(item)) {
      item.forEach((child, index) => visit(d.element, child, [...at, index]));
    } else if (d.type === 'record' && isPlainObject(item)) {
      for (const [key, child] of Object.entries(item)) visit(d.valueType, child, [...at, key]);
    } else if (d.type === 'union') {
      const options = d.options as Schema[];
      if (typeof item === 'string') {
        const formula = options.find((option) => formulaVariables(option));
        if (formula) visit(formula, item, at);
      } else if (isPlainObject(item)) {
        // The object branch that has every field written (pricing: only `formula` has `expression`).
        const branch = options.find((option) => {
          const keys = objectKeys(option);
          return keys.length > 0 && Object.keys(item).every((key) => keys.includes(key));
        });
        if (branch) visit(branch, item, at);
      }
    }
  };
  visit(schema, value, []);
  return findings;
}
