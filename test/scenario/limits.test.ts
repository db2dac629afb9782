import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIELD_LIMITS, MAX_HORIZON_YEARS, MAX_LOGNORMAL_SIGMA, formatBound, limitOf } from '../../src/scenario/limits.js';
import type { Limit } from '../../src/scenario/limits.js';
import { loadScenario } from '../../src/scenario/load.js';
import { ScenarioError, formatProblem } from '../../src/scenario/problems.js';

// Numbers the model can mean: a number outside its field's limit is a problem at validation, located
// where it was written, so a run never starts on it (issue 19: these ran, and wrote NaN, with exit 0).

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHIPPED = join(root, 'scenarios', 'openai-multicloud-2025.yaml');

/** The problems of loading the shipped scenario with these `--set` flags, as printed. */
function problems(...set: string[]): string[] {
  try {
    loadScenario(SHIPPED, { set });
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    return error.problems.map(formatProblem);
  }
  return [];
}

describe('the numbers of issue 19 are refused at validation, each one problem naming the parameter and its limit', () => {
  it.each([
    ['providers.azure.fleet.h100=1e308', '--set:1:28: providers.azure.fleet.h100: expected at most 1e9 chips (about fifty times every AI accelerator in service in 2025), got 1e+308'],
    ['labs.openai.demand.growthPerYear=1e150', '--set:1:34: labs.openai.demand.growthPerYear: expected at most 100 per year (a hundredfold a year; the fastest lab demand seen grew about sixfold), got 1e+150'],
    ['contracts.0.priceUsdPerGpuHour=1e308', '--set:1:32: contracts.0.priceUsdPerGpuHour: expected at most 10000 USD per H100e-hour (over a thousand times the 2023 H100 spot peak of about 8), got 1e+308'],
    ['labs.meta.demand.initialH100e=1e306', '--set:1:31: labs.meta.demand.initialH100e: expected at most 1e12 H100e (a billion chips of the strongest kind a scenario may have), got 1e+306'],
  ])('--set %s', (flag, expected) => {
    expect(problems(flag)).toEqual([expected]);
  });

  it.each(['5000-12-31', '9999-12-31'])(`end: %s is more than ${MAX_HORIZON_YEARS} years after the start, a problem at end`, (end) => {
    expect(problems(`end=${end}`)).toEqual([`--set:1:5: end: end (${end}) is more than 50 years after start (2025-01-01); a scenario spans at most 50 years`]);
  });

  it('locates a problem in a file at the line of the value', () => {
    const text = readFileSync(SHIPPED, 'utf8').replace('end: 2030-12-31', 'end: 5000-12-31');
    const line = text.split('\n').findIndex((row) => row.startsWith('end: ')) + 1;
    try {
      loadScenario(SHIPPED, { readFile: (file) => (file === SHIPPED ? text : readFileSync(file, 'utf8')) });
      expect.unreachable('a 2,976-year scenario loaded');
    } catch (error) {
      expect(error).toBeInstanceOf(ScenarioError);
      expect((error as ScenarioError).problems).toEqual([expect.objectContaining({ file: SHIPPED, line, column: 6, path: 'end' })]);
    }
  });
});

