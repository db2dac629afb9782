import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { registerPolicy } from '../../src/market/policies.js';
import { NULLABLE_FIELDS } from '../support/nullable.js';
import type { RunResult } from '../../src/market/results.js';
import { runScenario } from '../../src/market/run.js';
import { compileScenario } from '../../src/scenario/compile.js';
import type { CompiledScenario } from '../../src/scenario/compile.js';
import { loadScenario } from '../../src/scenario/load.js';

/**
 * The invariants of model.md, checked on randomly generated valid worlds: chips and money are
 * conserved, capacity is never over-allocated, nothing goes negative or non-finite, shares add up,
 * and an exclusive lab stays with its incumbent. The generator covers every kind of actor, policy,
 * uncertain value, contract, timeline change and shock; every scenario goes through the loader's
 * full checks (schema and semantics), so a generated world that is not valid fails the test too.
 */

const REL = 1e-9;

// A registered pricing policy, so generated scenarios can name `custom:inv-flat`.
registerPolicy('pricing', 'inv-flat', ({ price = 2 }) => ({ price: () => price }));

type Raw = Record<string, any>;

// ---------------------------------------------------------------------------------------------------
// Dates

const MS_PER_DAY = 86_400_000;
function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * MS_PER_DAY).toISOString().slice(0, 10);
}
function addYears(date: string, years: number): string {
  return `${Number(date.slice(0, 4)) + years}${date.slice(4)}`;
}

// ---------------------------------------------------------------------------------------------------
// Numbers and distributions

// Numbers on a grid of 1000 steps, ends included: plain doubles would bring subnormals like 1e-306 MW of
// build-out, which test float underflow rather than the model.
const num = (min: number, max: number) => fc.integer({ min: 0, max: 1000 }).map((k) => min + ((max - min) * k) / 1000);
/** Three ordered numbers with min < max: a triangular distribution. */
const triangular = (min: number, spread: number) =>
  fc.tuple(num(min, min + spread), num(0, spread), num(spread / 100, spread)).map(([a, d1, d2]) => ({ triangular: { min: a, mode: a + d1, max: a + d1 + d2 } }));
const lognormal = (lo: number, hi: number) => fc.record({ median: num(lo, hi), sigma: num(0.05, 0.6) }).map((p) => ({ lognormal: p }));
const uniform = (lo: number, hi: number) => fc.tuple(num(lo, hi), num(lo, hi)).filter(([a, b]) => a !== b).map(([a, b]) => ({ uniform: { min: Math.min(a, b), max: Math.max(a, b) } }));
/** A plain number or a distribution over a similar range. */
const uncertain = (lo: number, hi: number) => fc.oneof(num(lo, hi), uniform(lo, hi), triangular(lo, (hi - lo) / 2), lognormal(Math.max(lo, 1e-3), hi));
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

// ---------------------------------------------------------------------------------------------------
// Actors

const PRICING_FORMULAS = [
  'cost * (1 + 0.3 * utilization) / sqrt(bidders)',
  'cost * 1.2 + 0.1 * spot',
  'max(cost, spot) * (1 + 0.5 / bidders)',
  'cost * (1.6 - 0.05 * t)',
  'cost * (year >= 2026 ? 1.4 : 1.8)',
  // Zero at full utilisation: a price no one can be charged.
  'cost * (1 - utilization)',
];

/** The pricing policies with a margin, which the timeline may change alone. */
const pricingWithMargin = fc.oneof(
  fc.record({ policy: fc.constant('costPlus'), margin: uncertain(0, 1.5) }),
  fc.record({ policy: fc.constant('utilization'), margin: uncertain(0, 1), scarcityMarkup: uncertain(0, 3) }),
  fc.record({ policy: fc.constant('competitive'), margin: uncertain(0, 1.5), elasticity: uncertain(0, 1.5) }),
);
const pricing = fc.oneof(
  pricingWithMargin,
  fc.record({ policy: fc.constant('formula'), expression: fc.constantFrom(...PRICING_FORMULAS) }),
  fc.record({ policy: fc.constant('custom:inv-flat'), params: fc.record({ price: num(0.5, 4) }) }),
);

const chip = (id: string) =>
  fc.record({
    id: fc.constant(id),
    release: fc.integer({ min: -1000, max: 500 }),
    perfH100e: num(0.5, 3),
    powerKw: num(0.7, 2.5),
    unitCostUsd: num(8000, 60000),
    lifeYears: num(1.5, 6),
  });

const product = (chipId: string, spanDays: number) =>
  fc.record({ chip: fc.constant(chipId), from: optional(fc.integer({ min: -400, max: spanDays })), length: optional(fc.integer({ min: 0, max: spanDays })) });

