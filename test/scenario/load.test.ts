import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario, resolveSetPath } from '../../src/scenario/load.js';
import { MAX_PRINTED_PROBLEMS, ScenarioError, formatPath, formatProblem } from '../../src/scenario/problems.js';
import { MAX_SCENARIO_FILE_BYTES } from '../../src/scenario/read.js';
import { locate, parseSource } from '../../src/scenario/source.js';
import { SCENARIO, childSchema, objectKeys } from '../../src/scenario/schema-walk.js';

// A valid scenario; tests change single lines, so the line numbers in expected messages refer to this listing.
const BASE = [
  /*  1 */ 'name: tiny',
  /*  2 */ 'start: 2025-01-01',
  /*  3 */ 'end: 2026-12-31',
  /*  4 */ 'chips:',
  /*  5 */ '  - { id: h100, release: 2022-10-01, perfH100e: 1, powerKw: 1.4, unitCostUsd: 30000, lifeYears: 5 }',
  /*  6 */ 'suppliers:',
  /*  7 */ '  - id: nvidia',
  /*  8 */ '    products: [{ chip: h100 }]',
  /*  9 */ '    capacityUnitsPerMonth: 100000 * 1.2^t',
  /* 10 */ '    leadTimeDays: { triangular: { min: 60, mode: 90, max: 180 } }',
  /* 11 */ 'providers:',
  /* 12 */ '  - id: azure',
  /* 13 */ '    fleet: { h100: 100000 }',
  /* 14 */ '    powerMw: 200',
  /* 15 */ '    powerBuildMwPerYear: 100',
  /* 16 */ '    powerLeadTimeDays: 540',
  /* 17 */ '    capexUsdPerYear: 1e10',
  /* 18 */ '    suppliers: [nvidia]',
  /* 19 */ '    pricing: { policy: costPlus, margin: 0.4 }',
  /* 20 */ '  - id: oracle',
  /* 21 */ '    fleet: {}',
  /* 22 */ '    powerMw: 50',
  /* 23 */ '    powerBuildMwPerYear: 50',
  /* 24 */ '    powerLeadTimeDays: 400',
  /* 25 */ '    capexUsdPerYear: 5e9',
  /* 26 */ '    suppliers: [nvidia]',
  /* 27 */ "    pricing: { policy: formula, expression: 'cost * (1 + utilization)' }",
  /* 28 */ 'labs:',
  /* 29 */ '  - id: openai',
  /* 30 */ '    demand: { initialH100e: 100000, growthPerYear: { lognormal: { median: 2.5, sigma: 0.3 } } }',
  /* 31 */ '    budgetUsdPerYear: 1e10',
  /* 32 */ '    procurement: { strategy: multi, providers: [azure, oracle] }',
];

/** BASE with lines replaced (1-based; null deletes the line, keeping the numbers of the lines above). */
function scenario(changes: Record<number, string | null> = {}, extra: string[] = []): string {
  const lines = BASE.flatMap((line, index) => {
    const change = changes[index + 1];
    return change === undefined ? [line] : change === null ? [] : [change];
  });
  return [...lines, ...extra].join('\n') + '\n';
}

