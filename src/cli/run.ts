import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { Command, Option } from 'commander';
import type { BatchInterrupted } from '../experiment/interruption.js';
import type { TimeseriesMode } from '../io/layout.js';
import { TIMESERIES_MODES } from '../io/layout.js';
import { printable } from '../printable.js';
import { formatWarning } from '../scenario/problems.js';
import { DESIGN_KINDS, MAX_BLOCK_SIZE, MAX_RUNS, runsLimit } from '../experiment/limits.js';
import type { DesignKind } from '../experiment/limits.js';
import { moduleUrl } from '../experiment/modules.js';
import { collect, nonNegativeInteger, positiveInteger, seed, SEED_HELP, share } from './arguments.js';
import { inputError, UsageError } from './errors.js';
import { checkBatchFlags, RUNS_HELP, SOBOL_FLAGS } from './batch-options.js';
import { examples } from './help.js';
import { report } from './report.js';
import { shellCommand } from './shell.js';

/**
 * `computerace run`: a Monte Carlo batch of a scenario into a directory of Arrow files, or with
 * `--only-run i` one replication printed (the way to reproduce a run that failed in a batch).
 */

interface RunFlags {
  runs: number;
  seed: string;
  out?: string;
  workers: number;
  set: string[];
  sweep: string[];
  timeseries: TimeseriesMode;
  blockSize: number;
  untilPrecision?: number;
  maxRuns: number;
  quiet?: boolean;
  design: DesignKind;
  onlyRun?: number;
  json?: boolean;
  import: string[];
  shard?: string;
  resume?: boolean;
  report?: boolean;
  /** The --import modules as given (flags.import becomes their URLs). */
  modules?: string[];
}

/** Runs per variant when --runs is not given, and the most runs of --until-precision when --max-runs is not. */
const DEFAULT_RUNS = 1000;
const DEFAULT_MAX_RUNS = 100_000;

/** Adds the `run` command to the program. */
export function addRunCommand(program: Command): void {
  const cores = availableParallelism();
  program
    .command('run')
    .description('run a Monte Carlo batch of a scenario into Arrow files, and print its summary')
    .argument('<scenario>', 'a scenario file (YAML or JSON)')
    .option('--runs <n>', RUNS_HELP, positiveInteger, DEFAULT_RUNS)
    .option('--seed <seed>', `master seed: run i draws only from streams derived from (seed, i); ${SEED_HELP}`, seed, '1')
    .option('--out <dir>', 'directory for the tables (runs, market, labs, providers, suppliers, chips as kept by --timeseries, events, tenders, bids as .arrow), summary.json, manifest.json (default: results/<scenario file name>)')
    .addOption(new Option('--workers <w>', `worker threads, at most the available cores (more are capped at them, with a note); 0 runs in this thread`).argParser(nonNegativeInteger).default(cores, `the ${cores} available core${cores === 1 ? '' : 's'}`))
    .option('--set <path=value>', 'override a field after composition (repeatable)', collect, [])
    .option('--sweep <path=v1,v2,...>', 'run a variant for each value; several sweeps make a grid (repeatable)', collect, [])
    .addOption(new Option('--timeseries <mode>', 'monthly series to keep, a table per kind of actor: none, summary (market.arrow, labs.arrow) or all (also providers.arrow, suppliers.arrow, chips.arrow)').choices(TIMESERIES_MODES).default('summary'))
    .option('--block-size <n>', `runs per record batch and per check of --until-precision (at most ${MAX_BLOCK_SIZE}: a block is held in memory until written)`, positiveInteger, 100)
    .option('--until-precision <share>', 'run until every key metric\'s 95% CI half-width is under this share of its mean (e.g. 0.01)', share)
    .option('--max-runs <n>', `with --until-precision: the most runs to do (at most ${MAX_RUNS})`, positiveInteger, DEFAULT_MAX_RUNS)
    .addOption(new Option('--design <design>', 'how uncertain parameters are sampled: independent draws, a Latin hypercube over the runs, or a Saltelli design for Sobol sensitivity indices (--runs a multiple of the uncertain parameters + 2)').choices(DESIGN_KINDS).default('independent'))
    .option('--quiet', 'no progress bar')
    .option('--only-run <i>', 'run only replication i (of every variant) and print its summary', nonNegativeInteger)
    .option('--json', 'with --only-run: print the whole result (monthly records, events, summary) as JSON')
    .option('--shard <k/m>', 'run only shard K of M (a contiguous range of whole blocks) into a shard directory for `merge`; auto/M takes K from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX')
    .option('--report', 'when the batch is done, write DIR/report.html: charts of the results (see `computerace report`)')
    .option('--resume', 'continue the batch in --out from the runs it kept when it was interrupted (Ctrl-C, SIGTERM; with --resume or --shard every block is checkpointed, so even a kill -9 loses none); a finished batch is left as it is; another batch there is refused')
    .option('--import <module>', 'a JavaScript module (a path or a file: URL) that registers custom policies (registerPolicy), loaded here and in every worker (repeatable)', collect, [])
    .addHelpText('after', examples(
      'computerace run scenarios/openai-multicloud-2025.yaml --runs 1000 --seed 42 --report',
      'computerace run scenarios/price-war.yaml --sweep providers.azure.pricing.margin=0.2,0.4 --until-precision 0.01',
      'computerace run scenarios/price-war.yaml --seed 42 --only-run 17',
    ))
    .action(async (file: string, flags: RunFlags, command: Command) => {
      flags.modules = flags.import;
      flags.import = await importModules(flags.import);
      if (flags.onlyRun !== undefined) {
        checkReplayOptions(command, flags);
        return onlyRun(file, flags);
      }
      return batch(file, flags, command);
    });
}

