import { z } from 'zod';
import { Id, IsoDate, field, finite, share } from './fields.js';
import type { FieldMeta } from './fields.js';
import { FIELD_LIMITS as LIMITS, MAX_LOGNORMAL_SIGMA, describeMax, within } from './limits.js';
import type { Limit } from './limits.js';
import { Targets } from './targets.js';

export { Id, IsoDate } from './fields.js';

/**
 * The scenario file format: one zod schema drives validation, the TypeScript types (z.infer) and
 * the JSON Schema that editors use (`computerace schema`). Every field carries a description, a
 * unit where it has one, and an example. Time is days; compute is H100-equivalents (H100e);
 * prices are USD per H100e-hour; money is USD; power is MW.
 */

/** A policy registered through the library (`registerPolicy`), named in a scenario as `custom:NAME`. */
const CustomPolicyName = z.string().regex(/^custom:[A-Za-z][\w-]*$/, 'a registered policy is named `custom:NAME`');

const positive = finite.refine((x) => x > 0, 'expected a number > 0');
const nonNegative = finite.refine((x) => x >= 0, 'expected a number >= 0');

/** The kinds of distribution a scenario writes, each as `{ kind: { parameters } }`. */
export const DISTRIBUTION_KINDS = ['lognormal', 'normal', 'uniform', 'triangular', 'pert'] as const;

// Distributions in scenario files are written `{ kind: { parameters } }`; sampling maps them to the kernel's Distribution.
// A field with a limit takes only distributions that stay within it and within its sign (`range`): every
// value a bounded one can draw, an unbounded one's centre and spread (its far tail is refused when drawn,
// see sample.ts): a uniform from -5 to 3 for a growth factor would draw negative growth, a lab with no demand.
function distributions(limit: Limit | undefined, range: z.ZodNumber = finite) {
  const bounded = (schema: z.ZodNumber) => (limit === undefined ? schema : within(schema, limit));
  const inRange = bounded(range);
  const spread = limit === undefined ? positive : positive.lte(limit.max, `expected a spread ${describeMax(limit)}`);
  const Lognormal = z.strictObject({
    lognormal: z.strictObject({
      median: bounded(positive).meta({ description: 'The median (exp of mu).' }),
      sigma: positive
        .lte(MAX_LOGNORMAL_SIGMA, `expected at most ${MAX_LOGNORMAL_SIGMA} (its 95% range then spans 400 times the median either way)`)
        .meta({ description: 'The standard deviation of the logarithm.' }),
    }),
  });
  const Normal = z.strictObject({ normal: z.strictObject({ mean: inRange, sd: spread }) });
  const Uniform = z
    .strictObject({ uniform: z.strictObject({ min: inRange, max: inRange }) })
    .refine((d) => d.uniform.min < d.uniform.max, { message: 'uniform needs min < max', path: ['uniform'] });
  const Triangular = z
    .strictObject({ triangular: z.strictObject({ min: inRange, mode: inRange, max: inRange }) })
    .refine((d) => d.triangular.min <= d.triangular.mode && d.triangular.mode <= d.triangular.max && d.triangular.min < d.triangular.max, {
      message: 'triangular needs min <= mode <= max and min < max',
      path: ['triangular'],
    });
  const Pert = z
    .strictObject({ pert: z.strictObject({ min: inRange, mode: inRange, max: inRange }) })
    .refine((d) => d.pert.min <= d.pert.mode && d.pert.mode <= d.pert.max && d.pert.min < d.pert.max, {
      message: 'pert needs min <= mode <= max and min < max',
      path: ['pert'],
    });
  const union = z.union([Lognormal, Normal, Uniform, Triangular, Pert]).meta({
    description: 'A distribution: the value is drawn once per run from that run\'s own named stream.',
    examples: [{ lognormal: { median: 3.5, sigma: 0.3 } }, { triangular: { min: 60, mode: 90, max: 180 } }],
  });
  distributionSchemas.add(union);
  return union;
}

// Every distribution union, for messages that describe a distribution by its written form (schema-walk.ts).
const distributionSchemas = new WeakSet<object>();

/** Whether `schema` is a distribution union (of any field's limit). */
export function isDistributionSchema(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && distributionSchemas.has(schema);
}

/** A distribution written in a scenario file, with no limit beyond its parameters' own. */
export const DistributionSpec = distributions(undefined);

