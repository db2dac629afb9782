import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ArrowFileWriter, readBlocks } from '../io/arrow.js';
import type { ArrowTable } from '../io/arrow.js';
import type { TableBlock } from '../io/columns.js';
import { OutputError, writeFailure } from '../io/errors.js';
import { CHECKPOINT_DIRECTORY } from '../io/folder.js';
import type { TableName } from '../io/layout.js';
import { checkFile, fileDigests } from '../io/manifest.js';
import type { FileDigest } from '../io/manifest.js';
import type { Provenance } from '../io/outputs.js';
import type { BlockOutput } from './replicate.js';

/**
 * Checkpoints of a batch being written, in `DIR/.checkpoint/`: `batch.json`, the identity of the
 * batch they belong to, and saved runs, each range of runs as `<first run>.blocks/<table>.arrow`,
 * Arrow files holding the range's record batches in run order, with `digests.json`, the size and
 * SHA-256 of each (a resumed batch's manifest certifies the restored runs, so they are checked
 * first). A batch that may be resumed (a shard,
 * or one run with --resume) saves every block as it writes it; any other batch, stopped by Ctrl-C
 * or SIGTERM, finishes the files it was writing (they hold every block written so far, in order)
 * and keeps them as one saved range. An Arrow file cannot be appended to once its writer is gone
 * (the footer comes last), so a resumed batch rewrites its files from the saved ranges and runs
 * only what follows them; the bytes are those of an uninterrupted batch.
 */

/** The checkpoint directory of an output directory. */
const checkpointDirectory = (out: string): string => join(out, CHECKPOINT_DIRECTORY);

/**
 * What a checkpoint belongs to: the batch's provenance, the runs it covers (a shard's, or all) and the
 * tables it writes (saved runs of other tables, such as an older computerace's, are not this batch's).
 */
export interface CheckpointIdentity {
  provenance: Provenance;
  range: { firstRun: number; runs: number };
  tables: readonly TableName[];
}

/** The batch's tables, as its writer has them: those it writes, each with its layout and where restored blocks go. */
export interface CheckpointTables {
  names: readonly TableName[];
  byName: Partial<Record<TableName, { table: ArrowTable; write(block: TableBlock): void; drain?(): Promise<void> }>>;
}

/** The saved runs of one batch in one directory. */
export class Checkpoint {
  private constructor(
    readonly dir: string,
    private readonly tables: CheckpointTables,
    private readonly variants: number,
  ) {}

  /** The identity of the batch whose checkpoint `out` holds; undefined when it holds none (or one whose identity was never written whole). */
  static async savedIdentity(out: string): Promise<CheckpointIdentity | undefined> {
    const text = await readFile(join(checkpointDirectory(out), 'batch.json'), 'utf8').catch(() => undefined);
    try {
      return text === undefined ? undefined : (JSON.parse(text) as CheckpointIdentity);
    } catch {
      return undefined;
    }
  }

  /**
   * Opens the checkpoints of the batch `identity`: with `resume`, saved runs of that same batch are
   * kept; anything else is cleared.
   */
  static async open(out: string, identity: CheckpointIdentity, resume: boolean, tables: CheckpointTables): Promise<Checkpoint> {
    const checkpoint = new Checkpoint(checkpointDirectory(out), tables, identity.provenance.variants.length);
    const key = JSON.stringify(identity);
    const saved = await readFile(join(checkpoint.dir, 'batch.json'), 'utf8').catch(() => undefined);
    if (!resume || saved !== key) {
      await checkpoint.remove();
      await writeIdentity(checkpoint.dir, key);
    }
    return checkpoint;
  }

  /**
   * Keeps what a stopped batch wrote: finishes its table files (`files`, holding runs `first` onwards
   * in order) as the saved range `<first>.blocks`, replacing any checkpoint `out` held. Written under
   * a temporary name and renamed: a range is whole or absent.
   */
  static async keep(out: string, identity: CheckpointIdentity, first: number, files: Partial<Record<TableName, ArrowFileWriter>>): Promise<void> {
    const dir = checkpointDirectory(out);
    const range = join(dir, `${first}.blocks`);
    try {
      await rm(dir, { recursive: true, force: true });
      await mkdir(`${range}.partial`, { recursive: true });
      const digests: Record<string, FileDigest> = {};
      for (const name of identity.tables) {
        const file = files[name];
        if (file === undefined) continue;
        await file.finishAt(join(`${range}.partial`, `${name}.arrow`));
        digests[`${name}.arrow`] = file.digest!;
      }
      await writeFile(join(`${range}.partial`, DIGESTS), JSON.stringify(digests));
      await writeIdentity(dir, JSON.stringify(identity));
      await rename(`${range}.partial`, range);
    } catch (error) {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      throw writeFailure(dir, error);
    }
  }

