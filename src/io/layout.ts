import { columnDescription } from './vocabulary.js';
import type { ChipMonth, LabMonth, MarketMonth, NotableEvent, ProviderMonth, RunSummary, SupplierMonth, TenderRecord } from '../market/results.js';

/**
 * The tables a batch writes, as column lists. Workers fill columns in this order and the writer
 * turns them into Arrow types, so both sides derive the layout from the same description of the
 * batch and never disagree about a column.
 */

/**
 * The tables of a batch, each written as `NAME.arrow`: the runs; the monthly series, one table per
 * kind of actor (the market, labs, providers, suppliers, chip generations), each with its own
 * columns; and the events of note, tenders and bids.
 */
export const TABLE_NAMES = ['runs', 'market', 'labs', 'providers', 'suppliers', 'chips', 'events', 'tenders', 'bids'] as const;
/** A table of a batch. */
export type TableName = (typeof TABLE_NAMES)[number];
/** Rows written per table (0 for a table the batch does not write). */
export type TableRows = Record<TableName, number>;

/** A value for each table of a batch, by name. */
export function eachTable<T>(value: (name: TableName) => T): Record<TableName, T> {
  return Object.fromEntries(TABLE_NAMES.map((name) => [name, value(name)])) as Record<TableName, T>;
}

/** The timeseries modes, in order of size. */
export const TIMESERIES_MODES = ['none', 'summary', 'all'] as const;
/** How much of the monthly series a batch keeps. */
export type TimeseriesMode = (typeof TIMESERIES_MODES)[number];

/** The kinds of actor with monthly series (a chip generation counts as one: its prices and fleet), in the order of their tables. */
export const ACTOR_KINDS = ['market', 'lab', 'provider', 'supplier', 'chip'] as const;
/** A kind of actor with monthly series. */
export type ActorKind = (typeof ACTOR_KINDS)[number];

/** What every process of a batch agrees on before the first run: names, actors, parameters. */
export interface BatchDescription {
  /** Variant names; the first is the baseline. */
  variants: string[];
  labs: string[];
  providers: string[];
  suppliers: string[];
  chips: string[];
  /** Shock ids, for the events table. */
  shocks: string[];
  /** The labs' procurement strategies: those they start with and those the timeline sets. */
  strategies: string[];
  /** The timeline's changes, for the events table: the fields it sets, the values (as JSON) and its notes. */
  policies: { fields: string[]; values: string[]; notes: string[] };
  /** Uncertain parameters sampled in run 0 of any variant, in first-seen order. */
  parameters: string[];
  /** Actor kinds whose monthly series the batch keeps, each in its own table (TABLE_OF_KIND). */
  timeseriesKinds: ActorKind[];
}

/** The physical type of a column. */
export type ColumnType = 'int32' | 'float64' | 'utf8' | 'date' | 'dictionary';

/** One column of a table. */
export interface ColumnSpec {
  name: string;
  type: ColumnType;
  /** For a dictionary column: its values, fixed for the whole batch (the Arrow file format cannot replace a dictionary). */
  dictionary?: readonly string[];
  /** Rows may have no value (null). */
  nullable?: boolean;
  /** One-line description, kept in the Arrow field's metadata: what the column is, in what unit. */
  description: string;
}

/** The table of each actor kind's monthly series. */
export const TABLE_OF_KIND = { market: 'market', lab: 'labs', provider: 'providers', supplier: 'suppliers', chip: 'chips' } as const satisfies Record<ActorKind, TableName>;

/** The tables a batch writes, in TABLE_NAMES order: the runs, the actor kinds it keeps, the events, tenders and bids. */
export function batchTables(description: Pick<BatchDescription, 'timeseriesKinds'>): TableName[] {
  const kept = new Set<TableName>(description.timeseriesKinds.map((kind) => TABLE_OF_KIND[kind]));
  const actorTables = new Set<TableName>(Object.values(TABLE_OF_KIND));
  return TABLE_NAMES.filter((name) => !actorTables.has(name) || kept.has(name));
}

/** The fields of a record that hold a number. */
type NumberField<Record> = { [Field in keyof Record]: Record[Field] extends number | null ? Field : never }[keyof Record] & string;

/** The fields of a record that hold a number or, where the month has nothing to measure, null. */
type MetricField<Record> = { [Field in keyof Record]: Record[Field] extends number | null ? Field : never }[keyof Record] & string;

