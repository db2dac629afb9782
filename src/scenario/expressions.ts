// Formulas in scenario files ("1.2e6 * growth^t") come from people, not from code, and are evaluated
// thousands of times per run. mathjs parses them; a whitelist walk over the syntax tree rejects anything
// beyond arithmetic on numbers (mathjs's own security advice); the surviving tree is translated into a
// tree of small closures. Each closure either does plain arithmetic or calls mathjs's own number
// implementation of a function, so results match mathjs exactly, without its per-call scope wrapping and
// type dispatch. No code is generated: there is no eval and no `new Function`.
//
// The defences, in the order a formula meets them:
//   1. length: at most MAX_EXPRESSION_LENGTH characters, checked before anything else reads the text;
//   2. brackets: fewer than MAX_EXPRESSION_DEPTH open at once, counted by a flat scan before mathjs's
//      recursive-descent parser sees the text, so parsing recurses a bounded amount;
//   3. tree depth: the parsed tree no deeper than MAX_EXPRESSION_DEPTH (unary minus and ^ chains nest
//      without brackets), so validation, translation and evaluation recurse a bounded amount;
//   4. whitelist: only numbers, the context's variables, e and pi, arithmetic, comparison and logic
//      operators, `a ? b : c`, and calls of EXPRESSION_FUNCTIONS by name; no property access, indexing,
//      assignment, function definition, strings, units, matrices, ranges, objects, or any other function
//      (so nothing a formula can name reaches the parser, the mathjs instance or JavaScript);
//   5. constants: every part of the formula that reads no variable is computed once at load time and
//      must be a finite real number (`1e400`, `9^9^9`, `1/0`, `sqrt(-1)` are errors in the file);
//   6. at run time, evaluate() throws an ExpressionError for a result that is not a finite number.
import type { MathNode } from 'mathjs';
import math from 'mathjs/lib/browser/math.js';
import * as libm from '../kernel/libm.js';
import { closest } from './suggest.js';

// mathjs's own single-file build of the same version (its package exports it): the ES module entry is
// hundreds of files, which took about 1 s to import in every worker thread of a batch, the bundle 0.1 s.
// The bundle exports its default instance (mathjs's `create(all)`), not the factories: that instance,
// loaded for this module alone, is the one restricted below. Imported (a CommonJS module's exports are
// its default export), not required, so that a browser bundle of the engine takes the same file.
const { isConditionalNode, isConstantNode, isFunctionNode, isOperatorNode, isParenthesisNode, isSymbolNode } = math;

/** Longest formula accepted, in characters; real formulas are a line, and the cap bounds parsing work. */
export const MAX_EXPRESSION_LENGTH = 500;

/**
 * Deepest nesting accepted: fewer brackets than this open at once (counted before parsing, which bounds the
 * parser's recursion) and a syntax tree no deeper (which bounds validation, translation and evaluation).
 */
export const MAX_EXPRESSION_DEPTH = 50;

/**
 * mathjs functions disabled on the instance that parses formulas, after mathjs's security guidance: those
 * that change the instance (import, createUnit, config) or parse and evaluate new text. The whitelist
 * already keeps every one of them out of formulas; disabling them is the second lock. (`typed` stays: the
 * instance's own functions dispatch through it, and no formula can name it.)
 */
export const DISABLED_FUNCTIONS: readonly string[] = [
  'import', 'createUnit', 'config', 'evaluate', 'parse', 'compile', 'parser', 'Parser', 'simplify', 'simplifyConstant',
  'simplifyCore', 'derivative', 'rationalize', 'resolve', 'reviver', 'replacer', 'symbolicEqual', 'leafCount', 'chain', 'help',
];

/** Functions a formula may call: pure math on numbers, nothing that parses, imports or builds units. */
export const EXPRESSION_FUNCTIONS: readonly string[] = [
  'abs', 'cbrt', 'ceil', 'cos', 'exp', 'floor', 'log', 'log10', 'log2', 'max', 'min',
  'pow', 'round', 'sign', 'sin', 'sqrt', 'tan', 'tanh',
];

/** Named constants a formula may use besides its variables. */
export const EXPRESSION_CONSTANTS: readonly string[] = ['e', 'pi'];

