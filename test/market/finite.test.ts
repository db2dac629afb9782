import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { firstNonFinite } from '../../src/market/finite.js';
import { registerPolicy } from '../../src/market/policies.js';
import type { RunResult } from '../../src/market/results.js';
import { runScenario } from '../../src/market/run.js';
import { markChecked } from '../../src/scenario/checked.js';
import { compileScenario } from '../../src/scenario/compile.js';
import { loadScenario } from '../../src/scenario/load.js';
import { Scenario } from '../../src/scenario/schema.js';
import { compiled, smallScenario } from '../support/scenarios.js';

// No silent NaN: a run either gives finite numbers everywhere it writes, or fails naming where it went wrong.

const SHIPPED = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scenarios', 'openai-multicloud-2025.yaml');

/** The paths of every number in `value` that is not finite (an independent walk, not the one the run uses). */
function nonFinite(value: unknown, path = 'result', found: string[] = []): string[] {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) found.push(`${path} = ${value}`);
  } else if (Array.isArray(value)) value.forEach((item, i) => nonFinite(item, `${path}[${i}]`, found));
  else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) nonFinite(item, `${path}.${key}`, found);
  return found;
}

/** A lab of the small scenario, by id, with its demand replaced. */
function withDemand(lab: string, demand: Record<string, unknown>): Record<string, any> {
  const raw = smallScenario();
  const target = raw.labs.find((l: { id: string }) => l.id === lab);
  target.demand = { ...target.demand, ...demand };
  return raw;
}

describe('a lab with no demand', () => {
  it('has a shortfall share of 0 (nothing it wanted went unmet), in its summary and every month', () => {
    const result = runScenario(compiled(withDemand('anthropic', { formula: '0' })), 3, 0);
    const summary = result.summary.labs.find((lab) => lab.lab === 'anthropic')!;
    expect(summary.shortfallShare).toBe(0);
    expect(summary.worstYearShortfallShare).toBe(0);
    const months = result.labs.filter((month) => month.lab === 'anthropic');
    expect(months.length).toBeGreaterThan(30);
    // Nothing delivered, so no price paid: null, not a 0 that would drag an average of prices down.
    for (const month of months) expect([month.demandH100e, month.shortfallH100e, month.avgPriceUsdPerGpuHour]).toEqual([0, 0, null]);
    expect(nonFinite(result)).toEqual([]);
  });

  it('whose demand fades to nothing (a growth of 1e-300 a year, as a number-only fuzz wrote) keeps a defined share', () => {
    const result = runScenario(compiled(withDemand('openai', { growthPerYear: 1e-300, volatility: 0 })), 3, 0);
    const summary = result.summary.labs.find((lab) => lab.lab === 'openai')!;
    expect(summary.shortfallShare).toBeGreaterThanOrEqual(0);
    expect(summary.shortfallShare).toBeLessThanOrEqual(1);
    expect(result.labs.filter((month) => month.lab === 'openai').at(-1)!.demandH100e).toBe(0);
    expect(nonFinite(result)).toEqual([]);
  });
});

describe('the built-in paths check their values as formulas do', () => {
  // A library user may hand runScenario a spec the schema never saw: the run still names what overflowed.
  it("a lab's demand trend without a formula (initial * growth^t) that overflows stops the run, naming the lab and its values", () => {
    const spec = Scenario.parse(smallScenario());
    spec.labs[0]!.demand.growthPerYear = 1e150;
    // The schema refuses such a growth first; the run's own check stands behind it, for a spec taken as checked.
    expect(() => compileScenario(spec)).toThrow(/labs\[0\]\.demand\.growthPerYear: expected at most 100 per year/);
    markChecked(spec);
    expect(() => runScenario(compileScenario(spec), 3, 0)).toThrow(/^labs\.openai\.demand: initialH100e \* growthPerYear\^t gave Infinity for initialH100e = 300000, growthPerYear = 1e\+150, t = \d/);
  });

  it('a pricing policy whose price is not finite stops the run, naming the provider', () => {
    registerPolicy('pricing', 'finite-test-nan', () => ({ price: () => Number.NaN }));
    const raw = smallScenario();
    raw.providers[1].pricing = { policy: 'custom:finite-test-nan' };
    expect(() => runScenario(compiled(raw), 3, 0)).toThrow(/^providers\.oracle\.pricing gave NaN for cost = [\d.]+, utilization = [\d.]+, bidders = \d+, spot = [\d.]+, t = [\d.]+$/);
  });

  it('a provider whose whole fleet retires, leaving float dust in one chip and none in the fleet, prices its chips finitely', () => {
    // GB200s at the limit of a MW each: no provider can power them, fleets of H100s retire unreplaced,
    // and in run 0 one retirement left 1.5e-11 H100e of a chip in a fleet of 0 (chip prices were NaN).
    const { spec } = loadScenario(SHIPPED, { set: ['chips.gb200.powerKw=1000'] });
    const result = runScenario(compileScenario(spec), 1, 0);
    expect(result.chips.length).toBeGreaterThan(0);
    expect(nonFinite(result.chips)).toEqual([]);
  });
});