/**
 * A monthly metric of an actor kind: its column name, a number field of the kind's monthly record, and
 * what it means, in what unit. A field that may be null (a price in a month with nothing sold) is a
 * nullable column, and only such a field: the compiler holds the layout to the record's type.
 */
type Metric<Record> = {
  [Field in MetricField<Record>]: { name: Field; description: string } & (null extends Record[Field] ? { nullable: true } : { nullable?: never });
}[MetricField<Record>];

/** Each actor kind's monthly record, whose number fields its metrics are. */
export interface MonthRecordOf {
  market: MarketMonth;
  lab: LabMonth;
  provider: ProviderMonth;
  supplier: SupplierMonth;
  chip: ChipMonth;
}

const H100E = 'H100e';
const PRICE = 'USD per H100e-hour';

/** A lab's monthly metrics (compute as the month's average, money over the month). */
const LAB_METRICS = [
  { name: 'demandH100e', description: `the compute the lab wanted, ${H100E} (average over the month)` },
  { name: 'contractedH100e', description: `compute delivered to the lab under its reserved contracts, ${H100E}` },
  { name: 'spotH100e', description: `compute the lab bought on the spot market, ${H100E}` },
  { name: 'usedH100e', description: `compute the lab used: the smaller of demand and contracted, plus spot, ${H100E}` },
  { name: 'shortfallH100e', description: `demand no provider served: demand minus used, ${H100E}` },
  { name: 'spendUsd', description: 'what the lab paid for contracts and spot compute in the month, USD' },
  { name: 'avgPriceUsdPerGpuHour', nullable: true, description: `the month's spend per H100e-hour delivered (contracted, used or not, plus spot), ${PRICE}; null when nothing was delivered` },
  { name: 'providers', description: 'providers the lab held compute from in the month' },
] as const satisfies readonly Metric<LabMonth>[];
/** A provider's monthly metrics. */
const PROVIDER_METRICS = [
  { name: 'fleetH100e', description: `the provider's installed chips' throughput, ${H100E}` },
  { name: 'usableH100e', description: `what its power allows of the fleet, ${H100E}` },
  { name: 'internalH100e', description: `compute used for its own models, ${H100E}` },
  { name: 'contractedH100e', description: `compute its capacity delivered under reserved contracts: its own contracts it served itself, and others' it served under leases (leasedOutH100e); its contracts a lessor served are leasedInH100e, not here, ${H100E}` },
  { name: 'spotH100e', description: `compute it sold on the spot market, ${H100E}` },
  { name: 'utilization', description: 'internal, contracted and spot compute as a share of usable capacity, 0 to 1' },
  { name: 'leasedOutH100e', description: `of the contracted compute, what its capacity served under leases to other providers, ${H100E}` },
  { name: 'leasedInH100e', description: `compute other providers' capacity served under its contracts, leased from them, ${H100E}` },
  { name: 'revenueUsd', description: 'what labs (contracts and spot) and lessees paid it in the month, USD' },
  { name: 'leaseCostUsd', description: 'what it paid lessors for leased capacity in the month, USD' },
  { name: 'avgPriceUsdPerGpuHour', nullable: true, description: `revenue per H100e-hour sold to labs and lessees (its contracts a lessor served count as sold), ${PRICE}; null when it sold nothing` },
  { name: 'spotPriceUsdPerGpuHour', nullable: true, description: `its spot price (its ask when it had capacity left, else what the marginal buyer would pay), ${PRICE}; null when it offered nothing` },
  { name: 'costUsdPerGpuHour', description: `its cost of an hour of compute: the fleet's chip capital per hour plus operations, ${PRICE}` },
  { name: 'backlogH100e', description: `chips ordered from suppliers and not yet delivered, ${H100E}` },
  { name: 'powerMw', description: 'the power it has online, MW' },
  { name: 'marketShare', description: 'its share of all compute sold to labs in the month, 0 to 1' },
] as const satisfies readonly Metric<ProviderMonth>[];
/** A supplier's monthly metrics. */
const SUPPLIER_METRICS = [
  { name: 'productionUnits', description: 'chips produced in the month' },
  { name: 'productionH100e', description: `the throughput of the chips produced in the month, ${H100E}` },
  { name: 'backlogH100e', description: `orders not yet allocated, ${H100E}` },
  { name: 'leadTimeDays', nullable: true, description: 'days from order to delivery of what was allocated in the month (the wait for an allocation plus the lead time); null when nothing was' },
  { name: 'capacityFactor', description: 'the share of its capacity shocks left it in the month (1: no shock)' },
] as const satisfies readonly Metric<SupplierMonth>[];
/** The market's monthly metrics. */
const MARKET_METRICS = [
  { name: 'days', description: 'the days of the month within the horizon (the first and last may be part months): the weights of the figures over the horizon' },
  { name: 'spotPriceUsdPerGpuHour', description: `the spot price index: volume-weighted spot price (the cheapest ask when nothing traded), ${PRICE}` },
  { name: 'contractPriceUsdPerGpuHour', nullable: true, description: `the volume-weighted price of the reserved contracts in force, ${PRICE}; null when none is` },
  { name: 'spotArmsLengthUsdPerGpuHour', description: `the spot price of sales between independent parties (a provider's sales to the lab that owns it left out), ${PRICE}` },
  { name: 'contractArmsLengthUsdPerGpuHour', nullable: true, description: `the contract price of contracts between independent parties, ${PRICE}; null when none is in force` },
  { name: 'spotH100e', description: `compute sold on the spot market, ${H100E}` },
  { name: 'hhi', description: 'Herfindahl-Hirschman index of providers\' shares of compute sold to labs, 0 to 1' },
  { name: 'demandH100e', description: `all labs' demand, ${H100E}` },
  { name: 'shortfallH100e', description: `all labs' demand no provider served, ${H100E}` },
  { name: 'activeShocks', description: 'shock occurrences in force when the month closed' },
] as const satisfies readonly Metric<MarketMonth>[];
/** A chip generation's monthly metrics. */
const CHIP_METRICS = [
  { name: 'spotPriceUsdPerGpuHour', nullable: true, description: `the arm's-length spot price of compute on this chip (providers' spot prices weighted by the arm's-length spot hours each sold of it, its share of their fleet; with none sold, the asks of those with idle capacity, weighted by their fleets of it; with none idle, the market's arm's-length index), ${PRICE}; null when no provider holds it` },
  { name: 'spotPriceUsdPerChipHour', nullable: true, description: 'the same price per hour of one chip: per H100e-hour times the chip\'s H100e, USD per chip-hour; null when no provider holds it' },
  { name: 'contractPriceUsdPerGpuHour', nullable: true, description: `the arm's-length price of the contracts in force on providers holding it, each provider's weighted by the chip's share of its fleet, ${PRICE}; null when none is in force` },
  { name: 'fleetH100e', description: `installed across providers, ${H100E}` },
] as const satisfies readonly Metric<ChipMonth>[];

