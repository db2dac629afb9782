import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { BatchDescription } from '../io/layout.js';
import { Replicator, RunFailure } from './replicate.js';
import type { BlockOutput, ReplicationPlan } from './replicate.js';
import type { WorkerAnswer, WorkerTask } from './worker.js';

/**
 * Where a batch's runs execute: a pool of worker threads, or the caller's thread (workers = 0, for
 * debugging and for policies registered only in the caller). Both give the same bytes.
 */

/** Runs blocks of a batch somewhere. */
export interface Executor {
  describe(): Promise<BatchDescription>;
  block(first: number, count: number): Promise<BlockOutput>;
  close(): Promise<void>;
}

/** Runs blocks in this thread. */
export function inlineExecutor(plan: ReplicationPlan): Executor {
  const replicator = new Replicator(plan);
  // Each call yields to the event loop first, so writing and progress keep up between blocks.
  const later = <T>(work: () => T): Promise<T> => new Promise((resolve, reject) => setImmediate(() => { try { resolve(work()); } catch (error) { reject(error as Error); } }));
  return {
    describe: () => later(() => replicator.describe()),
    block: (first, count) => later(() => replicator.block(first, count)),
    close: async () => undefined,
  };
}

/** Runs blocks on `workers` threads; `modules` are imported in each thread first (custom policies). */
export function poolExecutor(plan: ReplicationPlan, workers: number, modules: readonly string[] = []): Executor {
  const pool = new Piscina({
    filename: workerFile(),
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: Infinity,
    workerData: { plan, modules },
  });
  const ask = async (task: WorkerTask): Promise<WorkerAnswer> => (await pool.run(task)) as WorkerAnswer;
  const answer = <K extends 'description' | 'output'>(reply: WorkerAnswer, key: K): Extract<WorkerAnswer, Record<K, unknown>>[K] => {
    if ('failure' in reply) {
      const { runIndex, variant, seed, message, stack } = reply.failure;
      const failure = new RunFailure(runIndex, variant, seed, new Error(message));
      failure.message = message;
      if (stack) failure.stack = stack;
      throw failure;
    }
    return (reply as unknown as Record<K, never>)[key];
  };
  return {
    describe: async () => answer(await ask({ kind: 'describe' }), 'description'),
    block: async (first, count) => answer(await ask({ kind: 'block', first, count }), 'output'),
    close: () => pool.destroy(),
  };
}

/** The compiled worker beside this module; run from the TypeScript sources (as tests do), the one in dist/. */
function workerFile(): string {
  const beside = fileURLToPath(new URL('./worker.js', import.meta.url));
  return existsSync(beside) ? beside : fileURLToPath(new URL('../../dist/experiment/worker.js', import.meta.url));
}