/** A formula that cannot be compiled or evaluated; `column` (1-based, within the formula) is set when the position is known. */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
  /** The formula as written in the scenario. */
  readonly source: string;
  /** 1-based column of the offending text within `source`, when it can be located. */
  readonly column: number | undefined;

  constructor(message: string, source: string, column?: number) {
    super(message);
    this.source = source;
    this.column = column;
  }
}

/** A validated formula, ready to evaluate many times. */
export interface CompiledExpression {
  /** The formula as written. */
  readonly source: string;
  /** The variables the formula reads, sorted; the scope passed to evaluate must give each a number. */
  readonly variables: readonly string[];
  /** The formula's value for these variable values; a true/false result counts as 1/0; throws ExpressionError unless finite. */
  evaluate(scope: Record<string, number>): number;
}

/** Validates `source` against `allowed` variable names and compiles it to a fast evaluator; throws ExpressionError. */
export function compileExpression(source: string, allowed: readonly string[]): CompiledExpression {
  const { root, variables } = checkedTree(source, allowedVariableSet(allowed));
  return finiteEvaluator(source, variables, translate(root));
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

// ---------------------------------------------------------------------------------------------------
// The restricted mathjs instance

// Kept before it is disabled below: we parse, and the whitelist walk decides what may run.
const parseFormula = math.parse;

// mathjs's security guidance: even though the whitelist never lets these names through, disable the
// functions that alter the instance or parse new input, so a gap in the walk cannot reach them.
math.import(
  Object.fromEntries(
    DISABLED_FUNCTIONS.map((name) => [
      name,
      () => {
        throw new Error(`function ${name} is disabled in scenario formulas`);
      },
    ]),
  ),
  { override: true },
);

type NumberFunction = (...args: number[]) => unknown;
type TypedLookup = { find(fn: unknown, signature: string[]): NumberFunction };
const typed = math.typed as unknown as TypedLookup;

/** mathjs's own implementation for numbers, without type dispatch: same results, less overhead. */
function numberImplementation(name: string, arity: number): NumberFunction {
  const fn: unknown = (math as unknown as Record<string, unknown>)[name];
  return typed.find(fn, new Array<string>(arity).fill('number'));
}

// ---------------------------------------------------------------------------------------------------
// Validation

/** Marks "any identifier is a variable": expressionVariables documents formulas without knowing their context. */
const ANY_VARIABLE = null;
type VariablePolicy = ReadonlySet<string> | typeof ANY_VARIABLE;

const FUNCTION_SET = new Set(EXPRESSION_FUNCTIONS);
const CONSTANT_VALUES = new Map<string, number>([
  ['e', Math.E],
  ['pi', Math.PI],
]);
// Words the mathjs grammar reads as operators or literals, so a variable with one of these names could never be written.
const RESERVED_WORDS = new Set([
  'and', 'or', 'not', 'xor', 'mod', 'to', 'in', 'true', 'false', 'null', 'undefined', 'Infinity', 'NaN', 'end',
]);

// Arity per function; mathjs accepts more forms (cbrt's all-roots flag) that would not return one number.
const FUNCTION_ARITY = new Map<string, readonly [min: number, max: number]>(
  EXPRESSION_FUNCTIONS.map((name) => [name, arityOf(name)]),
);

function arityOf(name: string): readonly [number, number] {
  if (name === 'min' || name === 'max') return [1, Infinity];
  if (name === 'pow') return [2, 2];
  if (name === 'log' || name === 'round' || name === 'floor' || name === 'ceil') return [1, 2];
  return [1, 1];
}

const OPERATOR_FUNCTIONS = new Set([
  'add', 'subtract', 'multiply', 'divide', 'pow', 'mod', 'unaryMinus', 'unaryPlus',
  'equal', 'unequal', 'smaller', 'larger', 'smallerEq', 'largerEq', 'and', 'or', 'xor', 'not',
]);

// Why each rejected node type is rejected, in the words of someone writing a scenario.
const REJECTED_NODE_TYPES = new Map<string, string>([
  ['AssignmentNode', "assignment ('x = 1') is not allowed; a formula is a single expression"],
  ['FunctionAssignmentNode', "defining functions ('f(x) = ...') is not allowed"],
  ['AccessorNode', "property access and indexing ('a.b', 'a[1]') are not allowed"],
  ['IndexNode', "indexing ('a[1]') is not allowed"],
  ['ArrayNode', "matrices and arrays ('[1, 2]') are not allowed; formulas work on single numbers"],
  ['RangeNode', "ranges ('1:3') are not allowed"],
  ['ObjectNode', "objects ('{a: 1}') are not allowed"],
  ['BlockNode', "only one expression is allowed (found ';' or a line break)"],
  ['RelationalNode', "chained comparisons ('a < b < c') are not allowed; write 'a < b and b < c'"],
]);

function allowedVariableSet(allowed: readonly string[]): ReadonlySet<string> {
  for (const name of allowed) assertUsableVariableName(name);
  return new Set(allowed);
}

// Allowed names come from code, not from scenario files, so a bad one is a programming error, not an ExpressionError.
function assertUsableVariableName(name: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new RangeError(`expression variable '${name}' is not an identifier (letters, digits and _, not starting with a digit)`);
  }
  const clash = FUNCTION_SET.has(name) || CONSTANT_VALUES.has(name) || RESERVED_WORDS.has(name) || name in Object.prototype;
  if (clash) throw new RangeError(`expression variable '${name}' clashes with a function, constant or reserved word`);
}

