import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../src/kernel/random.js';
import { pricingPolicy } from '../../src/market/build.js';
import { lookupPolicy, registerPolicy } from '../../src/market/policies.js';
import type { Award, Offer, OrderView, ProcurementRequest, QuoteContext } from '../../src/market/policies.js';
import { ParameterSampler } from '../../src/scenario/sample.js';
import type { PricingSpec } from '../../src/scenario/schema.js';
import { compiled, smallScenario } from '../support/scenarios.js';

/** Unit tests of the built-in policies, one decision at a time, with hand-computed answers. */

const context = (overrides: Partial<QuoteContext> = {}): QuoteContext => ({
  costUsdPerGpuHour: 1,
  utilization: 0.5,
  targetUtilization: 0.8,
  bidders: 1,
  spotUsdPerGpuHour: 2,
  t: 0,
  year: 2025,
  ...overrides,
});

describe('pricing policies', () => {
  it('costPlus marks cost up by the margin, whatever the utilisation and the bidders', () => {
    const policy = lookupPolicy('pricing', 'costPlus')({ margin: 0.4 });
    expect(policy.price(context({ costUsdPerGpuHour: 2 }))).toBeCloseTo(2.8, 12);
    expect(policy.price(context({ costUsdPerGpuHour: 2, utilization: 1, bidders: 5 }))).toBeCloseTo(2.8, 12);
    expect(lookupPolicy('pricing', 'costPlus')({}).price(context({ costUsdPerGpuHour: 1.7 }))).toBe(1.7);
  });

  it('utilization charges the base margin up to the target, then climbs linearly to the scarcity markup at full', () => {
    const policy = lookupPolicy('pricing', 'utilization')({ margin: 0.3, scarcityMarkup: 1.5 });
    const at = (utilization: number): number => policy.price(context({ costUsdPerGpuHour: 2, utilization, targetUtilization: 0.8 }));
    expect(at(0)).toBeCloseTo(2.6, 12);
    expect(at(0.8)).toBeCloseTo(2.6, 12);
    expect(at(0.9)).toBeCloseTo(2 * (1 + 0.3 + 1.5 * 0.5), 12);
    expect(at(1)).toBeCloseTo(2 * (1 + 0.3 + 1.5), 12);
    // Monotone in utilisation.
    const grid = Array.from({ length: 21 }, (_, i) => at(i / 20));
    for (let i = 1; i < grid.length; i++) expect(grid[i]!).toBeGreaterThanOrEqual(grid[i - 1]!);
  });

  it('utilization with a target of 1 never adds scarcity (no division by zero)', () => {
    const policy = lookupPolicy('pricing', 'utilization')({ margin: 0.3, scarcityMarkup: 1.5 });
    expect(policy.price(context({ utilization: 1, targetUtilization: 1 }))).toBeCloseTo(1.3, 12);
  });

  it('competitive: margin / bidders^elasticity, so each extra bidder lowers the quote', () => {
    const policy = lookupPolicy('pricing', 'competitive')({ margin: 0.8, elasticity: 0.7 });
    const quote = (bidders: number): number => policy.price(context({ costUsdPerGpuHour: 1.5, bidders }));
    expect(quote(1)).toBeCloseTo(1.5 * 1.8, 12);
    expect(quote(3)).toBeCloseTo(1.5 * (1 + 0.8 / Math.pow(3, 0.7)), 12);
    for (let n = 2; n <= 10; n++) {
      expect(quote(n)).toBeLessThan(quote(n - 1));
      expect(quote(n)).toBeGreaterThan(1.5);
    }
    // Fewer than one bidder counts as one: a lone provider keeps its full margin.
    expect(quote(0)).toBe(quote(1));
    // Elasticity 0: no leverage at all.
    const flat = lookupPolicy('pricing', 'competitive')({ margin: 0.8, elasticity: 0 });
    expect(flat.price(context({ bidders: 5 }))).toBeCloseTo(1.8, 12);
  });

  it('a formula in the scenario reads cost, utilization, bidders, spot, t and year', () => {
    const raw = smallScenario();
    const expression = 'cost * (1 + 0.3 * utilization) / sqrt(bidders) + 0.01 * spot + 0.001 * t + 0 * year';
    raw.providers[0].pricing = { policy: 'formula', expression };
    const scenario = compiled(raw);
    const sampler = new ParameterSampler(new RandomStreams(1, 0));
    const policy = pricingPolicy(scenario, scenario.spec.providers[0]!.pricing, 'providers[0].pricing', 'providers.azure.pricing', sampler);
    const c = context({ costUsdPerGpuHour: 2, utilization: 0.5, bidders: 4, spotUsdPerGpuHour: 3, t: 2 });
    expect(policy.price(c)).toBeCloseTo((2 * 1.15) / 2 + 0.03 + 0.002, 12);
    // The scope is reused between calls: a second quote must not see the first one's values.
    expect(policy.price(context({ costUsdPerGpuHour: 1, utilization: 0, bidders: 1, spotUsdPerGpuHour: 0, t: 0 }))).toBeCloseTo(1, 12);
  });

  it('the competitive parameters are drawn once per run when they are distributions', () => {
    const spec = { policy: 'competitive', margin: { uniform: { min: 0.5, max: 0.6 } }, elasticity: 1 } as PricingSpec;
    const scenario = compiled(smallScenario());
    const sampler = new ParameterSampler(new RandomStreams(3, 0));
    const policy = pricingPolicy(scenario, spec, 'unused', 'providers.azure.pricing', sampler);
    const margin = sampler.sampled['providers.azure.pricing.margin']!;
    expect(margin).toBeGreaterThanOrEqual(0.5);
    expect(margin).toBeLessThan(0.6);
    expect(policy.price(context({ bidders: 2 }))).toBeCloseTo(1 + margin / 2, 12);
  });

  it('a registered pricing policy gets its numeric params', () => {
    registerPolicy('pricing', 'spot-linked', ({ k = 0 }) => ({ price: (c) => c.spotUsdPerGpuHour * k }));
    const scenario = compiled(smallScenario());
    const sampler = new ParameterSampler(new RandomStreams(1, 0));
    const spec = { policy: 'custom:spot-linked', params: { k: 1.5 } } as PricingSpec;
    const policy = pricingPolicy(scenario, spec, 'unused', 'providers.azure.pricing', sampler);
    expect(policy.price(context({ spotUsdPerGpuHour: 2 }))).toBe(3);
  });
});

