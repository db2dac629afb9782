import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordBatchReader, tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { ArrowFileError, ArrowFileWriter, ArrowTable, readBlocks, readRecordBatches } from '../../src/io/arrow.js';
import type { TableBlock } from '../../src/io/columns.js';
import type { ColumnSpec } from '../../src/io/layout.js';

const LAYOUT: ColumnSpec[] = [
  { name: 'run', type: 'int32', description: 'run index' },
  { name: 'value', type: 'float64', description: 'a value' },
];

/** Bytes that look random but are the same on every run of the test (a linear congruential generator). */
function noise(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

/** Reads every batch of `path`; the rows read, or the error that stopped it. */
async function readAll(path: string): Promise<number | unknown> {
  try {
    let rows = 0;
    for await (const batch of readRecordBatches(path)) rows += batch.numRows;
    return rows;
  } catch (error) {
    return error;
  }
}

describe('Arrow files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'computerace-arrow-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A whole Arrow file of `blocks` record batches of 100 rows. */
  async function writeTable(name: string, blocks = 3): Promise<{ path: string; writer: ArrowFileWriter }> {
    const path = join(dir, name);
    const writer = new ArrowFileWriter(path, new ArrowTable(LAYOUT, { 'computerace.seed': '7' }));
    for (let b = 0; b < blocks; b++) {
      const runs = Int32Array.from({ length: 100 }, (_, i) => b * 100 + i);
      writer.write({ rows: 100, columns: [{ type: 'int32', values: runs, nulls: 0 }, { type: 'float64', values: Float64Array.from(runs, (run) => run / 3), nulls: 0 }] });
    }
    await writer.close();
    return { path, writer };
  }

  it('hash their bytes as they are written: the digest is the SHA-256 and size of the file', async () => {
    const { path, writer } = await writeTable('hashed.arrow');
    const bytes = readFileSync(path);
    expect(writer.digest).toEqual({ bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') });
    expect(await readAll(path)).toBe(300);
  });

  it('are refused, naming the file, when empty, cut short, random, or damaged inside: never read in part, never read forever', async () => {
    const { path: whole } = await writeTable('whole.arrow');
    const bytes = readFileSync(whole);
    const cases: [string, Buffer, RegExp][] = [
      ['empty.arrow', Buffer.alloc(0), /empty.arrow: empty \(0 bytes\), not an Arrow file/],
      ['cut.arrow', bytes.subarray(0, Math.floor(bytes.byteLength / 2)), /cut.arrow: truncated or damaged Arrow file \(no ARROW1 magic at its end\)/],
      // apache-arrow reads a file without the magic as a stream, and these bytes sent it backwards forever.
      ...[1, 2, 3].map((seed): [string, Buffer, RegExp] => [`random-${seed}.arrow`, noise(100_000, seed), new RegExp(`random-${seed}.arrow: not an Arrow IPC file`)]),
      // The magic at both ends, noise between: the reader gets to the footer, and every read it makes is bounded.
      ...[1, 2, 3, 4, 5, 6].map((seed): [string, Buffer, RegExp] => {
        const framed = Buffer.concat([bytes.subarray(0, 8), noise(bytes.byteLength - 18, seed), bytes.subarray(bytes.byteLength - 10)]);
        return [`framed-${seed}.arrow`, framed, new RegExp(`framed-${seed}.arrow: damaged Arrow file`)];
      }),
    ];
    for (const [name, content, message] of cases) {
      const path = join(dir, name);
      writeFileSync(path, content);
      const outcome = await readAll(path);
      expect(outcome, name).toBeInstanceOf(ArrowFileError);
      expect((outcome as Error).message, name).toMatch(message);
      expect((outcome as Error).message, name).not.toContain('\n');
    }
  }, 20_000);

  it('are refused when a record batch inside is not one (a negative length), which sends apache-arrow\'s own iterator round it forever', async () => {
    const { path: whole } = await writeTable('inside.arrow');
    const handle = await open(whole);
    const reader = await RecordBatchReader.from(handle);
    await reader.open();
    // The footer says where each record batch is: a continuation marker (-1), then its metadata length.
    const offset = Number((reader as unknown as { footer: { getRecordBatch(i: number): { offset: number | bigint } } }).footer.getRecordBatch(1).offset);
    await handle.close();
    const bytes = Buffer.from(readFileSync(whole));
    expect(bytes.readInt32LE(offset)).toBe(-1);
    bytes.writeInt32LE(-1000, offset + 4);
    const path = join(dir, 'negative-inside.arrow');
    writeFileSync(path, bytes);
    const outcome = await readAll(path);
    expect(outcome).toBeInstanceOf(ArrowFileError);
    expect((outcome as Error).message).toMatch(/negative-inside\.arrow: damaged Arrow file \(.+\)$/);
    expect((outcome as Error).message).not.toContain('\n');
  }, 20_000);

  it('read as blocks only when their columns are the expected layout', async () => {
    const { path } = await writeTable('columns.arrow', 1);
    const other: ColumnSpec[] = [LAYOUT[0]!, { name: 'price', type: 'float64', description: 'another column' }];
    const read = async (layout: ColumnSpec[]) => {
      for await (const _ of readBlocks(path, layout)) return;
    };
    await expect(read(LAYOUT)).resolves.toBeUndefined();
    await expect(read(other)).rejects.toThrow(/columns.arrow: its columns are not the batch's \(2 columns, 2 expected; 'value' where 'price' was expected\)/);
  });

  it('round-trip nulls in every type of column, and dictionary codes as narrow as their dictionary, bit for bit', async () => {
    const providers = ['azure', 'oracle'];
    const many = Array.from({ length: 200 }, (_, i) => `actor-${i}`);
    const layout: ColumnSpec[] = [
      { name: 'run', type: 'int32', nullable: true, description: 'a number' },
      { name: 'date', type: 'date', nullable: true, description: 'a day' },
      { name: 'provider', type: 'dictionary', dictionary: providers, nullable: true, description: 'a provider' },
      { name: 'actor', type: 'dictionary', dictionary: many, description: 'one of 200' },
      { name: 'price', type: 'float64', nullable: true, description: 'a price' },
      { name: 'note', type: 'utf8', nullable: true, description: 'a note' },
    ];
    const block: TableBlock = {
      rows: 3,
      columns: [
        { type: 'int32', values: Int32Array.of(1, 0, 3), valid: Uint8Array.of(0b101), nulls: 1 },
        { type: 'date', values: Int32Array.of(0, 20000, 0), valid: Uint8Array.of(0b010), nulls: 2 },
        { type: 'dictionary', values: Int8Array.of(1, 0, 0), valid: Uint8Array.of(0b001), nulls: 2 },
        { type: 'dictionary', values: Int16Array.of(199, 0, 150), nulls: 0 },
        { type: 'float64', values: Float64Array.of(0, 1.5, 0), valid: Uint8Array.of(0b010), nulls: 2 },
        { type: 'utf8', offsets: Int32Array.of(0, 0, 2, 2), bytes: Buffer.from('ok'), valid: Uint8Array.of(0b010), nulls: 2 },
      ],
    };
    const table = new ArrowTable(layout);
    expect(table.schema.fields.map((field) => String(field.type))).toEqual(['Int32', 'Date32<DAY>', 'Dictionary<Int8, Utf8>', 'Dictionary<Int16, Utf8>', 'Float64', 'Utf8']);
    const path = join(dir, 'nulls.arrow');
    const writer = new ArrowFileWriter(path, table);
    writer.write(block);
    await writer.close();
    const read: TableBlock[] = [];
    for await (const back of readBlocks(path, layout)) read.push(back);
    expect(read).toHaveLength(1);
    const values = tableFromIPC(readFileSync(path)).toArray().map((row) => ({ ...row.toJSON() }));
    expect(values).toEqual([
      { run: 1, date: null, provider: 'oracle', actor: 'actor-199', price: null, note: null },
      { run: null, date: 20000 * 86_400_000, provider: null, actor: 'actor-0', price: 1.5, note: 'ok' },
      { run: 3, date: null, provider: null, actor: 'actor-150', price: null, note: null },
    ]);
    // Written back from what was read, the file is the same bytes: what merge and --resume rely on.
    const again = new ArrowFileWriter(join(dir, 'nulls-again.arrow'), table);
    again.write(read[0]!);
    await again.close();
    expect(readFileSync(join(dir, 'nulls-again.arrow')).equals(readFileSync(path))).toBe(true);
  });

  it('refuse, as blocks, a file whose column has the layout\'s name but another type', async () => {
    const path = join(dir, 'wide-codes.arrow');
    const wide: ColumnSpec[] = [{ name: 'provider', type: 'dictionary', dictionary: Array.from({ length: 300 }, (_, i) => `p${i}`), description: 'a provider' }];
    const writer = new ArrowFileWriter(path, new ArrowTable(wide));
    writer.write({ rows: 1, columns: [{ type: 'dictionary', values: Int16Array.of(1), nulls: 0 }] });
    await writer.close();
    const narrow: ColumnSpec[] = [{ ...wide[0]!, dictionary: ['p0', 'p1'] }];
    const read = async () => {
      for await (const _ of readBlocks(path, narrow)) return;
    };
    await expect(read()).rejects.toThrow(/wide-codes.arrow: column 'provider' is Dictionary<Int16, Utf8>, not the batch's Dictionary<Int8, Utf8>/);
  });
});
