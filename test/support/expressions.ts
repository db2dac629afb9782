import { expect } from 'vitest';
import { ExpressionError } from '../../src/scenario/expressions/language.js';

/** The variables of a pricing formula, the context most formula tests compile in. */
export const PRICING = ['cost', 'utilization', 'bidders', 't', 'year'];

/** The ExpressionError `run` throws; fails the test if it throws anything else or nothing. */
export function expressionErrorOf(run: () => unknown): ExpressionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ExpressionError);
    return error as ExpressionError;
  }
  throw new Error('expected an ExpressionError, but nothing was thrown');
}
