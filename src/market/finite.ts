import type { Bid, ChipMonth, LabMonth, MarketMonth, ProviderMonth, RunResult, SupplierMonth, TenderRecord } from './results.js';

/**
 * The last defence against NaN: validation keeps a scenario's numbers in ranges where the model stays
 * finite, and formulas, demand trends and prices are checked as they are worked out, but a number
 * that slips through anyway (a registered policy's, or a combination of extremes no range foresaw)
 * must fail its run, never reach the tables as NaN or Infinity. Absent values are null, not NaN.
 */

// The parts of a result that batches write; the audit is for tests of the books, and is not written.
const WRITTEN = ['sampled', 'summary', 'labs', 'providers', 'suppliers', 'market', 'chips', 'tenders', 'events'] as const;

/** The fields of a record type that hold a number (or null), or an object or list that holds numbers. */
type NumberField<Record> = { [Field in keyof Record]-?: Record[Field] extends number | null ? Field : never }[keyof Record] & string;
type ObjectField<Record> = { [Field in keyof Record]-?: Record[Field] extends object ? Field : never }[keyof Record] & string;

/** A record type's fields to check, listed whole: the compiler refuses a list that leaves a number or an object out. */
function fieldsOf<Record>() {
  return <const Numbers extends readonly NumberField<Record>[], const Objects extends readonly ObjectField<Record>[]>(
    numbers: Numbers & ([NumberField<Record>] extends [Numbers[number]] ? unknown : { missing: Exclude<NumberField<Record>, Numbers[number]> }),
    objects: Objects & ([ObjectField<Record>] extends [Objects[number]] ? unknown : { missing: Exclude<ObjectField<Record>, Objects[number]> }),
    lists: { [Field in Objects[number]]?: RecordFields } = {},
  ): RecordFields => ({ numbers, objects, lists });
}

interface RecordFields {
  numbers: readonly string[];
  objects: readonly string[];
  /** The fields of the records in a field that is a list of records (a tender's bids), checked the same way. */
  lists: { readonly [field: string]: RecordFields | undefined };
}

const BID_FIELDS = fieldsOf<Bid>()(['priceUsdPerGpuHour', 'volumeH100e'], []);

// The monthly records and tenders are most of a run's numbers: each kind is checked by its fields by
// name, without the array of values a generic walk makes of every record: 0.42 ms a run of the main
// scenario with every series kept, against 0.76 (docs/performance.md, the market).
const FIELDS_OF: Partial<Record<(typeof WRITTEN)[number], RecordFields>> = {
  labs: fieldsOf<LabMonth>()(['month', 'demandH100e', 'contractedH100e', 'spotH100e', 'usedH100e', 'shortfallH100e', 'spendUsd', 'avgPriceUsdPerGpuHour', 'providers'], ['shares']),
  providers: fieldsOf<ProviderMonth>()(
    ['month', 'fleetH100e', 'usableH100e', 'internalH100e', 'contractedH100e', 'spotH100e', 'utilization', 'leasedOutH100e', 'leasedInH100e', 'revenueUsd', 'leaseCostUsd', 'avgPriceUsdPerGpuHour', 'spotPriceUsdPerGpuHour', 'costUsdPerGpuHour', 'backlogH100e', 'powerMw', 'marketShare'],
    [],
  ),
  suppliers: fieldsOf<SupplierMonth>()(['month', 'productionUnits', 'productionH100e', 'backlogH100e', 'leadTimeDays', 'capacityFactor'], []),
  market: fieldsOf<MarketMonth>()(
    ['month', 'days', 'spotPriceUsdPerGpuHour', 'contractPriceUsdPerGpuHour', 'spotArmsLengthUsdPerGpuHour', 'contractArmsLengthUsdPerGpuHour', 'spotH100e', 'hhi', 'demandH100e', 'shortfallH100e', 'activeShocks'],
    [],
  ),
  chips: fieldsOf<ChipMonth>()(['month', 'spotPriceUsdPerGpuHour', 'spotPriceUsdPerChipHour', 'contractPriceUsdPerGpuHour', 'fleetH100e'], []),
  tenders: fieldsOf<TenderRecord>()(
    ['tender', 'day', 'sizeH100e', 'deliveryDay', 'contractMonths', 'reserveUsdPerGpuHour', 'invited', 'able', 'priceUsdPerGpuHour', 'awardedH100e', 'bestRivalUsdPerGpuHour', 'serverFreeH100e'],
    ['bids'],
    { bids: BID_FIELDS },
  ),
};

/** Where the first number in a run's written records that is not finite is, and what it is (`labs[40].shortfallH100e = NaN (lab meta, month 10)`); undefined when every one is finite. */
export function firstNonFinite(result: RunResult): string | undefined {
  for (const part of WRITTEN) {
    // A cheap pass first: a run's records are thousands of numbers, all finite but for a bug.
    const fields = FIELDS_OF[part];
    if (fields !== undefined ? recordsFinite(result[part] as readonly object[], fields) : allFinite(result[part])) continue;
    return locate(result[part], part);
  }
  return undefined;
}

function recordsFinite(records: readonly object[], { numbers, objects, lists }: RecordFields): boolean {
  for (let r = 0; r < records.length; r++) {
    const record = records[r] as Record<string, unknown>;
    for (let k = 0; k < numbers.length; k++) {
      const value = record[numbers[k]!];
      if (typeof value === 'number' && value - value !== 0) return false;
    }
    for (let k = 0; k < objects.length; k++) {
      const value = record[objects[k]!];
      if (typeof value !== 'object' || value === null) continue;
      const list = lists[objects[k]!];
      if (!(list !== undefined ? recordsFinite(value as readonly object[], list) : allFinite(value))) return false;
    }
  }
  return true;
}

// `x - x` is 0 for a finite number and NaN for NaN and either infinity; numbers are checked inline and
// objects recursed into (most records are flat objects of numbers). Object.values walks a record
// several times faster than for...in, which matters here: this runs over every record of every run.
function allFinite(value: object): boolean {
  const items: readonly unknown[] = Array.isArray(value) ? value : Object.values(value);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (typeof item === 'number') {
      if (item - item !== 0) return false;
    } else if (typeof item === 'object' && item !== null && !allFinite(item)) return false;
  }
  return true;
}

// Records are named by what they describe (their lab, provider, supplier or chip, and month), so the message says where to look.
const NAMES = ['lab', 'provider', 'supplier', 'chip', 'month'] as const;

function locate(value: unknown, path: string, record?: Record<string, unknown>): string | undefined {
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return undefined;
    const names = record === undefined ? [] : NAMES.filter((name) => record[name] !== undefined).map((name) => `${name} ${String(record[name])}`);
    return `${path} = ${value}${names.length > 0 ? ` (${names.join(', ')})` : ''}`;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i] as unknown;
      const found = locate(item, `${path}[${i}]`, typeof item === 'object' && item !== null && !Array.isArray(item) ? (item as Record<string, unknown>) : record);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const key in value) {
    const found = locate((value as Record<string, unknown>)[key], `${path}.${key}`, record);
    if (found !== undefined) return found;
  }
  return undefined;
}
