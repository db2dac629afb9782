import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TABLE_NAMES } from '../../src/io/layout.js';
import type { TableName } from '../../src/io/layout.js';
import { fileDigest, readManifest, verifyBatchFiles } from '../../src/io/manifest.js';
import type { Manifest } from '../../src/io/outputs.js';

const root = mkdtempSync(join(tmpdir(), 'computerace-manifest-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Every kind of actor kept: the batch writes every table. */
const DESCRIPTION = { variants: ['baseline'], labs: [], providers: [], suppliers: [], chips: [], shocks: [], strategies: [], policies: { fields: [], values: [], notes: [] }, parameters: [], timeseriesKinds: ['market', 'lab', 'provider', 'supplier', 'chip'] };
/** The size of the file of table `name` in batchFolder. */
const bytesOf = (name: TableName): number => 1000 + 100 * TABLE_NAMES.indexOf(name);

/** A folder of every table's file, of distinct bytes, and a manifest recording their sizes and hashes as a batch does. */
function batchFolder(name: string): { dir: string; manifest: Manifest } {
  const dir = join(root, name);
  mkdirSync(dir);
  const files: Manifest['files'] = {};
  for (const [i, table] of TABLE_NAMES.entries()) {
    const bytes = Buffer.alloc(bytesOf(table), i + 1);
    writeFileSync(join(dir, `${table}.arrow`), bytes);
    files[`${table}.arrow`] = { rows: i, bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
  const manifest = { engineVersion: '0.1.0', engineBuild: '0123456789abcdef', scenarioName: 's', scenarioHash: 'h', scenario: {}, seed: '1', runs: 1, variants: ['baseline'], design: 'independent', timeseries: 'none', blockSize: 1, commandLine: [], workers: 0, startedAt: 't', finishedAt: 't', runsDone: 1, files, node: 'v', platform: 'p', description: DESCRIPTION } as Manifest;
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return { dir, manifest };
}

describe('a batch folder checked against its manifest', () => {
  it('hashes a file as sha256 of its bytes', async () => {
    const path = join(root, 'hashed.bin');
    writeFileSync(path, Buffer.alloc(3_000_000, 7));
    expect(await fileDigest(path)).toEqual({ bytes: 3_000_000, sha256: createHash('sha256').update(readFileSync(path)).digest('hex') });
  });

  it('passes when every table is the one the manifest records, and reads the manifest back', async () => {
    const { dir, manifest } = batchFolder('intact');
    expect(await verifyBatchFiles(dir, manifest)).toBeUndefined();
    expect(await readManifest(dir)).toEqual(manifest);
  });

  const damages: [string, (dir: string) => void, (dir: string) => string][] = [
    ['a deleted table', (dir) => rmSync(join(dir, 'runs.arrow')), (dir) => `${join(dir, 'runs.arrow')} is missing`],
    ['an emptied table', (dir) => writeFileSync(join(dir, 'runs.arrow'), ''), (dir) => `${join(dir, 'runs.arrow')} has 0 bytes, but the manifest records 1000`],
    ['a truncated table', (dir) => truncateSync(join(dir, 'events.arrow'), 10), (dir) => `${join(dir, 'events.arrow')} has 10 bytes, but the manifest records ${bytesOf('events')}`],
    ['a table with 8 bytes changed, of the same size', (dir) => {
      const bytes = readFileSync(join(dir, 'tenders.arrow'));
      bytes.fill(0xff, 500, 508);
      writeFileSync(join(dir, 'tenders.arrow'), bytes);
    }, (dir) => `${join(dir, 'tenders.arrow')}: its SHA-256 is not the one the manifest records (the file changed after it was written)`],
    ['another batch\'s table of the same size copied in', (dir) => {
      writeFileSync(join(dir, 'bids.arrow'), Buffer.alloc(bytesOf('bids'), 99));
    }, (dir) => `${join(dir, 'bids.arrow')}: its SHA-256 is not the one the manifest records (the file changed after it was written)`],
  ];
  for (const [what, damage, problem] of damages) {
    it(`names ${what}`, async () => {
      const { dir, manifest } = batchFolder(what.replace(/\W+/g, '-'));
      damage(dir);
      expect(await verifyBatchFiles(dir, manifest)).toBe(problem(dir));
    });
  }

  it('does not trust a manifest that records no hashes', async () => {
    const { dir, manifest } = batchFolder('unhashed');
    const { sha256: _, ...rest } = manifest.files['runs.arrow']!;
    const older = { ...manifest, files: { ...manifest.files, 'runs.arrow': rest as Manifest['files'][string] } };
    expect(await verifyBatchFiles(dir, older)).toBe(`${join(dir, 'manifest.json')} records no content hash for runs.arrow (written by an older computerace)`);
  });

  it('checks only the tables the batch wrote: a batch that kept the labs\' monthly series has no providers.arrow', async () => {
    const { dir, manifest } = batchFolder('summary');
    const { 'providers.arrow': _p, 'suppliers.arrow': _s, 'chips.arrow': _c, ...files } = manifest.files;
    for (const name of ['providers', 'suppliers', 'chips']) rmSync(join(dir, `${name}.arrow`));
    const summary = { ...manifest, files, description: { ...manifest.description!, timeseriesKinds: ['market', 'lab'] } } as Manifest;
    expect(await verifyBatchFiles(dir, summary)).toBeUndefined();
    // A table the batch does not write, listed in its manifest, is not its.
    expect(await verifyBatchFiles(dir, { ...summary, files: manifest.files })).toMatch(/records the tables of an older computerace/);
  });

  it('reads an older computerace\'s manifest (one wide timeseries.arrow, no shocks described) but does not trust its tables', async () => {
    const { dir, manifest } = batchFolder('older');
    const { shocks: _, ...description } = manifest.description!;
    const older = { ...manifest, description, files: { 'runs.arrow': manifest.files['runs.arrow']!, 'timeseries.arrow': manifest.files['runs.arrow']! } } as unknown as Manifest;
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(older));
    expect(await readManifest(dir)).toEqual(older);
    expect(await verifyBatchFiles(dir, older)).toBe(`${join(dir, 'manifest.json')} records the tables of an older computerace (runs.arrow, timeseries.arrow)`);
  });

  it('is not one of computerace\'s when its manifest is not JSON, lacks its fields, or is not a regular file', async () => {
    const { dir } = batchFolder('foreign');
    writeFileSync(join(dir, 'manifest.json'), '{"files": {}');
    await expect(readManifest(dir)).rejects.toThrow(`${join(dir, 'manifest.json')}: not a manifest computerace wrote (not valid JSON)`);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ name: 'a scenario', seed: 1 }));
    await expect(readManifest(dir)).rejects.toThrow(`${join(dir, 'manifest.json')}: not a manifest computerace wrote (no 'engineVersion' text)`);
    rmSync(join(dir, 'manifest.json'));
    expect(await readManifest(dir)).toBeUndefined();
  });
});
