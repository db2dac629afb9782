import { describe, expect, it } from 'vitest';
import { DAYS_PER_YEAR, HOURS_PER_DAY, daysBetween } from '../../src/market/calendar.js';
import { lookupPolicy, registerPolicy } from '../../src/market/policies.js';
import type { QuoteContext } from '../../src/market/policies.js';
import type { RunResult } from '../../src/market/results.js';
import { runScenario } from '../../src/market/run.js';
import { compiled, smallScenario } from '../support/scenarios.js';

/**
 * The model's behaviour, direction by direction. Each comparison runs both sides with the SAME seed
 * and run indices (common random numbers): the demand noise, lead times and shocks drawn are the
 * same on both sides, so the difference is the treatment, not the luck of the draw; averaging over
 * RUNS runs beats what noise is left.
 */

const SEED = 2025;
const RUNS = 20;

function replicate(raw: Record<string, unknown>, runs = RUNS): RunResult[] {
  const scenario = compiled(raw);
  return Array.from({ length: runs }, (_, i) => runScenario(scenario, SEED, i));
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

const labSummary = (result: RunResult, lab: string) => result.summary.labs.find((l) => l.lab === lab)!;

/** Contracts the lab signed during the run (the audit lists the scenario's initial contracts first). */
function signed(result: RunResult, lab: string, initial = 0) {
  return result.audit.contracts.slice(initial).filter((c) => c.lab === lab);
}

/** Volume-weighted price of the contracts a lab signed. */
function contractPrice(result: RunResult, lab: string): number {
  const contracts = signed(result, lab);
  const volume = contracts.reduce((s, c) => s + c.volumeH100e, 0);
  return contracts.reduce((s, c) => s + c.volumeH100e * c.priceUsdPerGpuHour, 0) / volume;
}

const H100 = { id: 'h100', release: '2024-06-01', perfH100e: 1, powerKw: 1.4, unitCostUsd: 30000, lifeYears: 5 };
// Cost per H100e-hour of a fleet of H100s at the default opex (0.35 USD/h): capital spread over the life, plus opex.
const H100_COST = 30000 / (5 * DAYS_PER_YEAR * HOURS_PER_DAY) + 0.35;

/** A provider with a fleet that neither grows (no capex) nor retires (2-year runs of 2024 chips). */
function staticProvider(id: string, units: number, pricing: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    id,
    fleet: { h100: units },
    powerMw: (units * 1.4) / 1000 + 10,
    powerBuildMwPerYear: 0,
    powerLeadTimeDays: 365,
    capexUsdPerYear: 0,
    suppliers: ['nvidia'],
    pricing,
    ...extra,
  };
}

/** Two years of a static world of H100s: what labs get is decided by procurement and pricing alone. */
function staticWorld(providers: Record<string, unknown>[], labs: Record<string, unknown>[], overrides: Record<string, unknown> = {}) {
  return smallScenario({
    start: '2025-01-01',
    end: '2026-12-31',
    chips: [H100],
    suppliers: [{ id: 'nvidia', products: [{ chip: 'h100' }], capacityUnitsPerMonth: 1000, leadTimeDays: 90 }],
    providers,
    labs,
    ...overrides,
  });
}

function lab(id: string, procurement: Record<string, unknown>, demand: Record<string, unknown> = {}, budgetUsdPerYear = 5e10) {
  return { id, demand: { initialH100e: 300000, growthPerYear: 1.3, volatility: 0.1, ...demand }, budgetUsdPerYear, procurement };
}