const supplier = (id: string, chipIds: string[], providerIds: string[], spanDays: number) =>
  fc.record({
    id: fc.constant(id),
    products: fc.subarray(chipIds, { minLength: 1 }).chain((ids) => fc.tuple(...ids.map((c) => product(c, spanDays)))),
    capacityUnitsPerMonth: fc.oneof(
      num(500, 150000),
      fc.tuple(fc.integer({ min: 1000, max: 100000 }), fc.integer({ min: 80, max: 160 })).map(([base, g]) => `${base} * ${(g / 100).toFixed(2)}^t`),
    ),
    leadTimeDays: fc.oneof(num(1, 250), triangular(10, 120)),
    allocation: optional(fc.constantFrom('firstCome', 'proRata', 'priority')),
    priority: optional(fc.shuffledSubarray(providerIds)),
  });

const provider = (id: string, chipIds: string[], supplierIds: string[]) =>
  fc.record({
    id: fc.constant(id),
    fleet: fc.oneof({ arbitrary: fc.subarray(chipIds, { minLength: 1 }), weight: 4 }, { arbitrary: fc.constant([] as string[]), weight: 1 }).chain((ids) => fc.tuple(...ids.map((c) => fc.tuple(fc.constant(c), fc.integer({ min: 0, max: 400000 }))))),
    powerMw: num(0, 1200),
    powerBuildMwPerYear: fc.oneof(num(0, 600), lognormal(50, 400), fc.constantFrom('100 + backlog / 5000', 'max(0, 300 * (utilization - 0.5))')),
    powerLeadTimeDays: fc.oneof(num(1, 900), triangular(60, 400)),
    capexUsdPerYear: fc.oneof(fc.constant(0), num(1e8, 3e10), uniform(1e9, 2e10), fc.constantFrom('1e9 + 0.5 * revenue', '2e9 * (1 + utilization) + 1000 * backlog', 'fleet * 5000 + spot * 1e8')),
    capexUsdPerMw: optional(num(1e6, 2e7)),
    opexUsdPerGpuHour: optional(num(0, 1.5)),
    internalDemandH100e: optional(fc.oneof(num(0, 150000), fc.integer({ min: 1000, max: 100000 }).map((n) => `${n} * 1.3^t`))),
    targetUtilization: optional(num(0, 1)),
    ordering: optional(fc.constant('targetUtilization')),
    suppliers: fc.shuffledSubarray(supplierIds, { minLength: 1 }),
    pricing,
    powerBuild: optional(fc.constantFrom('demand', 'fixed')),
    leasesOut: optional(fc.boolean()),
  });

const STRATEGIES = ['exclusive', 'rightOfFirstRefusal', 'multi'] as const;

const procurement = (providerIds: string[]) =>
  fc.record({
    strategy: fc.constantFrom(...STRATEGIES),
    providers: fc.shuffledSubarray(providerIds, { minLength: 1 }),
    incumbentIndex: fc.nat(),
    withIncumbent: fc.boolean(),
    maxShare: optional(num(0.05, 1)),
    priceCeilingUsdPerGpuHour: optional(num(0.5, 6)),
    intervalDays: optional(num(15, 200)),
    contractMonths: optional(num(0.5, 36)),
    coverage: optional(num(0, 1)),
    blockH100e: optional(num(5000, 300000)),
    partialBlocks: optional(fc.boolean()),
    deliveryDays: optional(num(0, 400)),
    termPremium: optional(num(0, 0.6)),
  }).map(({ incumbentIndex, withIncumbent, ...p }) => {
    const incumbent = p.strategy !== 'multi' || withIncumbent ? p.providers[incumbentIndex % p.providers.length] : undefined;
    return { ...p, incumbent };
  });

const lab = (id: string, providerIds: string[]) =>
  fc.record({
    id: fc.constant(id),
    demand: fc.record({
      initialH100e: uncertain(1e4, 1.5e6),
      growthPerYear: fc.oneof(num(0.7, 3), lognormal(1, 2.5)),
      volatility: optional(num(0, 0.4)),
      formula: optional(fc.constantFrom('initial * growth^t', 'initial * (1 + growth * t)', 'initial * (year >= 2026 ? growth : 1)')),
    }),
    budgetUsdPerYear: fc.oneof(num(1e8, 6e10), lognormal(1e9, 3e10), fc.constantFrom('1e9 + 0.8 * revenue', '2e9 * (1 + t)', 'demand * 20000')),
    revenueUsdPerYear: optional(fc.oneof(num(0, 2e10), fc.constant('2e9 * 1.8^t'))),
    willingnessToPayUsdPerGpuHour: optional(fc.oneof(num(0.5, 10), uniform(1, 8), fc.constant('3 + t'))),
    procurement: procurement(providerIds),
  });

// ---------------------------------------------------------------------------------------------------
// Contracts, timeline, shocks

interface Cast {
  start: string;
  spanDays: number;
  chips: string[];
  suppliers: string[];
  providers: Raw[];
  labs: Raw[];
}

const contract = (cast: Cast) =>
  fc.record({
    lab: fc.constantFrom(...cast.labs.map((l) => l.id as string)),
    provider: fc.constantFrom(...cast.providers.map((p) => p.id as string)),
    volumeH100e: num(1000, 400000),
    priceUsdPerGpuHour: num(0.3, 5),
    from: fc.integer({ min: -300, max: cast.spanDays }),
    length: fc.integer({ min: 1, max: 1200 }),
  }).map(({ from, length, ...c }) => ({ ...c, start: addDays(cast.start, from), end: addDays(cast.start, from + length) }));

