import { columnDescription } from './vocabulary.js';
import type { ChipMonth, LabMonth, MarketMonth, NotableEvent, ProviderMonth, SupplierMonth, TenderRecord } from '../market/results.js';

/**
 * The tables a batch writes, as column lists. Workers fill columns in this order and the writer
 * turns them into Arrow types, so both sides derive the layout from the same description of the
 * batch and never disagree about a column.
 */

/** The tables of a batch, each written as `NAME.arrow`. */
export const TABLE_NAMES = ['runs', 'timeseries', 'events', 'tenders', 'bids'] as const;
/** A table of a batch. */
export type TableName = (typeof TABLE_NAMES)[number];
/** Rows written per table. */
export type TableRows = Record<TableName, number>;

/** A value for each table of a batch, by name. */
export function eachTable<T>(value: (name: TableName) => T): Record<TableName, T> {
  return Object.fromEntries(TABLE_NAMES.map((name) => [name, value(name)])) as Record<TableName, T>;
}

/** How much of the monthly series a batch keeps. */
export type TimeseriesMode = 'none' | 'summary' | 'all';

/** The timeseries modes, in order of size. */
export const TIMESERIES_MODES: readonly TimeseriesMode[] = ['none', 'summary', 'all'];

/** An actor kind as the timeseries table names it (a chip generation counts as one: its prices and fleet). */
export type ActorKind = 'market' | 'lab' | 'provider' | 'supplier' | 'chip';

/** What every process of a batch agrees on before the first run: names, actors, parameters. */
export interface BatchDescription {
  /** Variant names; the first is the baseline. */
  variants: string[];
  labs: string[];
  providers: string[];
  suppliers: string[];
  chips: string[];
  /** Uncertain parameters sampled in run 0 of any variant, in first-seen order. */
  parameters: string[];
  /** Actor kinds whose monthly rows `timeseries.arrow` keeps. */
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
  /** One-line description, kept in the Arrow field's metadata. */
  description: string;
}

/** The monthly metrics of each actor kind, as written in the timeseries table. */
const LAB_METRICS = ['demandH100e', 'contractedH100e', 'spotH100e', 'usedH100e', 'shortfallH100e', 'spendUsd', 'avgPriceUsdPerGpuHour', 'providers'] as const satisfies readonly (keyof LabMonth)[];
/** A provider's monthly metrics. */
const PROVIDER_METRICS = [
  'fleetH100e', 'usableH100e', 'internalH100e', 'contractedH100e', 'spotH100e', 'utilization', 'leasedOutH100e', 'leasedInH100e',
  'revenueUsd', 'leaseCostUsd', 'avgPriceUsdPerGpuHour', 'spotPriceUsdPerGpuHour', 'costUsdPerGpuHour', 'backlogH100e', 'powerMw', 'marketShare',
] as const satisfies readonly (keyof ProviderMonth)[];
/** A supplier's monthly metrics. */
const SUPPLIER_METRICS = ['productionUnits', 'productionH100e', 'backlogH100e', 'leadTimeDays', 'capacityFactor'] as const satisfies readonly (keyof SupplierMonth)[];
/** The market's monthly metrics. */
const MARKET_METRICS = [
  'spotPriceUsdPerGpuHour', 'contractPriceUsdPerGpuHour', 'spotArmsLengthUsdPerGpuHour', 'contractArmsLengthUsdPerGpuHour', 'spotH100e',
  'hhi', 'demandH100e', 'shortfallH100e', 'activeShocks',
] as const satisfies readonly (keyof MarketMonth)[];
/** A chip generation's monthly metrics. */
const CHIP_METRICS = ['spotPriceUsdPerGpuHour', 'spotPriceUsdPerChipHour', 'contractPriceUsdPerGpuHour', 'fleetH100e'] as const satisfies readonly (keyof ChipMonth)[];

/** Each kind's metrics; a metric shared by kinds (demand, backlog, ...) is one column. */
export const METRICS_OF: Record<ActorKind, readonly string[]> = {
  market: MARKET_METRICS,
  lab: LAB_METRICS,
  provider: PROVIDER_METRICS,
  supplier: SUPPLIER_METRICS,
  chip: CHIP_METRICS,
};

