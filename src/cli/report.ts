import type { Command } from 'commander';
import { FAN_RUNS } from '../report/fan-runs.js';
import { printable } from '../printable.js';
import { positiveInteger } from './arguments.js';
import { inputError } from './errors.js';
import { examples } from './help.js';

/** `computerace report`: a batch's output directory into one self-contained HTML page. */

/** Flags of `report`, and of `run --report`. */
export interface ReportFlags {
  out?: string;
  fanRuns?: number;
}

/** Adds the `report` command to the program. */
export function addReportCommand(program: Command): void {
  program
    .command('report')
    .description('turn a batch\'s output directory into one self-contained HTML page (fan charts, distributions, variants, sensitivity, shocks)')
    .argument('<dir>', 'the output directory of a batch (or of `merge`)')
    .option('--out <file>', 'where to write the page (default: DIR/report.html)')
    .option('--fan-runs <n>', 'most runs the fan charts and the shock timeline are drawn from', positiveInteger, FAN_RUNS)
    .addHelpText('after', examples('computerace report results/openai-multicloud-2025 --out report.html'))
    .action(async (dir: string, flags: ReportFlags) => {
      console.log(await report(dir, flags));
    });
}

/** Writes the report of the batch in `dir`; returns the line to print. Bad input becomes a UsageError. */
export async function report(dir: string, flags: ReportFlags): Promise<string> {
  // Loaded on demand: Vega takes a moment to start, and only this command needs it.
  const [{ writeReport }, { ReportError }] = await Promise.all([import('../report/report.js'), import('../report/results.js')]);
  const started = performance.now();
  try {
    const outcome = await writeReport(dir, { out: flags.out, fanRuns: flags.fanRuns });
    const seconds = (performance.now() - started) / 1000;
    return `wrote ${printable(outcome.path)} (${outcome.charts.length} charts, ${Math.round(outcome.bytes / 1024)} KB) in ${seconds.toFixed(1)} s`;
  } catch (error) {
    if (error instanceof ReportError) throw inputError(error);
    throw error;
  }
}
