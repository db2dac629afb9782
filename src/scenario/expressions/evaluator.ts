// The evaluator: a tree that passed the guard becomes a tree of small closures. Each closure either does
// plain arithmetic or calls mathjs's own number implementation of a function, so results match mathjs
// exactly, without its per-call scope wrapping and type dispatch. No code is generated: there is no eval
// and no `new Function`. At run time, evaluate() throws an ExpressionError for a result that is not a
// finite number.
import type { MathNode } from 'mathjs';
import * as libm from '../../kernel/libm.js';
import { CONSTANT_VALUES, ExpressionError } from './language.js';
import {
  isConditionalNode,
  isConstantNode,
  isFunctionNode,
  isOperatorNode,
  isParenthesisNode,
  isSymbolNode,
  type NumberFunction,
  numberImplementation,
} from './mathjs.js';

/** A validated formula, ready to evaluate many times. */
export interface CompiledExpression {
  /** The formula as written. */
  readonly source: string;
  /** The variables the formula reads, sorted; the scope passed to evaluate must give each a number. */
  readonly variables: readonly string[];
  /** The formula's value for these variable values; a true/false result counts as 1/0; throws ExpressionError unless finite. */
  evaluate(scope: Record<string, number>): number;
}

/** Variable values by name. */
export type Scope = Readonly<Record<string, number>>;
/** A compiled part of a formula. */
export type Evaluator = (scope: Scope) => number;

/**
 * The values a formula's field can take, and the field's name for its errors: a scenario's formulas are
 * quantities (a price, a capacity, a budget, a demand), none below 0 and none past its field's limit.
 */
export interface FormulaRange {
  /** The field, as errors name it (`suppliers[0].capacityUnitsPerMonth`). */
  readonly field: string;
  readonly min: number;
  readonly max: number;
  /** The upper bound in words, for an error (`at most 1e9 chips per month (...)`). */
  readonly maxInWords: string;
}

/** Raised inside the closure tree; evaluate() turns it into an ExpressionError that names formula and scope. */
class EvaluationFault extends Error {}

/**
 * A CompiledExpression that runs `run` and turns a fault or a result that is not finite into an ExpressionError;
 * with a `range`, also a result outside it, each error then naming the field.
 */
export function finiteEvaluator(source: string, variables: readonly string[], run: Evaluator, range?: FormulaRange): CompiledExpression {
  const field = range === undefined ? '' : `${range.field}: `;
  // Finite bounds, so that the one pair of comparisons a good value costs also refuses ±Infinity and NaN.
  const min = Math.max(range?.min ?? -Infinity, -Number.MAX_VALUE);
  const max = Math.min(range?.max ?? Infinity, Number.MAX_VALUE);
  return {
    source,
    variables,
    evaluate(scope: Record<string, number>): number {
      let value: number;
      try {
        value = run(scope);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new ExpressionError(`${field}formula "${source}" failed for ${describeScope(variables, scope)}: ${reason}`, source);
      }
      if (value >= min && value <= max) return value;
      const gave = `${field}formula "${source}" gave ${value} for ${describeScope(variables, scope)}`;
      if (!Number.isFinite(value)) throw new ExpressionError(gave, source);
      if (value < min) throw new ExpressionError(`${gave}, below ${min}, which it cannot be (max(${min}, ...) in the formula floors it)`, source);
      throw new ExpressionError(`${gave}, above the limit: ${range!.maxInWords}`, source);
    },
  };
}

function describeScope(variables: readonly string[], scope: Scope): string {
  if (variables.length === 0) return 'no variables';
  return variables.map((name) => `${name} = ${Object.hasOwn(scope, name) ? String(scope[name]) : '(missing)'}`).join(', ');
}

/** A mathjs result as a number: true/false as 1/0; a Complex (from sqrt(-1) and the like) is an evaluation fault. */
export function asNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw new EvaluationFault(`the result ${describeValue(value)} is not a real number`);
}

function describeValue(value: unknown): string {
  if (value !== null && typeof value === 'object' && 'toString' in value) return String(value);
  return typeof value;
}

/** The closure for a validated tree; booleans are carried as 1/0, as mathjs converts them in arithmetic. */
export function translate(node: MathNode): Evaluator {
  if (isConstantNode(node)) return constant(node.value as number);
  if (isSymbolNode(node)) return symbol(node.name);
  if (isParenthesisNode(node)) return translate(node.content);
  if (isOperatorNode(node)) return operator(node.fn, node.args.map(translate));
  if (isFunctionNode(node)) return call(node.fn.name, node.args.map(translate));
  if (isConditionalNode(node)) return conditional(translate(node.condition), translate(node.trueExpr), translate(node.falseExpr));
  // Unreachable after validation; kept so a gap there fails closed.
  throw new Error(`unexpected '${node.type}' in a validated formula`);
}

