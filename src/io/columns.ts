import { epochDay } from '../market/calendar.js';
import type { RunResult } from '../market/results.js';
import { actorIds, EVENT_KINDS, LAB_FIGURES, METRICS_OF, parameterColumn, runsLayout, timeseriesLayout, eventsLayout } from './layout.js';
import type { ActorKind, BatchDescription, ColumnSpec } from './layout.js';

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

/** The rows of `runs.arrow`: one per run and variant. */
export function runsAppender(description: BatchDescription, expectedRows = 256): TableAppender {
  const table = new BlockBuilder(runsLayout(description), expectedRows);
  // Cells go in layout order (runsLayout), one after the other: a hundred columns a row are too many to look up by name.
  const append = (variant: number, result: RunResult): void => {
    const { summary } = result;
    table.nextInt(result.runIndex);
    table.nextText(String(result.seed));
    table.nextInt(variant);
    for (const path of description.parameters) table.nextNumber(result.sampled[path]);
    for (const lab of description.labs) {
      const figures = summary.labs.find((candidate) => candidate.lab === lab);
      for (const figure of LAB_FIGURES) table.nextNumber(figures?.[figure] ?? NaN);
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
export function timeseriesAppender(description: BatchDescription, expectedRows = 256): TableAppender {
  const layout = timeseriesLayout(description);
  const kinds = description.timeseriesKinds;
  const table = new BlockBuilder(layout, expectedRows);
  const actors = new Map(actorIds(description).map((id, index) => [id, index]));
  const kindIndex = new Map((['market', 'lab', 'provider', 'supplier'] as const).map((kind, index) => [kind, index]));
  const metrics = layout.slice(6).map((column) => column.name);
  const owned = kinds.map((kind) => metrics.map((metric) => METRICS_OF[kind].includes(metric)));
  const recordsOf = (result: RunResult, kind: ActorKind): readonly { month: number }[] =>
    kind === 'market' ? result.market : kind === 'lab' ? result.labs : kind === 'provider' ? result.providers : result.suppliers;
  // Columns by position: a timeseries has a thousand rows a run, too many for lookups by name.
  const [run, variantColumn, monthColumn, date, kindColumn, actor] = ['run', 'variant', 'month', 'date', 'kind', 'actor'].map((name) => table.columnIndex(name)) as [number, number, number, number, number, number];
  const metricColumns = metrics.map((name) => table.columnIndex(name));
  const append = (variant: number, result: RunResult): void => {
    const monthDays = result.market.map((month) => epochDay(month.date));
    const byMonth = kinds.map((kind) => groupByMonth(recordsOf(result, kind), monthDays.length));
    for (let month = 0; month < monthDays.length; month++) {
      for (let k = 0; k < kinds.length; k++) {
        const kind = kinds[k]!;
        const own = owned[k]!;
        for (const record of byMonth[k]![month]!) {
          const values = record as unknown as Record<string, number | string>;
          table.setInt(run, result.runIndex);
          table.setInt(variantColumn, variant);
          table.setInt(monthColumn, month);
          table.setInt(date, monthDays[month]!);
          table.setInt(kindColumn, kindIndex.get(kind)!);
          table.setInt(actor, kind === 'market' ? 0 : actors.get(String(values[kind]))!);
          for (let m = 0; m < metrics.length; m++) {
            if (own[m]) table.setNumber(metricColumns[m]!, values[metrics[m]!] as number);
            else table.setNull(metricColumns[m]!);
          }
          table.endRow();
        }
      }
    }
  };
  return { append, finish: () => table.finish() };
}

/** The rows of `events.arrow`: one per event of note. */
export function eventsAppender(description: BatchDescription, expectedRows = 256): TableAppender {
  const table = new BlockBuilder(eventsLayout(description), expectedRows);
  const kinds = new Map(EVENT_KINDS.map((kind, index) => [kind, index]));
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


function groupByMonth<T extends { month: number }>(records: readonly T[], months: number): T[][] {
  const groups: T[][] = Array.from({ length: months }, () => []);
  for (const record of records) groups[record.month]?.push(record);
  return groups;
}

const encoder = new TextEncoder();

/** Fills a table row by row, column by column, into arrays that grow as rows come. */
class BlockBuilder {
  private readonly index = new Map<string, number>();
  private readonly data: ColumnData[];
  private readonly utf8: { bytes: Uint8Array; used: number }[] = [];
  private capacity: number;
  private row = 0;
  /** The column the `next` methods write. */
  private cursor = 0;

  /** `expectedRows` sizes the arrays up front (they grow past it), sparing copies of multi-megabyte blocks. */
  constructor(private readonly layout: readonly ColumnSpec[], expectedRows: number) {
    this.capacity = Math.max(8, expectedRows);
    this.data = layout.map((column, i): ColumnData => {
      this.index.set(column.name, i);
      switch (column.type) {
        case 'float64':
          return { type: 'float64', values: new Float64Array(this.capacity), valid: column.nullable ? new Uint8Array(this.capacity >> 3) : undefined, nulls: 0 };
        case 'utf8':
          this.utf8[i] = { bytes: new Uint8Array(this.capacity * 16), used: 0 };
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
    const buffer = this.utf8[i]!;
    // encodeInto writes at most 3 bytes per UTF-16 unit.
    const needed = buffer.used + value.length * 3;
    if (needed > buffer.bytes.length) buffer.bytes = grow(buffer.bytes, Math.max(needed, buffer.bytes.length * 2));
    buffer.used += encoder.encodeInto(value, buffer.bytes.subarray(buffer.used)).written;
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
        const valid = data.valid && data.nulls > 0 ? data.valid.subarray(0, (rows + 7) >> 3) : undefined;
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
        if (data.type === 'float64' && data.valid) data.valid = grow(data.valid, capacity >> 3);
      }
    }
    this.capacity = capacity;
  }
}

function grow<T extends Float64Array | Int32Array | Uint8Array>(array: T, length: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(length);
  bigger.set(array);
  return bigger;
}