/** The kinds of events of note. */
export const EVENT_KINDS: readonly NotableEvent['kind'][] = ['shock-start', 'shock-end', 'contract', 'policy', 'matched', 'lease'];

/** The outcomes of a tender. */
export const TENDER_OUTCOMES: readonly TenderRecord['outcome'][] = ['awarded', 'matched', 'no-bids', 'over-budget', 'capped'];

/** The actor kinds in the order of the timeseries table's `kind` dictionary. */
export const ACTOR_KINDS: readonly ActorKind[] = ['market', 'lab', 'provider', 'supplier', 'chip'];

/** The per-lab figures of the runs table, by column suffix. */
export const LAB_FIGURES = ['shortfallShare', 'worstYearShortfallShare', 'totalSpendUsd', 'avgPriceUsdPerGpuHour', 'tenderPriceUsdPerGpuHour', 'biddersPerTender', 'incumbentBlockShare'] as const;
/** The per-lab figures a run may not have (a lab that won no tender has no tender price): null in the runs table, left out of summaries. */
export const OPTIONAL_LAB_FIGURES: ReadonlySet<string> = new Set<(typeof LAB_FIGURES)[number]>(['tenderPriceUsdPerGpuHour', 'biddersPerTender', 'incumbentBlockShare']);
/** The market-wide figures of the runs table. */
const MARKET_FIGURES = ['avgSpotPriceUsdPerGpuHour', 'avgContractPriceUsdPerGpuHour', 'shocks', 'contractsSigned', 'events'] as const;

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
      ...LAB_FIGURES.map((figure): ColumnSpec => ({ name: `labs.${lab}.${figure}`, type: 'float64', nullable: OPTIONAL_LAB_FIGURES.has(figure), description: LAB_FIGURE_DESCRIPTIONS[figure] })),
      ...providers.map((provider): ColumnSpec => ({ name: `labs.${lab}.finalShare.${provider}`, type: 'float64', description: `share of ${lab}'s compute held by ${provider} in the last month of the horizon, 0 to 1` })),
    ]),
    ...providers.map((provider): ColumnSpec => ({ name: `providers.${provider}.finalMarketShare`, type: 'float64', description: columnDescription('finalMarketShare') })),
    ...MARKET_FIGURES.map((figure): ColumnSpec => ({ name: `market.${figure}`, type: 'float64', description: MARKET_FIGURE_DESCRIPTIONS[figure] })),
  ];
}

/** The first columns of every table but the runs table: which run and variant a row belongs to. */
function runAndVariant(description: BatchDescription): ColumnSpec[] {
  return [
    { name: 'run', type: 'int32', description: 'run index' },
    { name: 'variant', type: 'dictionary', dictionary: description.variants, description: 'the variant' },
  ];
}

/** Columns of `timeseries.arrow`: one row per (run, variant, month, actor). */
export function timeseriesLayout(description: BatchDescription): ColumnSpec[] {
  const kinds = description.timeseriesKinds;
  const metrics: string[] = [];
  for (const kind of kinds) for (const metric of METRICS_OF[kind]) if (!metrics.includes(metric)) metrics.push(metric);
  return [
    ...runAndVariant(description),
    { name: 'month', type: 'int32', description: 'month index from the scenario start (0-based)' },
    { name: 'date', type: 'date', description: 'first day of the month' },
    { name: 'kind', type: 'dictionary', dictionary: ACTOR_KINDS, description: 'actor kind: market, lab, provider, supplier or chip (a chip generation: its prices and installed fleet)' },
    { name: 'actor', type: 'dictionary', dictionary: actorIds(description), description: 'actor id (market for market-wide rows)' },
    ...metrics.map((metric): ColumnSpec => ({
      name: metric,
      type: 'float64',
      nullable: kinds.some((kind) => !METRICS_OF[kind].includes(metric)),
      description: `monthly ${metric} (null for actor kinds without it)`,
    })),
  ];
}