/** A number that may be uncertain, within its field's limit: a plain number, or a distribution sampled once per run. */
function uncertain(meta: FieldMeta, range: z.ZodNumber, limit: Limit) {
  return z.union([within(range, limit), distributions(limit, range)]).meta(meta);
}

/** A formula: a mathjs expression over the variables its field documents, compiled when the file is loaded. */
function formula(meta: FieldMeta & { variables: readonly string[] }) {
  const { variables, ...rest } = meta;
  return z
    .string()
    .min(1)
    .meta({ ...rest, description: `${rest.description} A formula over: ${variables.join(', ')}.`, variables: [...variables] });
}

/** A number or a distribution within its field's limit, or a formula evaluated as the run goes. */
function uncertainOrFormula(meta: FieldMeta, variables: readonly string[], range: z.ZodNumber, limit: Limit) {
  return z.union([within(range, limit), distributions(limit, range), formula({ description: meta.description, variables })]).meta(meta);
}

/** The variables a time curve may use: `t` in years since the scenario's start, and the calendar `year`. */
export const TIME_VARIABLES = ['t', 'year'] as const;

/**
 * The variables of a provider's investment formulas (capex, power build), read when it decides each
 * month: time, its signed contract backlog (H100e under contract now or later), its revenue over the
 * last month as a yearly rate (USD per year), its utilisation last month, the arm's-length spot price
 * index (USD per H100e-hour) and its fleet (H100e).
 */
export const PROVIDER_STATE_VARIABLES = ['t', 'year', 'backlog', 'revenue', 'utilization', 'spot', 'fleet'] as const;

/** The variables of a lab's budget formula: time, its revenue (USD per year, `revenueUsdPerYear`) and its demand now (H100e). */
export const BUDGET_VARIABLES = ['t', 'year', 'revenue', 'demand'] as const;

/** An accelerator generation. */
export const Chip = z.strictObject({
  id: Id,
  name: z.string().optional().meta({ description: 'Display name.', examples: ['NVIDIA H100 SXM'] }),
  release: field(IsoDate, { description: 'First date the chip can be produced and delivered.', examples: ['2022-10-01'] }),
  perfH100e: field(within(positive, LIMITS.perfH100e), { description: 'Throughput relative to an H100.', unit: 'H100e per chip', examples: [1, 2.5] }),
  powerKw: field(within(positive, LIMITS.powerKw), { description: 'All-in power per chip, including its share of the server and cooling.', unit: 'kW', examples: [1.4] }),
  unitCostUsd: field(within(positive, LIMITS.unitCostUsd), { description: 'Price a provider pays per chip, installed.', unit: 'USD', examples: [30000] }),
  lifeYears: field(within(positive, LIMITS.lifeYears), { description: 'Useful life; chips retire at its end.', unit: 'years', examples: [5] }),
});

/** A chip a supplier makes, from and until a date. */
const SupplierProduct = z.strictObject({
  chip: field(Id, { description: 'A chip id.', examples: ['h100'] }),
  from: field(IsoDate.optional(), { description: 'First production date (default: the chip\'s release).' }),
  until: field(IsoDate.optional(), { description: 'Last production date (default: the end of the scenario).' }),
});

/** A chip maker (or packager): capacity over time, lead time, allocation of scarce output. */
export const Supplier = z.strictObject({
  id: Id,
  name: z.string().optional(),
  products: field(z.array(SupplierProduct).min(1), {
    description: 'Chips made over time; output goes to the newest chip in production.',
  }),
  capacityUnitsPerMonth: z
    .union([within(positive, LIMITS.capacityUnitsPerMonth), formula({ description: 'Production capacity.', variables: TIME_VARIABLES })])
    .meta({ description: 'Production capacity, a number or a formula of time.', unit: 'chips per month', examples: [300000, '300000 * 1.25^t'] }),
  leadTimeDays: uncertain({ description: 'Time from allocation of an order to delivery.', unit: 'days', examples: [90, { triangular: { min: 60, mode: 90, max: 180 } }] }, positive, LIMITS.leadTimeDays),
  allocation: z
    .union([z.enum(['firstCome', 'proRata', 'priority']), CustomPolicyName])
    .default('proRata')
    .meta({ description: 'How scarce output is shared among outstanding orders (or a registered allocation policy).' }),
  priority: field(z.array(Id).optional(), { description: 'With `priority` allocation: provider ids served first, in order.' }),
});

