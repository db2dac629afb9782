import { epochDay } from '../market/calendar.js';
import type { ChipMonth, LabMonth, MarketMonth, ProviderMonth, RunResult, SupplierMonth } from '../market/results.js';
import { ACTOR_KINDS, actorIds, bidsLayout, EVENT_KINDS, LAB_FIGURES, METRICS_OF, runsLayout, TENDER_OUTCOMES, tendersLayout, timeseriesLayout, eventsLayout } from './layout.js';
import type { ActorKind, BatchDescription, ColumnSpec, TableName } from './layout.js';

/**
 * Run results as columns: typed arrays a worker fills and transfers to the writer without copying,
 * in the layouts of layout.ts. Missing values are nulls in an Arrow validity bitmap, never NaN,
 * so a NaN in a table is a NaN the model produced.
 */

/** One column's values for a block of rows. */
export type ColumnData =
  | { type: 'int32' | 'date' | 'dictionary'; values: Int32Array }
  | { type: 'float64'; values: Float64Array; valid?: Uint8Array; nulls: number }
  | { type: 'utf8'; offsets: Int32Array; bytes: Uint8Array };

/** A block of rows of one table. */
export interface TableBlock {
  rows: number;
  columns: ColumnData[];
}

/**
 * The rows of one table, appended run by run. A run's records are turned into columns as soon as
 * it ends, so a block never holds its runs' records: held across many runs they would outlive the
 * young generation and cost the garbage collector more than the runs themselves.
 */
export interface TableAppender {
  append(variant: number, result: RunResult): void;
  finish(): TableBlock;
}

/** How big a block is expected to be (from the last one), to size its arrays up front: they grow past it. */
export interface BlockSize {
  rows: number;
  /** The bytes a row takes in each text column, by column position (16 when not given). */
  textBytesPerRow?: readonly number[];
}

/** The bytes per row of each text column of `block` (0 for the other columns), for sizing the next block. */
export function textBytesPerRow(block: TableBlock): number[] {
  return block.columns.map((column) => (column.type === 'utf8' && block.rows > 0 ? column.bytes.length / block.rows : 0));
}

/** The rows of `runs.arrow`: one per run and variant. */
function runsAppender(description: BatchDescription, expected: BlockSize = { rows: 256 }): TableAppender {
  const table = new BlockBuilder(runsLayout(description), expected);
  // Cells go in layout order (runsLayout), one after the other: a hundred columns a row are too many to look up by name.
  const append = (variant: number, result: RunResult): void => {
    const { summary } = result;
    table.nextInt(result.runIndex);
    table.nextText(String(result.seed));
    table.nextInt(variant);
    for (const path of description.parameters) table.nextNumber(result.sampled[path]);
    for (const lab of description.labs) {
      const figures = summary.labs.find((candidate) => candidate.lab === lab);
      // A figure the run does not have (OPTIONAL_LAB_FIGURES, null in the summary) is a missing cell, not NaN.
      for (const figure of LAB_FIGURES) table.nextNumber(figures === undefined ? NaN : (figures[figure] ?? undefined));
      // A provider the lab holds nothing from has a share of 0, not an unknown one.
      for (const provider of description.providers) table.nextNumber(figures?.finalShares[provider] ?? 0);
    }
    for (const provider of description.providers) table.nextNumber(summary.providerShares[provider] ?? 0);
    table.nextNumber(summary.avgSpotPriceUsdPerGpuHour);
    table.nextNumber(summary.avgContractPriceUsdPerGpuHour);
    table.nextNumber(summary.shocks);
    table.nextNumber(summary.contractsSigned);
    table.nextNumber(summary.events);
    table.endRow();
  };
  return { append, finish: () => table.finish() };
}

