/**
 * The starter scenario `computerace init` writes: small but complete (one chip, one supplier, two
 * providers, one lab, a contract, a timeline entry, a shock), every field commented with its meaning
 * and unit, so that a strategist can start from it and an editor can check it against the JSON Schema.
 */

/** The file name `computerace init` gives the JSON Schema, next to the scenario. */
export const STARTER_SCHEMA_FILE = 'scenario.schema.json';

export interface StarterOptions {
  /** The scenario's `name`. */
  name?: string;
  /** Path or URL of the JSON Schema, as the first-line modeline gives it to the editor (relative to the scenario file). */
  schema?: string;
}

/** The starter scenario's text: YAML with comments; it validates as it is. */
export function starterScenario(options: StarterOptions = {}): string {
  const name = options.name !== undefined && /^[\w.-]+$/.test(options.name) ? options.name : 'my-scenario';
  // Quoted unless YAML would read it as text anyway (`2025`, `true` or `null` would not be a name).
  const written = /^[A-Za-z][\w-]*$/.test(name) && !/^(true|false|null|yes|no|on|off)$/i.test(name) ? name : JSON.stringify(name);
  const schema = options.schema ?? `./${STARTER_SCHEMA_FILE}`;
  return STARTER.replace('{{schema}}', schema).replace(/\{\{name\}\}( *)/, (placeholder) => `${written.padEnd(placeholder.length - 1)} `);
}

