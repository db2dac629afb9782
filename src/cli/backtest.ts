import type { Command } from 'commander';
import type { BacktestOutcome, TargetEvaluation } from '../experiment/backtest.js';
import { backtestRunsLimit, checkBacktestOptions } from '../experiment/limits.js';
import { printable, printableJson } from '../printable.js';
import { collect, positiveInteger, seed, SEED_HELP } from './arguments.js';
import { inputError, UsageError } from './errors.js';
import { checkBatchFlags } from './batch-options.js';
import { examples } from './help.js';
import { replayCommand } from './run.js';
import { table } from './summary.js';

/**
 * `computerace backtest`: a scenario's runs against the observed figures it declares as `targets`. The
 * table says which targets the model meets; the exit code is 0 either way (a miss is a finding about the
 * model, not bad input), and 2 for a file that does not load or has no targets.
 */

interface BacktestFlags {
  runs: number;
  seed: string;
  set: string[];
  json?: boolean;
  chart?: string;
}

/** Adds the `backtest` command to the program. */
export function addBacktestCommand(program: Command): void {
  program
    .command('backtest')
    .description('run a scenario\'s Monte Carlo runs and compare them with the observed targets it declares')
    .argument('<scenario>', 'a scenario file (YAML or JSON) with `targets`')
    .option('--runs <n>', `runs of the baseline (at most ${backtestRunsLimit().max})`, positiveInteger, 200)
    .option('--seed <seed>', `master seed: run i is run i of \`computerace run\` with this seed; ${SEED_HELP}`, seed, '42')
    .option('--set <path=value>', 'override a field after composition, e.g. labs.openai.budgetUsdPerYear=2e10 (repeatable)', collect, [])
    .option('--json', 'print the evaluation as JSON, each target with its value in every run')
    .option('--chart <file.svg>', 'also draw the price paths the targets read, with the observed bands over them, as an SVG file')
    .addHelpText('after', examples('computerace backtest scenarios/backtest-2023.yaml --runs 200 --chart backtest.svg'))
    .action(async (file: string, flags: BacktestFlags) => {
      console.log(await backtest(file, flags));
    });
}

async function backtest(file: string, flags: BacktestFlags): Promise<string> {
  // Loaded on demand: the model and its formula engine take most of a second to start.
  const [experiment, { RunFailure }, { loadScenario }] = await Promise.all([import('../experiment/backtest.js'), import('../experiment/failure.js'), import('../scenario/load.js')]);
  const { runBacktest, BacktestError } = experiment;
  checkBatchFlags({ runs: flags.runs }, '--runs', checkBacktestOptions);
  // A chart that could not be written, or would hold nothing, is found out before the runs, not after.
  if (flags.chart !== undefined) await checkWritable(flags.chart);
  // Loaded once, here: the chart's check reads its targets before the back-test runs them.
  const loaded = loadScenario(file, { set: flags.set });
  const targets = loaded.spec.targets ?? [];
  if (flags.chart !== undefined && targets.length > 0 && experiment.pricedChips(targets).length === 0) {
    throw new UsageError(printable(`--chart ${flags.chart}: the chart draws the chip prices the targets read, and the targets of ${file} read none`));
  }
  let outcome: BacktestOutcome;
  try {
    outcome = await runBacktest({ scenario: loaded, runs: flags.runs, seed: flags.seed });
  } catch (error) {
    if (error instanceof BacktestError) throw inputError(error);
    if (error instanceof RunFailure) {
      // A back-test's run i is run i of `computerace run` with its seed and overrides.
      const replay = replayCommand(file, { set: flags.set }, flags.runs, error.seed, error.runIndex);
      const failure = new UsageError(`${printable(error.message)}\nreproduce it with: ${replay}`, 1);
      failure.cause = error.cause;
      throw failure;
    }
    throw error;
  }
  if (flags.chart !== undefined) {
    const [{ writeBacktestChart }, { OutputError }] = await Promise.all([import('../report/backtest-chart.js'), import('../io/outputs.js')]);
    await writeBacktestChart(outcome, flags.chart).catch((error: unknown) => {
      throw error instanceof OutputError ? new UsageError(`--chart ${flags.chart}: ${error.message}`) : error;
    });
  }
  if (flags.json) return printableJson(JSON.stringify(asJson(outcome), null, 2));
  // As the other commands say what they wrote; JSON stays JSON alone.
  return `${formatBacktest(outcome, experiment)}${flags.chart === undefined ? '' : `\n\nwrote ${printable(flags.chart)}`}`;
}