/** The rows of `timeseries.arrow`: per run, month by month, the market, then labs, providers and suppliers. */
function timeseriesAppender(description: BatchDescription, expected: BlockSize = { rows: 256 }): TableAppender {
  const layout = timeseriesLayout(description);
  const table = new BlockBuilder(layout, expected);
  const actors = dictionaryCodes(actorIds(description));
  // Columns by position: a timeseries has a thousand rows a run, too many for lookups by name.
  const [run, variantColumn, monthColumn, date, kindColumn, actor] = ['run', 'variant', 'month', 'date', 'kind', 'actor'].map((name) => table.columnIndex(name)) as [number, number, number, number, number, number];
  const metrics = layout.slice(6).map((column) => column.name);
  const kinds = description.timeseriesKinds.map((kind) => kindRows(kind, metrics, (name) => table.columnIndex(name)));
  const append = (variant: number, result: RunResult): void => {
    const months = result.market.length;
    // Each kind's records come month by month, in the order a run appends them: one cursor per kind.
    const next = kinds.map(() => 0);
    for (let month = 0; month < months; month++) {
      const day = epochDay(result.market[month]!.date);
      for (let k = 0; k < kinds.length; k++) {
        const { code, records, actorOf, read, values, columns, nulls } = kinds[k]!;
        const list = records(result);
        let i = next[k]!;
        for (; i < list.length && list[i]!.month === month; i++) {
          const record = list[i]!;
          table.setInt(run, result.runIndex);
          table.setInt(variantColumn, variant);
          table.setInt(monthColumn, month);
          table.setInt(date, day);
          table.setInt(kindColumn, code);
          table.setInt(actor, actors.get(actorOf(record))!);
          read(record, values);
          for (let m = 0; m < columns.length; m++) table.setNumber(columns[m]!, values[m]!);
          for (let m = 0; m < nulls.length; m++) table.setNull(nulls[m]!);
          table.endRow();
        }
        next[k] = i;
      }
    }
    for (let k = 0; k < kinds.length; k++) {
      // A record of a month past the market's last, or out of month order, would have no row.
      if (next[k] !== kinds[k]!.records(result).length) throw new Error(`run ${result.runIndex}: ${kinds[k]!.kind} records are not in month order`);
    }
  };
  return { append, finish: () => table.finish() };
}

/** A monthly record of any actor kind. */
type MonthRecord = MarketMonth | LabMonth | ProviderMonth | SupplierMonth | ChipMonth;

/** How one actor kind's records become timeseries rows. */
interface KindRows {
  kind: ActorKind;
  /** The kind's index in the `kind` dictionary. */
  code: number;
  records(result: RunResult): readonly MonthRecord[];
  /** The id of a record's actor (`market` for the market's). */
  actorOf(record: MonthRecord): string;
  /** Reads a record's metrics into `values`, in METRICS_OF order. */
  read(record: MonthRecord, values: Float64Array): void;
  values: Float64Array;
  /** The column of each of the kind's metrics. */
  columns: number[];
  /** The metric columns the kind has no value for. */
  nulls: number[];
}

function kindRows(kind: ActorKind, metrics: readonly string[], columnIndex: (name: string) => number): KindRows {
  const own = METRICS_OF[kind];
  const read = METRIC_READERS[kind] as KindRows['read'];
  const values = new Float64Array(own.length);
  // A record whose metrics hold their positions: the reader must put each where METRICS_OF does.
  read(Object.fromEntries(own.map((metric, m) => [metric, m])) as unknown as MonthRecord, values);
  if (values.some((value, m) => value !== m)) throw new Error(`the ${kind} metric reader does not follow METRICS_OF`);
  return {
    kind,
    code: ACTOR_KINDS.indexOf(kind),
    records: RECORDS_OF[kind].records,
    actorOf: RECORDS_OF[kind].actorOf as KindRows['actorOf'],
    read,
    values,
    columns: own.map(columnIndex),
    nulls: metrics.filter((metric) => !own.includes(metric)).map(columnIndex),
  };
}

/** Each kind's records in a run's result, and the actor of each record (the first id of the `actor` dictionary for the market). */
const RECORDS_OF = {
  market: { records: (result: RunResult) => result.market, actorOf: () => 'market' },
  lab: { records: (result: RunResult) => result.labs, actorOf: (record: LabMonth) => record.lab },
  provider: { records: (result: RunResult) => result.providers, actorOf: (record: ProviderMonth) => record.provider },
  supplier: { records: (result: RunResult) => result.suppliers, actorOf: (record: SupplierMonth) => record.supplier },
  chip: { records: (result: RunResult) => result.chips, actorOf: (record: ChipMonth) => record.chip },
};