/** A request with an unlimited budget unless told otherwise. */
function request(overrides: Partial<ProcurementRequest> = {}): ProcurementRequest {
  return {
    lab: 'lab',
    needH100e: 100,
    heldH100e: {},
    incumbent: undefined,
    maxShare: 1,
    priceCeilingUsdPerGpuHour: Infinity,
    affordableH100e: () => Infinity,
    ...overrides,
  };
}

const offer = (provider: string, priceUsdPerGpuHour: number, volumeH100e = 1000, floorUsdPerGpuHour = 1): Offer => ({
  provider,
  volumeH100e,
  priceUsdPerGpuHour,
  floorUsdPerGpuHour,
});

const byProvider = (awards: Award[]): Record<string, number> => Object.fromEntries(awards.map((a) => [a.provider, a.volumeH100e]));

describe('procurement: multi', () => {
  const multi = lookupPolicy('procurement', 'multi');

  it('buys the cheapest first, at each provider\'s own price', () => {
    const awards = multi.award(request(), [offer('b', 2.5), offer('a', 2), offer('c', 3)]);
    expect(awards).toEqual([{ provider: 'a', volumeH100e: 100, priceUsdPerGpuHour: 2, matched: false }]);
  });

  it('spills to the next cheapest when the cheapest cannot offer enough', () => {
    const awards = multi.award(request(), [offer('b', 2.5, 1000), offer('a', 2, 30), offer('c', 3)]);
    expect(awards).toEqual([
      { provider: 'a', volumeH100e: 30, priceUsdPerGpuHour: 2, matched: false },
      { provider: 'b', volumeH100e: 70, priceUsdPerGpuHour: 2.5, matched: false },
    ]);
  });

  it('caps each provider at the maximum share of what the lab will hold, counting what it holds already', () => {
    // Holding 100 (60 at a, 40 at b) and needing 100 more: total 200, a may hold 0.4 * 200 = 80, so 20 more.
    const awards = multi.award(request({ maxShare: 0.4, heldH100e: { a: 60, b: 40 } }), [offer('a', 1), offer('b', 2), offer('c', 3)]);
    expect(byProvider(awards)).toEqual({ a: 20, b: 40, c: 40 });
    const held: Record<string, number> = { a: 60, b: 40 };
    for (const a of awards) expect(a.volumeH100e + (held[a.provider] ?? 0)).toBeLessThanOrEqual(0.4 * 200 + 1e-9);
  });

  it('leaves need unmet rather than break the share cap', () => {
    const awards = multi.award(request({ maxShare: 0.5 }), [offer('a', 1)]);
    expect(byProvider(awards)).toEqual({ a: 50 });
  });

  it('skips offers above the price ceiling', () => {
    const awards = multi.award(request({ priceCeilingUsdPerGpuHour: 2.2 }), [offer('a', 2.5), offer('b', 2.2, 40), offer('c', 3)]);
    expect(awards).toEqual([{ provider: 'b', volumeH100e: 40, priceUsdPerGpuHour: 2.2, matched: false }]);
  });

  it('buys no more than the budget affords at the price', () => {
    const awards = multi.award(request({ affordableH100e: (price) => 120 / price }), [offer('a', 2)]);
    expect(awards).toEqual([{ provider: 'a', volumeH100e: 60, priceUsdPerGpuHour: 2, matched: false }]);
  });

  it('keeps to the budget across the providers of one round', () => {
    // The budget affords 120 / price H100e (120 USD of commitments). Buying 60 at 2 spends all of it, so
    // nothing is left for b.
    // Awards of one round share one budget.
    const awards = multi.award(request({ affordableH100e: (price) => 120 / price }), [offer('a', 2, 60), offer('b', 3)]);
    expect(awards[0]).toEqual({ provider: 'a', volumeH100e: 60, priceUsdPerGpuHour: 2, matched: false });
    const committed = awards.reduce((sum, a) => sum + a.volumeH100e * a.priceUsdPerGpuHour, 0);
    expect(committed).toBeLessThanOrEqual(120 * (1 + 1e-12));
  });

  it('breaks price ties by provider id, so runs do not depend on the order of offers', () => {
    const one = multi.award(request({ maxShare: 0.5 }), [offer('z', 2), offer('a', 2)]);
    const two = multi.award(request({ maxShare: 0.5 }), [offer('a', 2), offer('z', 2)]);
    expect(one).toEqual(two);
    expect(one[0]!.provider).toBe('a');
  });

  it('awards nothing when nothing is needed', () => {
    expect(multi.award(request({ needH100e: 0 }), [offer('a', 1)])).toEqual([]);
  });
});

