import { createHash } from 'node:crypto';
import seedrandom from 'seedrandom';

/** A uniform draw in [0, 1); the only randomness the kernel accepts, so every run is reproducible from its seed. */
export type Rng = () => number;

/** Seed string for one stream: hashing the whole triple decouples streams, so adding or reordering them never shifts another's numbers. */
export function deriveStreamSeed(seed: number | string, runIndex: number, name: string): string {
  // JSON of an array is unambiguous: no choice of name can collide with a different (seed, run) split.
  const encoded = JSON.stringify([String(seed), runIndex, name]);
  // 128 bits of the digest are more than alea's state holds, and alea's seeding time grows with the
  // seed's length (a run creates dozens of streams, so the full 64 hex digits cost about 3% of a run).
  return createHash('sha256').update(encoded, 'utf8').digest('hex').slice(0, 32);
}

/** Named random streams for one replication; each consumer owns a stream so its draws do not depend on anyone else's. */
export class RandomStreams {
  /** Experiment seed shared by all replications; a number and its decimal string name the same streams. */
  readonly seed: number | string;
  /** Replication number, mixed into every stream so runs are independent yet individually replayable. */
  readonly runIndex: number;
  private readonly streams = new Map<string, seedrandom.PRNG>();

  constructor(seed: number | string, runIndex: number) {
    assertValidSeed(seed);
    assertValidRunIndex(runIndex);
    this.seed = seed;
    this.runIndex = runIndex;
  }

  /** The seedrandom alea generator for `name` (alea, not ARC4, for speed), cached so later calls continue its sequence. */
  get(name: string): Rng {
    assertValidStreamName(name);
    let stream = this.streams.get(name);
    if (stream === undefined) {
      stream = seedrandom.alea(deriveStreamSeed(this.seed, this.runIndex, name));
      this.streams.set(name, stream);
    }
    return stream;
  }
}

function assertValidSeed(seed: unknown): asserts seed is number | string {
  if (typeof seed === 'string') return;
  if (typeof seed !== 'number') {
    throw new TypeError(`RandomStreams: seed must be a finite number or a string (got ${typeof seed})`);
  }
  if (!Number.isFinite(seed)) {
    throw new RangeError(`RandomStreams: seed must be a finite number (got ${seed})`);
  }
}

function assertValidRunIndex(runIndex: unknown): asserts runIndex is number {
  if (typeof runIndex !== 'number') {
    throw new TypeError(`RandomStreams: runIndex must be a number (got ${typeof runIndex})`);
  }
  if (!Number.isSafeInteger(runIndex) || runIndex < 0) {
    throw new RangeError(`RandomStreams: runIndex must be a non-negative safe integer (got ${runIndex})`);
  }
}

function assertValidStreamName(name: unknown): asserts name is string {
  if (typeof name !== 'string') {
    throw new TypeError(`RandomStreams: stream name must be a string (got ${typeof name})`);
  }
  if (name.length === 0) {
    throw new RangeError('RandomStreams: stream name must be a non-empty string');
  }
}
