import type { Command } from 'commander';
import { UsageError } from './errors.js';
import { examples } from './help.js';
import { table } from './summary.js';

/** `computerace compare`: finished batches side by side, each figure's difference from the first with its 95% CI. */

/** Flags of `compare`. */
interface CompareFlags {
  report?: string;
}

/** Adds the `compare` command to the program. */
export function addCompareCommand(program: Command): void {
  program
    .command('compare')
    .description('compare finished batches with the first (its first variant): each lab\'s shortfall, spend and price paid and the market\'s prices, differences with 95% CIs, paired by run index when the batches share seed and runs')
    .argument('<dirs...>', 'output folders of finished batches (or of `merge`), the reference first')
    .option('--report <file>', 'also write the comparison as one self-contained HTML page, with a forest plot of the differences')
    .addHelpText('after', examples('computerace compare results/openai-multicloud-2025 results/exclusive-azure --report compare.html'))
    .action(async (dirs: string[], flags: CompareFlags) => {
      const [{ compareBatches, comparedCells, writeComparisonReport }, { ReportError }] = await Promise.all([import('../report/compare.js'), import('../report/results.js')]);
      try {
        const comparison = await compareBatches(dirs);
        const { reference, arms, pairing, notes, rows } = comparison;
        const lines = [`reference: ${reference.label} (${reference.dir}: scenario ${reference.scenario}, variant ${reference.variant}, seed ${reference.seed}, ${reference.runs} runs); means over runs, differences with 95% CIs`];
        for (const arm of arms) {
          lines.push('', `${arm.label} − ${reference.label}: ${pairing[arm.label]}`, ...notes[arm.label]!.map((note) => `  ${note}`));
          lines.push(table(
            ['figure', 'unit', reference.label, arm.label, 'difference [95% CI]'],
            rows.filter((row) => row.arm === arm.label).map((row) => [row.figure.label, row.figure.unit.name, ...comparedCells(row)]),
          ));
        }
        console.log(lines.join('\n'));
        if (flags.report !== undefined) {
          const written = await writeComparisonReport(comparison, flags.report);
          console.log(`\nwrote ${written.path} (${Math.round(written.bytes / 1024)} KB)`);
        }
      } catch (error) {
        if (error instanceof ReportError) throw new UsageError(error.message);
        throw error;
      }
    });
}
