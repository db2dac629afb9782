import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/experiment/batch.js';
import { bin, computerace as inProcess } from '../support/cli.js';

/**
 * The output folder from the command line, as issue 19 found it: a full disk, a second batch into
 * the same folder, a kill during the final renames, damaged or foreign files. Each ends in one line
 * and exit code 2 (never "internal error"), loses nothing already written, and leaves no folder
 * that looks finished and is not.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const scenario = join(root, 'scenarios', 'openai-multicloud-2025.yaml');
// Gives the process a disk that fills up, or a kill at a rename (see the module).
const faultyDisk = join(root, 'test', 'support', 'faulty-disk.mjs');
// --timeseries none: no monthly tables.
const TABLES = ['runs.arrow', 'events.arrow', 'tenders.arrow', 'bids.arrow'] as const;
const BATCH = ['--runs', '20', '--seed', '7', '--block-size', '5', '--timeseries', 'none', '--workers', '0', '--quiet'];

interface Ran {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `computerace ARGS`, with the faulty disk when `faults` are given. */
async function computerace(args: string[], faults?: Record<string, string>): Promise<Ran> {
  // The faulty disk replaces the fs module's functions of a process: one of its own.
  if (faults === undefined) return { ...(await inProcess(...args)), signal: null };
  const result = spawnSync(process.execPath, ['--import', faultyDisk, bin, ...args], { encoding: 'utf8', env: { ...process.env, ...faults } });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** Checks a failure is one line, exit code 2, no stack trace, no "internal error"; returns the line. */
function oneLine(ran: Ran): string {
  expect(ran.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(ran.stderr.trim().split('\n'), ran.stderr).toHaveLength(1);
  expect(ran.status).toBe(2);
  return ran.stderr.trim();
}

/** Every name under `dir`, recursively, relative to it. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

const temp = mkdtempSync(join(tmpdir(), 'computerace-out-'));
// The batch of BATCH as an uninterrupted run writes it.
const reference = join(temp, 'reference');
afterAll(() => rmSync(temp, { recursive: true, force: true }));
beforeAll(async () => {
  await runBatch({ scenario, runs: 20, seed: 7, blockSize: 5, timeseries: 'none', workers: 0, out: reference });
}, 120_000);

const sameBytes = (dir: string): void => {
  for (const file of [...TABLES, 'summary.json']) expect(readFileSync(join(dir, file)).equals(readFileSync(join(reference, file))), file).toBe(true);
};
const bytesOf = (dir: string, files: readonly string[]): number => files.reduce((sum, file) => sum + statSync(join(dir, file)).size, 0);

describe('a full disk', () => {
  it('keeps every checkpoint of a --resume batch, says in one line how to continue, and the command it gives continues to the bytes of an uninterrupted run', async () => {
    const out = join(temp, 'full');
    // The data is written twice (tables and checkpoints): room for about half of it.
    const ran = await computerace(['run', scenario, ...BATCH, '--resume', '--out', out], { COMPUTERACE_TEST_DISK_BYTES: String(bytesOf(reference, TABLES)) });
    const line = oneLine(ran);
    expect(line).toMatch(/^computerace: cannot write .*: no space left on the device \(ENOSPC\); the blocks written so far are kept: once there is room, continue with: computerace run /);
    const saved = readdirSync(join(out, '.checkpoint')).filter((name) => name.endsWith('.blocks'));
    expect(saved.length).toBeGreaterThanOrEqual(1);
    expect(saved.length).toBeLessThan(4);
    // Nothing half-written, nothing that looks finished.
    expect(tree(out).filter((name) => name.endsWith('.partial') || !name.startsWith('.checkpoint'))).toEqual([]);
    const resume = line.slice(line.indexOf('continue with: computerace ') + 'continue with: computerace '.length).split(' ');
    expect(resume).toEqual(['run', scenario, ...BATCH, '--resume', '--out', out]);
    const resumed = await computerace(resume);
    expect(resumed.stderr).toBe('');
    expect(resumed.status).toBe(0);
    sameBytes(out);
    expect(existsSync(join(out, '.checkpoint'))).toBe(false);
  });

  it('at the JSON step leaves no manifest.json.partial and no summary without its manifest', async () => {
    const out = join(temp, 'full-at-json');
    // Room for the tables, the summary and the lock, not the manifest.
    const room = bytesOf(reference, [...TABLES, 'summary.json']) + 200;
    const line = oneLine(await computerace(['run', scenario, ...BATCH, '--out', out], { COMPUTERACE_TEST_DISK_BYTES: String(room) }));
    expect(line).toBe(`computerace: cannot write ${join(out, 'manifest.json')}: no space left on the device (ENOSPC); the batch did not finish, and kept no checkpoints: once there is room, run it again (with --resume a batch checkpoints its blocks and continues where it stopped)`);
    expect(tree(out)).toEqual([...TABLES].sort());
  });
});

describe('one batch at a time in a folder', () => {
  it('refuses a second batch into a folder a batch is writing, naming its pid; the first finishes with its own manifest beside its own tables', async () => {
    const out = join(temp, 'shared');
    const go = join(temp, 'shared-go');
    // The first batch (seed 7) waits at its final renames, the moment a second batch used to slip its files in.
    const first = spawn(process.execPath, ['--import', faultyDisk, bin, 'run', scenario, ...BATCH, '--out', out], {
      stdio: 'ignore',
      env: { ...process.env, COMPUTERACE_TEST_HOLD_AT_RENAME: 'runs.arrow', COMPUTERACE_TEST_HOLD_UNTIL: go },
    });
    const exited = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    while (!existsSync(`${go}.waiting`) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await computerace(['run', scenario, ...BATCH, '--seed', '8', '--out', out]);
    expect(oneLine(second)).toBe(`computerace: '${out}' is in use by pid ${first.pid}: a computerace batch, merge or report is using it; wait for it to end or choose another folder`);
    writeFileSync(go, '');
    expect(await exited).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).seed).toBe('7');
    sameBytes(out);
    expect(existsSync(join(out, '.lock'))).toBe(false);
  }, 120_000);

  it('killed during the final renames of a rerun, leaves a folder that is not finished: report refuses it, --resume runs it again', async () => {
    const out = join(temp, 'killed');
    cpSync(reference, out, { recursive: true });
    writeFileSync(join(out, 'report.html'), 'the report of seed 7');
    // The rerun (seed 8) is killed as it renames its events table in, after runs.arrow.
    const killed = await computerace(['run', scenario, ...BATCH, '--seed', '8', '--out', out], { COMPUTERACE_TEST_KILL_AT_RENAME: 'events.arrow' });
    expect(killed.signal).toBe('SIGKILL');
    // Seed 8's first tables beside seed 7's last: with no manifest, no summary and no report to pass them off as a batch.
    expect(readdirSync(out).filter((name) => !name.endsWith('.partial')).sort()).toEqual(['.lock', ...TABLES].sort());
    expect(oneLine(await computerace(['report', out]))).toBe(`computerace: ${join(out, 'manifest.json')}: not found; expected the output directory of a finished batch (computerace run ... --out DIR)`);
    // The dead process's lock is taken over.
    const resumed = await computerace(['run', scenario, ...BATCH, '--seed', '8', '--resume', '--out', out]);
    expect(resumed.status).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).seed).toBe('8');
    expect(new Set(tableFromIPC(readFileSync(join(out, 'runs.arrow'))).getChild('seed')!.toArray())).toEqual(new Set(['8']));
    expect(readdirSync(out).sort()).toEqual([...TABLES, 'manifest.json', 'summary.json'].sort());
  });

  it('--resume on a finished folder whose runs.arrow was deleted and events.arrow truncated says so and runs the batch again', async () => {
    const out = join(temp, 'damaged');
    cpSync(reference, out, { recursive: true });
    rmSync(join(out, 'runs.arrow'));
    writeFileSync(join(out, 'events.arrow'), readFileSync(join(out, 'events.arrow')).subarray(0, 1000));
    const ran = await computerace(['run', scenario, ...BATCH, '--resume', '--out', out]);
    expect(ran.stderr).toBe(`computerace: ${join(out, 'runs.arrow')} is missing: running the batch again\n`);
    expect(ran.status).toBe(0);
    sameBytes(out);
  });
});

describe('files computerace did not write', () => {
  it('a JSON scenario saved as D/manifest.json: run D/manifest.json --out D is refused, the scenario kept', async () => {
    const dir = join(temp, 'D');
    mkdirSync(dir);
    const text = JSON.stringify(parse(readFileSync(scenario, 'utf8')), null, 2);
    writeFileSync(join(dir, 'manifest.json'), text);
    expect(oneLine(await computerace(['run', join(dir, 'manifest.json'), '--runs', '2', '--workers', '0', '--quiet', '--out', dir]))).toBe(`computerace: ${join(dir, 'manifest.json')}: not a manifest computerace wrote (no 'engineVersion' text)`);
    expect(readFileSync(join(dir, 'manifest.json'), 'utf8')).toBe(text);
    expect(readdirSync(dir)).toEqual(['manifest.json']);
  });

  it('a garbage manifest with --resume is one line, not an internal error', async () => {
    const dir = join(temp, 'garbage');
    cpSync(reference, dir, { recursive: true });
    writeFileSync(join(dir, 'manifest.json'), '{"seed": "7", "files": ');
    expect(oneLine(await computerace(['run', scenario, ...BATCH, '--resume', '--out', dir]))).toBe(`computerace: ${join(dir, 'manifest.json')}: not a manifest computerace wrote (not valid JSON)`);
  });
});

describe('report and merge of damaged files', () => {
  it('report refuses an emptied runs.arrow, and random bytes even behind a manifest edited to their hash, in one line', async () => {
    const emptied = join(temp, 'report-emptied');
    cpSync(reference, emptied, { recursive: true });
    writeFileSync(join(emptied, 'runs.arrow'), '');
    const recorded = statSync(join(reference, 'runs.arrow')).size;
    expect(oneLine(await computerace(['report', emptied]))).toBe(`computerace: ${join(emptied, 'runs.arrow')} has 0 bytes, but the manifest records ${recorded}: the folder does not hold the batch its manifest describes; run the batch again`);
    expect(existsSync(join(emptied, 'report.html'))).toBe(false);
    const random = join(temp, 'report-random');
    cpSync(reference, random, { recursive: true });
    const noise = Buffer.concat(Array.from({ length: 3000 }, (_, i) => createHash('sha256').update(String(i)).digest()));
    writeFileSync(join(random, 'runs.arrow'), noise);
    const manifest = JSON.parse(readFileSync(join(random, 'manifest.json'), 'utf8'));
    manifest.files['runs.arrow'] = { ...manifest.files['runs.arrow'], bytes: noise.byteLength, sha256: createHash('sha256').update(noise).digest('hex') };
    writeFileSync(join(random, 'manifest.json'), JSON.stringify(manifest));
    const started = Date.now();
    expect(oneLine(await computerace(['report', random]))).toBe(`computerace: ${join(random, 'runs.arrow')}: not an Arrow IPC file (no ARROW1 magic at its start)`);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(existsSync(join(random, 'report.html'))).toBe(false);
  });

  it('merge refuses a shard whose runs.arrow was emptied, naming it, and writes nothing', async () => {
    const shards = [0, 1, 2].map((index) => join(temp, `s${index}`));
    for (const [index, out] of shards.entries()) await runBatch({ scenario, runs: 15, seed: 7, blockSize: 5, timeseries: 'none', workers: 0, shard: { index, count: 3 }, out });
    writeFileSync(join(shards[1]!, 'runs.arrow'), '');
    const merged = join(temp, 'merged');
    const line = oneLine(await computerace(['merge', ...shards, '--out', merged]));
    expect(line).toMatch(new RegExp(`^computerace: ${join(shards[1]!, 'runs.arrow')} has 0 bytes, but the manifest records \\d+: run that shard again$`));
    expect(existsSync(merged) ? readdirSync(merged) : []).toEqual([]);
  }, 120_000);
});

describe('output paths that are not regular files', () => {
  it('report --out /dev/null is refused before the batch is read, and /dev/null stays a device', async () => {
    expect(oneLine(await computerace(['report', reference, '--out', '/dev/null']))).toBe('computerace: cannot write /dev/null: it exists and is not a regular file');
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('backtest --chart /dev/null is refused before the runs', async () => {
    const backtest = join(root, 'test', 'fixtures', 'backtest-small.yaml');
    expect(oneLine(await computerace(['backtest', backtest, '--runs', '2', '--chart', '/dev/null']))).toBe('computerace: --chart /dev/null: cannot write the chart there: it exists and is not a regular file');
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });
});

describe('a batch folder that is no folder', () => {
  it('report, compare, export and merge name a missing folder, or a file given in its place, for what it is', async () => {
    const missing = join(temp, 'no-such-batch');
    for (const [dir, what] of [[missing, 'no such folder'], [scenario, 'a file, not a folder']] as const) {
      const batch = `computerace: ${dir}: ${what}; expected the output directory of a finished batch (computerace run ... --out DIR)`;
      expect(oneLine(await computerace(['report', dir]))).toBe(batch);
      expect(oneLine(await computerace(['compare', reference, dir]))).toBe(batch);
      expect(oneLine(await computerace(['export', dir, '--csv']))).toBe(batch);
      expect(oneLine(await computerace(['merge', dir, '--out', join(temp, 'never-merged')]))).toBe(`computerace: ${dir}: ${what}; expected a shard's folder (computerace run ... --shard K/M --out DIR)`);
    }
    expect(existsSync(join(temp, 'never-merged'))).toBe(false);
  });
});

describe('output files that are not computerace\'s own', () => {
  // A mistyped --out, --report or --chart naming a batch's table or a scenario would lose that file whole.
  it('report, compare and backtest refuse to write over a batch\'s table, its manifest or a scenario, and leave each as it was', async () => {
    const batch = join(temp, 'not-ours');
    cpSync(reference, batch, { recursive: true });
    const scenarioCopy = join(temp, 'not-ours.yaml');
    cpSync(join(root, 'test', 'fixtures', 'backtest-small.yaml'), scenarioCopy);
    const before = [join(batch, 'runs.arrow'), join(batch, 'manifest.json'), scenarioCopy].map((file) => readFileSync(file));
    expect(oneLine(await computerace(['report', batch, '--out', join(batch, 'runs.arrow')]))).toBe(`computerace: cannot write ${join(batch, 'runs.arrow')}: it exists and is not a computerace report; remove it or choose another file`);
    expect(oneLine(await computerace(['report', batch, '--out', scenarioCopy]))).toMatch(/it exists and is not a computerace report; remove it or choose another file$/);
    expect(oneLine(await computerace(['compare', batch, reference, '--report', join(batch, 'manifest.json')]))).toMatch(/manifest\.json: it exists and is not a computerace comparison; remove it or choose another file$/);
    expect(oneLine(await computerace(['backtest', scenarioCopy, '--runs', '2', '--chart', scenarioCopy]))).toBe(`computerace: --chart ${scenarioCopy}: cannot write ${scenarioCopy}: it exists and is not a computerace chart; remove it or choose another file`);
    expect([join(batch, 'runs.arrow'), join(batch, 'manifest.json'), scenarioCopy].map((file) => readFileSync(file))).toEqual(before);
    sameBytes(batch);
  });
});