describe('leverage: multi-cloud against exclusivity', () => {
  it('a multi-cloud lab pays less on average than an exclusive one with the same incumbent, under competitive pricing', () => {
    const providers = ['azure', 'oracle', 'coreweave'];
    const world = (strategy: string) =>
      smallScenario({
        labs: [lab('openai', { strategy, providers, incumbent: 'azure' }, { growthPerYear: 1.6 }, 3e10)],
      });
    const multi = replicate(world('multi'));
    const exclusive = replicate(world('exclusive'));
    const multiPrice = mean(multi.map((r) => labSummary(r, 'openai').avgPriceUsdPerGpuHour));
    const exclusivePrice = mean(exclusive.map((r) => labSummary(r, 'openai').avgPriceUsdPerGpuHour));
    // Measured: multi 1.30 vs exclusive 1.75 USD/h (competitive, margin 0.8, elasticity 0.8: 3 bidders vs 1).
    expect(multiPrice).toBeLessThan(exclusivePrice * 0.85);
    // Run by run too: with the same draws, exclusivity never comes out cheaper.
    multi.forEach((r, i) => expect(labSummary(r, 'openai').avgPriceUsdPerGpuHour).toBeLessThan(labSummary(exclusive[i]!, 'openai').avgPriceUsdPerGpuHour));
  });
});

describe('supply shocks', () => {
  it('a large, long supplier shock raises the spot price and the labs\' shortfall against the same seeds without it', () => {
    const base = smallScenario();
    for (const p of base.providers) {
      p.pricing = { policy: 'utilization', margin: 0.3, scarcityMarkup: 1.5 };
      p.targetUtilization = 0.8;
    }
    const shocked = {
      ...base,
      shocks: [{ id: 'cowos', kind: 'packaging', target: { supplier: 'nvidia' }, arrival: { date: '2025-03-01' }, magnitude: 0.9, durationDays: 900 }],
    };
    const calm = replicate(base);
    const hit = replicate(shocked);
    const spot = (runs: RunResult[]) => mean(runs.map((r) => r.summary.avgSpotPriceUsdPerGpuHour));
    const shortfall = (runs: RunResult[]) => mean(runs.map((r) => mean(r.summary.labs.map((l) => l.shortfallShare))));
    // Measured: spot 1.51 -> 2.18 USD/h; shortfall 12.7% -> 36.3% of demand.
    expect(spot(hit)).toBeGreaterThan(spot(calm) * 1.2);
    expect(shortfall(hit)).toBeGreaterThan(shortfall(calm) + 0.1);
    // The shock is in the records: the supplier's capacity factor is 0.1 in the months it covers fully.
    const factors = hit[0]!.suppliers.map((s) => s.capacityFactor);
    expect(factors[3]).toBeCloseTo(0.1, 12);
    expect(factors[0]).toBe(1);
    expect(hit[0]!.events.filter((e) => e.kind === 'shock-start').map((e) => e.date)).toEqual(['2025-03-01']);
  });
});