// Each kind's metrics in METRICS_OF order, read field by field: a keyed load of a dozen names
// from four shapes of record takes V8's slow megamorphic path, and boxes every number it reads.
const METRIC_READERS: {
  market: (r: MarketMonth, out: Float64Array) => void;
  lab: (r: LabMonth, out: Float64Array) => void;
  provider: (r: ProviderMonth, out: Float64Array) => void;
  supplier: (r: SupplierMonth, out: Float64Array) => void;
  chip: (r: ChipMonth, out: Float64Array) => void;
} = {
  market: (r, out) => {
    out[0] = r.spotPriceUsdPerGpuHour;
    out[1] = r.contractPriceUsdPerGpuHour;
    out[2] = r.spotArmsLengthUsdPerGpuHour;
    out[3] = r.contractArmsLengthUsdPerGpuHour;
    out[4] = r.spotH100e;
    out[5] = r.hhi;
    out[6] = r.demandH100e;
    out[7] = r.shortfallH100e;
    out[8] = r.activeShocks;
  },
  lab: (r, out) => {
    out[0] = r.demandH100e;
    out[1] = r.contractedH100e;
    out[2] = r.spotH100e;
    out[3] = r.usedH100e;
    out[4] = r.shortfallH100e;
    out[5] = r.spendUsd;
    out[6] = r.avgPriceUsdPerGpuHour;
    out[7] = r.providers;
  },
  provider: (r, out) => {
    out[0] = r.fleetH100e;
    out[1] = r.usableH100e;
    out[2] = r.internalH100e;
    out[3] = r.contractedH100e;
    out[4] = r.spotH100e;
    out[5] = r.utilization;
    out[6] = r.leasedOutH100e;
    out[7] = r.leasedInH100e;
    out[8] = r.revenueUsd;
    out[9] = r.leaseCostUsd;
    out[10] = r.avgPriceUsdPerGpuHour;
    out[11] = r.spotPriceUsdPerGpuHour;
    out[12] = r.costUsdPerGpuHour;
    out[13] = r.backlogH100e;
    out[14] = r.powerMw;
    out[15] = r.marketShare;
  },
  supplier: (r, out) => {
    out[0] = r.productionUnits;
    out[1] = r.productionH100e;
    out[2] = r.backlogH100e;
    out[3] = r.leadTimeDays;
    out[4] = r.capacityFactor;
  },
  chip: (r, out) => {
    out[0] = r.spotPriceUsdPerGpuHour;
    out[1] = r.spotPriceUsdPerChipHour;
    out[2] = r.contractPriceUsdPerGpuHour;
    out[3] = r.fleetH100e;
  },
};

/** The rows of `events.arrow`: one per event of note. */
function eventsAppender(description: BatchDescription, expected: BlockSize = { rows: 256 }): TableAppender {
  const table = new BlockBuilder(eventsLayout(description), expected);
  const kinds = dictionaryCodes(EVENT_KINDS);
  const append = (variant: number, result: RunResult): void => {
    for (const event of result.events) {
      table.nextInt(result.runIndex);
      table.nextInt(variant);
      table.nextInt(event.day);
      table.nextInt(epochDay(event.date));
      table.nextInt(kinds.get(event.kind)!);
      table.nextText(event.actor);
      table.nextNumber(event.magnitude);
      table.nextText(event.detail);
      table.endRow();
    }
  };
  return { append, finish: () => table.finish() };
}

/** The rows of `tenders.arrow`: one per block tendered. */
function tendersAppender(description: BatchDescription, expected: BlockSize = { rows: 256 }): TableAppender {
  const table = new BlockBuilder(tendersLayout(description), expected);
  const labs = dictionaryCodes(description.labs);
  const outcomes = dictionaryCodes(TENDER_OUTCOMES);
  const append = (variant: number, result: RunResult): void => {
    for (const t of result.tenders) {
      table.nextInt(result.runIndex);
      table.nextInt(variant);
      table.nextInt(t.tender);
      table.nextInt(t.day);
      table.nextInt(epochDay(t.date));
      table.nextInt(labs.get(t.lab)!);
      table.nextText(t.strategy);
      table.nextNumber(t.sizeH100e);
      table.nextInt(Math.round(t.deliveryDay));
      table.nextNumber(t.contractMonths);
      table.nextNumber(t.reserveUsdPerGpuHour);
      table.nextInt(t.invited);
      table.nextInt(t.able);
      table.nextInt(t.bids.length);
      table.nextText(t.winner);
      table.nextNumber(t.priceUsdPerGpuHour ?? undefined);
      table.nextNumber(t.awardedH100e);
      table.nextText(t.incumbent);
      table.nextInt(t.matched ? 1 : 0);
      table.nextNumber(t.bestRivalUsdPerGpuHour ?? undefined);
      table.nextText(t.leasedFrom);
      table.nextNumber(t.serverFreeH100e);
      table.nextInt(outcomes.get(t.outcome)!);
      table.endRow();
    }
  };
  return { append, finish: () => table.finish() };
}

