import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { ScenarioError, formatProblem } from '../../src/scenario/problems.js';
import { scenarioJsonSchema } from '../../src/scenario/schema.js';

// A valid world of two years; each test appends targets from line 20 on, so expected messages give their lines.
const WORLD = [
  /*  1 */ 'name: tiny',
  /*  2 */ 'start: 2023-01-01',
  /*  3 */ 'end: 2024-12-31',
  /*  4 */ 'chips:',
  /*  5 */ '  - { id: h100, release: 2022-10-01, perfH100e: 1, powerKw: 1.4, unitCostUsd: 30000, lifeYears: 5 }',
  /*  6 */ 'suppliers:',
  /*  7 */ '  - { id: nvidia, products: [{ chip: h100 }], capacityUnitsPerMonth: 100000, leadTimeDays: 90 }',
  /*  8 */ 'providers:',
  /*  9 */ '  - id: azure',
  /* 10 */ '    fleet: { h100: 100000 }',
  /* 11 */ '    powerMw: 200',
  /* 12 */ '    powerBuildMwPerYear: 100',
  /* 13 */ '    powerLeadTimeDays: 540',
  /* 14 */ '    capexUsdPerYear: 1e10',
  /* 15 */ '    suppliers: [nvidia]',
  /* 16 */ '    pricing: { policy: costPlus, margin: 0.4 }',
  /* 17 */ 'labs:',
  /* 18 */ '  - { id: openai, demand: { initialH100e: 100000, growthPerYear: 2.5 }, budgetUsdPerYear: 1e10, procurement: { strategy: multi, providers: [azure] } }',
  /* 19 */ 'targets:',
];

/** The start of a target's line: its id, description, unit and source. */
const head = (id: string): string => `  - { id: ${id}, description: d, unit: u, source: s, `;

