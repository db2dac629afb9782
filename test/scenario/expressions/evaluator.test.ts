import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { compileExpression, compileExpressionWithMathjs, expressionVariables } from '../../../src/scenario/expressions/compile.js';
import type { CompiledExpression } from '../../../src/scenario/expressions/evaluator.js';
import { EXPRESSION_FUNCTIONS, ExpressionError, MAX_EXPRESSION_LENGTH } from '../../../src/scenario/expressions/language.js';
import { expressionErrorOf, PRICING } from '../../support/expressions.js';

describe('evaluating formulas', () => {
  const scope = { cost: 2, utilization: 0.5, bidders: 4, t: 3, year: 2027 };

  it.each([
    ['cost * (1 + 0.5 * utilization) / sqrt(bidders)', 1.25],
    ['1.2e6 * 1.5^t', 1.2e6 * 3.375],
    ['300000 * 1.25^t', 300000 * 1.953125],
    ['2^3^2', 512], // ^ is right-associative
    ['-2^2', -4], // unary minus binds looser than ^
    ['2^-1', 0.5],
    ['7 % 3', 1],
    ['-7 % 3', 2], // mathjs mod takes the sign of the divisor
    ['7 % 0', 7],
    ['2t + 1', 7], // implicit multiplication
    ['cost > 1', 1],
    ['cost < 1', 0],
    ['cost >= 2 and bidders <= 4', 1],
    ['cost == 3 or not (t != 3)', 1],
    ['(cost > 1) xor (t > 1)', 0],
    ['0.1 + 0.2 == 0.3', 1], // mathjs compares within a relative tolerance
    ['utilization > 0.8 ? cost * 2 : cost', 2],
    ['utilization < 0.8 ? cost * 2 : cost', 4],
    ['(bidders > 3) * 10', 10],
    ['pi', Math.PI],
    ['e', Math.E],
    ['abs(-cost)', 2],
    ['ceil(2.1) + floor(2.9) + round(2.5) + round(-2.5)', 3 + 2 + 3 - 3],
    ['round(1.23456, 2)', 1.23],
    ['floor(1.29, 1) + ceil(1.21, 1)', 1.2 + 1.3],
    ['floor(0.1 * 3 * 10)', 3], // mathjs floors values within tolerance of an integer to that integer
    ['sqrt(16) + cbrt(-27)', 1],
    ['exp(0) + log(e) + log10(1000) + log2(8) + log(8, 2)', 1 + 1 + 3 + 3 + 3],
    ['pow(2, 10)', 1024],
    ['min(3, cost, 5) + max(1, t, 2)', 2 + 3],
    ['min(7)', 7],
    ['sin(0) + cos(0) + tan(0) + tanh(0)', 1],
    ['sign(-3) + sign(0) + sign(2)', 0],
    ['year - 2025', 2],
    ['  cost  ', 2],
    ['cost # a comment', 2],
    ['cost\n', 2], // YAML block scalars end with a newline
  ])('%s = %d', (source, expected) => {
    const fast = compileExpression(source, PRICING);
    const reference = compileExpressionWithMathjs(source, PRICING);
    expect(fast.evaluate(scope)).toBeCloseTo(expected, 12);
    expect(reference.evaluate(scope)).toBe(fast.evaluate(scope));
  });

  it('reports its source and the variables it reads, sorted and once each', () => {
    const compiled = compileExpression('utilization * cost + cost / bidders + pi', PRICING);
    expect(compiled.source).toBe('utilization * cost + cost / bidders + pi');
    expect(compiled.variables).toEqual(['bidders', 'cost', 'utilization']);
  });

  it('reads the scope on every call, so one scope object can be updated and reused', () => {
    const compiled = compileExpression('cost * utilization', PRICING);
    const reused = { cost: 1, utilization: 0.25, bidders: 1, t: 0, year: 2025 };
    expect(compiled.evaluate(reused)).toBe(0.25);
    reused.utilization = 0.75;
    expect(compiled.evaluate(reused)).toBe(0.75);
  });

  it('lists the free variables of a formula for documentation', () => {
    expect(expressionVariables('b * a + a * cost^t + pi + sqrt(year)')).toEqual(['a', 'b', 'cost', 't', 'year']);
    expect(expressionVariables('2 + 3')).toEqual([]);
    expect(() => expressionVariables('import(x)')).toThrow(ExpressionError);
  });
});

