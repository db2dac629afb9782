import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { MM1_RATES, mm1 } from '../examples/mm1.js';
import { EXIT_BAD_INPUT, reportable, UsageError } from './errors.js';
import { examples } from './help.js';
import { watchStandardOutput } from './output.js';
import { addRunCommand, importModules } from './run.js';
import { addResolveCommand } from './resolve.js';
import { addInitCommand } from './init.js';
import { addMergeCommand } from './merge.js';
import { addSlurmCommand } from './slurm.js';
import { addReportCommand } from './report.js';
import { addBacktestCommand } from './backtest.js';
import { addCompareCommand } from './compare.js';
import { addExportCommand } from './export.js';
import { addExploreCommand } from './explore.js';
import { collect, integer, positiveInteger, positiveNumber } from './arguments.js';
import { ScenarioError, formatProblem, formatWarning } from '../scenario/problems.js';
import { printable } from '../printable.js';
import type { Problem } from '../scenario/problems.js';
import { scenarioJsonSchema } from '../scenario/schema.js';
import { ENGINE_VERSION } from '../version.js';

/** An M/M/1 rate, in MM1_RATES. */
function rate(text: string): number {
  const value = positiveNumber(text);
  if (!(value >= MM1_RATES.min && value <= MM1_RATES.max)) throw new InvalidArgumentError(`expected a rate from ${MM1_RATES.min} to ${MM1_RATES.max}, got ${text}`);
  return value;
}

/** Builds the `computerace` command; `main` runs it. */
export function buildProgram(): Command {
  const program = new Command('computerace')
    .description('A discrete-event simulation engine for the AI compute arms race')
    .version(ENGINE_VERSION)
    .option('--debug', 'show stack traces of errors')
    .addHelpText('after', examples('computerace init my-scenario.yaml', 'computerace validate my-scenario.yaml', 'computerace run my-scenario.yaml --runs 1000 --seed 42 --report'))
    .exitOverride()
    // Commander quotes the arguments it refuses as given: escaped, they stay on the line and cannot drive
    // the terminal. Its one line break of its own is before a suggestion ("(Did you mean --runs?)").
    .configureOutput({ outputError: (text, write) => write(`${printable(text.replace(/^error: /, 'computerace: ').trimEnd()).replace(/\\n(?=\(Did you mean )/g, '\n')}\n`) });

  program
    .command('example')
    .description('run a built-in example model and print its results as JSON')
    .argument('<name>', 'the example: mm1 (an M/M/1 queue)')
    .option('--lambda <rate>', `arrival rate, from ${MM1_RATES.min} to ${MM1_RATES.max}`, rate, 0.5)
    .option('--mu <rate>', `service rate, from ${MM1_RATES.min} to ${MM1_RATES.max}`, rate, 1)
    .option('--customers <n>', 'number of customers', positiveInteger, 1_000_000)
    .option('--seed <seed>', 'master seed, an integer in decimal digits', integer, 1)
    .addHelpText('after', examples('computerace example mm1 --lambda 0.9 --customers 100000 --seed 7'))
    .action((name: string, options: { lambda: number; mu: number; customers: number; seed: number }) => {
      if (name !== 'mm1') throw new UsageError(`unknown example '${printable(name)}'; expected one of: mm1`);
      if (options.lambda >= options.mu) {
        throw new UsageError(`--lambda (${options.lambda}) must be below --mu (${options.mu}) for the queue to be stable`);
      }
      const started = performance.now();
      const result = mm1(options.lambda, options.mu, options.customers, options.seed);
      const seconds = (performance.now() - started) / 1000;
      const theory = { meanTimeInSystem: 1 / (options.mu - options.lambda), utilisation: options.lambda / options.mu };
      console.log(JSON.stringify({ example: 'mm1', ...options, result, theory, eventsPerSecond: Math.round(result.events / seconds) }, null, 2));
    });

  program
    .command('validate')
    .description('check scenario files; print every problem as file:line:col: path: message, and every warning (allowed, most likely not meant) as file:line:col: path: warning: message')
    .argument('<files...>', 'scenario files (YAML or JSON)')
    .option('--set <path=value>', 'override a field after composition, e.g. providers.azure.pricing.margin=0.3 (repeatable)', collect, [])
    .option('--import <module>', 'a JavaScript module that registers custom policies (registerPolicy), as `run` takes it: a `custom:` policy no module registers is a problem (repeatable)', collect, [])
    .addHelpText('after', examples('computerace validate scenarios/*.yaml', 'computerace validate scenarios/price-war.yaml --set providers.azure.pricing.margin=0.3'))
    .action(async (files: string[], options: { set: string[]; import: string[] }) => {
      // Loaded on demand: formulas bring in mathjs, which takes most of a second to start.
      const { loadScenarioToRun } = await import('../experiment/plan.js');
      await importModules(options.import);
      const problems: Problem[] = [];
      const reported = new Set<string>();
      for (const file of files) {
        try {
          // What `run` would refuse: the file, and a policy it names that no module registers.
          const { warnings } = await loadScenarioToRun(file, { set: options.set });
          // Allowed, so ok; said on stderr, as problems are, each where it is written.
          for (const warning of warnings) console.error(printable(formatWarning(warning)));
          console.log(`${printable(file)}: ok${warnings.length === 0 ? '' : `, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}`}`);
        } catch (error) {
          if (!(error instanceof ScenarioError)) throw error;
          // A malformed --set is reported by every file: once is enough.
          for (const problem of error.problems) {
            const text = formatProblem(problem);
            if (reported.has(text)) continue;
            reported.add(text);
            problems.push(problem);
          }
        }
      }
      if (problems.length > 0) throw new ScenarioError(problems);
    });

  addRunCommand(program);
  addMergeCommand(program);
  addSlurmCommand(program);
  addReportCommand(program);
  addExportCommand(program);
  addCompareCommand(program);
  addBacktestCommand(program);
  addResolveCommand(program);
  addInitCommand(program);
  addExploreCommand(program);

  program
    .command('schema')
    .description('print the JSON Schema of scenario files (for editors)')
    .addHelpText('after', examples('computerace schema > computerace.schema.json'))
    .action(() => {
      console.log(JSON.stringify(scenarioJsonSchema(), null, 2));
    });

  return program;
}

/** Runs the command line; bad input ends with one line on stderr and exit code 2. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const output = watchStandardOutput();
  try {
    await program.parseAsync(argv);
    await output.check();
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message; help and version are not failures.
      return error.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
    }
    const reported = reportable(error);
    if (reported !== undefined) {
      // One line (a ScenarioError: one problem a line, file:line:col first, so editors and terminals link to each).
      const problems = (error as Error).name === 'ScenarioError';
      process.stderr.write(problems ? `${reported.message}\n` : `computerace: ${reported.message}\n`);
      const cause = error instanceof UsageError ? error.cause : error;
      if (argv.includes('--debug') && cause instanceof Error && !problems) process.stderr.write(`${cause.stack}\n`);
      return reported.exitCode;
    }
    if (argv.includes('--debug')) throw error;
    process.stderr.write(`computerace: internal error: ${printable(error instanceof Error ? error.message : String(error))} (run with --debug for the stack trace)\n`);
    return 1;
  } finally {
    output.stop();
  }
}
