import type { Provenance } from '../io/outputs.js';

/**
 * How the batch an output folder holds differs from the one asked for, in words: `--resume` carries
 * on only the same batch, and says what differs (the first difference that matters) rather than
 * replacing another batch's results or checkpoints.
 */

/** A batch as a folder records it: its provenance, and the runs it covers (a shard's, or all of them). */
export interface BatchIdentity {
  provenance: Provenance;
  /** Which shard, for a finished shard's manifest. */
  shard?: { index: number; count: number };
  /** The runs covered, for a checkpoint. */
  range?: { firstRun: number; runs: number };
}

/** What differs between the batch found and the one asked for, as `what: X there, Y here`; undefined when nothing does. */
export function batchDifference(there: BatchIdentity, here: BatchIdentity): string | undefined {
  const [a, b] = [there.provenance as unknown as Record<string, unknown>, here.provenance as unknown as Record<string, unknown>];
  // The scenario first: it is what a --set, a sweep or an edited file changes.
  for (const field of ['engineVersion', 'engineBuild', 'scenarioName', 'scenario', 'scenarioHash', 'variants', 'seed', 'runs', 'design', 'timeseries', 'blockSize', 'untilPrecision', 'sobol']) {
    if (field === 'scenario') {
      const found = firstDifference(a.scenario, b.scenario, []);
      if (found) return `scenario field ${found.path.join('.') || '(root)'}: ${words(found.there)} there, ${words(found.here)} here`;
      continue;
    }
    if (JSON.stringify(a[field]) !== JSON.stringify(b[field])) return `${LABELS[field]}: ${words(a[field])} there, ${words(b[field])} here`;
  }
  const shard = (identity: BatchIdentity): string => (identity.shard ? `${identity.shard.index}/${identity.shard.count}` : 'none');
  if (shard(there) !== shard(here)) return `shard: ${shard(there)} there, ${shard(here)} here`;
  const range = (identity: BatchIdentity): string => (identity.range ? `${identity.range.firstRun}-${identity.range.firstRun + identity.range.runs - 1}` : 'all');
  if (range(there) !== range(here)) return `runs: ${range(there)} there, ${range(here)} here`;
  return undefined;
}

const LABELS: Record<string, string> = {
  engineVersion: 'computerace version',
  engineBuild: 'computerace build',
  scenarioName: 'scenario',
  scenarioHash: 'scenario hash',
  variants: 'variants',
  seed: 'seed',
  runs: 'runs per variant',
  design: 'design',
  timeseries: 'timeseries',
  blockSize: 'block size',
  untilPrecision: 'until-precision',
  sobol: 'Sobol design',
};

/** The first leaf where two plain-data values differ, its path written as `--set` writes it (list items by id where they have one). */
function firstDifference(there: unknown, here: unknown, path: string[]): { path: string[]; there: unknown; here: unknown } | undefined {
  if (Array.isArray(there) && Array.isArray(here)) {
    for (let i = 0; i < Math.max(there.length, here.length); i++) {
      const id = idOf(there[i]);
      const found = firstDifference(there[i], here[i], [...path, id !== undefined && id === idOf(here[i]) ? id : String(i)]);
      if (found) return found;
    }
    return undefined;
  }
  if (isRecord(there) && isRecord(here)) {
    for (const key of new Set([...Object.keys(there), ...Object.keys(here)])) {
      const found = firstDifference(there[key], here[key], [...path, key]);
      if (found) return found;
    }
    return undefined;
  }
  return JSON.stringify(there) === JSON.stringify(here) ? undefined : { path, there, here };
}

/** A value in a few words: text as it is, anything else as JSON, cut short. */
function words(value: unknown): string {
  if (value === undefined || value === null) return 'none';
  const text = typeof value === 'string' ? value : Array.isArray(value) && value.every((item) => typeof item === 'string') ? value.join(', ') : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function idOf(value: unknown): string | undefined {
  return isRecord(value) && typeof value.id === 'string' ? value.id : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
