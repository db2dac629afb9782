import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { deriveStreamSeed, RandomStreams, type Rng } from '../../src/kernel/random.js';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SRC_DIR = join(PROJECT_ROOT, 'src');

// Computed once from seed 42, run 0, stream 'arrivals'. If these change, every recorded result changes.
const PINNED_ARRIVALS = [
  0.835705452831462, 0.07475065416656435, 0.8328886446543038, 0.11789623671211302, 0.38393728504888713,
];
const PINNED_ARRIVALS_SEED = '0c2c10fb489faa294aa370e9d76d385e';

function take(rng: Rng, count: number): number[] {
  return Array.from({ length: count }, () => rng());
}

function streamNumbers(seed: number | string, runIndex: number, name: string, count = 8): number[] {
  return take(new RandomStreams(seed, runIndex).get(name), count);
}

describe('RandomStreams', () => {
  it('gives the same sequence for the same (seed, run, name) in separate instances', () => {
    expect(streamNumbers(7, 3, 'service')).toEqual(streamNumbers(7, 3, 'service'));
  });

  it('gives different sequences for different names, run indices and seeds', () => {
    const base = streamNumbers(7, 3, 'service');
    expect(streamNumbers(7, 3, 'arrivals')).not.toEqual(base);
    expect(streamNumbers(7, 4, 'service')).not.toEqual(base);
    expect(streamNumbers(8, 3, 'service')).not.toEqual(base);
    expect(streamNumbers('seven', 3, 'service')).not.toEqual(base);
  });

  it('does not let other streams, or the order they are requested in, change a stream', () => {
    const alone = streamNumbers(11, 0, 'failures');

    const crowded = new RandomStreams(11, 0);
    const arrivals = crowded.get('arrivals');
    take(arrivals, 100);
    const failures = crowded.get('failures');
    const interleaved: number[] = [];
    for (let i = 0; i < alone.length; i++) {
      interleaved.push(failures());
      crowded.get(`extra-${i}`)();
      arrivals();
    }
    expect(interleaved).toEqual(alone);
  });

  it('caches: the same name returns the same generator, which continues its sequence', () => {
    const streams = new RandomStreams(1, 0);
    const first = streams.get('demand');
    expect(streams.get('demand')).toBe(first);
    const head = take(first, 3);
    const next = streams.get('demand')();
    expect([...head, next]).toEqual(streamNumbers(1, 0, 'demand', 4));
  });

  it('returns seedrandom alea generators (not the slower ARC4 default) yielding numbers in [0, 1)', () => {
    const rng = new RandomStreams(5, 2).get('x') as Rng & { int32?: unknown };
    expect(typeof rng.int32).toBe('function');
    const seedString = deriveStreamSeed(5, 2, 'x');
    expect(streamNumbers(5, 2, 'x')).toEqual(take(seedrandom.alea(seedString), 8));
    expect(streamNumbers(5, 2, 'x')).not.toEqual(take(seedrandom(seedString), 8));
    const outside = take(rng, 10_000).filter((value) => !(value >= 0 && value < 1));
    expect(outside).toEqual([]);
  });

  it('keeps the seed and run index it was given', () => {
    const streams = new RandomStreams('experiment-A', 9);
    expect(streams.seed).toBe('experiment-A');
    expect(streams.runIndex).toBe(9);
  });

  it('treats a numeric seed and its decimal string as the same seed, so CLI and config seeds agree', () => {
    expect(streamNumbers(42, 1, 'demand')).toEqual(streamNumbers('42', 1, 'demand'));
  });

  it('encodes (seed, run, name) unambiguously', () => {
    expect(deriveStreamSeed('a', 1, 'b')).not.toBe(deriveStreamSeed('a,1', 1, 'b'));
    expect(deriveStreamSeed('1', 12, '3')).not.toBe(deriveStreamSeed('11', 2, '3'));
    expect(deriveStreamSeed(42, 0, 'x')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('rejects invalid seeds, run indices and names with clear errors', () => {
    expect(() => new RandomStreams(Number.NaN, 0)).toThrow(RangeError);
    expect(() => new RandomStreams(Number.POSITIVE_INFINITY, 0)).toThrow(/finite/);
    expect(() => new RandomStreams({} as unknown as number, 0)).toThrow(TypeError);
    expect(() => new RandomStreams(1, -1)).toThrow(RangeError);
    expect(() => new RandomStreams(1, 1.5)).toThrow(/non-negative safe integer/);
    expect(() => new RandomStreams(1, 2 ** 53)).toThrow(RangeError);
    expect(() => new RandomStreams(1, '0' as unknown as number)).toThrow(TypeError);
    const streams = new RandomStreams(1, 0);
    expect(() => streams.get('')).toThrow(/non-empty/);
    expect(() => streams.get(3 as unknown as string)).toThrow(TypeError);
  });
});

describe('reproducibility across processes', () => {
  it('matches the pinned numbers for seed 42, run 0, stream "arrivals"', () => {
    expect(deriveStreamSeed(42, 0, 'arrivals')).toBe(PINNED_ARRIVALS_SEED);
    expect(streamNumbers(42, 0, 'arrivals', PINNED_ARRIVALS.length)).toEqual(PINNED_ARRIVALS);
  });

  it('is reproduced by a fresh node process deriving the stream independently', () => {
    // The child re-implements the documented derivation with plain seedrandom + node:crypto, so this
    // checks both fresh-process determinism and that the derivation is what the docs say it is.
    const child = `
      import { createHash } from 'node:crypto';
      import seedrandom from 'seedrandom';
      const seedString = createHash('sha256').update(JSON.stringify(['42', 0, 'arrivals']), 'utf8').digest('hex').slice(0, 32);
      const rng = seedrandom.alea(seedString);
      const numbers = Array.from({ length: ${PINNED_ARRIVALS.length} }, () => rng());
      process.stdout.write(JSON.stringify({ seedString, numbers }));
    `;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', child], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
    });
    const { seedString, numbers } = JSON.parse(output) as { seedString: string; numbers: number[] };
    expect(seedString).toBe(deriveStreamSeed(42, 0, 'arrivals'));
    expect(numbers).toEqual(streamNumbers(42, 0, 'arrivals', PINNED_ARRIVALS.length));
    expect(numbers).toEqual(PINNED_ARRIVALS);
  });
});

function typeScriptFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return typeScriptFilesUnder(path);
    return entry.isFile() && entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('source hygiene', () => {
  it('never uses the unseeded global generator anywhere in src/', () => {
    // Whole-file matching also catches a call split across lines.
    const globalRandom = /Math\s*\.\s*random/g;
    const offenders: string[] = [];
    for (const file of typeScriptFilesUnder(SRC_DIR)) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(globalRandom)) {
        const line = text.slice(0, match.index).split('\n').length;
        offenders.push(`${relative(PROJECT_ROOT, file)}:${line}`);
      }
    }
    expect(offenders, `Math.random breaks reproducibility; use RandomStreams:\n${offenders.join('\n')}`).toEqual([]);
  });
});