/** One timeline change, consistent with the actor it changes (an incumbent stays among the providers, and so on). */
function change(cast: Cast): fc.Arbitrary<Record<string, unknown>> {
  const labChanges = cast.labs.map((l) => {
    const path = `labs.${l.id}`;
    const incumbent: string | undefined = l.procurement.incumbent;
    const strategies = incumbent === undefined ? ['multi'] : [...STRATEGIES];
    const others = cast.providers.map((p) => p.id as string).filter((p) => p !== incumbent);
    return fc.oneof(
      fc.constantFrom(...strategies).map((s) => ({ [`${path}.procurement.strategy`]: s })),
      fc.shuffledSubarray(others, { minLength: incumbent === undefined ? 1 : 0 }).map((ps) => ({ [`${path}.procurement.providers`]: incumbent === undefined ? ps : [incumbent, ...ps] })),
      num(0.05, 1).map((x) => ({ [`${path}.procurement.maxShare`]: x })),
      num(0, 1).map((x) => ({ [`${path}.procurement.coverage`]: x })),
      uncertain(1e8, 5e10).map((x) => ({ [`${path}.budgetUsdPerYear`]: x })),
      num(0.5, 6).map((x) => ({ [`${path}.procurement.priceCeilingUsdPerGpuHour`]: x })),
      num(10, 200).map((x) => ({ [`${path}.procurement.intervalDays`]: x })),
    );
  });
  const providerChanges = cast.providers.map((p) => {
    const path = `providers.${p.id}`;
    const hasMargin = ['costPlus', 'utilization', 'competitive'].includes(p.pricing.policy);
    // A provider whose margin the timeline may change keeps a policy with a margin when its pricing is replaced.
    const options: fc.Arbitrary<Record<string, unknown>>[] = [
      (hasMargin ? pricingWithMargin : pricing).map((x) => ({ [`${path}.pricing`]: x })),
      num(0, 1).map((x) => ({ [`${path}.targetUtilization`]: x })),
      num(0, 3e10).map((x) => ({ [`${path}.capexUsdPerYear`]: x })),
      num(0, 800).map((x) => ({ [`${path}.powerBuildMwPerYear`]: x })),
    ];
    if (hasMargin) options.push(num(0, 1.5).map((x) => ({ [`${path}.pricing.margin`]: x })));
    return fc.oneof(...options);
  });
  const supplierChanges = cast.suppliers.map((id) => fc.constantFrom('firstCome', 'proRata', 'priority').map((a) => ({ [`suppliers.${id}.allocation`]: a })));
  return fc.oneof(...labChanges, ...providerChanges, ...supplierChanges);
}

// Timeline entries may not contradict each other: a strategy set after a providers change must still find its
// incumbent, which holds because every change keeps the incumbent, and incumbents never change here.
const timelineEntry = (cast: Cast) =>
  fc.record({ day: fc.integer({ min: 0, max: cast.spanDays }), set: change(cast), note: optional(fc.constantFrom('exclusivity ends', 'a deal')) }).map(({ day, ...e }) => ({
    date: addDays(cast.start, day),
    ...e,
  }));

const shock = (cast: Cast, index: number) =>
  fc.oneof(
    fc.constantFrom(...cast.suppliers).map((id) => ({ supplier: id })),
    fc.constantFrom(...cast.providers.map((p) => p.id as string)).map((id) => ({ provider: id })),
    fc.constantFrom(...cast.labs.map((l) => l.id as string)).map((id) => ({ lab: id })),
  ).chain((target) =>
    fc.record({
      id: fc.constant(`shock-${index}`),
      kind: optional(fc.constantFrom('packaging', 'export-controls', 'power', 'surge')),
      target: fc.constant(target),
      arrival: fc.oneof(
        fc.record({ ratePerYear: fc.oneof(num(0, 3), uniform(0, 2)) }),
        fc.integer({ min: 0, max: cast.spanDays }).map((d) => ({ date: addDays(cast.start, d) })),
      ),
      magnitude: 'lab' in target ? fc.oneof(num(0, 2), triangular(0, 1)) : fc.oneof(num(0, 1), triangular(0, 0.5), fc.constant({ normal: { mean: 0.3, sd: 0.3 } })),
      durationDays: fc.oneof(num(1, 500), lognormal(30, 200)),
    }),
  );

// ---------------------------------------------------------------------------------------------------
// A whole scenario

const STARTS = ['2024-07-01', '2025-01-01', '2025-03-15', '2026-01-01'];

