import { epochDay } from '../market/calendar.js';
import type { ChipMonth, LabMonth, NotableEvent, ProviderMonth, RunResult, SupplierMonth } from '../market/results.js';
import { ACTOR_KINDS, actorLayout, bidsLayout, EVENT_KINDS, eventsLayout, LAB_FIGURES, MARKET_FIGURES, METRICS_OF, runsLayout, TABLE_OF_KIND, TENDER_OUTCOMES, tendersLayout } from './layout.js';
import type { ActorKind, BatchDescription, ColumnSpec, MonthRecordOf, TableName } from './layout.js';

/**
 * Run results as columns: typed arrays a worker fills and transfers to the writer without copying,
 * in the layouts of layout.ts. Missing values are nulls in an Arrow validity bitmap, never NaN,
 * so a NaN in a table is a NaN the model produced.
 */

/** The codes of a dictionary column, as narrow as its dictionary allows: a row's variant or lab takes one byte. */
export type DictionaryCodes = Int8Array | Int16Array | Int32Array;

/** One column's values for a block of rows; a column with nulls has a validity bitmap (`valid`, a bit a row) and counts them. */
export type ColumnData =
  | { type: 'int32' | 'date'; values: Int32Array; valid?: Uint8Array; nulls: number }
  | { type: 'dictionary'; values: DictionaryCodes; valid?: Uint8Array; nulls: number }
  | { type: 'float64'; values: Float64Array; valid?: Uint8Array; nulls: number }
  | { type: 'utf8'; offsets: Int32Array; bytes: Uint8Array; valid?: Uint8Array; nulls: number };

/** The bits of a dictionary column's codes: the fewest that index every entry (Arrow's index types are signed). */
export function codeBits(dictionary: readonly unknown[]): 8 | 16 | 32 {
  return dictionary.length <= 0x7f ? 8 : dictionary.length <= 0x7fff ? 16 : 32;
}

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
      // A figure the run does not have (OPTIONAL_FIGURES, null in the summary) is a missing cell, not NaN.
      for (const figure of LAB_FIGURES) table.nextNumber(figures === undefined ? NaN : (figures[figure] ?? undefined));
      // A provider the lab holds nothing from has a share of 0, not an unknown one.
      for (const provider of description.providers) table.nextNumber(figures?.finalShares[provider] ?? 0);
    }
    for (const provider of description.providers) table.nextNumber(summary.providerShares[provider] ?? 0);
    for (const figure of MARKET_FIGURES) table.nextNumber(summary[figure] ?? undefined);
    table.endRow();
  };
  return { append, finish: () => table.finish() };
}

/** A monthly record of any actor kind. */
type MonthRecord = MonthRecordOf[ActorKind];

/** Where each kind's rows come from: its records in a run's result, and the actor of each (none for the market). */
const RECORDS_OF: Record<ActorKind, { records(result: RunResult): readonly MonthRecord[]; actorOf?(record: MonthRecord): string }> = {
  market: { records: (result) => result.market },
  lab: { records: (result) => result.labs, actorOf: (record) => (record as LabMonth).lab },
  provider: { records: (result) => result.providers, actorOf: (record) => (record as ProviderMonth).provider },
  supplier: { records: (result) => result.suppliers, actorOf: (record) => (record as SupplierMonth).supplier },
  chip: { records: (result) => result.chips, actorOf: (record) => (record as ChipMonth).chip },
};

/**
 * The rows of an actor kind's table (`labs.arrow`, ...): per run, its records in the order the run
 * made them, month by month and the actors in scenario order. Dates come from the market's records,
 * which a run keeps whenever it keeps any monthly series.
 */
function actorAppender(kind: ActorKind, description: BatchDescription, expected: BlockSize = { rows: 256 }): TableAppender {
  const layout = actorLayout(kind, description);
  const table = new BlockBuilder(layout, expected);
  const { records, actorOf } = RECORDS_OF[kind];
  // The actor's column follows run, variant, month and date (actorLayout).
  const actors = actorOf && dictionaryCodes(layout[4]!.dictionary!);
  // Read by name, from METRICS_OF, the one list of them: a keyed load of a dozen names over five
  // shapes of record is megamorphic, but measured on openai-multicloud-2025 with every series kept
  // it costs about 0.1-0.25 ms of a 30 ms run (under 1%) more than a hand-written reader per kind.
  const metrics = METRICS_OF[kind].map((metric) => metric.name) as readonly string[];
  let days = new Int32Array(0);
  const append = (variant: number, result: RunResult): void => {
    const months = result.market;
    if (days.length < months.length) days = new Int32Array(months.length);
    for (let month = 0; month < months.length; month++) days[month] = epochDay(months[month]!.date);
    for (const record of records(result)) {
      // A record of a month the market kept no record of would have no date.
      if (record.month >= months.length) throw new Error(`run ${result.runIndex}: a ${kind} record of month ${record.month}, past the market's ${months.length} months`);
      table.nextInt(result.runIndex);
      table.nextInt(variant);
      table.nextInt(record.month);
      table.nextInt(days[record.month]!);
      if (actors) table.nextInt(codeOf(actors, actorOf!(record), kind));
      // A null (a price in a month with nothing to price) is a missing cell.
      for (let m = 0; m < metrics.length; m++) table.nextNumber((record as unknown as Record<string, number | null>)[metrics[m]!] ?? undefined);
      table.endRow();
    }
  };
  return { append, finish: () => table.finish() };
}

