import { join } from 'node:path';
import type { RecordBatch, Vector } from 'apache-arrow';
import { readRecordBatches } from '../io/arrow.js';
import { OutputError } from '../io/errors.js';
import { lockFolder, lockHolder } from '../io/folder.js';
import type { FolderLock } from '../io/folder.js';
import type { BatchDescription } from '../io/layout.js';
import { EXPECTED_BATCH_FOLDER, notAFolder, readManifest as readManifestFile, verifyBatchFiles } from '../io/manifest.js';
import type { Manifest } from '../io/outputs.js';

/**
 * What a report reads of a batch's directory: the manifest and the Arrow tables, nothing the
 * batch kept in memory, so a report works on merged cluster outputs and on results copied from
 * another machine. Tables are read one record batch at a time.
 */

/** A batch's results are missing or not what a report can read; the message names the file. */
export class ReportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportError';
  }
}

/** Refuses a `dir` that is no folder (missing, or a file such as a scenario given in its place), naming what it is. */
async function refuseNonFolder(dir: string): Promise<void> {
  const problem = await notAFolder(dir);
  if (problem !== undefined) throw new ReportError(`${dir}: ${problem}; ${EXPECTED_BATCH_FOLDER}`);
}

/** The manifest of the batch in `dir`, with the description of its tables. */
export async function readManifest(dir: string): Promise<Manifest & { description: BatchDescription }> {
  await refuseNonFolder(dir);
  const file = join(dir, 'manifest.json');
  let manifest: Manifest | undefined;
  try {
    manifest = await readManifestFile(dir);
  } catch (error) {
    throw error instanceof OutputError ? new ReportError(error.message) : error;
  }
  if (!manifest) throw new ReportError(`${file}: not found; ${EXPECTED_BATCH_FOLDER}`);
  if (manifest.shard) throw new ReportError(`${file}: this is shard ${manifest.shard.index}/${manifest.shard.count} (--shard ${manifest.shard.index}/${manifest.shard.count}); merge the shards first (computerace merge)`);
  if (!manifest.description) throw new ReportError(`${file}: no table description; expected a manifest written by computerace 0.1 or later`);
  return manifest as Manifest & { description: BatchDescription };
}

/**
 * Refuses a batch folder another process is writing, or whose table files are not the ones its
 * manifest records (deleted, emptied, truncated, changed, or another batch's): a report of them
 * would be of no batch at all. With `lock`, the folder is locked until the returned lock is
 * released (the page goes into it: no batch may replace the tables meanwhile and find a stale page
 * beside its own).
 */
export async function checkBatchFiles(dir: string, manifest: Manifest, lock: boolean): Promise<FolderLock | undefined> {
  let held: FolderLock | undefined;
  try {
    if (lock) held = await lockFolder(dir);
    else {
      const holder = await lockHolder(dir);
      if (holder !== undefined) throw new ReportError(`'${dir}' is in use by ${holder}`);
    }
    const problem = await verifyBatchFiles(dir, manifest);
    if (problem !== undefined) throw new ReportError(`${problem}: the folder does not hold the batch its manifest describes; run the batch again`);
    return held;
  } catch (error) {
    await held?.release();
    throw error instanceof OutputError ? new ReportError(error.message) : error;
  }
}

/** Every record batch of an Arrow file, in order; breaking out of the loop closes the file (a report reads a prefix of the runs so). */
export async function* recordBatches(file: string): AsyncGenerator<RecordBatch> {
  try {
    yield* readRecordBatches(file);
  } catch (error) {
    throw error instanceof OutputError ? new ReportError(error.message) : error;
  }
}

/** A column of a record batch, or a ReportError naming the file and column. */
export function column(batch: RecordBatch, name: string, file: string): Vector {
  const vector = batch.getChild(name);
  if (!vector) throw new ReportError(`${file}: no column '${name}'`);
  return vector;
}

/** A float64 column's values, with NaN for nulls. */
export function numbers(vector: Vector): Float64Array {
  const values = new Float64Array(vector.length);
  let at = 0;
  for (const data of vector.data) {
    const raw = data.values as Float64Array;
    for (let i = 0; i < data.length; i++) values[at + i] = data.getValid(i) ? (raw[data.offset + i] as number) : NaN;
    at += data.length;
  }
  return values;
}

/** An int32 column's values. */
export function integers(vector: Vector): Int32Array {
  const values = new Int32Array(vector.length);
  let at = 0;
  for (const data of vector.data) {
    values.set((data.values as Int32Array).subarray(data.offset, data.offset + data.length), at);
    at += data.length;
  }
  return values;
}

/** The dictionary column `name` as codes into `names` (the batch's fixed dictionary), so rows compare as integers; -1 for a value not in `names`. */
export function codes(batch: RecordBatch, name: string, names: readonly string[], file: string): Int32Array {
  const vector = column(batch, name, file);
  const codes = new Int32Array(vector.length);
  let at = 0;
  for (const data of vector.data) {
    const dictionary = data.dictionary;
    if (!dictionary) throw new ReportError(`${file}: column '${name}' is not dictionary-encoded`);
    const remap = Array.from({ length: dictionary.length }, (_, i) => names.indexOf(String(dictionary.get(i))));
    const raw = data.values as Int32Array;
    for (let i = 0; i < data.length; i++) codes[at + i] = remap[raw[data.offset + i] as number] ?? -1;
    at += data.length;
  }
  return codes;
}