const CostPlus = z.strictObject({
  policy: z.literal('costPlus'),
  margin: uncertain({ description: 'Markup over cost.', unit: 'fraction of cost', examples: [0.4] }, nonNegative, LIMITS.margin),
});
const Utilization = z.strictObject({
  policy: z.literal('utilization'),
  margin: uncertain({ description: 'Markup over cost at or below the target utilisation.', unit: 'fraction of cost', examples: [0.3] }, nonNegative, LIMITS.margin),
  scarcityMarkup: uncertain({ description: 'Extra markup as utilisation goes from the target to full.', unit: 'fraction of cost', examples: [1.5] }, nonNegative, LIMITS.scarcityMarkup),
});
const Competitive = z.strictObject({
  policy: z.literal('competitive'),
  margin: uncertain({ description: 'Markup over cost when bidding alone.', unit: 'fraction of cost', examples: [0.6] }, nonNegative, LIMITS.margin),
  elasticity: uncertain({ description: 'How fast the markup falls with the number of bidders: margin / bidders^elasticity.', examples: [0.7] }, nonNegative, LIMITS.elasticity),
});
/** The variables a pricing formula may use. */
export const PRICING_VARIABLES = ['cost', 'utilization', 'bidders', 'spot', 't', 'year'] as const;
const Formula = z.strictObject({
  policy: z.literal('formula'),
  expression: formula({ description: 'Price in USD per H100e-hour.', variables: PRICING_VARIABLES, examples: ['cost * (1 + 0.5 * utilization) / sqrt(bidders)'] }),
});
const CustomPricing = z.strictObject({
  policy: CustomPolicyName,
  params: z.record(z.string(), finite).default({}).meta({ description: 'Numeric parameters handed to the registered policy.' }),
});

/** How a provider prices capacity. */
export const Pricing = z
  .union([CostPlus, Utilization, Competitive, Formula, CustomPricing])
  .meta({
    description:
      'Pricing policy, giving the provider\'s reservation price: the least it accepts on the spot market and the floor of its bids in tenders (costPlus, utilization, competitive, formula, or a policy registered through the library as custom:NAME).',
  });

/** A cloud: fleet, power, growth, internal demand and pricing. */
export const Provider = z.strictObject({
  id: Id,
  name: z.string().optional(),
  fleet: field(z.record(Id, within(nonNegative, LIMITS.fleet)), { description: 'Chips installed at the start, by chip id.', unit: 'chips', examples: [{ h100: 400000 }] }),
  powerMw: field(within(nonNegative, LIMITS.powerMw), { description: 'Power available at the start.', unit: 'MW', examples: [900] }),
  powerBuildMwPerYear: uncertainOrFormula(
    {
      description:
        'The most power the provider can start building in a year. With `powerBuild: demand` (the default) it builds what its signed contracts and expected growth need, up to this rate; with `fixed`, this rate whatever the market.',
      unit: 'MW per year',
      examples: [600, 'min(4000, 1000 + backlog / 2000)'],
    },
    PROVIDER_STATE_VARIABLES,
    nonNegative,
    LIMITS.powerBuildMwPerYear,
  ),
  powerBuild: z
    .enum(['demand', 'fixed'])
    .default('demand')
    .meta({ description: 'demand: build power to cover signed contracts and expected load at the build\'s completion, up to `powerBuildMwPerYear`; fixed: build `powerBuildMwPerYear` every year (the rule before tenders).' }),
  powerLeadTimeDays: uncertain({ description: 'Time from starting a build to power online.', unit: 'days', examples: [{ triangular: { min: 365, mode: 540, max: 900 } }] }, positive, LIMITS.powerLeadTimeDays),
  capexUsdPerYear: uncertainOrFormula(
    { description: 'Budget for chips and power build-out, a yearly rate.', unit: 'USD per year', examples: [60e9, '40e9 + 0.5 * revenue'] },
    PROVIDER_STATE_VARIABLES,
    nonNegative,
    LIMITS.capexUsdPerYear,
  ),
  capexUsdPerMw: field(within(positive, LIMITS.capexUsdPerMw).default(12e6), { description: 'Cost of building one MW of data-centre power.', unit: 'USD per MW' }),
  opexUsdPerGpuHour: field(within(nonNegative, LIMITS.opexUsdPerGpuHour).default(0.35), { description: 'Power, colocation and operations per H100e-hour.', unit: 'USD per H100e-hour' }),
  internalDemandH100e: z
    .union([within(nonNegative, LIMITS.internalDemandH100e), formula({ description: 'Capacity the provider keeps for its own models.', variables: TIME_VARIABLES })])
    .default(0)
    .meta({ description: 'Capacity reserved for the provider\'s own models: served first.', unit: 'H100e', examples: [0, '200000 * 1.6^t'] }),
  targetUtilization: field(share.default(0.85), { description: 'Utilisation the provider plans for when ordering chips.' }),
  ordering: z
    .union([z.literal('targetUtilization'), CustomPolicyName])
    .default('targetUtilization')
    .meta({ description: 'How the provider decides how many chips to order (or a registered ordering policy).' }),
  suppliers: field(z.array(Id).min(1), { description: 'Supplier ids the provider orders chips from.', examples: [['nvidia']] }),
  pricing: Pricing,
  owner: field(Id.optional(), {
    description: 'The lab that owns this provider (a captive data centre): its sales to that lab are at cost within one firm, left out of the arm\'s-length price indices.',
    examples: ['meta'],
  }),
  leasesOut: field(z.boolean().default(true), { description: 'Whether the provider leases capacity to other providers that win blocks they cannot serve themselves.' }),
});

