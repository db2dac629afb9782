import { describe, expect, it } from 'vitest';
import { compileExpression, compileExpressionWithMathjs } from '../../../src/scenario/expressions/compile.js';
import { ExpressionError, MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_LENGTH } from '../../../src/scenario/expressions/language.js';
import { expressionErrorOf, PRICING } from '../../support/expressions.js';

describe('unknown names', () => {
  it('rejects an unknown variable, lists the allowed ones and suggests the closest', () => {
    const error = expressionErrorOf(() => compileExpression('cost * (1 + utilisation)', PRICING));
    expect(error.message).toBe(
      "unknown variable 'utilisation'; this formula may use: cost, utilization, bidders, t, year; did you mean 'utilization'?",
    );
    expect(error.column).toBe(13);
    expect(error.source).toBe('cost * (1 + utilisation)');
  });

  it('suggests nothing when no allowed name is close', () => {
    const error = expressionErrorOf(() => compileExpression('capacity * 2', PRICING));
    expect(error.message).toBe('unknown variable \'capacity\'; this formula may use: cost, utilization, bidders, t, year');
  });

  it('suggests a function for a misspelt call', () => {
    const error = expressionErrorOf(() => compileExpression('sqr(cost)', PRICING));
    expect(error.message).toMatch(/^unknown function 'sqr'.*did you mean 'sqrt'\?$/);
    expect(error.column).toBe(1);
  });

  it('ignores case when suggesting', () => {
    expect(expressionErrorOf(() => compileExpression('Cost', PRICING)).message).toMatch(/did you mean 'cost'\?$/);
  });

  it('refuses allowed-variable names that could never be written or would shadow a function', () => {
    for (const name of ['sqrt', 'pi', 'e', '1x', 'and', 'mod', 'constructor', '__proto__', 'a-b', '']) {
      expect(() => compileExpression('1', [name]), name).toThrow(RangeError);
    }
  });
});

describe('rejected formulas', () => {
  it.each([
    'import({}, {override: true})',
    'evaluate("1 + 1")',
    'parse("1")',
    'createUnit("foo")',
    'simplify("x")',
    'derivative("x^2", "x")',
    'resolve(cost)',
    'reviver(1)',
    'compile("1")',
    'typeOf(cost)',
    'cos.constructor',
    'cos.constructor("return process")()',
    '[].constructor',
    '"a"',
    "'a'",
    'f(x) = x',
    'x = 1',
    'cost = 1',
    'a.b',
    'cost.b',
    'a[1]',
    'cost[1]',
    '1:3',
    '{a: 1}',
    '[1, 2]',
    '5 cm',
    'cost to year',
    '__proto__',
    'constructor',
    'this',
    'Function',
    'i',
    'sqrt',
    '(cos)(1)',
    'true',
    'null',
    'undefined',
    'Infinity',
    'NaN',
    '1e400',
    '5%',
    'cost + 5%',
    'cost!',
    "cost'",
    'cost ?? 1',
    'cost | 1',
    'cost & 1',
    '~cost',
    'cost << 1',
    'cost >> 1',
    'cost .* 2',
    'cost; t',
    'cost\nt',
    '1 < cost < 3',
    'cbrt(8, true)',
    'max()',
    'pow(2)',
    'sqrt(1, 2)',
    '',
    '# only a comment',
  ])('%j', (source) => {
    expect(() => compileExpression(source, PRICING)).toThrow(ExpressionError);
    expect(() => compileExpressionWithMathjs(source, PRICING)).toThrow(ExpressionError);
  });

  it.each([
    ['x = 1', /assignment/],
    ['f(x) = x', /defining functions/],
    ['a.b', /property access/],
    ['1:3', /ranges/],
    ['{a: 1}', /objects/],
    ['[1, 2]', /matrices/],
    ['"a"', /quotes/],
    ['5%', /percent/],
    ['cost!', /factorial/],
    ['1 < cost < 3', /chained comparisons/],
    ['sqrt', /is a function/],
    ['cbrt(8, true)', /cbrt takes 1 argument/],
    ['import(1)', /unknown function 'import'/],
  ])('explains why %j is rejected', (source, reason) => {
    expect(expressionErrorOf(() => compileExpression(source, ['x'])).message).toMatch(reason);
  });

  it.each([
    ['cost +', 7],
    ['(1 + 2', 7],
    ['cost * * 2', 8],
    ['sqrt(1,', 8],
    ['@', 1],
    ['  cost +', 9], // columns count from the formula as written, leading spaces included
  ])('reports the column of a syntax error in %j', (source, column) => {
    const error = expressionErrorOf(() => compileExpression(source, PRICING));
    expect(error.message).toMatch(/^syntax error: /);
    expect(error.message).not.toMatch(/\(char/);
    expect(error.column).toBe(column);
  });

  it('rejects formulas longer than the limit', () => {
    const longest = 'cost' + ' '.repeat(MAX_EXPRESSION_LENGTH - 5) + 't';
    expect(longest).toHaveLength(MAX_EXPRESSION_LENGTH);
    expect(compileExpression(longest.replace(/ t$/, '+t'), PRICING).evaluate({ cost: 1, t: 2 })).toBe(3);
    expect(expressionErrorOf(() => compileExpression(longest + ' ', PRICING)).message).toMatch(/limit is 500/);
  });

  it('rejects formulas nested deeper than the limit', () => {
    const nested = (levels: number): string => '('.repeat(levels) + 'cost' + ')'.repeat(levels);
    expect(compileExpression(nested(MAX_EXPRESSION_DEPTH - 1), PRICING).evaluate({ cost: 5 })).toBe(5);
    const tooDeep = expressionErrorOf(() => compileExpression(nested(MAX_EXPRESSION_DEPTH), PRICING));
    expect(tooDeep.message).toMatch(/nested more than 50/);
    expect(() => compileExpression('-'.repeat(200) + 'cost', PRICING)).toThrow(/nested/);
    expect(() => compileExpression('cost' + '^cost'.repeat(60), PRICING)).toThrow(/nested/);
  });

  it('rejects a source that is not a string', () => {
    expect(() => compileExpression(42 as unknown as string, PRICING)).toThrow(ExpressionError);
  });
});
