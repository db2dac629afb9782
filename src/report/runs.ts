import { join } from 'node:path';
import { codes, column, numbers, recordBatches, ReportError } from './results.js';

/**
 * The runs table as the report needs it: the chosen columns, per variant, in run order. At 8 bytes
 * a value, a 100,000-run batch's sixty-odd parameters and outcomes take about 50 MB; the other
 * columns are never copied out of the record batch they came in.
 */

/** Run-level values: `values[variant][column]` holds one number per run, run i at index i. */
export interface RunsColumns {
  names: readonly string[];
  variants: readonly string[];
  runs: number;
  values: Float64Array[][];
}

/** Reads `names` from `runs.arrow` in `dir`; every variant must have the same runs (it does, by construction). */
export async function readRunsColumns(dir: string, variants: readonly string[], names: readonly string[], expectedRows: number): Promise<RunsColumns> {
  const file = join(dir, 'runs.arrow');
  const perVariant = Math.ceil(expectedRows / Math.max(1, variants.length));
  let capacity = Math.max(1, perVariant);
  let values: Float64Array[][] = variants.map(() => names.map(() => new Float64Array(capacity)));
  const filled = new Int32Array(variants.length);
  for await (const batch of recordBatches(file)) {
    const variantOf = codes(batch, 'variant', variants, file);
    const columns = names.map((name) => numbers(column(batch, name, file)));
    for (let row = 0; row < batch.numRows; row++) {
      const v = variantOf[row] as number;
      if (v < 0) throw new ReportError(`${file}: row ${row} has a variant the manifest does not list`);
      const at = filled[v]!++;
      if (at >= capacity) values = grow(values, (capacity *= 2));
      for (let c = 0; c < names.length; c++) values[v]![c]![at] = columns[c]![row]!;
    }
  }
  const runs = filled[0] ?? 0;
  if (filled.some((count) => count !== runs)) throw new ReportError(`${file}: variants have different numbers of runs (${[...filled].join(', ')})`);
  return { names, variants, runs, values: values.map((columns) => columns.map((array) => array.subarray(0, runs))) };
}

function grow(values: Float64Array[][], length: number): Float64Array[][] {
  return values.map((columns) => columns.map((array) => {
    const bigger = new Float64Array(length);
    bigger.set(array);
    return bigger;
  }));
}

/** The column `name` of `variant` (index), or a ReportError. */
export function runColumn(table: RunsColumns, variant: number, name: string): Float64Array {
  const index = table.names.indexOf(name);
  if (index < 0) throw new ReportError(`runs.arrow: column '${name}' was not read`);
  return table.values[variant]![index]!;
}
