import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compileExpression, compileExpressionWithMathjs } from '../../src/scenario/expressions/compile.js';
import { EXPRESSION_FUNCTIONS, ExpressionError, MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_LENGTH } from '../../src/scenario/expressions/language.js';
import { DISABLED_FUNCTIONS } from '../../src/scenario/expressions/mathjs.js';
import { loadScenario } from '../../src/scenario/load.js';
import { ScenarioError } from '../../src/scenario/problems.js';
import type { Problem } from '../../src/scenario/problems.js';
import { budgetMs } from '../support/budget.js';

/**
 * Hostile formulas, each written into a whole scenario file (the shipped openai-multicloud-2025.yaml)
 * and loaded as a user's file would be: every one must end in a ScenarioError located at the formula's
 * line, and at a column inside the formula as written, and none may run anything.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BASE = readFileSync(join(root, 'scenarios', 'openai-multicloud-2025.yaml'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'computerace-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A formula that would set this global if any part of it ever ran as JavaScript.
const PWNED = '__computeracePwned';
const PAYLOAD = `globalThis.${PWNED} = 1`;
const globals = globalThis as Record<string, unknown>;

/** The formula as a YAML scalar on one line: single-quoted when it can be, so columns map onto the file. */
function yamlScalar(formula: string): string {
  if (!/['\\\u0000-\u001f\u007f-\uffff]/.test(formula)) return `'${formula}'`;
  return JSON.stringify(formula);
}

interface Placement {
  /** The field, as problems name it. */
  path: string;
  /** The base file with the formula written at the field: its text, and the line and column of the scalar. */
  write(scalar: string): { text: string; line: number; column: number };
}

/** Writes the formula as the value after `prefix` on the first line that starts with it (dropping the line's comment). */
function onLine(prefix: string): Placement['write'] {
  return (scalar) => {
    const lines = BASE.split('\n');
    const index = lines.findIndex((line) => line.startsWith(prefix));
    if (index < 0) throw new Error(`no line starts with ${JSON.stringify(prefix)}`);
    lines[index] = `${prefix}${scalar}`;
    return { text: lines.join('\n'), line: index + 1, column: prefix.length + 1 };
  };
}

// meta-dc (providers[5]) prices at cost; these placements give it a pricing formula.
const META_PRICING = '    pricing: { policy: costPlus, margin: 0 }';

const PLACEMENTS: Record<string, Placement> = {
  labDemand: { path: 'labs[0].demand.formula', write: onLine('      formula: ') },
  supplierCapacity: { path: 'suppliers[0].capacityUnitsPerMonth', write: onLine('    capacityUnitsPerMonth: ') },
  providerInternalDemand: { path: 'providers[0].internalDemandH100e', write: onLine('    internalDemandH100e: ') },
  pricing: {
    path: 'providers[5].pricing.expression',
    write: (scalar) => {
      const lines = BASE.split('\n');
      const index = lines.indexOf(META_PRICING);
      const prefix = '    pricing: { policy: formula, expression: ';
      lines[index] = `${prefix}${scalar} }`;
      return { text: lines.join('\n'), line: index + 1, column: prefix.length + 1 };
    },
  },
  timelinePricing: {
    path: 'timeline[0].set["providers.meta-dc.pricing.expression"]',
    // meta-dc prices by a valid formula, and a new first timeline entry replaces it with the hostile one.
    write: (scalar) => {
      const lines = BASE.split('\n');
      lines[lines.indexOf(META_PRICING)] = "    pricing: { policy: formula, expression: 'cost * 1.1' }";
      const timeline = lines.indexOf('timeline:');
      const prefix = '    set: { providers.meta-dc.pricing.expression: ';
      lines.splice(timeline + 1, 0, '  - date: 2026-01-01', `${prefix}${scalar} }`);
      return { text: lines.join('\n'), line: timeline + 3, column: prefix.length + 1 };
    },
  },
};

let files = 0;

// A hostile formula is refused within 2 s, or 100 loads of the base scenario timed now on a machine that
// slow; a megabyte formula within 50 ms, or 20 compilations of a formula of the longest length allowed:
// being parsed, it would take thousands of those (a blow-up, not the load of a shared machine).
const hostileLimitMs = budgetMs(2000, 100, () => void loadScenario(join(root, 'scenarios', 'openai-multicloud-2025.yaml')));
const longestFormula = `max(${'t,'.repeat((MAX_EXPRESSION_LENGTH - 8) / 2)}t)`; // shallow: one call of many arguments
const refusalLimitMs = budgetMs(50, 20, () => void compileExpression(longestFormula, ['t']));

/** Loads the base scenario with `formula` at `placement`; returns the problems, checking each is a located ScenarioError problem. */
function problemsOf(formula: string, placement: Placement): { problems: Problem[]; line: number; column: number; scalar: string; file: string } {
  const scalar = yamlScalar(formula);
  const { text, line, column } = placement.write(scalar);
  const file = join(dir, `hostile-${++files}.yaml`);
  writeFileSync(file, text);
  let caught: unknown;
  try {
    loadScenario(file);
  } catch (error) {
    caught = error;
  }
  if (caught === undefined) throw new Error(`formula ${JSON.stringify(formula)} at ${placement.path} loaded without an error`);
  // Anything but a ScenarioError is a loader bug: it would reach the user as an internal error.
  if (!(caught instanceof ScenarioError)) throw caught;
  return { problems: caught.problems, line, column, scalar, file };
}

function expectLocatedAtFormula(formula: string, placement: Placement, reason?: RegExp): Problem {
  const { problems, line, column, scalar, file } = problemsOf(formula, placement);
  expect(problems, JSON.stringify(problems)).toHaveLength(1);
  const [problem] = problems as [Problem];
  expect(problem.file).toBe(file);
  expect(problem.path).toBe(placement.path);
  expect(problem.line).toBe(line);
  // At the formula or at a column inside it, as written in the file.
  expect(problem.column).toBeGreaterThanOrEqual(column);
  expect(problem.column).toBeLessThan(column + scalar.length);
  if (reason) expect(problem.message).toMatch(reason);
  return problem;
}

beforeEach(() => {
  delete globals[PWNED];
});
afterEach(() => {
  expect(globals[PWNED], 'a formula ran JavaScript').toBeUndefined();
});

// [formula, why it is rejected]; every one goes through a whole scenario file.
const HOSTILE: [string, RegExp][] = [
  // Escapes from mathjs security advisories: reaching Function through a function's constructor.
  [`cos.constructor("${PAYLOAD}")()`, /./],
  [`cos.constructor("${PAYLOAD}")`, /only named functions can be called/],
  [`sqrt.constructor.constructor("${PAYLOAD}")`, /only named functions can be called/],
  [`[].map.constructor("${PAYLOAD}")`, /only named functions can be called/],
  [`initial.constructor`, /property access/],
  [`initial.__proto__`, /property access/],
  [`initial["constructor"]`, /property access|indexing/],
  [`initial["__proto__"]["polluted"]`, /property access|indexing/],
  [`"".constructor`, /property access|quotes/],
  [`"".constructor.constructor("${PAYLOAD}")`, /only named functions can be called/],
  [`e.constructor`, /property access/],
  [`initial.toString()`, /property access|only named functions/],
  // Functions that change the mathjs instance or parse new text: not on the whitelist, and disabled anyway.
  ['import({pwned: 1}, {override: true})', /unknown function 'import'/],
  ['createUnit("pwn")', /unknown function 'createUnit'/],
  [`evaluate("${PAYLOAD}")`, /unknown function 'evaluate'/],
  ['parse("1 + 1")', /unknown function 'parse'/],
  ['compile("1")', /unknown function 'compile'/],
  ['simplify("initial")', /unknown function 'simplify'/],
  ['derivative("initial^2", "initial")', /unknown function 'derivative'/],
  ['resolve(initial)', /unknown function 'resolve'/],
  ['reviver("a", 1)', /unknown function 'reviver'/],
  ['config({number: "BigNumber"})', /unknown function 'config'/],
  ['chain(initial)', /unknown function 'chain'/],
  ['typed("f", {})', /unknown function 'typed'/],
  ['help(sqrt)', /unknown function 'help'/],
  ['typeOf(initial)', /unknown function 'typeOf'/],
  ['eval("1")', /unknown function 'eval'/],
  ['require("fs")', /unknown function 'require'/],
  [`Function("${PAYLOAD}")()`, /./],
  [`Function("${PAYLOAD}")`, /unknown function 'Function'/],
  // Names from JavaScript: not variables of the formula.
  ['process', /unknown variable 'process'/],
  ['globalThis', /unknown variable 'globalThis'/],
  ['this', /unknown variable 'this'/],
  ['constructor', /unknown variable 'constructor'/],
  ['__proto__', /unknown variable '__proto__'/],
  ['toString', /unknown variable 'toString'/],
  ['evaluate', /unknown variable 'evaluate'/],
  // Syntax beyond arithmetic.
  ['f(x) = x', /defining functions/],
  ['initial = 1', /assignment/],
  ['a = 1', /assignment/],
  ['{a: 1}', /objects/],
  ['[1, 2]', /matrices/],
  ['"some text"', /quotes/],
  ["'some text'", /quotes/],
  ['5 cm', /unknown variable 'cm'/],
  ['initial * 5 kg to g', /unknown variable|operator/],
  ['1:10', /ranges/],
  ["initial'", /operator/],
  ['200!', /factorial/],
  ['initial!', /factorial/],
  ['initial; growth', /only one expression/],
  ['initial\ngrowth', /only one expression/],
  ['initial[1]', /indexing|property access/],
  ['1 < initial < 3', /chained comparisons/],
  ['initial | 1', /operator/],
  ['initial ?? 1', /operator|syntax/],
  ['5%', /percent/],
  ['true', /'true' is not allowed/],
  ['null', /not allowed/],
  ['undefined', /'undefined' is not allowed/],
  ['NaN', /NaN is not allowed/],
  ['Infinity', /Infinity is not allowed/],
  ['sqrt', /is a function/],
  ['initial +', /syntax error/],
  ['initial\u0000', /syntax error|unknown/],
  ['', /expected a formula, got an empty string/],
  ['# only a comment', /empty/],
  // Enormous numbers, at load time wherever they are constant.
  ['1e400', /Infinity is not allowed/],
  ['-1e400', /Infinity is not allowed/],
  ['9^9^9', /constant part '9 \^ 9 \^ 9' is Infinity/],
  ['initial * 9^9^9', /constant part '9 \^ 9 \^ 9' is Infinity/],
  ['initial * (1e308 * 10)', /is Infinity/],
  ['2^1024', /is Infinity/],
  ['initial * (1 / 0)', /constant part '1 \/ 0' is Infinity/],
  ['initial * (0 / 0)', /is NaN/],
  ['initial * log(0)', /is -Infinity/],
  ['initial * sqrt(-1)', /has no real value/],
  ['t > 1 ? initial : 1e308 * 1e308', /is Infinity/],
  ['initial * ' + '9'.repeat(400), /is Infinity|not allowed/],
  // Deep nesting and sheer size: rejected before the parser recurses.
  ['('.repeat(10_000) + 'initial' + ')'.repeat(10_000), /characters long; the limit is 500/],
  ['('.repeat(200) + 'initial' + ')'.repeat(200), /nested more than 50 levels deep/],
  ['sqrt('.repeat(60) + 'initial' + ')'.repeat(60), /nested more than 50 levels deep/],
  ['['.repeat(60) + ']'.repeat(60), /nested more than 50 levels deep/],
  ['-'.repeat(400) + 'initial', /nested more than 50 levels deep/],
  ['initial' + '^growth'.repeat(60), /nested more than 50 levels deep/],
  ['initial + '.repeat(100) + '1', /limit is 500/],
  ['initial * ' + '1'.repeat(1_000_000), /limit is 500/],
];

describe('hostile formulas in a scenario file', () => {
  it('the payload would set the global if it ran (so the check below means something)', () => {
    new Function(PAYLOAD)();
    expect(globals[PWNED]).toBe(1);
    delete globals[PWNED];
  });

  it.each(HOSTILE.map(([formula, reason]) => [formula.length > 60 ? `${formula.slice(0, 57)}... (${formula.length} chars)` : formula, formula, reason] as const))(
    '%j is a located error, and runs nothing',
    (_label, formula, reason) => {
      const started = performance.now();
      expectLocatedAtFormula(formula, PLACEMENTS.labDemand!, reason);
      expect(performance.now() - started).toBeLessThan(hostileLimitMs());
    },
  );

  it('locates a bracket too deep at that bracket', () => {
    const formula = '('.repeat(200) + 'initial' + ')'.repeat(200);
    const { problems, column } = problemsOf(formula, PLACEMENTS.labDemand!);
    // Single-quoted: the formula starts one column after the opening quote; the 50th bracket is the one too deep.
    expect(problems[0]!.column).toBe(column + 1 + MAX_EXPRESSION_DEPTH - 1);
  });

  const SAMPLE = [
    `cos.constructor("${PAYLOAD}")()`,
    `[].map.constructor("${PAYLOAD}")`,
    'import({pwned: 1}, {override: true})',
    `evaluate("${PAYLOAD}")`,
    'f(x) = x',
    't.__proto__',
    't["constructor"]',
    '{a: 1}',
    '"text"',
    '9^9^9',
    '1e400',
    '('.repeat(10_000) + 't' + ')'.repeat(10_000),
    '-'.repeat(400) + 't',
  ];
  for (const [name, placement] of Object.entries(PLACEMENTS)) {
    if (name === 'labDemand') continue;
    it(`rejects hostile formulas at ${placement.path} too, located`, () => {
      for (const formula of SAMPLE) expectLocatedAtFormula(formula, placement);
    });
  }

  it('leaves formulas working after all that: the mathjs instance is unchanged', () => {
    expect(compileExpression('sqrt(16) + max(1, t) + 7 % 3', ['t']).evaluate({ t: 2 })).toBe(7);
    expect(compileExpressionWithMathjs('sqrt(16) + max(1, t) + 7 % 3', ['t']).evaluate({ t: 2 })).toBe(7);
    // The unchanged base loads.
    const file = join(dir, 'base.yaml');
    writeFileSync(file, BASE);
    expect(loadScenario(file).spec.labs[0]!.demand.formula).toBe('initial * 4.5^min(t, 1) * growth^max(t - 1, 0)');
  });

  it('allows a conditional, on purpose: a ? b : c evaluates one branch', () => {
    const { text } = PLACEMENTS.labDemand!.write("'t < 1 ? initial : initial * growth^(t - 1)'");
    const file = join(dir, 'conditional.yaml');
    writeFileSync(file, text);
    expect(loadScenario(file).spec.labs[0]!.demand.formula).toBe('t < 1 ? initial : initial * growth^(t - 1)');
  });
});

describe('the formula whitelist', () => {
  it('never lets a disabled mathjs function be called, named, or reached as a property', () => {
    expect(DISABLED_FUNCTIONS).toEqual(expect.arrayContaining(['import', 'createUnit', 'evaluate', 'parse', 'compile', 'simplify', 'derivative', 'resolve', 'reviver', 'config', 'chain']));
    for (const name of [...DISABLED_FUNCTIONS, 'typed']) {
      expect(EXPRESSION_FUNCTIONS).not.toContain(name);
      for (const source of [`${name}("1")`, `${name}(t)`, name, `t.${name}`, `sqrt.${name}`, `t["${name}"]`]) {
        expect(() => compileExpression(source, ['t']), source).toThrow(ExpressionError);
      }
    }
  });

  it('rejects 10,000 nested brackets and a megabyte formula quickly, without parsing them', () => {
    for (const source of ['('.repeat(10_000) + 't' + ')'.repeat(10_000), 't+'.repeat(500_000) + 't', '['.repeat(100_000)]) {
      const started = performance.now();
      expect(() => compileExpression(source, ['t'])).toThrow(/limit is 500/);
      expect(performance.now() - started).toBeLessThan(refusalLimitMs());
    }
  });

  it('rejects the deepest bracket nesting within the length limit before the parser recurses', () => {
    const brackets = Math.floor((MAX_EXPRESSION_LENGTH - 1) / 2);
    for (const [open, close] of [['(', ')'], ['[', ']'], ['{', '}'], ['sqrt(', ')']] as const) {
      const source = open.repeat(brackets).slice(0, MAX_EXPRESSION_LENGTH - 1 - close.length) + 't';
      expect(() => compileExpression(source, ['t']), source.slice(0, 20)).toThrow(/nested more than 50 levels deep/);
    }
    // Brackets inside quotes and comments are not counted: those formulas fail for what they are.
    expect(() => compileExpression(`"${'('.repeat(100)}"`, ['t'])).toThrow(/quotes/);
    expect(() => compileExpression(`t # ${'('.repeat(100)}`, ['t'])).not.toThrow();
  });

  it('computes constant parts at load time and keeps the finite ones', () => {
    expect(compileExpression('t * 2^10 + 1e-400', ['t']).evaluate({ t: 1 })).toBe(1024);
    expect(compileExpression('t * 1e308', ['t']).evaluate({ t: 1 })).toBe(1e308);
    // A variable part that overflows can only fail at run time, where evaluate names the formula and the values.
    const overflow = compileExpression('t * 1e308', ['t']);
    expect(() => overflow.evaluate({ t: 10 })).toThrow(/formula "t \* 1e308" gave Infinity for t = 10/);
  });
});
