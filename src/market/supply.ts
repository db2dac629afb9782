import type { Simulation } from '../kernel/simulation.js';
import type { ChipType, Provider, Supplier } from './actors.js';
import { KeyedSums } from './arrays.js';
import { AVERAGE_MONTH_DAYS, DAYS_PER_YEAR } from './calendar.js';
import type { SupplierMonth } from './results.js';

/** The supply side: suppliers produce against capacity and orders; providers order chips and build power. */

/**
 * One month of a supplier: capacity (times the month's shock factor) is allocated among the
 * outstanding orders by the supplier's policy; only what is allocated is made, and it reaches each
 * provider after the lead time. The month's record is appended to `records`, when given.
 */
export function produce(sim: Simulation, supplier: Supplier, month: number, monthStartDay: number, monthDays: number, t: number, year: number, records?: SupplierMonth[]): void {
  const capacityFactor = supplier.exposure.takeAverage();
  const chip = supplier.productOn(monthStartDay);
  let productionUnits = 0;
  let productionH100e = 0;
  // Null in a month that allocated nothing: no order waited, so there is no wait to report.
  let leadTimeDays: number | null = null;
  if (chip !== undefined && supplier.orders.length > 0) {
    const capacityUnits = Math.max(0, supplier.capacityUnitsPerMonth(t, year)) * (monthDays / AVERAGE_MONTH_DAYS) * capacityFactor;
    const given = supplier.allocation.allocate(capacityUnits * chip.perfH100e, supplier.orders, supplier.priority);
    // H100e by buyer, in the order their orders were first served.
    const shipment = new KeyedSums<Provider>();
    let waitWeighted = 0;
    const orders = supplier.orders;
    for (let i = 0; i < orders.length; i++) {
      const order = orders[i]!;
      const h100e = Math.max(0, Math.min(given[i] ?? 0, order.remainingH100e));
      if (h100e <= 0) continue;
      order.remainingH100e -= h100e;
      shipment.add(order.buyer, h100e);
      productionH100e += h100e;
      waitWeighted += h100e * (sim.now - order.day + supplier.leadTimeDays);
    }
    // Orders fully served leave the book; tiny remainders from float division count as served.
    let kept = 0;
    for (const order of orders) if (!(order.remainingH100e <= 1e-9)) orders[kept++] = order;
    orders.length = kept;
    productionUnits = productionH100e / chip.perfH100e;
    if (productionH100e > 0) leadTimeDays = waitWeighted / productionH100e;
    supplier.producedUnits += productionUnits;
    ship(sim, supplier, chip, shipment);
  }
  records?.push({ month, supplier: supplier.id, productionUnits, productionH100e, backlogH100e: supplier.backlogH100e, leadTimeDays, capacityFactor });
}

// A month's allocation leaves together and arrives together, after the lead time: one event per
// supplier and month, whatever the number of buyers.
function ship(sim: Simulation, supplier: Supplier, chip: ChipType, shipment: KeyedSums<Provider>): void {
  const arrival = sim.now + supplier.leadTimeDays;
  const { keys: buyers, sums } = shipment;
  for (let i = 0; i < buyers.length; i++) {
    const units = sums[i]! / chip.perfH100e;
    supplier.inTransitUnits += units;
    buyers[i]!.arrivals.push({ day: arrival, h100e: sums[i]!, mw: (units * chip.powerKw) / 1000 });
  }
  sim.at(
    arrival,
    () => {
      for (let i = 0; i < buyers.length; i++) {
        const provider = buyers[i]!;
        const h100e = sums[i]!;
        const units = h100e / chip.perfH100e;
        supplier.inTransitUnits -= units;
        supplier.deliveredUnits += units;
        provider.backlogH100e = Math.max(0, provider.backlogH100e - h100e);
        provider.arrived(arrival, h100e);
        provider.install(chip, units, arrival + chip.lifeDays);
      }
    },
    sim.tracing ? { label: `delivery ${supplier.id}` } : undefined,
  );
}