const root = mkdtempSync(join(tmpdir(), 'computerace-targets-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let cases = 0;

/** The problems of WORLD with these target lines, as printed, the file named s.yaml. */
function problems(targets: string[], world: readonly string[] = WORLD): string[] {
  const dir = join(root, `case-${++cases}`);
  const file = join(dir, 's.yaml');
  mkdirSync(dir);
  writeFileSync(file, [...world, ...targets].join('\n') + '\n');
  try {
    loadScenario(file);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    return error.problems.map((problem) => formatProblem(problem).replace(`${dir}/`, ''));
  }
  return [];
}

describe('back-test targets in a scenario file', () => {
  it('loads targets as written', () => {
    const dir = join(root, 'valid');
    mkdirSync(dir);
    const file = join(dir, 's.yaml');
    writeFileSync(file, [...WORLD, `${head('price')}metric: { chipPrice: { chip: h100, from: 2023-07-01, to: 2023-12-31, per: chip } }, band: [2, null] }`, `${head('spend')}metric: { labSpend: { lab: openai, year: 2024 } }, atLeast: 1e9, share: 0.8 }`].join('\n') + '\n');
    expect(loadScenario(file).spec.targets).toEqual([
      { id: 'price', description: 'd', unit: 'u', source: 's', metric: { chipPrice: { chip: 'h100', from: '2023-07-01', to: '2023-12-31', per: 'chip' } }, band: [2, null] },
      { id: 'spend', description: 'd', unit: 'u', source: 's', metric: { labSpend: { lab: 'openai', year: 2024 } }, atLeast: 1e9, share: 0.8 },
    ]);
  });

  it('reports an unknown lab or chip at the reference, naming the known ones', () => {
    expect(
      problems([
        `${head('a')}metric: { labCompute: { lab: anthropic, date: 2024-06-01 } }, band: [1, 2] }`,
        `${head('b')}metric: { ratio: { numerator: { labSpend: { lab: openai, year: 2024 } }, denominator: { chipPrice: { chip: b200, from: 2024-01-01, to: 2024-03-01, per: h100e } } } }, band: [1, 2] }`,
      ]),
    ).toEqual([
      "s.yaml:20:79: targets[0].metric.labCompute.lab: unknown lab 'anthropic'; expected one of: openai",
      "s.yaml:21:157: targets[1].metric.ratio.denominator.chipPrice.chip: unknown chip 'b200'; expected one of: h100",
    ]);
  });

  it('reports a span that ends before it starts, at its end', () => {
    expect(problems([`${head('a')}metric: { chipPrice: { chip: h100, from: 2024-06-01, to: 2024-03-31, per: chip } }, band: [1, 2] }`])).toEqual([
      's.yaml:20:107: targets[0].metric.chipPrice.to: to (2024-03-31) is before from (2024-06-01)',
    ]);
  });

  it('reports dates outside the scenario, and a year it does not wholly cover', () => {
    expect(
      problems([
        `${head('a')}metric: { labCompute: { lab: openai, date: 2025-01-15 } }, band: [1, 2] }`,
        `${head('b')}metric: { chipPrice: { chip: h100, from: 2022-12-01, to: 2023-03-01, per: chip } }, band: [1, 2] }`,
        `${head('c')}metric: { labSpend: { lab: openai, year: 2025 } }, band: [1, 2] }`,
      ]),
    ).toEqual([
      "s.yaml:20:93: targets[0].metric.labCompute.date: 2025-01-15 is after the scenario's end (2024-12-31)",
      "s.yaml:21:91: targets[1].metric.chipPrice.from: 2022-12-01 is before the scenario's start (2023-01-01)",
      's.yaml:22:91: targets[2].metric.labSpend.year: year 2025 is not wholly inside the scenario (2023-01-01 to 2024-12-31)',
    ]);
  });

  it("replaces, in a file that extends another, a target's metric with one of another kind, and merges one of the same kind", () => {
    // Merged, the two kinds made one map, refused as "expected exactly one of the fields".
    const dir = join(root, 'extends');
    mkdirSync(dir);
    writeFileSync(join(dir, 'base.yaml'), [...WORLD, `${head('t')}metric: { chipPrice: { chip: h100, from: 2023-07-01, to: 2023-12-31, per: chip } }, band: [1, 2] }`].join('\n') + '\n');
    const child = (metric: string) => {
      writeFileSync(join(dir, 'child.yaml'), `extends: base.yaml\ntargets:\n  - { id: t, metric: ${metric} }\n`);
      return loadScenario(join(dir, 'child.yaml')).spec.targets![0]!.metric;
    };
    expect(child('{ labCompute: { lab: openai, date: 2024-06-01 } }')).toEqual({ labCompute: { lab: 'openai', date: '2024-06-01' } });
    expect(child('{ chipPrice: { per: h100e } }')).toEqual({ chipPrice: { chip: 'h100', from: '2023-07-01', to: '2023-12-31', per: 'h100e' } });
  });

  it("refuses a chip's price read only in months before its release, when no provider holds it", () => {
    // It passed validation and was undefined in every run.
    const world = WORLD.map((line, index) => (index === 4 ? `${line}\n  - { id: b200, release: 2024-03-15, perfH100e: 2.5, powerKw: 1.2, unitCostUsd: 40000, lifeYears: 5 }` : line));
    expect(problems([`${head('early')}metric: { chipPrice: { chip: b200, from: 2023-07-01, to: 2024-02-29, per: chip } }, band: [1, 2] }`], world)).toEqual([
      "s.yaml:21:111: targets[0].metric.chipPrice.to: the chip is released on 2024-03-15, after the months this price is read in (to 2024-02-29): it has no price then",
    ]);
    // A window that reaches the month of its release may read a price.
    expect(problems([`${head('late')}metric: { chipPrice: { chip: b200, from: 2023-07-01, to: 2024-03-31, per: chip } }, band: [1, 2] }`], world)).toEqual([]);
  });

  it('asks for exactly one metric and exactly one test, and rejects nested ratios and repeated ids', () => {
    expect(
      problems([
        `${head('a')}metric: { labCompute: { lab: openai, date: 2024-06-01 }, labSpend: { lab: openai, year: 2024 } }, band: [1, 2] }`,
        `${head('b')}metric: { labCompute: { lab: openai, date: 2024-06-01 } } }`,
        `${head('c')}metric: { labCompute: { lab: openai, date: 2024-06-01 } }, band: [1, 2], atLeast: 3, share: 0.5 }`,
        `${head('d')}metric: { labCompute: { lab: openai, date: 2024-06-01 } }, atLeast: 3 }`,
        `${head('e')}metric: { ratio: { numerator: { ratio: {} }, denominator: { labSpend: { lab: openai, year: 2024 } } } }, band: [2, 1] }`,
        `${head('a')}metric: { labCompute: { lab: openai, date: 2024-06-01 } }, band: [null, null] }`,
      ]),
    ).toEqual([
      's.yaml:20:58: targets[0].metric: expected exactly one of the fields: labCompute, labSpend, chipPrice, ratio',
      's.yaml:21:5: targets[1]: a target needs a test: band: [low, high], or atLeast: x with share: s',
      's.yaml:22:115: targets[2].band: a target has one test: band, or atLeast with share, not both',
      "s.yaml:23:5: targets[3].share: missing required field 'share'",
      "s.yaml:24:82: targets[4].metric.ratio.numerator.ratio: 'ratio' is not a field of targets[4].metric.ratio.numerator (fields: labCompute, labSpend, chipPrice)",
      "s.yaml:25:11: targets[5].id: duplicate target id 'a'; targets[0] has it already",
      's.yaml:25:115: targets[5].band: a band needs at least one bound (null leaves one end open)',
    ]);
  });

  it('are part of the JSON Schema, with descriptions', () => {
    const targets = (scenarioJsonSchema() as any).properties.targets;
    expect(targets.description).toMatch(/backtest/);
    const target = targets.items.properties;
    expect(Object.keys(target)).toEqual(['id', 'description', 'unit', 'source', 'metric', 'band', 'atLeast', 'share']);
    expect(target.metric.description).toMatch(/exactly one of labCompute, labSpend, chipPrice or ratio/);
    expect(target.band.description).toMatch(/median/);
  });
});
