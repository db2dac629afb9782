// The one mathjs instance that parses formulas, restricted after mathjs's security guidance.
import bundle from 'mathjs/lib/browser/math.js';

// mathjs's own single-file build of the same version (its package exports it): the ES module entry is
// hundreds of files, which take about 1 s to import in every worker thread of a batch, the bundle 0.1 s.
// The bundle exports its default instance (mathjs's `create(all)`), not the factories, and Node loads it
// once per process whatever imports it: restricting that instance made a second copy of the engine in the
// same process (another build's dist/, a bundler's duplicate) fail at import ("function import is disabled").
// So the instance restricted below is one of this module's own, from the bundle's `create` (every function's
// factory, built lazily: 0.3 MB and 7 ms). Imported (a CommonJS module's exports are its default export),
// not required, so that a browser bundle of the engine takes the same file.
const math = bundle.create();

/** mathjs's guards for the node types a formula's tree may hold. */
export const { isConditionalNode, isConstantNode, isFunctionNode, isOperatorNode, isParenthesisNode, isSymbolNode } = math;

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

/** mathjs's parser, kept before `parse` is disabled below: we parse, and the whitelist walk decides what may run. */
export const parseFormula = math.parse;

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

/** A mathjs function specialised to numbers; a result that is not a number means "no real value". */
export type NumberFunction = (...args: number[]) => unknown;
type TypedLookup = { find(fn: unknown, signature: string[]): NumberFunction };
const typed = math.typed as unknown as TypedLookup;

/** mathjs's own implementation for numbers, without type dispatch: same results, less overhead. */
export function numberImplementation(name: string, arity: number): NumberFunction {
  const fn: unknown = (math as unknown as Record<string, unknown>)[name];
  return typed.find(fn, new Array<string>(arity).fill('number'));
}