/** The options of a batch, which a replay of one run would silently ignore (it writes nothing, and runs one run). */
const BATCH_ONLY_OPTIONS = ['out', 'workers', 'timeseries', 'blockSize', 'untilPrecision', 'maxRuns', 'quiet', 'shard', 'report', 'resume'] as const;

/** Refuses, with --only-run, an option given on the command line that only a batch uses, and a run past the --runs given. */
function checkReplayOptions(command: Command, flags: RunFlags): void {
  for (const name of BATCH_ONLY_OPTIONS) {
    if (command.getOptionValueSource(name) !== 'cli') continue;
    const flag = command.options.find((option) => option.attributeName() === name)!.long!;
    throw new UsageError(`${flag} goes with a batch: --only-run replays one run, prints it and writes nothing`);
  }
  // A designed batch's replay needs its --runs (checked with the design); an independent one's does not, but one given must hold the run.
  if (flags.design === 'independent' && command.getOptionValueSource('runs') === 'cli' && flags.onlyRun! >= flags.runs) {
    throw new UsageError(`--only-run ${flags.onlyRun} is not a run of a ${flags.runs}-run batch (runs are numbered from 0)`);
  }
}

async function onlyRun(file: string, flags: RunFlags): Promise<void> {
  const [{ loadScenarioToRun }, { Replicator }, { RunFailure }, { formatRunSummary }] = await Promise.all([
    import('../experiment/plan.js'),
    import('../experiment/replicate.js'),
    import('../experiment/failure.js'),
    import('./summary.js'),
  ]);
  const runs = flags.runs;
  if (flags.onlyRun! >= MAX_RUNS) throw new UsageError(`--only-run ${flags.onlyRun}: no batch has that run: ${runsLimit().reason}`);
  if (flags.design !== 'independent') checkBatchFlags({ runs, design: flags.design });
  // A designed batch's run i takes its parameters from the design over all its runs, so the replay needs both.
  if (flags.design !== 'independent' && flags.onlyRun! >= runs) throw new UsageError(`--only-run ${flags.onlyRun} is not a run of a ${runs}-run --design ${flags.design} batch (give the batch's --runs)`);
  const loaded = await loadScenarioToRun(file, { set: flags.set, sweep: flags.sweep });
  // As a batch says them, before its runs.
  for (const warning of loaded.warnings) sayNotice(formatWarning(warning));
  const design = flags.design === 'independent' ? { kind: 'independent' as const } : { kind: flags.design, runs };
  const replicator = new Replicator({ variants: loaded.variants.map(({ name, spec }) => ({ name, spec })), seed: flags.seed, timeseries: 'none', scenarioHash: loaded.hash, design });
  try {
    const results = loaded.variants.map((variant, v) => ({ variant: variant.name, result: replicator.run(flags.onlyRun!, v) }));
    if (flags.json) console.log(JSON.stringify(results.length === 1 ? results[0]!.result : results));
    else console.log(results.map(({ variant, result }, v) => formatRunSummary(`${loaded.spec.name} (${variant})`, result, loaded.variants[v]!.spec)).join('\n\n'));
  } catch (error) {
    if (!(error instanceof RunFailure)) throw error;
    // Reported as the batch reported it; --debug adds the stack of where the run threw.
    const failure = new UsageError(printable(error.message), 1);
    failure.cause = error.cause;
    throw failure;
  }
}

