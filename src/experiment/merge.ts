import { join, resolve } from 'node:path';
import { readArrowSchema, readBlocks } from '../io/arrow.js';
import type { TableBlock } from '../io/columns.js';
import { OutputError } from '../io/errors.js';
import { lockHolder } from '../io/folder.js';
import { batchTables, LAYOUT_OF } from '../io/layout.js';
import type { TableName } from '../io/layout.js';
import { notAFolder, readManifest, verifyBatchFiles } from '../io/manifest.js';
import { arrowMetadata, prepareOutputDirectory, provenanceOf } from '../io/outputs.js';
import type { Manifest } from '../io/outputs.js';
import { scenarioHash } from '../scenario/hash.js';
import { horizonOf } from '../io/vocabulary.js';
import { Sinks } from './batch.js';
import type { BatchOutcome } from './batch.js';
import { MetricSeries } from './metrics.js';
import { removeBatchRecords, writeBatchRecords } from './records.js';
import { shardRange } from './shards.js';

/**
 * Shards of one batch, run on several machines, merged into the files one machine would have
 * written: the record batches are read back shard by shard, one at a time (memory stays that of
 * one record batch), and written through the same writer, so the bytes are the same.
 *
 * Nothing of a shard is taken on trust: its manifest must be one computerace wrote, for the run
 * range its shard index gives; its files must be the bytes the manifest records (size and SHA-256),
 * carry the manifest's provenance in their Arrow metadata, and hold exactly the runs of its range,
 * each once, in order.
 */

/** Shards that do not make one batch: missing, repeated, foreign, or not what their manifests say. */
export class ShardMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShardMismatch';
  }
}

/** What every shard of a batch must agree on. */
const SHARED_FIELDS = ['scenarioHash', 'seed', 'runs', 'variants', 'engineVersion', 'engineBuild', 'design', 'sobol', 'timeseries', 'blockSize'] as const;

/** What a shard whose files are not what its manifest says should do. */
const RUN_AGAIN = 'run that shard again';

/** A finished shard: its directory and manifest. */
interface ShardDirectory {
  dir: string;
  manifest: Manifest & { shard: NonNullable<Manifest['shard']>; description: NonNullable<Manifest['description']> };
}

/** Checks the shard directories make exactly one batch, and their files are what their manifests say; returns them in shard order. */
export async function checkShards(dirs: readonly string[]): Promise<ShardDirectory[]> {
  if (dirs.length === 0) throw new ShardMismatch('no shard directories to merge');
  const shards: ShardDirectory[] = [];
  for (const dir of dirs) shards.push(await readShard(dir));
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
  const ordered = [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, shard]) => shard);
  for (const shard of ordered) await checkShardFiles(shard);
  return ordered;
}

/** A shard's manifest, checked against itself: written by computerace, for a shard, for the runs its index gives. */
async function readShard(dir: string): Promise<ShardDirectory> {
  const problem = await notAFolder(dir);
  if (problem !== undefined) throw new ShardMismatch(`${dir}: ${problem}; expected a shard's folder (computerace run ... --shard K/M --out DIR)`);
  const holder = await lockHolder(dir);
  if (holder !== undefined) throw new ShardMismatch(`'${dir}' is in use by ${holder}`);
  let manifest: Manifest | undefined;
  try {
    manifest = await readManifest(dir);
  } catch (error) {
    throw error instanceof OutputError ? new ShardMismatch(error.message) : error;
  }
  if (!manifest) throw new ShardMismatch(`${dir}: no manifest.json: the shard is not finished (run it again with --resume)`);
  if (!manifest.shard || !manifest.description) throw new ShardMismatch(`${dir}: not a shard (its manifest records no shard; was it run with --shard?)`);
  const file = join(dir, 'manifest.json');
  // The hash names the scenario the manifest holds: an edited hash (or scenario) no longer does.
  if (scenarioHash(manifest.scenario) !== manifest.scenarioHash) throw new ShardMismatch(`${file}: its scenarioHash is not the hash of its scenario (the manifest was edited)`);
  const { index, count, firstRun, runs } = manifest.shard;
  if (!(count >= 1 && index < count && manifest.blockSize >= 1)) throw new ShardMismatch(`${file}: shard ${index}/${count} of blocks of ${manifest.blockSize} is not a shard`);
  const range = shardRange(manifest.runs, manifest.blockSize, { index, count });
  if (range.firstRun !== firstRun || range.runs !== runs || manifest.runsDone !== runs) {
    throw new ShardMismatch(`${file}: shard ${index}/${count} of ${manifest.runs} runs is runs ${describeRange(range)}, but the manifest records runs ${describeRange({ firstRun, runs })} and ${manifest.runsDone} done`);
  }
  return { dir, manifest: manifest as ShardDirectory['manifest'] };
}