/**
 * Each kind's monthly metrics, in column order: each a number field of the kind's monthly record.
 * The one list of them: the layouts' columns and the appenders' cells (io/columns.ts) follow it.
 */
export const METRICS_OF: { [Kind in ActorKind]: readonly Metric<MonthRecordOf[Kind]>[] } = {
  market: MARKET_METRICS,
  lab: LAB_METRICS,
  provider: PROVIDER_METRICS,
  supplier: SUPPLIER_METRICS,
  chip: CHIP_METRICS,
};

/**
 * A list of every member of the union `All`, checked by the compiler: a member the list leaves out is
 * an error, so a new kind of event or tender outcome in the market's records cannot miss its dictionary.
 */
function everyOf<All extends string>() {
  return <const List extends readonly All[]>(list: List & ([All] extends [List[number]] ? unknown : { missing: Exclude<All, List[number]> })): List => list;
}

/** The kinds of events of note. */
export const EVENT_KINDS = everyOf<NotableEvent['kind']>()(['shock-start', 'shock-end', 'contract', 'policy', 'matched', 'lease']);

/** The outcomes of a tender. */
export const TENDER_OUTCOMES = everyOf<TenderRecord['outcome']>()(['awarded', 'matched', 'no-bids', 'over-budget', 'capped']);