const scenario: fc.Arbitrary<Raw> = fc
  .record({
    nChips: fc.integer({ min: 1, max: 3 }),
    nSuppliers: fc.integer({ min: 1, max: 3 }),
    nProviders: fc.integer({ min: 1, max: 4 }),
    nLabs: fc.integer({ min: 1, max: 4 }),
    years: fc.integer({ min: 1, max: 4 }),
    start: fc.constantFrom(...STARTS),
  })
  .chain(({ nChips, nSuppliers, nProviders, nLabs, years, start }) => {
    const end = addDays(addYears(start, years), -1);
    const spanDays = Math.round((Date.parse(end) - Date.parse(start)) / MS_PER_DAY);
    const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    const chipIds = ids('c', nChips);
    const supplierIds = ids('s', nSuppliers);
    const providerIds = ids('p', nProviders);
    const labIds = ids('l', nLabs);
    return fc
      .record({
        chips: fc.tuple(...chipIds.map(chip)),
        suppliers: fc.tuple(...supplierIds.map((id) => supplier(id, chipIds, providerIds, spanDays))),
        providers: fc.tuple(...providerIds.map((id) => provider(id, chipIds, supplierIds))),
        labs: fc.tuple(...labIds.map((id) => lab(id, providerIds))),
      })
      .chain((actors) => {
        const chips = actors.chips.map((c) => ({ ...c, release: addDays(start, c.release) }));
        const suppliers = actors.suppliers.map(({ products, allocation, priority, ...s }) => ({
          ...s,
          products: products.map(({ chip: c, from, length }) => ({
            chip: c,
            ...(from === undefined ? {} : { from: addDays(start, from) }),
            ...(length === undefined ? {} : { until: addDays(start, (from ?? -400) + length) }),
          })),
          ...(allocation === undefined ? {} : { allocation }),
          ...(priority === undefined ? {} : { priority }),
        }));
        const providers: Raw[] = actors.providers.map((p) => dropUndefined({ ...p, fleet: Object.fromEntries(p.fleet) }));
        // A captive data centre now and then: the last provider owned by the first lab.
        if (nProviders > 1 && nLabs > 1 && nChips % 2 === 1) providers[providers.length - 1]!.owner = labIds[0];
        const labs = actors.labs.map((l) => dropUndefined({ ...l, demand: dropUndefined(l.demand), procurement: dropUndefined(l.procurement) }));
        const cast: Cast = { start, spanDays, chips: chipIds, suppliers: supplierIds, providers, labs };
        return fc
          .record({
            contracts: fc.array(contract(cast), { maxLength: 3 }),
            timeline: fc.array(timelineEntry(cast), { maxLength: 3 }),
            shocks: fc.integer({ min: 0, max: 3 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => shock(cast, i)))),
            market: fc.record({
              costSpread: optional(num(0, 0.8)),
              bidCostUsdPerH100e: optional(num(0, 500)),
              spotPriceCapUsdPerGpuHour: optional(num(0.5, 8)),
              leasing: optional(fc.boolean()),
            }),
          })
          .map(({ contracts, timeline, shocks, market }) => ({
            name: 'generated',
            start,
            end,
            chips,
            suppliers,
            providers,
            labs,
            contracts,
            timeline: timeline.map((e) => dropUndefined(e)),
            shocks: shocks.map((s) => dropUndefined(s)),
            market: dropUndefined(market),
          }));
      });
  });

function dropUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Validates a scenario the way a file is validated (schema, references, timeline re-validation) and compiles it. */
function load(raw: Raw): CompiledScenario {
  return compileScenario(loadScenario('generated.yaml', { readFile: () => JSON.stringify(raw) }).spec);
}

// ---------------------------------------------------------------------------------------------------
// The invariants

function close(a: number, b: number, rel = REL, abs = 1e-6): boolean {
  return Math.abs(a - b) <= Math.max(abs, rel * Math.max(Math.abs(a), Math.abs(b)));
}

function check(condition: boolean, message: () => string): void {
  if (!condition) throw new Error(message());
}

/** Every number anywhere in the result is finite; only the optional fields may be null. */
function checkFinite(value: unknown, path: string): void {
  if (value === null) check(NULLABLE_FIELDS.has(path.slice(path.lastIndexOf('.') + 1)), () => `${path} is null`);
  else if (typeof value === 'number') check(Number.isFinite(value), () => `${path} = ${value}`);
  else if (Array.isArray(value)) value.forEach((v, i) => checkFinite(v, `${path}[${i}]`));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) checkFinite(v, `${path}.${k}`);
}

/** Labs that are exclusive from start to end: no timeline change touches their procurement. */
function alwaysExclusive(raw: Raw): { lab: string; allowed: Set<string> }[] {
  const touched = new Set<string>();
  for (const entry of raw.timeline as Raw[]) for (const path of Object.keys(entry.set)) if (path.startsWith('labs.') && path.includes('.procurement.')) touched.add(path.split('.')[1]!);
  return (raw.labs as Raw[])
    .filter((l) => l.procurement.strategy === 'exclusive' && !touched.has(l.id))
    .map((l) => ({
      lab: l.id as string,
      allowed: new Set<string>([l.procurement.incumbent, ...(raw.contracts as Raw[]).filter((c) => c.lab === l.id).map((c) => c.provider as string)]),
    }));
}