/** How a lab buys compute. */
export const Procurement = z.strictObject({
  strategy: z
    .union([z.enum(['exclusive', 'rightOfFirstRefusal', 'multi']), CustomPolicyName])
    .meta({
      description:
        'exclusive: one provider only; rightOfFirstRefusal: the incumbent may match the best competing offer; multi: open multi-cloud; or a registered procurement policy.',
    }),
  providers: field(z.array(Id).min(1), { description: 'Provider ids the lab may buy from (the incumbent first).', examples: [['azure', 'oracle']] }),
  incumbent: field(Id.optional(), { description: 'The provider with exclusivity or the right of first refusal.', examples: ['azure'] }),
  maxShare: field(share.default(1), { description: 'With multi: the most of the lab\'s compute one provider may hold.', examples: [0.5] }),
  priceCeilingUsdPerGpuHour: field(within(positive, LIMITS.priceCeilingUsdPerGpuHour).optional(), { description: 'The most the lab pays: it bids no higher in tenders and buys no spot dearer, and below it buys as if it had none.', unit: 'USD per H100e-hour', examples: [4] }),
  intervalDays: field(within(positive, LIMITS.intervalDays).default(90), { description: 'Time between procurement rounds.', unit: 'days' }),
  contractMonths: field(within(positive, LIMITS.contractMonths).default(24), { description: 'Length of the contracts the lab signs.', unit: 'months' }),
  coverage: field(share.default(0.9), { description: 'Share of the forecast need the lab covers with reserved contracts; the rest goes to spot.' }),
  blockH100e: field(within(positive, LIMITS.blockH100e).optional(), {
    description: 'Size of the blocks a tender offers, each served whole by one provider (default: a 100,000-GPU cluster of the newest chip in production on the tender\'s day).',
    unit: 'H100e',
    examples: [250000],
  }),
  partialBlocks: field(z.boolean().default(false), { description: 'Whether a block may be shared among providers that can each serve part of it.' }),
  deliveryDays: field(within(nonNegative, LIMITS.deliveryDays).default(180), {
    description:
      'Time from a tender to the delivery of its blocks: providers bid with the capacity they can have running by then (their fleet, chips shipped and on order, chips they can still order when their suppliers can ship in time, the power online by then) or can lease.',
    unit: 'days',
    examples: [180, 730],
  }),
  termPremium: field(within(nonNegative, LIMITS.termPremium).default(0.25), {
    description: 'What the lab pays above the expected spot price for capacity reserved over a contract\'s term (the price of certainty): its reserve price is the expected spot price times one plus this.',
    unit: 'fraction of the spot price',
  }),
});

/** The variables a demand formula may use. */
export const DEMAND_VARIABLES = ['t', 'year', 'initial', 'growth'] as const;