function constant(value: number): Evaluator {
  return () => value;
}

function symbol(name: string): Evaluator {
  const value = CONSTANT_VALUES.get(name);
  if (value !== undefined) return constant(value);
  return (scope) => {
    const x = scope[name];
    if (typeof x === 'number') return x;
    throw new EvaluationFault(`variable '${name}' has no numeric value`);
  };
}

function conditional(test: Evaluator, whenTrue: Evaluator, whenFalse: Evaluator): Evaluator {
  // mathjs tests a number's truth with !!x: zero and NaN are false.
  return (scope) => (test(scope) ? whenTrue(scope) : whenFalse(scope));
}

function operator(fn: string, args: Evaluator[]): Evaluator {
  const [a, b] = args;
  if (a === undefined) throw new Error(`operator ${fn} without operands`);
  if (b === undefined) return unaryOperator(fn, a);
  return binaryOperator(fn, a, b);
}

function unaryOperator(fn: string, a: Evaluator): Evaluator {
  if (fn === 'unaryMinus') return (scope) => -a(scope);
  if (fn === 'unaryPlus') return a;
  if (fn === 'not') return (scope) => (a(scope) ? 0 : 1);
  throw new Error(`unexpected unary operator ${fn}`);
}

function binaryOperator(fn: string, a: Evaluator, b: Evaluator): Evaluator {
  switch (fn) {
    case 'add':
      return (scope) => a(scope) + b(scope);
    case 'subtract':
      return (scope) => a(scope) - b(scope);
    case 'multiply':
      return (scope) => a(scope) * b(scope);
    case 'divide':
      return (scope) => a(scope) / b(scope);
    // mathjs evaluates the right side of and/or only when it can change the result.
    case 'and':
      return (scope) => (a(scope) ? (b(scope) ? 1 : 0) : 0);
    case 'or':
      return (scope) => (a(scope) ? 1 : b(scope) ? 1 : 0);
    case 'xor':
      return (scope) => (!a(scope) !== !b(scope) ? 1 : 0);
    case 'pow':
      return power(a, b);
    case 'mod':
      return mathjsCall('mod', numberImplementation('mod', 2), [a, b]);
    default:
      return comparison(COMPARISONS.get(fn)!, a, b);
  }
}

// mathjs's comparisons treat numbers within its tolerance (relative 1e-12, absolute 1e-15) as equal;
// written out here because they run in the monthly loop, where typed dispatch cost more than the test.
const REL_TOL = 1e-12;
const ABS_TOL = 1e-15;
function nearlyEqual(x: number, y: number): boolean {
  if (x === y) return true;
  if (Number.isNaN(x) || Number.isNaN(y) || !Number.isFinite(x) || !Number.isFinite(y)) return false;
  return Math.abs(x - y) <= Math.max(REL_TOL * Math.max(Math.abs(x), Math.abs(y)), ABS_TOL);
}
const COMPARISONS = new Map<string, (x: number, y: number) => boolean>([
  ['equal', (x, y) => nearlyEqual(x, y)],
  ['unequal', (x, y) => !nearlyEqual(x, y)],
  ['smaller', (x, y) => x < y && !nearlyEqual(x, y)],
  ['larger', (x, y) => x > y && !nearlyEqual(x, y)],
  ['smallerEq', (x, y) => x <= y || nearlyEqual(x, y)],
  ['largerEq', (x, y) => x >= y || nearlyEqual(x, y)],
]);

// mathjs's pow for real numbers, written out: growth curves (`1.3^t`) sit in the monthly loop, where
// mathjs's typed dispatch cost more than the arithmetic. A negative base with a fractional exponent
// has no real value (mathjs would return a Complex).
function power(a: Evaluator, b: Evaluator): Evaluator {
  return (scope) => {
    const x = a(scope);
    const y = b(scope);
    if ((x * x < 1 && y === Infinity) || (x * x > 1 && y === -Infinity)) return 0;
    if (x < 0 && !Number.isInteger(y)) return notReal('pow', [x, y], 'a complex number');
    return libm.pow(x, y);
  };
}