describe('procurement: exclusive', () => {
  const exclusive = lookupPolicy('procurement', 'exclusive');

  it('buys from the incumbent only, at its price, even when others are cheaper', () => {
    const awards = exclusive.award(request({ incumbent: 'b' }), [offer('a', 1), offer('b', 3), offer('c', 0.5)]);
    expect(awards).toEqual([{ provider: 'b', volumeH100e: 100, priceUsdPerGpuHour: 3, matched: false }]);
  });

  it('leaves the lab short rather than go elsewhere when the incumbent cannot supply enough', () => {
    const awards = exclusive.award(request({ incumbent: 'b' }), [offer('a', 1), offer('b', 3, 30)]);
    expect(awards).toEqual([{ provider: 'b', volumeH100e: 30, priceUsdPerGpuHour: 3, matched: false }]);
  });

  it('buys nothing above the ceiling, nothing without an incumbent offer, and within the budget', () => {
    expect(exclusive.award(request({ incumbent: 'b', priceCeilingUsdPerGpuHour: 2 }), [offer('a', 1), offer('b', 3)])).toEqual([]);
    expect(exclusive.award(request({ incumbent: 'x' }), [offer('a', 1)])).toEqual([]);
    expect(byProvider(exclusive.award(request({ incumbent: 'a', affordableH100e: (p) => 50 / p }), [offer('a', 2)]))).toEqual({ a: 25 });
    expect(exclusive.award(request({ incumbent: 'a', affordableH100e: () => 0 }), [offer('a', 2)])).toEqual([]);
  });
});