/** An AI lab: growing, uncertain demand; a budget; a procurement policy. */
export const Lab = z.strictObject({
  id: Id,
  name: z.string().optional(),
  demand: z.strictObject({
    initialH100e: uncertain({ description: 'Compute needed at the start (training and inference).', unit: 'H100e', examples: [1.2e6] }, positive, LIMITS.initialH100e),
    growthPerYear: uncertain({ description: 'Multiplicative growth of demand per year.', unit: 'factor per year', examples: [{ lognormal: { median: 2.5, sigma: 0.3 } }] }, positive, LIMITS.growthPerYear),
    volatility: field(within(nonNegative, LIMITS.volatility).default(0.1), { description: 'Sigma of the monthly lognormal noise around the trend.' }),
    formula: formula({ description: 'Overrides the exponential trend.', variables: DEMAND_VARIABLES, examples: ['initial * growth^t'] }).optional(),
  }),
  budgetUsdPerYear: uncertainOrFormula(
    { description: 'The most the lab spends on compute in a year.', unit: 'USD per year', examples: [30e9, '1.2 * revenue'] },
    BUDGET_VARIABLES,
    positive,
    LIMITS.budgetUsdPerYear,
  ),
  revenueUsdPerYear: field(uncertainOrFormula({ description: 'The lab\'s revenue, for budget formulas (`revenue`).', unit: 'USD per year', examples: ['4e9 * 2.5^t'] }, TIME_VARIABLES, nonNegative, LIMITS.revenueUsdPerYear).optional(), {
    description: 'The lab\'s revenue, for budget formulas (`revenue`); 0 when not given.',
    unit: 'USD per year',
  }),
  willingnessToPayUsdPerGpuHour: field(uncertainOrFormula({ description: 'The most the lab pays for compute.', unit: 'USD per H100e-hour', examples: [8, '6 + t'] }, TIME_VARIABLES, positive, LIMITS.willingnessToPayUsdPerGpuHour).optional(), {
    description:
      'The most the lab pays per H100e-hour for compute it lacks: on the spot market it buys all it lacks at up to half of this and less as the price rises to it; in a tender it is the value of going without. Default: the price ceiling when one is set, else 8 (the 2023 H100 spot peak).',
    unit: 'USD per H100e-hour',
  }),
  procurement: Procurement,
});

/** A contract in force at the start. */
export const Contract = z.strictObject({
  lab: Id,
  provider: Id,
  kind: z.enum(['reserved']).default('reserved').meta({ description: 'reserved: take-or-pay for the whole term (spot is not a contract).' }),
  volumeH100e: field(within(positive, LIMITS.volumeH100e), { description: 'Capacity reserved.', unit: 'H100e', examples: [400000] }),
  priceUsdPerGpuHour: field(within(positive, LIMITS.priceUsdPerGpuHour), { description: 'Price paid per reserved H100e-hour, used or not.', unit: 'USD per H100e-hour', examples: [2.4] }),
  start: IsoDate,
  end: IsoDate,
});

/** A dated change to any field, by path. */
export const TimelineEntry = z.strictObject({
  id: field(Id.optional(), {
    description: 'A name for the entry, unique in the timeline, so that overrides address it by name (`--set timeline.ID.date=...`) rather than by a position that changes when entries are added.',
    examples: ['rofr-removed'],
  }),
  date: IsoDate,
  set: field(z.record(z.string(), z.unknown()), {
    description: 'Fields to change, by path with actor ids: `labs.openai.procurement.strategy: rightOfFirstRefusal`.',
    examples: [{ 'labs.openai.procurement.strategy': 'rightOfFirstRefusal' }],
  }),
  note: z.string().optional().meta({ description: 'Why: shown in the run\'s events of note.' }),
});

/** The name of a variant: `baseline` is the scenario itself, and commas and `|` separate names in lists and sweep names. */
export const VariantName = z
  .string()
  .min(1, 'a variant name is not empty')
  .regex(/^[^,|]*$/, 'a variant name may not contain a comma or |')
  .refine((name) => name !== 'baseline', "'baseline' is the name of the scenario without variants; choose another name")
  .meta({ description: 'A variant\'s name, for reports: no commas, no |, not `baseline`.', examples: ['exclusive', 'cheap-power'] });

/** Named alternatives to the scenario: each a set of overrides by path, applied on top of the scenario. */
export const Variants = z.record(VariantName, z.record(z.string(), z.unknown())).meta({
  description:
    'Named variants of the scenario, run side by side with it (the baseline): each maps paths with actor ids, as the timeline\'s `set` writes them, to the values it overrides (`null` removes a field).',
  examples: [{ exclusive: { 'labs.openai.procurement.strategy': 'exclusive' }, 'cheap-azure': { 'providers.azure.pricing.margin': 0.2 } }],
});

