import { createHash } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import {
  AsyncByteQueue,
  DateDay,
  Dictionary,
  Field,
  Float64,
  Int16,
  Int32,
  Int8,
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
import { codeBits } from './columns.js';
import type { ColumnData, TableBlock } from './columns.js';
import type { ColumnSpec } from './layout.js';
import { OutputError, writeFailure } from './errors.js';
import type { FileDigest } from './manifest.js';

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
    const nulls = { nullBitmap: column.valid, nullCount: column.valid ? column.nulls : 0 };
    switch (column.type) {
      case 'float64':
        return makeData({ type: type as Float64, length, data: column.values, ...nulls });
      case 'utf8':
        return makeData({ type: type as Utf8, length, valueOffsets: column.offsets, data: column.bytes, ...nulls });
      case 'dictionary':
        return makeData({ type: type as Dictionary<Utf8, Int8 | Int16 | Int32>, length, data: column.values, dictionary: this.dictionaries[i]!, ...nulls });
      case 'date':
        return makeData({ type: type as DateDay, length, data: column.values, ...nulls });
      default:
        return makeData({ type: type as Int32, length, data: column.values, ...nulls });
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

/**
 * Streams record batches into an Arrow IPC file at `path`, by way of `path.partial`, hashing the
 * bytes as they go (the manifest records the hash, so a reader can tell the file is the one written).
 * A failed write (a full disk) is thrown by the next `write` or by `close`, as a WriteFailure.
 */
export class ArrowFileWriter {
  private readonly partial: string;
  private readonly pieces = new Pieces();
  private readonly writer = new RecordBatchFileWriter();
  private readonly file: Promise<FileHandle>;
  private readonly hash = createHash('sha256');
  // Writes are chained, one gathered write (writev) per record batch: piece by piece through a
  // stream cost the main thread of a batch about as much as all the rest of its work.
  private written: Promise<void>;
  private failure: unknown;
  /** Rows written so far. */
  rows = 0;
  /** Bytes handed to the file so far. */
  bytes = 0;
  /** The file's size and SHA-256, once closed. */
  digest: FileDigest | undefined;

  constructor(readonly path: string, readonly table: ArrowTable) {
    this.partial = `${path}.partial`;
    // Created afresh ('wx' after removing what a killed process left): never written through a link of that name.
    this.file = rm(this.partial, { force: true }).then(() => open(this.partial, 'wx'));
    this.written = this.file.then(() => undefined);
    this.watch();
    // The schema goes first, so a table with no rows is still a valid file.
    this.writer.reset(this.pieces, table.schema);
    this.flush();
  }

  /** Appends a block as one record batch; throws the failure of an earlier write, if one failed. */
  write(block: TableBlock): void {
    if (this.failure !== undefined) throw this.failure;
    if (block.rows === 0) return;
    this.writer.write(this.table.batch(block));
    this.rows += block.rows;
    this.flush();
  }

  /** Writes the footer, waits for the bytes to reach the disk and gives the file its final name. */
  async close(): Promise<void> {
    await this.finishAt(this.path);
  }

  /**
   * Writes the footer and gives the file the name `path` instead of its own: the record batches
   * written so far become a whole Arrow file there (how a stopped batch keeps what it wrote).
   */
  async finishAt(path: string): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    this.writer.finish();
    this.flush();
    try {
      await this.written;
      await (await this.file).close();
      await rename(this.partial, path);
    } catch (error) {
      throw writeFailure(path, error);
    }
    this.digest = { bytes: this.bytes, sha256: this.hash.digest('hex') };
  }

  /** Waits for the bytes handed over so far to be written (a writer fed faster than the disk takes them holds them all); throws a write's failure. */
  async drain(): Promise<void> {
    await this.written.catch(() => undefined);
    if (this.failure !== undefined) throw this.failure;
  }

  /** Stops writing and removes the partial file. */
  async abort(): Promise<void> {
    await this.written.catch(() => undefined);
    // The file may be closed already (a close() that failed at the rename).
    await this.file.then((file) => file.close()).catch(() => undefined);
    await rm(this.partial, { force: true }).catch(() => undefined);
  }

  private flush(): void {
    const pieces = this.pieces.take();
    if (pieces.length === 0) return;
    // Hashed here, in the order the writer produced them: the order they reach the file.
    for (const piece of pieces) this.hash.update(piece);
    const bytes = pieces.reduce((sum, piece) => sum + piece.byteLength, 0);
    this.bytes += bytes;
    this.written = this.written.then(async () => {
      const { bytesWritten } = await (await this.file).writev(pieces);
      if (bytesWritten !== bytes) throw new OutputError(`cannot write ${this.path}: wrote ${bytesWritten} of ${bytes} bytes (is the disk full?)`);
    });
    this.watch();
  }

  /** Keeps the first failure for `write` to throw; a failure is reported, never left unhandled. */
  private watch(): void {
    this.written.catch((error: unknown) => {
      this.failure ??= writeFailure(this.path, error);
    });
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
    case 'dictionary': {
      const bits = codeBits(column.dictionary ?? []);
      return new Dictionary(new Utf8(), bits === 8 ? new Int8() : bits === 16 ? new Int16() : new Int32(), dictionaryId, false);
    }
    default:
      return new Int32();
  }
}

/** An Arrow file that is not whole, or not the one expected; the message names it and says why. */
export class ArrowFileError extends OutputError {
  constructor(message: string) {
    super(message);
    this.name = 'ArrowFileError';
  }
}

/** The magic at both ends of an Arrow IPC file, as text: this module is bundled into the explore page too, which has no Buffer. */
const MAGIC = 'ARROW1';
/** The magic and its padding at the start, the footer's length and the magic at the end. */
const FRAME_BYTES = 8 + 4 + MAGIC.length;

/**
 * The record batches of the Arrow IPC file at `path`, one at a time, after checking it is one:
 * the magic bytes at both ends, a footer that fits, record batches inside the file. `check` sees
 * the schema before any batch. apache-arrow takes a file without the magic for a stream, and its
 * iterator goes back to a record batch whose message it cannot use and reads it again, forever
 * (random bytes, one flipped byte of a message header, a negative length); here the batches the
 * footer lists are read one by one, each once, every read bounded by the file, so a damaged file
 * is an ArrowFileError naming it, never a hang.
 */
export async function* readRecordBatches(path: string, check?: (schema: Schema) => void): AsyncGenerator<RecordBatch> {
  const handle = await open(path).catch((error: NodeJS.ErrnoException) => {
    throw new ArrowFileError(`${path}: cannot open (${error.code ?? error.message})`);
  });
  try {
    const size = (await handle.stat()).size;
    const footerStart = checkFrame(path, size, await frame(handle, size));
    let reader;
    try {
      reader = await RecordBatchReader.from(boundedFile(path, handle, size));
      if (!reader.isFile()) throw new Error('not in the file format');
      await reader.open();
    } catch (error) {
      throw damaged(path, error);
    }
    const batches = reader.numRecordBatches;
    for (let index = 0; index < batches; index++) {
      const block = reader.footer?.getRecordBatch(index);
      const [offset, metadata, body] = [Number(block?.offset), Number(block?.metaDataLength), Number(block?.bodyLength)];
      if (!(offset >= 8 && metadata > 0 && body >= 0 && offset + metadata + body <= footerStart)) throw new ArrowFileError(`${path}: damaged Arrow file (record batch ${index} lies outside the file)`);
    }
    check?.(reader.schema);
    for (let index = 0; index < batches; index++) {
      let batch;
      try {
        batch = await reader.readRecordBatch(index);
      } catch (error) {
        throw damaged(path, error);
      }
      if (!batch) throw new ArrowFileError(`${path}: damaged Arrow file (record batch ${index} is not one)`);
      yield batch as RecordBatch;
    }
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** The schema of the Arrow IPC file at `path` (its fields and metadata), read from its footer. */
export async function readArrowSchema(path: string): Promise<Schema> {
  let schema: Schema | undefined;
  // Stopped before the first record batch is read.
  for await (const _ of readRecordBatches(path, (found) => (schema = found))) break;
  return schema!;
}

/** The first and last bytes of a file, where an Arrow IPC file has its magic and its footer's length. */
async function frame(handle: FileHandle, size: number): Promise<{ head: Buffer; tail: Buffer }> {
  const head = Buffer.alloc(Math.min(size, MAGIC.length));
  const tail = Buffer.alloc(Math.min(size, 4 + MAGIC.length));
  await handle.read(head, 0, head.length, 0);
  await handle.read(tail, 0, tail.length, size - tail.length);
  return { head, tail };
}

/** Checks the magic bytes at both ends and the footer's length; returns where the footer starts. */
function checkFrame(path: string, size: number, { head, tail }: { head: Buffer; tail: Buffer }): number {
  if (size === 0) throw new ArrowFileError(`${path}: empty (0 bytes), not an Arrow file`);
  if (size < FRAME_BYTES || head.toString('latin1') !== MAGIC) throw new ArrowFileError(`${path}: not an Arrow IPC file (no ARROW1 magic at its start)`);
  if (tail.subarray(4).toString('latin1') !== MAGIC) throw new ArrowFileError(`${path}: truncated or damaged Arrow file (no ARROW1 magic at its end)`);
  const footer = tail.readInt32LE(0);
  if (!(footer > 0 && footer <= size - FRAME_BYTES)) throw new ArrowFileError(`${path}: damaged Arrow file (a footer of ${footer} bytes in a file of ${size})`);
  return size - tail.length - footer;
}

/** What apache-arrow takes for a file handle, with every read checked to lie inside the file. */
function boundedFile(path: string, handle: FileHandle, size: number): FileHandle {
  const read = async (buffer: Uint8Array, offset: number, length: number, position: number) => {
    if (!(Number.isSafeInteger(position) && position >= 0 && length >= 0 && position + length <= size)) throw new ArrowFileError(`${path}: damaged Arrow file (it points outside itself)`);
    const result = await handle.read(buffer, offset, length, position);
    // A file cut short while it is read would otherwise be asked for the same bytes forever.
    if (result.bytesRead === 0 && length > 0) throw new ArrowFileError(`${path}: shorter than when it was opened (is something writing it?)`);
    return result;
  };
  // apache-arrow uses these four (closing is left to readRecordBatches).
  return { fd: handle.fd, stat: async () => ({ size }), read, close: async () => undefined } as unknown as FileHandle;
}

function damaged(path: string, error: unknown): ArrowFileError {
  return error instanceof ArrowFileError ? error : new ArrowFileError(`${path}: damaged Arrow file (${error instanceof Error ? error.message : String(error)})`);
}

/** The record batches of an Arrow file as blocks of columns, read one at a time; the file's columns must be `layout`'s, of the same types. */
export async function* readBlocks(path: string, layout: readonly ColumnSpec[]): AsyncGenerator<TableBlock> {
  const expectedTypes = new ArrowTable(layout).schema.fields.map((field) => String(field.type));
  const check = (schema: Schema): void => {
    const names = schema.fields.map((field) => field.name);
    const expected = layout.map((column) => column.name);
    if (names.join('\0') !== expected.join('\0')) throw new ArrowFileError(`${path}: its columns are not the batch's (${names.length} columns, ${expected.length} expected${names.length === expected.length ? `; '${names.find((name, i) => name !== expected[i])}' where '${expected.find((name, i) => name !== names[i])}' was expected` : ''})`);
    // Read back as the writer's arrays, a column of another type would be written as garbage.
    const wrong = schema.fields.findIndex((field, i) => String(field.type) !== expectedTypes[i]);
    if (wrong >= 0) throw new ArrowFileError(`${path}: column '${names[wrong]}' is ${String(schema.fields[wrong]!.type)}, not the batch's ${expectedTypes[wrong]}`);
  };
  for await (const batch of readRecordBatches(path, check)) yield blockOf(batch, layout);
}

/** A record batch back as the columns the writer took: arrays of exactly their length, so the bytes written are the same. */
function blockOf(batch: RecordBatch, layout: readonly ColumnSpec[]): TableBlock {
  const rows = batch.numRows;
  const columns = layout.map((spec, i): ColumnData => {
    const data = batch.data.children[i] as Data;
    if (data.offset !== 0) throw new Error(`column ${spec.name}: unexpected offset ${data.offset}`);
    const nulls = data.nullCount;
    const valid = nulls > 0 ? (data.nullBitmap as Uint8Array).slice(0, (rows + 7) >> 3) : undefined;
    switch (spec.type) {
      case 'float64':
        return { type: 'float64', values: (data.values as Float64Array).slice(0, rows), valid, nulls };
      case 'utf8': {
        const offsets = (data.valueOffsets as Int32Array).slice(0, rows + 1);
        return { type: 'utf8', offsets, bytes: (data.values as Uint8Array).slice(0, offsets[rows]!), valid, nulls };
      }
      case 'dictionary':
        return { type: 'dictionary', values: (data.values as Int8Array | Int16Array | Int32Array).slice(0, rows), valid, nulls };
      default:
        return { type: spec.type, values: (data.values as Int32Array).slice(0, rows), valid, nulls };
    }
  });
  return { rows, columns };
}