describe('procurement: right of first refusal', () => {
  const rofr = lookupPolicy('procurement', 'rightOfFirstRefusal');

  it('the incumbent matches a cheaper competitor that is above its cost, and keeps the volume at that price', () => {
    const awards = rofr.award(request({ incumbent: 'inc' }), [offer('inc', 3, 1000, 1), offer('x', 2, 1000, 0.5), offer('y', 2.5)]);
    expect(awards).toEqual([{ provider: 'inc', volumeH100e: 100, priceUsdPerGpuHour: 2, matched: true }]);
  });

  it('the incumbent cannot match below its cost: the competitor gets the volume at its own price', () => {
    const awards = rofr.award(request({ incumbent: 'inc' }), [offer('inc', 3, 1000, 2.2), offer('x', 2, 1000, 0.5)]);
    expect(awards).toEqual([{ provider: 'x', volumeH100e: 100, priceUsdPerGpuHour: 2, matched: false }]);
  });

  it('matching at exactly the incumbent\'s cost is allowed', () => {
    const awards = rofr.award(request({ incumbent: 'inc' }), [offer('inc', 3, 1000, 2), offer('x', 2)]);
    expect(awards).toEqual([{ provider: 'inc', volumeH100e: 100, priceUsdPerGpuHour: 2, matched: true }]);
  });

  it('an incumbent already cheapest keeps the volume at its own price, without matching', () => {
    const awards = rofr.award(request({ incumbent: 'inc' }), [offer('inc', 1.5), offer('x', 2)]);
    expect(awards).toEqual([{ provider: 'inc', volumeH100e: 100, priceUsdPerGpuHour: 1.5, matched: false }]);
  });

  it('what the incumbent cannot supply goes to the others, cheapest first', () => {
    const awards = rofr.award(request({ incumbent: 'inc' }), [offer('inc', 3, 30, 1), offer('x', 2, 50), offer('y', 2.5)]);
    expect(awards).toEqual([
      { provider: 'inc', volumeH100e: 30, priceUsdPerGpuHour: 2, matched: true },
      { provider: 'x', volumeH100e: 50, priceUsdPerGpuHour: 2, matched: false },
      { provider: 'y', volumeH100e: 20, priceUsdPerGpuHour: 2.5, matched: false },
    ]);
  });

  it('with no competing offer the incumbent sells at its own price; with no incumbent offer it is open multi-cloud', () => {
    expect(rofr.award(request({ incumbent: 'inc' }), [offer('inc', 3)])).toEqual([{ provider: 'inc', volumeH100e: 100, priceUsdPerGpuHour: 3, matched: false }]);
    expect(rofr.award(request({ incumbent: 'inc', maxShare: 0.5 }), [offer('x', 2), offer('y', 3)])).toEqual([
      { provider: 'x', volumeH100e: 50, priceUsdPerGpuHour: 2, matched: false },
      { provider: 'y', volumeH100e: 50, priceUsdPerGpuHour: 3, matched: false },
    ]);
  });

  it('the ceiling binds the matched price too', () => {
    // The best competitor (2.5) is above the ceiling (2.4): nobody gets the volume.
    expect(rofr.award(request({ incumbent: 'inc', priceCeilingUsdPerGpuHour: 2.4 }), [offer('inc', 3), offer('x', 2.5)])).toEqual([]);
  });

  it('the incumbent takes no more than the budget affords at the matched price', () => {
    const awards = rofr.award(request({ incumbent: 'inc', affordableH100e: (p) => 100 / p }), [offer('inc', 3), offer('x', 2)]);
    expect(awards[0]).toEqual({ provider: 'inc', volumeH100e: 50, priceUsdPerGpuHour: 2, matched: true });
  });
});

