// What a formula in a scenario file may contain, and the error that says where it does not. The guard
// (guard.ts) enforces these limits and names; the evaluator (evaluator.ts) computes what they allow.

/** Longest formula accepted, in characters; real formulas are a line, and the cap bounds parsing work. */
export const MAX_EXPRESSION_LENGTH = 500;

/**
 * Deepest nesting accepted: fewer brackets than this open at once (counted before parsing, which bounds the
 * parser's recursion) and a syntax tree no deeper (which bounds validation, translation and evaluation).
 */
export const MAX_EXPRESSION_DEPTH = 50;

/** Functions a formula may call: pure math on numbers, nothing that parses, imports or builds units. */
export const EXPRESSION_FUNCTIONS: readonly string[] = [
  'abs', 'cbrt', 'ceil', 'cos', 'exp', 'floor', 'log', 'log10', 'log2', 'max', 'min',
  'pow', 'round', 'sign', 'sin', 'sqrt', 'tan', 'tanh',
];

/** Named constants a formula may use besides its variables, with their values (the same in the guard's constant folding and the evaluator). */
export const CONSTANT_VALUES: ReadonlyMap<string, number> = new Map<string, number>([
  ['e', Math.E],
  ['pi', Math.PI],
]);

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
