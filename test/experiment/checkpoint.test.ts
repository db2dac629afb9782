import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/experiment/batch.js';
import type { BatchOptions, BatchProgress } from '../../src/experiment/batch.js';
import { BatchInterrupted } from '../../src/experiment/interruption.js';
import { OutputError } from '../../src/io/errors.js';

/**
 * An interrupted batch keeps every block it wrote, and --resume continues it to the bytes of an
 * uninterrupted batch: a batch without checkpoints by finishing the files it was writing as one
 * saved range, a batch with --resume by the blocks it saved as it went, and a mix of the two.
 * --resume leaves a finished batch alone and refuses another batch's folder.
 */

const SCENARIO = fileURLToPath(new URL('../../scenarios/openai-multicloud-2025.yaml', import.meta.url));
const BATCH = { scenario: SCENARIO, runs: 20, seed: 5, blockSize: 5, timeseries: 'summary', workers: 0 } as const;
// The tables of --timeseries summary (the market's and the labs' monthly series), then the summary.
const FILES = ['runs.arrow', 'market.arrow', 'labs.arrow', 'events.arrow', 'tenders.arrow', 'bids.arrow', 'summary.json'] as const;

const root = mkdtempSync(join(tmpdir(), 'computerace-checkpoint-'));
const reference = join(root, 'reference');
beforeAll(async () => {
  await runBatch({ ...BATCH, out: reference });
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sameBytes = (dir: string): void => {
  for (const file of FILES) expect(readFileSync(join(dir, file)).equals(readFileSync(join(reference, file))), file).toBe(true);
};

/** Every name under `dir`, recursively. */
const tree = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();

/** Runs the batch and interrupts it (as Ctrl-C would) once `runs` runs are written; returns what it threw. */
async function interruptAt(runs: number, options: Partial<BatchOptions>): Promise<BatchInterrupted> {
  const interruption = new AbortController();
  const onProgress = (progress: BatchProgress): void => {
    if (progress.runs >= runs) interruption.abort();
  };
  const thrown = await runBatch({ ...BATCH, ...options, signal: interruption.signal, onProgress }).catch((error: unknown) => error);
  expect(thrown).toBeInstanceOf(BatchInterrupted);
  return thrown as BatchInterrupted;
}

/** Each file under `dir` with a hash of its bytes. */
const contents = (dir: string): string[] =>
  tree(dir).map((name) => (statSync(join(dir, name)).isDirectory() ? name : `${name} ${createHash('sha256').update(readFileSync(join(dir, name))).digest('hex')}`));

/** The rows of a saved table file. */
const rowsOf = (path: string): number => tableFromIPC(readFileSync(path)).numRows;

describe('an interrupted batch', () => {
  it('without checkpoints keeps the files it was writing as one saved range, and --resume continues it to the bytes of an uninterrupted batch', async () => {
    const out = join(root, 'plain');
    const interrupted = await interruptAt(10, { out });
    expect([interrupted.runsKept, interrupted.total, interrupted.checkpoint, interrupted.problem]).toEqual([10, 20, join(out, '.checkpoint'), undefined]);
    // Only the checkpoint: no table that looks finished, no partial file.
    expect(tree(out)).toEqual(['.checkpoint', '.checkpoint/0.blocks', ...[...FILES.slice(0, 6), 'digests.json'].map((file) => `.checkpoint/0.blocks/${file}`).sort(), '.checkpoint/batch.json'].sort());
    // Whole Arrow files, holding the runs written, in order.
    const saved = tableFromIPC(readFileSync(join(out, '.checkpoint', '0.blocks', 'runs.arrow')));
    expect(saved.getChild('run')!.toArray()).toEqual(Int32Array.from({ length: 10 }, (_, i) => i));
    expect(rowsOf(join(out, '.checkpoint', '0.blocks', 'labs.arrow'))).toBeGreaterThan(0);
    const heard: BatchProgress[] = [];
    const outcome = await runBatch({ ...BATCH, out, resume: true, onProgress: (progress) => heard.push(progress) });
    expect(outcome.runs).toBe(20);
    expect(outcome.alreadyFinished).toBeUndefined();
    // The restored runs are counted as restored, not as run.
    expect(heard.at(-1)).toMatchObject({ runs: 20, restored: 10, computed: 10, total: 20, variants: 1 });
    sameBytes(out);
    expect(existsSync(join(out, '.checkpoint'))).toBe(false);
  });

  it('interrupted again under --resume keeps the range and the blocks saved after it, and a second --resume finishes to the same bytes', async () => {
    const out = join(root, 'twice');
    expect((await interruptAt(5, { out })).runsKept).toBe(5);
    expect((await interruptAt(15, { out, resume: true })).runsKept).toBe(15);
    expect(readdirSync(join(out, '.checkpoint')).sort()).toEqual(['0.blocks', '10.blocks', '5.blocks', 'batch.json']);
    const heard: BatchProgress[] = [];
    await runBatch({ ...BATCH, out, resume: true, onProgress: (progress) => heard.push(progress) });
    expect(heard.at(-1)?.restored).toBe(15);
    sameBytes(out);
  });

  it('before its first block keeps nothing and leaves nothing behind', async () => {
    const out = join(root, 'early');
    const interruption = new AbortController();
    interruption.abort();
    const thrown = await runBatch({ ...BATCH, out, signal: interruption.signal }).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(BatchInterrupted);
    expect([(thrown as BatchInterrupted).runsKept, (thrown as BatchInterrupted).checkpoint]).toEqual([0, undefined]);
    // Stopped before it started: not even its folder is made (it used to be, empty).
    expect(existsSync(out)).toBe(false);
  });

  it('leaves the finished batch it was to replace as it was, its checkpoint beside it; --resume continues the new batch', async () => {
    const out = join(root, 'rerun');
    cpSync(reference, out, { recursive: true });
    writeFileSync(join(out, 'report.html'), 'the report of seed 5');
    await interruptAt(5, { out, seed: 6 });
    // The finished batch is whole: its manifest, tables and report are still those of seed 5.
    sameBytes(out);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).seed).toBe('5');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toBe('the report of seed 5');
    // --resume with seed 5 finds its batch finished; with seed 6, the checkpoint of seed 6.
    expect((await runBatch({ ...BATCH, out, resume: true })).alreadyFinished).toBe(true);
    const outcome = await runBatch({ ...BATCH, seed: 6, out, resume: true });
    expect(outcome.alreadyFinished).toBeUndefined();
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).seed).toBe('6');
    expect(existsSync(join(out, 'report.html'))).toBe(false);
    expect(existsSync(join(out, '.checkpoint'))).toBe(false);
  });

  describe('with a saved range changed since it was saved, even as a valid Arrow file, --resume keeps the ranges before it and runs the rest again, to the same bytes', () => {
    // Each but the last a valid file of the same table that a reader would take: only the recorded hash tells.
    const damages: [string, (range: string, next: string) => void, RegExp][] = [
      ['its labs series replaced by the next range\'s', (range, next) => cpSync(join(next, 'labs.arrow'), join(range, 'labs.arrow')), /5\.blocks\/labs\.arrow(: its SHA-256 is not the one the checkpoint records| has \d+ bytes, but the checkpoint records \d+)/],
      ['its runs table deleted', (range) => rmSync(join(range, 'runs.arrow')), /5\.blocks\/runs\.arrow is missing/],
      ['its tenders deleted (restored, they would have been lost)', (range) => rmSync(join(range, 'tenders.arrow')), /5\.blocks\/tenders\.arrow is missing/],
      ['its hashes deleted', (range) => rmSync(join(range, 'digests.json')), /5\.blocks\/digests\.json: cannot read \(ENOENT\)/],
      ['its hashes not those of its tables', (range) => writeFileSync(join(range, 'digests.json'), JSON.stringify({ 'runs.arrow': { bytes: 1, sha256: 'f'.repeat(64) }, 'other.arrow': { bytes: 1, sha256: 'f'.repeat(64) } })), /5\.blocks\/digests\.json: not the sizes and hashes of this batch's tables/],
      ['its runs table cut short', (range) => writeFileSync(join(range, 'runs.arrow'), readFileSync(join(range, 'runs.arrow')).subarray(0, 100)), /5\.blocks\/runs\.arrow has 100 bytes, but the checkpoint records \d+/],
    ];
    for (const [what, damage, problem] of damages) {
      it(what, async () => {
        const out = join(root, `edited-${what.replace(/\W/g, '-')}`);
        // Saved as it went: ranges of runs 0-4, 5-9 and 10-14.
        await interruptAt(15, { out, resume: true });
        damage(join(out, '.checkpoint', '5.blocks'), join(out, '.checkpoint', '10.blocks'));
        const heard: BatchProgress[] = [];
        const notices: string[] = [];
        await runBatch({ ...BATCH, out, resume: true, onProgress: (progress) => heard.push(progress), onNotice: (notice) => notices.push(notice) });
        expect(notices).toHaveLength(1);
        expect(notices[0]).toMatch(problem);
        expect(notices[0]).toMatch(/: a damaged checkpoint; its runs from 5 on are run again$/);
        // Runs 0-4 restored, 5-19 run: the files are those of an uninterrupted batch.
        expect(heard.at(-1)).toMatchObject({ runs: 20, restored: 5, computed: 15 });
        sameBytes(out);
        expect(existsSync(join(out, '.checkpoint'))).toBe(false);
      });
    }

    it('a single range kept at an interruption, its runs table removed: all the runs again, not a loop', async () => {
      const out = join(root, 'damaged');
      await interruptAt(5, { out });
      rmSync(join(out, '.checkpoint', '0.blocks', 'runs.arrow'));
      const notices: string[] = [];
      const outcome = await runBatch({ ...BATCH, out, resume: true, onNotice: (notice) => notices.push(notice) });
      expect(notices).toEqual([expect.stringMatching(/0\.blocks\/runs\.arrow is missing: a damaged checkpoint; its runs from 0 on are run again$/)]);
      expect(outcome.restored).toBeUndefined();
      sameBytes(out);
    });
  });
});