/** Refuses a chart path whose directory is missing or not writable, or that exists and is not a regular file (a directory, /dev/null) or not an earlier chart. */
async function checkWritable(path: string): Promise<void> {
  const { access, constants, stat } = await import('node:fs/promises');
  const { dirname } = await import('node:path');
  const reason = await access(dirname(path), constants.W_OK).then(
    async () => {
      const existing = await stat(path).catch(() => undefined);
      return existing === undefined || existing.isFile() ? undefined : existing.isDirectory() ? 'it is a directory' : 'it exists and is not a regular file';
    },
    () => `its directory ${dirname(path)} does not exist or is not writable`,
  );
  if (reason !== undefined) throw new UsageError(printable(`--chart ${path}: cannot write the chart there: ${reason}`));
  // A chart replaces an earlier chart, never a scenario or a table a mistyped --chart names.
  const { OutputError, refuseToReplace } = await import('../io/outputs.js');
  await refuseToReplace(path, 'chart').catch((error: unknown) => {
    throw error instanceof OutputError ? new UsageError(printable(`--chart ${path}: ${error.message}`)) : error;
  });
}

/** The outcome as JSON: each target's values a list (NaN, for a run without the metric, becomes null). */
function asJson(outcome: BacktestOutcome): unknown {
  return { ...outcome, targets: outcome.targets.map((target) => ({ ...target, values: Array.from(target.values) })) };
}

/** How backtest.ts writes figures, bands and shares, so that the table and the reasons agree. */
type Figures = Pick<typeof import('../experiment/backtest.js'), 'formatBand' | 'formatFigure' | 'formatShare'>;

/** The table of targets, the count met, and why each unmet one is not. */
function formatBacktest(outcome: BacktestOutcome, { formatBand, formatFigure, formatShare }: Figures): string {
  const observed = (target: TargetEvaluation): string =>
    target.band !== undefined ? formatBand(target.band) : `≥ ${formatFigure(target.atLeast!)} in ${formatShare(target.share!)} of runs`;
  const model = (target: TargetEvaluation): string => {
    const parts = [`${formatFigure(target.median)} [${formatFigure(target.p5)}, ${formatFigure(target.p95)}]`];
    if (target.shareAtLeast !== undefined) parts.push(`${formatShare(target.shareAtLeast)} of runs ≥ ${formatFigure(target.atLeast!)}`);
    if (target.undefinedRuns > 0) parts.push(`undefined in ${target.undefinedRuns} runs`);
    return parts.join('; ');
  };
  const met = outcome.targets.filter((target) => target.met).length;
  const lines = [`${printable(outcome.scenario)}: ${outcome.runs} run${outcome.runs === 1 ? '' : 's'}, seed ${printable(String(outcome.seed))}`, ''];
  lines.push(table(
    ['target', 'observed', 'model median [p5, p95]', 'unit', 'met'],
    outcome.targets.map((target) => [target.id, observed(target), model(target), target.unit, target.met ? 'yes' : 'NO']),
  ));
  lines.push('', `${met} of ${outcome.targets.length} targets met`);
  for (const target of outcome.targets) if (!target.met) lines.push(`  ${printable(target.id)}: ${printable(target.reason ?? '')}`);
  return lines.join('\n');
}