function checkInvariants(raw: Raw, result: RunResult): void {
  checkFinite(result, 'result');
  const months = result.market.length;
  const labIds = (raw.labs as Raw[]).map((l) => l.id as string);
  const providerIds = (raw.providers as Raw[]).map((p) => p.id as string);
  check(result.labs.length === months * labIds.length, () => `lab records: ${result.labs.length}`);
  check(result.providers.length === months * providerIds.length, () => `provider records: ${result.providers.length}`);
  check(result.suppliers.length === months * (raw.suppliers as Raw[]).length, () => `supplier records: ${result.suppliers.length}`);

  // Chips are conserved, per supplier, and production in the records is what the audit counts.
  for (const s of result.audit.suppliers) {
    check(close(s.producedUnits, s.deliveredUnits + s.inTransitUnits), () => `${s.supplier}: produced ${s.producedUnits} != delivered ${s.deliveredUnits} + in transit ${s.inTransitUnits}`);
    check(s.deliveredUnits >= 0 && s.inTransitUnits >= -1e-6 * Math.max(1, s.producedUnits), () => `${s.supplier}: negative chips ${JSON.stringify(s)}`);
    const recorded = result.suppliers.filter((r) => r.supplier === s.supplier).reduce((sum, r) => sum + r.productionUnits, 0);
    check(close(recorded, s.producedUnits), () => `${s.supplier}: monthly production ${recorded} != audit ${s.producedUnits}`);
  }
  for (const s of result.suppliers) {
    check(s.productionUnits >= 0 && s.productionH100e >= 0 && s.backlogH100e >= 0, () => `supplier month negative: ${JSON.stringify(s)}`);
    // A month that allocated nothing has no lead time to report: null, never a 0 that would drag an average down.
    check(s.productionH100e > 0 ? s.leadTimeDays !== null && s.leadTimeDays > 0 : s.leadTimeDays === null, () => `supplier month lead time: ${JSON.stringify(s)}`);
    check(s.capacityFactor >= 0 && s.capacityFactor <= 1 + REL, () => `capacity factor ${s.capacityFactor}`);
  }

  // Money is conserved contract by contract, lease by lease, and over the run.
  for (const c of result.audit.contracts) {
    check(close(c.paidUsd, c.earnedUsd), () => `contract ${c.lab}:${c.provider} paid ${c.paidUsd} != earned ${c.earnedUsd}`);
    check(c.paidUsd >= 0 && c.endDay > c.startDay && c.volumeH100e > 0 && c.priceUsdPerGpuHour > 0, () => `contract ${JSON.stringify(c)}`);
  }
  for (const l of result.audit.leases) {
    check(close(l.paidUsd, l.earnedUsd), () => `lease ${l.lessee}:${l.lessor} paid ${l.paidUsd} != earned ${l.earnedUsd}`);
    check(l.lessee !== l.lessor && l.volumeH100e > 0 && l.priceUsdPerGpuHour > 0, () => `lease ${JSON.stringify(l)}`);
  }
  const { labsPaidUsd, providersEarnedUsd, leasesPaidUsd } = result.audit.money;
  check(close(labsPaidUsd, providersEarnedUsd - leasesPaidUsd), () => `run: labs paid ${labsPaidUsd}, providers earned ${providersEarnedUsd} less leases ${leasesPaidUsd}`);

  checkTenders(raw, result);

  for (let m = 0; m < months; m++) {
    const labs = result.labs.filter((l) => l.month === m);
    const providers = result.providers.filter((p) => p.month === m);
    const market = result.market[m]!;
    check(market.month === m, () => `market month ${market.month} at ${m}`);

    // Money is conserved in total: what labs spend, providers earn, less what lessees pass on to lessors.
    const spend = labs.reduce((s, l) => s + l.spendUsd, 0);
    const revenue = providers.reduce((s, p) => s + p.revenueUsd - p.leaseCostUsd, 0);
    check(close(spend, revenue), () => `month ${m}: labs spent ${spend}, providers earned ${revenue} net of leases`);
    const leasedOut = providers.reduce((s, p) => s + p.leasedOutH100e, 0);
    const leasedIn = providers.reduce((s, p) => s + p.leasedInH100e, 0);
    check(close(leasedOut, leasedIn), () => `month ${m}: ${leasedOut} H100e leased out, ${leasedIn} leased in`);
    // What labs receive, providers deliver.
    const labContracted = labs.reduce((s, l) => s + l.contractedH100e, 0);
    const providerContracted = providers.reduce((s, p) => s + p.contractedH100e, 0);
    check(close(labContracted, providerContracted), () => `month ${m}: labs received ${labContracted} reserved, providers delivered ${providerContracted}`);
    const labSpot = labs.reduce((s, l) => s + l.spotH100e, 0);
    const providerSpot = providers.reduce((s, p) => s + p.spotH100e, 0);
    check(close(labSpot, providerSpot), () => `month ${m}: labs bought ${labSpot} spot, providers sold ${providerSpot}`);

    for (const l of labs) {
      const where = `month ${m} lab ${l.lab}`;
      for (const key of ['demandH100e', 'contractedH100e', 'spotH100e', 'usedH100e', 'shortfallH100e', 'spendUsd'] as const) {
        check(l[key] >= 0, () => `${where}: ${key} = ${l[key]}`);
      }
      // A price of nothing delivered is null, never a 0 that would drag an average down.
      const delivered = l.contractedH100e + l.spotH100e;
      check(delivered > 0 ? l.avgPriceUsdPerGpuHour !== null && l.avgPriceUsdPerGpuHour >= 0 : l.avgPriceUsdPerGpuHour === null, () => `${where}: price ${l.avgPriceUsdPerGpuHour} with ${delivered} H100e delivered`);
      const used = Math.min(l.demandH100e, l.contractedH100e) + l.spotH100e;
      check(close(l.usedH100e, used), () => `${where}: used ${l.usedH100e} != min(demand, contracted) + spot = ${used}`);
      check(l.usedH100e <= l.demandH100e * (1 + REL) + 1e-6, () => `${where}: used ${l.usedH100e} > demand ${l.demandH100e}`);
      check(close(l.shortfallH100e, Math.max(0, l.demandH100e - l.usedH100e)), () => `${where}: shortfall ${l.shortfallH100e} != demand ${l.demandH100e} - used ${l.usedH100e}`);
      const held = l.contractedH100e + l.spotH100e;
      const shares = Object.values(l.shares);
      check(shares.length === l.providers, () => `${where}: ${l.providers} providers but ${shares.length} shares`);
      for (const s of shares) check(s > 0 && s <= 1 + REL, () => `${where}: share ${s}`);
      if (held > 0) check(close(shares.reduce((a, b) => a + b, 0), 1), () => `${where}: shares sum to ${shares.reduce((a, b) => a + b, 0)}`);
      else check(shares.length === 0, () => `${where}: shares without compute`);
      for (const p of Object.keys(l.shares)) check(providerIds.includes(p), () => `${where}: unknown provider ${p}`);
    }

    let sold = 0;
    for (const p of providers) {
      const where = `month ${m} provider ${p.provider}`;
      for (const key of ['fleetH100e', 'usableH100e', 'internalH100e', 'contractedH100e', 'spotH100e', 'utilization', 'revenueUsd', 'costUsdPerGpuHour', 'backlogH100e', 'powerMw', 'marketShare'] as const) {
        check(p[key] >= 0, () => `${where}: ${key} = ${p[key]}`);
      }
      // Prices are null where there was nothing to price, and positive otherwise.
      const soldH100e = p.contractedH100e + p.leasedInH100e + p.spotH100e;
      check(soldH100e > 0 ? p.avgPriceUsdPerGpuHour !== null && p.avgPriceUsdPerGpuHour >= 0 : p.avgPriceUsdPerGpuHour === null, () => `${where}: average price ${p.avgPriceUsdPerGpuHour} having sold ${soldH100e}`);
      check(p.spotPriceUsdPerGpuHour === null || p.spotPriceUsdPerGpuHour > 0, () => `${where}: spot price ${p.spotPriceUsdPerGpuHour}`);
      check(p.spotH100e === 0 || p.spotPriceUsdPerGpuHour !== null, () => `${where}: spot sold without a spot price`);
      // Capacity is never over-allocated.
      const load = p.internalH100e + p.contractedH100e + p.spotH100e;
      check(load <= p.usableH100e * (1 + REL) + 1e-6, () => `${where}: internal ${p.internalH100e} + contracted ${p.contractedH100e} + spot ${p.spotH100e} > usable ${p.usableH100e}`);
      check(p.utilization <= 1, () => `${where}: utilization ${p.utilization}`);
      // Power can only hold fleet back, never add to it (usable is an average over the month, the fleet its end).
      sold += p.contractedH100e + p.spotH100e;
    }
    const shareSum = providers.reduce((s, p) => s + p.marketShare, 0);
    if (sold > 0) check(close(shareSum, 1), () => `month ${m}: market shares sum to ${shareSum}`);
    else check(shareSum === 0, () => `month ${m}: market shares ${shareSum} with nothing sold`);
    check(market.hhi >= 0 && market.hhi <= 1 + REL, () => `month ${m}: hhi ${market.hhi}`);
    check(market.spotPriceUsdPerGpuHour >= 0 && market.activeShocks >= 0, () => `month ${m}: market ${JSON.stringify(market)}`);
    // A contract price exactly when contracts are in force (providers delivered under them).
    check(providerContracted > 0 ? market.contractPriceUsdPerGpuHour !== null && market.contractPriceUsdPerGpuHour > 0 : market.contractPriceUsdPerGpuHour === null, () => `month ${m}: contract price ${market.contractPriceUsdPerGpuHour} with ${providerContracted} H100e under contract`);
    check(market.contractArmsLengthUsdPerGpuHour === null || (market.contractPriceUsdPerGpuHour !== null && market.contractArmsLengthUsdPerGpuHour > 0), () => `month ${m}: arm's-length contract price ${market.contractArmsLengthUsdPerGpuHour}`);
    for (const c of result.chips.filter((chip) => chip.month === m)) {
      // A chip no provider holds has no price of its own.
      check(c.fleetH100e > 0 ? c.spotPriceUsdPerGpuHour !== null && c.spotPriceUsdPerGpuHour >= 0 : c.spotPriceUsdPerGpuHour === null && c.spotPriceUsdPerChipHour === null, () => `month ${m} chip ${c.chip}: spot price ${c.spotPriceUsdPerGpuHour} with a fleet of ${c.fleetH100e}`);
      check(c.contractPriceUsdPerGpuHour === null || (c.fleetH100e > 0 && c.contractPriceUsdPerGpuHour > 0), () => `month ${m} chip ${c.chip}: contract price ${c.contractPriceUsdPerGpuHour}`);
    }
    check(close(market.demandH100e, labs.reduce((s, l) => s + l.demandH100e, 0)), () => `month ${m}: market demand`);
    check(close(market.shortfallH100e, labs.reduce((s, l) => s + l.shortfallH100e, 0)), () => `month ${m}: market shortfall`);
  }

  // An exclusive lab holds compute from its incumbent only (and from the providers of its initial contracts).
  const initial = (raw.contracts as Raw[]).length;
  for (const { lab, allowed } of alwaysExclusive(raw)) {
    for (const record of result.labs.filter((l) => l.lab === lab)) {
      for (const p of Object.keys(record.shares)) check(allowed.has(p), () => `exclusive ${lab} holds compute from ${p} in month ${record.month}`);
    }
    const incumbent = (raw.labs as Raw[]).find((l) => l.id === lab)!.procurement.incumbent;
    for (const c of result.audit.contracts.slice(initial)) if (c.lab === lab) check(c.provider === incumbent, () => `exclusive ${lab} signed with ${c.provider}`);
  }

  // Events of note come in time order.
  for (let i = 1; i < result.events.length; i++) check(result.events[i]!.day >= result.events[i - 1]!.day, () => `event ${i} out of order`);

  // Summary figures stay in range.
  for (const l of result.summary.labs) {
    check(l.shortfallShare >= 0 && l.shortfallShare <= 1 + REL, () => `summary ${l.lab} shortfall share ${l.shortfallShare}`);
    check(l.worstYearShortfallShare >= l.shortfallShare - REL || l.shortfallShare === 0, () => `summary ${l.lab}: worst year ${l.worstYearShortfallShare} < overall ${l.shortfallShare}`);
  }
}