/** The rows of `events.arrow`: one per event of note, the columns of its kind filled and the others null. */
function eventsAppender(description: BatchDescription, expected: BlockSize = { rows: 256 }): TableAppender {
  const table = new BlockBuilder(eventsLayout(description), expected);
  const kinds = dictionaryCodes(EVENT_KINDS);
  const labs = dictionaryCodes(description.labs);
  const providers = dictionaryCodes(description.providers);
  const suppliers = dictionaryCodes(description.suppliers);
  const shocks = dictionaryCodes(description.shocks);
  const [fields, values, notes] = [description.policies.fields, description.policies.values, description.policies.notes].map((list) => dictionaryCodes(list)) as [Map<string, number>, Map<string, number>, Map<string, number>];
  /** The next column: `id`'s code, or a null when there is no id or it is not in the dictionary (a policy path naming no actor). */
  const code = (codes: Map<string, number>, id: string | undefined): void => {
    const found = id === undefined ? undefined : codes.get(id);
    if (found === undefined) table.nextNull();
    else table.nextInt(found);
  };
  const nulls = (count: number): void => {
    for (let i = 0; i < count; i++) table.nextNull();
  };
  const append = (variant: number, result: RunResult): void => {
    for (const event of result.events as readonly NotableEvent[]) {
      table.nextInt(result.runIndex);
      table.nextInt(variant);
      table.nextInt(event.day);
      table.nextInt(epochDay(event.date));
      table.nextInt(codeOf(kinds, event.kind, 'event kind'));
      // Then lab, provider, lessor, supplier, shock, price, volume, start, end, magnitude, duration, field, value, note (eventsLayout).
      switch (event.kind) {
        case 'contract':
        case 'matched':
        case 'lease':
          table.nextInt(codeOf(labs, event.lab, 'lab'));
          table.nextInt(codeOf(providers, event.provider, 'provider'));
          if (event.lessor === '') table.nextNull();
          else table.nextInt(codeOf(providers, event.lessor, 'provider'));
          nulls(2);
          table.nextNumber(event.priceUsdPerGpuHour);
          table.nextNumber(event.volumeH100e);
          table.nextInt(epochDay(event.startDate));
          table.nextInt(epochDay(event.endDate));
          nulls(5);
          break;
        case 'shock-start':
        case 'shock-end': {
          const { targetKind, target } = event;
          code(labs, targetKind === 'lab' ? target : undefined);
          code(providers, targetKind === 'provider' ? target : undefined);
          table.nextNull();
          code(suppliers, targetKind === 'supplier' ? target : undefined);
          table.nextInt(codeOf(shocks, event.shock, 'shock'));
          nulls(4);
          table.nextNumber(event.magnitude);
          table.nextNumber(event.durationDays);
          nulls(3);
          break;
        }
        case 'policy': {
          // `labs.openai.procurement.strategy` is about lab openai.
          const [kind, id] = event.path.split('.', 2);
          code(labs, kind === 'labs' ? id : undefined);
          code(providers, kind === 'providers' ? id : undefined);
          table.nextNull();
          code(suppliers, kind === 'suppliers' ? id : undefined);
          nulls(7);
          table.nextInt(codeOf(fields, event.path, 'timeline field'));
          table.nextInt(codeOf(values, event.value, 'timeline value'));
          if (event.note === '') table.nextNull();
          else table.nextInt(codeOf(notes, event.note, 'timeline note'));
          break;
        }
      }
      table.endRow();
    }
  };
  return { append, finish: () => table.finish() };
}