describe('--resume', () => {
  it('on a finished batch does nothing and says so', async () => {
    const out = join(root, 'finished');
    cpSync(reference, out, { recursive: true });
    const manifest = readFileSync(join(out, 'manifest.json'), 'utf8');
    const heard: BatchProgress[] = [];
    const outcome = await runBatch({ ...BATCH, workers: 2, out, resume: true, onProgress: (progress) => heard.push(progress) });
    expect(outcome.alreadyFinished).toBe(true);
    expect(outcome.runs).toBe(20);
    expect(heard).toEqual([]);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(manifest);
  });

  const others: [string, Partial<BatchOptions>, string][] = [
    ['another seed', { seed: 9 }, 'seed: 5 there, 9 here'],
    ['more runs', { runs: 25 }, 'runs per variant: 20 there, 25 here'],
    ['other monthly series', { timeseries: 'all' }, 'timeseries: summary there, all here'],
    ['another block size', { blockSize: 4 }, 'block size: 5 there, 4 here'],
    ['an override', { set: ['providers.azure.pricing.margin=0.45'] }, 'scenario field providers.azure.pricing.margin: 0.3 there, 0.45 here'],
    ['a sweep', { sweep: ['providers.azure.pricing.margin=0.3,0.5'] }, 'variants: baseline there, '],
    ['a design', { design: 'lhs' }, 'design: independent there, lhs here'],
  ];
  for (const [what, options, difference] of others) {
    it(`with ${what} than the finished batch in the folder refuses, naming the difference, and changes nothing`, async () => {
      const out = join(root, `other-${what.replace(/\W/g, '-')}`);
      cpSync(reference, out, { recursive: true });
      const before = contents(out);
      const thrown = await runBatch({ ...BATCH, ...options, out, resume: true }).catch((error: unknown) => error);
      expect(thrown).toBeInstanceOf(OutputError);
      expect((thrown as Error).message).toContain(`'${out}' holds another batch (${difference}`);
      expect((thrown as Error).message).toMatch(/\): run without --resume to replace it, or choose another --out$/);
      expect(contents(out)).toEqual(before);
    });
  }

  it('with other options than the checkpoint in the folder refuses, naming the difference, and keeps the checkpoint', async () => {
    const out = join(root, 'other-checkpoint');
    await interruptAt(5, { out });
    const saved = contents(out);
    const thrown = await runBatch({ ...BATCH, seed: 9, out, resume: true }).catch((error: unknown) => error);
    expect((thrown as Error).message).toBe(`'${out}' holds the checkpoint of another batch (seed: 5 there, 9 here): run without --resume to start this one afresh, or choose another --out`);
    expect(contents(out)).toEqual(saved);
    // Without --resume, the batch there is replaced, its checkpoint with it.
    await runBatch({ ...BATCH, seed: 9, out });
    expect(existsSync(join(out, '.checkpoint'))).toBe(false);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).seed).toBe('9');
  });
});