/** The per-lab figures of the runs table, by column suffix. */
export const LAB_FIGURES = ['shortfallShare', 'worstYearShortfallShare', 'totalSpendUsd', 'avgPriceUsdPerGpuHour', 'tenderPriceUsdPerGpuHour', 'biddersPerTender', 'incumbentBlockShare'] as const;
/** The market-wide figures of the runs table: fields of a run's summary, in column order. */
export const MARKET_FIGURES = ['avgSpotPriceUsdPerGpuHour', 'avgContractPriceUsdPerGpuHour', 'shocks', 'contractsSigned', 'events'] as const satisfies readonly NumberField<RunSummary>[];
/**
 * The figures of the runs table a run may not have (a lab that won no tender has no tender price, one
 * delivered nothing no price paid; a run with no contract in force no contract price): null in the
 * runs table, left out of summaries. Lab and market figures alike, by name.
 */
export const OPTIONAL_FIGURES: ReadonlySet<string> = new Set<(typeof LAB_FIGURES)[number] | (typeof MARKET_FIGURES)[number]>([
  'avgPriceUsdPerGpuHour',
  'tenderPriceUsdPerGpuHour',
  'biddersPerTender',
  'incumbentBlockShare',
  'avgContractPriceUsdPerGpuHour',
]);

/** Column name of a sampled parameter in the runs table. */
export const parameterColumn = (path: string): string => `param.${path}`;

/** Columns of `runs.arrow`: one row per (run, variant). */
export function runsLayout(description: BatchDescription): ColumnSpec[] {
  const { labs, providers } = description;
  return [
    { name: 'run', type: 'int32', description: 'run index i: its draws come only from streams of (seed, i)' },
    { name: 'seed', type: 'utf8', description: 'the master seed of the batch' },
    { name: 'variant', type: 'dictionary', dictionary: description.variants, description: 'the variant (common random numbers across variants)' },
    ...description.parameters.map((path): ColumnSpec => ({ name: parameterColumn(path), type: 'float64', nullable: true, description: `value drawn for ${path} (null when the variant does not sample it)` })),
    ...labs.flatMap((lab) => [
      ...LAB_FIGURES.map((figure): ColumnSpec => ({ name: `labs.${lab}.${figure}`, type: 'float64', nullable: OPTIONAL_FIGURES.has(figure), description: LAB_FIGURE_DESCRIPTIONS[figure] })),
      ...providers.map((provider): ColumnSpec => ({ name: `labs.${lab}.finalShare.${provider}`, type: 'float64', description: `share of ${lab}'s compute held by ${provider} in the last month of the horizon, 0 to 1` })),
    ]),
    ...providers.map((provider): ColumnSpec => ({ name: `providers.${provider}.finalMarketShare`, type: 'float64', description: columnDescription('finalMarketShare') })),
    ...MARKET_FIGURES.map((figure): ColumnSpec => ({ name: `market.${figure}`, type: 'float64', nullable: OPTIONAL_FIGURES.has(figure), description: MARKET_FIGURE_DESCRIPTIONS[figure] })),
  ];
}

/** The first columns of every table but the runs table: which run and variant a row belongs to. */
function runAndVariant(description: BatchDescription): ColumnSpec[] {
  return [
    { name: 'run', type: 'int32', description: 'run index (runs.arrow has its parameters and figures)' },
    { name: 'variant', type: 'dictionary', dictionary: description.variants, description: 'the variant (group by it, or filter one: variants share their random numbers run by run)' },
  ];
}

/** The actor column of each kind's table (the market's has none), and the ids it may hold. */
const ACTOR_COLUMN: Record<Exclude<ActorKind, 'market'>, { list: (description: BatchDescription) => readonly string[]; description: string }> = {
  lab: { list: (description) => description.labs, description: 'the lab' },
  provider: { list: (description) => description.providers, description: 'the provider' },
  supplier: { list: (description) => description.suppliers, description: 'the supplier' },
  chip: { list: (description) => description.chips, description: 'the chip generation' },
};

/**
 * Columns of an actor kind's table (`market.arrow`, `labs.arrow`, ...): one row per (run, variant,
 * month, actor), the actor's id in a column named by its kind (`lab`, `provider`, ...), then the
 * kind's own monthly metrics, null only where a metric is marked nullable (a price or lead time with
 * nothing to measure).
 */
export function actorLayout(kind: ActorKind, description: BatchDescription): ColumnSpec[] {
  const actor = kind === 'market' ? [] : [{ name: kind, type: 'dictionary', dictionary: ACTOR_COLUMN[kind].list(description), description: ACTOR_COLUMN[kind].description } satisfies ColumnSpec];
  return [
    ...runAndVariant(description),
    { name: 'month', type: 'int32', description: 'month index from the scenario start (0-based)' },
    { name: 'date', type: 'date', description: 'the first day of the month within the horizon (the start, when the horizon starts mid-month)' },
    ...actor,
    ...METRICS_OF[kind].map((metric): ColumnSpec => ({ name: metric.name, type: 'float64', nullable: metric.nullable, description: metric.description })),
  ];
}