  /**
   * Writes the saved runs that continue one another from run `first` into the tables, in run order;
   * `onRuns` sees each block of the runs table. Returns the run after the last one restored. A range
   * whose files changed since they were saved is not restored: it and every range after it are
   * removed, `onDamaged` hears why, and the batch runs those runs again (the ranges before it were
   * checked as well, so what is kept is what was computed).
   */
  async restore(first: number, onRuns: (block: TableBlock) => void, onDamaged: (problem: string) => void): Promise<number> {
    const names = new Set(await readdir(this.dir).catch(() => []));
    let next = first;
    while (names.has(`${next}.blocks`)) {
      const dir = join(this.dir, `${next}.blocks`);
      const saved = await this.verify(dir);
      if (typeof saved === 'string') {
        await this.removeFrom(next, names);
        onDamaged(`${saved}: a damaged checkpoint; its runs from ${next} on are run again`);
        return next;
      }
      let rows = 0;
      // The runs table comes first and always has its file; a table with no file had no block there.
      for (const name of this.tables.names.filter((table) => table === 'runs' || saved.has(`${table}.arrow`))) {
        const sink = this.tables.byName[name]!;
        for await (const block of this.read(join(dir, `${name}.arrow`), name)) {
          sink.write(block);
          // Written as read: a saved range can be far larger than memory.
          await sink.drain?.();
          if (name === 'runs') {
            rows += block.rows;
            onRuns(block);
          }
        }
      }
      if (rows === 0 || rows % this.variants !== 0) throw this.damaged(`${join(dir, 'runs.arrow')}: ${rows} rows, not whole runs of ${this.variants} variant(s)`);
      next += rows / this.variants;
    }
    return next;
  }

  /**
   * Saves a written block (into a temporary directory first: a killed process leaves no half block,
   * and a block that could not be saved whole, on a full disk, is removed and the others kept).
   */
  async save(output: BlockOutput): Promise<void> {
    const dir = join(this.dir, `${output.first}.blocks`);
    try {
      // Whatever a killed process left under the temporary name is not part of this block.
      await rm(`${dir}.partial`, { recursive: true, force: true });
      await mkdir(`${dir}.partial`, { recursive: true });
      const digests: Record<string, FileDigest> = {};
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
        digests[`${name}.arrow`] = writer.digest!;
      }
      await writeFile(join(`${dir}.partial`, DIGESTS), JSON.stringify(digests));
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

  /**
   * Checks a saved range's files against its digests.json before any of its runs is restored, so
   * that a file changed or missing since it was saved (a disk's fault, or a hand's) is never restored
   * as runs that differ from those computed. Returns the range's table files, or what is wrong.
   */
  private async verify(dir: string): Promise<Set<string> | string> {
    let text: string;
    try {
      text = await readFile(join(dir, DIGESTS), 'utf8');
    } catch (error) {
      return `${join(dir, DIGESTS)}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
    }
    let digests: Record<string, FileDigest> | undefined;
    try {
      digests = fileDigests(JSON.parse(text));
    } catch {
      digests = undefined;
    }
    const tables = new Set(this.tables.names.map((name) => `${name}.arrow`));
    const listed = Object.keys(digests ?? {});
    if (digests === undefined || !listed.includes('runs.arrow') || listed.some((file) => !tables.has(file))) {
      return `${join(dir, DIGESTS)}: not the sizes and hashes of this batch's tables`;
    }
    for (const file of listed) {
      const problem = await checkFile(join(dir, file), digests[file]!, 'the checkpoint');
      if (problem !== undefined) return problem;
    }
    return new Set(listed);
  }

  /** Removes the saved ranges from run `first` on (their names among `names`, the checkpoint's entries). */
  private async removeFrom(first: number, names: Set<string>): Promise<void> {
    for (const name of names) {
      const range = /^(\d+)\.blocks$/.exec(name);
      if (range !== null && Number(range[1]) >= first) {
        await rm(join(this.dir, name), { recursive: true, force: true }).catch((error: unknown) => {
          throw writeFailure(join(this.dir, name), error);
        });
      }
    }
  }

  /** The record batches of a saved table file. */
  private async *read(path: string, name: TableName): AsyncGenerator<TableBlock> {
    try {
      yield* readBlocks(path, this.tables.byName[name]!.table.layout);
    } catch (error) {
      // Written whole then renamed, a saved range is damaged only from outside: the batch cannot trust what follows it.
      if (error instanceof OutputError) throw this.damaged(error.message);
      throw error;
    }
  }

  private damaged(problem: string): OutputError {
    return new OutputError(`${problem}: a damaged checkpoint; remove ${this.dir} to run the batch from the start`);
  }
}

/** The file of a saved range that records its table files' sizes and hashes. */
const DIGESTS = 'digests.json';

/** Writes a checkpoint's `batch.json`, creating its directory. */
async function writeIdentity(dir: string, key: string): Promise<void> {
  const file = join(dir, 'batch.json');
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(file, key);
  } catch (error) {
    throw writeFailure(file, error);
  }
}

/** Removes the checkpoint `out` holds, if any (a batch that finished without one replaces it). */
export async function removeCheckpoint(out: string): Promise<void> {
  const dir = checkpointDirectory(out);
  await rm(dir, { recursive: true, force: true }).catch((error: unknown) => {
    throw writeFailure(dir, error);
  });
}
