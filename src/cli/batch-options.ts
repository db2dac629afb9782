import { BatchOptionsError, checkBatchOptions, MAX_RUNS, runsLimit } from '../experiment/limits.js';
import type { BatchOptionsProblem, BatchShape, FixedRunsOption } from '../experiment/limits.js';
import type { SaltelliWords } from '../experiment/sobol.js';
import { UsageError } from './errors.js';

/**
 * The library's checks of a batch's options (experiment/limits.ts), run by the commands before
 * anything starts; a refusal is said in the words of the flags, not of the library's options.
 */

/** The help of a --runs that takes a design: the most runs of any batch, and of a Latin hypercube. */
export const RUNS_HELP = `runs per variant: at most ${MAX_RUNS}, and ${runsLimit('lhs').max} with --design lhs`;

/** What a Saltelli design's refusal calls the design and its runs on the command line. */
export const SOBOL_FLAGS: SaltelliWords = { design: '--design sobol', runs: '--runs' };

/** What cannot go with --until-precision, in the flags' words. */
const WITH_STOPPING_RULE: Record<FixedRunsOption, string> = {
  lhs: '--design lhs stratifies a fixed number of runs; it cannot go with --until-precision',
  sobol: '--design sobol needs a fixed number of runs (a multiple of the uncertain parameters + 2); it cannot go with --until-precision',
  shard: '--shard cuts a fixed number of runs; it cannot go with --until-precision',
};

/** Throws a UsageError when the library would refuse these options (by `check`, a batch's by default); `runsFlag` is the flag that gave `runs`. */
export function checkBatchFlags(options: BatchShape, runsFlag: '--runs' | '--max-runs' = '--runs', check: (options: BatchShape) => void = checkBatchOptions): void {
  try {
    check(options);
  } catch (error) {
    if (error instanceof BatchOptionsError) throw new UsageError(flagsMessage(error.problem, runsFlag));
    throw error;
  }
}

function flagsMessage(problem: BatchOptionsProblem, runsFlag: string): string {
  switch (problem.kind) {
    case 'runs':
      return `${runsFlag} ${problem.runs}: ${problem.reason}`;
    case 'block-size':
      return `--block-size ${problem.blockSize}: ${problem.reason}`;
    case 'stopping-rule':
      return WITH_STOPPING_RULE[problem.with];
    case 'option':
      // The command line's parsers refuse these first; a value that gets past them is named as its flag.
      return `--${problem.option.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)} ${String(problem.value)}: expected ${problem.expected}`;
  }
}