/**
 * Columns of `events.arrow`: one row per event of note. The columns an event has depend on its
 * kind; the others are null: a contract has its lab, provider, price, volume and term; a lease the
 * same with its lessor; a shock its id, the actor it strikes, magnitude and duration; a policy
 * change the field it sets, the value and the timeline's note.
 */
export function eventsLayout(description: BatchDescription): ColumnSpec[] {
  const providers = description.providers;
  return [
    ...runAndVariant(description),
    { name: 'day', type: 'int32', description: 'whole days since the scenario start when it happened (its time cut to the day: a shock ending during the last day of a month was still in force when the month closed)' },
    { name: 'date', type: 'date', description: 'the date of the event' },
    { name: 'kind', type: 'dictionary', dictionary: EVENT_KINDS, description: 'contract (signed in a tender), matched (won by the incumbent matching the best rival bid), lease (capacity one provider lets another to serve a contract), shock-start, shock-end or policy (a timeline change)' },
    { name: 'lab', type: 'dictionary', dictionary: description.labs, nullable: true, description: 'a contract\'s buyer, the lab whose contract a lease serves, the lab whose demand a shock strikes or whose field a policy change sets; null when none' },
    { name: 'provider', type: 'dictionary', dictionary: providers, nullable: true, description: 'a contract\'s seller (the lab pays it), a lease\'s lessee (the seller leasing capacity to serve its contract), the provider whose power a shock strikes or whose field a policy change sets; null when none' },
    { name: 'lessor', type: 'dictionary', dictionary: providers, nullable: true, description: 'the provider whose capacity serves a contract or a lease under a lease; null when the seller serves it itself, and for other kinds' },
    { name: 'supplier', type: 'dictionary', dictionary: description.suppliers, nullable: true, description: 'the supplier whose output a shock strikes or whose field a policy change sets; null when none' },
    { name: 'shock', type: 'dictionary', dictionary: description.shocks, nullable: true, description: 'the shock (its id in the scenario), for shock-start and shock-end; null for other kinds' },
    { name: 'priceUsdPerGpuHour', type: 'float64', nullable: true, description: `a contract's price (what the lab pays) or a lease's (what the lessee pays the lessor), ${PRICE}; null for other kinds` },
    { name: 'volumeH100e', type: 'float64', nullable: true, description: `a contract's or a lease's volume, ${H100E}; null for other kinds` },
    { name: 'startDate', type: 'date', nullable: true, description: 'the first day a contract or lease delivers; null for other kinds' },
    { name: 'endDate', type: 'date', nullable: true, description: 'the day a contract or lease stops delivering; null for other kinds' },
    { name: 'magnitude', type: 'float64', nullable: true, description: 'a shock occurrence\'s magnitude: the share of a supplier\'s output or a provider\'s power lost, or the extra demand of a lab as a share of its demand; null for other kinds' },
    { name: 'durationDays', type: 'float64', nullable: true, description: 'how long a shock occurrence lasts, days (on its start and its end); null for other kinds' },
    { name: 'field', type: 'dictionary', dictionary: description.policies.fields, nullable: true, description: 'the field a policy change sets, as a scenario path (labs.openai.procurement.strategy); null for other kinds' },
    { name: 'value', type: 'dictionary', dictionary: description.policies.values, nullable: true, description: 'the value a policy change sets, as JSON; null for other kinds' },
    { name: 'note', type: 'dictionary', dictionary: description.policies.notes, nullable: true, description: 'the timeline entry\'s note for a policy change; null when it has none, and for other kinds' },
  ];
}

