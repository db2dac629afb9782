import { Piscina } from 'piscina';
import { transferables } from '../io/columns.js';
import type { BatchDescription } from '../io/layout.js';
import { ScenarioError } from '../scenario/problems.js';
import type { Problem } from '../scenario/problems.js';
import { RunFailure } from './failure.js';
import { preparePlan } from './plan.js';
import { stopPretenuring } from './pretenuring.js';
import type { BatchSettings, ScenarioIdentity } from './plan.js';
import { Replicator } from './replicate.js';
import type { BlockOutput } from './replicate.js';

/**
 * A worker thread of a batch's pool: it loads the scenario and compiles it once, then answers
 * tasks. Block outputs are moved to the parent, not copied: their typed arrays are transferred.
 */

/** A task for a worker. */
export type WorkerTask = { kind: 'describe' } | { kind: 'block'; first: number; count: number };

/** A worker's answer: the batch's description, a block's rows, or why it could not give them. */
export type WorkerAnswer =
  | { description: BatchDescription; identity: ScenarioIdentity }
  | { output: BlockOutput }
  | { problems: Problem[] }
  | { failure: { runIndex: number; variant: string; seed: string; message: string; stack: string | undefined } };

stopPretenuring();
const settings = Piscina.workerData as BatchSettings;
const prepared = await preparePlan(settings).catch((error: unknown) => {
  // A scenario that does not load is an answer (its problems), not a crash of the pool.
  if (error instanceof ScenarioError) return error;
  throw error;
});
const replicator = prepared instanceof ScenarioError ? undefined : new Replicator(prepared.plan);

/** Answers one task of the pool. */
export default function work(task: WorkerTask): WorkerAnswer | unknown {
  if (prepared instanceof ScenarioError) return { problems: prepared.problems };
  let output: BlockOutput;
  try {
    if (task.kind === 'describe') return { description: replicator!.describe(), identity: prepared.identity };
    output = replicator!.block(task.first, task.count, { finished: settings.simulationsDone });
  } catch (error) {
    // An Error loses its fields on the way to the parent; a failure record keeps what reproduces it.
    if (error instanceof RunFailure) return { failure: { runIndex: error.runIndex, variant: error.variant, seed: error.seed, message: error.message, stack: error.stack } };
    throw error;
  }
  const blocks = Object.values(output.tables).filter((block) => block !== undefined);
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