/** The rows of `bids.arrow`: one per sealed bid. */
function bidsAppender(description: BatchDescription, expected: BlockSize = { rows: 256 }): TableAppender {
  const table = new BlockBuilder(bidsLayout(description), expected);
  const providers = dictionaryCodes(description.providers);
  const append = (variant: number, result: RunResult): void => {
    for (const t of result.tenders) {
      for (const bid of t.bids) {
        table.nextInt(result.runIndex);
        table.nextInt(variant);
        table.nextInt(t.tender);
        table.nextInt(providers.get(bid.provider)!);
        table.nextNumber(bid.priceUsdPerGpuHour);
        table.nextNumber(bid.volumeH100e);
        table.nextText(bid.leasedFrom);
        table.endRow();
      }
    }
  };
  return { append, finish: () => table.finish() };
}

/** Each table's appender, for a block of rows sized by `expected`. */
export const APPENDER_OF: Record<TableName, (description: BatchDescription, expected?: BlockSize) => TableAppender> = {
  runs: runsAppender,
  timeseries: timeseriesAppender,
  events: eventsAppender,
  tenders: tendersAppender,
  bids: bidsAppender,
};

/** Each entry's position in a dictionary column's list: the code its cells hold. */
function dictionaryCodes<T>(dictionary: readonly T[]): Map<T, number> {
  return new Map(dictionary.map((entry, index) => [entry, index]));
}

/** Every typed array of a block, for transferring it to another thread. */
export function transferables(blocks: readonly TableBlock[]): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  for (const block of blocks) {
    for (const column of block.columns) {
      if (column.type === 'utf8') buffers.push(column.offsets.buffer as ArrayBuffer, column.bytes.buffer as ArrayBuffer);
      else {
        buffers.push(column.values.buffer as ArrayBuffer);
        if (column.type === 'float64' && column.valid) buffers.push(column.valid.buffer as ArrayBuffer);
      }
    }
  }
  return buffers;
}

/** Fills a table row by row, column by column, into arrays that grow as rows come. */
class BlockBuilder {
  private readonly index = new Map<string, number>();
  private readonly data: ColumnData[];
  /** Each text column's bytes so far, with a writer over them to write text into. */
  private readonly utf8: { bytes: Uint8Array; writer: Utf8Writer; used: number }[] = [];
  private capacity: number;
  private row = 0;
  /** The column the `next` methods write. */
  private cursor = 0;

  /** `expected` sizes the arrays up front (they grow past it), sparing copies of multi-megabyte blocks. */
  constructor(private readonly layout: readonly ColumnSpec[], expected: BlockSize) {
    this.capacity = Math.max(8, Math.ceil(expected.rows));
    this.data = layout.map((column, i): ColumnData => {
      this.index.set(column.name, i);
      switch (column.type) {
        case 'float64':
          return { type: 'float64', values: new Float64Array(this.capacity), valid: column.nullable ? new Uint8Array(bitmapBytes(this.capacity)) : undefined, nulls: 0 };
        case 'utf8':
          this.utf8[i] = textBytes(new Uint8Array(Math.ceil(this.capacity * (expected.textBytesPerRow?.[i] || 16))), 0);
          return { type: 'utf8', offsets: new Int32Array(this.capacity + 1), bytes: new Uint8Array(0) };
        default:
          return { type: column.type, values: new Int32Array(this.capacity) };
      }
    });
  }

  /** The position of column `name`, for the `set` methods. */
  columnIndex(name: string): number {
    const i = this.index.get(name);
    if (i === undefined) throw new Error(`no column ${name}`);
    return i;
  }

  /** The next column's integer. */
  nextInt(value: number): void {
    this.setInt(this.cursor++, value);
  }

