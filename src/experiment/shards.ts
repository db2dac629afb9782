import { printable } from '../printable.js';

/**
 * Shards: a batch cut into M contiguous ranges of run indices, one per machine (a Slurm array
 * task, a Kubernetes indexed Job). Ranges are cut on block boundaries, so a shard's record batches
 * are exactly the record batches one machine would have written for those runs, and shards
 * concatenated give the single-machine files byte for byte.
 */

/** Shard `index` (0-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** The runs a shard does: `runs` runs from `firstRun`. */
export interface ShardRange {
  firstRun: number;
  runs: number;
}

/** The run indices of shard K of M: the blocks floor(K*B/M) to floor((K+1)*B/M) of the B blocks. */
export function shardRange(runs: number, blockSize: number, shard: Shard): ShardRange {
  const blocks = Math.ceil(runs / blockSize);
  const firstBlock = Math.floor((shard.index * blocks) / shard.count);
  const endBlock = Math.floor(((shard.index + 1) * blocks) / shard.count);
  const firstRun = Math.min(runs, firstBlock * blockSize);
  return { firstRun, runs: Math.min(runs, endBlock * blockSize) - firstRun };
}

/** The environment variables that number the tasks of a job array (Slurm), or of an indexed Job (Kubernetes). */
export const SHARD_INDEX_VARIABLES = ['SLURM_ARRAY_TASK_ID', 'JOB_COMPLETION_INDEX'] as const;

/** A shard argument that cannot be used. */
export class ShardArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShardArgumentError';
  }
}

/** Parses `K/M` (decimal digits, no spaces), or `auto/M` with K from the job array's environment. */
export function parseShard(text: string, env: NodeJS.ProcessEnv = process.env): Shard {
  const match = /^([0-9]+|auto)\/([0-9]+)$/.exec(text);
  if (!match) throw new ShardArgumentError(`--shard: expected K/M or auto/M (e.g. 0/4), got '${printable(text)}'`);
  const count = Number(match[2]);
  if (!Number.isSafeInteger(count)) throw new ShardArgumentError(`--shard: ${match[2]} shards are more than a batch can be cut into`);
  if (!(count >= 1)) throw new ShardArgumentError(`--shard: the number of shards must be at least 1, got ${count}`);
  let index: number;
  if (match[1] === 'auto') {
    const variable = SHARD_INDEX_VARIABLES.find((name) => env[name] !== undefined && env[name] !== '');
    if (!variable) throw new ShardArgumentError(`--shard auto/${count}: neither ${SHARD_INDEX_VARIABLES.join(' nor ')} is set; give the shard as K/${count}`);
    index = /^[0-9]+$/.test(env[variable]!) ? Number(env[variable]) : Number.NaN;
    if (!Number.isSafeInteger(index) || index < 0) throw new ShardArgumentError(`--shard auto/${count}: ${variable} is '${printable(env[variable]!)}', not a shard index`);
  } else index = Number(match[1]);
  if (index >= count) throw new ShardArgumentError(`--shard ${index}/${count}: the shard index must be below ${count}`);
  return { index, count };
}
