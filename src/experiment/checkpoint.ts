import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ArrowFileWriter, readBlocks } from '../io/arrow.js';
import type { ArrowTable } from '../io/arrow.js';
import type { TableBlock } from '../io/columns.js';
import { OutputError, writeFailure } from '../io/errors.js';
import { CHECKPOINT_DIRECTORY } from '../io/folder.js';
import type { TableName } from '../io/layout.js';
import type { BlockOutput, BlockTables } from './replicate.js';

/**
 * Checkpoints of a batch being written: each block, as it is written to the Arrow files, is also
 * saved as small Arrow files in `DIR/.checkpoint/<first run>.blocks/`. An Arrow file cannot be
 * appended to once its writer is gone (the footer comes last), so a resumed batch rewrites its
 * files from the saved blocks and runs only what follows them; the bytes are those of an
 * uninterrupted batch.
 */

/** The checkpoint directory of an output directory. */
const checkpointDirectory = (out: string): string => join(out, CHECKPOINT_DIRECTORY);

/** The batch's tables, as its writer has them: those it writes (batchTables), by name. */
export interface CheckpointTables {
  names: readonly TableName[];
  byName: Partial<Record<TableName, { table: ArrowTable }>>;
}

/** The saved blocks of one batch in one directory. */
export class Checkpoint {
  private constructor(
    readonly dir: string,
    private readonly tables: CheckpointTables,
    private readonly variants: number,
    private readonly scenarioHash: string,
  ) {}

  /**
   * Opens the checkpoints of the batch identified by `identity` (its provenance and run range):
   * with `resume`, saved blocks of that same batch are kept; anything else is cleared.
   */
  static async open(out: string, identity: { provenance: { scenarioHash: string; variants: string[] }; range: unknown }, resume: boolean, tables: CheckpointTables): Promise<Checkpoint> {
    const { scenarioHash, variants } = identity.provenance;
    const checkpoint = new Checkpoint(checkpointDirectory(out), tables, variants.length, scenarioHash);
    // The tables are part of what a saved block is: blocks saved with other tables (by an older computerace) are cleared.
    const key = JSON.stringify({ ...identity, tables: tables.names });
    const saved = await readFile(join(checkpoint.dir, 'batch.json'), 'utf8').catch(() => undefined);
    if (!resume || saved !== key) {
      await checkpoint.remove();
      const file = join(checkpoint.dir, 'batch.json');
      try {
        await mkdir(checkpoint.dir, { recursive: true });
        await writeFile(file, key);
      } catch (error) {
        throw writeFailure(file, error);
      }
    }
    return checkpoint;
  }

  /** The saved blocks that continue one another from run `first`, in run order. */
  async *restore(first: number): AsyncGenerator<BlockOutput> {
    const names = new Set(await readdir(this.dir));
    let next = first;
    while (names.has(`${next}.blocks`)) {
      const dir = join(this.dir, `${next}.blocks`);
      // A table with no rows in this block was saved as a file with no record batch; every table of the batch was saved.
      const read = async (name: TableName): Promise<TableBlock> => {
        try {
          for await (const block of readBlocks(join(dir, `${name}.arrow`), this.tables.byName[name]!.table.layout)) return block;
        } catch (error) {
          // Written whole then renamed, a saved block is damaged only from outside: the batch cannot trust what follows it.
          if (error instanceof OutputError) throw new OutputError(`${error.message}: a damaged checkpoint; remove ${this.dir} to run the batch from the start`);
          throw error;
        }
        return { rows: 0, columns: [] };
      };
      const tables = { runs: await read('runs') } as BlockTables;
      for (const name of this.tables.names) if (name !== 'runs') tables[name] = await read(name);
      const count = tables.runs.rows / this.variants;
      yield { first: next, count, tables, scenarioHash: this.scenarioHash };
      next += count;
    }
  }

  /**
   * Saves a written block (into a temporary directory first: a killed process leaves no half block,
   * and a block that could not be saved whole, on a full disk, is removed and the others kept).
   */
  async save(output: BlockOutput): Promise<void> {
    const dir = join(this.dir, `${output.first}.blocks`);
    try {
      await mkdir(`${dir}.partial`, { recursive: true });
      for (const name of this.tables.names) {
        const block = output.tables[name];
        if (block === undefined) continue;
        const writer = new ArrowFileWriter(join(`${dir}.partial`, `${name}.arrow`), this.tables.byName[name]!.table);
        try {
          writer.write(block);
          await writer.close();
        } catch (error) {
          await writer.abort();
          throw error;
        }
      }
      await rename(`${dir}.partial`, dir);
    } catch (error) {
      await rm(`${dir}.partial`, { recursive: true, force: true }).catch(() => undefined);
      throw writeFailure(`${dir}.partial`, error);
    }
  }

  /** Removes the checkpoints: the batch is finished, or failed for good. */
  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