interface CheckedTree {
  readonly root: MathNode;
  readonly variables: readonly string[];
}

/** Parses and validates; the tree it returns contains only whitelisted nodes. */
function checkedTree(source: string, policy: VariablePolicy): CheckedTree {
  if (typeof source !== 'string') throw new ExpressionError(`a formula must be a string (got ${typeof source})`, String(source));
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionError(`formula is ${source.length} characters long; the limit is ${MAX_EXPRESSION_LENGTH}`, source);
  }
  assertBracketsShallow(source);
  const root = parseOrExplain(source);
  assertShallow(root, source);
  const variables = new Set<string>();
  root.traverse((node, path, parent) => checkNode(node, path, parent, { source, policy, variables }));
  checkConstantParts(root, source);
  return { root, variables: [...variables].sort() };
}

/**
 * Rejects text with more than the depth limit of brackets open at once, before mathjs's recursive-descent
 * parser (a few stack frames per bracket) sees it. Quoted text and comments are skipped, as the parser would.
 */
function assertBracketsShallow(source: string): void {
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '"' || c === "'") {
      // To the closing quote; a backslash escapes the next character. The parser reports an unclosed one.
      for (i++; i < source.length && source[i] !== c; i++) if (source[i] === '\\') i++;
    } else if (c === '#') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === '(' || c === '[' || c === '{') {
      if (++depth >= MAX_EXPRESSION_DEPTH) {
        throw new ExpressionError(`formula is nested more than ${MAX_EXPRESSION_DEPTH} levels deep`, source, i + 1);
      }
    } else if (c === ')' || c === ']' || c === '}') {
      depth = Math.max(0, depth - 1);
    }
  }
}

function parseOrExplain(source: string): MathNode {
  // YAML block scalars end formulas with a newline, which mathjs would read as a second (empty) statement.
  const text = source.trim();
  const indent = source.length - source.trimStart().length;
  try {
    return parseFormula(text);
  } catch (error) {
    // The bracket scan keeps the parser's recursion bounded; should a small stack still overflow, say so plainly.
    if (error instanceof RangeError) throw new ExpressionError('formula is nested too deeply to parse', source);
    const message = error instanceof Error ? error.message : String(error);
    // mathjs ends its syntax messages with "(char N)", N being 1-based: the column is ours to report separately.
    const position = /\s*\(char (\d+)\)\s*$/.exec(message);
    const column = position ? Number(position[1]) + indent : undefined;
    const reason = position ? message.slice(0, position.index) : message;
    throw new ExpressionError(`syntax error: ${reason}`, source, column);
  }
}

function assertShallow(root: MathNode, source: string): void {
  if (depthExceeds(root, MAX_EXPRESSION_DEPTH)) {
    throw new ExpressionError(`formula is nested more than ${MAX_EXPRESSION_DEPTH} levels deep`, source);
  }
}

// Stops descending at the limit, so a hostile tree costs no more than the limit to reject.
function depthExceeds(node: MathNode, budget: number): boolean {
  if (budget <= 0) return true;
  let exceeded = false;
  node.forEach((child) => {
    if (!exceeded && depthExceeds(child, budget - 1)) exceeded = true;
  });
  return exceeded;
}

