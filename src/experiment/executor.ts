import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { BatchDescription } from '../io/layout.js';
import { ScenarioError } from '../scenario/problems.js';
import { RunFailure, WorkerOutOfMemory } from './failure.js';
import { stopPretenuring } from './pretenuring.js';
import type { BatchSettings, ScenarioIdentity } from './plan.js';
import type { BlockOutput } from './replicate.js';
import type { WorkerAnswer, WorkerTask } from './worker.js';

/**
 * Where a batch's runs execute: a pool of worker threads, or the caller's thread (workers = 0, for
 * debugging and for policies registered only in the caller). Both give the same bytes.
 */

/** The batch as a process sees it before its first run. */
export interface Described {
  description: BatchDescription;
  identity: ScenarioIdentity;
}

/** Runs blocks of a batch somewhere. */
export interface Executor {
  /** Loads the scenario (throwing its ScenarioError) and describes the batch's tables. */
  describe(): Promise<Described>;
  block(first: number, count: number): Promise<BlockOutput>;
  close(): Promise<void>;
}

/** Runs blocks in this thread. */
export function inlineExecutor(settings: BatchSettings): Executor {
  // As every worker thread does, and so for the whole process as a pool's workers would (V8's flags are the process's).
  stopPretenuring();
  // Loaded on demand: the model and its formula engine stay out of a thread that only coordinates.
  const ready = import('./replicate.js').then(async ({ Replicator }) => {
    const { plan, identity } = await (await import('./plan.js')).preparePlan(settings);
    return { replicator: new Replicator(plan), identity };
  });
  // Each call yields to the event loop first, so writing and progress keep up between blocks.
  const later = <T>(work: () => T): Promise<T> => new Promise((resolve, reject) => setImmediate(() => { try { resolve(work()); } catch (error) { reject(error as Error); } }));
  return {
    describe: async () => {
      const { replicator, identity } = await ready;
      return later(() => ({ description: replicator.describe(), identity }));
    },
    block: async (first, count) => {
      const { replicator } = await ready;
      return later(() => replicator.block(first, count, { finished: settings.simulationsDone }));
    },
    close: async () => {
      await ready.catch(() => undefined);
    },
  };
}

/** The young generation of each worker thread, in MB (see poolExecutor). */
export const WORKER_YOUNG_GENERATION_MB = 24;

/**
 * The old generation of each worker thread, in MB (see poolExecutor). A worker's live heap is about
 * 25 MB for the shipped scenarios (mathjs's 12 MB, the scenario, one run's records), so this leaves
 * five times that; a worker that needs more stops the batch with WorkerOutOfMemory.
 */
export const WORKER_OLD_GENERATION_MB = 128;

/**
 * Node's flags for a process that runs a batch: with every core busy with a worker, the collector's
 * helper threads only take turns with the workers (docs/performance.md, Batches). V8 takes them only at start, so
 * they are on the `computerace` interpreter line (bin.ts) and given to Node by whatever starts one.
 */
export const BATCH_NODE_FLAGS: readonly string[] = ['--single-threaded-gc'];

/** Runs blocks on `workers` threads. */
export function poolExecutor(settings: BatchSettings, workers: number): Executor {
  const pool = new Piscina({
    filename: workerFile(),
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: Infinity,
    workerData: settings,
    // With V8's default young generation (16 MB semi-spaces) a 100,000-run 2-worker batch peaked at
    // 415 MB resident, over the 400 MB a batch may take; with 24 MB at 355 MB, for about 4% of
    // speed. Uncapped, V8 lets each worker's old generation grow with the runs it has done though
    // its live heap does not (a 20,000-run batch climbed from 290 to 373 MB); capped, it collects
    // sooner and the batch stays near 300 MB (docs/performance.md, Batches, Memory).
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB, maxOldGenerationSizeMb: WORKER_OLD_GENERATION_MB },
  });
  // A worker that fails to start (a module given to import throws) rejects the task it was given, which
  // the batch reports; Piscina also emits the error on the pool, which unheard would end the caller's process.
  pool.on('error', () => undefined);
  const ask = async (task: WorkerTask): Promise<WorkerAnswer> => {
    try {
      return (await pool.run(task)) as WorkerAnswer;
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY') throw new WorkerOutOfMemory(WORKER_OLD_GENERATION_MB);
      throw error;
    }
  };
  const answer = <K extends 'description' | 'output'>(reply: WorkerAnswer, key: K): WorkerAnswer => {
    if ('problems' in reply) throw new ScenarioError(reply.problems);
    if ('failure' in reply) {
      const { runIndex, variant, seed, message, stack } = reply.failure;
      const failure = new RunFailure(runIndex, variant, seed, new Error(message));
      failure.message = message;
      if (stack) failure.stack = stack;
      throw failure;
    }
    if (!(key in reply)) throw new Error(`worker answered without ${key}`);
    return reply;
  };
  return {
    describe: async () => answer(await ask({ kind: 'describe' }), 'description') as Described,
    block: async (first, count) => (answer(await ask({ kind: 'block', first, count }), 'output') as { output: BlockOutput }).output,
    close: () => pool.destroy(),
  };
}

/** The compiled worker beside this module; run from the TypeScript sources (as tests do), the one in dist/. */
function workerFile(): string {
  const beside = fileURLToPath(new URL('./worker.js', import.meta.url));
  return existsSync(beside) ? beside : fileURLToPath(new URL('../../dist/experiment/worker.js', import.meta.url));
}
