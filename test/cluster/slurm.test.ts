import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/experiment/batch.js';

/**
 * The batch as a real Slurm job array: 4 array tasks and a dependent merge, compared byte for byte
 * with one local process. CI starts a single-node cluster first (test/cluster/slurm-up.sh, from
 * .ci/run); without one this test fails in CI (CI must prove it) and is skipped elsewhere.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'dist', 'cli', 'bin.js');
const scenario = join(root, 'scenarios', 'openai-multicloud-2025.yaml');
// The tables of --timeseries summary (the market's and the labs' monthly series), then the summary.
const FILES = ['runs.arrow', 'market.arrow', 'labs.arrow', 'events.arrow', 'tenders.arrow', 'bids.arrow', 'summary.json'] as const;
const WAIT_MS = 120_000;

/** Why no cluster can be used, or undefined when one answers. */
function missingCluster(): string | undefined {
  const sbatch = spawnSync('sbatch', ['--version'], { encoding: 'utf8' });
  if (sbatch.error) return 'sbatch is not on PATH';
  const sinfo = spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', timeout: 10_000 });
  if (sinfo.status !== 0) return `sinfo does not answer: ${(sinfo.stderr || sinfo.error?.message || '').trim()} (is SLURM_CONF set? start one with test/cluster/slurm-up.sh)`;
  return undefined;
}

const reason = missingCluster();

describe('a batch on a Slurm cluster', () => {
  if (reason !== undefined) {
    if (process.env.CI) {
      it('needs a Slurm cluster in CI', () => {
        throw new Error(`no Slurm cluster: ${reason}; .ci/run starts one with test/cluster/slurm-up.sh`);
      });
    } else {
      console.log(`skipping the Slurm test: ${reason}`);
      it.skip(`runs as a job array and merges to the bytes of one process (skipped: ${reason})`, () => undefined);
    }
    return;
  }

  const temp = mkdtempSync(join(tmpdir(), 'computerace-slurm-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it('runs as a 4-task job array plus a dependent merge, giving the bytes of one local process', async () => {
    const batch = { runs: 40, seed: 11, blockSize: 5 } as const;
    const out = join(temp, 'cluster');
    const submitted = spawnSync(process.execPath, [bin, 'slurm', scenario, '--runs', String(batch.runs), '--seed', String(batch.seed), '--block-size', String(batch.blockSize), '--timeseries', 'summary', '--shards', '4', '--out', out, '--submit'], { encoding: 'utf8' });
    expect(submitted.stderr).toBe('');
    expect(submitted.status).toBe(0);
    const [, arrayJob, mergeJob] = /array job (\d+) .* merge job (\d+)/.exec(submitted.stdout) ?? [];
    expect(arrayJob).toBeDefined();
    const local = join(temp, 'local');
    await runBatch({ scenario, ...batch, timeseries: 'summary', workers: 0, out: local });
    const deadline = Date.now() + WAIT_MS;
    const queued = (): boolean => spawnSync('squeue', ['-h', '-j', `${arrayJob},${mergeJob}`, '-o', '%i'], { encoding: 'utf8' }).stdout.trim() !== '';
    while (queued() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 500));
    const logs = join(out, 'slurm', 'logs');
    const logText = existsSync(logs) ? readdirSync(logs).map((name) => `--- ${name}\n${readFileSync(join(logs, name), 'utf8')}`).join('\n') : '(no logs)';
    if (queued()) spawnSync('scancel', [arrayJob!, mergeJob!]);
    expect(existsSync(join(out, 'manifest.json')), `no merged manifest after the jobs ended (or ${WAIT_MS / 1000} s); logs:\n${logText}`).toBe(true);
    for (const index of [0, 1, 2, 3]) expect(JSON.parse(readFileSync(join(out, `shard-${index}`, 'manifest.json'), 'utf8')).shard.index).toBe(index);
    for (const file of FILES) expect(readFileSync(join(out, file)).equals(readFileSync(join(local, file))), file).toBe(true);
  }, WAIT_MS + 30_000);
});
