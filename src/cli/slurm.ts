import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { makeDirectories } from '../io/outputs.js';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { BATCH_NODE_FLAGS } from '../experiment/executor.js';
import { TIMESERIES_MODES } from '../io/layout.js';
import { DESIGN_KINDS, MAX_BLOCK_SIZE } from '../experiment/limits.js';
import { checkBatchFlags, RUNS_HELP, SOBOL_FLAGS } from './batch-options.js';
import type { DesignKind } from '../experiment/limits.js';
import { hasUnprintable, printable } from '../printable.js';
import { collect, positiveInteger, seed, SEED_HELP } from './arguments.js';
import { UsageError } from './errors.js';
import { examples } from './help.js';
import { sbatchValue, shellCommand, shellWord } from './shell.js';

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
  design: DesignKind;
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
    .requiredOption('--runs <n>', RUNS_HELP, positiveInteger)
    .requiredOption('--shards <m>', 'array tasks, one shard each', positiveInteger)
    .requiredOption('--out <dir>', 'batch directory: shards go to DIR/shard-K, the merged files to DIR, the scripts and logs to DIR/slurm')
    .option('--seed <seed>', `master seed; ${SEED_HELP}`, seed, '1')
    .option('--block-size <n>', `runs per record batch (shards are cut on whole blocks; at most ${MAX_BLOCK_SIZE})`, positiveInteger, 100)
    .addOption(new Option('--timeseries <mode>', 'monthly series to keep').choices(TIMESERIES_MODES).default('summary'))
    .addOption(new Option('--design <design>', 'how uncertain parameters are sampled (sobol: --runs a multiple of the uncertain parameters + 2)').choices(DESIGN_KINDS).default('independent'))
    .option('--set <path=value>', 'override a field (repeatable)', collect, [])
    .option('--sweep <path=v1,v2,...>', 'a variant for each value (repeatable)', collect, [])
    .option('--partition <p>', 'Slurm partition (or partitions, comma-separated)', partition)
    .option('--time <t>', 'time limit of each task (Slurm format: minutes, [days-]hours:minutes:seconds and the like, e.g. 2:00:00)', timeLimit)
    .option('--cpus-per-task <c>', 'CPUs of each task; its worker threads', positiveInteger, 1)
    .option('--submit', 'submit both jobs with sbatch and print their ids')
    .addHelpText('after', examples(
      'computerace slurm scenarios/openai-multicloud-2025.yaml --runs 100000 --shards 50 --seed 42 --time 1:00:00 --out results/big',
      'computerace slurm scenarios/price-war.yaml --runs 20000 --shards 10 --partition short --cpus-per-task 4 --out results/war --submit',
    ))
    .action(async (file: string, flags: SlurmFlags) => {
      checkBatchFlags({ runs: flags.runs, blockSize: flags.blockSize, design: flags.design });
      // The directory goes into the scripts' #SBATCH --output lines, where a newline would start a directive of its own.
      if (hasUnprintable(flags.out)) throw new UsageError(`--out ${printable(flags.out)}: the path goes into the job scripts' #SBATCH lines, and cannot hold control characters`);
      const out = resolve(flags.out);
      await checkBeforeSubmitting(file, flags, out);
      const scripts = slurmScripts(resolve(file), { ...flags, out });
      const dir = join(out, 'slurm');
      await makeDirectories(join(dir, 'logs'));
      const arrayFile = join(dir, 'array.sbatch');
      const mergeFile = join(dir, 'merge.sbatch');
      writeFileSync(arrayFile, scripts.array, { mode: 0o755 });
      writeFileSync(mergeFile, scripts.merge, { mode: 0o755 });
      if (!flags.submit) {
        // Commands to paste into a shell: every word quoted as it needs, the job id's expansion too.
        console.log(`wrote ${printable(arrayFile)} and ${printable(mergeFile)}; submit them with:\n  ARRAY=$(sbatch --parsable ${shellWord(arrayFile)})\n  sbatch --dependency=afterok:"\${ARRAY%%;*}" ${shellWord(mergeFile)}`);
        return;
      }
      const arrayJob = sbatch([arrayFile]);
      const mergeJob = sbatch([`--dependency=afterok:${arrayJob}`, mergeFile]);
      console.log(`submitted array job ${arrayJob} (${flags.shards} tasks) and merge job ${mergeJob} (after the array succeeds); merged files go to ${printable(out)}`);
    });
}