describe('the last defence', () => {
  it('fails a run that works out a number that is not finite, naming the record', () => {
    // A registered allocation policy is trusted code; one that hands out NaN would otherwise reach the tables.
    registerPolicy('allocation', 'finite-test-nan', { allocate: (_output, orders) => orders.map(() => Number.NaN) });
    const raw = smallScenario();
    raw.suppliers[0].allocation = 'custom:finite-test-nan';
    expect(() => runScenario(compiled(raw), 3, 0)).toThrow(/^the run worked out a number that is not finite: \S+ = NaN \(/);
  });

  it('names the first non-finite number of a result by its place and record, and nothing in a finite one', () => {
    const result = runScenario(compiled(smallScenario()), 3, 0);
    expect(firstNonFinite(result)).toBeUndefined();
    const broken: RunResult = structuredClone(result);
    broken.labs[5]!.shortfallH100e = Number.NaN;
    expect(firstNonFinite(broken)).toBe(`labs[5].shortfallH100e = NaN (lab ${broken.labs[5]!.lab}, month ${broken.labs[5]!.month})`);
    broken.summary.labs[1]!.shortfallShare = Infinity;
    expect(firstNonFinite(broken)).toBe('summary.labs[1].shortfallShare = Infinity (lab anthropic)');
    const absent: RunResult = structuredClone(result);
    absent.summary.labs[0]!.tenderPriceUsdPerGpuHour = null;
    expect(firstNonFinite(absent)).toBeUndefined();
  });

  it('finds a NaN or an infinity in every number of every kind of record a run writes, nested ones too', () => {
    const result = runScenario(compiled(smallScenario()), 3, 0);
    const parts = ['labs', 'providers', 'suppliers', 'market', 'chips', 'tenders', 'events'] as const;
    let checked = 0;
    for (const part of parts) {
      const records = result[part] as unknown as Record<string, unknown>[];
      expect(records.length, part).toBeGreaterThan(0);
      // Every number of the first record of each kind, and of the objects it holds (a lab's shares, a tender's bids).
      const record = records.find((r) => part !== 'tenders' || (r.bids as unknown[]).length > 0)!;
      for (const path of numberPaths(record)) {
        for (const bad of [Number.NaN, -Infinity]) {
          const broken = structuredClone(result);
          setAt((broken[part] as unknown as Record<string, unknown>[])[records.indexOf(record)]!, path, bad);
          const found = firstNonFinite(broken);
          expect(found, `${part} ${path.join('.')}`).toMatch(new RegExp(`^${part}\\[${records.indexOf(record)}\\]`));
          expect(found).toContain(`${path.at(-1)} = ${bad}`);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});

/** The paths of every number in `value`, as lists of keys and indices. */
function numberPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'number') return [path];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => numberPaths(item, [...path, Array.isArray(value) ? Number(key) : key]));
}

function setAt(target: Record<string, unknown>, path: (string | number)[], value: number): void {
  let at: any = target;
  for (const key of path.slice(0, -1)) at = at[key];
  at[path.at(-1)!] = value;
}