interface CheckContext {
  readonly source: string;
  readonly policy: VariablePolicy;
  readonly variables: Set<string>;
}

function checkNode(node: MathNode, path: string, parent: MathNode | null, context: CheckContext): void {
  if (isConstantNode(node)) return checkConstant(node.value, context.source);
  if (isSymbolNode(node)) {
    // The callee of a call is checked with its call: there it names a function, not a variable.
    if (path === 'fn' && parent !== null && isFunctionNode(parent)) return;
    return checkSymbol(node.name, context);
  }
  if (isOperatorNode(node)) return checkOperator(node, context.source);
  if (isFunctionNode(node)) return checkCall(node, context.source);
  if (isParenthesisNode(node) || isConditionalNode(node)) return;
  const reason = REJECTED_NODE_TYPES.get(node.type) ?? `'${node.type}' is not allowed in a formula`;
  throw new ExpressionError(reason, context.source);
}

function checkConstant(value: unknown, source: string): void {
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return;
    throw new ExpressionError(`the number ${value} is not allowed; formulas use finite numbers`, source);
  }
  if (value === undefined) {
    // mathjs reads both an empty formula and the word `undefined` as this constant.
    const column = columnOfIdentifier(source, 'undefined');
    if (column === undefined) throw new ExpressionError('formula is empty', source);
    throw new ExpressionError("'undefined' is not allowed; formulas work on numbers", source, column);
  }
  if (typeof value === 'string') {
    throw new ExpressionError('text in quotes is not allowed; formulas work on numbers', source, columnOfQuote(source));
  }
  if (typeof value === 'boolean') {
    throw new ExpressionError(`'${value}' is not allowed; write 1 or 0`, source, columnOfIdentifier(source, String(value)));
  }
  throw new ExpressionError(`'${String(value)}' is not allowed; formulas work on numbers`, source);
}

function checkSymbol(name: string, context: CheckContext): void {
  const { policy, source } = context;
  if (CONSTANT_VALUES.has(name)) return;
  if (FUNCTION_SET.has(name)) {
    throw new ExpressionError(`'${name}' is a function; call it as ${name}(...)`, source, columnOfIdentifier(source, name));
  }
  if (policy === ANY_VARIABLE ? isUsableVariableName(name) : policy.has(name)) {
    context.variables.add(name);
    return;
  }
  if (policy === ANY_VARIABLE) {
    throw new ExpressionError(`'${name}' cannot be a variable name`, source, columnOfIdentifier(source, name));
  }
  const names = [...policy];
  const offer = names.length > 0 ? `this formula may use: ${names.join(', ')}` : 'this formula may use no variables';
  const guess = closestName(name, [...names, ...EXPRESSION_CONSTANTS]);
  const hint = guess === undefined ? '' : `; did you mean '${guess}'?`;
  throw new ExpressionError(`unknown variable '${name}'; ${offer}${hint}`, source, columnOfIdentifier(source, name));
}

function isUsableVariableName(name: string): boolean {
  try {
    assertUsableVariableName(name);
    return true;
  } catch {
    return false;
  }
}

function checkOperator(node: MathNode & { op: string; fn: string }, source: string): void {
  // mathjs rewrites "x + 5%" as x + x * 5/100: too surprising for a scenario file, and '%' is kept for modulo.
  if ((node as { isPercentage?: boolean }).isPercentage === true) {
    throw new ExpressionError("percent literals ('5%') are not allowed; write 0.05 ('%' between two numbers is modulo)", source);
  }
  if (!OPERATOR_FUNCTIONS.has(node.fn)) {
    throw new ExpressionError(`operator '${node.op}' (${node.fn}) is not allowed in a formula`, source);
  }
}

