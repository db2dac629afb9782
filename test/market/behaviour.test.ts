import { describe, expect, it } from 'vitest';
import { pairedDifference } from '../../src/experiment/statistics.js';
import { DAYS_PER_YEAR, HOURS_PER_DAY, daysBetween } from '../../src/market/calendar.js';
import { registerPolicy } from '../../src/market/policies.js';
import type { RunResult, TenderRecord } from '../../src/market/results.js';
import { runScenario } from '../../src/market/run.js';
import { compiled, smallScenario } from '../support/scenarios.js';

/**
 * The model's behaviour, direction by direction, as theory and evidence predict it. Each comparison
 * runs both sides with the SAME seed and run indices (common random numbers): demand noise, lead
 * times, shocks and the providers' private costs of each tender are the same on both sides, so the
 * difference is the treatment. A difference is asserted through its paired 95% confidence interval.
 */

const SEED = 2025;

function replicate(raw: Record<string, unknown>, runs = 30): RunResult[] {
  const scenario = compiled(raw);
  return Array.from({ length: runs }, (_, i) => runScenario(scenario, SEED, i));
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** The paired difference b - a, run by run, and its 95% CI. */
function difference(a: RunResult[], b: RunResult[], metric: (r: RunResult) => number): { mean: number; low: number; high: number } {
  const d = pairedDifference(a.map(metric), b.map(metric));
  return { mean: d.mean, low: d.ciLow, high: d.ciHigh };
}

/** b - a is positive with 95% confidence. */
function expectAbove(a: RunResult[], b: RunResult[], metric: (r: RunResult) => number): void {
  const d = difference(a, b, metric);
  expect(d.low, `paired difference ${d.mean} [${d.low}, ${d.high}]`).toBeGreaterThan(0);
}

const labSummary = (result: RunResult, lab: string) => result.summary.labs.find((l) => l.lab === lab)!;

/** Contracts the lab signed during the run (the audit lists the scenario's initial contracts first). */
function signed(result: RunResult, lab: string, initial = 0) {
  return result.audit.contracts.slice(initial).filter((c) => c.lab === lab);
}

const H100 = { id: 'h100', release: '2024-06-01', perfH100e: 1, powerKw: 1.4, unitCostUsd: 30000, lifeYears: 5 };
// Cost per H100e-hour of a fleet of H100s at the default opex (0.35 USD/h): capital spread over the life, plus opex.
const H100_COST = 30000 / (5 * DAYS_PER_YEAR * HOURS_PER_DAY) + 0.35;

/** A provider with a fleet that neither grows (no capex) nor retires (3-year runs of 2024 chips). */
function staticProvider(id: string, units: number, pricing: Record<string, unknown> = { policy: 'costPlus', margin: 0.1 }, extra: Record<string, unknown> = {}) {
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

/** A static world of H100s: what labs get is decided by tenders, spot and pricing alone. */
function staticWorld(providers: Record<string, unknown>[], labs: Record<string, unknown>[], overrides: Record<string, unknown> = {}) {
  return smallScenario({
    start: '2025-01-01',
    end: '2027-12-31',
    chips: [H100],
    suppliers: [{ id: 'nvidia', products: [{ chip: 'h100' }], capacityUnitsPerMonth: 1000, leadTimeDays: 90 }],
    providers,
    labs,
    ...overrides,
  });
}

function lab(id: string, procurement: Record<string, unknown>, demand: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return { id, demand: { initialH100e: 400000, growthPerYear: 1.5, volatility: 0.05, ...demand }, budgetUsdPerYear: 1e11, willingnessToPayUsdPerGpuHour: 6, procurement, ...extra };
}

const PROVIDERS = ['azure', 'oracle', 'coreweave', 'google-cloud', 'aws', 'lambda'];

/**
 * Symmetric providers with ample capacity and one lab tendering blocks of 50,000 H100e a quarter,
 * with Azure as its incumbent: the small world where leverage can be measured.
 */
function symmetric(strategy: string, providers = 4, market: Record<string, unknown> = {}) {
  const ids = PROVIDERS.slice(0, providers);
  return staticWorld(
    ids.map((id) => staticProvider(id, 2_000_000)),
    [lab('openai', { strategy, providers: ids, incumbent: 'azure', blockH100e: 50000 })],
    { market },
  );
}

const tenderPrice = (r: RunResult): number => labSummary(r, 'openai').tenderPriceUsdPerGpuHour!;
const incumbentShare = (r: RunResult): number => labSummary(r, 'openai').incumbentBlockShare!;
/** Bids by providers other than the incumbent, per tender. */
const rivalBids = (r: RunResult): number => mean(r.tenders.map((t: TenderRecord) => t.bids.filter((b) => b.provider !== t.incumbent).length));

describe('leverage: what competition does to the price of a block', () => {
  const exclusive = replicate(symmetric('exclusive'));
  const rofr = replicate(symmetric('rightOfFirstRefusal'));
  const multi = replicate(symmetric('multi'));

  it('the lab pays most under exclusivity, then under a right of first refusal, least in an open multi-cloud tender', () => {
    expectAbove(rofr, exclusive, tenderPrice);
    expectAbove(multi, rofr, tenderPrice);
    // Alone, the incumbent asks the lab's outside option: its willingness to pay.
    for (const r of exclusive) expect(tenderPrice(r)).toBeCloseTo(6, 9);
  });

  it('the incumbent wins the most blocks under exclusivity, then under a right of first refusal, then in an open tender', () => {
    expectAbove(rofr, exclusive, incumbentShare);
    expectAbove(multi, rofr, incumbentShare);
    for (const r of exclusive) expect(incumbentShare(r)).toBe(1);
  });

  it('rivals bid less often when the incumbent holds a right of first refusal (their chance of winning is lower)', () => {
    expectAbove(rofr, multi, rivalBids);
  });

  it('each extra bidder lowers the expected price, by less each time', () => {
    const byBidders = [2, 3, 4, 5].map((n) => replicate(symmetric('multi', n)));
    for (let i = 1; i < byBidders.length; i++) expectAbove(byBidders[i]!, byBidders[i - 1]!, tenderPrice);
    // The drop from 2 to 3 bidders exceeds the drop from 3 to 4, which exceeds the drop from 4 to 5.
    for (let i = 2; i < byBidders.length; i++) {
      const step = (a: RunResult[], b: RunResult[]) => a.map((r, k) => tenderPrice(r) - tenderPrice(b[k]!));
      const earlier = step(byBidders[i - 2]!, byBidders[i - 1]!);
      const later = step(byBidders[i - 1]!, byBidders[i]!);
      const d = pairedDifference(later, earlier);
      expect(d.ciLow, `drop ${i - 1}->${i} minus drop ${i}->${i + 1}`).toBeGreaterThan(0);
    }
  });
});

describe('scarce capacity: the cost of exclusivity, and leases', () => {
  // Azure, the incumbent, has 150,000 H100e and no way to grow; the others have plenty.
  const scarce = (strategy: string, leasing: boolean) => {
    const raw = symmetric(strategy, 4, { leasing });
    raw.providers[0] = staticProvider('azure', 150_000);
    return raw;
  };
  const shortfall = (r: RunResult): number => labSummary(r, 'openai').shortfallShare;

  it('an exclusive lab whose incumbent cannot grow falls short where an open one does not', () => {
    expectAbove(replicate(scarce('multi', false)), replicate(scarce('exclusive', false)), shortfall);
  });

  it('leasing lets the incumbent serve blocks from others\' capacity, and the lessor\'s capacity and revenue show it', () => {
    const without = replicate(scarce('exclusive', false));
    const leasing = replicate(scarce('exclusive', true));
    expectAbove(leasing, without, shortfall);
    for (const r of leasing) {
      expect(r.audit.leases.length).toBeGreaterThan(0);
      for (const l of r.audit.leases) expect(l.lessee).toBe('azure');
      // The lab signs with Azure alone; the compute comes from the lessors.
      for (const c of signed(r, 'openai')) expect(c.provider).toBe('azure');
      const lessors = new Set(r.audit.leases.map((l) => l.lessor));
      const lessorMonths = r.providers.filter((p) => lessors.has(p.provider) && p.leasedOutH100e > 0);
      expect(lessorMonths.length).toBeGreaterThan(0);
      for (const p of lessorMonths) expect(p.revenueUsd).toBeGreaterThan(0);
      const azure = r.providers.filter((p) => p.provider === 'azure');
      expect(azure.some((p) => p.leasedInH100e > 0 && p.leaseCostUsd > 0)).toBe(true);
    }
  });
});

describe('a lessee\'s investment', () => {
  it('builds for what its own capacity serves, not for the contracts its lessors serve', () => {
    // Azure, the exclusive incumbent, has 150,000 H100e and the capex and power to grow; the others
    // have plenty and lease it to Azure. What they serve under Azure's contracts is theirs to build for.
    const world = (leasing: boolean) => {
      const raw = symmetric('exclusive', 4, { leasing });
      raw.providers[0] = staticProvider('azure', 150_000, { policy: 'costPlus', margin: 0.1 }, { capexUsdPerYear: 5e10, powerBuildMwPerYear: 3000 });
      // Chips enough for whatever Azure orders: what it builds is its own decision.
      raw.suppliers[0].capacityUnitsPerMonth = 500_000;
      return raw;
    };
    const fleetAtEnd = (r: RunResult): number => r.providers.filter((p) => p.provider === 'azure').at(-1)!.fleetH100e;
    const leasing = replicate(world(true), 10);
    for (const r of leasing) expect(r.audit.leases.length).toBeGreaterThan(0);
    // Serving the lab itself, Azure builds what it needs; with its lessors serving part of it, it builds less,
    // by at least a fifth (it built as much or more when it counted their load as its own).
    const alone = replicate(world(false), 10);
    expectAbove(leasing, alone, fleetAtEnd);
    for (let i = 0; i < 10; i++) expect(fleetAtEnd(leasing[i]!)).toBeLessThan(0.8 * fleetAtEnd(alone[i]!));
  });
});

describe('the right of first refusal, tender by tender', () => {
  const tenders = replicate(symmetric('rightOfFirstRefusal'), 10).flatMap((r) => r.tenders);

  it('a matched block is paid at the best rival bid, and goes to the incumbent', () => {
    const matched = tenders.filter((t) => t.matched);
    expect(matched.length).toBeGreaterThan(20);
    for (const t of matched) {
      expect(t.winner).toBe('azure');
      expect(t.priceUsdPerGpuHour).toBe(t.bestRivalUsdPerGpuHour);
      expect(t.bids.every((b) => b.provider !== 'azure')).toBe(true);
    }
  });

  it('a block the incumbent declines goes to the best rival at its own bid', () => {
    const declined = tenders.filter((t) => !t.matched && t.winner !== '' && t.winner !== 'azure');
    expect(declined.length).toBeGreaterThan(20);
    for (const t of declined) expect(t.priceUsdPerGpuHour).toBe(Math.min(...t.bids.map((b) => b.priceUsdPerGpuHour)));
  });

  it('a right whose holder cannot deliver passes every block to the best rival', () => {
    const raw = symmetric('rightOfFirstRefusal', 4, { leasing: false });
    raw.providers[0] = staticProvider('azure', 1000);
    for (const r of replicate(raw, 5)) {
      const awarded = r.tenders.filter((t) => t.winner !== '');
      expect(awarded.length).toBeGreaterThan(5);
      for (const t of awarded) {
        expect(t.winner).not.toBe('azure');
        expect(t.matched).toBe(false);
      }
    }
  });
});

describe('exclusivity', () => {
  it('an exclusive lab never buys elsewhere, even when others are cheaper, idle, and it is short', () => {
    const world = staticWorld(
      [staticProvider('azure', 150000, { policy: 'costPlus', margin: 1.0 }), staticProvider('oracle', 600000), staticProvider('coreweave', 600000)],
      [lab('openai', { strategy: 'exclusive', providers: ['azure', 'oracle', 'coreweave'], incumbent: 'azure', blockH100e: 50000 }, { growthPerYear: 2 })],
      { market: { leasing: false } },
    );
    for (const result of replicate(world, 10)) {
      expect(result.audit.contracts.length).toBeGreaterThan(0);
      for (const c of result.audit.contracts) expect(c.provider).toBe('azure');
      for (const t of result.tenders) for (const b of t.bids) expect(b.provider).toBe('azure');
      for (const record of result.labs) expect(Object.keys(record.shares).filter((p) => p !== 'azure')).toEqual([]);
      for (const p of result.providers) if (p.provider !== 'azure') expect(p.contractedH100e + p.spotH100e).toBe(0);
      // It is short, while the others sit idle.
      expect(labSummary(result, 'openai').shortfallShare).toBeGreaterThan(0.5);
      expect(result.providers.filter((p) => p.provider === 'oracle').every((p) => p.utilization === 0)).toBe(true);
    }
  });
});

describe('the spot market', () => {
  /** Two providers that grow by ordering chips, and two labs buying only spot, one valuing compute at 10 USD/h, the other at `low`. */
  function spotWorld({ cut = false, cap, low = 3 }: { cut?: boolean; cap?: number; low?: number } = {}) {
    const provider = (id: string) => ({ id, fleet: { h100: 300000 }, powerMw: 2000, powerBuildMwPerYear: 3000, powerLeadTimeDays: 200, capexUsdPerYear: 5e10, suppliers: ['nvidia'], pricing: { policy: 'costPlus', margin: 0.2 } });
    const spotLab = (id: string, willingness: number) => lab(id, { strategy: 'multi', providers: ['a', 'b'], coverage: 0 }, { initialH100e: 300000, growthPerYear: 2 }, { budgetUsdPerYear: 1e12, willingnessToPayUsdPerGpuHour: willingness });
    return smallScenario({
      start: '2025-01-01',
      end: '2027-12-31',
      chips: [H100],
      suppliers: [{ id: 'nvidia', products: [{ chip: 'h100' }], capacityUnitsPerMonth: 60000, leadTimeDays: 60 }],
      providers: [provider('a'), provider('b')],
      labs: [spotLab('high', 10), spotLab('low', low)],
      shocks: cut ? [{ id: 'cut', target: { supplier: 'nvidia' }, arrival: { date: '2025-09-01' }, magnitude: 0.9, durationDays: 365 }] : [],
      market: cap === undefined ? {} : { spotPriceCapUsdPerGpuHour: cap },
    });
  }
  const shortfall = (id: string) => (r: RunResult): number => labSummary(r, id).shortfallShare;
  const peak = (r: RunResult): number => Math.max(...r.market.map((m) => m.spotPriceUsdPerGpuHour));

  it('a dated supply cut raises the clearing price while its missing chips are missed, and the shortfall falls on the lab that values compute least', () => {
    const calm = replicate(spotWorld());
    const cut = replicate(spotWorld({ cut: true }));
    // The cut starts in September 2025 and lasts a year; chips ship 60 days after they are made.
    const during = (r: RunResult): number => mean(r.market.filter((m) => m.month >= 10 && m.month <= 20).map((m) => m.spotPriceUsdPerGpuHour));
    expectAbove(calm, cut, during);
    expectAbove(calm, cut, shortfall('low'));
    // The low-value lab takes more of the extra shortfall than the high-value one.
    const extra = (id: string) => cut.map((r, i) => shortfall(id)(r) - shortfall(id)(calm[i]!));
    expect(pairedDifference(extra('high'), extra('low')).ciLow).toBeGreaterThan(0);
  });

  it('removing a price cap raises peak prices and lowers the shortfall of the lab that values compute most', () => {
    const capped = replicate(spotWorld({ cut: true, cap: 3, low: 6 }));
    const free = replicate(spotWorld({ cut: true, low: 6 }));
    expectAbove(capped, free, peak);
    for (const r of capped) expect(peak(r)).toBeLessThanOrEqual(3 + 1e-12);
    expectAbove(free, capped, shortfall('high'));
  });

  it('a lab whose budget binds is sold the scarce capacity at the price its budget pays: none of it idle while the lab goes short', () => {
    // 100k H100e asking about 1.14 USD/h; a lab wanting 200k at up to 6 USD/h with 1.8 bn USD a year,
    // which buys all 100k at about 2.05 USD/h (a competitive market: the price where demand within the
    // budget meets supply), not a third of it at the 6 USD/h its unmet demand is worth.
    const budgetUsdPerYear = 1.8e9;
    const world = staticWorld(
      [staticProvider('azure', 100_000)],
      [lab('openai', { strategy: 'multi', providers: ['azure'], coverage: 0 }, { initialH100e: 200_000, growthPerYear: 1, volatility: 0 }, { budgetUsdPerYear })],
    );
    const [result] = replicate(world, 1);
    for (const p of result!.providers) expect(p.utilization).toBeCloseTo(1, 9);
    const months = result!.market;
    for (let m = 0; m < months.length; m++) {
      const days = daysBetween(months[m]!.date, months[m + 1]?.date ?? '2028-01-01');
      const spent = result!.labs[m]!.spendUsd;
      expect(spent / (budgetUsdPerYear * (days / DAYS_PER_YEAR))).toBeCloseTo(1, 6);
      expect(result!.labs[m]!.shortfallH100e / result!.labs[m]!.demandH100e).toBeCloseTo(0.5, 6);
      expect(months[m]!.spotPriceUsdPerGpuHour).toBeCloseTo(spent / (100_000 * days * HOURS_PER_DAY), 9);
    }
  });

  it('a price ceiling above every price a lab meets changes nothing; one below them, that it buys none dearer', () => {
    // Spot only, from a provider asking about 1.14 USD/h with capacity to spare.
    const world = (ceiling?: number) =>
      staticWorld([staticProvider('azure', 2_000_000)], [lab('openai', { strategy: 'multi', providers: ['azure'], coverage: 0, ...(ceiling === undefined ? {} : { priceCeilingUsdPerGpuHour: ceiling }) })]);
    const free = replicate(world(), 3);
    expect(replicate(world(2), 3)).toEqual(free);
    for (const r of free) expect(labSummary(r, 'openai').shortfallShare).toBeCloseTo(0, 12);
    for (const r of replicate(world(1), 3)) expect(labSummary(r, 'openai').totalSpendUsd).toBe(0);
  });

  it('with capacity to spare, spot sells at the cheapest ask: a flat reservation price is the spot price', () => {
    registerPolicy('pricing', 'flat', () => ({ price: () => 2 }));
    const world = staticWorld([staticProvider('azure', 2_000_000, { policy: 'custom:flat' })], [lab('openai', { strategy: 'multi', providers: ['azure'], coverage: 0 })]);
    for (const result of replicate(world, 3)) {
      for (const m of result.market) expect(m.spotPriceUsdPerGpuHour).toBeCloseTo(2, 12);
      expect(labSummary(result, 'openai').shortfallShare).toBeCloseTo(0, 12);
    }
  });
});

describe('investment that answers the market', () => {
  it('a signed sign-then-build contract raises the provider\'s power build before it starts', () => {
    const world = (contract: boolean) =>
      smallScenario({
        start: '2025-01-01',
        end: '2027-12-31',
        chips: [H100],
        suppliers: [{ id: 'nvidia', products: [{ chip: 'h100' }], capacityUnitsPerMonth: 100000, leadTimeDays: 60 }],
        providers: [{ id: 'oracle', fleet: { h100: 200000 }, powerMw: 300, powerBuildMwPerYear: 3000, powerLeadTimeDays: 400, capexUsdPerYear: 8e10, suppliers: ['nvidia'], pricing: { policy: 'costPlus', margin: 0.2 } }],
        labs: [lab('openai', { strategy: 'multi', providers: ['oracle'] }, { initialH100e: 150000, growthPerYear: 1.1 })],
        contracts: contract ? [{ lab: 'openai', provider: 'oracle', volumeH100e: 500000, priceUsdPerGpuHour: 1.6, start: '2026-07-01', end: '2030-06-30' }] : [],
      });
    const without = replicate(world(false), 10);
    const withContract = replicate(world(true), 10);
    // Power online when the contract starts (month 18) and a year on.
    for (const month of [18, 30]) expectAbove(without, withContract, (r) => r.providers.find((p) => p.month === month)!.powerMw);
    // And the contract is delivered: the lab is not short.
    for (const r of withContract) expect(labSummary(r, 'openai').shortfallShare).toBeLessThan(0.01);
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
    const calm = replicate(base, 20);
    const hit = replicate(shocked, 20);
    expectAbove(calm, hit, (r) => r.summary.avgSpotPriceUsdPerGpuHour);
    expectAbove(calm, hit, (r) => mean(r.summary.labs.map((l) => l.shortfallShare)));
    // The shock is in the records: the supplier's capacity factor is 0.1 in the months it covers fully.
    const factors = hit[0]!.suppliers.map((s) => s.capacityFactor);
    expect(factors[3]).toBeCloseTo(0.1, 12);
    expect(factors[0]).toBe(1);
    expect(hit[0]!.events.filter((e) => e.kind === 'shock-start').map((e) => e.date)).toEqual(['2025-03-01']);
  });
});

/** An exclusive lab (Azure, the dearest) that can be let loose on Oracle and CoreWeave by the timeline; a round every month. */
const world = (timeline: Record<string, unknown>[]) =>
  staticWorld(
    [staticProvider('azure', 2_000_000, { policy: 'costPlus', margin: 0.3 }), staticProvider('oracle', 2_000_000), staticProvider('coreweave', 2_000_000)],
    [lab('openai', { strategy: 'exclusive', providers: ['azure', 'oracle', 'coreweave'], incumbent: 'azure', intervalDays: 28, blockH100e: 50000 })],
    { timeline },
  );

describe('the timeline', () => {
  it('a change of strategy takes effect on its date: the incumbent alone before, others after, and cheaper', () => {
    const change = '2025-07-01';
    const day = daysBetween('2025-01-01', change);
    for (const result of replicate(world([{ date: change, set: { 'labs.openai.procurement.strategy': 'multi' }, note: 'exclusivity ends' }]), 5)) {
      const before = result.tenders.filter((t) => t.day < day && t.winner !== '');
      const after = result.tenders.filter((t) => t.day >= day && t.winner !== '');
      expect(before.length).toBeGreaterThan(0);
      expect(new Set(before.map((t) => t.winner))).toEqual(new Set(['azure']));
      // The round on the change's date already asks everyone.
      expect(result.tenders.filter((t) => t.day === day).some((t) => t.bids.some((b) => b.provider !== 'azure'))).toBe(true);
      for (const record of result.labs.filter((l) => l.month < 6)) expect(Object.keys(record.shares)).toEqual(['azure']);
      // Blocks are delivered 180 days after their round: those won by others after July arrive from January.
      for (const record of result.labs.filter((l) => l.month >= 13)) expect(record.providers).toBeGreaterThan(1);
      const policy = result.events.flatMap((e) => (e.kind === 'policy' ? [e] : []));
      expect(policy.map((e) => [e.date, e.path])).toEqual([[change, 'labs.openai.procurement.strategy']]);
      expect(policy[0]!.note).toContain('exclusivity ends');
      // Leverage shows in the price: every block won after the change is cheaper than any before.
      expect(Math.max(...after.map((t) => t.priceUsdPerGpuHour!))).toBeLessThan(Math.min(...before.map((t) => t.priceUsdPerGpuHour!)));
    }
  });

  it('a change of providers and of a pricing margin take effect on their date', () => {
    const change = '2025-10-01';
    const day = daysBetween('2025-01-01', change);
    const timeline = [
      { date: '2025-01-15', set: { 'labs.openai.procurement.strategy': 'multi', 'labs.openai.procurement.providers': ['azure'] } },
      { date: change, set: { 'labs.openai.procurement.providers': ['azure', 'oracle'], 'providers.azure.pricing.margin': 0.5 } },
    ];
    for (const result of replicate(world(timeline), 3)) {
      expect(new Set(result.tenders.filter((t) => t.day > 20 && t.day < day).flatMap((t) => t.bids.map((b) => b.provider)))).toEqual(new Set(['azure']));
      expect(result.tenders.some((t) => t.day >= day && t.bids.some((b) => b.provider === 'oracle'))).toBe(true);
      // Azure's spot ask (it always has capacity to spare) is its reservation price: cost x 1.3, then x 1.5.
      const ask = (month: number) => result.providers.find((p) => p.provider === 'azure' && p.month === month)!.spotPriceUsdPerGpuHour;
      expect(ask(3)).toBeCloseTo(H100_COST * 1.3, 9);
      expect(ask(12)).toBeCloseTo(H100_COST * 1.5, 9);
    }
  });

  it('a change dated on the start date applies before the first procurement round', () => {
    // The first decisions come after the start day's dated changes, like every month's.
    const result = runScenario(compiled(world([{ date: '2025-01-01', set: { 'labs.openai.procurement.strategy': 'multi' } }])), SEED, 0);
    expect(result.tenders.filter((t) => t.day === 0).some((t) => t.bids.some((b) => b.provider !== 'azure'))).toBe(true);
  });

  it('a formula pricing changed by the timeline prices with the new expression', () => {
    // A new formula set by the timeline replaces the one written in the file; Azure always has capacity to spare, so its spot price is its ask.
    const raw = world([{ date: '2025-07-01', set: { 'providers.azure.pricing.expression': 'cost * 3' } }]);
    raw.providers[0].pricing = { policy: 'formula', expression: 'cost * 2' };
    const result = runScenario(compiled(raw), SEED, 0);
    const ask = (month: number) => result.providers.find((p) => p.provider === 'azure' && p.month === month)!.spotPriceUsdPerGpuHour;
    expect(ask(2)).toBeCloseTo(H100_COST * 2, 9);
    expect(ask(8)).toBeCloseTo(H100_COST * 3, 9);
  });

  it('removing a price ceiling (set to null) lets a lab buy what it could not afford under it', () => {
    // A ceiling of 1 USD/h is below every provider's cost: the lab buys nothing until it is lifted in July.
    const ceiling = 1;
    const withCeiling = (timeline: Record<string, unknown>[]) => {
      const raw = world(timeline);
      raw.labs[0].procurement.priceCeilingUsdPerGpuHour = ceiling;
      delete raw.labs[0].willingnessToPayUsdPerGpuHour;
      return raw;
    };
    const result = runScenario(compiled(withCeiling([{ date: '2025-07-01', set: { 'labs.openai.procurement.priceCeilingUsdPerGpuHour': null } }])), SEED, 0);
    // The same seed with the ceiling kept: the counterfactual the removal is measured against.
    const kept = runScenario(compiled(withCeiling([])), SEED, 0);
    for (const l of kept.labs) expect(l.spendUsd).toBe(0);
    // A change acts from its date: before it, the two runs are the same month by month.
    expect(result.labs.filter((l) => l.month < 6)).toEqual(kept.labs.filter((l) => l.month < 6));
    for (const l of result.labs.filter((l) => l.month < 6)) {
      expect(l.spendUsd).toBe(0);
      expect(l.shortfallH100e).toBeCloseTo(l.demandH100e, 6);
    }
    const after = result.labs.filter((l) => l.month >= 6);
    for (const l of after) expect(l.usedH100e).toBeGreaterThan(0);
    expect(mean(after.map((l) => l.shortfallH100e / l.demandH100e))).toBeLessThan(0.05);
    // Every block it wins once the ceiling is gone is priced above it: no provider could sell under it.
    const awarded = result.tenders.filter((t) => t.priceUsdPerGpuHour !== null);
    expect(awarded.length).toBeGreaterThan(0);
    for (const t of awarded) expect(t.priceUsdPerGpuHour).toBeGreaterThan(ceiling);
  });
});

describe('a share cap', () => {
  it('spreads a lab that holds little over its providers: blocks cut to the cap, none of them past it', () => {
    // Blocks as large as the gap went past every provider's cap (0.6 of what the lab would hold), so such a
    // lab signed no contract at all: each tender was 'capped', its demand left to spot or unserved.
    const raw = staticWorld(
      PROVIDERS.slice(0, 3).map((id) => staticProvider(id, 2_000_000)),
      [lab('openai', { strategy: 'multi', providers: PROVIDERS.slice(0, 3), maxShare: 0.6, coverage: 1 }, { initialH100e: 80000, volatility: 0 })],
    );
    const result = runScenario(compiled(raw), SEED, 0);
    const contracts = signed(result, 'openai');
    expect(new Set(contracts.map((c) => c.provider)).size).toBeGreaterThanOrEqual(2);
    expect(result.tenders.filter((t) => t.outcome === 'capped')).toEqual([]);
    // The first round, holding nothing: no provider signs more than 0.6 of what the round signs.
    const first = contracts.filter((c) => c.startDay === Math.min(...contracts.map((k) => k.startDay)));
    const total = first.reduce((sum, c) => sum + c.volumeH100e, 0);
    expect(new Set(first.map((c) => c.provider)).size).toBeGreaterThanOrEqual(2);
    for (const provider of new Set(first.map((c) => c.provider))) {
      expect(first.filter((c) => c.provider === provider).reduce((sum, c) => sum + c.volumeH100e, 0)).toBeLessThanOrEqual(0.6 * total + 1e-6);
    }
    // Its demand is met: what spot does not serve, the contracts do.
    const months = result.labs.filter((l) => l.lab === 'openai' && l.month >= 8);
    expect(mean(months.map((l) => l.shortfallH100e / l.demandH100e))).toBeLessThan(0.02);
  });
});

describe('budgets and the calendar', () => {
  it('a lab never spends more than its yearly budget', () => {
    const raw = staticWorld(
      PROVIDERS.slice(0, 3).map((id) => staticProvider(id, 2_000_000)),
      [lab('openai', { strategy: 'multi', providers: PROVIDERS.slice(0, 3), maxShare: 0.4, coverage: 1 }, { initialH100e: 600000, volatility: 0 }, { budgetUsdPerYear: 3e9 })],
    );
    const result = runScenario(compiled(raw), SEED, 0);
    for (let year = 0; year < 3; year++) {
      const spend = result.labs.filter((l) => Math.floor(l.month / 12) === year).reduce((s, l) => s + l.spendUsd, 0);
      expect(spend).toBeLessThanOrEqual(3e9 * 1.01);
    }
    expect(result.tenders.some((t) => t.outcome === 'over-budget')).toBe(true);
  });

  it('providers bid with what they will have at the delivery date, internal demand read at that date', () => {
    // From 2027 the provider's own models take everything: no block can be delivered then.
    const raw = staticWorld([staticProvider('azure', 2_000_000)], [lab('openai', { strategy: 'multi', providers: ['azure'], intervalDays: 28 })]);
    raw.providers[0].internalDemandH100e = 'year >= 2027 ? 1e9 : 0';
    const result = runScenario(compiled(raw), SEED, 0);
    const starts = result.audit.contracts.map((c) => c.startDay);
    expect(Math.max(...starts)).toBeLessThan(daysBetween('2025-01-01', '2027-01-01'));
    // Delivery comes 180 days after the round: the last rounds to win are about six months before 2027.
    expect(Math.max(...starts)).toBeGreaterThan(daysBetween('2025-01-01', '2026-09-01'));
  });
});

describe('reserved contracts and the market records', () => {
  it('a provider does not sell capacity already reserved: a reserved contract is delivered in full', () => {
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

  it('a run with nothing to price has no price: no contract price without a contract, no price paid without a delivery', () => {
    // Spot only, under a ceiling below every ask: no contract is ever in force and nothing is delivered.
    const world = staticWorld([staticProvider('azure', 2_000_000)], [lab('openai', { strategy: 'multi', providers: ['azure'], coverage: 0, priceCeilingUsdPerGpuHour: 1 })]);
    const [result] = replicate(world, 1);
    expect(result!.summary.avgContractPriceUsdPerGpuHour).toBeNull();
    expect(labSummary(result!, 'openai').totalSpendUsd).toBe(0);
    expect(labSummary(result!, 'openai').avgPriceUsdPerGpuHour).toBeNull();
  });

  it('the contract price index is the price of the contracts, however small they are next to spot', () => {
    const raw = staticWorld(
      [staticProvider('azure', 800000, { policy: 'costPlus', margin: 0.5 })],
      [lab('openai', { strategy: 'multi', providers: ['azure'], coverage: 0 }, { initialH100e: 100000, growthPerYear: 1, volatility: 0 })],
      { contracts: [{ lab: 'openai', provider: 'azure', volumeH100e: 1e-6, priceUsdPerGpuHour: 2, start: '2025-01-01', end: '2027-12-31' }] },
    );
    const result = runScenario(compiled(raw), SEED, 0);
    expect(result.labs[0]!.spotH100e).toBeGreaterThan(50000);
    for (const m of result.market) expect(m.contractPriceUsdPerGpuHour).toBeCloseTo(2, 9);
  });

  it('sales of a captive data centre to the lab that owns it are left out of the arm\'s-length indices', () => {
    // Meta's own data centre sells to Meta at cost; a cloud sells to OpenAI at cost x 1.5.
    const raw = staticWorld(
      [staticProvider('meta-dc', 2_000_000, { policy: 'costPlus', margin: 0 }, { owner: 'meta' }), staticProvider('azure', 2_000_000, { policy: 'costPlus', margin: 0.5 })],
      [
        lab('meta', { strategy: 'multi', providers: ['meta-dc'], coverage: 0 }),
        lab('openai', { strategy: 'multi', providers: ['azure'], coverage: 0 }),
      ],
    );
    const result = runScenario(compiled(raw), SEED, 0);
    for (const m of result.market) {
      expect(m.spotArmsLengthUsdPerGpuHour).toBeCloseTo(H100_COST * 1.5, 9);
      expect(m.spotPriceUsdPerGpuHour).toBeLessThan(m.spotArmsLengthUsdPerGpuHour);
    }
    // The price of an H100-hour is the arm's-length one.
    for (const c of result.chips) expect(c.spotPriceUsdPerChipHour).toBeCloseTo(H100_COST * 1.5, 9);
  });

  it('a lab\'s own data centre supplies it at cost, however scarce its capacity: on the spot market and in its tenders', () => {
    // Meta's own 100k H100e against its demand of 200k, with a budget that would pay 6 USD/h for them:
    // a transfer within one firm, at the data centre's cost, not at what Meta's unmet demand is worth.
    const spotOnly = staticWorld(
      [staticProvider('meta-dc', 100_000, { policy: 'costPlus', margin: 0 }, { owner: 'meta' })],
      [lab('meta', { strategy: 'multi', providers: ['meta-dc'], coverage: 0 }, { initialH100e: 200_000, growthPerYear: 1, volatility: 0 }, { budgetUsdPerYear: 1e11 })],
    );
    const [spot] = replicate(spotOnly, 1);
    for (const l of spot!.labs) expect(l.avgPriceUsdPerGpuHour).toBeCloseTo(H100_COST, 9);
    for (const p of spot!.providers) expect(p.utilization).toBeCloseTo(1, 9);
    // Tendering, against a cloud at cost x 1.5: the blocks go to its own data centre at its cost.
    const tendered = staticWorld(
      [staticProvider('meta-dc', 2_000_000, { policy: 'costPlus', margin: 0 }, { owner: 'meta' }), staticProvider('coreweave', 2_000_000, { policy: 'costPlus', margin: 0.5 })],
      [lab('meta', { strategy: 'multi', providers: ['meta-dc', 'coreweave'], maxShare: 1 })],
    );
    const awarded = replicate(tendered, 3).flatMap((r) => r.tenders.filter((t) => t.priceUsdPerGpuHour !== null));
    expect(awarded.length).toBeGreaterThan(0);
    for (const t of awarded) {
      expect(t.winner).toBe('meta-dc');
      expect(t.priceUsdPerGpuHour).toBeCloseTo(H100_COST, 9);
    }
  });
});