// Comments start at column 35 where they fit, so the values read as a column.
const STARTER = `# yaml-language-server: $schema={{schema}}
#
# A computerace scenario: a world of the AI compute market, simulated month by month. Labs buy GPU
# capacity from clouds (providers), clouds buy chips from suppliers, demand grows, shocks strike.
#
# Check it:  npx computerace validate THIS_FILE     (every problem as file:line:col: path: message)
# Run it:    npx computerace run THIS_FILE --seed 42
#
# Units: time in days (dates are YYYY-MM-DD), compute in H100-equivalents (H100e), prices in USD per
# H100e-hour, money in USD, power in MW. Units are also in the field names.
#
# Uncertain numbers: most numeric fields take a distribution instead of a number, drawn once per run:
#   { lognormal: { median: 2.5, sigma: 0.3 } }    { triangular: { min: 60, mode: 90, max: 180 } }
#   { uniform: { min: 1, max: 2 } }    { normal: { mean: 1, sd: 0.1 } }    { pert: { min: 1, mode: 2, max: 4 } }
# Formulas: arithmetic over the variables their field names, such as "100000 * 1.3^t", with
#   + - * / ^ %, comparisons, and, or, not, a ? b : c, and abs, cbrt, ceil, cos, exp, floor, log,
#   log10, log2, max, min, pow, round, sign, sin, sqrt, tan, tanh; at most 500 characters.

name: {{name}}                     # a short name for reports
description: A starter world of one chip, one supplier, two clouds and one lab.   # optional free text
start: 2025-01-01                 # first simulated day
end: 2027-12-31                   # last simulated day

chips:                            # accelerator generations
  - id: h100                      # an id: lower-case letters, digits and dashes, starting with a letter
    name: NVIDIA H100 SXM         # optional display name
    release: 2022-10-01           # first date the chip can be made and delivered
    perfH100e: 1                  # throughput relative to an H100 (H100e per chip)
    powerKw: 1.4                  # all-in power per chip, with its share of server and cooling (kW)
    unitCostUsd: 30000            # what a provider pays per chip, installed (USD)
    lifeYears: 5                  # useful life; chips retire at its end (years)

suppliers:                        # chip makers (or packagers)
  - id: nvidia
    products:                     # chips made over time; output goes to the newest chip in production
      - chip: h100                # a chip id
        # from: 2025-01-01        # optional: first production date (default: the chip's release)
        # until: 2027-12-31       # optional: last production date (default: the scenario's end)
    capacityUnitsPerMonth: "100000 * 1.3^t"   # production capacity (chips per month): a number, or a formula of t (years since start) and year
    leadTimeDays: { triangular: { min: 60, mode: 90, max: 180 } }   # from allocating an order to delivery (days)
    allocation: proRata           # how scarce output is shared among orders: firstCome, proRata or priority
    # priority: [azure]           # with allocation: priority, the provider ids served first, in order

providers:                        # clouds: fleet, power, growth, their own demand, pricing
  - id: azure
    name: Microsoft Azure         # optional display name
    fleet: { h100: 200000 }       # chips installed at the start, by chip id (chips)
    powerMw: 400                  # power available at the start (MW)
    powerBuildMwPerYear: 200      # the most power it can start building in a year (MW per year); it builds what its contracts and growth need, up to this (powerBuild: fixed builds this rate)
    powerLeadTimeDays: { triangular: { min: 365, mode: 540, max: 900 } }   # from starting a build to power online (days)
    capexUsdPerYear: 20e9         # budget for chips and power build-out (USD per year)
    capexUsdPerMw: 12e6           # cost of building one MW of data-centre power (USD per MW; default 12e6)
    opexUsdPerGpuHour: 0.35       # power, colocation and operations (USD per H100e-hour; default 0.35)
    internalDemandH100e: "50000 * 1.5^t"   # capacity kept for the provider's own models, served first (H100e): a number or a formula of t and year
    targetUtilization: 0.85       # utilisation the provider plans for when ordering chips (share, 0 to 1; default 0.85)
    suppliers: [nvidia]           # supplier ids the provider orders chips from
    pricing:                      # its reservation price, the least it accepts (the price labs pay comes from tenders and the spot market): costPlus, utilization, competitive or formula
      policy: utilization         # a markup over cost that rises with scarcity
      margin: 0.3                 # markup at or below the target utilisation (fraction of cost)
      scarcityMarkup: 1.5         # extra markup as utilisation goes from the target to full (fraction of cost)
  - id: coreweave
    name: CoreWeave
    fleet: { h100: 80000 }        # (chips)
    powerMw: 150                  # (MW)
    powerBuildMwPerYear: { lognormal: { median: 150, sigma: 0.3 } }   # uncertain: drawn once per run (MW per year)
    powerLeadTimeDays: 365        # (days)
    capexUsdPerYear: 8e9          # (USD per year)
    suppliers: [nvidia]
    pricing:
      policy: formula             # a reservation price formula, in USD per H100e-hour, over:
      # cost (USD per H100e-hour), utilization (0 to 1), bidders (providers quoting), spot (USD per H100e-hour), t, year
      expression: "cost * (1.2 + 0.5 * utilization) / sqrt(bidders)"

labs:                             # AI labs: growing, uncertain demand, a budget, a way of buying
  - id: frontier-lab
    name: A frontier lab          # optional display name
    demand:                       # how much compute the lab needs over time
      initialH100e: 150000        # compute needed at the start, training and inference (H100e)
      growthPerYear: { lognormal: { median: 2.0, sigma: 0.2 } }   # multiplicative growth of demand per year (factor per year)
      volatility: 0.1             # sigma of the monthly lognormal noise around the trend (default 0.1)
      # formula: "initial * growth^t"   # optional: replaces the exponential trend; over t, year, initial, growth
    budgetUsdPerYear: 10e9        # the most the lab spends on compute in a year (USD per year)
    procurement:                  # how the lab buys compute
      strategy: rightOfFirstRefusal   # exclusive (the incumbent only), rightOfFirstRefusal (it may match the best offer) or multi
      providers: [azure, coreweave]   # provider ids the lab may buy from, the incumbent first
      incumbent: azure            # the provider with exclusivity or the right of first refusal
      maxShare: 0.7               # with multi: the most of the lab's compute one provider may hold (share; default 1)
      priceCeilingUsdPerGpuHour: 4   # the most the lab pays (USD per H100e-hour); optional
      intervalDays: 90            # time between procurement rounds (days; default 90)
      contractMonths: 24          # length of the contracts it signs (months; default 24)
      coverage: 0.9               # share of forecast need bought as reserved contracts; the rest goes to spot (default 0.9)

contracts:                        # contracts in force at the start
  - lab: frontier-lab             # the lab (id) that holds the contract
    provider: azure               # the provider (id) that serves it
    kind: reserved                # take-or-pay for the whole term (the only kind)
    volumeH100e: 100000           # capacity reserved (H100e)
    priceUsdPerGpuHour: 2.5       # price per reserved H100e-hour, used or not (USD per H100e-hour)
    start: 2024-07-01             # first day of the contract
    end: 2026-06-30               # last day of the contract

timeline:                         # dated changes to policies and budgets, by path with actor ids
  - date: 2026-01-01              # the day the change takes effect
    set: { labs.frontier-lab.procurement.strategy: multi }   # fields to change: kind.id.field: new value
    note: the right of first refusal ends and the lab buys from every cloud   # optional: shown in the run's events

shocks:                           # supply and demand disruptions
  - id: packaging-shortage
    kind: packaging               # optional label for reports
    target: { supplier: nvidia }  # { supplier: id } cuts output, { provider: id } power coming online, { lab: id } raises demand
    arrival: { ratePerYear: 0.3 } # random arrivals (per year), or one dated occurrence: { date: 2026-03-01 }
    magnitude: { triangular: { min: 0.1, mode: 0.2, max: 0.4 } }   # share of output lost (for a lab: extra demand as a share)
    durationDays: { lognormal: { median: 180, sigma: 0.4 } }       # how long each occurrence lasts (days)

outputs:                          # what a run keeps
  timeseries: [labs, providers, suppliers, market]   # monthly series a run keeps, by actor kind
`;
