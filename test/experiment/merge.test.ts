import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/experiment/batch.js';
import { mergeShards, ShardMismatch } from '../../src/experiment/merge.js';
import { OutputError } from '../../src/io/outputs.js';
import { batchTables } from '../../src/io/layout.js';

/**
 * Merge takes nothing of a shard on trust: each case below is a shard directory as a hostile or
 * unlucky user left it (the cases of issue 19), which merge used to accept and now refuses in one
 * line naming the shard directory and file, writing nothing.
 */

const SCENARIO = fileURLToPath(new URL('../../scenarios/openai-multicloud-2025.yaml', import.meta.url));
// 15 runs in blocks of 5: three shards of 5 runs each.
const BATCH = { scenario: SCENARIO, runs: 15, seed: 7, blockSize: 5, timeseries: 'summary', workers: 0 } as const;

const root = mkdtempSync(join(tmpdir(), 'computerace-merge-'));
const shard = (index: number): string => join(root, `shard-${index}`);
const seed8 = join(root, 'seed8-1');
const otherScenario = join(root, 'other-2');

beforeAll(async () => {
  for (const index of [0, 1, 2]) await runBatch({ ...BATCH, shard: { index, count: 3 }, out: shard(index) });
  await runBatch({ ...BATCH, seed: 8, shard: { index: 1, count: 3 }, out: seed8 });
  await runBatch({ ...BATCH, set: ['providers.azure.pricing.margin=0.31'], shard: { index: 2, count: 3 }, out: otherScenario });
}, 180_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A copy of a shard directory, to damage. */
function copy(from: string, name: string): string {
  const to = join(root, name);
  cpSync(from, to, { recursive: true });
  return to;
}

const readJson = (path: string): Record<string, any> => JSON.parse(readFileSync(path, 'utf8'));
const editManifest = (dir: string, edit: (manifest: Record<string, any>) => Record<string, any>): void => {
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(edit(readJson(join(dir, 'manifest.json'))), null, 2));
};

let outs = 0;
/** Merges `dirs` into a new folder; returns the refusal, having checked it is one line and that nothing was written. */
async function refusal(dirs: string[]): Promise<Error> {
  const out = join(root, `out-${outs++}`);
  const error = await mergeShards(dirs, out).then(() => undefined, (error: unknown) => error);
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).not.toContain('\n');
  expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  return error as Error;
}

