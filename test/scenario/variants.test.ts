import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalJson, scenarioHash } from '../../src/scenario/hash.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { LoadOptions } from '../../src/scenario/load.js';
import { ScenarioError, formatProblem } from '../../src/scenario/problems.js';
import type { ScenarioSpec } from '../../src/scenario/schema.js';

// `variants:` in a scenario file, `--sweep` grids, the resolved scenario and its content hash.

const scenarios = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scenarios');
const MULTICLOUD = join(scenarios, 'openai-multicloud-2025.yaml');

const root = mkdtempSync(join(tmpdir(), 'computerace-variants-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let cases = 0;

/** Writes files into a fresh directory; returns the path of the first. */
function write(files: Record<string, string>): string {
  const dir = join(root, `case-${++cases}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return join(dir, Object.keys(files)[0]!);
}

/** The problems of loading `file`, as printed, with its directory removed. */
function problems(file: string, options: LoadOptions = {}): string[] {
  try {
    loadScenario(file, options);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    return error.problems.map((problem) => formatProblem(problem).replaceAll(`${dirname(file)}/`, ''));
  }
  return [];
}

// Line numbers in expected messages refer to this listing.
const WITH_VARIANTS = [
  /*  1 */ `extends: ${MULTICLOUD}`,
  /*  2 */ 'name: with-variants',
  /*  3 */ 'variants:',
  /*  4 */ '  exclusive:',
  /*  5 */ '    labs.openai.procurement.strategy: exclusive',
  /*  6 */ '  cheap-azure:',
  /*  7 */ '    providers.azure.pricing.margin: 0.2',
  /*  8 */ '    labs.openai.budgetUsdPerYear: 5e11',
  /*  9 */ '  no-shocks:',
  /* 10 */ '    shocks: []',
].join('\n');

const azure = (spec: ScenarioSpec) => spec.providers.find((provider) => provider.id === 'azure')!;
const openai = (spec: ScenarioSpec) => spec.labs.find((lab) => lab.id === 'openai')!;

describe('variants declared in the scenario file', () => {
  it('loads the baseline first, then each variant in file order; a scenario without variants has only the baseline', () => {
    const loaded = loadScenario(write({ 's.yaml': WITH_VARIANTS }));
    expect(loaded.variants.map((variant) => variant.name)).toEqual(['baseline', 'exclusive', 'cheap-azure', 'no-shocks']);
    expect(loaded.variants[0]!.spec).toBe(loaded.spec);
    expect(loaded.variants[0]!.overrides).toEqual({});
    expect(loadScenario(MULTICLOUD).variants.map((variant) => variant.name)).toEqual(['baseline']);
  });

  it('makes each variant from the baseline, differing only where it overrides', () => {
    const loaded = loadScenario(write({ 's.yaml': WITH_VARIANTS }));
    const [, exclusive, cheap, noShocks] = loaded.variants;

    const expectedExclusive = structuredClone(loaded.spec);
    openai(expectedExclusive).procurement.strategy = 'exclusive';
    expect(exclusive!.spec).toEqual(expectedExclusive);
    expect(exclusive!.overrides).toEqual({ 'labs.openai.procurement.strategy': 'exclusive' });

    const expectedCheap = structuredClone(loaded.spec);
    (azure(expectedCheap).pricing as { margin: unknown }).margin = 0.2;
    openai(expectedCheap).budgetUsdPerYear = 5e11;
    expect(cheap!.spec).toEqual(expectedCheap);
    expect(cheap!.overrides).toEqual({ 'providers.azure.pricing.margin': 0.2, 'labs.openai.budgetUsdPerYear': 5e11 });

    expect(noShocks!.spec).toEqual({ ...loaded.spec, shocks: [] });
  });

  it('applies a variant on top of --set, and records both in its overrides', () => {
    const loaded = loadScenario(write({ 's.yaml': WITH_VARIANTS }), { set: ['providers.azure.pricing.margin=0.5', 'providers.oracle.powerMw=1'] });
    const [baseline, , cheap] = loaded.variants;
    expect(azure(baseline!.spec).pricing).toMatchObject({ margin: 0.5 });
    expect(baseline!.overrides).toEqual({ 'providers.azure.pricing.margin': 0.5, 'providers.oracle.powerMw': 1 });
    // The variant's own value wins over --set's; --set's other changes stay.
    expect(azure(cheap!.spec).pricing).toMatchObject({ margin: 0.2 });
    expect(cheap!.spec.providers.find((provider) => provider.id === 'oracle')!.powerMw).toBe(1);
    expect(cheap!.overrides).toEqual({ 'providers.azure.pricing.margin': 0.2, 'providers.oracle.powerMw': 1, 'labs.openai.budgetUsdPerYear': 5e11 });
  });

  it('applies a variant\'s entries parents first, so their order in the file does not matter', () => {
    const entries = ['    providers.azure.pricing.margin: 0.2', '    providers.azure.pricing: { policy: costPlus, margin: 0.9 }'];
    const one = loadScenario(write({ 's.yaml': [`extends: ${MULTICLOUD}`, 'variants:', '  v:', ...entries].join('\n') }));
    const other = loadScenario(write({ 's.yaml': [`extends: ${MULTICLOUD}`, 'variants:', '  v:', ...entries.reverse()].join('\n') }));
    expect(azure(one.variants[1]!.spec).pricing).toEqual({ policy: 'costPlus', margin: 0.2 });
    expect(other.variants[1]!.spec).toEqual(one.variants[1]!.spec);
  });

  it('merges the variants of a base file with the extending file\'s, by the usual deep merge', () => {
    const child = [
      'extends: base.yaml',
      'variants:',
      '  cheap-azure: { labs.openai.budgetUsdPerYear: null, providers.azure.powerMw: 10 }',
      '  exclusive: null',
      '  new-one: { end: 2029-12-31 }',
    ].join('\n');
    const loaded = loadScenario(write({ 'child.yaml': child, 'base.yaml': WITH_VARIANTS }));
    expect(loaded.variants.map((variant) => variant.name)).toEqual(['baseline', 'cheap-azure', 'no-shocks', 'new-one']);
    expect(loaded.variants[1]!.overrides).toEqual({ 'providers.azure.pricing.margin': 0.2, 'providers.azure.powerMw': 10 });
    expect(loaded.variants[3]!.spec.end).toBe('2029-12-31');
  });

  it('locates a bad variant entry in the file where it was written: a bad path at its key, a bad value at the value', () => {
    const bad = [
      `extends: ${MULTICLOUD}`,
      'variants:',
      '  broken:',
      '    labs.openai.procurement.strategy: exclusiv',
      '    labs.opnai.budgetUsdPerYear: 3',
      "    providers.azure.pricing: { policy: formula, expression: 'cost * q' }",
      '    variants: null',
      '  late:',
      '    end: 2025-10-01',
    ].join('\n');
    expect(problems(write({ 'v.yaml': bad }))).toEqual([
      "v.yaml:4:39: variants.broken[\"labs.openai.procurement.strategy\"]: unknown strategy 'exclusiv'; expected one of: exclusive, rightOfFirstRefusal, multi, custom:NAME; did you mean 'exclusive'?",
      "v.yaml:5:5: variants.broken[\"labs.opnai.budgetUsdPerYear\"]: unknown lab 'opnai'; expected one of: openai, anthropic, meta, xai",
      "v.yaml:6:69: variants.broken[\"providers.azure.pricing\"]: providers.azure.pricing.expression: unknown variable 'q'; this formula may use: cost, utilization, bidders, spot, t, year",
      'v.yaml:7:5: variants.broken.variants: a variant cannot change the variants',
      "v.yaml:9:10: variants.late.end: timeline[2].date: 2025-10-28 is after the scenario's end (2025-10-01)",
      "v.yaml:9:10: variants.late.end: timeline[3].date: 2025-11-03 is after the scenario's end (2025-10-01)",
      "v.yaml:9:10: variants.late.end: timeline[4].date: 2025-11-18 is after the scenario's end (2025-10-01)",
    ]);
  });

  it('locates a bad variant written in a base file in that file', () => {
    const base = WITH_VARIANTS.replace('margin: 0.2', 'margin: -0.2');
    expect(problems(write({ 'child.yaml': 'extends: base.yaml\nname: child\n', 'base.yaml': base }))).toEqual([
      'base.yaml:7:37: variants.cheap-azure["providers.azure.pricing.margin"]: expected a number >= 0, got -0.2',
    ]);
  });

  it('rejects the name baseline, names with commas, and a variant that is not a map', () => {
    const bad = [`extends: ${MULTICLOUD}`, 'variants:', '  baseline: {}', '  a,b: {}', '  c: 3'].join('\n');
    expect(problems(write({ 'v.yaml': bad }))).toEqual([
      "v.yaml:3:3: variants.baseline: invalid key 'baseline': 'baseline' is the name of the scenario without variants; choose another name",
      "v.yaml:4:3: variants[\"a,b\"]: invalid key 'a,b': a variant name may not contain a comma or |",
      'v.yaml:5:6: variants.c: expected a map, got 3',
    ]);
  });

  it('can be dropped with --set variants=null', () => {
    const loaded = loadScenario(write({ 's.yaml': WITH_VARIANTS }), { set: ['variants=null'] });
    expect(loaded.variants.map((variant) => variant.name)).toEqual(['baseline']);
    expect(loaded.resolved.variants).toBeUndefined();
  });
});

describe('--sweep path=v1,v2,...', () => {
  it('crosses every variant with every combination of the values, the first sweep varying slowest', () => {
    const loaded = loadScenario(write({ 's.yaml': WITH_VARIANTS }), {
      sweep: ['providers.azure.pricing.margin=0.4,0.6', 'labs.openai.procurement.providers=[azure, oracle],[azure],[azure, coreweave]'],
    });
    expect(loaded.variants).toHaveLength(4 * 2 * 3);
    expect(loaded.variants.slice(0, 7).map((variant) => variant.name)).toEqual([
      'baseline|providers.azure.pricing.margin=0.4|labs.openai.procurement.providers=[azure, oracle]',
      'baseline|providers.azure.pricing.margin=0.4|labs.openai.procurement.providers=[azure]',
      'baseline|providers.azure.pricing.margin=0.4|labs.openai.procurement.providers=[azure, coreweave]',
      'baseline|providers.azure.pricing.margin=0.6|labs.openai.procurement.providers=[azure, oracle]',
      'baseline|providers.azure.pricing.margin=0.6|labs.openai.procurement.providers=[azure]',
      'baseline|providers.azure.pricing.margin=0.6|labs.openai.procurement.providers=[azure, coreweave]',
      'exclusive|providers.azure.pricing.margin=0.4|labs.openai.procurement.providers=[azure, oracle]',
    ]);
    expect(new Set(loaded.variants.map((variant) => variant.name)).size).toBe(24);
    // The sweep's values apply last, over the variant's own.
    const cheap = loaded.variants.find((variant) => variant.name === 'cheap-azure|providers.azure.pricing.margin=0.6|labs.openai.procurement.providers=[azure]')!;
    expect(azure(cheap.spec).pricing).toMatchObject({ margin: 0.6 });
    expect(openai(cheap.spec).procurement.providers).toEqual(['azure']);
    expect(openai(cheap.spec).budgetUsdPerYear).toBe(5e11);
    expect(cheap.overrides).toEqual({ 'providers.azure.pricing.margin': 0.6, 'labs.openai.budgetUsdPerYear': 5e11, 'labs.openai.procurement.providers': ['azure'] });
    // The baseline spec stays the scenario without the sweep.
    expect(azure(loaded.spec).pricing).toMatchObject({ margin: 0.3 });
  });

  it('makes one variant per value of a single sweep on a scenario without variants', () => {
    const loaded = loadScenario(MULTICLOUD, { sweep: ['labs.openai.demand.growthPerYear.lognormal.median=1.5, 2, 2.5'] });
    expect(loaded.variants.map((variant) => variant.name)).toEqual([
      'baseline|labs.openai.demand.growthPerYear.lognormal.median=1.5',
      'baseline|labs.openai.demand.growthPerYear.lognormal.median=2',
      'baseline|labs.openai.demand.growthPerYear.lognormal.median=2.5',
    ]);
    expect(loaded.variants.map((variant) => openai(variant.spec).demand.growthPerYear)).toEqual([1.5, 2, 2.5].map((median) => ({ lognormal: { median, sigma: 0.1 } })));
  });

  it('splits values at commas outside brackets, braces and quoted strings', () => {
    const loaded = loadScenario(MULTICLOUD, {
      sweep: ["description=it's plain,'a, quoted'", 'labs.openai.demand.growthPerYear=2,{lognormal: {median: 2, sigma: 0.1}}', 'labs.openai.procurement.providers=[azure, oracle],[azure]'],
    });
    expect(loaded.variants).toHaveLength(8);
    const values = (path: string) => [...new Set(loaded.variants.map((variant) => JSON.stringify(variant.overrides[path])))].map((text) => JSON.parse(text));
    expect(values('description')).toEqual(["it's plain", 'a, quoted']);
    expect(values('labs.openai.demand.growthPerYear')).toEqual([2, { lognormal: { median: 2, sigma: 0.1 } }]);
    expect(values('labs.openai.procurement.providers')).toEqual([['azure', 'oracle'], ['azure']]);
  });

  it('locates problems in the flag (file --sweep, line N for the Nth), once each, naming the variant when only a variant has it', () => {
    const file = write({ 's.yaml': WITH_VARIANTS.replace('providers.azure.pricing.margin: 0.2', 'providers.azure.pricing: { policy: costPlus, margin: 0.2 }') });
    expect(
      problems(file, {
        sweep: ['providers.azure.pricing.margin=0.3,-1,0.30', 'providers.azure.pricing.scarcityMarkup=1,[2]', 'providers.azure.pricing.margin=1', 'oops', 'providers.azure.pricing.margn=1'],
      }),
    ).toEqual([
      '--sweep:1:36: providers.azure.pricing.margin: expected a number >= 0, got -1',
      '--sweep:1:39: providers.azure.pricing.margin: the value 0.30 is given twice (as 0.3)',
      "--sweep:2:1: providers.azure.pricing.scarcityMarkup: 'scarcityMarkup' is not a field of providers[0].pricing (fields: policy, margin) (with variant 'cheap-azure')",
      '--sweep:2:42: providers.azure.pricing.scarcityMarkup: expected a number or a distribution such as { lognormal: { median, sigma } }, got a list',
      "--sweep:3:1: providers.azure.pricing.margin: 'providers.azure.pricing.margin' is swept by an earlier --sweep already; give all its values in one --sweep",
      "--sweep:4:1: oops: expected path=value1,value2,..., as in providers.azure.pricing.margin=0.2,0.3,0.4; got no '='",
      "--sweep:5:1: providers.azure.pricing.margn: 'margn' is not a field of providers.azure.pricing; did you mean 'margin'?",
    ]);
  });
});

describe('the resolved scenario and its hash', () => {
  it('is the composed scenario with --set applied, extends removed, variants kept, defaults not filled in', () => {
    const loaded = loadScenario(write({ 's.yaml': WITH_VARIANTS }), { set: ['providers.azure.pricing.margin=0.5'] });
    const { resolved } = loaded;
    expect(resolved.extends).toBeUndefined();
    expect(resolved.name).toBe('with-variants');
    expect(resolved.variants).toEqual({
      exclusive: { 'labs.openai.procurement.strategy': 'exclusive' },
      'cheap-azure': { 'providers.azure.pricing.margin': 0.2, 'labs.openai.budgetUsdPerYear': 5e11 },
      'no-shocks': { shocks: [] },
    });
    expect((resolved.providers as { pricing: unknown }[])[0]!.pricing).toEqual({ policy: 'utilization', margin: 0.5, scarcityMarkup: 0.5 });
    // `outputs` is not written in the files: the default is filled into the spec, not into `resolved`.
    expect(resolved.outputs).toBeUndefined();
    expect(loaded.spec.outputs.timeseries).toEqual(['labs', 'providers', 'suppliers', 'market']);
    expect(loaded.hash).toBe(scenarioHash(resolved));
  });

  it('loads, written out, to the same spec, variants and hash', () => {
    const loaded = loadScenario(write({ 's.yaml': WITH_VARIANTS }), { set: ['providers.azure.pricing.margin=0.5'] });
    const again = loadScenario(write({ 'resolved.yaml': stringify(loaded.resolved) }));
    expect(again.spec).toEqual(loaded.spec);
    const namesAndSpecs = (variants: typeof loaded.variants) => variants.map(({ name, spec }) => ({ name, spec }));
    expect(namesAndSpecs(again.variants)).toEqual(namesAndSpecs(loaded.variants));
    expect(again.hash).toBe(loaded.hash);
  });

  it('is the same for the same content whatever the key order and formatting of the files, and changes with any value', () => {
    const data = structuredClone(loadScenario(MULTICLOUD).resolved);
    const reordered = Object.fromEntries(Object.entries(data).reverse().map(([key, value]) => [key, reverseKeys(value)]));
    const hash = loadScenario(write({ 'block.yaml': stringify(data) })).hash;
    expect(loadScenario(write({ 'flow.json': JSON.stringify(reordered) })).hash).toBe(hash);
    expect(loadScenario(write({ 'flow.yaml': `# a comment\n${stringify(reordered, { collectionStyle: 'flow' })}` })).hash).toBe(hash);
    // Composed with extends or written whole: the same scenario.
    expect(loadScenario(MULTICLOUD).hash).toBe(hash);
    expect(loadScenario(write({ 'child.yaml': `extends: ${MULTICLOUD}\nname: openai-multicloud-2025\n` })).hash).toBe(hash);

    expect(loadScenario(MULTICLOUD, { set: ['providers.azure.pricing.scarcityMarkup=1.6'] }).hash).not.toBe(hash);
    expect(loadScenario(write({ 'renamed.yaml': stringify({ ...data, name: 'other' }) })).hash).not.toBe(hash);
    expect(loadScenario(MULTICLOUD, { sweep: ['providers.azure.pricing.scarcityMarkup=1.6,1.7'] }).hash).toBe(hash);
  });

  it('is SHA-256 of a canonical JSON text with keys sorted at every level', () => {
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: 'x', u: undefined })).toBe('{"a":"x","b":[{"c":2,"d":1}]}');
    expect(scenarioHash({ a: 1 })).toBe('015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862');
    expect(scenarioHash({ a: 1, b: [1, 2] })).toBe(scenarioHash({ b: [1, 2], a: 1 }));
    expect(scenarioHash({ a: 1, b: [1, 2] })).not.toBe(scenarioHash({ a: 1, b: [2, 1] }));
    expect(scenarioHash({ a: 1 })).not.toBe(scenarioHash({ a: '1' }));
  });
});

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([key, item]) => [key, reverseKeys(item)]));
}