/** Labs whose procurement terms no timeline entry touches. */
function untouched(raw: Raw): Set<string> {
  const touched = new Set<string>();
  for (const entry of raw.timeline as Raw[]) for (const path of Object.keys(entry.set)) if (path.startsWith('labs.')) touched.add(path.split('.')[1]!);
  return new Set((raw.labs as Raw[]).map((l) => l.id as string).filter((id) => !touched.has(id)));
}

/**
 * Tenders: a block is never split (unless its lab allows partial blocks), each awarded block is one
 * contract of its size, the best rival bid is no bid of the incumbent's, a matched price is the best
 * rival bid, no bid is above the lab's reserve, and no provider commits more than it could serve
 * (from its own capacity or its lessor's).
 */
function checkTenders(raw: Raw, result: RunResult): void {
  const stable = untouched(raw);
  const initial = (raw.contracts as Raw[]).length;
  const signedBy = new Map<string, RunResult['audit']['contracts']>();
  for (const c of result.audit.contracts.slice(initial)) signedBy.set(c.lab, [...(signedBy.get(c.lab) ?? []), c]);
  for (const t of result.tenders) {
    const where = `tender ${t.tender} of ${t.lab} on ${t.date}`;
    check(t.bids.length <= t.able && t.able <= Math.max(t.invited, 1) + (raw.providers as Raw[]).length, () => `${where}: ${t.bids.length} bids, ${t.able} able, ${t.invited} invited`);
    for (const b of t.bids) check(b.priceUsdPerGpuHour > 0 && b.priceUsdPerGpuHour <= t.reserveUsdPerGpuHour * (1 + REL), () => `${where}: bid ${b.priceUsdPerGpuHour} above the reserve ${t.reserveUsdPerGpuHour}`);
    // The best rival bid is the lowest bid of a provider other than the incumbent (none: null).
    const rivals = t.bids.filter((b) => b.provider !== t.incumbent).map((b) => b.priceUsdPerGpuHour);
    check(t.bestRivalUsdPerGpuHour === (rivals.length > 0 ? Math.min(...rivals) : null), () => `${where}: best rival ${t.bestRivalUsdPerGpuHour}, rivals' bids ${rivals.join(', ')}`);
    // A matched block is paid at the best rival bid (with partial blocks, the rest of it at the rivals' own, higher, bids).
    const partial = labOf(raw, t.lab).procurement.partialBlocks === true;
    if (t.matched) {
      check(t.winner === t.incumbent, () => `${where}: matched by ${t.winner}, not the incumbent ${t.incumbent}`);
      if (partial) check(t.priceUsdPerGpuHour! >= t.bestRivalUsdPerGpuHour! * (1 - REL), () => `${where}: matched below the best rival bid`);
      else check(t.priceUsdPerGpuHour === t.bestRivalUsdPerGpuHour, () => `${where}: matched at ${t.priceUsdPerGpuHour}, best rival ${t.bestRivalUsdPerGpuHour}`);
    }
    if (t.strategy === 'exclusive') for (const b of t.bids) check(b.provider === t.incumbent, () => `${where}: ${b.provider} bid on an exclusive lab's block`);
    if (t.winner === '') {
      check(t.awardedH100e === 0 && t.priceUsdPerGpuHour === null && t.serverFreeH100e === null, () => `${where}: no winner but ${t.awardedH100e} awarded, at ${t.priceUsdPerGpuHour}, to a server with ${t.serverFreeH100e} free`);
      continue;
    }
    check(t.priceUsdPerGpuHour! > 0 && t.priceUsdPerGpuHour! <= t.reserveUsdPerGpuHour * (1 + REL), () => `${where}: price ${t.priceUsdPerGpuHour} above the reserve ${t.reserveUsdPerGpuHour}`);
    check(t.awardedH100e <= t.sizeH100e * (1 + REL), () => `${where}: awarded ${t.awardedH100e} of a ${t.sizeH100e} block`);
    // Nothing committed beyond the server's free capacity at delivery.
    check(t.serverFreeH100e !== null && t.serverFreeH100e >= 0, () => `${where}: a winner's server with ${t.serverFreeH100e} free`);
    if (!partial) check(t.awardedH100e <= t.serverFreeH100e! * (1 + REL) + 1e-6, () => `${where}: ${t.awardedH100e} awarded to a server with ${t.serverFreeH100e} free`);
  }
  // A lab that never allows partial blocks signs exactly one contract per awarded block, of the block's size, with its winner.
  for (const id of stable) {
    if (labOf(raw, id).procurement.partialBlocks) continue;
    const awarded = result.tenders.filter((t) => t.lab === id && t.winner !== '');
    const contracts = signedBy.get(id) ?? [];
    check(contracts.length === awarded.length, () => `${id}: ${awarded.length} blocks awarded, ${contracts.length} contracts signed`);
    awarded.forEach((t, k) => {
      const c = contracts[k]!;
      check(close(c.volumeH100e, t.sizeH100e) && close(t.awardedH100e, t.sizeH100e), () => `${id}: block ${t.sizeH100e} became a contract of ${c.volumeH100e}`);
      check(c.provider === t.winner && c.leasedFrom === t.leasedFrom && c.priceUsdPerGpuHour === t.priceUsdPerGpuHour, () => `${id}: tender ${t.tender} and its contract disagree`);
    });
  }
}

