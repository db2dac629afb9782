import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/experiment/batch.js';
import { mergeShards } from '../../src/experiment/merge.js';
import { parseShard, shardRange } from '../../src/experiment/shards.js';
import { batchTables } from '../../src/io/layout.js';

const SCENARIO = fileURLToPath(new URL('../../scenarios/openai-multicloud-2025.yaml', import.meta.url));
// A summary batch's tables: the runs, the market's and the labs' monthly series, events, tenders and bids.
const COMPARED = ['runs.arrow', 'market.arrow', 'labs.arrow', 'events.arrow', 'tenders.arrow', 'bids.arrow', 'summary.json'] as const;
// 23 runs in blocks of 5 make 5 blocks: 2, 3 and 7 shards do not divide them (7 leaves empty shards).
const BATCH = { scenario: SCENARIO, runs: 23, seed: 42, blockSize: 5, timeseries: 'summary', workers: 0 } as const;

describe('shard ranges', () => {
  it('cut the runs on block boundaries, cover them once, in order', () => {
    for (const [runs, blockSize] of [[23, 5], [1000, 100], [7, 10], [100, 1]] as const) {
      for (const count of [1, 2, 3, 4, 7, 16]) {
        let next = 0;
        for (let index = 0; index < count; index++) {
          const range = shardRange(runs, blockSize, { index, count });
          expect(range.firstRun).toBe(next);
          expect(range.firstRun % blockSize === 0 || range.runs === 0).toBe(true);
          next += range.runs;
        }
        expect(next).toBe(runs);
      }
    }
  });

  it('parse K/M, and auto/M from the job array\'s environment', () => {
    expect(parseShard('2/4', {})).toEqual({ index: 2, count: 4 });
    expect(parseShard('auto/4', { SLURM_ARRAY_TASK_ID: '3' })).toEqual({ index: 3, count: 4 });
    expect(parseShard('auto/4', { JOB_COMPLETION_INDEX: '1' })).toEqual({ index: 1, count: 4 });
    expect(() => parseShard('auto/4', {})).toThrow(/neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set/);
    expect(() => parseShard('4/4', {})).toThrow(/below 4/);
    expect(() => parseShard('1-4', {})).toThrow(/expected K\/M/);
  });
});

describe('shards merged', () => {
  const root = mkdtempSync(join(tmpdir(), 'computerace-shards-'));
  const single = join(root, 'single');
  const shardDir = (count: number, index: number): string => join(root, `m${count}`, `shard-${index}`);
  const shardDirs = (count: number): string[] => Array.from({ length: count }, (_, index) => shardDir(count, index));

  beforeAll(async () => {
    await runBatch({ ...BATCH, out: single });
    for (const count of [1, 2, 3, 7]) {
      for (let index = 0; index < count; index++) await runBatch({ ...BATCH, shard: { index, count }, out: shardDir(count, index) });
    }
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  for (const count of [1, 2, 3, 7]) {
    it(`give the bytes of one machine's batch (${count} shard${count > 1 ? 's' : ''} of 23 runs in blocks of 5)`, async () => {
      const out = join(root, `merged-${count}`);
      // Given out of order: merge puts them in shard order.
      const outcome = await mergeShards(shardDirs(count).reverse(), out);
      expect(outcome.runs).toBe(23);
      for (const file of COMPARED) expect(readFileSync(join(out, file)).equals(readFileSync(join(single, file))), file).toBe(true);
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
      expect(manifest).toMatchObject({ runs: 23, runsDone: 23, seed: '42' });
      expect(manifest.shard).toBeUndefined();
    });
  }

  it('records the shard in its manifest, not in the Arrow files', () => {
    const manifest = JSON.parse(readFileSync(join(shardDir(3, 1), 'manifest.json'), 'utf8'));
    expect(manifest.shard).toEqual({ index: 1, count: 3, firstRun: 5, runs: 10 });
    expect(manifest.runsDone).toBe(10);
    expect(readFileSync(join(shardDir(3, 1), 'runs.arrow')).includes('shard')).toBe(false);
  });

  it('refuses a missing shard, naming it', async () => {
    await expect(mergeShards([shardDir(3, 0), shardDir(3, 2)], join(root, 'x'))).rejects.toThrow(/missing shard 1\/3/);
  });

  it('refuses a shard given twice, naming both directories', async () => {
    const copy = join(root, 'copy-of-1');
    cpSync(shardDir(3, 1), copy, { recursive: true });
    await expect(mergeShards([shardDir(3, 0), shardDir(3, 1), copy, shardDir(3, 2)], join(root, 'x'))).rejects.toThrow(`shard 1/3 is given twice: ${shardDir(3, 1)} and ${copy}`);
  });

  it('refuses a shard of another batch, naming its directory and the field', async () => {
    const foreign = join(root, 'foreign');
    cpSync(shardDir(3, 2), foreign, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(foreign, 'manifest.json'), 'utf8'));
    writeFileSync(join(foreign, 'manifest.json'), JSON.stringify({ ...manifest, seed: '43' }));
    await expect(mergeShards([shardDir(3, 0), shardDir(3, 1), foreign], join(root, 'x'))).rejects.toThrow(`${foreign}: seed is "43"`);
    await expect(mergeShards([shardDir(3, 0), shardDir(2, 1)], join(root, 'x'))).rejects.toThrow(/shard count is 2, but .* has 3/);
  });

  it('refuses an unfinished shard directory, and one that is not there', async () => {
    mkdirSync(join(root, 'unfinished'));
    await expect(mergeShards([shardDir(2, 0), join(root, 'unfinished')], join(root, 'x'))).rejects.toThrow(/unfinished: no manifest\.json: the shard is not finished/);
    await expect(mergeShards([shardDir(2, 0), join(root, 'nowhere')], join(root, 'x'))).rejects.toThrow(/nowhere: no such folder; expected a shard's folder/);
  });
});

describe('shards of a --timeseries all batch with variants', () => {
  const root = mkdtempSync(join(tmpdir(), 'computerace-shards-all-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('merge every monthly table (providers, suppliers and chips too) into the bytes of one machine\'s batch', async () => {
    const all = { scenario: fileURLToPath(new URL('../../scenarios/multicloud-vs-exclusive.yaml', import.meta.url)), runs: 7, seed: 5, blockSize: 2, timeseries: 'all', workers: 0 } as const;
    const single = join(root, 'single');
    const outcome = await runBatch({ ...all, out: single });
    const files = [...batchTables(outcome.description).map((name) => `${name}.arrow`), 'summary.json'];
    expect(files).toEqual(['runs.arrow', 'market.arrow', 'labs.arrow', 'providers.arrow', 'suppliers.arrow', 'chips.arrow', 'events.arrow', 'tenders.arrow', 'bids.arrow', 'summary.json']);
    const shards = [0, 1, 2].map((index) => join(root, `shard-${index}`));
    for (const [index, out] of shards.entries()) await runBatch({ ...all, shard: { index, count: 3 }, out });
    const merged = join(root, 'merged');
    await mergeShards(shards, merged);
    for (const file of files) expect(readFileSync(join(merged, file)).equals(readFileSync(join(single, file))), file).toBe(true);
  }, 120_000);
});
