import type { Command } from 'commander';
import { UsageError } from './errors.js';
import { examples } from './help.js';

/** `computerace export`: a batch's tables in another format, for tools that do not read Arrow. */

/** Flags of `export`. */
interface ExportFlags {
  csv?: boolean;
  out?: string;
}

/** Adds the `export` command to the program. */
export function addExportCommand(program: Command): void {
  program
    .command('export')
    .description('write the tables of a finished batch as CSV files, one per table, for spreadsheets and pandas without pyarrow')
    .argument('<dir>', 'the output directory of a batch (or of `merge`)')
    .option('--csv', 'write CSV: a header line, dates as YYYY-MM-DD, categories as text, nulls as empty cells, numbers that read back exactly')
    .option('--out <dir>', 'where the CSV files go (default: <dir>, beside the tables)')
    .addHelpText('after', examples('computerace export results/openai-multicloud-2025 --csv --out results/openai-multicloud-2025-csv'))
    .action(async (dir: string, flags: ExportFlags) => {
      if (!flags.csv) throw new UsageError('export: say which format to write: --csv (the only one)');
      const [{ exportCsv }, { OutputError, WriteFailure }] = await Promise.all([import('../io/export.js'), import('../io/errors.js')]);
      const out = flags.out ?? dir;
      try {
        const files = await exportCsv(dir, out);
        console.log(`wrote ${out}/: ${files.map((file, i) => `${file.table}.csv (${file.rows}${i === 0 ? ' rows' : ''})`).join(', ')}`);
      } catch (error) {
        // The batch is only read: the CSV files already written are whole, the others absent.
        if (error instanceof WriteFailure) throw new UsageError(`${error.message}; the batch is untouched: once there is room, export it again`);
        if (error instanceof OutputError) throw new UsageError(error.message);
        throw error;
      }
    });
}
