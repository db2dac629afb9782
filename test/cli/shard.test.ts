import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { computeraceProcess, computeraceWith, type Ran } from '../support/cli.js';

// The built executable, as users and Slurm run it (npm test builds first, through its pretest script).
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'dist', 'cli', 'bin.js');
const scenario = join(root, 'scenarios', 'openai-multicloud-2025.yaml');
// The default --timeseries summary: the market's and the labs' monthly tables.
const FILES = ['runs.arrow', 'market.arrow', 'labs.arrow', 'events.arrow', 'tenders.arrow', 'bids.arrow', 'summary.json'] as const;
// Without the job array's variables, whatever the environment the tests run in.
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'SLURM_ARRAY_TASK_ID' && name !== 'JOB_COMPLETION_INDEX'));

function computerace(...args: string[]): Promise<Ran> {
  return computeraceWith({ env }, ...args);
}

const sameBytes = (a: string, b: string): void => {
  for (const file of FILES) expect(readFileSync(join(a, file)).equals(readFileSync(join(b, file))), file).toBe(true);
};

describe('computerace run --shard, merge and --resume', () => {
  const temp = mkdtempSync(join(tmpdir(), 'computerace-shard-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));
  // Six blocks over four shards: two shards of two blocks, two of one, as uneven as a job array's.
  const batch = ['--runs', '12', '--seed', '9', '--block-size', '2', '--quiet'];

  it('merges shards run by separate processes into the bytes of one process', async () => {
    const single = join(temp, 'single');
    expect((await computerace('run', scenario, ...batch, '--workers', '1', '--out', single)).status).toBe(0);
    const shards = [0, 1, 2, 3].map((index) => join(temp, `shard-${index}`));
    // Each shard in a process of its own, as the tasks of a job array run; on the process's own thread
    // (a worker thread would cost each a second start of the modules), which the bytes do not depend on.
    for (const [index, dir] of shards.entries()) {
      const { status, stderr } = computeraceProcess(['run', scenario, ...batch, '--workers', '0', '--shard', `${index}/4`, '--out', dir], { env });
      expect(stderr).toBe('');
      expect(status).toBe(0);
    }
    const merged = join(temp, 'merged');
    const { status, stdout } = await computerace('merge', ...shards, '--out', merged);
    expect(status).toBe(0);
    expect(stdout).toContain('merged 4 shards');
    sameBytes(merged, single);
    const missing = await computerace('merge', shards[0]!, shards[1]!, shards[3]!, '--out', join(temp, 'x'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^computerace: missing shard 2\/4 \(have 3 of 4\)\n$/);
  });

  const badInputs: [string, string[], RegExp][] = [
    ['--shard auto/M without SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX', ['run', scenario, '--runs', '8', '--shard', 'auto/4'], /--shard auto\/4: neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set/],
    ['a shard index out of range', ['run', scenario, '--runs', '8', '--shard', '4/4'], /--shard 4\/4: the shard index must be below 4/],
    ['--shard with --until-precision', ['run', scenario, '--until-precision', '0.01', '--shard', '0/2'], /--shard .* cannot go with --until-precision/],
    ['a Slurm job of blocks past 1,000 runs', ['slurm', scenario, '--runs', '8', '--shards', '2', '--block-size', '1001', '--out', 'never-written'], /^computerace: --block-size 1001: a block has a whole number of runs from 1 to 1000/],
  ];
  for (const [what, args, message] of badInputs) {
    it(`rejects ${what} with one line and exit code 2`, async () => {
      const { status, stderr } = await computerace(...args);
      expect(stderr).toMatch(message);
      expect(status).toBe(2);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    });
  }

  it('writes a Slurm job array and a merge that waits for it, with absolute paths', async () => {
    const out = join(temp, 'slurm');
    const { status, stdout } = await computerace('slurm', scenario, '--runs', '40', '--shards', '4', '--block-size', '5', '--cpus-per-task', '3', '--time', '1:00:00', '--partition', 'short', '--out', out);
    expect(status).toBe(0);
    expect(stdout).toContain('sbatch --dependency=afterok:');
    const array = readFileSync(join(out, 'slurm', 'array.sbatch'), 'utf8');
    for (const line of ['#SBATCH --array=0-3', '#SBATCH --cpus-per-task=3', '#SBATCH --time=1:00:00', '#SBATCH --partition=short']) expect(array).toContain(line);
    // Node as the computerace command runs it: with the flag of its interpreter line (bin.ts).
    expect(array).toContain(`${process.execPath} --single-threaded-gc ${bin} run ${scenario} --runs 40`);
    expect(array).toMatch(/--shard auto\/4 --workers "\$\{SLURM_CPUS_PER_TASK:-1\}" --quiet --resume --out .*\/shard-"\$\{SLURM_ARRAY_TASK_ID\}"/);
    const merge = readFileSync(join(out, 'slurm', 'merge.sbatch'), 'utf8');
    expect(merge).toContain(`merge ${[0, 1, 2, 3].map((index) => join(out, `shard-${index}`)).join(' ')} --out ${out}`);
  });

  it('passes --design sobol on to every shard', async () => {
    const out = join(temp, 'slurm-sobol');
    // The shipped scenario's 27 uncertain parameters take runs in groups of 29.
    expect((await computerace('slurm', scenario, '--runs', '899', '--shards', '2', '--design', 'sobol', '--out', out)).status).toBe(0);
    expect(readFileSync(join(out, 'slurm', 'array.sbatch'), 'utf8')).toContain('--design sobol');
  });

  it('resumes a shard killed with SIGKILL from its last checkpoint, to the bytes of an uninterrupted run', async () => {
    // 60 runs in the shard, 12 blocks: killed once 2 are saved, it has 10 left to run (seconds of work,
    // against the test's 10 ms look at its checkpoints), so the kill lands mid-way as with more runs.
    const args = ['run', scenario, '--runs', '120', '--seed', '5', '--block-size', '5', '--workers', '1', '--quiet', '--shard', '0/2'];
    const whole = join(temp, 'whole');
    expect((await computerace(...args, '--out', whole)).status).toBe(0);
    const killed = join(temp, 'killed');
    const checkpoints = join(killed, '.checkpoint');
    // A shard checkpoints as it goes, with or without --resume.
    const child = spawn(process.execPath, [bin, ...args, '--out', killed], { env, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const saved = (): string[] => (existsSync(checkpoints) ? readdirSync(checkpoints).filter((name) => name.endsWith('.blocks')) : []);
    const deadline = Date.now() + 30_000;
    while (saved().length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    // Killed mid-way: blocks saved, no finished file.
    expect(saved().length).toBeGreaterThanOrEqual(2);
    expect(existsSync(join(killed, 'manifest.json'))).toBe(false);
    expect(existsSync(join(killed, 'runs.arrow'))).toBe(false);
    const resumed = await computerace(...args, '--out', killed, '--resume');
    expect(resumed.stderr).toBe('');
    expect(resumed.status).toBe(0);
    sameBytes(killed, whole);
    expect(existsSync(checkpoints)).toBe(false);
    // Finished: resuming again computes nothing and leaves the files as they are.
    const before = readFileSync(join(killed, 'manifest.json'), 'utf8');
    expect((await computerace(...args, '--out', killed, '--resume')).status).toBe(0);
    expect(readFileSync(join(killed, 'manifest.json'), 'utf8')).toBe(before);
  });
});
