import { setFlagsFromString } from 'node:v8';
import { Piscina } from 'piscina';
import { transferables } from '../io/columns.js';
import { Replicator, RunFailure } from './replicate.js';
import type { BlockOutput, ReplicationPlan } from './replicate.js';
import type { BatchDescription } from '../io/layout.js';

/**
 * A worker thread of a batch's pool: it compiles the plan once and answers tasks. Block outputs are
 * moved to the parent, not copied: their typed arrays are transferred.
 */

/** A task for a worker. */
export type WorkerTask = { kind: 'describe' } | { kind: 'block'; first: number; count: number };

/** A worker's answer: a description, a block's rows, or the run that failed. */
export type WorkerAnswer =
  | { description: BatchDescription }
  | { output: BlockOutput }
  | { failure: { runIndex: number; variant: string; seed: string; message: string; stack: string | undefined } };

// The market allocates many short-lived records, which V8's pretenuring heuristics wrongly move to
// the old generation (bench/market.bench.ts); worker threads take no V8 flags in execArgv.
setFlagsFromString('--no-allocation-site-pretenuring');
const { plan, modules } = Piscina.workerData as { plan: ReplicationPlan; modules: string[] };
// Modules that register custom policies must run in every thread that runs the model.
for (const module of modules) await import(module);
const replicator = new Replicator(plan);

/** Answers one task of the pool. */
export default function work(task: WorkerTask): WorkerAnswer | unknown {
  let output: BlockOutput;
  try {
    if (task.kind === 'describe') return { description: replicator.describe() };
    output = replicator.block(task.first, task.count);
  } catch (error) {
    // An Error loses its fields on the way to the parent; a failure record keeps what reproduces it.
    if (error instanceof RunFailure) return { failure: { runIndex: error.runIndex, variant: error.variant, seed: error.seed, message: error.message, stack: error.stack } };
    throw error;
  }
  const blocks = [output.runs, output.events, ...(output.timeseries ? [output.timeseries] : [])];
  // Marked movable, piscina transfers the typed arrays instead of copying them.
  return Piscina.move({
    get [Piscina.transferableSymbol]() {
      return transferables(blocks);
    },
    get [Piscina.valueSymbol]() {
      return { output };
    },
  } as unknown as ArrayBuffer);
}
