// Formulas in scenario files ("1.2e6 * growth^t") come from people, not from code, and are evaluated
// thousands of times per run. mathjs parses them; a whitelist walk over the syntax tree (guard.ts, which
// lists the defences in the order a formula meets them) rejects anything beyond arithmetic on numbers
// (mathjs's own security advice); the surviving tree is translated into a tree of small closures
// (evaluator.ts). This module joins the two: the three ways in.
import { asNumber, type CompiledExpression, finiteEvaluator, type FormulaRange, translate } from './evaluator.js';
import { ANY_VARIABLE, allowedVariableSet, checkedTree } from './guard.js';

/**
 * Validates `source` against `allowed` variable names and compiles it to a fast evaluator; throws ExpressionError.
 * With a `range`, a value outside it is an ExpressionError too, as a value that is not finite always is.
 */
export function compileExpression(source: string, allowed: readonly string[], range?: FormulaRange): CompiledExpression {
  const { root, variables } = checkedTree(source, allowedVariableSet(allowed));
  return finiteEvaluator(source, variables, translate(root), range);
}

/** The same validation, evaluated by mathjs's own compiler: slower, kept as the reference the fast path must agree with. */
export function compileExpressionWithMathjs(source: string, allowed: readonly string[]): CompiledExpression {
  const { root, variables } = checkedTree(source, allowedVariableSet(allowed));
  const compiled = root.compile();
  return finiteEvaluator(source, variables, (scope) => asNumber(compiled.evaluate(scope)));
}

/** The free variables of a formula, sorted, for documentation; throws ExpressionError if it is not a valid formula. */
export function expressionVariables(source: string): string[] {
  return [...checkedTree(source, ANY_VARIABLE).variables];
}