function labOf(raw: Raw, id: string): Raw {
  return (raw.labs as Raw[]).find((l) => l.id === id)!;
}

describe('invariants over random valid worlds', () => {
  it('the generator builds valid scenarios of every kind', () => {
    // A fixed sample: the loader accepts each, and the sample covers the policies, strategies and shocks.
    const sample = fc.sample(scenario, { seed: 7, numRuns: 60 });
    const seen = new Set<string>();
    for (const raw of sample) {
      load(raw);
      for (const p of raw.providers as Raw[]) seen.add(`pricing:${p.pricing.policy}`);
      for (const l of raw.labs as Raw[]) seen.add(`strategy:${l.procurement.strategy}`);
      for (const s of raw.suppliers as Raw[]) seen.add(`allocation:${s.allocation ?? 'proRata'}`);
      for (const s of raw.shocks as Raw[]) seen.add(`shock:${Object.keys(s.target)[0]}:${Object.keys(s.arrival)[0]}`);
      if ((raw.contracts as Raw[]).length > 0) seen.add('contracts');
      if ((raw.timeline as Raw[]).length > 0) seen.add('timeline');
    }
    expect([...seen].sort()).toEqual(
      [
        'allocation:firstCome', 'allocation:priority', 'allocation:proRata', 'contracts',
        'pricing:competitive', 'pricing:costPlus', 'pricing:custom:inv-flat', 'pricing:formula', 'pricing:utilization',
        'shock:lab:date', 'shock:lab:ratePerYear', 'shock:provider:date', 'shock:provider:ratePerYear', 'shock:supplier:date', 'shock:supplier:ratePerYear',
        'strategy:exclusive', 'strategy:multi', 'strategy:rightOfFirstRefusal', 'timeline',
      ].sort(),
    );
  });

  it('every run keeps the books: chips, money, capacity, shares, signs, finiteness, exclusivity', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 0, max: 1000 }), fc.nat(9), (raw, seed, runIndex) => {
        const result = runScenario(load(raw), seed, runIndex);
        checkInvariants(raw, result);
      }),
      { seed: 42, numRuns: 400 },
    );
  });
});
