// What a scenario may say but most likely does not mean, said at load time and not refused: each of these
// has a use (a list for a later change, a base shared by scenarios of other dates) that a refusal would
// take away, and none must pass unsaid.
import { dateOf, field, isPlainObject, list } from './data.js';
import type { Data } from './data.js';
import { chipReleases, writtenHorizon } from './checks.js';
import { compileExpression } from './expressions/compile.js';
import { ExpressionError } from './expressions/language.js';
import type { Finding } from './problems.js';
import { BUDGET_VARIABLES } from './schema.js';

/** The warnings of a scenario's data (the files composed, with `--set`): found where they are written. */
export function scenarioWarnings(data: Data): Finding[] {
  return [...ignoredPriorityLists(data), ...contractsNeverInForce(data), ...fleetsBeforeRelease(data), ...contractsPastFleet(data), ...budgetsOfNoRevenue(data)];
}

// Read only by the priority policy and registered ones; a timeline entry or a variant that sets the
// allocation may make the list the one it reads.
function ignoredPriorityLists(data: Data): Finding[] {
  const setPaths = pathsSetLater(data);
  return list(data.suppliers).flatMap((supplier, s): Finding[] => {
    const allocation = field(supplier, 'allocation') ?? 'proRata';
    if (field(supplier, 'priority') === undefined || (allocation !== 'proRata' && allocation !== 'firstCome')) return [];
    if (setPaths.includes(`suppliers.${String(field(supplier, 'id'))}.allocation`)) return [];
    return [{ path: ['suppliers', s, 'priority'], message: `a priority list is read only by allocation: priority (or a custom: policy); this supplier allocates by ${String(allocation)}, which ignores it` }];
  });
}

function contractsNeverInForce(data: Data): Finding[] {
  const { start, end, reversed } = writtenHorizon(data);
  // A reversed horizon is refused, and says so once.
  if (reversed) return [];
  return list(data.contracts).flatMap((contract, c): Finding[] => {
    const from = dateOf(field(contract, 'start'));
    const until = dateOf(field(contract, 'end'));
    if (until && start && until <= start) return [{ path: ['contracts', c, 'end'], message: `the contract ends (${until}) by the scenario's start (${start}): it is never in force, and is ignored` }];
    if (from && end && from > end) return [{ path: ['contracts', c, 'start'], message: `the contract starts (${from}) after the scenario's end (${end}): it is never in force, and is ignored` }];
    return [];
  });
}

// A counterfactual (a chip a year early) may mean it; a fleet of the wrong chip reads the same, so it is said.
function fleetsBeforeRelease(data: Data): Finding[] {
  const start = dateOf(data.start);
  if (!start) return [];
  const release = chipReleases(data);
  return list(data.providers).flatMap((provider, p) =>
    Object.entries(objectOrEmpty(field(provider, 'fleet'))).flatMap(([chip, units]): Finding[] => {
      const released = release.get(chip);
      if (!released || released <= start || units === 0) return [];
      return [{ path: ['providers', p, 'fleet', chip], key: true, message: `chip '${chip}' is released on ${released}, after the scenario's start (${start}): this fleet holds it from the start` }];
    }),
  );
}

// Valid (the provider may be meant to fall short), but the run serves such contracts pro rata and calls the
// rest the lab's shortfall: a volume typed in GPUs for H100e, or a zero too many, reads the same.
function contractsPastFleet(data: Data): Finding[] {
  const { start, reversed } = writtenHorizon(data);
  if (!start || reversed) return [];
  const perf = new Map(list(data.chips).map((chip) => [field(chip, 'id'), field(chip, 'perfH100e')]));
  const fleets = new Map(
    list(data.providers).map((provider) => {
      const held = Object.entries(objectOrEmpty(field(provider, 'fleet'))).map(([chip, units]) => Number(units) * Number(perf.get(chip)));
      return [field(provider, 'id'), held.reduce((sum, h100e) => sum + h100e, 0)];
    }),
  );
  const atStart = new Map<unknown, { first: number; count: number; volume: number }>();
  list(data.contracts).forEach((contract, c) => {
    const from = dateOf(field(contract, 'start'));
    const until = dateOf(field(contract, 'end'));
    const volume = field(contract, 'volumeH100e');
    if (!from || !until || from > start || until <= start || typeof volume !== 'number') return;
    const provider = field(contract, 'provider');
    const known = atStart.get(provider);
    if (known) Object.assign(known, { count: known.count + 1, volume: known.volume + volume });
    else atStart.set(provider, { first: c, count: 1, volume });
  });
  return [...atStart].flatMap(([provider, { first, count, volume }]): Finding[] => {
    const fleet = fleets.get(provider);
    if (fleet === undefined || !Number.isFinite(fleet) || volume <= fleet) return [];
    const reserved = count === 1 ? `this contract reserves ${h100e(volume)}` : `the ${count} contracts in force at the start reserve ${h100e(volume)} in all`;
    return [{ path: ['contracts', first, 'volumeH100e'], message: `${reserved} of ${String(provider)}, more than its fleet at the start (${h100e(fleet)}): each is served pro rata to what the fleet can, the rest is its lab's shortfall` }];
  });
}

// A revenue left out is 0 (documented), so a budget of `2 * revenue` is no budget: most likely not meant.
function budgetsOfNoRevenue(data: Data): Finding[] {
  const setPaths = pathsSetLater(data);
  return list(data.labs).flatMap((lab, l): Finding[] => {
    const budget = field(lab, 'budgetUsdPerYear');
    if (typeof budget !== 'string' || field(lab, 'revenueUsdPerYear') !== undefined) return [];
    if (setPaths.includes(`labs.${String(field(lab, 'id'))}.revenueUsdPerYear`)) return [];
    let reads: readonly string[];
    try {
      reads = compileExpression(budget, BUDGET_VARIABLES).variables;
    } catch (error) {
      // A formula that does not compile is a problem, said as one.
      if (error instanceof ExpressionError) return [];
      throw error;
    }
    if (!reads.includes('revenue')) return [];
    return [{ path: ['labs', l, 'budgetUsdPerYear'], message: `the budget reads revenue, and this lab has no revenueUsdPerYear: its revenue is 0 (write revenueUsdPerYear, or a budget of its own)` }];
  });
}

/** The paths a timeline entry or a variant sets: what the base file leaves out, they may give. */
function pathsSetLater(data: Data): string[] {
  return [
    ...list(data.timeline).flatMap((entry) => Object.keys(objectOrEmpty(field(entry, 'set')))),
    ...Object.values(objectOrEmpty(data.variants)).flatMap((variant) => Object.keys(objectOrEmpty(variant))),
  ];
}

function h100e(value: number): string {
  return `${value.toLocaleString('en-US', { maximumFractionDigits: 0 })} H100e`;
}

function objectOrEmpty(value: unknown): Record<string, unknown> {
  return isPlainObject(value) ? value : {};
}