async function batch(file: string, flags: RunFlags, command: Command): Promise<void> {
  if (flags.json) throw new UsageError('--json goes with --only-run; a batch writes Arrow files to --out');
  if (flags.untilPrecision === undefined && command.getOptionValueSource('maxRuns') === 'cli') throw new UsageError('--max-runs goes with --until-precision; without it, use --runs');
  if (flags.report && flags.shard !== undefined) throw new UsageError('--report needs the whole batch: merge the shards, then run `computerace report DIR`');
  if (flags.untilPrecision !== undefined && command.getOptionValueSource('runs') === 'cli') throw new UsageError('--until-precision decides the number of runs; give the most with --max-runs, not --runs');
  const { parseShard, shardRange, ShardArgumentError } = await import('../experiment/shards.js');
  let shard;
  try {
    shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
  } catch (error) {
    throw error instanceof ShardArgumentError ? inputError(error) : error;
  }
  // The scenario is loaded by the workers, not here: this thread only coordinates and writes.
  const runs = flags.untilPrecision !== undefined ? flags.maxRuns : flags.runs;
  // The library's refusals (a stopping rule with a design or shard, too many runs), before the workers start.
  checkBatchFlags({ runs, blockSize: flags.blockSize, design: flags.design, untilPrecision: flags.untilPrecision, shard }, flags.untilPrecision !== undefined ? '--max-runs' : '--runs');
  const workers = workerThreads(flags.workers, command);
  // Drawn before the modules load and the workers start: the command shows it is at work at once.
  const { progressBar } = await import('./progress.js');
  const progress = progressBar(!flags.quiet && process.stderr.isTTY === true, shard ? shardRange(runs, flags.blockSize, shard).runs : runs);
  const [{ runBatch }, { filesWritten, formatBatchSummary }, { RunFailure }, { BatchInterrupted }, { OutputError, WriteFailure }, { SaltelliDesignError, describeSaltelliProblem }] = await Promise.all([
    import('../experiment/batch.js'),
    import('./batch-summary.js'),
    import('../experiment/failure.js'),
    import('../experiment/interruption.js'),
    import('../io/outputs.js'),
    import('../experiment/sobol.js'),
  ]);
  const out = flags.out ?? join('results', basename(file).replace(/\.(ya?ml|json)$/i, ''));
  const started = performance.now();
  // Ctrl-C (or a scheduler's SIGTERM) stops the batch, keeping what it wrote for --resume. Heard
  // until the batch has stopped: a second Ctrl-C must not kill it while it keeps its files.
  const interruption = new AbortController();
  const interrupt = (): void => interruption.abort();
  process.on('SIGINT', interrupt).on('SIGTERM', interrupt);
  try {
    const outcome = await runBatch({
      scenario: file,
      set: flags.set,
      sweep: flags.sweep,
      runs,
      seed: flags.seed,
      out,
      workers,
      timeseries: flags.timeseries,
      blockSize: flags.blockSize,
      untilPrecision: flags.untilPrecision,
      design: flags.design,
      commandLine: process.argv.slice(2),
      modules: flags.import,
      shard,
      resume: flags.resume,
      onProgress: (done) => progress.update(done),
      onNotice: sayNotice,
      signal: interruption.signal,
    });
    progress.stop();
    if (outcome.alreadyFinished) console.log(`${printable(out)} already holds this batch, finished: nothing to do`);
    else {
      console.log(formatBatchSummary(outcome.scenario.name, outcome, (performance.now() - started) / 1000));
      console.log(`\nwrote ${printable(out)}/: ${filesWritten(outcome.rows, outcome.description)}`);
    }
  } catch (error) {
    progress.stop();
    if (error instanceof BatchInterrupted) throw new UsageError(afterInterruption(error), EXIT_INTERRUPTED);
    if (error instanceof WriteFailure) throw new UsageError(`${printable(error.message)}; ${afterWriteFailure(flags.shard !== undefined || flags.resume === true)}`);
    if (error instanceof OutputError) throw inputError(error);
    // Known once the scenario is loaded: how many uncertain parameters the Saltelli design has.
    if (error instanceof SaltelliDesignError) throw new UsageError(describeSaltelliProblem(error.problem, SOBOL_FLAGS));
    if (error instanceof RunFailure) {
      throw new UsageError(`${printable(error.message)}\nreproduce it with: ${replayCommand(file, flags, runs, error.seed, error.runIndex)}`, 1);
    }
    throw error;
  } finally {
    process.off('SIGINT', interrupt).off('SIGTERM', interrupt);
  }
  // After the batch, with the default signal handling back: Ctrl-C during the report just stops it (the page is written whole or not at all).
  if (flags.report) console.log(await report(out, {}));
}