describe('right of first refusal', () => {
  const rofrLab = lab('openai', { strategy: 'rightOfFirstRefusal', providers: ['azure', 'oracle'], incumbent: 'azure', intervalDays: 28 }, { volatility: 0.05 });

  it('an incumbent that can match a cheaper competitor keeps the volume, and the lab pays the competitor\'s price', () => {
    // Same chips, same opex: the same cost. Azure asks 1.8 x cost, Oracle 1.2 x cost: above Azure's cost, so Azure matches.
    const world = staticWorld([staticProvider('azure', 800000, { policy: 'costPlus', margin: 0.8 }), staticProvider('oracle', 800000, { policy: 'costPlus', margin: 0.2 })], [rofrLab]);
    const oraclePrice = H100_COST * 1.2;
    for (const result of replicate(world, 5)) {
      expect(result.providers.find((p) => p.provider === 'oracle')!.costUsdPerGpuHour).toBeCloseTo(H100_COST, 12);
      const contracts = signed(result, 'openai');
      expect(contracts.length).toBeGreaterThan(3);
      for (const c of contracts) {
        expect(c.provider).toBe('azure');
        expect(c.priceUsdPerGpuHour).toBeCloseTo(oraclePrice, 12);
      }
      const kinds = new Set(result.events.filter((e) => e.actor.startsWith('openai:')).map((e) => `${e.kind} ${e.actor}`));
      expect([...kinds]).toEqual(['matched openai:azure']);
      // Spot fills the rest of demand from the cheapest idle provider, Oracle, at the same price: every hour costs Oracle's price.
      expect(labSummary(result, 'openai').avgPriceUsdPerGpuHour).toBeCloseTo(oraclePrice, 9);
    }
  });

  it('an incumbent whose cost is above the competitor\'s price cannot match and loses the volume', () => {
    // Azure's opex makes its cost 2.18 USD/h; Oracle asks 1.24: below Azure's cost.
    const world = staticWorld(
      [staticProvider('azure', 800000, { policy: 'costPlus', margin: 0.8 }, { opexUsdPerGpuHour: 1.5 }), staticProvider('oracle', 800000, { policy: 'costPlus', margin: 0.2 })],
      [rofrLab],
    );
    for (const result of replicate(world, 5)) {
      const contracts = signed(result, 'openai');
      expect(contracts.length).toBeGreaterThan(3);
      for (const c of contracts) {
        expect(c.provider).toBe('oracle');
        expect(c.priceUsdPerGpuHour).toBeCloseTo(H100_COST * 1.2, 12);
      }
      expect(result.events.some((e) => e.kind === 'matched')).toBe(false);
      // Azure sells the lab nothing at all, neither reserved nor spot.
      expect(result.labs.every((l) => (l.shares.azure ?? 0) === 0)).toBe(true);
      expect(result.providers.filter((p) => p.provider === 'azure').every((p) => p.revenueUsd === 0)).toBe(true);
    }
  });
});

describe('exclusivity', () => {
  it('an exclusive lab never buys elsewhere, even when others are cheaper, idle, and it is short', () => {
    const world = staticWorld(
      [
        staticProvider('azure', 100000, { policy: 'costPlus', margin: 1.0 }),
        staticProvider('oracle', 600000, { policy: 'costPlus', margin: 0.1 }),
        staticProvider('coreweave', 600000, { policy: 'competitive', margin: 0.2, elasticity: 1 }),
      ],
      [lab('openai', { strategy: 'exclusive', providers: ['azure', 'oracle', 'coreweave'], incumbent: 'azure' }, { growthPerYear: 2 })],
    );
    for (const result of replicate(world, 10)) {
      expect(result.audit.contracts.length).toBeGreaterThan(0);
      for (const c of result.audit.contracts) expect(c.provider).toBe('azure');
      for (const record of result.labs) expect(Object.keys(record.shares).filter((p) => p !== 'azure')).toEqual([]);
      for (const p of result.providers) if (p.provider !== 'azure') expect(p.contractedH100e + p.spotH100e).toBe(0);
      // It is short, while the others sit idle and are cheaper.
      expect(labSummary(result, 'openai').shortfallShare).toBeGreaterThan(0.5);
      const oracle = result.providers.filter((p) => p.provider === 'oracle');
      const azure = result.providers.filter((p) => p.provider === 'azure');
      expect(oracle.every((p) => p.utilization === 0)).toBe(true);
      expect(oracle[0]!.costUsdPerGpuHour * 1.1).toBeLessThan(azure[0]!.avgPriceUsdPerGpuHour);
    }
  });
});

