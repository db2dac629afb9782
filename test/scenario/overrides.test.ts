import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario, resolveOverridePath } from '../../src/scenario/load.js';
import type { LoadOptions } from '../../src/scenario/load.js';
import { ScenarioError, formatProblem } from '../../src/scenario/problems.js';
import type { ScenarioSpec } from '../../src/scenario/schema.js';

// `--set path=value`: overrides applied after `extends` and before validation, checked like the file,
// and every problem they cause located in the flag's own text (file `--set`, line N for the Nth flag).

const scenarios = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scenarios');
const MULTICLOUD = join(scenarios, 'openai-multicloud-2025.yaml');
const PRICE_WAR = join(scenarios, 'price-war.yaml');
const plain = loadScenario(MULTICLOUD);

const root = mkdtempSync(join(tmpdir(), 'computerace-overrides-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let cases = 0;

/** Writes a file into the fixture directory and returns its path. */
function write(text: string, name = `case-${++cases}.yaml`): string {
  const file = join(root, name);
  writeFileSync(file, text);
  return file;
}

/** The problems of loading `file` with `options`, as printed, with the fixture directory removed. */
function problems(file: string, options: LoadOptions): string[] {
  try {
    loadScenario(file, options);
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    return error.problems.map((problem) => formatProblem(problem).replaceAll(`${root}/`, ''));
  }
  return [];
}

const set = (...texts: string[]): LoadOptions => ({ set: texts });
const azure = (spec: ScenarioSpec) => spec.providers.find((provider) => provider.id === 'azure')!;
const openai = (spec: ScenarioSpec) => spec.labs.find((lab) => lab.id === 'openai')!;

describe('--set path=value', () => {
  it('changes the value at a path written with actor ids, and nothing else', () => {
    const { spec } = loadScenario(MULTICLOUD, set('providers.azure.pricing.margin=0.35'));
    expect(azure(spec).pricing).toEqual({ policy: 'utilization', margin: 0.35, scarcityMarkup: 0.5 });
    const expected = structuredClone(plain.spec);
    (azure(expected).pricing as { margin: unknown }).margin = 0.35;
    expect(spec).toEqual(expected);
  });

  it('reads the value as a YAML flow value: numbers, strings, dates, maps and lists', () => {
    const { spec } = loadScenario(
      MULTICLOUD,
      set(
        'labs.openai.procurement.strategy=multi',
        'end=2031-12-31',
        'labs.openai.demand.growthPerYear={lognormal: {median: 2, sigma: 0.2}}',
        'labs.openai.procurement.providers=[azure, oracle]',
        'providers.azure.capexUsdPerYear=1e11',
      ),
    );
    expect(openai(spec).procurement.strategy).toBe('multi');
    expect(spec.end).toBe('2031-12-31');
    expect(openai(spec).demand.growthPerYear).toEqual({ lognormal: { median: 2, sigma: 0.2 } });
    expect(openai(spec).procurement.providers).toEqual(['azure', 'oracle']);
    expect(azure(spec).capexUsdPerYear).toBe(1e11);
  });

  it('names any field, not only those the timeline may change: top-level fields, list items, parameters of a distribution', () => {
    const { spec } = loadScenario(
      MULTICLOUD,
      set('outputs.timeseries=[labs, market]', 'contracts.0.volumeH100e=123', 'labs.openai.demand.initialH100e.lognormal.median=3e5', 'providers.azure.fleet.h100=1000', 'shocks=[]'),
    );
    expect(spec.outputs.timeseries).toEqual(['labs', 'market']);
    expect(spec.contracts[0]!.volumeH100e).toBe(123);
    expect(openai(spec).demand.initialH100e).toEqual({ lognormal: { median: 3e5, sigma: 0.1 } });
    expect(azure(spec).fleet).toEqual({ h100: 1000 });
    expect(spec.shocks).toEqual([]);
  });

  it('removes a field set to null, as composition does (a default then fills it in)', () => {
    const { spec } = loadScenario(MULTICLOUD, set('description=null', 'labs.openai.procurement.maxShare=null'));
    expect(spec.description).toBeUndefined();
    expect(openai(spec).procurement.maxShare).toBe(1);
  });

  it('applies the flags in order, so a later one wins', () => {
    const { spec } = loadScenario(MULTICLOUD, set('providers.azure.pricing.margin=0.3', 'providers.azure.pricing={policy: costPlus, margin: 0.5}'));
    expect(azure(spec).pricing).toEqual({ policy: 'costPlus', margin: 0.5 });
  });

  it('applies after extends: a base file\'s value can be overridden in the composed scenario', () => {
    const { spec } = loadScenario(PRICE_WAR, set('providers.coreweave.pricing.margin=0.25'));
    expect(spec.providers.find((provider) => provider.id === 'coreweave')!.pricing).toEqual({ policy: 'competitive', margin: 0.25, elasticity: 1 });
  });

  it('says where an overridden value was written: in the flag', () => {
    const loaded = loadScenario(MULTICLOUD, set('end=2031-12-31', 'providers.azure.pricing.margin=0.3'));
    expect(loaded.locate(['end'])).toEqual({ file: '--set', line: 1, column: 5 });
    expect(loaded.locate(['providers', 0, 'pricing', 'margin'])).toEqual({ file: '--set', line: 2, column: 32 });
    expect(loaded.locate(['start'])).toEqual({ file: MULTICLOUD, line: 21, column: 8 });
  });
});

describe('problems caused by --set', () => {
  it('reports a value of the wrong type at the value in the flag, line N for the Nth flag', () => {
    expect(problems(MULTICLOUD, set('providers.azure.pricing.margin=0.3', 'providers.azure.powerMw=lots'))).toEqual([
      "--set:2:25: providers.azure.powerMw: expected a number, got 'lots'",
    ]);
  });

  it('reports an unknown choice with the valid ones and the nearest', () => {
    expect(problems(MULTICLOUD, set('labs.openai.procurement.strategy=exclusiv'))).toEqual([
      "--set:1:34: labs.openai.procurement.strategy: unknown strategy 'exclusiv'; expected one of: exclusive, rightOfFirstRefusal, multi, custom:NAME; did you mean 'exclusive'?",
    ]);
  });

  it('reports an unknown field or actor at the path, suggesting the field and naming the valid ids', () => {
    expect(
      problems(MULTICLOUD, set('providers.azure.pricing.margn=0.3', 'labs.opnai.budgetUsdPerYear=1', 'nme=x', 'lab.openai.budgetUsdPerYear=1', 'providers.azure.fleet.b300=5')),
    ).toEqual([
      "--set:1:1: providers.azure.pricing.margn: 'margn' is not a field of providers.azure.pricing; did you mean 'margin'?",
      "--set:2:1: labs.opnai.budgetUsdPerYear: unknown lab 'opnai'; expected one of: openai, anthropic, meta, xai",
      "--set:3:1: nme: 'nme' is not a field of the scenario; did you mean 'name'?",
      "--set:4:1: lab.openai.budgetUsdPerYear: 'lab' is not a field of the scenario; did you mean 'labs'?",
      "--set:5:1: providers.azure.fleet.b300: unknown chip 'b300'; expected one of: h100, gb200, rubin, tpu",
    ]);
  });

  it('reports a problem inside a map or list value at its column, with the full path', () => {
    expect(
      problems(
        MULTICLOUD,
        set(
          'labs.openai.demand.growthPerYear={lognormal: {median: 3, sigma: 0}}',
          'providers.azure.pricing={policy: formula, expression: cost * q}',
          'labs.openai.procurement.providers=[azure, oracel]',
        ),
      ),
    ).toEqual([
      '--set:1:65: labs.openai.demand.growthPerYear: labs.openai.demand.growthPerYear.lognormal.sigma: expected a number > 0, got 0',
      "--set:2:62: providers.azure.pricing: providers.azure.pricing.expression: unknown variable 'q'; this formula may use: cost, utilization, bidders, spot, t, year",
      "--set:3:43: labs.openai.procurement.providers: labs.openai.procurement.providers.1: unknown provider 'oracel'; expected one of: azure, oracle, coreweave, google-cloud, aws, meta-dc, xai-dc",
    ]);
  });

  it('reports a required field removed with null', () => {
    expect(problems(MULTICLOUD, set('name=null'))).toEqual(["--set:1:6: name: missing required field 'name'"]);
  });

  it('blames a problem away from the field set on the flag that brings it', () => {
    expect(problems(MULTICLOUD, set('labs.openai.procurement.strategy=multi', 'end=2025-10-01'))).toEqual([
      "--set:2:5: end: timeline[2].date: 2025-10-28 is after the scenario's end (2025-10-01)",
      "--set:2:5: end: timeline[3].date: 2025-11-03 is after the scenario's end (2025-10-01)",
      "--set:2:5: end: timeline[4].date: 2025-11-18 is after the scenario's end (2025-10-01)",
    ]);
  });

  it('reports malformed flags: no =, no path, no value, bad YAML', () => {
    expect(problems(MULTICLOUD, set('labs.openai.procurement.strategy', '=3', 'name=', 'providers.azure.pricing.margin=[1'))).toEqual([
      "--set:1:1: labs.openai.procurement.strategy: expected path=value, as in providers.azure.pricing.margin=0.3; got no '='",
      "--set:2:1: (root): expected path=value, as in providers.azure.pricing.margin=0.3; got no path before '='",
      "--set:3:6: name: expected path=value; got no value after '='; write null to remove the field",
      '--set:4:34: providers.azure.pricing.margin: YAML: flow sequence must end with a ]: a `{` or `[` before it may not be closed',
    ]);
  });

  it('refuses what an override cannot do: change an id, name a whole actor, remove a list item, reach past a list, change extends or variants', () => {
    expect(
      problems(
        MULTICLOUD,
        set('chips.h100.id=x', 'labs.openai=1', 'labs.openai.procurement.providers.0=null', 'contracts.9.volumeH100e=1', 'extends=other.yaml', 'variants.x={}'),
      ),
    ).toEqual([
      "--set:1:1: chips.h100.id: an actor's id cannot change",
      "--set:2:1: labs.openai: a path names an actor's field, as in labs.ID.FIELD; 'labs.openai' names the whole lab",
      '--set:3:1: labs.openai.procurement.providers.0: a list item cannot be removed with null; set the whole list instead',
      '--set:4:1: contracts.9.volumeH100e: contracts has 7 items: expected an item number below 7, got 9',
      '--set:5:1: extends: extends is resolved before overrides apply; it cannot be overridden',
      '--set:6:1: variants.x: variants are declared in the scenario file; --set can only remove them all (variants=null)',
    ]);
  });

  it('validates the scenario as overridden: a problem of the file that --set fixes is gone, one it keeps stays in the file', () => {
    const text = plainText().replace('scarcityMarkup: 0.5', 'scarcityMarkup: -0.5').replace('end: 2030-12-31', 'end: 2030-02-30');
    const file = write(text, 'broken.yaml');
    expect(problems(file, {})).toEqual([
      "broken.yaml:22:6: end: expected a real date as YYYY-MM-DD, got '2030-02-30'",
      'broken.yaml:134:66: providers[0].pricing.scarcityMarkup: expected a number >= 0, got -0.5',
    ]);
    expect(problems(file, set('providers.azure.pricing.scarcityMarkup=0.5'))).toEqual([
      "broken.yaml:22:6: end: expected a real date as YYYY-MM-DD, got '2030-02-30'",
    ]);
    expect(problems(file, set('providers.azure.pricing.scarcityMarkup=0.5', 'end=2030-12-31'))).toEqual([]);
  });

  it('reports problems of the files and of the flags together, the files first', () => {
    const file = write(plainText().replace('scarcityMarkup: 0.5', 'scarcityMarkup: -0.5'), 'both.yaml');
    expect(problems(file, set('nme=x'))).toEqual([
      'both.yaml:134:66: providers[0].pricing.scarcityMarkup: expected a number >= 0, got -0.5',
      "--set:1:1: nme: 'nme' is not a field of the scenario; did you mean 'name'?",
    ]);
  });
});

describe('override paths', () => {
  it('resolve like timeline paths, but reach every field', () => {
    const data = plain.resolved;
    expect(resolveOverridePath(data, 'labs.openai.procurement.strategy')).toEqual({ path: ['labs', 0, 'procurement', 'strategy'] });
    expect(resolveOverridePath(data, 'end')).toEqual({ path: ['end'] });
    expect(resolveOverridePath(data, 'providers.oracle.fleet.h100')).toEqual({ path: ['providers', 1, 'fleet', 'h100'] });
    expect(resolveOverridePath(data, 'labs.openai.demand.growthPerYear.lognormal.median')).toEqual({
      path: ['labs', 0, 'demand', 'growthPerYear', 'lognormal', 'median'],
    });
    expect(resolveOverridePath(data, 'shocks')).toEqual({ path: ['shocks'] });
    expect(resolveOverridePath(data, 'labs..budgetUsdPerYear')).toEqual({
      error: "'labs..budgetUsdPerYear' has an empty part; a path is written like labs.openai.procurement.strategy or end",
    });
  });
});

describe('timeline entries with ids', () => {
  // The shipped scenario's timeline, with ids on two of its five entries.
  const withIds = (): string =>
    plainText()
      .replace('  - date: 2025-10-28\n', '  - id: rofr-removed\n    date: 2025-10-28\n')
      .replace('  - date: 2025-11-03\n', '  - id: aws-added\n    date: 2025-11-03\n');

  it('are addressed by id as well as by number, by --set and by variants', () => {
    const file = write(withIds());
    const { spec } = loadScenario(file, set('timeline.rofr-removed.date=2025-12-01', 'timeline.0.note=by number'));
    expect(spec.timeline[2]).toMatchObject({ id: 'rofr-removed', date: '2025-12-01' });
    expect(spec.timeline[0]!.note).toBe('by number');
    const variant = write(`${withIds()}\nvariants:\n  later: { timeline.aws-added.date: 2026-03-01 }\n`);
    const later = loadScenario(variant).variants.find((v) => v.name === 'later')!;
    expect(later.spec.timeline[3]).toMatchObject({ id: 'aws-added', date: '2026-03-01' });
  });

  it('keep naming the same entry when another is written before it, where a number would not', () => {
    // An entry added at the top moves every other down: timeline.2 now names a different entry, the id the same one.
    const moved = write(withIds().replace('timeline:\n', 'timeline:\n  - { id: early, date: 2025-01-02, set: { labs.openai.procurement.maxShare: 0.9 } }\n'));
    const { spec } = loadScenario(moved, set('timeline.rofr-removed.note=moved'));
    expect(spec.timeline.find((entry) => entry.note === 'moved')).toMatchObject({ id: 'rofr-removed', date: '2025-10-28' });
  });

  it('refuse an id no entry has, naming those that exist', () => {
    expect(problems(write(withIds()), set('timeline.rofr-remove.date=2025-12-01'))).toEqual([
      "--set:1:1: timeline.rofr-remove.date: timeline is a list: expected an item number or the id of an item (rofr-removed, aws-added), got 'rofr-remove'; did you mean 'rofr-removed'?",
    ]);
    expect(problems(MULTICLOUD, set('timeline.rofr.date=2025-12-01'))).toEqual([
      "--set:1:1: timeline.rofr.date: timeline is a list: expected an item number, got 'rofr'",
    ]);
  });

  it('are unique in the timeline', () => {
    const file = write(withIds().replace('id: aws-added', 'id: rofr-removed'), 'twice.yaml');
    expect(problems(file, {})).toEqual(["twice.yaml:358:9: timeline[3].id: duplicate timeline entry id 'rofr-removed'; timeline[2] has it already"]);
  });
});

/** The shipped multi-cloud scenario's text (line numbers in expectations refer to it). */
function plainText(): string {
  return readFileSync(MULTICLOUD, 'utf8');
}