/**
 * What every task would find out at its start, found out here before anything is queued: the
 * scenario with its overrides (a located problem, exit 2), a Sobol design the runs do not fit, and an
 * output folder the merge would refuse (one that holds other files), not after the cluster's hours.
 */
async function checkBeforeSubmitting(file: string, flags: SlurmFlags, out: string): Promise<void> {
  // Each refusal is one of the library's input errors (a ScenarioError, a SaltelliDesignError, an OutputError): one line, exit 2.
  const [{ loadScenarioToRun }, { Replicator }, { saltelliDesign, SaltelliDesignError, describeSaltelliProblem }, { checkFolderIsOurs }, { notAFolder }] = await Promise.all([
    import('../experiment/plan.js'),
    import('../experiment/replicate.js'),
    import('../experiment/sobol.js'),
    import('../io/folder.js'),
    import('../io/manifest.js'),
  ]);
  // The tasks import no policy modules: a scenario naming a custom policy would fail in every one.
  const loaded = await loadScenarioToRun(file, { set: flags.set, sweep: flags.sweep });
  if (flags.design === 'sobol') {
    const variants = loaded.variants.map(({ name, spec }) => ({ name, spec }));
    const replicator = new Replicator({ variants, seed: flags.seed, timeseries: 'none', scenarioHash: loaded.hash, design: { kind: 'sobol', runs: flags.runs } });
    try {
      saltelliDesign(flags.seed, replicator.describe().parameters, flags.runs);
    } catch (error) {
      throw error instanceof SaltelliDesignError ? new UsageError(describeSaltelliProblem(error.problem, SOBOL_FLAGS)) : error;
    }
  }
  // A file in the folder's place is refused where the scripts' folder is made (makeDirectories).
  if ((await notAFolder(out)) === undefined) await checkFolderIsOurs(out);
}

/** The job array and merge scripts: absolute paths to node and to this executable, so they run from any directory. */
export function slurmScripts(scenario: string, flags: Omit<SlurmFlags, 'submit'>): SlurmScripts {
  const node = process.execPath;
  const bin = fileURLToPath(new URL('./bin.js', import.meta.url));
  const logs = join(flags.out, 'slurm', 'logs');
  const header = (name: string, log: string): string[] => [
    '#!/bin/bash',
    `#SBATCH --job-name=${name}`,
    `#SBATCH --output=${sbatchValue(join(logs, log))}`,
    ...(flags.partition ? [`#SBATCH --partition=${sbatchValue(flags.partition)}`] : []),
    ...(flags.time ? [`#SBATCH --time=${sbatchValue(flags.time)}`] : []),
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
    `exec ${shellCommand([node, ...BATCH_NODE_FLAGS, bin, 'run', scenario, ...batch, '--shard', `auto/${flags.shards}`])} --workers "\${SLURM_CPUS_PER_TASK:-1}" --quiet --resume --out ${shellWord(flags.out)}/shard-"\${SLURM_ARRAY_TASK_ID}"`,
    '',
  ].join('\n');
  const merge = [
    ...header('computerace-merge', 'merge.out'),
    '#SBATCH --cpus-per-task=1',
    'set -euo pipefail',
    `exec ${shellCommand([node, bin, 'merge', ...shards, '--out', flags.out])}`,
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
    throw new UsageError(code === 'ENOENT' ? 'sbatch not found: is this a Slurm login node?' : `sbatch failed: ${printable(String(stderr ?? (error as Error).message).trim())}`);
  }
}

/** A Slurm partition name, or several comma-separated: it goes into an #SBATCH line, so one word without spaces or control characters. */
function partition(text: string): string {
  if (text === '' || /\s/.test(text) || hasUnprintable(text)) throw new InvalidArgumentError(`expected a Slurm partition name, one word without spaces or control characters, got '${printable(text)}'`);
  return text;
}

/** Slurm's time formats: minutes, minutes:seconds, hours:minutes:seconds, days-hours, days-hours:minutes, days-hours:minutes:seconds, or UNLIMITED. */
const SLURM_TIME = /^([0-9]+(:[0-9]+){0,2}|[0-9]+-[0-9]+(:[0-9]+){0,2}|UNLIMITED|INFINITE)$/i;

/** A time limit in one of Slurm's formats. */
function timeLimit(text: string): string {
  if (!SLURM_TIME.test(text)) throw new InvalidArgumentError(`expected a Slurm time limit (minutes, hours:minutes:seconds or days-hours:minutes:seconds, e.g. 2:00:00), got '${printable(text)}'`);
  return text;
}
