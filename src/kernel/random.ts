import seedrandom from 'seedrandom';
import { sha256Hex } from './sha256.js';

/** A uniform draw in [0, 1); the only randomness the kernel accepts, so every run is reproducible from its seed. */
export type Rng = () => number;

/** Seed string for one stream: hashing the whole triple decouples streams, so adding or reordering them never shifts another's numbers. */
export function deriveStreamSeed(seed: number | string, runIndex: number, name: string): string {
  return seedOfEncoding(encodingPrefix(seed, runIndex) + encodedName(name));
}

// The encoded triple is the JSON of the array [String(seed), runIndex, name]: JSON of an array is
// unambiguous, so no choice of name can collide with a different (seed, run) split. A run derives
// dozens of streams from one (seed, run), so the JSON is written as the run's prefix, `["seed",run,`,
// then each name's `"name"]`, which is the same text as JSON.stringify of the whole array.
function encodingPrefix(seed: number | string, runIndex: number): string {
  return `[${JSON.stringify(String(seed))},${JSON.stringify(runIndex)},`;
}

function encodedName(name: string): string {
  return `${JSON.stringify(name)}]`;
}

// SHA-256 in plain TypeScript (sha256.ts) rather than node:crypto, so a run draws the same numbers in a browser.
function seedOfEncoding(encoded: string): string {
  const hex = sha256Hex(encoded);
  // 128 bits of the digest are more than alea's state holds, and alea's seeding time grows with the
  // seed's length (a run creates dozens of streams, so the full 64 hex digits cost about 3% of a run).
  return hex.slice(0, 32);
}

/** Named random streams for one replication; each consumer owns a stream so its draws do not depend on anyone else's. */
export class RandomStreams {
  /** Experiment seed shared by all replications; a number and its decimal string name the same streams. */
  readonly seed: number | string;
  /** Replication number, mixed into every stream so runs are independent yet individually replayable. */
  readonly runIndex: number;
  private readonly streams = new Map<string, seedrandom.PRNG>();
  /** The encoding of (seed, runIndex) that every stream's name is appended to. */
  private readonly prefix: string;

  constructor(seed: number | string, runIndex: number) {
    assertValidSeed(seed);
    assertValidRunIndex(runIndex);
    this.seed = seed;
    this.runIndex = runIndex;
    this.prefix = encodingPrefix(seed, runIndex);
  }

  /** The seedrandom alea generator for `name` (alea, not ARC4, for speed), cached so later calls continue its sequence. */
  get(name: string): Rng {
    assertValidStreamName(name);
    let stream = this.streams.get(name);
    if (stream === undefined) {
      stream = seedrandom.alea(seedOfEncoding(this.prefix + encodedName(name)));
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

/**
 * Uniform draws tied to an occasion rather than to a sequence: `at(a, b, c, d)` is a pure function of
 * the stream's key and four non-negative integers that name the occasion (say, a tender and a bidder),
 * uniform in (0, 1). Two variants of a scenario that hold the same occasion draw the same number for
 * it however many other draws either made before, which keeps common random numbers aligned where a
 * sequential stream would drift. The integers are mixed with MurmurHash3's 32-bit finaliser.
 */
export class KeyedUniforms {
  private readonly key: number;

  /** Keyed by the first draws of `stream` (so by the seed, run and stream name). */
  constructor(stream: Rng) {
    this.key = Math.floor(stream() * 0x100000000) ^ Math.floor(stream() * 0x100000000);
  }

  /** The uniform of the occasion (a, b, c, d), each a non-negative integer below 2^32. */
  at(a: number, b: number, c: number, d: number): number {
    let h = mix(this.key ^ 0x9e3779b9);
    h = mix(h ^ a);
    h = mix(h ^ Math.imul(b, 0x85ebca6b));
    h = mix(h ^ Math.imul(c, 0xc2b2ae35));
    const high = mix(h ^ Math.imul(d, 0x27d4eb2f));
    const low = mix(high ^ 0x165667b1);
    // 53 bits, shifted half a step so the draw is never 0 or 1.
    return ((high >>> 0) * 2097152 + (low >>> 11) + 0.5) / 9007199254740992;
  }
}

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}