/** Checks a shard's files are the manifest's: their sizes and hashes, their Arrow metadata and columns. */
async function checkShardFiles({ dir, manifest }: ShardDirectory): Promise<void> {
  const problem = await verifyBatchFiles(dir, manifest);
  if (problem !== undefined) throw new ShardMismatch(`${problem}: ${RUN_AGAIN}`);
  const metadata = arrowMetadata(provenanceOf(manifest));
  for (const name of batchTables(manifest.description)) {
    const path = join(dir, `${name}.arrow`);
    const schema = await readArrowSchema(path).catch((error: unknown) => {
      throw error instanceof OutputError ? new ShardMismatch(`${error.message}: ${RUN_AGAIN}`) : error;
    });
    const found = schema.metadata;
    for (const [key, value] of Object.entries(metadata)) {
      if (found.get(key) === value) continue;
      const field = key.replace(/^computerace\./, '');
      const theirs = found.get(key);
      const values = value.length + (theirs?.length ?? 0) < 200 ? ` is ${theirs === undefined ? 'missing' : JSON.stringify(theirs)}, but the manifest says ${JSON.stringify(value)}` : ' differs from the manifest\'s';
      throw new ShardMismatch(`${path}: its ${field}${values}: the file and the manifest are of different batches`);
    }
    if (found.size !== Object.keys(metadata).length) throw new ShardMismatch(`${path}: its metadata has keys the manifest does not: the file and the manifest are of different batches`);
    const columns = schema.fields.map((column) => column.name).join('\0');
    if (columns !== LAYOUT_OF[name](manifest.description).map((column) => column.name).join('\0')) throw new ShardMismatch(`${path}: its columns are not those the manifest describes: ${RUN_AGAIN}`);
  }
}

function describeRange({ firstRun, runs }: { firstRun: number; runs: number }): string {
  return runs === 0 ? 'none' : `${firstRun}-${firstRun + runs - 1}`;
}

/**
 * Checks a shard's table as it is read: every row's run inside the shard's range and in run order;
 * in the runs table, each run once per variant, variants in order; and as many rows as the manifest records.
 */
class RowCheck {
  private rows = 0;
  private lastRun: number;
  private readonly variants: number;
  private readonly end: number;

  constructor(private readonly path: string, private readonly name: TableName, private readonly shard: ShardDirectory) {
    const { firstRun, runs } = shard.manifest.shard;
    this.lastRun = firstRun;
    this.end = firstRun + runs;
    this.variants = shard.manifest.variants.length;
  }

  add(block: TableBlock): void {
    // The runs table is run, seed, variant; the others run, variant (layout.ts).
    const runs = integerColumn(block, 0);
    const variants = integerColumn(block, this.name === 'runs' ? 2 : 1);
    for (let row = 0; row < block.rows; row++) {
      const run = runs[row]!;
      const variant = variants[row]!;
      if (this.name === 'runs') {
        const expected = this.shard.manifest.shard.firstRun + Math.floor(this.rows / this.variants);
        if (run !== expected || variant !== this.rows % this.variants) {
          const seen = run < expected && run >= this.shard.manifest.shard.firstRun ? ` (run ${run} again)` : '';
          throw new ShardMismatch(`${this.path}: row ${this.rows} is run ${run} of variant ${variant}, but the shard's runs are ${describeRange(this.shard.manifest.shard)} in order, each once per variant${seen}: ${RUN_AGAIN}`);
        }
      } else if (run < this.lastRun || run >= this.end || variant < 0 || variant >= this.variants) {
        throw new ShardMismatch(`${this.path}: row ${this.rows} is of run ${run}, outside the shard's runs ${describeRange(this.shard.manifest.shard)} or out of order: ${RUN_AGAIN}`);
      }
      this.lastRun = run;
      this.rows++;
    }
  }

  finish(): void {
    const recorded = this.shard.manifest.files[`${this.name}.arrow`]!.rows;
    if (this.rows !== recorded) throw new ShardMismatch(`${this.path}: ${this.rows} rows, but the manifest records ${recorded}: ${RUN_AGAIN}`);
    if (this.name === 'runs' && this.rows !== this.shard.manifest.shard.runs * this.variants) {
      throw new ShardMismatch(`${this.path}: ${this.rows} rows, not the ${this.shard.manifest.shard.runs} runs x ${this.variants} variants of the shard: ${RUN_AGAIN}`);
    }
  }
}

/** The codes of an int32 or dictionary column of a block. */
function integerColumn(block: TableBlock, index: number): ArrayLike<number> {
  const column = block.columns[index]!;
  if (column.type === 'utf8' || column.type === 'float64') throw new Error(`column ${index} is ${column.type}, not run or variant`);
  return column.values;
}

/** Merges shard directories into `out`, byte-identical to a single-machine run of the batch. */
export async function mergeShards(dirs: readonly string[], out: string, commandLine: readonly string[] = []): Promise<BatchOutcome> {
  const startedAt = new Date();
  const shards = await checkShards(dirs);
  if (shards.some((shard) => resolve(shard.dir) === resolve(out))) throw new ShardMismatch(`the output folder ${out} is one of the shard folders: merge into another folder`);
  const { manifest } = shards[0]!;
  const provenance = provenanceOf(manifest);
  const description = manifest.description;
  const lock = await prepareOutputDirectory(out);
  const sinks = new Sinks(description, out, arrowMetadata(provenance));
  try {
    const metrics = new MetricSeries(description, sinks.runs.table.layout, provenance.runs);
    for (const name of sinks.names) {
      const sink = sinks.byName[name]!;
      for (const shard of shards) {
        const path = join(shard.dir, `${name}.arrow`);
        const rows = new RowCheck(path, name, shard);
        for await (const block of readBlocks(path, sink.table.layout)) {
          rows.add(block);
          sink.write(block);
          if (name === 'runs') metrics.add(block);
        }
        rows.finish();
      }
    }
    await removeBatchRecords(out, description);
    const rows = await sinks.close();
    const summary = await writeBatchRecords({ out, provenance, description, metrics, rows, digests: sinks.digests(), commandLine, workers: 0, startedAt });
    return { description, scenario: { name: provenance.scenarioName, hash: provenance.scenarioHash, horizon: horizonOf(provenance.scenario) }, runs: metrics.runs, summary, rows };
  } catch (error) {
    await sinks.abort();
    throw error;
  } finally {
    await lock.release();
  }
}