describe('allocation of scarce output', () => {
  const orders: OrderView[] = [
    { provider: 'a', remainingH100e: 50, day: 0 },
    { provider: 'b', remainingH100e: 30, day: 10 },
    { provider: 'c', remainingH100e: 20, day: 20 },
  ];

  it('firstCome fills orders in the order they were placed', () => {
    expect(lookupPolicy('allocation', 'firstCome').allocate(60, orders, [])).toEqual([50, 10, 0]);
    expect(lookupPolicy('allocation', 'firstCome').allocate(500, orders, [])).toEqual([50, 30, 20]);
  });

  it('proRata gives each order the same share of what it asked, never more than it asked', () => {
    const given = lookupPolicy('allocation', 'proRata').allocate(60, orders, []);
    expect(given[0]).toBeCloseTo(30, 12);
    expect(given[1]).toBeCloseTo(18, 12);
    expect(given[2]).toBeCloseTo(12, 12);
    expect(lookupPolicy('allocation', 'proRata').allocate(500, orders, [])).toEqual([50, 30, 20]);
    expect(lookupPolicy('allocation', 'proRata').allocate(10, [], [])).toEqual([]);
  });

  it('priority serves the ranked providers first, in rank order, then the others first come', () => {
    const priority = lookupPolicy('allocation', 'priority');
    expect(priority.allocate(60, orders, ['c', 'b'])).toEqual([10, 30, 20]);
    expect(priority.allocate(40, orders, ['b'])).toEqual([10, 30, 0]);
    expect(priority.allocate(60, orders, [])).toEqual([50, 10, 0]);
  });

  it('no policy gives out more than the output or more than an order asks', () => {
    for (const name of ['firstCome', 'proRata', 'priority']) {
      for (const output of [0, 1, 37, 99.5, 100, 1e6]) {
        const given = lookupPolicy('allocation', name).allocate(output, orders, ['b']);
        expect(given.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(Math.min(output, 100) * (1 + 1e-12));
        given.forEach((g, i) => {
          expect(g).toBeGreaterThanOrEqual(0);
          expect(g).toBeLessThanOrEqual(orders[i]!.remainingH100e);
        });
      }
    }
  });
});

describe('ordering', () => {
  it('targetUtilization orders the gap between load / target and the pipeline, never a negative amount', () => {
    const ordering = lookupPolicy('ordering', 'targetUtilization');
    expect(ordering.order({ expectedLoadH100e: 800, targetUtilization: 0.8, pipelineH100e: 600 })).toBeCloseTo(400, 9);
    expect(ordering.order({ expectedLoadH100e: 800, targetUtilization: 0.8, pipelineH100e: 2000 })).toBe(0);
    expect(Number.isFinite(ordering.order({ expectedLoadH100e: 800, targetUtilization: 0, pipelineH100e: 0 }))).toBe(true);
  });
});

describe('the policy registry', () => {
  it('names the available policies when asked for an unknown one', () => {
    expect(() => lookupPolicy('pricing', 'auction')).toThrow(/unknown pricing policy 'auction'; available: costPlus, utilization, competitive/);
    expect(() => lookupPolicy('procurement', 'solo')).toThrow(/unknown procurement policy 'solo'; available: multi, exclusive, rightOfFirstRefusal/);
    expect(() => lookupPolicy('allocation', 'lottery')).toThrow(/available: firstCome, proRata, priority/);
    expect(() => lookupPolicy('ordering', 'never')).toThrow(/available: targetUtilization/);
  });

  it('lists registered policies among the available ones, and finds them by custom:NAME', () => {
    const halve = { allocate: (output: number, orders: readonly OrderView[]) => orders.map(() => output / 2 / Math.max(1, orders.length)) };
    registerPolicy('allocation', 'halve', halve);
    expect(lookupPolicy('allocation', 'custom:halve')).toBe(halve);
    expect(() => lookupPolicy('allocation', 'halve')).toThrow(/available: firstCome, proRata, priority, custom:halve/);
  });

  it('registering a name twice replaces the policy', () => {
    const first = { order: () => 1 };
    const second = { order: () => 2 };
    registerPolicy('ordering', 'twice', first);
    registerPolicy('ordering', 'twice', second);
    expect(lookupPolicy('ordering', 'custom:twice')).toBe(second);
  });

  it('rejects names a scenario could not write', () => {
    expect(() => registerPolicy('pricing', 'has space', () => ({ price: () => 1 }))).toThrow(RangeError);
    expect(() => registerPolicy('pricing', 'custom:x', () => ({ price: () => 1 }))).toThrow(/letters, digits/);
    expect(() => registerPolicy('pricing', '1st', () => ({ price: () => 1 }))).toThrow(RangeError);
  });
});