/** Columns of `events.arrow`: one row per event of note. */
export function eventsLayout(description: BatchDescription): ColumnSpec[] {
  return [
    ...runAndVariant(description),
    { name: 'day', type: 'int32', description: 'days since the scenario start' },
    { name: 'date', type: 'date', description: 'the date of the event' },
    { name: 'kind', type: 'dictionary', dictionary: EVENT_KINDS, description: 'shock-start, shock-end, contract, policy, matched or lease' },
    { name: 'actor', type: 'utf8', description: 'the actor concerned (lab:provider for a contract)' },
    { name: 'magnitude', type: 'float64', description: 'shock multiplier, contract volume (H100e), ...' },
    { name: 'detail', type: 'utf8', description: 'a readable description' },
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
    { name: 'strategy', type: 'utf8', description: 'the lab\'s strategy: exclusive, rightOfFirstRefusal, multi or custom:NAME' },
    { name: 'sizeH100e', type: 'float64', description: 'the block, H100e' },
    { name: 'deliveryDay', type: 'int32', description: 'days since the scenario start when the block is to be delivered: its contract starts then' },
    { name: 'contractMonths', type: 'float64', description: 'the contract\'s length, months' },
    { name: 'reserveUsdPerGpuHour', type: 'float64', description: 'the most the lab accepted (its outside option), USD per H100e-hour' },
    { name: 'invited', type: 'int32', description: 'providers asked to bid' },
    { name: 'able', type: 'int32', description: 'providers able to deliver the block by its date, with their own capacity or a lease' },
    { name: 'bidders', type: 'int32', description: 'sealed bids made' },
    { name: 'winner', type: 'utf8', description: 'the provider that won (the first winner with partial blocks); empty when none' },
    { name: 'priceUsdPerGpuHour', type: 'float64', nullable: true, description: 'the price the lab pays, USD per H100e-hour (null when no one won)' },
    { name: 'awardedH100e', type: 'float64', description: 'the volume awarded, H100e' },
    { name: 'incumbent', type: 'utf8', description: 'the lab\'s incumbent at the time; empty when none' },
    { name: 'matched', type: 'int32', description: '1 when the incumbent won by matching the best rival bid (right of first refusal), else 0' },
    { name: 'bestRivalUsdPerGpuHour', type: 'float64', nullable: true, description: 'the best bid of a provider other than the incumbent, USD per H100e-hour (null when none)' },
    { name: 'leasedFrom', type: 'utf8', description: 'the provider whose capacity serves the winner\'s contract under a lease; empty when none' },
    { name: 'serverFreeH100e', type: 'float64', description: 'the free capacity at delivery of the provider serving the block (the winner or its lessor) before the award, H100e; 0 when no one won' },
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
    { name: 'leasedFrom', type: 'utf8', description: 'the provider whose capacity the bidder would lease to serve the block; empty when its own' },
  ];
}

/** Each table's layout. */
export const LAYOUT_OF: Record<TableName, (description: BatchDescription) => ColumnSpec[]> = {
  runs: runsLayout,
  timeseries: timeseriesLayout,
  events: eventsLayout,
  tenders: tendersLayout,
  bids: bidsLayout,
};

/** The actor ids of the timeseries dictionary: `market`, then labs, providers, suppliers and chips. */
export function actorIds(description: BatchDescription): string[] {
  return [...new Set(['market', ...description.labs, ...description.providers, ...description.suppliers, ...description.chips])];
}

// The figures' definitions and units are the vocabulary's, which the summaries and the report read too.
const LAB_FIGURE_DESCRIPTIONS = Object.fromEntries(LAB_FIGURES.map((figure) => [figure, columnDescription(figure)])) as Record<(typeof LAB_FIGURES)[number], string>;

const MARKET_FIGURE_DESCRIPTIONS = Object.fromEntries(MARKET_FIGURES.map((figure) => [figure, columnDescription(figure)])) as Record<(typeof MARKET_FIGURES)[number], string>;
