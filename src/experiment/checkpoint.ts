import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ColumnData, TableBlock } from '../io/columns.js';
import type { BlockOutput } from './replicate.js';

/**
 * Checkpoints of a batch being written: each block, as it is written to the Arrow files, is also
 * saved to `DIR/.checkpoint/<first run>.blocks`. An Arrow file cannot be appended to once its
 * writer is gone (the footer comes last), so a resumed batch rewrites its files from the saved
 * blocks and runs only what follows them; the bytes are those of an uninterrupted batch.
 */

/** The checkpoint directory of an output directory. */
export const checkpointDirectory = (out: string): string => join(out, '.checkpoint');

/** The saved blocks of one batch in one directory. */
export class Checkpoint {
  private constructor(readonly dir: string) {}

  /**
   * Opens the checkpoints of the batch identified by `identity` (its provenance and run range):
   * with `resume`, saved blocks of that same batch are kept; anything else is cleared.
   */
  static async open(out: string, identity: unknown, resume: boolean): Promise<Checkpoint> {
    const checkpoint = new Checkpoint(checkpointDirectory(out));
    const key = JSON.stringify(identity);
    const saved = await readFile(join(checkpoint.dir, 'batch.json'), 'utf8').catch(() => undefined);
    if (!resume || saved !== key) {
      await checkpoint.remove();
      await mkdir(checkpoint.dir, { recursive: true });
      await writeFile(join(checkpoint.dir, 'batch.json'), key);
    }
    return checkpoint;
  }

  /** The saved blocks that continue one another from run `first`, in run order. */
  async *restore(first: number): AsyncGenerator<BlockOutput> {
    const names = new Set(await readdir(this.dir));
    let next = first;
    while (names.has(`${next}.blocks`)) {
      const output = decodeBlocks(await readFile(join(this.dir, `${next}.blocks`)));
      yield output;
      next = output.first + output.count;
    }
  }

  /** Saves a written block (under a temporary name first: a killed process leaves no half block). */
  async save(output: BlockOutput): Promise<void> {
    const path = join(this.dir, `${output.first}.blocks`);
    await writeFile(`${path}.partial`, encodeBlocks(output));
    await rename(`${path}.partial`, path);
  }

  /** Removes the checkpoints: the batch is finished, or failed for good. */
  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

interface ColumnHeader {
  type: ColumnData['type'];
  nulls?: number;
  /** Byte lengths of the column's buffers, in the order `buffersOf` gives them. */
  lengths: number[];
}

interface BlocksHeader {
  first: number;
  count: number;
  scenarioHash: string;
  tables: ({ rows: number; columns: ColumnHeader[] } | null)[];
}

function buffersOf(column: ColumnData): Uint8Array[] {
  const bytes = (array: ArrayBufferView): Uint8Array => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  if (column.type === 'utf8') return [bytes(column.offsets), column.bytes];
  if (column.type === 'float64') return column.valid ? [bytes(column.values), column.valid] : [bytes(column.values)];
  return [bytes(column.values)];
}

/** A block's three tables as one buffer: a length-prefixed JSON header, then every column buffer, 8-byte aligned. */
export function encodeBlocks(output: BlockOutput): Uint8Array {
  const tables = [output.runs, output.timeseries, output.events];
  const buffers: Uint8Array[] = [];
  const header: BlocksHeader = {
    first: output.first,
    count: output.count,
    scenarioHash: output.scenarioHash,
    tables: tables.map((table) => table === undefined ? null : {
      rows: table.rows,
      columns: table.columns.map((column) => {
        const own = buffersOf(column);
        buffers.push(...own);
        return { type: column.type, ...(column.type === 'float64' ? { nulls: column.nulls } : {}), lengths: own.map((buffer) => buffer.byteLength) };
      }),
    }),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const pad = (n: number): number => (n + 7) & ~7;
  let size = pad(4 + json.byteLength);
  for (const buffer of buffers) size += pad(buffer.byteLength);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, json.byteLength, true);
  out.set(json, 4);
  let offset = pad(4 + json.byteLength);
  for (const buffer of buffers) {
    out.set(buffer, offset);
    offset += pad(buffer.byteLength);
  }
  return out;
}

/** The inverse of `encodeBlocks`. */
export function decodeBlocks(data: Uint8Array): BlockOutput {
  const length = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(data.subarray(4, 4 + length))) as BlocksHeader;
  let offset = (4 + length + 7) & ~7;
  // Copies, so every typed array starts at offset 0 of its own buffer whatever the file's alignment.
  const take = (byteLength: number): ArrayBuffer => {
    // Not data.slice: on a Node Buffer that is a view into a shared pool, not a copy.
    const copy = new Uint8Array(byteLength);
    copy.set(data.subarray(offset, offset + byteLength));
    const buffer = copy.buffer;
    offset += (byteLength + 7) & ~7;
    return buffer;
  };
  const column = (spec: ColumnHeader): ColumnData => {
    const [first = 0, second] = spec.lengths;
    if (spec.type === 'utf8') return { type: 'utf8', offsets: new Int32Array(take(first)), bytes: new Uint8Array(take(second ?? 0)) };
    if (spec.type === 'float64') {
      const values = new Float64Array(take(first));
      return { type: 'float64', values, valid: second !== undefined ? new Uint8Array(take(second)) : undefined, nulls: spec.nulls ?? 0 };
    }
    return { type: spec.type, values: new Int32Array(take(first)) };
  };
  const [runs, timeseries, events] = header.tables.map((table): TableBlock | undefined => table ? { rows: table.rows, columns: table.columns.map(column) } : undefined);
  return { first: header.first, count: header.count, scenarioHash: header.scenarioHash, runs: runs!, timeseries, events: events! };
}
