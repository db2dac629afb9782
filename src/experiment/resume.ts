import { OutputError } from '../io/errors.js';
import { readManifest } from '../io/manifest.js';
import { provenanceOf } from '../io/outputs.js';
import type { Manifest, Provenance } from '../io/outputs.js';
import type { BatchOutcome } from './batch.js';
import { Checkpoint } from './checkpoint.js';
import type { CheckpointIdentity } from './checkpoint.js';
import { batchDifference } from './differences.js';
import type { BatchIdentity } from './differences.js';
import { finishedBatch } from './records.js';

/**
 * What `--resume` does with an output folder: nothing, when it holds this batch finished; continue,
 * when it holds this batch's checkpoint (or nothing); refuse, when it holds another batch's results
 * or checkpoint, naming what differs (it would otherwise be replaced by a flag that promises to keep).
 */

/** This batch's outcome when `out` holds it finished; undefined when it is to run (from its checkpoint, if `out` has one); an OutputError when `out` holds another batch. */
export async function resumeIn(out: string, identity: CheckpointIdentity, shard: Manifest['shard'], onMismatch: (problem: string) => void): Promise<BatchOutcome | undefined> {
  const { provenance } = identity;
  const finished = await finishedBatch(out, provenance, shard, onMismatch);
  if (finished) return finished;
  const saved = await Checkpoint.savedIdentity(out);
  if (saved !== undefined) {
    if (JSON.stringify(saved) === JSON.stringify(identity)) return undefined;
    throw new OutputError(`'${out}' holds the checkpoint of another batch (${differenceInWords(saved, identity)}): run without --resume to start this one afresh, or choose another --out`);
  }
  const manifest = await readManifest(out);
  const difference = manifest && anotherBatch(manifest, provenance, shard);
  if (difference !== undefined) throw new OutputError(`'${out}' holds another batch (${difference}): run without --resume to replace it, or choose another --out`);
  return undefined;
}

/** What differs between the finished batch `out` holds and this one, when it holds another; undefined when it holds none, or this one. */
export async function replacedBatch(out: string, provenance: Provenance, shard: Manifest['shard']): Promise<string | undefined> {
  // A manifest that cannot be read is the folder checks' to report, not a batch to name.
  const manifest = await readManifest(out).catch(() => undefined);
  return manifest && anotherBatch(manifest, provenance, shard);
}

/** What differs between the batch a manifest records and this one, in words; undefined when it is this one. */
function anotherBatch(manifest: Manifest, provenance: Provenance, shard: Manifest['shard']): string | undefined {
  return sameBatch(manifest, provenance, shard) ? undefined : differenceInWords({ provenance: provenanceOf(manifest), shard: manifest.shard }, { provenance, shard });
}

/** batchDifference, or, when every field it compares agrees, that the records differ all the same. */
function differenceInWords(there: BatchIdentity, here: BatchIdentity): string {
  return batchDifference(there, here) ?? 'recorded differently, by another version of computerace';
}

function sameBatch(manifest: Manifest, provenance: Provenance, shard: Manifest['shard']): boolean {
  return JSON.stringify(provenanceOf(manifest)) === JSON.stringify(provenance) && JSON.stringify(manifest.shard) === JSON.stringify(shard);
}
