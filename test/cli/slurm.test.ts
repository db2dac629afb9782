import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { computerace } from '../support/cli.js';
import { sbatchDirectives } from '../support/sbatch.js';

/**
 * `computerace slurm` writes job scripts and prints the commands that submit them. A newline in
 * --partition added an #SBATCH line of its own, and the printed commands were not quoted.
 */

/** The words bash reads from `line`, with `sbatch` a function that prints its arguments, NUL-terminated. */
function bashWords(line: string, env: Record<string, string> = {}): string[] {
  const result = spawnSync('bash', ['-c', `sbatch() { printf '%s\\0' "$@"; }; exec() { printf '%s\\0' "$@"; }; ${line}`], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout.split('\0').slice(0, -1);
}

describe('computerace slurm', () => {
  const temp = mkdtempSync(join(tmpdir(), 'computerace-slurm-cli-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));
  // A path that needs quoting everywhere, holding the shipped scenario.
  const scenario = join(temp, "my scenarios/it's $HOME.yaml");
  mkdirSync(dirname(scenario));
  copyFileSync(fileURLToPath(new URL('../../scenarios/openai-multicloud-2025.yaml', import.meta.url)), scenario);

  it('checks what every task would check before writing a script: the scenario, its overrides, the Sobol runs, the output folder', async () => {
    const out = join(temp, 'checked');
    const holding = join(temp, 'holding');
    mkdirSync(holding);
    writeFileSync(join(holding, 'notes.txt'), 'mine\n');
    const cases: [string[], string | RegExp][] = [
      [[join(temp, 'missing.yaml')], `${join(temp, 'missing.yaml')}:1:1: (root): no such file\n`],
      [[scenario, '--set', 'labs.openai.demand=oops'], /^--set:1:20: labs\.openai\.demand: expected a map, got 'oops'\n$/],
      [[scenario, '--sweep', 'name=a,a'], /^--sweep/],
      // The shipped scenario has 27 uncertain parameters: a Saltelli design takes runs in groups of 29.
      [[scenario, '--design', 'sobol', '--runs', '900'], /^computerace: --design sobol needs --runs to be a multiple of 29 \(27 uncertain parameters \+ 2\): try 899 or 928\n$/],
      [[scenario, '--out', holding], `computerace: '${holding}' holds 'notes.txt', which computerace does not write: give --out a new or empty folder, or one a batch wrote\n`],
    ];
    for (const [args, message] of cases) {
      const all = ['slurm', ...args.slice(0, 1), '--runs', '40', '--shards', '4', '--out', out, ...args.slice(1)];
      const { status, stdout, stderr } = await computerace(...all);
      expect(status, stderr).toBe(2);
      expect(stdout).toBe('');
      if (typeof message === 'string') expect(stderr).toBe(message);
      else expect(stderr).toMatch(message);
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(existsSync(out)).toBe(false);
      expect(existsSync(join(holding, 'slurm'))).toBe(false);
    }
  });

  it('refuses a partition, time or directory that would add a line to the job scripts: one line, exit 2, nothing written', async () => {
    const cases: [string[], RegExp][] = [
      [['--partition', 'gpu\n#SBATCH --wrap=id'], /--partition.*'gpu\\n#SBATCH --wrap=id'.*expected a Slurm partition name/],
      [['--partition', 'gpu short'], /expected a Slurm partition name/],
      [['--time', '2:00:00\n#SBATCH --wrap=id'], /expected a Slurm time limit/],
      [['--time', '2h'], /expected a Slurm time limit/],
    ];
    for (const [flags, message] of cases) {
      const out = join(temp, 'refused');
      const { status, stdout, stderr } = await computerace('slurm', scenario, '--runs', '40', '--shards', '4', '--out', out, ...flags);
      expect(status).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(message);
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).not.toMatch(/\bat .*\.js:\d+/);
      expect(existsSync(out)).toBe(false);
    }
    const out = join(temp, 'new\nline');
    const refused = await computerace('slurm', scenario, '--runs', '40', '--shards', '4', '--out', out);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe(`computerace: --out ${join(temp, 'new\\nline')}: the path goes into the job scripts' #SBATCH lines, and cannot hold control characters\n`);
    expect(existsSync(out)).toBe(false);
  });

  it('takes Slurm\'s time formats', async () => {
    for (const time of ['90', '1-12:30:00', 'UNLIMITED']) {
      const { status, stderr } = await computerace('slurm', scenario, '--runs', '8', '--shards', '2', '--time', time, '--out', join(temp, `time-${time}`));
      expect(stderr, time).toBe('');
      expect(status).toBe(0);
    }
  });

  it('quotes every word of the commands it prints and of the scripts, and every #SBATCH value, so each reads back as given', async () => {
    const out = join(temp, "batch dir 'quoted' #1 $PATH");
    const { status, stdout, stderr } = await computerace('slurm', scenario, '--runs', '40', '--shards', '4', '--partition', 'short,long', '--time', '1:00:00', '--set', 'name=my "world"', '--out', out);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const arrayFile = join(out, 'slurm', 'array.sbatch');
    const mergeFile = join(out, 'slurm', 'merge.sbatch');
    // The hint: submit the array, then the merge once the array has succeeded.
    const [, submitArray, submitMerge] = stdout.trimEnd().split('\n').map((line) => line.trim());
    expect(bashWords(`ARRAY=$(printf '123;cluster'); ${submitMerge}`)).toEqual(['--dependency=afterok:123', mergeFile]);
    expect(bashWords(submitArray!.replace(/^ARRAY=\$\((.*)\)$/, '$1'))).toEqual(['--parsable', arrayFile]);
    const array = readFileSync(arrayFile, 'utf8');
    expect(sbatchDirectives(array)).toEqual([
      ['--job-name', 'computerace'],
      ['--output', join(out, 'slurm', 'logs', 'shard-%a.out')],
      ['--partition', 'short,long'],
      ['--time', '1:00:00'],
      ['--array', '0-3'],
      ['--cpus-per-task', '1'],
    ]);
    // The task's command, as bash runs it in array task 2.
    const task = array.split('\n').find((line) => line.startsWith('exec '))!;
    const words = bashWords(task, { SLURM_ARRAY_TASK_ID: '2', SLURM_CPUS_PER_TASK: '3' });
    expect(words.slice(words.indexOf('run'), words.indexOf('run') + 2)).toEqual(['run', scenario]);
    expect(words).toContain('name=my "world"');
    expect(words.slice(words.indexOf('--out'))).toEqual(['--out', join(out, 'shard-2')]);
    expect(words.slice(words.indexOf('--workers'), words.indexOf('--workers') + 2)).toEqual(['--workers', '3']);
    const merge = readFileSync(mergeFile, 'utf8');
    const mergeWords = bashWords(merge.split('\n').find((line) => line.startsWith('exec '))!);
    expect(mergeWords.slice(mergeWords.indexOf('merge'))).toEqual(['merge', ...[0, 1, 2, 3].map((k) => join(out, `shard-${k}`)), '--out', out]);
    for (const script of [array, merge]) expect(spawnSync('bash', ['-n'], { input: script }).status).toBe(0);
  });

  it('reports a directory it cannot create in one line, exit 2, not as an internal error', async () => {
    const file = join(temp, 'a-file');
    writeFileSync(file, '');
    const { status, stderr } = await computerace('slurm', scenario, '--runs', '8', '--shards', '2', '--out', join(file, 'batch'));
    expect(status).toBe(2);
    // Directories are made one level at a time: the message names the first that cannot be.
    expect(stderr).toBe(`computerace: ${join(file, 'batch')}: a part of the path is a file, not a directory\n`);
  });
});