const root = mkdtempSync(join(tmpdir(), 'computerace-load-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let cases = 0;

/** Writes files into a fresh directory and loads the first; returns the problems as printed, paths relative to that directory. */
function problems(files: Record<string, string>): string[] {
  const dir = join(root, `case-${++cases}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const main = join(dir, Object.keys(files)[0]!);
  try {
    loadScenario(main);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    expect(error.message).toBe(error.problems.map(formatProblem).join('\n'));
    return error.problems.map((problem) => formatProblem(problem).replaceAll(`${dir}/`, ''));
  }
  return [];
}

function load(files: Record<string, string>) {
  const dir = join(root, `case-${++cases}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return { dir, loaded: loadScenario(join(dir, Object.keys(files)[0]!)) };
}

describe('problems', () => {
  it('formats paths as people write them', () => {
    expect(formatPath([])).toBe('(root)');
    expect(formatPath(['providers', 2, 'pricing', 'margin'])).toBe('providers[2].pricing.margin');
    expect(formatPath(['timeline', 0, 'set', 'labs.openai.budgetUsdPerYear'])).toBe('timeline[0].set["labs.openai.budgetUsdPerYear"]');
    expect(formatPath(['providers', 0, 'fleet', 'h100-sxm'])).toBe('providers[0].fleet.h100-sxm');
  });

  it('formats a problem as file:line:col: path: message and lists all in the error message', () => {
    const problem = { file: 'a.yaml', line: 3, column: 5, path: 'providers[0]', message: 'bad' };
    expect(formatProblem(problem)).toBe('a.yaml:3:5: providers[0]: bad');
    const error = new ScenarioError([problem, { ...problem, line: 4 }]);
    expect(error.message).toBe('a.yaml:3:5: providers[0]: bad\na.yaml:4:5: providers[0]: bad');
    expect(error.problems).toHaveLength(2);
  });

  it('prints the first problems and counts the rest, keeping them all', () => {
    const many = Array.from({ length: 9050 }, (_, i) => ({ file: 'a.yaml', line: i + 1, column: 1, path: `k${i}`, message: 'bad' }));
    const lines = new ScenarioError(many).message.split('\n');
    expect(lines).toHaveLength(MAX_PRINTED_PROBLEMS + 1);
    expect(lines[MAX_PRINTED_PROBLEMS - 1]).toBe(`a.yaml:${MAX_PRINTED_PROBLEMS}:1: k${MAX_PRINTED_PROBLEMS - 1}: bad`);
    expect(lines[MAX_PRINTED_PROBLEMS]).toBe(`and ${(9050 - MAX_PRINTED_PROBLEMS).toLocaleString('en-US')} more problems`);
    expect(new ScenarioError(many).problems).toHaveLength(9050);
    expect(new ScenarioError(many.slice(0, MAX_PRINTED_PROBLEMS + 1)).message.split('\n').at(-1)).toBe('and 1 more problem');
  });
});

describe('YAML sources', () => {
  it('locates nodes, the deepest existing ancestor of a missing one, and keys', () => {
    const source = parseSource('x.yaml', 'a:\n  b: [1, { c: 2 }]\n  d:\n');
    const at = (path: (string | number)[], key = false) => locate(source.document, source.lineCounter, path, { key });
    expect(at(['a', 'b', 1, 'c'])).toEqual({ line: 2, column: 15 });
    expect(at(['a', 'b', 1, 'missing'])).toEqual({ line: 2, column: 10 });
    expect(at(['a', 'b'], true)).toEqual({ line: 2, column: 3 });
    expect(at(['a', 'd'])).toEqual({ line: 3, column: 3 });
    expect(at([])).toEqual({ line: 1, column: 1 });
  });

  it('keeps dates as strings (YAML 1.2 core schema) and reads JSON', () => {
    const { loaded } = load({ 'x.json': JSON.stringify(parseSource('x', scenario()).document.toJS()) });
    expect(loaded.spec.start).toBe('2025-01-01');
    expect(loaded.spec.chips[0]!.release).toBe('2022-10-01');
  });
});

describe('loadScenario', () => {
  it('says a path that is no text is the caller\'s mistake', () => {
    expect(() => loadScenario(null as never)).toThrow(new TypeError('loadScenario needs the path of a scenario file, got null (null)'));
    expect(() => loadScenario(5 as never)).toThrow('got 5 (number)');
  });

  it('gives a scenario that cannot be changed after loading: it is what its hash names, checked', () => {
    // An edited spec ran unchecked (perfH100e -1) under the file's hash, and --resume mixed its runs with the file's.
    const { loaded } = load({ 'ok.yaml': scenario() });
    expect(() => {
      (loaded.variants[0]!.spec.chips[0] as { perfH100e: number }).perfH100e = -1;
    }).toThrow(TypeError);
    expect(() => (loaded.resolved.chips as unknown[]).push({})).toThrow(TypeError);
    expect(loaded.variants[0]!.spec.chips[0]!.perfH100e).toBe(1);
  });

  it('loads a valid scenario with defaults filled in and can say where each value was written', () => {
    const { dir, loaded } = load({ 'ok.yaml': scenario() });
    expect(loaded.spec.name).toBe('tiny');
    expect(loaded.spec.contracts).toEqual([]);
    expect(loaded.spec.labs[0]!.procurement.maxShare).toBe(1);
    expect(loaded.files).toEqual([join(dir, 'ok.yaml')]);
    expect(loaded.locate(['providers', 1, 'pricing', 'expression'])).toEqual({ file: join(dir, 'ok.yaml'), line: 27, column: 45 });
    // A default value was written nowhere: its deepest written ancestor stands in.
    expect(loaded.locate(['providers', 0, 'targetUtilization'])).toEqual({ file: join(dir, 'ok.yaml'), line: 12, column: 5 });
  });

  it('reports an unknown key at the key, with a suggestion, and not the missing field it misspells', () => {
    expect(problems({ 's.yaml': scenario({ 14: '    powerMW: 200' }) })).toEqual([
      "s.yaml:14:5: providers[0].powerMW: 'powerMW' is not a field of providers[0]; did you mean 'powerMw'?",
    ]);
  });

  it('locates a key that is null or a list where it is written', () => {
    const PROVIDER_FIELDS = objectKeys(childSchema(childSchema(SCENARIO, 'providers')!, 0)!).join(', ');
    // Each was located at the map holding it (providers[0], line 12), as the data and the document named it differently.
    expect(problems({ 's.yaml': scenario({ 18: '    suppliers: [nvidia]\n    ? null\n    ? [a, b]\n    : 3' }) })).toEqual([
      `s.yaml:19:7: providers[0][""]: '' is not a field of providers[0] (fields: ${PROVIDER_FIELDS})`,
      `s.yaml:20:7: providers[0]["[ a, b ]"]: '[ a, b ]' is not a field of providers[0] (fields: ${PROVIDER_FIELDS})`,
    ]);
  });

  it('lists the fields when an unknown key resembles none', () => {
    expect(problems({ 's.yaml': scenario({ 8: '    products: [{ chip: h100, colour: green }]' }) })).toEqual([
      "s.yaml:8:30: suppliers[0].products[0].colour: 'colour' is not a field of suppliers[0].products[0] (fields: chip, from, until)",
    ]);
  });

  it('reports an impossible date', () => {
    expect(problems({ 's.yaml': scenario({ 2: 'start: 2025-02-30' }) })).toEqual([
      "s.yaml:2:8: start: expected a real date as YYYY-MM-DD, got '2025-02-30'",
    ]);
  });

  it('reports values out of range', () => {
    expect(
      problems({
        's.yaml': scenario({ 5: '  - { id: h100, release: 2022-10-01, perfH100e: 1, powerKw: 1.4, unitCostUsd: 30000, lifeYears: -5 }', 15: '    powerBuildMwPerYear: -100', 32: '    procurement: { strategy: multi, providers: [azure, oracle], maxShare: 1.5 }' }),
      }),
    ).toEqual([
      // A wrong sign is the one problem of its value, not also the field's lower limit (0.1 years).
      's.yaml:5:97: chips[0].lifeYears: expected a number > 0, got -5',
      's.yaml:15:26: providers[0].powerBuildMwPerYear: expected a number >= 0, got -100',
      's.yaml:32:75: labs[0].procurement.maxShare: expected a share in [0, 1], got 1.5',
    ]);
  });

  it('reports bad distributions: a bad parameter, parameters out of order, an unknown kind', () => {
    expect(
      problems({
        's.yaml': scenario({
          10: '    leadTimeDays: { triangular: { min: 60, mode: 200, max: 180 } }',
          16: '    powerLeadTimeDays: { lognormal: { median: 540, sigma: 0 } }',
          24: '    powerLeadTimeDays: { gamma: { k: 2 } }',
        }),
      }),
    ).toEqual([
      's.yaml:10:33: suppliers[0].leadTimeDays.triangular: triangular needs min <= mode <= max and min < max',
      's.yaml:16:59: providers[0].powerLeadTimeDays.lognormal.sigma: expected a number > 0, got 0',
      "s.yaml:24:26: providers[1].powerLeadTimeDays.gamma: unknown distribution 'gamma'; expected one of: lognormal, normal, uniform, triangular, pert",
    ]);
  });

  it("refuses a distribution that can draw, or is centred, below what its field can be", () => {
    // Each ran, a draw below 0 taken as 0 (a growth factor of 0 is a lab without demand).
    expect(
      problems({
        's.yaml': scenario({
          10: '    leadTimeDays: { uniform: { min: -10, max: 90 } }',
          19: '    pricing: { policy: costPlus, margin: { triangular: { min: -0.1, mode: 0.2, max: 0.4 } } }',
          30: '    demand: { initialH100e: 100000, growthPerYear: { normal: { mean: 0, sd: 0.3 } } }',
        }),
      }),
    ).toEqual([
      's.yaml:10:37: suppliers[0].leadTimeDays.uniform.min: expected a number > 0, got -10',
      's.yaml:19:63: providers[0].pricing.margin.triangular.min: expected a number >= 0, got -0.1',
      's.yaml:30:70: labs[0].demand.growthPerYear.normal.mean: expected a number > 0, got 0',
    ]);
  });

  it('reports wrong types in words', () => {
    expect(problems({ 's.yaml': scenario({ 14: '    powerMw: lots', 17: '    capexUsdPerYear: [1, 2]', 18: '    suppliers: nvidia' }) })).toEqual([
      "s.yaml:14:14: providers[0].powerMw: expected a number, got 'lots'",
      's.yaml:17:22: providers[0].capexUsdPerYear: expected a number, a distribution such as { lognormal: { median, sigma } } or a formula, got a list',
      "s.yaml:18:16: providers[0].suppliers: expected a list, got 'nvidia'",
    ]);
  });

  it('reports a list of actors that is not a list once, not again at every reference to its actors', () => {
    // The chips' map also gave "unknown chip 'h100'; no chips are defined" at the supplier's product and the provider's fleet.
    expect(problems({ 's.yaml': scenario({ 4: 'chips: { h100: 1 }', 5: null, 18: '    suppliers: nvidia' }) })).toEqual([
      's.yaml:4:8: chips: expected a list, got a map',
      "s.yaml:17:16: providers[0].suppliers: expected a list, got 'nvidia'",
    ]);
  });

  it("names what YAML's tags make, not 'a map'", () => {
    expect(problems({ 's.yaml': scenario({ 1: 'name: !!binary aGVsbG8=', 13: '    fleet: !!set { h100 }', 14: '    powerMw: !!timestamp 2025-01-01' }) })).toEqual([
      's.yaml:1:16: name: expected a string, got binary data',
      's.yaml:13:18: providers[0].fleet: expected a map, got a set',
      's.yaml:14:26: providers[0].powerMw: expected a number, got a timestamp',
    ]);
  });

  it('reports a missing field that chooses among forms as missing, with every form', () => {
    // It said "unknown policy nothing; expected one of: costPlus", the choice of one form.
    expect(problems({ 's.yaml': scenario({ 19: '    pricing: { margin: 0.4 }' }) })).toEqual([
      "s.yaml:19:14: providers[0].pricing.policy: missing required field 'policy'; expected one of: costPlus, utilization, competitive, formula, custom:NAME",
    ]);
  });

  it("reports a lab's providers or the labs that are not a list once, not again at the incumbent or at a timeline path", () => {
    // They added "incumbent 'azure' is not one of this lab's providers: " (an empty list) and "unknown lab 'openai'; expected one of: ".
    expect(problems({ 's.yaml': scenario({ 32: '    procurement: { strategy: rightOfFirstRefusal, providers: azure, incumbent: azure }' }) })).toEqual([
      "s.yaml:32:62: labs[0].procurement.providers: expected a list, got 'azure'",
    ]);
    const timeline = ['timeline:', '  - { date: 2025-06-01, set: { labs.openai.budgetUsdPerYear: 2e10 } }'];
    expect(problems({ 's.yaml': scenario({ 28: 'labs: 5', 29: null, 30: null, 31: null, 32: null }, timeline) })).toEqual(['s.yaml:28:7: labs: expected a list, got 5']);
  });

  it("reports a timeline change's problem beside another problem of the file, and an actor's own problem once, where it is written", () => {
    // The value of the first entry was checked only once the second entry's typo was fixed.
    const timeline = [
      'timeline:',
      '  - { date: 2025-06-01, set: { labs.openai.procurement.maxShare: 50% } }',
      '  - { date: 2025-07-01, sets: { labs.openai.budgetUsdPerYear: 2e10 } }',
      '  - { date: 2025-08-01, set: { providers.azure.targetUtilization: 0.9 } }',
    ];
    expect(problems({ 's.yaml': scenario({ 14: '    powerMw: -200' }, timeline) })).toEqual([
      's.yaml:14:14: providers[0].powerMw: expected a number >= 0, got -200',
      "s.yaml:34:66: timeline[0].set[\"labs.openai.procurement.maxShare\"]: expected a number, got '50%'",
      "s.yaml:35:25: timeline[1].sets: 'sets' is not a field of timeline[1]; did you mean 'set'?",
    ]);
  });

  it('reports unknown choices with the valid ones', () => {
    expect(problems({ 's.yaml': scenario({ 19: '    pricing: { policy: costplus, margin: 0.4 }', 32: '    procurement: { strategy: multy, providers: [azure] }' }) })).toEqual([
      "s.yaml:19:24: providers[0].pricing.policy: unknown policy 'costplus'; expected one of: costPlus, utilization, competitive, formula, custom:NAME; did you mean 'costPlus'?",
      "s.yaml:32:30: labs[0].procurement.strategy: unknown strategy 'multy'; expected one of: exclusive, rightOfFirstRefusal, multi, custom:NAME; did you mean 'multi'?",
    ]);
  });

  it('reports shocks that name none or several of the fields of which exactly one is expected', () => {
    const extra = [
      'outputs: { timeseries: [lab] }',
      'shocks:',
      '  - { id: a, target: {}, arrival: { ratePerYear: 0.2 }, magnitude: 0.3, durationDays: 30 }',
      '  - { id: b, target: { lab: openai }, arrival: { ratePerYear: 0.2, date: 2025-06-01 }, magnitude: 0.3, durationDays: 30 }',
    ];
    expect(problems({ 's.yaml': scenario({ 32: '    procurement: { strategy: 3, providers: [azure] }' }, extra) })).toEqual([
      's.yaml:32:30: labs[0].procurement.strategy: expected one of: exclusive, rightOfFirstRefusal, multi, custom:NAME, got 3',
      "s.yaml:33:25: outputs.timeseries[0]: unknown timeseries 'lab'; expected one of: labs, providers, suppliers, market; did you mean 'labs'?",
      's.yaml:35:22: shocks[0].target: expected exactly one of the fields: supplier, provider, lab',
      's.yaml:36:48: shocks[1].arrival: expected exactly one of the fields: ratePerYear, date',
    ]);
  });

  it('reports a missing required field at the map that lacks it, also inside a union branch', () => {
    expect(problems({ 's.yaml': scenario({ 14: null, 19: '    pricing: { policy: costPlus }' }) })).toEqual([
      "s.yaml:12:5: providers[0].powerMw: missing required field 'powerMw'",
      "s.yaml:18:14: providers[0].pricing.margin: missing required field 'margin'",
    ]);
  });

  it('counts columns of line 1 as editors do, after a byte-order mark', () => {
    const source = parseSource('x.yaml', '\uFEFFa: [1, { c: 2 }]\n');
    expect(locate(source.document, source.lineCounter, ['a', 1, 'c'], {})).toEqual({ line: 1, column: 13 });
    expect(locate(source.document, source.lineCounter, ['a'], { key: true })).toEqual({ line: 1, column: 1 });
  });

  it('locates a field missing from a map written as a block at the map\'s key, not at another field', () => {
    // It pointed at the map's first key (growthPerYear), which is not where anything is missing.
    expect(problems({ 's.yaml': scenario({ 30: '    demand:\n      growthPerYear: 2.5' }) })).toEqual([
      "s.yaml:30:5: labs[0].demand.initialH100e: missing required field 'initialH100e'",
    ]);
    // A map written { ... } starts at its brace, where the field is missing.
    expect(problems({ 's.yaml': scenario({ 30: '    demand: { growthPerYear: 2.5 }' }) })).toEqual([
      "s.yaml:30:13: labs[0].demand.initialH100e: missing required field 'initialH100e'",
    ]);
  });

  it('reports a duplicate YAML key', () => {
    expect(problems({ 's.yaml': scenario({ 3: 'end: 2026-12-31\nstart: 2025-06-01' }) })).toEqual([
      "s.yaml:4:1: start: duplicate key 'start'; each key may appear once in a map",
    ]);
  });

  it('reports tabs used for indentation', () => {
    expect(problems({ 's.yaml': scenario({ 14: '\tpowerMw: 200' }) })).toEqual([
      's.yaml:14:1: (root): tabs are not allowed as indentation; indent with spaces',
    ]);
    // The parser's recovery moves the next provider's keys beside azure's: no duplicate the file wrote, so not said.
    expect(problems({ 's.yaml': scenario({ 13: '\tfleet: { h100: 100000 }' }) })).toEqual([
      's.yaml:13:1: (root): tabs are not allowed as indentation; indent with spaces',
    ]);
    // A duplicate before the tab is the file's own, and is said beside it.
    expect(problems({ 's.yaml': scenario({ 3: 'end: 2026-12-31\nstart: 2025-06-01', 13: '\tfleet: { h100: 100000 }' }) })).toEqual([
      "s.yaml:4:1: start: duplicate key 'start'; each key may appear once in a map",
      's.yaml:14:1: (root): tabs are not allowed as indentation; indent with spaces',
    ]);
  });

  it('says what most likely causes a YAML syntax error, at a path the file wrote, never a key the parser made up', () => {
    // A list item out of line made the whole list a key: its "path" was the list printed as YAML, 434 characters.
    expect(problems({ 's.yaml': scenario({ 20: '- id: oracle' }) })).toEqual([
      "s.yaml:20:1: (root): YAML: a block sequence may not be used as an implicit map key: check this line's indentation against the lines above it (a list item indented as its neighbours are, a key under its map), and quote a value that holds \": \"",
    ]);
    expect(problems({ 's.yaml': scenario({ 14: '    powerMw:200' }) })).toEqual([
      's.yaml:14:5: providers[0]: YAML: implicit keys need to be on a single line: write a key and its value as `key: value`, with a space after the colon (`powerMw: 120`)',
    ]);
  });

  it('names a tab as the cause of the syntax errors it leads to', () => {
    expect(problems({ 's.yaml': scenario({ 18: '    suppliers: [', 19: '\tnvidia]' }) })).toEqual([
      's.yaml:19:1: providers[0].suppliers: tabs are not allowed as indentation; indent with spaces',
    ]);
  });

  it('reports a YAML syntax error', () => {
    expect(problems({ 's.yaml': scenario({ 18: '    suppliers: [nvidia' }) })).toEqual([
      's.yaml:19:5: providers[0].pricing: YAML: flow sequence in block collection must be sufficiently indented and end with a ]: a `{` or `[` before it may not be closed',
    ]);
  });

  it('reports an unknown reference naming the valid ids', () => {
    expect(
      problems({
        's.yaml': scenario({ 8: '    products: [{ chip: h200 }]', 13: '    fleet: { h100: 100000, b200: 10 }', 32: '    procurement: { strategy: multi, providers: [azuer, oracle] }' }),
      }),
    ).toEqual([
      "s.yaml:8:24: suppliers[0].products[0].chip: unknown chip 'h200'; expected one of: h100",
      "s.yaml:13:28: providers[0].fleet.b200: unknown chip 'b200'; expected one of: h100",
      "s.yaml:32:49: labs[0].procurement.providers[0]: unknown provider 'azuer'; expected one of: azure, oracle",
    ]);
  });

  it('reports a duplicate id at the second one', () => {
    expect(problems({ 's.yaml': scenario({ 20: '  - id: azure' }) })).toEqual([
      "s.yaml:20:9: providers[1].id: duplicate provider id 'azure'; providers[0] has it already",
      // Renaming oracle leaves the lab's reference to it dangling.
      "s.yaml:32:56: labs[0].procurement.providers[1]: unknown provider 'oracle'; expected one of: azure",
    ]);
  });

  it('checks what the schema cannot: dates in order, incumbents, contracts, shocks', () => {
    const extra = [
      'contracts:',
      '  - { lab: openai, provider: coreweave, volumeH100e: 5, priceUsdPerGpuHour: 2, start: 2025-06-01, end: 2025-01-01 }',
      'shocks:',
      '  - { id: cowos, target: { supplier: tsmc }, arrival: { date: 2027-03-01 }, magnitude: 0.3, durationDays: 30 }',
    ];
    expect(problems({ 's.yaml': scenario({ 3: 'end: 2024-12-31', 32: '    procurement: { strategy: exclusive, providers: [azure] }' }, extra) })).toEqual([
      's.yaml:3:6: end: end (2024-12-31) must be after start (2025-01-01)',
      "s.yaml:32:30: labs[0].procurement.strategy: strategy 'exclusive' needs an incumbent: set procurement.incumbent to one of this lab's providers (azure)",
      "s.yaml:34:30: contracts[0].provider: unknown provider 'coreweave'; expected one of: azure, oracle",
      's.yaml:34:104: contracts[0].end: end (2025-01-01) must be after start (2025-06-01)',
      "s.yaml:36:38: shocks[0].target.supplier: unknown supplier 'tsmc'; expected one of: nvidia",
    ]);
  });

  it('compares dates with a horizon in order, and says a reversed horizon once, not again at every date', () => {
    const extra = [
      'shocks:',
      '  - { id: cowos, target: { supplier: nvidia }, arrival: { date: 2027-03-01 }, magnitude: 0.3, durationDays: 30 }',
    ];
    expect(problems({ 's.yaml': scenario({}, extra) })).toEqual([
      "s.yaml:34:65: shocks[0].arrival.date: 2027-03-01 is after the scenario's end (2026-12-31)",
    ]);
    // Which of start and end is wrong is not known, so no date is held against them.
    expect(problems({ 's.yaml': scenario({ 3: 'end: 2024-12-31' }, extra) })).toEqual(['s.yaml:3:6: end: end (2024-12-31) must be after start (2025-01-01)']);
  });

  it('reports an incumbent that is not among the lab\'s providers', () => {
    expect(problems({ 's.yaml': scenario({ 32: '    procurement: { strategy: rightOfFirstRefusal, providers: [azure], incumbent: oracle }' }) })).toEqual([
      "s.yaml:32:82: labs[0].procurement.incumbent: incumbent 'oracle' is not one of this lab's providers: azure",
    ]);
  });

  it('refuses a formula of time alone that leaves its range within the horizon, where it is written: every run would stop there', () => {
    // It validated 'ok', and then every run failed at its first month past the day.
    expect(problems({ 's.yaml': scenario({ 9: "    capacityUnitsPerMonth: '100000 - 60000 * t'" }) })).toEqual([
      's.yaml:9:28: suppliers[0].capacityUnitsPerMonth: formula "100000 - 60000 * t" gives -41.07 on 2026-09-02 (t = 1.67), below 0: every run would stop there; bound it, as max(0, ...)',
    ]);
    expect(problems({ 's.yaml': scenario({ 9: "    capacityUnitsPerMonth: '1e8 * 20^t'" }) })[0]).toMatch(/^s\.yaml:9:28: suppliers\[0\]\.capacityUnitsPerMonth: formula "1e8 \* 20\^t" gives 1,00\d,\d{3},\d{3} on 2025-\d\d-\d\d \(t = 0\.\d\d\), above the limit \(at most /);
    // Bounded, or past the end, or reading the market's state (which only a run knows): nothing to say at load.
    expect(problems({ 's.yaml': scenario({ 9: "    capacityUnitsPerMonth: 'max(0, 100000 - 60000 * t)'" }) })).toEqual([]);
    expect(problems({ 's.yaml': scenario({ 9: "    capacityUnitsPerMonth: '100000 - 40000 * t'" }) })).toEqual([]);
    expect(problems({ 's.yaml': scenario({ 15: "    powerBuildMwPerYear: '100 - backlog'" }) })).toEqual([]);
  });

  it('locates a formula error at its line and column, in plain and quoted scalars', () => {
    expect(
      problems({
        's.yaml': scenario({ 9: '    capacityUnitsPerMonth: 100000 * 1.2^x', 27: "    pricing: { policy: formula, expression: 'cost * (1 + utilisation)' }" }),
      }),
    ).toEqual([
      "s.yaml:9:41: suppliers[0].capacityUnitsPerMonth: unknown variable 'x'; this formula may use: t, year",
      "s.yaml:27:58: providers[1].pricing.expression: unknown variable 'utilisation'; this formula may use: cost, utilization, bidders, spot, t, year; did you mean 'utilization'?",
    ]);
  });

  it('checks demand and internal-demand formulas with their own variables', () => {
    expect(
      problems({
        's.yaml': scenario({
          17: '    capexUsdPerYear: 1e10\n    internalDemandH100e: 1000 * growth^t',
          30: "    demand: { initialH100e: 100000, growthPerYear: 2, formula: 'initial * growth^t + cost' }",
        }),
      }),
    ).toEqual([
      "s.yaml:18:33: providers[0].internalDemandH100e: unknown variable 'growth'; this formula may use: t, year",
      "s.yaml:31:86: labs[0].demand.formula: unknown variable 'cost'; this formula may use: t, year, initial, growth",
    ]);
  });

  it('checks timeline dates, set paths and the values they set', () => {
    const timeline = [
      'timeline:',
      '  - date: 2026-01-01',
      '    set:',
      '      labs.openai.procurement.strategy: rofr',
      '      labs.opnai.budgetUsdPerYear: 3',
      '      lab.openai.budgetUsdPerYear: 3',
      '      labs.openai.budget: 3',
      '      providers.azure.pricing.margin: -1',
      '      providers.oracle.pricing: { policy: formula, expression: 5 * q }',
      '  - date: 2027-06-01',
      '    set: { labs.openai.budgetUsdPerYear: 2e10 }',
    ];
    expect(problems({ 's.yaml': scenario({}, timeline) })).toEqual([
      "s.yaml:36:41: timeline[0].set[\"labs.openai.procurement.strategy\"]: unknown strategy 'rofr'; expected one of: exclusive, rightOfFirstRefusal, multi, custom:NAME",
      "s.yaml:37:7: timeline[0].set[\"labs.opnai.budgetUsdPerYear\"]: unknown lab 'opnai'; expected one of: openai",
      "s.yaml:38:7: timeline[0].set[\"lab.openai.budgetUsdPerYear\"]: unknown actor kind 'lab' in 'lab.openai.budgetUsdPerYear'; expected one of: chips, suppliers, providers, labs, shocks; did you mean 'labs'?",
      "s.yaml:39:7: timeline[0].set[\"labs.openai.budget\"]: 'budget' is not a field of labs.openai (fields: id, name, demand, budgetUsdPerYear, revenueUsdPerYear, willingnessToPayUsdPerGpuHour, procurement)",
      's.yaml:40:39: timeline[0].set["providers.azure.pricing.margin"]: expected a number >= 0, got -1',
      "s.yaml:41:33: timeline[0].set[\"providers.oracle.pricing\"]: providers.oracle.pricing.expression: unknown variable 'q'; this formula may use: cost, utilization, bidders, spot, t, year",
      "s.yaml:42:11: timeline[1].date: 2027-06-01 is after the scenario's end (2026-12-31)",
    ]);
  });

  it('applies timeline changes in date order, so a later change may rely on an earlier one', () => {
    const timeline = [
      'timeline:',
      '  - date: 2026-06-01',
      '    set: { providers.azure.pricing.scarcityMarkup: 2 }',
      '  - date: 2026-01-01',
      '    set: { providers.azure.pricing: { policy: utilization, margin: 0.3, scarcityMarkup: 1 } }',
    ];
    expect(problems({ 's.yaml': scenario({}, timeline) })).toEqual([]);
  });

  it('resolves set paths written with actor ids', () => {
    const data = parseSource('x', scenario()).document.toJS();
    expect(resolveSetPath(data, 'labs.openai.procurement.strategy')).toEqual({ path: ['labs', 0, 'procurement', 'strategy'] });
    expect(resolveSetPath(data, 'providers.oracle.fleet.h100')).toEqual({
      error:
        "'providers.oracle.fleet.h100' cannot change during a run; the timeline can change providers.oracle.{pricing, pricing.*, targetUtilization, capexUsdPerYear, capexUsdPerMw, opexUsdPerGpuHour, powerBuildMwPerYear, powerLeadTimeDays, powerBuild, leasesOut}",
    });
    expect(resolveSetPath(data, 'providers.oracle.pricing.expression')).toEqual({ path: ['providers', 1, 'pricing', 'expression'] });
    expect(resolveSetPath(data, 'labs.openai.id')).toEqual({ error: "an actor's id cannot change" });
    expect(resolveSetPath(data, 'labs.openai.budgetUsdPerYear.x')).toEqual({ error: 'labs.openai.budgetUsdPerYear has no fields' });
  });

  it('reports every problem of a file at once, in file order', () => {
    const found = problems({
      's.yaml': scenario({ 2: 'start: 2025-02-30', 14: '    powerMw: lots', 20: '  - id: azure', 32: '    procurement: { strategy: multi, providers: [azuer] }' }),
    });
    expect(found.map((line) => line.split(':').slice(0, 3).join(':'))).toEqual(['s.yaml:2:8', 's.yaml:14:14', 's.yaml:20:9', 's.yaml:32:49']);
  });

  it('reports a missing file, a directory, an empty file and a file that is not a map', () => {
    const dir = join(root, `case-${++cases}`);
    mkdirSync(dir);
    const attempt = (name: string): string[] => {
      try {
        loadScenario(join(dir, name));
        return [];
      } catch (error) {
        return (error as ScenarioError).problems.map((problem) => formatProblem(problem).replaceAll(`${dir}/`, ''));
      }
    };
    expect(attempt('nope.yaml')).toEqual(['nope.yaml:1:1: (root): no such file']);
    mkdirSync(join(dir, 'folder.yaml'));
    expect(attempt('folder.yaml')).toEqual(['folder.yaml:1:1: (root): is a directory, not a scenario file']);
    writeFileSync(join(dir, 'empty.yaml'), '# nothing yet\n');
    expect(attempt('empty.yaml')).toEqual(['empty.yaml:1:1: (root): the file is empty; a scenario is a map of fields (name, start, end, chips, suppliers, providers, labs, ...)']);
    writeFileSync(join(dir, 'list.yaml'), '- a\n- b\n');
    expect(attempt('list.yaml')).toEqual(['list.yaml:1:1: (root): a scenario is a map of fields (name, start, end, chips, ...), not a list']);
    // What a file holds is named, not quoted.
    writeFileSync(join(dir, 'text.yaml'), 'password hunter2\n');
    expect(attempt('text.yaml')).toEqual(['text.yaml:1:1: (root): a scenario is a map of fields (name, start, end, chips, ...), not a string']);
    // Bytes that are not UTF-8 are refused, not read as U+FFFD: a name or value would change without a word.
    writeFileSync(join(dir, 'latin1.yaml'), Buffer.from('name: caf\xe9\n', 'latin1'));
    expect(attempt('latin1.yaml')).toEqual(['latin1.yaml:1:1: (root): is not UTF-8 text (a scenario file is UTF-8)']);
    writeFileSync(join(dir, 'utf16.yaml'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('name: x\n', 'utf16le')]));
    expect(attempt('utf16.yaml')).toEqual(['utf16.yaml:1:1: (root): is not UTF-8 text (it is UTF-16: save it as UTF-8)']);
  });

  it('reads only a regular file, so a FIFO or a device neither blocks nor fills memory', () => {
    // Was: /dev/zero grew `validate` to 16 GB; /dev/urandom and a FIFO hung it.
    const dir = join(root, `case-${++cases}`);
    mkdirSync(dir);
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    const attempt = (file: string): string[] => {
      try {
        loadScenario(file);
        return [];
      } catch (error) {
        return (error as ScenarioError).problems.map((problem) => formatProblem(problem).replaceAll(`${dir}/`, ''));
      }
    };
    expect(attempt(join(dir, 'pipe.yaml'))).toEqual(['pipe.yaml:1:1: (root): is a FIFO (named pipe), not a regular file']);
    expect(attempt('/dev/zero')).toEqual(['/dev/zero:1:1: (root): is a character device, not a regular file']);
    expect(attempt('/dev/urandom')).toEqual(['/dev/urandom:1:1: (root): is a character device, not a regular file']);
  });

  it(`refuses a file larger than ${MAX_SCENARIO_FILE_BYTES / (1024 * 1024)} MB without reading it`, () => {
    const dir = join(root, `case-${++cases}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'huge.yaml'), 'name: x\n');
    // Sparse: the size is what is checked, before any byte is read.
    truncateSync(join(dir, 'huge.yaml'), MAX_SCENARIO_FILE_BYTES + 1);
    try {
      loadScenario(join(dir, 'huge.yaml'));
      expect.unreachable();
    } catch (error) {
      expect((error as ScenarioError).message).toBe(`${dir}/huge.yaml:1:1: (root): is larger than 10 MB, the most a scenario file may hold`);
    }
  });
});

describe('extends', () => {
  const child = [
    'extends: base.yaml',
    'name: child',
    'description: null',
    'providers:',
    '  - id: oracle',
    '    powerMw: 999',
    '    suppliers: [nvidia, amd]',
    '  - id: coreweave',
    '    fleet: { h100: 5000 }',
    '    powerMw: 10',
    '    powerBuildMwPerYear: 10',
    '    powerLeadTimeDays: 300',
    '    capexUsdPerYear: 1e9',
    '    suppliers: [nvidia]',
    '    pricing: { policy: costPlus, margin: 0.2 }',
    'suppliers:',
    '  - id: amd',
    '    products: [{ chip: h100 }]',
    '    capacityUnitsPerMonth: 1000',
    '    leadTimeDays: 120',
    'labs:',
    '  - id: openai',
    '    procurement: { maxShare: 0.5 }',
    'outputs: { timeseries: [labs] }',
  ].join('\n');
  const base = scenario({ 1: 'name: tiny\ndescription: the base', 32: '    procurement: { strategy: multi, providers: [azure, oracle] }' }, ['outputs: { timeseries: [labs, market] }']);

  it('merges maps deeply, actors by id, replaces other lists, and removes fields set to null', () => {
    const { dir, loaded } = load({ 'child.yaml': child, 'base.yaml': base });
    const { spec } = loaded;
    expect(spec.name).toBe('child');
    expect(spec.description).toBeUndefined();
    expect(spec.extends).toBeUndefined();
    expect(spec.providers.map((p) => p.id)).toEqual(['azure', 'oracle', 'coreweave']);
    expect(spec.providers[1]).toMatchObject({ powerMw: 999, powerBuildMwPerYear: 50, suppliers: ['nvidia', 'amd'], pricing: { policy: 'formula' } });
    expect(spec.suppliers.map((s) => s.id)).toEqual(['nvidia', 'amd']);
    expect(spec.labs[0]!.procurement).toMatchObject({ strategy: 'multi', providers: ['azure', 'oracle'], maxShare: 0.5 });
    expect(spec.outputs.timeseries).toEqual(['labs']);
    expect(loaded.files).toEqual([join(dir, 'child.yaml'), join(dir, 'base.yaml')]);
    // Each value is located in the file that wrote it.
    expect(loaded.locate(['providers', 1, 'powerMw'])).toEqual({ file: join(dir, 'child.yaml'), line: 6, column: 14 });
    expect(loaded.locate(['providers', 1, 'powerBuildMwPerYear'])).toEqual({ file: join(dir, 'base.yaml'), line: 24, column: 26 });
  });

  it('applies a list of bases in order, paths relative to the file', () => {
    const { spec } = load({
      'scenarios/run.yaml': 'extends: [../bases/world.yaml, ../bases/cheap.yaml]\nname: run\n',
      'bases/world.yaml': base,
      'bases/cheap.yaml': 'name: cheap\nproviders:\n  - { id: azure, pricing: { margin: 0.1 } }\n',
    }).loaded;
    expect(spec.name).toBe('run');
    expect(spec.providers[0]!.pricing).toEqual({ policy: 'costPlus', margin: 0.1 });
  });

  it('points at the base file for a mistake written there, and at the child for one written there', () => {
    const badBase = base.replace('margin: 0.4', 'margin: -0.4');
    expect(problems({ 'child.yaml': child.replace('powerMw: 999', 'powerMw: -1'), 'base.yaml': badBase })).toEqual([
      'child.yaml:6:14: providers[1].powerMw: expected a number >= 0, got -1',
      'base.yaml:20:42: providers[0].pricing.margin: expected a number >= 0, got -0.4',
    ]);
  });

  it('reports a null for a key that is not a field, as a file without extends does; a null for a field the base lacks removes nothing', () => {
    // Each passed in silence: a null removed nothing, and nothing was checked.
    const typos = [
      'extends: base.yaml',
      'descripton:',
      'labs:',
      '  - id: openai',
      '    budgetUsdPerYer: ~',
      'providers:',
      '  - id: azure',
      '    pricing: { expresion: null }',
    ].join('\n');
    expect(problems({ 'child.yaml': typos, 'base.yaml': base })).toEqual([
      "child.yaml:2:1: descripton: 'descripton' is not a field of (root); did you mean 'description'?",
      "child.yaml:5:5: labs[0].budgetUsdPerYer: 'budgetUsdPerYer' is not a field of labs[0]; did you mean 'budgetUsdPerYear'?",
      "child.yaml:8:16: providers[0].pricing.expresion: 'expresion' is not a field of providers[0].pricing; did you mean 'expression'?",
    ]);
    // A field of the scenario that the base does not write, and an actor's, removed: nothing to do, nothing to say.
    const { spec } = load({ 'child.yaml': 'extends: base.yaml\ncontracts: ~\nlabs:\n  - { id: openai, revenueUsdPerYear: null }\n', 'base.yaml': base }).loaded;
    expect(spec.contracts).toEqual([]);
    expect(spec.labs[0]!.revenueUsdPerYear).toBeUndefined();
  });

  it("replaces the base's distribution with one of another kind, and merges the parameters of one of the same kind", () => {
    // The two kinds merged into one map: "a distribution is written ... with exactly one kind".
    const other = load({ 'child.yaml': 'extends: base.yaml\nlabs:\n  - { id: openai, demand: { growthPerYear: { normal: { mean: 2, sd: 0.2 } } } }\n', 'base.yaml': base }).loaded;
    expect(other.spec.labs[0]!.demand.growthPerYear).toEqual({ normal: { mean: 2, sd: 0.2 } });
    const same = load({ 'child.yaml': 'extends: base.yaml\nlabs:\n  - { id: openai, demand: { growthPerYear: { lognormal: { sigma: 0.5 } } } }\n', 'base.yaml': base }).loaded;
    expect(same.spec.labs[0]!.demand.growthPerYear).toEqual({ lognormal: { median: 2.5, sigma: 0.5 } });
  });

  it("keeps of the base's pricing only the fields of the policy a file switches to, and merges those", () => {
    // Merged whole, oracle's formula expression made a costPlus pricing that no policy takes, refused at the base's line.
    const child = ['extends: base.yaml', 'providers:', '  - { id: azure, pricing: { policy: utilization, scarcityMarkup: 1 } }', '  - { id: oracle, pricing: { policy: costPlus, margin: 0.2 } }'].join('\n');
    const { spec } = load({ 'child.yaml': child, 'base.yaml': base }).loaded;
    expect(spec.providers.map((provider) => provider.pricing)).toEqual([
      { policy: 'utilization', margin: 0.4, scarcityMarkup: 1 },
      { policy: 'costPlus', margin: 0.2 },
    ]);
    // A field the new policy lacks is missing, said where the file switches.
    expect(problems({ 'child.yaml': 'extends: base.yaml\nproviders:\n  - { id: oracle, pricing: { policy: competitive, margin: 0.2 } }\n', 'base.yaml': base })).toEqual([
      "child.yaml:3:28: providers[1].pricing.elasticity: missing required field 'elasticity'",
    ]);
  });

  it('warns, without refusing, of what the files say but most likely do not mean, each where it is written', () => {
    const warned = [
      'extends: base.yaml',
      'providers:',
      '  - id: azure',
      '    powerMw:   # 999',
      '    capexUsdPerMw: ~',
      'suppliers:',
      '  - { id: nvidia, priority: [azure] }',
      'contracts:',
      '  - { lab: openai, provider: azure, volumeH100e: 5, priceUsdPerGpuHour: 2, start: 2020-07-01, end: 2022-06-30 }',
      '  - { lab: openai, provider: azure, volumeH100e: 5, priceUsdPerGpuHour: 2, start: 2027-01-01, end: 2028-01-01 }',
    ].join('\n');
    // Each passed in silence; the empty powerMw then fails as the missing field it is now.
    expect(problems({ 'child.yaml': warned, 'base.yaml': base })).toEqual(["child.yaml:4:5: providers[0].powerMw: missing required field 'powerMw'"]);
    const { dir, loaded } = load({ 'child.yaml': warned.replace('    powerMw:   # 999', '    targetUtilization:   # 0.9'), 'base.yaml': base.replace('    powerLeadTimeDays: 540', '    powerLeadTimeDays: 540\n    targetUtilization: 0.8') });
    expect(loaded.warnings.map((warning) => formatProblem(warning).replaceAll(`${dir}/`, ''))).toEqual([
      "child.yaml:4:5: providers[0].targetUtilization: left empty, which removes the base's value as null does: write null to remove it, or delete the line to keep it",
      'child.yaml:7:29: suppliers[0].priority: a priority list is read only by allocation: priority (or a custom: policy); this supplier allocates by proRata, which ignores it',
      "child.yaml:9:100: contracts[0].end: the contract ends (2022-06-30) by the scenario's start (2025-01-01): it is never in force, and is ignored",
      "child.yaml:10:83: contracts[1].start: the contract starts (2027-01-01) after the scenario's end (2026-12-31): it is never in force, and is ignored",
    ]);
    // A timeline entry that switches the allocation reads the list: no warning; nor for a file that warns of nothing.
    const switched = load({ 's.yaml': scenario({ 8: '    products: [{ chip: h100 }]\n    priority: [azure]' }, ['timeline:', '  - { date: 2026-01-01, set: { suppliers.nvidia.allocation: priority } }']) }).loaded;
    expect(switched.warnings).toEqual([]);
  });

  it("warns of contracts in force at the start that reserve more than their provider's fleet, which the run serves pro rata", () => {
    const contract = (volume: number, start = '2024-07-01') => `  - { lab: openai, provider: azure, volumeH100e: ${volume}, priceUsdPerGpuHour: 2, start: ${start}, end: 2026-06-30 }`;
    const warned = (contracts: string[]) => {
      const { dir, loaded } = load({ 's.yaml': scenario({}, ['contracts:', ...contracts]) });
      return loaded.warnings.map((warning) => formatProblem(warning).replaceAll(`${dir}/`, ''));
    };
    // azure holds 100,000 H100s at the start.
    expect(warned([contract(150000)])).toEqual([
      "s.yaml:34:50: contracts[0].volumeH100e: this contract reserves 150,000 H100e of azure, more than its fleet at the start (100,000 H100e): each is served pro rata to what the fleet can, the rest is its lab's shortfall",
    ]);
    expect(warned([contract(60000), contract(50000)])).toEqual([
      "s.yaml:34:50: contracts[0].volumeH100e: the 2 contracts in force at the start reserve 110,000 H100e in all of azure, more than its fleet at the start (100,000 H100e): each is served pro rata to what the fleet can, the rest is its lab's shortfall",
    ]);
    // Within the fleet, or signed for later (when the provider may have built more): nothing to say.
    expect(warned([contract(60000), contract(40000)])).toEqual([]);
    expect(warned([contract(60000), contract(500000, '2025-06-01')])).toEqual([]);
  });

  it('warns of a budget that reads the revenue of a lab that has none, which is 0', () => {
    // Its budget was 0 in silence: the lab's spend halved in a newcomer's scenario.
    const { dir, loaded } = load({ 's.yaml': scenario({ 31: "    budgetUsdPerYear: '2 * revenue + 1e9'" }) });
    expect(loaded.warnings.map((warning) => formatProblem(warning).replaceAll(`${dir}/`, ''))).toEqual([
      "s.yaml:31:23: labs[0].budgetUsdPerYear: the budget reads revenue, and this lab has no revenueUsdPerYear: its revenue is 0 (write revenueUsdPerYear, or a budget of its own)",
    ]);
    // With a revenue, or a budget that does not read it: nothing to say.
    expect(load({ 's.yaml': scenario({ 31: "    budgetUsdPerYear: '2 * revenue'\n    revenueUsdPerYear: 5e9" }) }).loaded.warnings).toEqual([]);
    expect(load({ 's.yaml': scenario({ 31: "    budgetUsdPerYear: '1e9 * (1 + t)'" }) }).loaded.warnings).toEqual([]);
  });

  it('warns of a fleet that holds a chip at the start it is released after, and of none released by then', () => {
    const early = ['  - { id: b200, release: 2025-06-01, perfH100e: 2.5, powerKw: 1.2, unitCostUsd: 40000, lifeYears: 5 }'];
    const { dir, loaded } = load({ 's.yaml': scenario({ 5: BASE[4]!, 13: '    fleet: { h100: 100000, b200: 5000 }', 21: '    fleet: { b200: 0 }' }).replace(BASE[4]!, [BASE[4]!, ...early].join('\n')) });
    expect(loaded.warnings.map((warning) => formatProblem(warning).replaceAll(`${dir}/`, ''))).toEqual([
      "s.yaml:14:28: providers[0].fleet.b200: chip 'b200' is released on 2025-06-01, after the scenario's start (2025-01-01): this fleet holds it from the start",
    ]);
    // Released by the start, or held at none: nothing to say.
    expect(load({ 's.yaml': scenario({ 13: '    fleet: { h100: 100000 }' }) }).loaded.warnings).toEqual([]);
  });

  it('says an actor with a misspelt or repeated id once, not as a missing field each', () => {
    // The misspelt id made a new provider, reported as seven missing fields; the repeated one, seven more before its duplicate.
    const child = ['extends: base.yaml', 'providers:', '  - { id: oracel, powerMw: 60 }', '  - { id: oracle, powerMw: 70 }', '  - { id: oracle, powerMw: 80 }'].join('\n');
    const found = problems({ 'child.yaml': child, 'base.yaml': base });
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^child\.yaml:3:11: providers\[\d\]\.id: 'oracel' names a new provider, which lacks fleet, powerBuildMwPerYear, .*suppliers, pricing; did you mean 'oracle'\?$/);
    expect(found[1]).toMatch(/^child\.yaml:5:11: providers\[\d\]\.id: duplicate provider id 'oracle'; providers\[1\] has it already$/);
  });

  it('reports a cycle, naming it', () => {
    expect(problems({ 'a.yaml': 'extends: b.yaml\nname: a\n', 'b.yaml': 'extends: [base.yaml, a.yaml]\n', 'base.yaml': base })).toEqual([
      'b.yaml:1:22: extends[1]: extends cycle: a.yaml -> b.yaml -> a.yaml',
    ]);
  });

  it('reports a URL given as a base for what it is, never fetching it', () => {
    expect(problems({ 'a.yaml': 'extends: https://example.com/base.yaml\nname: a\n' })).toEqual([
      "a.yaml:1:10: extends: cannot extend 'https://example.com/base.yaml': a base is a file on this machine, and a URL is never fetched",
    ]);
  });

  it('reports a missing base at the extends that names it, and a malformed extends', () => {
    expect(problems({ 'a.yaml': 'name: a\nextends: [nowhere.yaml]\n' })).toEqual(["a.yaml:2:11: extends[0]: cannot extend 'nowhere.yaml': no such file"]);
    expect(problems({ 'a.yaml': 'name: a\nextends: { file: b.yaml }\n' })).toEqual(['a.yaml:2:10: extends: expected a file path or a list of file paths, got a map']);
  });

  it('names only scenario files: a path without .yaml, .yml or .json is refused before it is read', () => {
    // Was: `extends: /etc/shadow` printed the file's lines as unknown keys, `/proc/self/environ` the environment.
    const secrets = 'password: hunter2\napi_key: sk-live-0123456789\n';
    for (const target of ['/etc/shadow', '/proc/self/environ', '/dev/zero', 'secrets.txt', 'secrets']) {
      const found = problems({ 'a.yaml': `name: a\nextends: ${target}\n`, 'secrets.txt': secrets, secrets });
      expect(found).toEqual([`a.yaml:2:10: extends: cannot extend '${target}': a scenario file's name ends in .yaml, .yml or .json`]);
    }
  });

  it('refuses a base that is not a map of scenario fields, quoting nothing from it', () => {
    const refused = (text: string): string[] => problems({ 'a.yaml': 'name: a\nextends: [b.yaml]\n', 'b.yaml': text });
    const at = "a.yaml:2:11: extends[0]: cannot extend 'b.yaml': not a scenario file";
    expect(refused('root:$6$s4lt$hunter2hash:19000:0:99999:7:::\nbin:*:19000:0:99999:7:::\n')).toEqual([`${at} (none of its top-level keys is a scenario field)`]);
    expect(refused('password: hunter2\napi_key: sk-live-0123456789\n')).toEqual([`${at} (none of its top-level keys is a scenario field)`]);
    expect(refused('hunter2 sk-live-0123456789\n')).toEqual([`${at} (it holds a string, not a map of scenario fields)`]);
    expect(refused('- hunter2\n- sk-live-0123456789\n')).toEqual([`${at} (it holds a list, not a map of scenario fields)`]);
    expect(refused('# nothing\n')).toEqual([`${at} (it is empty)`]);
    expect(refused('password: hunter2\n  api_key: [sk-live-0123456789\n')).toEqual([
      `${at} (a YAML error at line 1, column 11: block as implicit key; validate it on its own to see it)`,
    ]);
    // A map with scenario fields is a scenario file: its own mistakes are reported in it, at the offending key.
    expect(problems({ 'a.yaml': `extends: b.yaml\n${scenario()}`, 'b.yaml': 'name: b\npassword: hunter2\n' })).toEqual([
      "b.yaml:2:1: password: 'password' is not a field of (root) (fields: $schema, extends, name, description, start, end, chips, suppliers, providers, labs, contracts, timeline, shocks, market, outputs, variants, targets)",
    ]);
  });

  it('refuses a base that is a FIFO, a device or too large, without reading it', () => {
    const dir = join(root, `case-${++cases}`);
    mkdirSync(dir);
    execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
    symlinkSync('/dev/zero', join(dir, 'zero.yaml'));
    symlinkSync('/dev/urandom', join(dir, 'random.json'));
    writeFileSync(join(dir, 'huge.yml'), '');
    truncateSync(join(dir, 'huge.yml'), MAX_SCENARIO_FILE_BYTES + 1);
    writeFileSync(join(dir, 'a.yaml'), 'name: a\nextends: [pipe.yaml, zero.yaml, random.json, huge.yml]\n');
    try {
      loadScenario(join(dir, 'a.yaml'));
      expect.unreachable();
    } catch (error) {
      expect((error as ScenarioError).problems.map((problem) => formatProblem(problem).replaceAll(`${dir}/`, ''))).toEqual([
        "a.yaml:2:11: extends[0]: cannot extend 'pipe.yaml': it is a FIFO (named pipe), not a regular file",
        "a.yaml:2:22: extends[1]: cannot extend 'zero.yaml': it is a character device, not a regular file",
        "a.yaml:2:33: extends[2]: cannot extend 'random.json': it is a character device, not a regular file",
        "a.yaml:2:46: extends[3]: cannot extend 'huge.yml': it is larger than 10 MB, the most a scenario file may hold",
      ]);
    }
  });

  it('reads a link to /proc/self/environ as what it is, not a scenario, without printing the environment', () => {
    const dir = join(root, `case-${++cases}`);
    mkdirSync(dir);
    symlinkSync('/proc/self/environ', join(dir, 'env.yaml'));
    writeFileSync(join(dir, 'a.yaml'), 'name: a\nextends: env.yaml\n');
    try {
      loadScenario(join(dir, 'a.yaml'));
      expect.unreachable();
    } catch (error) {
      const [problem, ...rest] = (error as ScenarioError).problems;
      expect(rest).toEqual([]);
      expect(problem).toMatchObject({ file: join(dir, 'a.yaml'), line: 2, column: 10, path: 'extends' });
      // Where the first YAML error is, or what the file holds, in the tool's own words: nothing of `NAME=value`.
      expect(problem!.message).toMatch(/^cannot extend '[^']*\/env\.yaml': not a scenario file \((a YAML error at line \d+, column \d+: [a-z ]+; validate it on its own to see it|it holds a string, not a map of scenario fields|none of its top-level keys is a scenario field|it is empty)\)$/);
    }
  });

  it('reports a base with YAML errors at the extends that names it, with where the first error is but nothing quoted from it', () => {
    expect(problems({ 'a.yaml': 'extends: b.yaml\n', 'b.yaml': 'name: a\nname: b\n' })).toEqual([
      "a.yaml:1:10: extends: cannot extend 'b.yaml': not a scenario file (a YAML error at line 2, column 1: duplicate key; validate it on its own to see it)",
    ]);
  });
});

describe('YAML merge keys', () => {
  // Several similar providers written once: the second merges the first's fields and overrides some.
  const merged = scenario({ 12: '  - &cloud', 13: '    id: azure\n    fleet: { h100: 100000 }', 20: '  - <<: *cloud', 21: '    id: oracle', 25: null, 26: null, 27: null });

  it('are accepted: a map gets the fields of the maps it merges, and its own win', () => {
    const { dir, loaded } = load({ 'm.yaml': merged });
    const [azure, oracle] = loaded.spec.providers;
    expect(oracle).toEqual({ ...azure, id: 'oracle', powerMw: 50, powerBuildMwPerYear: 50, powerLeadTimeDays: 400 });
    // A merged value is located where the anchored map wrote it; the map's own values where it wrote them.
    expect(loaded.locate(['providers', 1, 'capexUsdPerYear'])).toEqual({ file: join(dir, 'm.yaml'), line: 18, column: 22 });
    expect(loaded.locate(['providers', 1, 'powerMw'])).toEqual({ file: join(dir, 'm.yaml'), line: 23, column: 14 });
  });

  it('locate a problem in a merged value where it was written, for each map that has it', () => {
    expect(problems({ 'm.yaml': merged.replace('margin: 0.4', 'margin: -0.4').replace('powerMw: 50', 'powerMw: -5') })).toEqual([
      'm.yaml:20:42: providers[0].pricing.margin: expected a number >= 0, got -0.4',
      'm.yaml:20:42: providers[1].pricing.margin: expected a number >= 0, got -0.4',
      'm.yaml:23:14: providers[1].powerMw: expected a number >= 0, got -5',
    ]);
  });

  it('report a merge of something other than a map', () => {
    expect(problems({ 'm.yaml': merged.replace('<<: *cloud', '<<: 5') })).toEqual([
      'm.yaml:21:5: providers[1]["<<"]: YAML: a merge key (<<) takes a map, an alias of one, or a list of them',
    ]);
  });

  it('and aliases give each place its own copy: overriding one does not change the other', () => {
    const shared = scenario({ 19: '    pricing: &price { policy: costPlus, margin: 0.4 }', 27: '    pricing: *price' });
    const { loaded } = load({ 's.yaml': shared });
    expect(loaded.spec.providers[1]!.pricing).toEqual({ policy: 'costPlus', margin: 0.4 });
    const dir = join(root, `case-${++cases}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 's.yaml'), shared);
    const changed = loadScenario(join(dir, 's.yaml'), { set: ['providers.azure.pricing.margin=0.9'] });
    expect(changed.spec.providers.map((provider) => provider.pricing)).toEqual([
      { policy: 'costPlus', margin: 0.9 },
      { policy: 'costPlus', margin: 0.4 },
    ]);
  });
});