/** The rows of `tenders.arrow`: one per block tendered. */
function tendersAppender(description: BatchDescription, expected: BlockSize = { rows: 256 }): TableAppender {
  const table = new BlockBuilder(tendersLayout(description), expected);
  const labs = dictionaryCodes(description.labs);
  const providers = dictionaryCodes(description.providers);
  const outcomes = dictionaryCodes(TENDER_OUTCOMES);
  const strategies = dictionaryCodes(description.strategies);
  /** The next column: a provider's code, or a null for none (''). */
  const provider = (id: string): void => {
    if (id === '') table.nextNull();
    else table.nextInt(codeOf(providers, id, 'provider'));
  };
  const append = (variant: number, result: RunResult): void => {
    for (const t of result.tenders) {
      table.nextInt(result.runIndex);
      table.nextInt(variant);
      table.nextInt(t.tender);
      table.nextInt(t.day);
      table.nextInt(epochDay(t.date));
      table.nextInt(codeOf(labs, t.lab, 'lab'));
      table.nextInt(codeOf(strategies, t.strategy, 'strategy'));
      table.nextNumber(t.sizeH100e);
      table.nextInt(Math.round(t.deliveryDay));
      table.nextNumber(t.contractMonths);
      table.nextNumber(t.reserveUsdPerGpuHour);
      table.nextInt(t.invited);
      table.nextInt(t.able);
      table.nextInt(t.bids.length);
      provider(t.winner);
      table.nextNumber(t.priceUsdPerGpuHour ?? undefined);
      table.nextNumber(t.awardedH100e);
      provider(t.incumbent);
      // Whether the incumbent matched is the outcome `matched`.
      table.nextNumber(t.bestRivalUsdPerGpuHour ?? undefined);
      provider(t.leasedFrom);
      table.nextNumber(t.serverFreeH100e ?? undefined);
      table.nextInt(codeOf(outcomes, t.outcome, 'tender outcome'));
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
        table.nextInt(codeOf(providers, bid.provider, 'provider'));
        table.nextNumber(bid.priceUsdPerGpuHour);
        table.nextNumber(bid.volumeH100e);
        if (bid.leasedFrom === '') table.nextNull();
        else table.nextInt(codeOf(providers, bid.leasedFrom, 'provider'));
        table.endRow();
      }
    }
  };
  return { append, finish: () => table.finish() };
}

/** Each table's appender, for a block of rows sized by `expected`. */
export const APPENDER_OF: Record<TableName, (description: BatchDescription, expected?: BlockSize) => TableAppender> = {
  runs: runsAppender,
  ...(Object.fromEntries(ACTOR_KINDS.map((kind) => [TABLE_OF_KIND[kind], (description: BatchDescription, expected?: BlockSize) => actorAppender(kind, description, expected)])) as Record<(typeof TABLE_OF_KIND)[ActorKind], (description: BatchDescription, expected?: BlockSize) => TableAppender>),
  events: eventsAppender,
  tenders: tendersAppender,
  bids: bidsAppender,
};

/** Each entry's position in a dictionary column's list: the code its cells hold. */
function dictionaryCodes<T>(dictionary: readonly T[]): Map<T, number> {
  return new Map(dictionary.map((entry, index) => [entry, index]));
}

/** The code of `id` in a dictionary; an id the batch did not describe is a bug, never a silent 0. */
function codeOf<T>(codes: Map<T, number>, id: T, what: string): number {
  const code = codes.get(id);
  if (code === undefined) throw new Error(`${what} ${String(id)} is not in the batch's description`);
  return code;
}

/** Every typed array of a block, for transferring it to another thread. */
export function transferables(blocks: readonly TableBlock[]): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  for (const block of blocks) {
    for (const column of block.columns) {
      if (column.type === 'utf8') buffers.push(column.offsets.buffer as ArrayBuffer, column.bytes.buffer as ArrayBuffer);
      else buffers.push(column.values.buffer as ArrayBuffer);
      if (column.valid) buffers.push(column.valid.buffer as ArrayBuffer);
    }
  }
  return buffers;
}

/** A column's arrays as a builder fills them. */
type Filling =
  | { type: 'int32' | 'date'; values: Int32Array; valid?: Uint8Array; nulls: number }
  | { type: 'dictionary'; values: DictionaryCodes; valid?: Uint8Array; nulls: number }
  | { type: 'float64'; values: Float64Array; valid?: Uint8Array; nulls: number }
  | { type: 'utf8'; offsets: Int32Array; valid?: Uint8Array; nulls: number };

/** Fills a table row by row, column by column, into arrays that grow as rows come. */
class BlockBuilder {
  private readonly data: Filling[];
  /** Each text column's bytes so far, with a writer over them to write text into. */
  private readonly utf8: { bytes: Uint8Array; writer: Utf8Writer; used: number }[] = [];
  private capacity: number;
  private row = 0;
  /** The column the `next` methods write. */
  private cursor = 0;

