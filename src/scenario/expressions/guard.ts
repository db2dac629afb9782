// The guard: every formula passes these defences, in this order, before anything evaluates it:
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
// (The sixth, at run time, is the evaluator's: a result that is not a finite number is an ExpressionError.)
import type { MathNode } from 'mathjs';
import { closest } from '../suggest.js';
import { translate } from './evaluator.js';
import {
  CONSTANT_VALUES,
  EXPRESSION_FUNCTIONS,
  ExpressionError,
  MAX_EXPRESSION_DEPTH,
  MAX_EXPRESSION_LENGTH,
} from './language.js';
import { isConditionalNode, isConstantNode, isFunctionNode, isOperatorNode, isParenthesisNode, isSymbolNode, parseFormula } from './mathjs.js';

/** Marks "any identifier is a variable": expressionVariables documents formulas without knowing their context. */
export const ANY_VARIABLE = null;
/** The variables a formula may read: a set of names, or ANY_VARIABLE. */
export type VariablePolicy = ReadonlySet<string> | typeof ANY_VARIABLE;

const FUNCTION_SET = new Set(EXPRESSION_FUNCTIONS);
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

/** The set of `allowed` names; throws RangeError for a name no formula could write, a programming error. */
export function allowedVariableSet(allowed: readonly string[]): ReadonlySet<string> {
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

/** A parsed formula that passed every check, and the variables it reads, sorted. */
export interface CheckedTree {
  readonly root: MathNode;
  readonly variables: readonly string[];
}

/** Parses and validates; the tree it returns contains only whitelisted nodes. */
export function checkedTree(source: string, policy: VariablePolicy): CheckedTree {
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
  const guess = closestName(name, [...names, ...CONSTANT_VALUES.keys()]);
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