describe('bidders', () => {
  it('competitive quotes fall with each extra bidder', () => {
    const policy = lookupPolicy('pricing', 'competitive')({ margin: 0.8, elasticity: 0.8 });
    const context: QuoteContext = { costUsdPerGpuHour: 1.2, utilization: 0.9, targetUtilization: 0.85, bidders: 1, spotUsdPerGpuHour: 2, t: 1, year: 2026 };
    const quotes = [1, 2, 3, 4, 6].map((bidders) => policy.price({ ...context, bidders }));
    for (let i = 1; i < quotes.length; i++) expect(quotes[i]!).toBeLessThan(quotes[i - 1]!);
    expect(quotes[0]! / quotes[2]!).toBeGreaterThan(1.3);
  });

  it('a lab that can ask three providers signs cheaper contracts than one that can ask one', () => {
    const providers = ['azure', 'oracle', 'coreweave'].map((id) => staticProvider(id, 600000, { policy: 'competitive', margin: 0.8, elasticity: 0.8 }));
    const world = (eligible: string[]) => staticWorld(providers, [lab('openai', { strategy: 'multi', providers: eligible })]);
    const one = replicate(world(['azure']));
    const three = replicate(world(['azure', 'oracle', 'coreweave']));
    const price1 = mean(one.map((r) => contractPrice(r, 'openai')));
    const price3 = mean(three.map((r) => contractPrice(r, 'openai')));
    // Measured: 1.86 (1 bidder: cost x 1.8) vs 1.38 USD/h (3 bidders: cost x (1 + 0.8 / 3^0.8)).
    expect(price1).toBeCloseTo(H100_COST * 1.8, 9);
    expect(price3).toBeCloseTo(H100_COST * (1 + 0.8 / Math.pow(3, 0.8)), 9);
    expect(price3).toBeLessThan(price1 * 0.8);
  });
});

describe('registered policies', () => {
  it('a pricing policy registered as custom:flat sets every contract\'s price', () => {
    registerPolicy('pricing', 'flat', () => ({ price: () => 2 }));
    const world = smallScenario();
    for (const p of world.providers) p.pricing = { policy: 'custom:flat' };
    for (const result of replicate(world, 3)) {
      expect(result.audit.contracts.length).toBeGreaterThan(0);
      for (const c of result.audit.contracts) expect(c.priceUsdPerGpuHour).toBe(2);
      for (const l of result.summary.labs) expect(l.avgPriceUsdPerGpuHour).toBeCloseTo(2, 12);
      for (const m of result.market) if (m.contractPriceUsdPerGpuHour > 0) expect(m.contractPriceUsdPerGpuHour).toBeCloseTo(2, 12);
      expect(result.market.some((m) => m.spotPriceUsdPerGpuHour === 2)).toBe(true);
    }
  });
});

/** An exclusive lab (Azure) that can be let loose on Oracle and CoreWeave by the timeline; a round every month. */
const world = (timeline: Record<string, unknown>[]) =>
  staticWorld(
    [
      staticProvider('azure', 200000, { policy: 'competitive', margin: 0.8, elasticity: 0.8 }),
      staticProvider('oracle', 600000, { policy: 'competitive', margin: 0.8, elasticity: 0.8 }),
      staticProvider('coreweave', 600000, { policy: 'competitive', margin: 0.8, elasticity: 0.8 }),
    ],
    [lab('openai', { strategy: 'exclusive', providers: ['azure', 'oracle', 'coreweave'], incumbent: 'azure', intervalDays: 28 })],
    { timeline },
  );

/** One lab buying from Azure alone, which has room for it all: a contract every month as demand grows. */
const growingLab = (timeline: Record<string, unknown>[]) =>
  staticWorld(
    [staticProvider('azure', 2000000, { policy: 'competitive', margin: 0.8, elasticity: 0.8 })],
    [lab('openai', { strategy: 'multi', providers: ['azure'], intervalDays: 28 })],
    { timeline },
  );