  /** `expected` sizes the arrays up front (they grow past it), sparing copies of multi-megabyte blocks. */
  constructor(private readonly layout: readonly ColumnSpec[], expected: BlockSize) {
    this.capacity = Math.max(8, Math.ceil(expected.rows));
    this.data = layout.map((column, i): Filling => {
      const valid = column.nullable ? new Uint8Array(bitmapBytes(this.capacity)) : undefined;
      switch (column.type) {
        case 'float64':
          return { type: 'float64', values: new Float64Array(this.capacity), valid, nulls: 0 };
        case 'utf8':
          this.utf8[i] = textBytes(new Uint8Array(Math.ceil(this.capacity * (expected.textBytesPerRow?.[i] || 16))), 0);
          return { type: 'utf8', offsets: new Int32Array(this.capacity + 1), valid, nulls: 0 };
        case 'dictionary':
          return { type: 'dictionary', values: codeArray(codeBits(column.dictionary ?? []), this.capacity), valid, nulls: 0 };
        default:
          return { type: column.type, values: new Int32Array(this.capacity), valid, nulls: 0 };
      }
    });
  }

  /** The next column's integer (or dictionary code, or date). */
  nextInt(value: number): void {
    const data = this.data[this.cursor++] as Exclude<Filling, { type: 'utf8' }>;
    data.values[this.row] = value;
    if (data.valid) data.valid[this.row >> 3]! |= 1 << (this.row & 7);
  }

  /** The next column's number, or a null when `value` is undefined. */
  nextNumber(value: number | undefined): void {
    if (value === undefined) {
      this.nextNull();
      return;
    }
    const data = this.data[this.cursor++] as Extract<Filling, { type: 'float64' }>;
    data.values[this.row] = value;
    if (data.valid) data.valid[this.row >> 3]! |= 1 << (this.row & 7);
  }

  /** The next column's text. */
  nextText(value: string): void {
    const i = this.cursor++;
    let buffer = this.utf8[i]!;
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const needed = buffer.used + value.length * 3;
    if (needed > buffer.bytes.length) buffer = this.utf8[i] = textBytes(grow(buffer.bytes, Math.max(needed, buffer.bytes.length * 2)), buffer.used);
    // Buffer.write encodes at an offset: TextEncoder.encodeInto needs a new view, and returns a new object, for every cell.
    buffer.used += buffer.writer.write(value, buffer.used);
    const data = this.data[i] as Extract<Filling, { type: 'utf8' }>;
    data.offsets[this.row + 1] = buffer.used;
    if (data.valid) data.valid[this.row >> 3]! |= 1 << (this.row & 7);
  }

  /** A null in the next column: its bit stays clear, and its value 0 (or an empty text), so the bytes are always the same. */
  nextNull(): void {
    const i = this.cursor++;
    const data = this.data[i]!;
    if (!data.valid) throw new Error(`column ${this.layout[i]!.name} cannot hold nulls`);
    data.nulls++;
    if (data.type === 'utf8') data.offsets[this.row + 1] = this.utf8[i]!.used;
  }

  endRow(): void {
    // Rows written by position must fill every column, or the columns would shift.
    if (this.cursor !== this.data.length) throw new Error(`row ${this.row} has ${this.cursor} of ${this.data.length} columns`);
    this.cursor = 0;
    this.row++;
    if (this.row === this.capacity) this.reserve(this.capacity * 2);
  }

  /** The rows so far, as views of exactly their length (the arrays' spare room goes along unseen). */
  finish(): TableBlock {
    const rows = this.row;
    const columns = this.data.map((data, i): ColumnData => {
      // Without nulls a column needs no validity bitmap.
      const valid = data.valid && data.nulls > 0 ? data.valid.subarray(0, bitmapBytes(rows)) : undefined;
      const nulls = valid ? data.nulls : 0;
      if (data.type === 'utf8') return { type: 'utf8', offsets: data.offsets.subarray(0, rows + 1), bytes: this.utf8[i]!.bytes.subarray(0, this.utf8[i]!.used), valid, nulls };
      return { ...data, values: data.values.subarray(0, rows), valid, nulls } as ColumnData;
    });
    return { rows, columns };
  }

  private reserve(capacity: number): void {
    for (const data of this.data) {
      if (data.type === 'utf8') data.offsets = grow(data.offsets, capacity + 1);
      else data.values = grow(data.values, capacity);
      if (data.valid) data.valid = grow(data.valid, bitmapBytes(capacity));
    }
    this.capacity = capacity;
  }
}

/** An array of `length` codes of `bits` bits. */
function codeArray(bits: 8 | 16 | 32, length: number): DictionaryCodes {
  return bits === 8 ? new Int8Array(length) : bits === 16 ? new Int16Array(length) : new Int32Array(length);
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

function grow<T extends Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array>(array: T, length: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(length);
  bigger.set(array);
  return bigger;
}
