import { open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Data, RecordBatch, Schema } from 'apache-arrow';
import { ArrowFileError, readRecordBatches } from './arrow.js';
import { OutputError, writeFailure } from './errors.js';
import { lockFolder, lockHolder } from './folder.js';
import type { FolderLock } from './folder.js';
import { batchTables, LAYOUT_OF } from './layout.js';
import type { ColumnSpec, TableName } from './layout.js';
import { EXPECTED_BATCH_FOLDER, notAFolder, readManifest, verifyBatchFiles } from './manifest.js';
import { prepareOutputDirectory, refuseNonRegularFile } from './outputs.js';

/**
 * A batch's tables as CSV files, for spreadsheets and for pandas without pyarrow: one file per
 * table, a header line of the column names, then a line per row. Dates are written as
 * YYYY-MM-DD, categories as their text, nulls as empty cells, and numbers as JavaScript writes
 * them (the shortest text that reads back as the same float64, so nothing is rounded). The batch
 * is read as `report` and `merge` read it: its files checked against the manifest's hashes first,
 * then one record batch at a time, so memory stays that of one record batch however large the
 * batch. Each CSV is written under a temporary name and renamed: whole, or not there at all.
 */

/** A CSV file written. */
export interface CsvFile {
  table: TableName;
  path: string;
  rows: number;
  bytes: number;
}

/** Writes the tables of the finished batch in `dir` as CSV files into `out` (default: `dir`, beside the tables). */
export async function exportCsv(dir: string, out: string = dir): Promise<CsvFile[]> {
  const problem = await notAFolder(dir);
  if (problem !== undefined) throw new OutputError(`${dir}: ${problem}; ${EXPECTED_BATCH_FOLDER}`);
  const manifest = await readManifest(dir);
  if (!manifest?.description) throw new OutputError(`${join(dir, 'manifest.json')}: ${manifest ? 'no table description' : 'not found'}; ${EXPECTED_BATCH_FOLDER}`);
  const description = manifest.description;
  // Writing into the batch's folder, its lock keeps a batch from replacing the tables meanwhile;
  // elsewhere, the batch's folder must not be in a batch's hands, and `out` is locked as any output.
  const inPlace = resolve(out) === resolve(dir);
  let lock: FolderLock | undefined;
  if (inPlace) lock = await lockFolder(dir);
  else {
    const holder = await lockHolder(dir);
    if (holder !== undefined) throw new OutputError(`'${dir}' is in use by ${holder}`);
  }
  try {
    const problem = await verifyBatchFiles(dir, manifest);
    if (problem !== undefined) throw new OutputError(`${problem}: the folder does not hold the batch its manifest describes; run the batch again`);
    if (!inPlace) lock = await prepareOutputDirectory(out);
    const files: CsvFile[] = [];
    for (const table of batchTables(description)) {
      files.push(await writeCsv(join(dir, `${table}.arrow`), join(out, `${table}.csv`), table, LAYOUT_OF[table](description)));
    }
    return files;
  } finally {
    await lock?.release();
  }
}

/** Writes one table's CSV through `path.partial`, record batch by record batch; the file appears whole or not at all. */
async function writeCsv(source: string, path: string, table: TableName, layout: readonly ColumnSpec[]): Promise<CsvFile> {
  await refuseNonRegularFile(path);
  const partial = `${path}.partial`;
  let handle: FileHandle | undefined;
  let rows = 0;
  let bytes = 0;
  const write = async (text: string): Promise<void> => {
    const { bytesWritten } = await handle!.write(text);
    const expected = Buffer.byteLength(text);
    if (bytesWritten !== expected) throw new OutputError(`cannot write ${path}: wrote ${bytesWritten} of ${expected} bytes (is the disk full?)`);
    bytes += bytesWritten;
  };
  try {
    await rm(partial, { force: true });
    // Created afresh: never written through a link left at the temporary name.
    handle = await open(partial, 'wx');
    await write(`${layout.map((column) => csvText(column.name)).join(',')}\n`);
    const check = (schema: Schema): void => {
      const names = schema.fields.map((field) => field.name).join('\0');
      if (names !== layout.map((column) => column.name).join('\0')) throw new ArrowFileError(`${source}: its columns are not those the manifest describes`);
    };
    for await (const batch of readRecordBatches(source, check)) {
      await write(csvLines(batch));
      rows += batch.numRows;
    }
    await handle.close();
    handle = undefined;
    await rename(partial, path);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(partial, { force: true }).catch(() => undefined);
    throw writeFailure(path, error);
  }
  return { table, path, rows, bytes };
}

/** The rows of a record batch as CSV lines, each ending in a newline. */
export function csvLines(batch: RecordBatch): string {
  const columns = batch.data.children.map((data) => cellsOf(data as Data));
  const lines: string[] = new Array(batch.numRows);
  const cells: string[] = new Array(columns.length);
  for (let row = 0; row < batch.numRows; row++) {
    for (let c = 0; c < columns.length; c++) cells[c] = columns[c]!(row);
    lines[row] = cells.join(',');
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** A column's cell at a row, as CSV text: empty for a null. */
function cellsOf(data: Data): (row: number) => string {
  const { offset, nullBitmap } = data;
  const valid = data.nullCount > 0 && nullBitmap ? (row: number) => ((nullBitmap[(offset + row) >> 3]! >> ((offset + row) & 7)) & 1) === 1 : () => true;
  const cell = cellOf(data);
  return (row) => (valid(row) ? cell(offset + row) : '');
}

/** A non-null cell at an index of the column's arrays. */
function cellOf(data: Data): (index: number) => string {
  const typeId = String(data.type);
  if (data.dictionary) {
    const entries = Array.from({ length: data.dictionary.length }, (_, i) => csvText(String(data.dictionary!.get(i))));
    const codes = data.values as Int8Array | Int16Array | Int32Array;
    return (index) => entries[codes[index]!]!;
  }
  if (typeId === 'Utf8') {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return (index) => csvText(text.toString('utf8', offsets[index]!, offsets[index + 1]!));
  }
  if (typeId.startsWith('Date32')) {
    const days = data.values as Int32Array;
    return (index) => isoDate(days[index]!);
  }
  if (typeId === 'Float64') {
    const values = data.values as Float64Array;
    return (index) => csvNumber(values[index]!);
  }
  if (typeId === 'Int32') {
    const values = data.values as Int32Array;
    return (index) => String(values[index]!);
  }
  throw new Error(`no CSV form for a column of ${typeId}`);
}

/**
 * A number as the shortest text that reads back as the same float64 (JavaScript's own, as Python's
 * repr and pandas read it back); -0 keeps its sign.
 */
export function csvNumber(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

/** Text as a CSV cell (RFC 4180): quoted, its quotes doubled, when it holds a comma, a quote or a line break, or is empty (an empty text is not a null). */
export function csvText(value: string): string {
  return value === '' || /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Days since 1970-01-01 as YYYY-MM-DD, remembered (a batch has a few thousand dates). */
const dates = new Map<number, string>();
function isoDate(days: number): string {
  let date = dates.get(days);
  if (date === undefined) {
    date = new Date(days * 86_400_000).toISOString().slice(0, 10);
    if (dates.size < 100_000) dates.set(days, date);
  }
  return date;
}