describe('the timeline', () => {

  it('a change of strategy takes effect on its date: the incumbent alone before, others after', () => {
    const change = '2025-07-01';
    const day = daysBetween('2025-01-01', change);
    const firstMonthAfter = 6;
    for (const result of replicate(world([{ date: change, set: { 'labs.openai.procurement.strategy': 'multi' }, note: 'exclusivity ends' }]), 5)) {
      const contracts = result.events.filter((e) => e.kind === 'contract' || e.kind === 'matched');
      const before = contracts.filter((e) => e.day < day);
      const after = contracts.filter((e) => e.day >= day);
      expect(before.length).toBeGreaterThan(0);
      expect(new Set(before.map((e) => e.actor))).toEqual(new Set(['openai:azure']));
      // The round on the change's date already asks everyone.
      expect(after.filter((e) => e.day === day).some((e) => e.actor !== 'openai:azure')).toBe(true);
      for (const record of result.labs.filter((l) => l.month < firstMonthAfter)) expect(Object.keys(record.shares)).toEqual(['azure']);
      for (const record of result.labs.filter((l) => l.month >= firstMonthAfter)) expect(record.providers).toBeGreaterThan(1);
      const policy = result.events.filter((e) => e.kind === 'policy');
      expect(policy.map((e) => [e.date, e.actor])).toEqual([[change, 'labs.openai']]);
      expect(policy[0]!.detail).toContain('exclusivity ends');
      // Leverage shows in the price: contracts signed after the change are cheaper.
      const prices = (es: typeof contracts) => es.map((e) => Number(/at ([\d.]+) USD/.exec(e.detail)![1]));
      expect(Math.max(...prices(after))).toBeLessThan(Math.min(...prices(before)));
    }
  });

  it('a change of providers and of a pricing margin take effect on their date', () => {
    const change = '2025-10-01';
    const day = daysBetween('2025-01-01', change);
    const timeline = [
      { date: '2025-01-15', set: { 'labs.openai.procurement.strategy': 'multi', 'labs.openai.procurement.providers': ['azure'] } },
      { date: change, set: { 'labs.openai.procurement.providers': ['azure', 'oracle'], 'providers.azure.pricing.margin': 0.1 } },
    ];
    for (const result of replicate(world(timeline), 3)) {
      const contracts = result.events.filter((e) => e.kind === 'contract');
      expect(new Set(contracts.filter((e) => e.day < day).map((e) => e.actor))).toEqual(new Set(['openai:azure']));
      expect(contracts.some((e) => e.day >= day && e.actor === 'openai:oracle')).toBe(true);
      const azureBefore = result.audit.contracts.filter((c) => c.provider === 'azure' && c.startDay < day);
      const azureAfter = result.audit.contracts.filter((c) => c.provider === 'azure' && c.startDay >= day);
      for (const c of azureBefore) expect(c.priceUsdPerGpuHour).toBeCloseTo(H100_COST * 1.8, 9);
      // From the change on, Azure quotes with margin 0.1 against 2 bidders.
      for (const c of azureAfter) expect(c.priceUsdPerGpuHour).toBeCloseTo(H100_COST * (1 + 0.1 / Math.pow(2, 0.8)), 9);
    }
  });

  it('a change dated on the start date applies before the first procurement round', () => {
    // The first decisions come after the start day's dated changes, like every month's.
    const result = runScenario(compiled(world([{ date: '2025-01-01', set: { 'labs.openai.procurement.strategy': 'multi' } }])), SEED, 0);
    const first = result.events.filter((e) => e.day === 0 && e.kind === 'contract');
    expect(first.some((e) => e.actor !== 'openai:azure')).toBe(true);
  });

  it('a formula pricing changed by the timeline quotes with the new expression', () => {
    // A new formula set by the timeline replaces the one written in the file.
    const raw = growingLab([{ date: '2025-07-01', set: { 'providers.azure.pricing.expression': 'cost * 3' } }]);
    raw.providers[0].pricing = { policy: 'formula', expression: 'cost * 2' };
    const result = runScenario(compiled(raw), SEED, 0);
    const day = daysBetween('2025-01-01', '2025-07-01');
    const before = result.audit.contracts.filter((c) => c.startDay < day);
    const after = result.audit.contracts.filter((c) => c.startDay >= day);
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    for (const c of before) expect(c.priceUsdPerGpuHour).toBeCloseTo(H100_COST * 2, 9);
    for (const c of after) expect(c.priceUsdPerGpuHour).toBeCloseTo(H100_COST * 3, 9);
  });

  it('removing the price ceiling (set to null) in the timeline runs', () => {
    // null lifts a price ceiling.
    const raw = world([{ date: '2025-07-01', set: { 'labs.openai.procurement.priceCeilingUsdPerGpuHour': null } }]);
    raw.labs[0].procurement.priceCeilingUsdPerGpuHour = 1;
    expect(() => runScenario(compiled(raw), SEED, 0)).not.toThrow();
  });
});

