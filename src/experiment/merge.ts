import { join } from 'node:path';
import { readBlocks } from '../io/arrow.js';
import { TABLE_NAMES } from '../io/layout.js';
import { arrowMetadata, prepareOutputDirectory, provenanceOf } from '../io/outputs.js';
import type { Manifest } from '../io/outputs.js';
import { horizonOf } from '../io/vocabulary.js';
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
const SHARED_FIELDS = ['scenarioHash', 'seed', 'runs', 'variants', 'engineVersion', 'design', 'sobol', 'timeseries', 'blockSize'] as const;

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
  const shared = (shard: ShardDirectory): [string, unknown][] => [
    ...SHARED_FIELDS.map((field): [string, unknown] => [field, shard.manifest[field]]),
    ['shard count', shard.manifest.shard.count],
  ];
  for (const shard of shards) {
    const expected = shared(first);
    for (const [i, [field, value]] of shared(shard).entries()) {
      const theirs = expected[i]![1];
      if (JSON.stringify(value) !== JSON.stringify(theirs)) {
        throw new ShardMismatch(`${shard.dir}: ${field} is ${JSON.stringify(value)}, but ${first.dir} has ${JSON.stringify(theirs)}: not a shard of the same batch`);
      }
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
    for (const name of TABLE_NAMES) {
      const sink = sinks.byName[name];
      for (const shard of shards) {
        for await (const block of readBlocks(join(shard.dir, `${name}.arrow`), sink.table.layout)) {
          sink.write(block);
          if (name === 'runs') metrics.add(block);
        }
      }
    }
    const rows = await sinks.close();
    const summary = await writeBatchRecords({ out, provenance, description, metrics, rows, commandLine, workers: 0, startedAt });
    return { description, scenario: { name: provenance.scenarioName, hash: provenance.scenarioHash, horizon: horizonOf(provenance.scenario) }, runs: metrics.runs, summary, rows };
  } catch (error) {
    await sinks.abort();
    throw error;
  }
}