describe('evaluation errors', () => {
  for (const [label, compile] of [
    ['closures', compileExpression],
    ['mathjs', compileExpressionWithMathjs],
  ] as const) {
    describe(`through ${label}`, () => {
      it('throws on an infinite result, naming the formula and the scope', () => {
        const compiled = compile('cost / bidders', PRICING);
        const error = expressionErrorOf(() => compiled.evaluate({ cost: 1, bidders: 0 }));
        expect(error.message).toBe('formula "cost / bidders" gave Infinity for bidders = 0, cost = 1');
      });

      it('throws on NaN', () => {
        const compiled = compile('cost / bidders', PRICING);
        expect(expressionErrorOf(() => compiled.evaluate({ cost: 0, bidders: 0 })).message).toMatch(/gave NaN/);
      });

      it('throws when the value is not real, as sqrt of a negative number', () => {
        const compiled = compile('sqrt(cost)', PRICING);
        const error = expressionErrorOf(() => compiled.evaluate({ cost: -4 }));
        expect(error.message).toMatch(/^formula "sqrt\(cost\)" failed for cost = -4: .*2i is not a real number$/);
      });

      it('throws for log(0), (-8)^(1/3) and log of a negative number', () => {
        expect(() => compile('log(cost)', PRICING).evaluate({ cost: 0 })).toThrow(/-Infinity/);
        expect(() => compile('cost^(1/3)', PRICING).evaluate({ cost: -8 })).toThrow(ExpressionError);
        expect(() => compile('log10(cost)', PRICING).evaluate({ cost: -1 })).toThrow(ExpressionError);
      });

      it('throws when a variable has no value', () => {
        const compiled = compile('cost * t', PRICING);
        const error = expressionErrorOf(() => compiled.evaluate({ cost: 1 }));
        expect(error.message).toMatch(/^formula "cost \* t" failed for cost = 1, t = \(missing\)/);
      });

      it('throws for an invalid number of decimals in round', () => {
        expect(() => compile('round(cost, t)', PRICING).evaluate({ cost: 1.5, t: 0.5 })).toThrow(ExpressionError);
      });
    });
  }

  it('does not evaluate the branch of a conditional that is not taken', () => {
    const compiled = compileExpression('cost >= 0 ? sqrt(cost) : 0', PRICING);
    expect(compiled.evaluate({ cost: 4 })).toBe(2);
    expect(compiled.evaluate({ cost: -4 })).toBe(0);
  });

  it('short-circuits and/or like mathjs', () => {
    expect(compileExpression('cost < 0 and sqrt(cost) > 1', PRICING).evaluate({ cost: 4 })).toBe(0);
    expect(compileExpression('cost > 0 or sqrt(cost) > 1', PRICING).evaluate({ cost: 4 })).toBe(1);
    expect(compileExpressionWithMathjs('cost < 0 and sqrt(cost) > 1', PRICING).evaluate({ cost: 4 })).toBe(0);
  });
});