describe('budgets and the calendar', () => {
  it('a lab never commits more than its yearly budget', () => {
    // Every award of a round comes out of the same budget.
    const raw = smallScenario({
      labs: [lab('openai', { strategy: 'multi', providers: ['azure', 'oracle', 'coreweave'], maxShare: 0.4, coverage: 1 }, { initialH100e: 600000, volatility: 0 }, 3e9)],
    });
    const result = runScenario(compiled(raw), SEED, 0);
    for (let year = 0; year < 3; year++) {
      const spend = result.labs.filter((l) => Math.floor(l.month / 12) === year).reduce((s, l) => s + l.spendUsd, 0);
      expect(spend).toBeLessThanOrEqual(3e9 * 1.01);
    }
  });

  it('providers offer what they will have at the round\'s horizon, with internal demand read at that date', () => {
    // Internal demand is read at the horizon's calendar year, counted once from the start.
    const raw = growingLab([]);
    raw.providers[0].internalDemandH100e = 'year >= 2027 ? 1e9 : 0';
    const result = runScenario(compiled(raw), SEED, 0);
    const lastContract = Math.max(...result.audit.contracts.map((c) => c.startDay));
    // A round on day d asks for the horizon d + 28; the last horizon before 2027 is in December 2026.
    expect(lastContract).toBeGreaterThan(daysBetween('2025-01-01', '2026-09-01'));
  });
});

describe('reserved contracts and the market records', () => {
  it('a provider does not sell capacity already reserved: a reserved contract is delivered in full', () => {
    // A contract starts on the round's day, so an offer is bounded by what is free now, not only at the horizon.
    const raw = staticWorld(
      [staticProvider('azure', 100000, { policy: 'costPlus', margin: 0.5 })],
      [
        lab('openai', { strategy: 'multi', providers: ['azure'], coverage: 0 }, { initialH100e: 100000, growthPerYear: 1, volatility: 0 }),
        lab('anthropic', { strategy: 'multi', providers: ['azure'] }, { initialH100e: 100000, growthPerYear: 1, volatility: 0 }),
      ],
      { contracts: [{ lab: 'openai', provider: 'azure', volumeH100e: 100000, priceUsdPerGpuHour: 2, start: '2025-01-01', end: '2025-03-01' }] },
    );
    const result = runScenario(compiled(raw), SEED, 0);
    const openai = result.labs.filter((l) => l.lab === 'openai' && l.month < 2);
    for (const month of openai) expect(month.contractedH100e).toBeCloseTo(100000, 6);
  });

  it('the contract price index is the price of the contracts, however small they are next to spot', () => {
    // The contract price index is accumulated where contracts are paid, not derived by a subtraction.
    const raw = staticWorld(
      [staticProvider('azure', 800000, { policy: 'costPlus', margin: 0.5 })],
      [lab('openai', { strategy: 'multi', providers: ['azure'], coverage: 0 }, { initialH100e: 100000, growthPerYear: 1, volatility: 0 })],
      { contracts: [{ lab: 'openai', provider: 'azure', volumeH100e: 1e-6, priceUsdPerGpuHour: 2, start: '2025-01-01', end: '2026-12-31' }] },
    );
    const result = runScenario(compiled(raw), SEED, 0);
    expect(result.labs[0]!.spotH100e).toBeGreaterThan(50000);
    for (const m of result.market) expect(m.contractPriceUsdPerGpuHour).toBeCloseTo(2, 9);
  });
});