function comparison(compare: (x: number, y: number) => boolean, a: Evaluator, b: Evaluator): Evaluator {
  return (scope) => (compare(a(scope), b(scope)) ? 1 : 0);
}

function call(name: string, args: Evaluator[]): Evaluator {
  if (name === 'min' || name === 'max') return extremum(name, args);
  if (name === 'log' && args.length === 2) return logarithmInBase(args);
  if (name === 'pow' && args.length === 2) return power(args[0]!, args[1]!);
  const portable = PORTABLE.get(name);
  if (portable && args.length === 1) return portableCall(name, portable, args[0]!);
  return mathjsCall(name, numberImplementation(name, args.length), args);
}

/**
 * The functions mathjs computes with the engine's own `Math` (Math.exp, Math.log, ...), whose last bit
 * differs between engines: here the portable ones of kernel/libm.ts, the same bits as Node's, where
 * mathjs gives a real number (its `real` arguments); elsewhere mathjs's, which say why there is none.
 */
const PORTABLE = new Map<string, { fn: (x: number) => number; real: (x: number) => boolean }>([
  ['exp', { fn: libm.exp, real: () => true }],
  ['log', { fn: libm.log, real: (x) => x >= 0 }],
  ['log10', { fn: libm.log10, real: (x) => x >= 0 }],
  ['log2', { fn: libm.log2, real: (x) => x >= 0 }],
  ['cbrt', { fn: libm.cbrt, real: () => true }],
  ['sin', { fn: libm.sin, real: () => true }],
  ['cos', { fn: libm.cos, real: () => true }],
  ['tan', { fn: libm.tan, real: () => true }],
  ['tanh', { fn: libm.tanh, real: () => true }],
]);

function portableCall(name: string, portable: { fn: (x: number) => number; real: (x: number) => boolean }, a: Evaluator): Evaluator {
  const { fn, real } = portable;
  const implementation = numberImplementation(name, 1);
  return (scope) => {
    const x = a(scope);
    if (real(x)) return fn(x);
    const result = implementation(x);
    return typeof result === 'number' ? result : notReal(name, [x], result);
  };
}

/** A call into mathjs's number code; a non-number (Complex from sqrt(-1), say) becomes an evaluation fault. */
function mathjsCall(name: string, implementation: NumberFunction, args: Evaluator[]): Evaluator {
  const [a, b] = args;
  if (a !== undefined && args.length === 1) {
    return (scope) => {
      const x = a(scope);
      const result = implementation(x);
      return typeof result === 'number' ? result : notReal(name, [x], result);
    };
  }
  if (a !== undefined && b !== undefined && args.length === 2) {
    return (scope) => {
      const x = a(scope);
      const y = b(scope);
      const result = implementation(x, y);
      return typeof result === 'number' ? result : notReal(name, [x, y], result);
    };
  }
  throw new Error(`${name} called with ${args.length} arguments`);
}

function notReal(name: string, args: number[], result: unknown): never {
  throw new EvaluationFault(`${name}(${args.join(', ')}) = ${describeValue(result)} is not a real number`);
}

// mathjs's log(x, base) is log(x) / log(base), each of which may be complex.
function logarithmInBase(args: Evaluator[]): Evaluator {
  const log = numberImplementation('log', 1);
  const [x, base] = args;
  if (x === undefined || base === undefined) throw new Error('log(x, base) needs two arguments');
  const logOf = (value: number): number => {
    if (value >= 0) return libm.log(value);
    const result = log(value);
    return typeof result === 'number' ? result : notReal('log', [value], result);
  };
  return (scope) => logOf(x(scope)) / logOf(base(scope));
}

// Mirrors mathjs's min/max: a NaN argument wins (it flags bad input), and a value within mathjs's
// tolerance of the current best does not replace it, so the first of two near-equal values is kept.
function extremum(name: 'min' | 'max', args: Evaluator[]): Evaluator {
  const better = COMPARISONS.get(name === 'max' ? 'larger' : 'smaller')!;
  const pick = (best: number, value: number): number => (Number.isNaN(value) || better(value, best) ? value : best);
  const [first, second] = args;
  if (first === undefined) throw new Error(`${name} needs an argument`);
  if (args.length === 1) return first;
  if (second !== undefined && args.length === 2) {
    return (scope) => pick(first(scope), second(scope));
  }
  const rest = args.slice(1);
  return (scope) => {
    let best = first(scope);
    for (const arg of rest) best = pick(best, arg(scope));
    return best;
  };
}