describe('merge', () => {
  it('records the size and SHA-256 of each merged file in the manifest, as written', async () => {
    const out = join(root, 'merged');
    const outcome = await mergeShards([shard(0), shard(1), shard(2)], out);
    expect(outcome.runs).toBe(15);
    const { files } = readJson(join(out, 'manifest.json'));
    expect(Object.keys(files)).toEqual(['runs.arrow', 'market.arrow', 'labs.arrow', 'events.arrow', 'tenders.arrow', 'bids.arrow']);
    for (const name of batchTables(outcome.description)) {
      const bytes = readFileSync(join(out, `${name}.arrow`));
      expect(files[`${name}.arrow`], name).toEqual({ rows: outcome.rows[name], bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') });
    }
  });

  it('refuses a shard whose runs.arrow was emptied (: > s1/runs.arrow)', async () => {
    const emptied = copy(shard(1), 'emptied');
    writeFileSync(join(emptied, 'runs.arrow'), '');
    const recorded = readJson(join(emptied, 'manifest.json')).files['runs.arrow'].bytes;
    const error = await refusal([shard(0), emptied, shard(2)]);
    expect(error).toBeInstanceOf(ShardMismatch);
    expect(error.message).toBe(`${join(emptied, 'runs.arrow')} has 0 bytes, but the manifest records ${recorded}: run that shard again`);
  });

  it('refuses a seed-8 shard whose manifest was edited to say seed 7', async () => {
    const edited = copy(seed8, 'seed8-as-7');
    editManifest(edited, (manifest) => ({ ...manifest, seed: '7' }));
    const error = await refusal([shard(0), edited, shard(2)]);
    expect(error.message).toBe(`${join(edited, 'runs.arrow')}: its seed is "8", but the manifest says "7": the file and the manifest are of different batches`);
  });

  it('refuses a shard another build of the engine wrote, though its version is the same', async () => {
    // What another build writes, as its manifest records it (its tables' metadata would say so too).
    const other = copy(shard(1), 'other-build');
    editManifest(other, (manifest) => ({ ...manifest, engineBuild: 'fedcba9876543210' }));
    const ours = readJson(join(shard(0), 'manifest.json')).engineBuild;
    expect(ours).toMatch(/^[0-9a-f]{16}$/);
    expect((await refusal([shard(0), other, shard(2)])).message).toBe(`${other}: engineBuild is "fedcba9876543210", but ${shard(0)} has "${ours}": not a shard of the same batch`);
  });

  it('refuses shard 0 copied in as shard 1: its runs are not shard 1\'s', async () => {
    const copied = copy(shard(0), 'shard-0-as-1');
    editManifest(copied, (manifest) => ({ ...manifest, shard: { ...manifest.shard, index: 1 } }));
    expect((await refusal([shard(0), copied, shard(2)])).message).toBe(`${join(copied, 'manifest.json')}: shard 1/3 of 15 runs is runs 5-9, but the manifest records runs 0-4 and 5 done`);
    // With the range edited to match, the rows themselves give it away.
    editManifest(copied, (manifest) => ({ ...manifest, shard: { index: 1, count: 3, firstRun: 5, runs: 5 } }));
    expect((await refusal([shard(0), copied, shard(2)])).message).toBe(`${join(copied, 'runs.arrow')}: row 0 is run 0 of variant 0, but the shard's runs are 5-9 in order, each once per variant: run that shard again`);
  });

  it('refuses another scenario\'s shard with its hash edited', async () => {
    const edited = copy(otherScenario, 'other-scenario-hash');
    const { scenarioHash, scenario } = readJson(join(shard(2), 'manifest.json'));
    const theirs = readJson(join(edited, 'manifest.json')).scenarioHash;
    expect(theirs).not.toBe(scenarioHash);
    editManifest(edited, (manifest) => ({ ...manifest, scenarioHash }));
    expect((await refusal([shard(0), shard(1), edited])).message).toBe(`${join(edited, 'manifest.json')}: its scenarioHash is not the hash of its scenario (the manifest was edited)`);
    // With the scenario edited too, the Arrow files still say which scenario they ran.
    editManifest(edited, (manifest) => ({ ...manifest, scenarioHash, scenario }));
    expect((await refusal([shard(0), shard(1), edited])).message).toBe(`${join(edited, 'runs.arrow')}: its scenarioHash is "${theirs}", but the manifest says "${scenarioHash}": the file and the manifest are of different batches`);
  });

  it('refuses a shard with another shard\'s runs.arrow copied in', async () => {
    const mixed = copy(shard(1), 'runs-of-2');
    cpSync(join(shard(2), 'runs.arrow'), join(mixed, 'runs.arrow'));
    const error = await refusal([shard(0), mixed, shard(2)]);
    expect(error.message).toMatch(new RegExp(`^${join(mixed, 'runs.arrow')}(: its SHA-256 is not the one the manifest records| has \\d+ bytes, but the manifest records \\d+)`));
  });

  it('refuses a shard with 8 bytes flipped mid-file', async () => {
    const flipped = copy(shard(2), 'flipped');
    const path = join(flipped, 'labs.arrow');
    const bytes = readFileSync(path);
    const middle = Math.floor(bytes.byteLength / 2);
    for (let i = middle; i < middle + 8; i++) bytes[i] = bytes[i]! ^ 0xff;
    writeFileSync(path, bytes);
    expect((await refusal([shard(0), shard(1), flipped])).message).toBe(`${path}: its SHA-256 is not the one the manifest records (the file changed after it was written): run that shard again`);
  });

  it('refuses a table of random bytes even when the manifest was edited to its hash: never reads it', async () => {
    const random = copy(shard(1), 'random');
    const noise = createHash('sha512').update('noise').digest();
    const bytes = Buffer.concat(Array.from({ length: 2000 }, () => noise));
    writeFileSync(join(random, 'runs.arrow'), bytes);
    editManifest(random, (manifest) => ({ ...manifest, files: { ...manifest.files, 'runs.arrow': { ...manifest.files['runs.arrow'], bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') } } }));
    expect((await refusal([shard(0), random, shard(2)])).message).toBe(`${join(random, 'runs.arrow')}: not an Arrow IPC file (no ARROW1 magic at its start): run that shard again`);
  }, 20_000);

  it('refuses a manifest whose row counts are not the files\'', async () => {
    const miscounted = copy(shard(0), 'miscounted');
    editManifest(miscounted, (manifest) => ({ ...manifest, files: { ...manifest.files, 'events.arrow': { ...manifest.files['events.arrow'], rows: 1 } } }));
    const rows = readJson(join(shard(0), 'manifest.json')).files['events.arrow'].rows;
    expect((await refusal([miscounted, shard(1), shard(2)])).message).toBe(`${join(miscounted, 'events.arrow')}: ${rows} rows, but the manifest records 1: run that shard again`);
  });

  it('refuses a garbage manifest in one line', async () => {
    const garbage = copy(shard(0), 'garbage');
    writeFileSync(join(garbage, 'manifest.json'), '{ "seed": 7, ');
    const error = await refusal([garbage, shard(1), shard(2)]);
    expect(error).toBeInstanceOf(ShardMismatch);
    expect(error.message).toBe(`${join(garbage, 'manifest.json')}: not a manifest computerace wrote (not valid JSON)`);
  });

  it('refuses a shard a batch is still writing, and an --out another batch holds or that is one of the shards', async () => {
    const busy = copy(shard(0), 'busy');
    // Held by a live process that is not this one: the tests' parent.
    writeFileSync(join(busy, '.lock'), `${process.ppid} ${(await import('node:os')).hostname()}\n`);
    expect((await refusal([busy, shard(1), shard(2)])).message).toBe(`'${busy}' is in use by pid ${process.ppid}: a computerace batch, merge or report is using it; wait for it to end or choose another folder`);
    const held = join(root, 'held');
    await mergeShards([shard(0), shard(1), shard(2)], held);
    const manifest = readFileSync(join(held, 'manifest.json'), 'utf8');
    writeFileSync(join(held, '.lock'), `${process.ppid} ${(await import('node:os')).hostname()}\n`);
    const error = await mergeShards([shard(0), shard(1), shard(2)], held).catch((error: unknown) => error);
    expect(error).toBeInstanceOf(OutputError);
    expect((error as Error).message).toBe(`'${held}' is in use by pid ${process.ppid}: a computerace batch, merge or report is using it; wait for it to end or choose another folder`);
    expect(readFileSync(join(held, 'manifest.json'), 'utf8')).toBe(manifest);
    await expect(mergeShards([shard(0), shard(1), shard(2)], shard(1))).rejects.toThrow(`the output folder ${shard(1)} is one of the shard folders: merge into another folder`);
  });
});
