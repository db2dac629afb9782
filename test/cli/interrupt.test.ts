import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/experiment/batch.js';
import { bin, computerace } from '../support/cli.js';

/**
 * Ctrl-C (SIGINT) and a scheduler's SIGTERM stop a batch run without --resume, keeping every block
 * it wrote; the one line it prints ends with the command that continues it, and that command ends
 * with the bytes of an uninterrupted batch.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const scenario = join(root, 'scenarios', 'openai-multicloud-2025.yaml');
const TABLES = ['runs.arrow', 'market.arrow', 'labs.arrow', 'events.arrow', 'tenders.arrow', 'bids.arrow'] as const;
const BATCH = ['--runs', '40', '--seed', '3', '--block-size', '5', '--workers', '1', '--quiet'];

const temp = mkdtempSync(join(tmpdir(), 'computerace-interrupt-'));
const reference = join(temp, 'reference');
beforeAll(async () => {
  await runBatch({ scenario, runs: 40, seed: 3, blockSize: 5, workers: 0, out: reference });
}, 120_000);
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** Starts `computerace ARGS` and sends it `signals` once its first block is in its runs table; its exit code and what it printed. */
async function interrupted(args: string[], out: string, signals: NodeJS.Signals[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let [stdout, stderr] = ['', ''];
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // An Arrow file holds its magic (8 bytes) until the first record batch: then the first block is written.
  const partial = join(out, 'runs.arrow.partial');
  const written = (): boolean => existsSync(partial) && statSync(partial).size > 8;
  const deadline = Date.now() + 90_000;
  while (!written() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(written()).toBe(true);
  for (const signal of signals) child.kill(signal);
  return { status: await exited, stdout, stderr };
}

/** The command an interrupted batch printed, as words (the paths here need no quoting). */
function printedCommand(stderr: string): { kept: number; words: string[] } {
  const match = /^computerace: interrupted: (\d+) of 40 runs are kept in (.*); continue with: computerace (.*)\n$/.exec(stderr);
  expect(match, stderr).not.toBeNull();
  return { kept: Number(match![1]), words: match![3]!.split(' ') };
}

const sameBytes = (dir: string): void => {
  for (const file of [...TABLES, 'summary.json']) expect(readFileSync(join(dir, file)).equals(readFileSync(join(reference, file))), file).toBe(true);
};

describe('an interrupted batch', () => {
  it('stops on Ctrl-C with exit code 130, keeps the blocks written and prints the command that continues it to the bytes of an uninterrupted run', async () => {
    const out = join(temp, 'ctrl-c');
    const args = ['run', scenario, ...BATCH, '--out', out];
    const { status, stdout, stderr } = await interrupted(args, out, ['SIGINT']);
    expect(status).toBe(130);
    expect(stdout).toBe('');
    const { kept, words } = printedCommand(stderr);
    expect(stderr).toContain(`kept in ${join(out, '.checkpoint')};`);
    expect(words).toEqual([...args, '--resume']);
    // Whole blocks, kept as a valid Arrow file; nothing else in the folder.
    expect(kept % 5).toBe(0);
    expect(kept).toBeGreaterThanOrEqual(5);
    expect(tableFromIPC(readFileSync(join(out, '.checkpoint', '0.blocks', 'runs.arrow'))).numRows).toBe(kept);
    expect(readdirSync(out)).toEqual(['.checkpoint']);
    const resumed = await computerace(...words);
    expect(resumed.stderr).toBe('');
    expect(resumed.status).toBe(0);
    // The rate counts the runs this process ran; those restored took no time and are counted apart.
    expect(resumed.stdout).toMatch(new RegExp(`40 runs x 1 variant\\(s\\) in [\\d.]+ s \\(\\d+ runs/s; ${kept} restored from the checkpoint\\)`));
    sameBytes(out);
    expect(existsSync(join(out, '.checkpoint'))).toBe(false);
  });

  it('stops on SIGTERM, twice, as a scheduler sends it, keeping its blocks; --resume refuses other options, continues with its own, and then has nothing to do', async () => {
    const out = join(temp, 'sigterm');
    const args = ['run', scenario, ...BATCH, '--out', out];
    const { status, stderr } = await interrupted(args, out, ['SIGTERM', 'SIGTERM']);
    expect(status).toBe(130);
    const { kept, words } = printedCommand(stderr);
    expect(tableFromIPC(readFileSync(join(out, '.checkpoint', '0.blocks', 'runs.arrow'))).numRows).toBe(kept);
    const other = await computerace(...args, '--seed', '4', '--resume');
    expect(other.stderr).toBe(`computerace: '${out}' holds the checkpoint of another batch (seed: 3 there, 4 here): run without --resume to start this one afresh, or choose another --out\n`);
    expect(other.status).toBe(2);
    expect((await computerace(...words)).status).toBe(0);
    sameBytes(out);
    const again = await computerace(...words);
    expect(again.stderr).toBe('');
    expect(again.stdout).toBe(`${out} already holds this batch, finished: nothing to do\n`);
    expect(again.status).toBe(0);
    const otherRuns = await computerace(...args.map((word) => (word === '40' ? '45' : word)), '--resume');
    expect(otherRuns.stderr).toBe(`computerace: '${out}' holds another batch (runs per variant: 40 there, 45 here): run without --resume to replace it, or choose another --out\n`);
    expect(otherRuns.status).toBe(2);
    sameBytes(out);
  });
});
