import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/experiment/batch.js';
import type { BatchOptions } from '../../src/experiment/batch.js';
import { BatchOptionsError, checkBatchOptions, checkRuns, MAX_BLOCK_SIZE, MAX_RUNS, MIN_RUNS_TO_STOP, runsLimit } from '../../src/experiment/limits.js';
import type { BatchOptionsProblem, BatchShape } from '../../src/experiment/limits.js';
import { latinHypercube, MAX_LATIN_HYPERCUBE_RUNS } from '../../src/experiment/lhs.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const scenario = join(root, 'scenarios', 'openai-multicloud-2025.yaml');

describe('the runs a batch can have', () => {
  const temp = mkdtempSync(join(tmpdir(), 'computerace-limits-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it('are those whose indices fit the int32 run column, and a Latin hypercube\'s 2^20', () => {
    expect(MAX_RUNS).toBe(2 ** 31);
    expect(runsLimit().max).toBe(MAX_RUNS);
    expect(runsLimit('sobol').max).toBe(MAX_RUNS);
    expect(runsLimit('lhs').max).toBe(MAX_LATIN_HYPERCUBE_RUNS);
    // The hypercube's own limit is the one the batch checks.
    expect(() => latinHypercube('1', runsLimit('lhs').max + 1)).toThrow(RangeError);
    expect(() => checkRuns(MAX_RUNS)).not.toThrow();
    expect(() => checkRuns(MAX_RUNS + 1)).toThrow(/at most 2147483648 runs per variant/);
    expect(() => checkRuns(MAX_LATIN_HYPERCUBE_RUNS + 1, 'lhs')).toThrow(/at most 1048576 runs/);
    expect(() => checkRuns(0)).toThrow(RangeError);
    expect(() => checkRuns(1.5)).toThrow(RangeError);
  });

  /** The problem a batch's options are refused for, or undefined when they are not. */
  const problemOf = (options: BatchShape): BatchOptionsProblem | undefined => {
    try {
      checkBatchOptions(options);
      return undefined;
    } catch (error) {
      expect(error).toBeInstanceOf(BatchOptionsError);
      expect(error).toBeInstanceOf(RangeError);
      return (error as BatchOptionsError).problem;
    }
  };

  it('are not decided by a stopping rule when a design or shards need them fixed in advance, and the refusal says which', () => {
    expect(problemOf({ runs: 100, design: 'lhs', untilPrecision: 0.01 })).toEqual({ kind: 'stopping-rule', with: 'lhs' });
    expect(problemOf({ runs: 100, design: 'sobol', untilPrecision: 0.01 })).toEqual({ kind: 'stopping-rule', with: 'sobol' });
    expect(problemOf({ runs: 100, shard: { index: 0, count: 2 }, untilPrecision: 0.01 })).toEqual({ kind: 'stopping-rule', with: 'shard' });
    expect(problemOf({ runs: 100, design: 'independent', untilPrecision: 0.01 })).toBeUndefined();
    // The rule is first consulted after MIN_RUNS_TO_STOP runs: fewer could never stop a batch.
    expect(problemOf({ runs: MIN_RUNS_TO_STOP - 1, untilPrecision: 0.01 })).toMatchObject({ kind: 'runs', runs: MIN_RUNS_TO_STOP - 1, reason: expect.stringMatching(/first consulted after 30 runs/) });
    expect(problemOf({ runs: MIN_RUNS_TO_STOP, untilPrecision: 0.01 })).toBeUndefined();
    expect(problemOf({ runs: 100, design: 'lhs', shard: { index: 0, count: 2 } })).toBeUndefined();
    expect(problemOf({ runs: MAX_RUNS + 1, untilPrecision: 0.01 })).toEqual({ kind: 'runs', runs: MAX_RUNS + 1, reason: runsLimit().reason });
    expect(problemOf({ runs: MAX_LATIN_HYPERCUBE_RUNS + 1, design: 'lhs' })).toEqual({ kind: 'runs', runs: MAX_LATIN_HYPERCUBE_RUNS + 1, reason: runsLimit('lhs').reason });
  });

  it('are refused, each by its name, when an option is not one a batch takes: a library caller\'s values are not typed at run time', () => {
    // workers: NaN waited forever; design and timeseries unknown were run (as independent draws, with no series) and recorded so.
    for (const [options, option] of [
      [{ workers: NaN }, 'workers'], [{ workers: 1.5 }, 'workers'], [{ workers: -1 }, 'workers'],
      [{ timeseries: 'bogus' }, 'timeseries'], [{ design: 'bogus' }, 'design'],
      [{ untilPrecision: NaN }, 'untilPrecision'], [{ untilPrecision: -1 }, 'untilPrecision'], [{ untilPrecision: '0.1' }, 'untilPrecision'],
      [{ shard: { index: 3, count: 2 } }, 'shard'], [{ seed: { a: 1 } }, 'seed'], [{ seed: 1.5 }, 'seed'],
    ] as const) {
      expect(problemOf({ runs: 100, ...(options as object) } as BatchShape), JSON.stringify(options)).toMatchObject({ kind: 'option', option });
    }
    expect(problemOf({ runs: 100, workers: 0, timeseries: 'all', design: 'lhs', seed: 'baseline-2025', shard: { index: 1, count: 2 } })).toBeUndefined();
    expect(() => checkBatchOptions(null as unknown as BatchShape)).toThrow(TypeError);
  });

  it('come in blocks of at most MAX_BLOCK_SIZE runs, held in memory until written: a larger block would grow memory with the runs', () => {
    expect(problemOf({ runs: 5000, blockSize: MAX_BLOCK_SIZE })).toBeUndefined();
    expect(problemOf({ runs: 5000, blockSize: 1 })).toBeUndefined();
    for (const blockSize of [MAX_BLOCK_SIZE + 1, 0, 2.5, Number.NaN]) {
      expect(problemOf({ runs: 5000, blockSize })).toEqual({ kind: 'block-size', blockSize, reason: `a block has a whole number of runs from 1 to ${MAX_BLOCK_SIZE} (its tables are held in memory until written)` });
    }
  });

  it('are checked by runBatch before anything starts: no worker, no output directory', async () => {
    const out = join(temp, 'too-many');
    await expect(runBatch({ scenario, runs: 10_000_000_000, design: 'lhs', out })).rejects.toThrow(/1048576/);
    await expect(runBatch({ scenario, runs: 3_000_000_000, out })).rejects.toThrow(/2147483648/);
    await expect(runBatch({ scenario, runs: 100_000, blockSize: 100_000, out })).rejects.toThrow(/^block size 100000: a block has a whole number of runs from 1 to 1000/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('the worker threads of a batch', () => {
  const temp = mkdtempSync(join(tmpdir(), 'computerace-workers-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it('are at most the available cores, whatever is asked, and the manifest says how many ran', async () => {
    const out = join(temp, 'many');
    await runBatch({ scenario, runs: availableParallelism() + 1, blockSize: 1, seed: 3, workers: 1000, timeseries: 'none', out });
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.workers).toBe(availableParallelism());
  }, 60_000);

  it('are no more than the blocks of runs there are to run, in the batch or in its shard', async () => {
    const workersOf = async (name: string, options: Partial<BatchOptions>): Promise<number> => {
      const out = join(temp, name);
      await runBatch({ scenario, runs: 2, seed: 3, workers: 1000, timeseries: 'none', out, ...options });
      return JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).workers;
    };
    expect(await workersOf('one-block', {})).toBe(1);
    // 3 blocks of 1 over 2 shards: the first shard has one block, the second two (as the cores allow).
    expect(await workersOf('shard-0', { runs: 3, blockSize: 1, shard: { index: 0, count: 2 } })).toBe(1);
    expect(await workersOf('shard-1', { runs: 3, blockSize: 1, shard: { index: 1, count: 2 } })).toBe(Math.min(2, availableParallelism()));
  }, 60_000);
});
