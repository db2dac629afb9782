import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../src/kernel/random.js';
import { pricingPolicy } from '../../src/market/build.js';
import { lookupPolicy, registerPolicy } from '../../src/market/policies.js';
import type { BidView, OrderView, QuoteContext, TenderView } from '../../src/market/policies.js';
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

const bid = (provider: string, priceUsdPerGpuHour: number, volumeH100e = 1000): BidView => ({ provider, priceUsdPerGpuHour, volumeH100e });
const tender: TenderView = { lab: 'lab', sizeH100e: 1000, incumbent: 'inc', reserveUsdPerGpuHour: 3 };

describe('procurement strategies', () => {
  it('multi is an open tender, exclusive asks the incumbent alone, a right of first refusal lets the others bid and the incumbent match', () => {
    expect(lookupPolicy('procurement', 'multi').format).toBe('open');
    expect(lookupPolicy('procurement', 'exclusive').format).toBe('incumbent');
    expect(lookupPolicy('procurement', 'rightOfFirstRefusal').format).toBe('match');
  });

  it('each ranks the sealed bids cheapest first, equal bids in the order they came, without changing them', () => {
    for (const name of ['multi', 'exclusive', 'rightOfFirstRefusal']) {
      const bids = [bid('b', 2.5), bid('z', 2), bid('a', 2), bid('c', 3)];
      const before = JSON.stringify(bids);
      expect(lookupPolicy('procurement', name).rank(tender, bids).map((b) => b.provider)).toEqual(['z', 'a', 'b', 'c']);
      expect(JSON.stringify(bids)).toBe(before);
    }
  });

  it('a registered procurement policy chooses its own order within a format', () => {
    // A lab that prefers provider `a` whatever it bids: the engine awards the first bid it can take.
    registerPolicy('procurement', 'prefer-a', { format: 'open', rank: (_t, bids) => [...bids].sort((x, y) => Number(y.provider === 'a') - Number(x.provider === 'a')) });
    const ranked = lookupPolicy('procurement', 'custom:prefer-a').rank(tender, [bid('b', 1), bid('a', 2)]);
    expect(ranked[0]!.provider).toBe('a');
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

  it('rejects, when it is registered, a policy a run could not call, and a kind that is none', () => {
    // Registered, 42 was found out mid-batch ("rank is not a function"), with an empty output folder left.
    expect(() => registerPolicy('procurement', 'x', 42 as never)).toThrow("a procurement policy is { format: 'open' | 'incumbent' | 'match', rank(tender, bids) }; 'custom:x' is not");
    expect(() => registerPolicy('procurement', 'x', { format: 'sealed', rank: () => [] } as never)).toThrow(TypeError);
    expect(() => registerPolicy('pricing', 'x', { price: () => 1 } as never)).toThrow(/a pricing policy is a function/);
    expect(() => registerPolicy('allocation', 'x', (() => []) as never)).toThrow(/allocate/);
    expect(() => registerPolicy('ordering', 'x', {} as never)).toThrow(/order\(context\)/);
    expect(() => registerPolicy('bogus' as never, 'x', (() => ({})) as never)).toThrow("a policy is of one of the kinds pricing, procurement, allocation, ordering, got 'bogus'");
    expect(() => lookupPolicy('bogus' as never, 'x')).toThrow(/of one of the kinds/);
    expect(() => lookupPolicy('procurement', 'custom:x')).toThrow(/unknown procurement policy/);
  });
});
