import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordBatchReader } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { ArrowFileError, ArrowFileWriter, ArrowTable, readBlocks, readRecordBatches } from '../../src/io/arrow.js';
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
      writer.write({ rows: 100, columns: [{ type: 'int32', values: runs }, { type: 'float64', values: Float64Array.from(runs, (run) => run / 3), nulls: 0 }] });
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
});