/** The exit code of a command stopped by Ctrl-C (128 + SIGINT), as a shell reports it. */
const EXIT_INTERRUPTED = 130;

/** What an interrupted batch kept, and the command that continues it (or, with nothing kept, starts it again). */
function afterInterruption(interrupted: BatchInterrupted): string {
  if (interrupted.problem !== undefined) return `interrupted, and the runs written could not be kept (${interrupted.problem}); no file was left half-written: run it again with: ${commandLine(false)}`;
  if (interrupted.checkpoint === undefined) return `interrupted before the first block was written; no file was left half-written: run it again with: ${commandLine(false)}`;
  return `interrupted: ${interrupted.runsKept} of ${interrupted.total} runs are kept in ${interrupted.checkpoint}; continue with: ${commandLine(true)}`;
}

/** What to do after a write failed (a full disk): continue from the checkpoints, kept, with the command that does; or run again. */
function afterWriteFailure(checkpointed: boolean): string {
  if (!checkpointed) return 'the batch did not finish, and kept no checkpoints: once there is room, run it again (with --resume a batch checkpoints its blocks and continues where it stopped)';
  return `the blocks written so far are kept: once there is room, continue with: ${commandLine(true)}`;
}

/** This command as typed, for the shell to run again; with `resume`, with --resume added (once). */
function commandLine(resume: boolean): string {
  const args = process.argv.slice(2);
  return shellCommand(['computerace', ...args, ...(resume && !args.includes('--resume') ? ['--resume'] : [])]);
}

/**
 * The worker threads to start: as asked, but no more than the cores, with a note when asked for more.
 * The runs are CPU-bound, so threads past the cores only add memory (a formula engine each: 1,000 took
 * 10 GB and 95 s for 200 runs on 2 cores) and time; the bytes written are the same for any number.
 */
function workerThreads(asked: number, command: Command): number {
  const cores = availableParallelism();
  if (asked <= cores) return asked;
  if (command.getOptionValueSource('workers') === 'cli') process.stderr.write(`computerace: --workers ${asked}: capped at the ${cores} available core${cores === 1 ? '' : 's'}\n`);
  return cores;
}

/** Says what a run found and did about it (a warning of its scenario, a damaged checkpoint run again), on stderr. */
function sayNotice(message: string): void {
  process.stderr.write(`computerace: ${printable(message)}\n`);
}

/** Imports the policy modules (registering their policies), and returns them as URLs a worker thread can import too; a module that cannot be loaded is a UsageError. */
export async function importModules(modules: readonly string[]): Promise<string[]> {
  const urls: string[] = [];
  for (const module of modules) {
    if (module === '') throw new UsageError('--import needs a module file, got an empty name');
    const url = moduleUrl(module);
    try {
      await import(url);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' ? 'not found' : (error as Error).message;
      throw new UsageError(`--import ${printable(module)}: cannot load the module: ${printable(reason)}`);
    }
    urls.push(url);
  }
  return urls;
}

/** What determines a run besides its scenario, seed and index: a batch's flags, or a back-test's overrides alone. */
type ReplayFlags = Pick<RunFlags, 'set'> & Partial<Pick<RunFlags, 'sweep' | 'modules' | 'design'>>;

/** The command that replays run `runIndex` of this batch (or back-test) alone: everything that determines a run, and nothing else. */
export function replayCommand(file: string, flags: ReplayFlags, runs: number, seed: string, runIndex: number): string {
  const words = ['computerace', 'run', file, ...flags.set.flatMap((set) => ['--set', set]), ...(flags.sweep ?? []).flatMap((sweep) => ['--sweep', sweep])];
  words.push(...(flags.modules ?? []).flatMap((module) => ['--import', module]), '--seed', seed, '--only-run', String(runIndex));
  if (flags.design !== undefined && flags.design !== 'independent') words.push('--design', flags.design, '--runs', String(runs));
  return shellCommand([...words, '--debug']);
}