/** Columns of `tenders.arrow`: one row per block a lab tendered. */
export function tendersLayout(description: BatchDescription): ColumnSpec[] {
  return [
    ...runAndVariant(description),
    { name: 'tender', type: 'int32', description: 'the tender\'s position among the run\'s tenders (0-based); bids.arrow refers to it' },
    { name: 'day', type: 'int32', description: 'days since the scenario start of the procurement round' },
    { name: 'date', type: 'date', description: 'the date of the procurement round' },
    { name: 'lab', type: 'dictionary', dictionary: description.labs, description: 'the lab tendering' },
    { name: 'strategy', type: 'dictionary', dictionary: description.strategies, description: 'the lab\'s strategy at the time: exclusive, rightOfFirstRefusal, multi or custom:NAME' },
    { name: 'sizeH100e', type: 'float64', description: 'the size of the block tendered, H100e' },
    { name: 'deliveryDay', type: 'int32', description: 'days since the scenario start when the block is to be delivered: its contract starts then' },
    { name: 'contractMonths', type: 'float64', description: 'the contract\'s length, months' },
    { name: 'reserveUsdPerGpuHour', type: 'float64', description: 'the most the lab accepted (its outside option), USD per H100e-hour' },
    { name: 'invited', type: 'int32', description: 'providers asked to bid (the incumbent alone under exclusivity)' },
    { name: 'able', type: 'int32', description: 'providers able to deliver the block by its date, with their own capacity or a lease' },
    { name: 'bidders', type: 'int32', description: 'sealed bids made (rows of bids.arrow for this tender)' },
    { name: 'winner', type: 'dictionary', dictionary: description.providers, nullable: true, description: 'the provider that won (the first winner with partial blocks); null when none' },
    { name: 'priceUsdPerGpuHour', type: 'float64', nullable: true, description: 'the price the lab pays, USD per H100e-hour (null when no one won)' },
    { name: 'awardedH100e', type: 'float64', description: 'the volume awarded, H100e' },
    { name: 'incumbent', type: 'dictionary', dictionary: description.providers, nullable: true, description: 'the lab\'s incumbent at the time; null when none' },
    { name: 'bestRivalUsdPerGpuHour', type: 'float64', nullable: true, description: 'the best bid of a provider other than the incumbent, USD per H100e-hour (null when none)' },
    { name: 'leasedFrom', type: 'dictionary', dictionary: description.providers, nullable: true, description: 'the provider whose capacity serves the winner\'s contract under a lease; null when none' },
    { name: 'serverFreeH100e', type: 'float64', nullable: true, description: 'the free capacity at delivery of the provider serving the block (the winner or its lessor) before the award, H100e; null when no one won' },
    { name: 'outcome', type: 'dictionary', dictionary: TENDER_OUTCOMES, description: 'awarded, matched (by the incumbent), no-bids, over-budget (the lab could not afford the best bid) or capped (every bid over the lab\'s share cap)' },
  ];
}

/** Columns of `bids.arrow`: one row per sealed bid. */
export function bidsLayout(description: BatchDescription): ColumnSpec[] {
  return [
    ...runAndVariant(description),
    { name: 'tender', type: 'int32', description: 'the tender (tenders.arrow, same run and variant)' },
    { name: 'provider', type: 'dictionary', dictionary: description.providers, description: 'the bidder' },
    { name: 'priceUsdPerGpuHour', type: 'float64', description: 'the bid, USD per H100e-hour' },
    { name: 'volumeH100e', type: 'float64', description: 'the volume bid, H100e: the block, or with partial blocks what the bidder can serve' },
    { name: 'leasedFrom', type: 'dictionary', dictionary: description.providers, nullable: true, description: 'the provider whose capacity the bidder would lease to serve the block; null when its own' },
  ];
}

/** Each table's layout. */
export const LAYOUT_OF: Record<TableName, (description: BatchDescription) => ColumnSpec[]> = {
  runs: runsLayout,
  market: (description) => actorLayout('market', description),
  labs: (description) => actorLayout('lab', description),
  providers: (description) => actorLayout('provider', description),
  suppliers: (description) => actorLayout('supplier', description),
  chips: (description) => actorLayout('chip', description),
  events: eventsLayout,
  tenders: tendersLayout,
  bids: bidsLayout,
};

// The figures' definitions and units are the vocabulary's, which the summaries and the report read too.
const LAB_FIGURE_DESCRIPTIONS = Object.fromEntries(LAB_FIGURES.map((figure) => [figure, columnDescription(figure)])) as Record<(typeof LAB_FIGURES)[number], string>;

const MARKET_FIGURE_DESCRIPTIONS = Object.fromEntries(MARKET_FIGURES.map((figure) => [figure, columnDescription(figure)])) as Record<(typeof MARKET_FIGURES)[number], string>;