/** What a provider orders this month, given the load it expects at the delivery horizon; `year` is fractional. */
export function orderChips(provider: Provider, day: number, t: number, year: number, expectedLoadH100e: number): void {
  const horizon = day + averageLeadTime(provider) + AVERAGE_MONTH_DAYS;
  const want = provider.ordering.order({
    expectedLoadH100e,
    targetUtilization: provider.targetUtilization,
    pipelineH100e: provider.fleetOn(horizon) + provider.backlogH100e,
  });
  if (!(want > 0)) return;
  // Orders go to suppliers in proportion to what each can make now (in H100e), so the order's cost
  // and power per H100e are those averages too.
  const mix = orderMix(provider, day, t, year);
  if (mix === undefined) return;
  const { usdPerH100e, mwPerH100e } = mix;
  // Budget and power bound the order: chips cost capex, and need power to run.
  const powerRoomMw = provider.powerMw + provider.powerBuildingMw - provider.powerNeededMw - provider.backlogH100e * mwPerH100e;
  const order = Math.min(want, provider.capexLeft(Math.floor(year)) / usdPerH100e, Math.max(0, powerRoomMw) / mwPerH100e);
  if (!(order > 0)) return;
  provider.capexSpentUsd += order * usdPerH100e;
  provider.backlogH100e += order;
  const suppliers = provider.suppliers;
  let total = 0;
  for (const supplier of suppliers) total += weightOf(supplier, day, t, year);
  for (const supplier of suppliers) {
    const weight = weightOf(supplier, day, t, year);
    if (weight > 0) supplier.orders.push({ provider: provider.id, buyer: provider, remainingH100e: (order * weight) / total, day });
  }
}

// What a supplier can make now, in H100e: how an order is shared among a provider's suppliers.
function weightOf(supplier: Supplier, day: number, t: number, year: number): number {
  const chip = supplier.productOn(day);
  return chip === undefined ? 0 : Math.max(0, supplier.capacityUnitsPerMonth(t, year)) * chip.perfH100e;
}

/** The cost and power per H100e of an order spread over a provider's suppliers by what each can make now; undefined when none can. */
export function orderMix(provider: Provider, day: number, t: number, year: number): { usdPerH100e: number; mwPerH100e: number } | undefined {
  let total = 0;
  let usd = 0;
  let mw = 0;
  for (const supplier of provider.suppliers) {
    const chip = supplier.productOn(day);
    const weight = weightOf(supplier, day, t, year);
    if (!(weight > 0)) continue;
    total += weight;
    usd += (weight * chip!.unitCostUsd) / chip!.perfH100e;
    mw += (weight * chip!.powerKw) / chip!.perfH100e / 1000;
  }
  return total > 0 ? { usdPerH100e: usd / total, mwPerH100e: mw / total } : undefined;
}

/**
 * Starts this month's power build, within capex; `year` is fractional. With `powerBuild: fixed` a
 * month's share of `powerBuildMwPerYear`; with `demand` (the default) what `neededMw` (the power the
 * load expected when the build completes needs) lacks beyond the power online and under
 * construction, up to that same monthly share. Power due on `endDay` (where the run stops) or later
 * would never come online in the run, and is not scheduled.
 */
export function buildPower(sim: Simulation, provider: Provider, monthDays: number, year: number, endDay: number, neededMw: number): void {
  const rate = (provider.powerBuildMwPerYear * monthDays) / DAYS_PER_YEAR;
  const wanted = provider.powerBuild === 'fixed' ? rate : Math.min(rate, neededMw - provider.powerMw - provider.powerBuildingMw);
  const mw = Math.min(wanted, provider.capexLeft(Math.floor(year)) / provider.capexUsdPerMw);
  if (!(mw > 0)) return;
  provider.capexSpentUsd += mw * provider.capexUsdPerMw;
  provider.powerBuildingMw += mw;
  bringOnline(sim, provider, mw, sim.now + provider.powerLeadTimeDays, endDay);
}

// Grid and construction shocks hold back the share they cut; it is retried a month later. The
// retries reuse the build's one callback (power events are most of a run's events).
function bringOnline(sim: Simulation, provider: Provider, mw: number, day: number, endDay: number): void {
  let pendingMw = mw;
  let due = day;
  const options = sim.tracing ? { label: `power ${provider.id}` } : undefined;
  const schedule = (): void => {
    if (!(due < endDay)) return;
    provider.powerArrivals.push({ day: due, mw: pendingMw });
    sim.at(due, arrive, options);
  };
  const arrive = (): void => {
    provider.powerDue(due, pendingMw);
    const online = pendingMw * provider.powerExposure.current;
    provider.powerBuildingMw -= online;
    provider.addPower(online);
    const held = pendingMw - online;
    if (!(held > 1e-9)) return;
    pendingMw = held;
    due += AVERAGE_MONTH_DAYS;
    schedule();
  };
  schedule();
}

/** The mean lead time of a provider's suppliers, days. */
export function averageLeadTime(provider: Provider): number {
  let total = 0;
  for (const supplier of provider.suppliers) total += supplier.leadTimeDays;
  return provider.suppliers.length > 0 ? total / provider.suppliers.length : 0;
}
