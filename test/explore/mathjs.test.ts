import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import engineBundle from 'mathjs/lib/browser/math.js';
import type { MathJsInstance } from 'mathjs';
import { describe, expect, it } from 'vitest';
import pageMath from '../../src/explore/page/mathjs.js';
import { EXPRESSION_FUNCTIONS } from '../../src/scenario/expressions/language.js';
import { walkFormulas } from '../../src/scenario/formulas.js';
import { loadScenario } from '../../src/scenario/load.js';
import { SCENARIO } from '../../src/scenario/schema-walk.js';

/**
 * The page's bundles take mathjs from its ES modules (src/explore/page/mathjs.ts, put in place of
 * mathjs's prebuilt single file by bundle.ts) because that instance starts faster in a Web Worker.
 * What the engine takes from mathjs must not change with it: the trees it parses formulas into, its
 * messages for text it cannot parse, and its number code for the functions formulas may call.
 */

const SCENARIOS = fileURLToPath(new URL('../../scenarios/', import.meta.url));
/**
 * An instance of the prebuilt file's own code, made as the engine makes its own (whose parse is disabled
 * once the engine has kept it): an instance's `create` is bound to the factories it was made from.
 */
const engineMath: MathJsInstance = engineBundle.create();

/** Every formula of the shipped scenarios, and text that reaches each corner of the grammar a formula may use or be refused for. */
function formulas(): string[] {
  const found = new Set<string>();
  for (const file of readdirSync(SCENARIOS).filter((name) => name.endsWith('.yaml'))) {
    const loaded = loadScenario(`${SCENARIOS}${file}`);
    for (const { spec } of loaded.variants) walkFormulas(SCENARIO, spec, [], (_, source) => found.add(source));
  }
  const syntax = [
    '1.2e6 * growth^t', '-x^2', '2^-3^2', 'a ? b : c', 'x > 1 and y <= 2 or not z', 'x xor y', '7 % 3', 'x mod 2', '5%', '3 x',
    'max(a, b, 2)', 'min(1)', 'log(x, 10)', 'round(x, 2)', 'pi * e', '(((x)))', '1e400', '0x1F', '1_000', '.5 + 5.', 'x == y != z',
    'f(x) = 1', 'a = 1', 'a.b', 'a[1]', '[1, 2]', '1:3', '{a: 1}', '1; 2', '"text"', 'true', 'undefined', '', '1 +', '(1', 'x y z',
    '2 cm', 'sqrt(-1)', '1 < x < 2', '# comment', 'x\n',
  ];
  return [...found, ...syntax];
}

/** A parse's outcome as comparable data: the tree as mathjs writes it to JSON, or the message of the error it throws. */
function parsed(math: typeof engineMath, source: string): unknown {
  try {
    return { tree: JSON.parse(JSON.stringify(math.parse(source))) as unknown, text: math.parse(source).toString() };
  } catch (error) {
    return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

type NumberFunction = (...args: number[]) => unknown;
type TypedLookup = { find(fn: unknown, signature: string[]): NumberFunction };

/** mathjs's number implementation of `name` with `arity` arguments, as expressions/mathjs.ts looks it up (undefined when there is none). */
function numberImplementation(math: typeof engineMath, name: string, arity: number): NumberFunction | undefined {
  try {
    return (math.typed as unknown as TypedLookup).find((math as unknown as Record<string, unknown>)[name], new Array<string>(arity).fill('number'));
  } catch {
    return undefined;
  }
}

const ARGUMENTS = [0, -0, 1, -1, 0.5, -0.5, 2, 3, -2.5, 2.5, 1e-300, 5e-324, 1e300, -1e300, 123.456789, -98.7654321, 1 / 3, Math.PI, Infinity, -Infinity, NaN, 7, 1e15 + 0.5, 4.35, 1.005, 2 ** 53];

describe("the page's mathjs", () => {
  it('parses every formula of the shipped scenarios, and text in every corner of the grammar, to the trees and errors the engine\'s does', () => {
    const sources = formulas();
    expect(sources.length).toBeGreaterThan(50);
    for (const source of sources) expect(parsed(pageMath, source), source).toEqual(parsed(engineMath, source));
  });

  it('computes what formulas may call, and modulo, with the same number code, bit for bit', () => {
    const functions = [...EXPRESSION_FUNCTIONS.map((name) => [name, 1] as const), ['mod', 2] as const, ['round', 2] as const, ['log', 2] as const, ['pow', 2] as const, ['floor', 2] as const, ['ceil', 2] as const];
    let compared = 0;
    for (const [name, arity] of functions) {
      const page = numberImplementation(pageMath, name, arity);
      const engine = numberImplementation(engineMath, name, arity);
      expect(page === undefined, `${name} with ${arity} argument(s)`).toBe(engine === undefined);
      if (page === undefined || engine === undefined) continue;
      const argumentLists = arity === 1 ? ARGUMENTS.map((x) => [x]) : ARGUMENTS.flatMap((x) => [0, 1, 2, 3, -1, 0.5, 15, NaN, ...ARGUMENTS.slice(0, 8)].map((y) => [x, y]));
      for (const args of argumentLists) {
        const outcome = (fn: NumberFunction): unknown => {
          try {
            const value = fn(...args);
            return typeof value === 'number' ? (Object.is(value, -0) ? '-0' : value) : String(value);
          } catch (error) {
            return `throws ${error instanceof Error ? error.message : String(error)}`;
          }
        };
        expect(outcome(page), `${name}(${args.join(', ')})`).toEqual(outcome(engine));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });
});
