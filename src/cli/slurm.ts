import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { BATCH_NODE_FLAGS } from '../experiment/executor.js';
import { TIMESERIES_MODES } from '../io/layout.js';
import { collect, positiveInteger } from './arguments.js';
import { UsageError } from './errors.js';

/**
 * `computerace slurm`: a batch as a Slurm job array (one shard per array task, each resumable)
 * and a merge job that starts only once every task has succeeded (`--dependency=afterok`).
 * computerace schedules nothing itself: the cluster does.
 */

interface SlurmFlags {
  runs: number;
  shards: number;
  out: string;
  seed: string;
  blockSize: number;
  timeseries: string;
  design: string;
  set: string[];
  sweep: string[];
  partition?: string;
  time?: string;
  cpusPerTask: number;
  submit?: boolean;
}

/** The two job scripts of a sharded batch. */
export interface SlurmScripts {
  array: string;
  merge: string;
}

/** Adds the `slurm` command to the program. */
export function addSlurmCommand(program: Command): void {
  program
    .command('slurm')
    .description('write (and with --submit, submit) a Slurm job array that runs a batch in shards, and a job that merges them')
    .argument('<scenario>', 'a scenario file (YAML or JSON)')
    .requiredOption('--runs <n>', 'runs per variant', positiveInteger)
    .requiredOption('--shards <m>', 'array tasks, one shard each', positiveInteger)
    .requiredOption('--out <dir>', 'batch directory: shards go to DIR/shard-K, the merged files to DIR, the scripts and logs to DIR/slurm')
    .option('--seed <seed>', 'master seed', '1')
    .option('--block-size <n>', 'runs per record batch (shards are cut on whole blocks)', positiveInteger, 100)
    .addOption(new Option('--timeseries <mode>', 'monthly series to keep').choices(TIMESERIES_MODES).default('summary'))
    .addOption(new Option('--design <design>', 'how uncertain parameters are sampled (sobol: --runs a multiple of the uncertain parameters + 2)').choices(['independent', 'lhs', 'sobol']).default('independent'))
    .option('--set <path=value>', 'override a field (repeatable)', collect, [])
    .option('--sweep <path=v1,v2,...>', 'a variant for each value (repeatable)', collect, [])
    .option('--partition <p>', 'Slurm partition')
    .option('--time <t>', 'time limit of each task (Slurm format, e.g. 2:00:00)')
    .option('--cpus-per-task <c>', 'CPUs of each task; its worker threads', positiveInteger, 1)
    .option('--submit', 'submit both jobs with sbatch and print their ids')
    .action((file: string, flags: SlurmFlags) => {
      const out = resolve(flags.out);
      const scripts = slurmScripts(resolve(file), { ...flags, out });
      const dir = join(out, 'slurm');
      mkdirSync(join(dir, 'logs'), { recursive: true });
      const arrayFile = join(dir, 'array.sbatch');
      const mergeFile = join(dir, 'merge.sbatch');
      writeFileSync(arrayFile, scripts.array, { mode: 0o755 });
      writeFileSync(mergeFile, scripts.merge, { mode: 0o755 });
      if (!flags.submit) {
        console.log(`wrote ${arrayFile} and ${mergeFile}; submit them with:\n  ARRAY=$(sbatch --parsable ${arrayFile})\n  sbatch --dependency=afterok:\${ARRAY%%;*} ${mergeFile}`);
        return;
      }
      const arrayJob = sbatch([arrayFile]);
      const mergeJob = sbatch([`--dependency=afterok:${arrayJob}`, mergeFile]);
      console.log(`submitted array job ${arrayJob} (${flags.shards} tasks) and merge job ${mergeJob} (after the array succeeds); merged files go to ${out}`);
    });
}

/** The job array and merge scripts: absolute paths to node and to this executable, so they run from any directory. */
export function slurmScripts(scenario: string, flags: Omit<SlurmFlags, 'submit'>): SlurmScripts {
  const node = process.execPath;
  const bin = fileURLToPath(new URL('./bin.js', import.meta.url));
  const logs = join(flags.out, 'slurm', 'logs');
  const header = (name: string, log: string): string[] => [
    '#!/bin/bash',
    `#SBATCH --job-name=${name}`,
    `#SBATCH --output=${join(logs, log)}`,
    ...(flags.partition ? [`#SBATCH --partition=${flags.partition}`] : []),
    ...(flags.time ? [`#SBATCH --time=${flags.time}`] : []),
  ];
  const batch = [
    '--runs', String(flags.runs), '--seed', flags.seed, '--block-size', String(flags.blockSize), '--timeseries', flags.timeseries, '--design', flags.design,
    ...flags.set.flatMap((value) => ['--set', value]), ...flags.sweep.flatMap((value) => ['--sweep', value]),
  ];
  const shards = Array.from({ length: flags.shards }, (_, index) => join(flags.out, `shard-${index}`));
  const array = [
    ...header('computerace', 'shard-%a.out'),
    `#SBATCH --array=0-${flags.shards - 1}`,
    `#SBATCH --cpus-per-task=${flags.cpusPerTask}`,
    'set -euo pipefail',
    '# One shard per array task; --resume makes a requeued or re-submitted task continue, not restart.',
    `exec ${[node, ...BATCH_NODE_FLAGS, bin, 'run', scenario, ...batch, '--shard', `auto/${flags.shards}`].map(quote).join(' ')} --workers "\${SLURM_CPUS_PER_TASK:-1}" --quiet --resume --out ${quote(flags.out)}/shard-"\${SLURM_ARRAY_TASK_ID}"`,
    '',
  ].join('\n');
  const merge = [
    ...header('computerace-merge', 'merge.out'),
    '#SBATCH --cpus-per-task=1',
    'set -euo pipefail',
    `exec ${[node, bin, 'merge', ...shards, '--out', flags.out].map(quote).join(' ')}`,
    '',
  ].join('\n');
  return { array, merge };
}

/** Submits a job and returns its id (`sbatch --parsable` prints `id` or `id;cluster`). */
function sbatch(args: string[]): string {
  try {
    return execFileSync('sbatch', ['--parsable', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split(';')[0]!;
  } catch (error) {
    const { code, stderr } = error as NodeJS.ErrnoException & { stderr?: string };
    throw new UsageError(code === 'ENOENT' ? 'sbatch not found: is this a Slurm login node?' : `sbatch failed: ${String(stderr ?? (error as Error).message).trim()}`);
  }
}

/** A word for the shell, quoted only when it needs to be. */
function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
