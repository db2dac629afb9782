import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { RecordBatchReader } from 'apache-arrow';
import type { Data, RecordBatch } from 'apache-arrow';
import type { ColumnData, TableBlock } from '../io/columns.js';
import type { ColumnSpec } from '../io/layout.js';
import { arrowMetadata, prepareOutputDirectory, provenanceOf } from '../io/outputs.js';
import type { Manifest } from '../io/outputs.js';
import { Sinks } from './batch.js';
import type { BatchOutcome } from './batch.js';
import { MetricSeries } from './metrics.js';
import { readManifest, writeBatchRecords } from './records.js';

/**
 * Shards of one batch, run on several machines, merged into the files one machine would have
 * written: the record batches are read back shard by shard, one at a time (memory stays that of
 * one record batch), and written through the same writer, so the bytes are the same.
 */

/** Shards that do not make one batch: missing, repeated or foreign. */
export class ShardMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShardMismatch';
  }
}

/** What every shard of a batch must agree on. */
const SHARED_FIELDS = ['scenarioHash', 'seed', 'runs', 'variants', 'engineVersion', 'design', 'timeseries', 'blockSize'] as const;

/** A finished shard: its directory and manifest. */
interface ShardDirectory {
  dir: string;
  manifest: Manifest & { shard: NonNullable<Manifest['shard']>; description: NonNullable<Manifest['description']> };
}

/** Checks the shard directories make exactly one batch, and returns them in shard order. */
export async function checkShards(dirs: readonly string[]): Promise<ShardDirectory[]> {
  if (dirs.length === 0) throw new ShardMismatch('no shard directories to merge');
  const shards: ShardDirectory[] = [];
  for (const dir of dirs) {
    const manifest = await readManifest(dir);
    if (!manifest) throw new ShardMismatch(`${dir}: no manifest.json: the shard is not finished (run it again with --resume)`);
    if (!manifest.shard || !manifest.description) throw new ShardMismatch(`${dir}: not a shard (its manifest records no shard; was it run with --shard?)`);
    shards.push({ dir, manifest: manifest as ShardDirectory['manifest'] });
  }
  const [first] = shards as [ShardDirectory];
  for (const shard of shards) {
    for (const field of SHARED_FIELDS) {
      if (JSON.stringify(shard.manifest[field]) !== JSON.stringify(first.manifest[field])) {
        throw new ShardMismatch(`${shard.dir}: ${field} is ${JSON.stringify(shard.manifest[field])}, but ${first.dir} has ${JSON.stringify(first.manifest[field])}: not a shard of the same batch`);
      }
    }
    if (shard.manifest.shard.count !== first.manifest.shard.count) {
      throw new ShardMismatch(`${shard.dir}: shard count is ${shard.manifest.shard.count}, but ${first.dir} has ${first.manifest.shard.count}: not a shard of the same batch`);
    }
  }
  const count = first.manifest.shard.count;
  const byIndex = new Map<number, ShardDirectory>();
  for (const shard of shards) {
    const twin = byIndex.get(shard.manifest.shard.index);
    if (twin) throw new ShardMismatch(`shard ${shard.manifest.shard.index}/${count} is given twice: ${twin.dir} and ${shard.dir}`);
    byIndex.set(shard.manifest.shard.index, shard);
  }
  const missing = Array.from({ length: count }, (_, index) => index).filter((index) => !byIndex.has(index));
  if (missing.length > 0) throw new ShardMismatch(`missing shard${missing.length > 1 ? 's' : ''} ${missing.map((index) => `${index}/${count}`).join(', ')} (have ${shards.length} of ${count})`);
  return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, shard]) => shard);
}

/** Merges shard directories into `out`, byte-identical to a single-machine run of the batch. */
export async function mergeShards(dirs: readonly string[], out: string, commandLine: readonly string[] = []): Promise<BatchOutcome> {
  const startedAt = new Date();
  const shards = await checkShards(dirs);
  const { manifest } = shards[0]!;
  const provenance = provenanceOf(manifest);
  const description = manifest.description;
  await prepareOutputDirectory(out);
  const sinks = new Sinks(description, out, arrowMetadata(provenance));
  try {
    const metrics = new MetricSeries(description, sinks.runs.table.layout);
    for (const name of ['runs', 'timeseries', 'events'] as const) {
      const sink = sinks[name];
      for (const shard of shards) {
        for await (const block of readBlocks(join(shard.dir, `${name}.arrow`), sink.table.layout)) {
          sink.write(block);
          if (name === 'runs') metrics.add(block);
        }
      }
    }
    const rows = await sinks.close();
    const summary = await writeBatchRecords({ out, provenance, description, metrics, rows, commandLine, workers: 0, startedAt });
    return { description, scenario: { name: provenance.scenarioName, hash: provenance.scenarioHash }, runs: metrics.runs, summary, rows };
  } catch (error) {
    await sinks.abort();
    throw error;
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
