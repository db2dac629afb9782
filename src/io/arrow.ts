import { open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import {
  AsyncByteQueue,
  DateDay,
  Dictionary,
  Field,
  Float64,
  Int32,
  RecordBatch,
  RecordBatchFileWriter,
  RecordBatchReader,
  Schema,
  Struct,
  Table,
  Utf8,
  makeData,
  vectorFromArray,
} from 'apache-arrow';
import type { Data, DataType, Vector } from 'apache-arrow';
import type { ColumnData, TableBlock } from './columns.js';
import type { ColumnSpec } from './layout.js';

/**
 * Arrow IPC files written batch by batch. A file is written under a temporary name and renamed
 * when complete, so an interrupted batch never leaves a file that looks finished.
 */

/** Turns blocks of columns into Arrow record batches of one schema. */
export class ArrowTable {
  readonly schema: Schema;
  private readonly dictionaries: (Vector | undefined)[];

  constructor(readonly layout: readonly ColumnSpec[], metadata: Record<string, string> = {}) {
    let dictionaryId = 0;
    const fields = layout.map((column) => {
      const type = arrowType(column, dictionaryId);
      if (column.type === 'dictionary') dictionaryId++;
      return new Field(column.name, type, column.nullable ?? false, new Map([['description', column.description]]));
    });
    this.schema = new Schema(fields, new Map(Object.entries(metadata)));
    // One dictionary vector per column for the whole file: the file format allows no replacement.
    this.dictionaries = layout.map((column) => (column.dictionary ? vectorFromArray([...column.dictionary], new Utf8()) : undefined));
  }

  /** A block as a record batch. */
  batch(block: TableBlock): RecordBatch {
    const children = block.columns.map((column, i) => this.data(column, i, block.rows));
    const struct = makeData({ type: new Struct(this.schema.fields), length: block.rows, nullCount: 0, children });
    return new RecordBatch(this.schema, struct);
  }

  /** Blocks as one in-memory table (for small batches returned to a script). */
  table(blocks: readonly TableBlock[]): Table {
    return blocks.length === 0 ? new Table(this.schema) : new Table(blocks.map((block) => this.batch(block)));
  }

  private data(column: ColumnData, i: number, length: number): Data {
    const type = this.schema.fields[i]!.type as DataType;
    switch (column.type) {
      case 'float64':
        return makeData({ type: type as Float64, length, data: column.values, nullBitmap: column.valid, nullCount: column.valid ? column.nulls : 0 });
      case 'utf8':
        return makeData({ type: type as Utf8, length, valueOffsets: column.offsets, data: column.bytes, nullCount: 0 });
      case 'dictionary':
        return makeData({ type: type as Dictionary<Utf8, Int32>, length, data: column.values, dictionary: this.dictionaries[i]!, nullCount: 0 });
      case 'date':
        return makeData({ type: type as DateDay, length, data: column.values, nullCount: 0 });
      default:
        return makeData({ type: type as Int32, length, data: column.values, nullCount: 0 });
    }
  }
}

/**
 * The bytes Arrow's writer produces, kept as it hands them over: a record batch comes out as a few
 * dozen small pieces (message, buffers, padding), which `take` gives back together for one write.
 */
class Pieces extends AsyncByteQueue {
  private pieces: Uint8Array[] = [];

  override write(value: Uint8Array): void {
    if (value.byteLength > 0) this.pieces.push(value);
  }

  /** The pieces written since the last call. */
  take(): Uint8Array[] {
    const taken = this.pieces;
    this.pieces = [];
    return taken;
  }
}

/** Streams record batches into an Arrow IPC file at `path`, by way of `path.partial`. */
export class ArrowFileWriter {
  private readonly partial: string;
  private readonly pieces = new Pieces();
  private readonly writer = new RecordBatchFileWriter();
  private readonly file: Promise<FileHandle>;
  // Writes are chained, one gathered write (writev) per record batch: piece by piece through a
  // stream cost the main thread of a batch about as much as all the rest of its work.
  private written: Promise<void>;
  /** Rows written so far. */
  rows = 0;

  constructor(readonly path: string, readonly table: ArrowTable) {
    this.partial = `${path}.partial`;
    this.file = open(this.partial, 'w');
    this.written = this.file.then(() => undefined);
    // A failure to open or write is reported by close() (or made moot by abort()), never left unhandled.
    this.written.catch(() => undefined);
    // The schema goes first, so a table with no rows is still a valid file.
    this.writer.reset(this.pieces, table.schema);
    this.flush();
  }

  /** Appends a block as one record batch. */
  write(block: TableBlock): void {
    if (block.rows === 0) return;
    this.writer.write(this.table.batch(block));
    this.rows += block.rows;
    this.flush();
  }

  /** Writes the footer, waits for the bytes to reach the disk and gives the file its final name. */
  async close(): Promise<void> {
    this.writer.finish();
    this.flush();
    await this.written;
    await (await this.file).close();
    await rename(this.partial, this.path);
  }

  /** Stops writing and removes the partial file. */
  async abort(): Promise<void> {
    await this.written.catch(() => undefined);
    // The file may be closed already (a close() that failed at the rename).
    await this.file.then((file) => file.close()).catch(() => undefined);
    await rm(this.partial, { force: true });
  }

  private flush(): void {
    const pieces = this.pieces.take();
    if (pieces.length === 0) return;
    this.written = this.written.then(async () => {
      const { bytesWritten } = await (await this.file).writev(pieces);
      const bytes = pieces.reduce((sum, piece) => sum + piece.byteLength, 0);
      if (bytesWritten !== bytes) throw new Error(`${this.partial}: wrote ${bytesWritten} of ${bytes} bytes`);
    });
    this.written.catch(() => undefined);
  }
}

function arrowType(column: ColumnSpec, dictionaryId: number): DataType {
  switch (column.type) {
    case 'float64':
      return new Float64();
    case 'utf8':
      return new Utf8();
    case 'date':
      return new DateDay();
    case 'dictionary':
      return new Dictionary(new Utf8(), new Int32(), dictionaryId, false);
    default:
      return new Int32();
  }
}

/** The record batches of an Arrow file as blocks of columns, read one at a time. */
export async function* readBlocks(path: string, layout: readonly ColumnSpec[]): AsyncGenerator<TableBlock> {
  const file = await open(path);
  try {
    const reader = await RecordBatchReader.from(file);
    for await (const batch of reader) yield blockOf(batch as RecordBatch, layout);
  } finally {
    await file.close();
  }
}

/** A record batch back as the columns the writer took: arrays of exactly their length, so the bytes written are the same. */
function blockOf(batch: RecordBatch, layout: readonly ColumnSpec[]): TableBlock {
  const rows = batch.numRows;
  const columns = layout.map((spec, i): ColumnData => {
    const data = batch.data.children[i] as Data;
    if (data.offset !== 0) throw new Error(`column ${spec.name}: unexpected offset ${data.offset}`);
    switch (spec.type) {
      case 'float64': {
        const values = (data.values as Float64Array).slice(0, rows);
        const valid = data.nullCount > 0 ? (data.nullBitmap as Uint8Array).slice(0, (rows + 7) >> 3) : undefined;
        return { type: 'float64', values, valid, nulls: valid ? data.nullCount : 0 };
      }
      case 'utf8': {
        const offsets = (data.valueOffsets as Int32Array).slice(0, rows + 1);
        return { type: 'utf8', offsets, bytes: (data.values as Uint8Array).slice(0, offsets[rows]!) };
      }
      default:
        return { type: spec.type, values: (data.values as Int32Array).slice(0, rows) };
    }
  });
  return { rows, columns };
}