/** A supply or demand disruption. */
export const Shock = z.strictObject({
  id: Id,
  kind: z.string().optional().meta({ description: 'A label for reports.', examples: ['packaging', 'export-controls', 'power'] }),
  target: z
    .union([
      z.strictObject({ supplier: Id }).meta({ description: 'Cuts a supplier\'s output by the magnitude.' }),
      z.strictObject({ provider: Id }).meta({ description: 'Cuts a provider\'s power coming online by the magnitude.' }),
      z.strictObject({ lab: Id }).meta({ description: 'Multiplies a lab\'s demand by 1 + magnitude.' }),
    ])
    .meta({ description: 'What the shock hits.' }),
  arrival: z
    .union([
      z.strictObject({ ratePerYear: uncertain({ description: 'Poisson arrival rate.', unit: 'per year', examples: [0.3] }, nonNegative, LIMITS.ratePerYear) }),
      z.strictObject({ date: IsoDate }),
    ])
    .meta({ description: 'Random arrivals at a rate, or one dated occurrence.' }),
  magnitude: uncertain({ description: 'Share of output or power lost (supplier, provider), or extra demand (lab).', examples: [{ triangular: { min: 0.1, mode: 0.3, max: 0.6 } }] }, nonNegative, LIMITS.magnitude),
  durationDays: uncertain({ description: 'How long each occurrence lasts.', unit: 'days', examples: [{ lognormal: { median: 120, sigma: 0.5 } }] }, positive, LIMITS.durationDays),
});

/** The rules of the market as a whole: tenders, leases and the spot market. */
export const MarketRules = z.strictObject({
  costSpread: field(within(nonNegative, LIMITS.costSpread).default(0.3), {
    description:
      'How far above its cost floor a provider\'s cost of serving a particular block may lie (site, power, network fit), as a share of the floor: drawn uniformly between 0 and this for every bid. Rivals know the range, not the draw: the spread is what bidding shades.',
    unit: 'fraction of the cost floor',
    examples: [0.3],
  }),
  bidCostUsdPerH100e: field(within(nonNegative, LIMITS.bidCostUsdPerH100e).default(50), {
    description: 'What preparing a bid costs a provider, per H100e of the block: a provider bids only when its expected margin covers it.',
    unit: 'USD per H100e',
  }),
  spotPriceCapUsdPerGpuHour: field(within(positive, LIMITS.spotPriceCapUsdPerGpuHour).optional(), { description: 'A cap on spot prices: demand above supply at the cap is rationed pro rata. None by default.', unit: 'USD per H100e-hour' }),
  leasing: field(z.boolean().default(true), { description: 'Whether providers short of capacity for a block may lease it from other providers.' }),
});

/** Which time series a run keeps. */
export const Outputs = z.strictObject({
  timeseries: z
    .array(z.enum(['labs', 'providers', 'suppliers', 'market']))
    .default(['labs', 'providers', 'suppliers', 'market'])
    .meta({ description: 'Monthly series to keep, by actor kind.' }),
});

/** A whole scenario file, before `extends` is resolved and uncertain values are sampled. */
export const Scenario = z
  .strictObject({
    $schema: z.string().optional(),
    extends: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .meta({ description: 'Files this one builds on (paths relative to it), applied in order.' }),
    name: z.string().min(1).meta({ description: 'A short name for reports.', examples: ['openai-multicloud-2025'] }),
    description: z.string().optional(),
    start: field(IsoDate, { description: 'First simulated day.', examples: ['2025-01-01'] }),
    end: field(IsoDate, { description: 'Last simulated day.', examples: ['2030-12-31'] }),
    chips: z.array(Chip).min(1),
    suppliers: z.array(Supplier).min(1),
    providers: z.array(Provider).min(1),
    labs: z.array(Lab).min(1),
    contracts: z.array(Contract).default([]),
    timeline: z.array(TimelineEntry).default([]),
    shocks: z.array(Shock).default([]),
    market: MarketRules.default({ costSpread: 0.3, bidCostUsdPerH100e: 50, leasing: true }),
    outputs: Outputs.default({ timeseries: ['labs', 'providers', 'suppliers', 'market'] }),
    variants: Variants.optional(),
    targets: Targets.optional(),
  })
  .meta({ title: 'computerace scenario', description: 'A world of the compute market: its actors, policies, contracts, timeline and shocks.' });

/** A scenario as written (after defaults), before sampling. */
export type ScenarioSpec = z.infer<typeof Scenario>;
/** A number or a distribution, as written. */
export type UncertainSpec = number | z.infer<typeof DistributionSpec>;
/** A provider's pricing as written. */
export type PricingSpec = z.infer<typeof Pricing>;
/** A number, a distribution or a formula, as written. */
export type UncertainOrFormulaSpec = UncertainSpec | string;

/** The JSON Schema of scenario files, for editors (yaml-language-server) and `computerace schema`. */
export function scenarioJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(Scenario, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