function checkCall(node: MathNode & { fn: MathNode; args: MathNode[] }, source: string): void {
  if (!isSymbolNode(node.fn)) throw new ExpressionError('only named functions can be called, as in sqrt(x)', source);
  const name = node.fn.name;
  const arity = FUNCTION_ARITY.get(name);
  if (arity === undefined) {
    const guess = closestName(name, EXPRESSION_FUNCTIONS);
    const hint = guess === undefined ? '' : `; did you mean '${guess}'?`;
    const message = `unknown function '${name}'; a formula may call: ${EXPRESSION_FUNCTIONS.join(', ')}${hint}`;
    throw new ExpressionError(message, source, columnOfIdentifier(source, name));
  }
  const [min, max] = arity;
  if (node.args.length < min || node.args.length > max) {
    const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} or ${max}`;
    const message = `${name} takes ${expected} argument(s), got ${node.args.length}`;
    throw new ExpressionError(message, source, columnOfIdentifier(source, name));
  }
}

/** The candidate within a few edits of `name` (case ignored), if any; fewer edits than letters, so `x` never suggests `e`. */
function closestName(name: string, candidates: readonly string[]): string | undefined {
  return closest(name, candidates, Math.min(name.length <= 3 ? 1 : name.length <= 6 ? 2 : 3, name.length - 1));
}

// mathjs nodes carry no positions, so semantic errors locate the first identifier token with that name.
function columnOfIdentifier(source: string, name: string): number | undefined {
  for (const match of source.matchAll(/[\p{L}_$][\p{L}\p{N}_$]*/gu)) {
    if (match[0] === name) return match.index + 1;
  }
  return undefined;
}

function columnOfQuote(source: string): number | undefined {
  const index = source.search(/["']/);
  return index < 0 ? undefined : index + 1;
}

/**
 * Computes, once, every part of a validated tree that reads no variable, and rejects one that is not a finite
 * real number: `9^9^9` or `1e308 * 10` overflow, `1/0`, `log(0)` and `sqrt(-1)` have no finite real value.
 * Such a part would make the formula fail or mislead wherever it is evaluated, so it is an error in the file.
 */
function checkConstantParts(root: MathNode, source: string): void {
  // Whether `node` reads no variable; children are checked before their parent, so the innermost bad part is named.
  const isConstant = (node: MathNode): boolean => {
    let constant = !isSymbolNode(node) || CONSTANT_VALUES.has(node.name);
    node.forEach((child, path) => {
      // A call's name is a SymbolNode too, but not a variable.
      if (path === 'fn' && isFunctionNode(node)) return;
      if (!isConstant(child)) constant = false;
    });
    if (constant && !isConstantNode(node) && !isSymbolNode(node) && !isParenthesisNode(node)) {
      let value: number;
      try {
        value = translate(node)({});
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new ExpressionError(`${describePart(node)} has no real value (${reason})`, source);
      }
      if (!Number.isFinite(value)) {
        throw new ExpressionError(`${describePart(node)} is ${value}; formulas must stay within finite numbers (magnitude below about 1.8e308)`, source);
      }
    }
    return constant;
  };
  isConstant(root);
}

function describePart(node: MathNode): string {
  const text = node.toString();
  return `the constant part '${text.length > 60 ? `${text.slice(0, 57)}...` : text}'`;
}

// ---------------------------------------------------------------------------------------------------
// Evaluation

type Scope = Readonly<Record<string, number>>;
type Evaluator = (scope: Scope) => number;

/** Raised inside the closure tree; evaluate() turns it into an ExpressionError that names formula and scope. */
class EvaluationFault extends Error {}

function finiteEvaluator(source: string, variables: readonly string[], run: Evaluator): CompiledExpression {
  return {
    source,
    variables,
    evaluate(scope: Record<string, number>): number {
      let value: number;
      try {
        value = run(scope);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new ExpressionError(`formula "${source}" failed for ${describeScope(variables, scope)}: ${reason}`, source);
      }
      if (Number.isFinite(value)) return value;
      throw new ExpressionError(`formula "${source}" gave ${value} for ${describeScope(variables, scope)}`, source);
    },
  };
}

function describeScope(variables: readonly string[], scope: Scope): string {
  if (variables.length === 0) return 'no variables';
  return variables.map((name) => `${name} = ${Object.hasOwn(scope, name) ? String(scope[name]) : '(missing)'}`).join(', ');
}

// mathjs returns booleans from comparisons and Complex values from sqrt(-1) and the like.
function asNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw new EvaluationFault(`the result ${describeValue(value)} is not a real number`);
}

function describeValue(value: unknown): string {
  if (value !== null && typeof value === 'object' && 'toString' in value) return String(value);
  return typeof value;
}

/** The closure for a validated tree; booleans are carried as 1/0, as mathjs converts them in arithmetic. */
function translate(node: MathNode): Evaluator {
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