  /** The next column's number, or a null when `value` is undefined. */
  nextNumber(value: number | undefined): void {
    if (value === undefined) this.setNull(this.cursor++);
    else this.setNumber(this.cursor++, value);
  }

  /** The next column's text. */
  nextText(value: string): void {
    this.setText(this.cursor++, value);
  }

  setInt(column: number, value: number): void {
    (this.data[column] as { values: Int32Array }).values[this.row] = value;
  }

  setNumber(column: number, value: number): void {
    const data = this.data[column] as Extract<ColumnData, { type: 'float64' }>;
    data.values[this.row] = value;
    if (data.valid) data.valid[this.row >> 3]! |= 1 << (this.row & 7);
  }

  setNull(column: number): void {
    const data = this.data[column] as Extract<ColumnData, { type: 'float64' }>;
    if (!data.valid) throw new Error(`column ${this.layout[column]!.name} cannot hold nulls`);
    data.nulls++;
  }

  setText(i: number, value: string): void {
    let buffer = this.utf8[i]!;
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const needed = buffer.used + value.length * 3;
    if (needed > buffer.bytes.length) buffer = this.utf8[i] = textBytes(grow(buffer.bytes, Math.max(needed, buffer.bytes.length * 2)), buffer.used);
    // Buffer.write encodes at an offset: TextEncoder.encodeInto needs a new view, and returns a new object, for every cell.
    buffer.used += buffer.writer.write(value, buffer.used);
    (this.data[i] as { offsets: Int32Array }).offsets[this.row + 1] = buffer.used;
  }

  endRow(): void {
    // Rows written by position must fill every column, or the columns would shift.
    if (this.cursor !== 0 && this.cursor !== this.data.length) throw new Error(`row ${this.row} has ${this.cursor} of ${this.data.length} columns`);
    this.cursor = 0;
    this.row++;
    if (this.row === this.capacity) this.reserve(this.capacity * 2);
  }

  /** The rows so far, as views of exactly their length (the arrays' spare room goes along unseen). */
  finish(): TableBlock {
    const rows = this.row;
    const columns = this.data.map((data, i): ColumnData => {
      if (data.type === 'utf8') return { type: 'utf8', offsets: data.offsets.subarray(0, rows + 1), bytes: this.utf8[i]!.bytes.subarray(0, this.utf8[i]!.used) };
      if (data.type === 'float64') {
        // Without nulls a column needs no validity bitmap.
        const valid = data.valid && data.nulls > 0 ? data.valid.subarray(0, bitmapBytes(rows)) : undefined;
        return { type: 'float64', values: data.values.subarray(0, rows), valid, nulls: valid ? data.nulls : 0 };
      }
      return { type: data.type, values: data.values.subarray(0, rows) };
    });
    return { rows, columns };
  }

  private reserve(capacity: number): void {
    for (const data of this.data) {
      if (data.type === 'utf8') data.offsets = grow(data.offsets, capacity + 1);
      else {
        data.values = grow(data.values, capacity);
        if (data.type === 'float64' && data.valid) data.valid = grow(data.valid, bitmapBytes(capacity));
      }
    }
    this.capacity = capacity;
  }
}

/** The bytes of a validity bitmap of `rows` rows: a bit each, rounded up to whole bytes. */
function bitmapBytes(rows: number): number {
  return (rows + 7) >> 3;
}

/** Writes text as UTF-8 into the bytes it is over, at an offset, and returns the bytes written. */
interface Utf8Writer {
  write(text: string, offset: number): number;
}

// Node's Buffer where there is one; a browser (the explore page's workers) has TextEncoder, which encodes the same bytes.
const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;

/** A text column's bytes, `used` of them filled, and a writer over the same memory to write with. */
function textBytes(bytes: Uint8Array, used: number): { bytes: Uint8Array; writer: Utf8Writer; used: number } {
  if (NodeBuffer) return { bytes, writer: NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), used };
  const encoder = new TextEncoder();
  return { bytes, writer: { write: (text, offset) => encoder.encodeInto(text, bytes.subarray(offset)).written }, used };
}

function grow<T extends Float64Array | Int32Array | Uint8Array>(array: T, length: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(length);
  bigger.set(array);
  return bigger;
}
