import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/experiment/batch.js';
import { mergeShards } from '../../src/experiment/merge.js';
import { uncertainParameters } from '../support/scenarios.js';

// A Saltelli design is a function of the run index alone, so its batches keep the engine's promise:
// the same bytes from any number of workers, and from shards merged. Blocks of 20 cut the groups of
// k + 2 runs (k uncertain parameters) anywhere.
const SCENARIO = fileURLToPath(new URL('../../scenarios/openai-multicloud-2025.yaml', import.meta.url));
const K = uncertainParameters(SCENARIO).length;
const BATCH = { scenario: SCENARIO, runs: 2 * (K + 2), seed: 3, blockSize: 20, timeseries: 'summary', design: 'sobol' } as const;
// A summary batch's tables: the runs, the market's and the labs' monthly series, events, tenders and bids.
const COMPARED = ['runs.arrow', 'market.arrow', 'labs.arrow', 'events.arrow', 'tenders.arrow', 'bids.arrow', 'summary.json'] as const;

describe('a sobol batch', () => {
  const root = mkdtempSync(join(tmpdir(), 'computerace-sobol-'));
  const dir = (name: string): string => join(root, name);
  const shards = [0, 1, 2].map((index) => dir(`shard-${index}`));

  beforeAll(async () => {
    await runBatch({ ...BATCH, workers: 0, out: dir('inline') });
    await runBatch({ ...BATCH, workers: 2, out: dir('two') });
    for (const [index, out] of shards.entries()) await runBatch({ ...BATCH, workers: 0, shard: { index, count: 3 }, out });
    await mergeShards(shards, dir('merged'));
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes the same bytes with 0 and 2 workers, and merged from 3 shards', () => {
    for (const file of COMPARED) {
      const inline = readFileSync(join(dir('inline'), file));
      expect(readFileSync(join(dir('two'), file)).equals(inline), file).toBe(true);
      expect(readFileSync(join(dir('merged'), file)).equals(inline), file).toBe(true);
    }
  });

  it('records its base samples and columns in the manifest and the Arrow metadata, so a reader can rebuild its matrices', () => {
    const manifest = JSON.parse(readFileSync(join(dir('inline'), 'manifest.json'), 'utf8'));
    expect(manifest.design).toBe('sobol');
    expect(manifest.sobol).toEqual({ baseSamples: 2, parameters: manifest.description.parameters });
    expect(manifest.sobol.parameters).toHaveLength(K);
    expect(JSON.parse(readFileSync(join(dir('merged'), 'manifest.json'), 'utf8')).sobol).toEqual(manifest.sobol);
    const metadata = tableFromIPC(readFileSync(join(dir('inline'), 'runs.arrow'))).schema.metadata;
    expect(metadata.get('computerace.design')).toBe('sobol');
    expect(JSON.parse(metadata.get('computerace.sobol')!)).toEqual(manifest.sobol);
  });

  it('is recognised as finished by --resume: its provenance reads back from the manifest as written', async () => {
    const before = readFileSync(join(dir('inline'), 'manifest.json'), 'utf8');
    const outcome = await runBatch({ ...BATCH, workers: 0, out: dir('inline'), resume: true });
    expect(outcome.runs).toBe(2 * (K + 2));
    expect(readFileSync(join(dir('inline'), 'manifest.json'), 'utf8')).toBe(before);
  });

  it('is refused by merge when a shard ran another design', async () => {
    const manifest = JSON.parse(readFileSync(join(shards[2]!, 'manifest.json'), 'utf8'));
    expect(manifest.sobol.baseSamples).toBe(2);
    // An independent batch's manifest has no sobol field at all.
    const independent = dir('independent');
    await runBatch({ ...BATCH, design: 'independent', workers: 0, shard: { index: 2, count: 3 }, out: independent });
    expect(JSON.parse(readFileSync(join(independent, 'manifest.json'), 'utf8')).sobol).toBeUndefined();
    await expect(mergeShards([shards[0]!, shards[1]!, independent], dir('mixed'))).rejects.toThrow(/design is "independent", but .* has "sobol"/);
  });
});
