import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/experiment/batch.js';

/** A batch folder over its life: finished only when its files are the ones its manifest records, never an old record beside new tables. */

const SCENARIO = fileURLToPath(new URL('../../scenarios/openai-multicloud-2025.yaml', import.meta.url));
const BATCH = { scenario: SCENARIO, runs: 10, seed: 3, blockSize: 5, timeseries: 'none', workers: 0 } as const;
// --timeseries none: no monthly tables.
const FILES = ['runs.arrow', 'events.arrow', 'tenders.arrow', 'bids.arrow', 'summary.json'] as const;

const root = mkdtempSync(join(tmpdir(), 'computerace-records-'));
const finished = join(root, 'finished');

beforeAll(async () => {
  await runBatch({ ...BATCH, out: finished });
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sameBytes = (a: string, b: string): void => {
  for (const file of FILES) expect(readFileSync(join(a, file)).equals(readFileSync(join(b, file))), file).toBe(true);
};

describe('a batch folder', () => {
  it('is left as it is by --resume when its files are the ones its manifest records', async () => {
    const dir = join(root, 'intact');
    cpSync(finished, dir, { recursive: true });
    const before = statSync(join(dir, 'runs.arrow')).mtimeMs;
    const notices: string[] = [];
    const outcome = await runBatch({ ...BATCH, out: dir, resume: true, onNotice: (notice) => notices.push(notice) });
    expect(outcome.runs).toBe(10);
    expect(notices).toEqual([]);
    expect(statSync(join(dir, 'runs.arrow')).mtimeMs).toBe(before);
  });

  it('is run again by --resume, saying why, when its runs.arrow was deleted and its events.arrow truncated', async () => {
    const dir = join(root, 'damaged');
    cpSync(finished, dir, { recursive: true });
    rmSync(join(dir, 'runs.arrow'));
    truncateSync(join(dir, 'events.arrow'), 100);
    const notices: string[] = [];
    const outcome = await runBatch({ ...BATCH, out: dir, resume: true, onNotice: (notice) => notices.push(notice) });
    expect(notices).toEqual([`${join(dir, 'runs.arrow')} is missing: running the batch again`]);
    expect(outcome.rows.runs).toBe(10);
    sameBytes(dir, finished);
    // Finished again, and whole: a second --resume finds nothing to say.
    const again: string[] = [];
    await runBatch({ ...BATCH, out: dir, resume: true, onNotice: (notice) => again.push(notice) });
    expect(again).toEqual([]);
  });

  it('is run again by --resume when only a truncated table betrays it, or its summary is garbage', async () => {
    const dir = join(root, 'truncated');
    cpSync(finished, dir, { recursive: true });
    const size = statSync(join(dir, 'events.arrow')).size;
    truncateSync(join(dir, 'events.arrow'), 1000);
    const notices: string[] = [];
    await runBatch({ ...BATCH, out: dir, resume: true, onNotice: (notice) => notices.push(notice) });
    expect(notices).toEqual([`${join(dir, 'events.arrow')} has 1000 bytes, but the manifest records ${size}: running the batch again`]);
    sameBytes(dir, finished);
    writeFileSync(join(dir, 'summary.json'), 'not json');
    notices.length = 0;
    await runBatch({ ...BATCH, out: dir, resume: true, onNotice: (notice) => notices.push(notice) });
    expect(notices).toEqual([`${join(dir, 'summary.json')} is not valid JSON: running the batch again`]);
    sameBytes(dir, finished);
  });

  it('loses the report of the batch it held when another batch replaces it: no stale report beside new data', async () => {
    const dir = join(root, 'reported');
    cpSync(finished, dir, { recursive: true });
    writeFileSync(join(dir, 'report.html'), '<html>the batch of seed 3</html>');
    await runBatch({ ...BATCH, seed: 4, out: dir });
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).seed).toBe('4');
    expect(readdirSync(dir).sort()).toEqual(['bids.arrow', 'events.arrow', 'manifest.json', 'runs.arrow', 'summary.json', 'tenders.arrow']);
  });

  it('removes the monthly tables it does not write from a folder that held them, and an older computerace\'s timeseries.arrow', async () => {
    const dir = join(root, 'narrower');
    await runBatch({ ...BATCH, timeseries: 'all', out: dir });
    expect(readdirSync(dir)).toEqual(expect.arrayContaining(['market.arrow', 'labs.arrow', 'providers.arrow', 'suppliers.arrow']));
    writeFileSync(join(dir, 'timeseries.arrow'), 'an older computerace\'s table');
    await runBatch({ ...BATCH, timeseries: 'summary', out: dir });
    expect(readdirSync(dir).sort()).toEqual(['bids.arrow', 'events.arrow', 'labs.arrow', 'manifest.json', 'market.arrow', 'runs.arrow', 'summary.json', 'tenders.arrow']);
    expect(Object.keys(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).files)).toEqual(['runs.arrow', 'market.arrow', 'labs.arrow', 'events.arrow', 'tenders.arrow', 'bids.arrow']);
  });
});