describe('closures agree with mathjs', () => {
  const VARIABLES = ['a', 'b', 'c', 't'];
  const BINARY = ['+', '-', '*', '/', '^', '%', '==', '!=', '<', '>', '<=', '>=', 'and', 'or', 'xor'];
  const COMPARISONS = new Set(['==', '!=', '<', '>', '<=', '>=']);
  const NUMBERS = ['0', '1', '2', '3', '0.5', '0.1', '0.2', '0.3', '10', '1e3', '2.5', '1e-3', '7'];
  const ARITY: Record<string, number> = { pow: 2, min: 3, max: 2, log: 2, round: 1, floor: 1, ceil: 1 };

  type Rng = () => number;
  const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;

  function leaf(rng: Rng): string {
    const r = rng();
    if (r < 0.4) return pick(rng, VARIABLES);
    if (r < 0.5) return pick(rng, ['pi', 'e']);
    if (r < 0.55) return `${pick(rng, ['2', '3', '0.5'])}${pick(rng, VARIABLES)}`; // implicit multiplication
    if (r < 0.75) return pick(rng, NUMBERS);
    return (Math.round(rng() * 1000) / 100).toString();
  }

  // Parentheses are dropped at random so mathjs's precedence rules are exercised too.
  function wrap(rng: Rng, text: string): string {
    return rng() < 0.6 ? `(${text})` : text;
  }

  function expression(rng: Rng, depth: number): string {
    if (depth <= 0 || rng() < 0.2) return leaf(rng);
    const r = rng();
    const sub = (): string => expression(rng, depth - 1);
    if (r < 0.55) {
      const op = pick(rng, BINARY);
      const text = `${sub()} ${op} ${sub()}`;
      // Unparenthesised comparisons would chain ('a < b > c'), which formulas reject.
      return COMPARISONS.has(op) ? `(${text})` : wrap(rng, text);
    }
    if (r < 0.65) return wrap(rng, `${pick(rng, ['-', '+', 'not '])}${wrap(rng, sub())}`);
    if (r < 0.9) {
      const name = pick(rng, EXPRESSION_FUNCTIONS);
      const count = ARITY[name] ?? 1;
      return `${name}(${Array.from({ length: count }, sub).join(', ')})`;
    }
    return `(${sub()} ? ${sub()} : ${sub()})`;
  }

  function scopeFor(rng: Rng): Record<string, number> {
    const value = (): number => {
      const r = rng();
      if (r < 0.15) return 0;
      if (r < 0.3) return Math.floor(rng() * 7) - 3;
      if (r < 0.4) return 0.1 + 0.2; // near-ties exercise mathjs's comparison tolerance
      return (rng() - 0.3) * 10;
    };
    return Object.fromEntries(VARIABLES.map((name) => [name, value()]));
  }

  type Outcome = { ok: true; value: number } | { ok: false; message: string };
  function outcome(compiled: CompiledExpression, scope: Record<string, number>): Outcome {
    try {
      return { ok: true, value: compiled.evaluate(scope) };
    } catch (error) {
      expect(error).toBeInstanceOf(ExpressionError);
      return { ok: false, message: (error as Error).message };
    }
  }

  it('on 400 random whitelisted formulas, each at 3 random scopes', () => {
    const rng = seedrandom.alea('expr');
    const tally = { agreed: 0, bothFailed: 0, complexIntermediate: 0 };
    let formulas = 0;
    let rejectedConstants = 0;
    while (formulas < 400) {
      const source = expression(rng, 4);
      if (source.length > MAX_EXPRESSION_LENGTH) continue;
      let fast: CompiledExpression;
      try {
        fast = compileExpression(source, VARIABLES);
      } catch (error) {
        // A part that reads no variable and is not a finite real number (e^1000, 0/0, sqrt(-3)) is rejected at load.
        expect((error as Error).message, source).toMatch(/^the constant part /);
        rejectedConstants++;
        continue;
      }
      formulas++;
      const reference = compileExpressionWithMathjs(source, VARIABLES);
      for (let i = 0; i < 3; i++) {
        const scope = scopeFor(rng);
        const a = outcome(fast, scope);
        const b = outcome(reference, scope);
        if (a.ok) {
          expect(b, `${source} at ${JSON.stringify(scope)}`).toEqual({ ok: true, value: a.value });
          tally.agreed++;
        } else if (!b.ok) {
          tally.bothFailed++;
        } else {
          // The closures stop at the first complex intermediate; mathjs may carry it on back to a real (abs(sqrt(-1))).
          expect(a.message, `${source} at ${JSON.stringify(scope)}`).toMatch(/is not a real number$/);
          tally.complexIntermediate++;
        }
      }
    }
    const cases = formulas * 3;
    expect(tally.agreed).toBeGreaterThan(cases * 0.5);
    expect(tally.complexIntermediate).toBeLessThan(cases * 0.05);
    expect(rejectedConstants).toBeLessThan(formulas * 0.1);
  });
});