describe('limits', () => {
  it('take a value at the limit and refuse one just past it', () => {
    expect(problems('providers.azure.fleet.h100=1e9', 'labs.openai.demand.growthPerYear=100')).toEqual([]);
    // An end 50 years on is taken; over those years the shipped scenario's growth formulas pass their fields' limits, and are refused there.
    const fifty = problems('end=2075-01-01');
    expect(fifty.filter((problem) => /: end: end /.test(problem))).toEqual([]);
    expect(fifty).toContainEqual(expect.stringMatching(/^--set:1:5: end: suppliers\.nvidia\.capacityUnitsPerMonth: formula .* gives 1,001,000,000 on 2043-\d\d-\d\d \(t = 18\.\d\d\), above the limit/));
    expect(problems('providers.azure.fleet.h100=1.000001e9')).toEqual([expect.stringMatching(/providers\.azure\.fleet\.h100: expected at most 1e9 chips/)]);
    expect(problems('end=2075-01-02')).toEqual([expect.stringMatching(/end: end \(2075-01-02\) is more than 50 years after start/)]);
  });

  it('bound a field from below where a tiny value would break the model, as well as above', () => {
    expect(problems('chips.tpu.perfH100e=1e-300')).toEqual([expect.stringMatching(/chips\.tpu\.perfH100e: expected at least 0\.001 H100e per chip \(.+\), got 1e-300$/)]);
    expect(problems('chips.tpu.lifeYears=0.01')).toEqual([expect.stringMatching(/chips\.tpu\.lifeYears: expected at least 0\.1 years/)]);
  });

  it("keep a distribution within its field's limit: a bounded one's maximum, an unbounded one's centre and spread", () => {
    const growth = (distribution: string) => problems(`labs.openai.demand.growthPerYear=${distribution}`);
    expect(growth('{triangular: {min: 1, mode: 2, max: 101}}')).toEqual([expect.stringMatching(/growthPerYear\.triangular\.max: expected at most 100 per year .*, got 101$/)]);
    expect(growth('{uniform: {min: 1, max: 1e300}}')).toEqual([expect.stringMatching(/growthPerYear\.uniform\.max: expected at most 100 per year/)]);
    expect(growth('{lognormal: {median: 2e300, sigma: 0.1}}')).toEqual([expect.stringMatching(/growthPerYear\.lognormal\.median: expected at most 100 per year/)]);
    expect(growth('{normal: {mean: 2, sd: 1e300}}')).toEqual([expect.stringMatching(/growthPerYear\.normal\.sd: expected a spread at most 100 per year/)]);
    expect(growth(`{lognormal: {median: 2, sigma: ${MAX_LOGNORMAL_SIGMA + 0.1}}}`)).toEqual([expect.stringMatching(/growthPerYear\.lognormal\.sigma: expected at most 3 \(its 95% range then spans 400 times the median either way\), got 3\.1$/)]);
    expect(growth(`{lognormal: {median: 100, sigma: ${MAX_LOGNORMAL_SIGMA}}}`)).toEqual([]);
  });

  it('still explain a malformed distribution by its written form', () => {
    expect(problems('labs.openai.demand.growthPerYear={lognormal: {median: 2}, normal: {mean: 1, sd: 1}}')).toEqual([
      expect.stringMatching(/growthPerYear: a distribution is written \{ kind: \{ parameters \} \} with exactly one kind/),
    ]);
  });

  it('hold for a value the timeline sets, reported at the timeline entry', () => {
    const text = readFileSync(SHIPPED, 'utf8').replace('set: { labs.openai.procurement.strategy: multi }', 'set: { labs.openai.procurement.strategy: multi, labs.openai.budgetUsdPerYear: 1e300 }');
    try {
      loadScenario(SHIPPED, { readFile: (file) => (file === SHIPPED ? text : readFileSync(file, 'utf8')) });
      expect.unreachable('a budget of 1e300 USD a year loaded');
    } catch (error) {
      expect((error as ScenarioError).problems.map((problem) => `${problem.path}: ${problem.message}`)).toEqual([
        expect.stringMatching(/^timeline\[2\]\.set\["labs\.openai\.budgetUsdPerYear"\]: expected at most 1e14 USD per year \(about the world's GDP\)/),
      ]);
    }
  });

  it('hold for a variant and a sweep as for the file', () => {
    expect(problems('providers.azure.powerMw=1e8')).toEqual([expect.stringMatching(/providers\.azure\.powerMw: expected at most 1e7 MW/)]);
    try {
      loadScenario(SHIPPED, { sweep: ['labs.openai.procurement.intervalDays=90,1e9'] });
      expect.unreachable('an interval of a billion days loaded');
    } catch (error) {
      expect((error as ScenarioError).problems.map((problem) => problem.message)).toEqual([expect.stringMatching(/^expected at most 3653 days/)]);
    }
  });

  it('are found by a parameter path, from the field its last segment names', () => {
    expect(limitOf('labs.openai.demand.growthPerYear')).toBe(FIELD_LIMITS.growthPerYear);
    expect(limitOf('timeline[2].providers.azure.pricing.margin')).toBe(FIELD_LIMITS.margin);
    expect(limitOf('providers.azure.pricing.params.price')).toBeUndefined();
  });

  it('are listed in docs/scenarios.md, each with its bound', () => {
    const docs = readFileSync(join(root, 'docs', 'scenarios.md'), 'utf8');
    const rows = docs.split('\n').filter((line) => line.startsWith('| `'));
    for (const [field, limit] of Object.entries(FIELD_LIMITS) as [string, Limit][]) {
      const row = rows.find((line) => line.split('|')[1]!.includes(`\`${field}\``));
      expect(row, field).toBeDefined();
      expect(row, field).toContain(`${limit.min === undefined ? 'at most ' : `${formatBound(limit.min)} to `}${formatBound(limit.max)}`);
      expect(row, field).toContain(limit.why);
    }
  });
});
