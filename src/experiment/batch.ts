import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Table } from 'apache-arrow';
import { ArrowFileWriter, ArrowTable } from '../io/arrow.js';
import type { TableBlock } from '../io/columns.js';
import { CHECKPOINT_DIRECTORY } from '../io/folder.js';
import type { FolderLock } from '../io/folder.js';
import type { FileDigest } from '../io/manifest.js';
import { batchTables, eachTable, LAYOUT_OF } from '../io/layout.js';
import type { TableName, TableRows } from '../io/layout.js';
import type { BatchDescription, TimeseriesMode } from '../io/layout.js';
import { inlineExecutor, poolExecutor } from './executor.js';
import { moduleUrl } from './modules.js';
import type { Executor } from './executor.js';
import { MetricSeries } from './metrics.js';
import { arrowMetadata, OutputError, prepareOutputDirectory } from '../io/outputs.js';
import type { Provenance } from '../io/outputs.js';
import type { LoadedScenario } from '../scenario/load.js';
import { formatWarning } from '../scenario/problems.js';
import { horizonOf } from '../io/vocabulary.js';
import type { Horizon } from '../io/vocabulary.js';
import { isLoadedScenario, loadedSource } from './plan.js';
import type { BatchSettings } from './plan.js';
import { ENGINE_BUILD, ENGINE_VERSION } from '../version.js';
import type { BlockOutput } from './replicate.js';
import { stoppingRule, summariseBatch } from './summary.js';
import { Checkpoint, removeCheckpoint } from './checkpoint.js';
import type { CheckpointIdentity } from './checkpoint.js';
import { RunFailure } from './failure.js';
import { BatchInterrupted, untilAborted } from './interruption.js';
import { removeBatchRecords, writeBatchRecords } from './records.js';
import { replacedBatch, resumeIn } from './resume.js';
import { shardRange } from './shards.js';
import { checkBatchOptions, checkTextLists } from './limits.js';
import type { DesignKind } from './limits.js';
import { MIN_SOBOL_BASE_SAMPLES, saltelliDesign } from './sobol.js';
import type { Shard } from './shards.js';
import type { BatchSummary, Convergence } from './summary.js';

/**
 * A Monte Carlo batch: runs 0..N-1 of every variant, on a pool of workers, written as Arrow files
 * in run order while runs complete. Blocks of runs are handed out ahead of the writer and written
 * in order as they come back (the queue of pending blocks is the reorder buffer), so memory is
 * bounded by the number of blocks in flight and the bytes never depend on which worker ran what.
 */

/** A batch, as the library takes it. */
export interface BatchOptions {
  /** A scenario file, or one already loaded (its variants are run; `loadScenario` freezes them, so a change goes through `set`, `sweep` or the file). */
  scenario: string | LoadedScenario;
  /** With a file: `path=value` overrides and `path=v1,v2` sweeps, as on the command line. */
  set?: readonly string[];
  sweep?: readonly string[];
  /** Runs per variant; with `untilPrecision`, the most runs to do. At most MAX_RUNS (limits.ts), or the design's limit (a BatchOptionsError, a RangeError, past it). */
  runs: number;
  /** Master seed: run i draws only from streams of (seed, i). */
  seed?: string | number;
  /**
   * Worker threads (default: the available cores, os.availableParallelism()); 0 runs in this thread.
   * More than the cores are capped at the cores: the runs are CPU-bound, so more threads only add
   * memory (a formula engine each) and time. Nor are more started than the batch has blocks of runs
   * (or, with a shard, than the shard has). The bytes written never depend on the number.
   */
  workers?: number;
  /** Monthly series to keep (default `summary`: the market and the labs). */
  timeseries?: TimeseriesMode;
  /** Runs per record batch, and per check of the stopping rule (default 100). */
  blockSize?: number;
  /** Stop once every key metric's 95% CI half-width is under this share of its mean. */
  untilPrecision?: number;
  /**
   * How uncertain parameters are sampled: `independent` draws (default), a Latin hypercube over the
   * runs (`lhs`), or a Saltelli design for Sobol indices (`sobol`: runs must be a multiple of the
   * uncertain parameters + 2, else a SaltelliDesignError).
   */
  design?: DesignKind;
  /** Write everything into this directory (Arrow tables, summary.json, manifest.json) instead of returning the tables. */
  out?: string;
  /** The command that started the batch, for the manifest. */
  commandLine?: readonly string[];
  /** Modules each worker imports before running (to register custom policies): paths (from the working directory) or URLs. */
  modules?: readonly string[];
  /** Run only this shard of the runs (a contiguous range of whole blocks), for one machine of several. */
  shard?: Shard;
  /**
   * With `out`: leave a finished batch of the same provenance as it is (when its files are the ones
   * its manifest records; else it is run again; `alreadyFinished` says so), continue an interrupted
   * one from its checkpoints, and checkpoint every block written (which writes the data twice), so
   * this batch can be resumed even after a SIGKILL. Shards always checkpoint. Refuses (an
   * OutputError naming the difference) a folder holding another batch or its checkpoint.
   */
  resume?: boolean;
  /**
   * Stops the batch at once, throwing a BatchInterrupted: with `out`, every block written is kept
   * for `resume` (a batch without checkpoints finishes its files as one), and no partial file is left.
   */
  signal?: AbortSignal;
  /**
   * Hears what the batch found and did about it: the scenario's warnings (`LoadedScenario.warnings`, as
   * `file:line:col: path: warning: message`), before any run; with `resume`, a finished batch whose files
   * no longer match its manifest (run again), or a saved range of runs whose files changed since it was
   * saved (those runs and the ones after them run again).
   */
  onNotice?: (message: string) => void;
  /** Called as blocks are restored and written, and a few times a second as runs finish. */
  onProgress?: (progress: BatchProgress) => void;
}

/** How far a batch is. */
export interface BatchProgress {
  /** Runs per variant written so far, restored ones included. */
  runs: number;
  /** Runs per variant restored from a checkpoint rather than run by this process. */
  restored: number;
  /** Runs per variant this process has finished, written or not yet. */
  computed: number;
  /** Runs per variant to do (the most, with a stopping rule). */
  total: number;
  variants: number;
}

/** What a batch produced. */
export interface BatchOutcome {
  description: BatchDescription;
  /** The scenario's name, content hash and horizon. */
  scenario: { name: string; hash: string; horizon?: Horizon };
  /** Runs done per variant. */
  runs: number;
  /** Of those, runs per variant restored from a checkpoint (with `resume`) rather than run by this call. */
  restored?: number;
  summary: BatchSummary;
  /** Rows written per table. */
  rows: TableRows;
  /** The tables, when no files were asked for: those the batch writes (no monthly series of a kind it does not keep). */
  tables?: Partial<Record<TableName, Table>> & { runs: Table };
  convergence?: Convergence;
  /** With `resume`: the folder held this batch finished, and nothing was run. */
  alreadyFinished?: boolean;
}

/** The default runs per record batch. */
export const DEFAULT_BLOCK_SIZE = 100;

/** Runs a batch; writes its tables as they fill, or returns them. */
export async function runBatch(options: BatchOptions): Promise<BatchOutcome> {
  const startedAt = new Date();
  const seed = String(options.seed ?? 1);
  const blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
  // Past its design's limit a batch would fail in a worker (or wrap run indices), and a stopping rule
  // cannot decide a number of runs fixed in advance: refused before anything starts.
  checkBatchOptions(options);
  if (typeof options.scenario !== 'string' && !isLoadedScenario(options.scenario)) {
    throw new TypeError(`scenario must be a scenario file's path or loadScenario's result, got ${JSON.stringify(options.scenario) ?? String(options.scenario)}`);
  }
  checkTextLists(options, ['set', 'sweep', 'modules']);
  const range = options.shard ? shardRange(options.runs, blockSize, options.shard) : { firstRun: 0, runs: options.runs };
  // Stopped before it starts: no scenario is loaded, no worker started, no folder made.
  if (options.signal?.aborted) throw new BatchInterrupted(0, range.runs, undefined);
  // A worker given no block would only load the formula engine (about a CPU-second and 25 MB) and wait.
  const workers = Math.min(options.workers ?? availableParallelism(), availableParallelism(), Math.max(1, Math.ceil(range.runs / blockSize)));
  const shard = options.shard ? { index: options.shard.index, count: options.shard.count, ...range } : undefined;
  const settings: BatchSettings = {
    source: typeof options.scenario === 'string' ? { kind: 'file', file: options.scenario, set: options.set ?? [], sweep: options.sweep ?? [] } : loadedSource(options.scenario),
    seed,
    timeseries: options.timeseries ?? 'summary',
    design: options.design === undefined || options.design === 'independent' ? { kind: 'independent' } : { kind: options.design, runs: options.runs },
    modules: (options.modules ?? []).map(moduleUrl),
    ...(options.onProgress ? { simulationsDone: new Int32Array(new SharedArrayBuffer(4)) } : {}),
  };
  const executor: Executor = workers === 0 ? inlineExecutor(settings) : poolExecutor(settings, workers);
  let sinks: Sinks | undefined;
  let checkpoint: Checkpoint | undefined;
  let checkpointIdentity: CheckpointIdentity | undefined;
  let metrics: MetricSeries | undefined;
  let lock: FolderLock | undefined;
  let ticker: NodeJS.Timeout | undefined;
  const inFlight: Promise<BlockOutput>[] = [];
  try {
    const { description, identity } = await executor.describe();
    for (const warning of identity.warnings) options.onNotice?.(formatWarning(warning));
    // A Saltelli design's columns are the parameters run 0 sampled: only now can its runs be checked (before any output).
    const sobol = settings.design.kind === 'sobol' ? saltelliDesign(seed, description.parameters, options.runs) : undefined;
    if (sobol !== undefined && sobol.baseSamples < MIN_SOBOL_BASE_SAMPLES) {
      const group = sobol.parameters.length + 2;
      options.onNotice?.(`a Saltelli design of ${sobol.runs} runs is ${sobol.baseSamples} group of ${group}, which gives no Sobol indices: they need ${MIN_SOBOL_BASE_SAMPLES} groups at least (${MIN_SOBOL_BASE_SAMPLES * group} runs)`);
    }
    // Held until the batch ends: a second batch into the same folder is refused meanwhile.
    if (options.out !== undefined) lock = await prepareOutputDirectory(options.out);
    const provenance: Provenance = {
      engineVersion: ENGINE_VERSION,
      engineBuild: ENGINE_BUILD,
      scenarioName: identity.name,
      scenarioHash: identity.hash,
      scenario: identity.resolved,
      seed,
      runs: options.runs,
      variants: description.variants,
      design: settings.design.kind,
      ...(sobol ? { sobol: { baseSamples: sobol.baseSamples, parameters: [...sobol.parameters] } } : {}),
      timeseries: settings.timeseries,
      blockSize,
      ...(options.untilPrecision !== undefined ? { untilPrecision: options.untilPrecision } : {}),
    };
    checkpointIdentity = { provenance, range, tables: batchTables(description) };
    if (options.out !== undefined && options.resume) {
      const finished = await resumeIn(options.out, checkpointIdentity, shard, (problem) => options.onNotice?.(`${problem}: running the batch again`));
      if (finished) return { ...finished, alreadyFinished: true };
    } else if (options.out !== undefined) {
      // Replaced, as documented, but not in silence: another batch's results are lost to this one.
      const replaced = await replacedBatch(options.out, provenance, shard);
      if (replaced !== undefined) options.onNotice?.(`'${options.out}' holds another batch (${replaced}): this one replaces it`);
    }
    sinks = new Sinks(description, options.out, arrowMetadata(provenance));
    const written = new MetricSeries(description, sinks.runs.table.layout, range.runs);
    metrics = written;
    const total = range.runs;
    const end = range.firstRun + range.runs;
    const variants = description.variants.length;
    let next = range.firstRun;
    let restored = 0;
    let convergence: Convergence | undefined;
    const progress = (): void => {
      if (!options.onProgress || !settings.simulationsDone) return;
      const computed = Math.floor(Atomics.load(settings.simulationsDone, 0) / variants);
      options.onProgress({ runs: written.runs, restored, computed, total, variants });
    };
    // A listener that throws from the timer would be an uncaught exception in the caller's process:
    // kept, and thrown where the batch can fail with it.
    let listenerError: { error: unknown } | undefined;
    // Runs finish in the workers long before their block is written: the progress hears of them as they do.
    if (options.onProgress) {
      ticker = setInterval(() => {
        try {
          progress();
        } catch (error) {
          listenerError ??= { error };
        }
      }, 250).unref();
    }
    // Checkpoints write every block twice, so only a batch that may be resumed after a SIGKILL keeps
    // them: a shard (one task of a cluster job, which may be preempted) or one run with --resume.
    if (options.out !== undefined && (options.resume || shard)) {
      checkpoint = await Checkpoint.open(options.out, checkpointIdentity, options.resume ?? false, sinks);
      // The files are rewritten from the saved runs: an Arrow file cannot be reopened for appending.
      // (Not stopped by an interruption: it reads a local disk, and what it has not read is kept anyway.)
      next = await checkpoint.restore(range.firstRun, (block) => {
        written.add(block);
        restored = written.runs;
        progress();
      }, (problem) => options.onNotice?.(problem));
      if (options.untilPrecision !== undefined && written.runs > 0) convergence = stoppingRule(written, description.variants, options.untilPrecision);
    }
    const submit = (): void => {
      const count = Math.min(blockSize, end - next);
      inFlight.push(executor.block(next, count));
      next += count;
    };
    const window = Math.max(2, 2 * workers);
    while (written.runs < total && !convergence?.converged) {
      while (next < end && inFlight.length < window) submit();
      // An interruption does not wait for the block: its runs are lost, those written are kept.
      const output = await untilAborted(inFlight.shift()!, options.signal);
      if (listenerError) throw listenerError.error;
      // Each worker loaded the file itself: all must have run the scenario the batch describes.
      if (output.scenarioHash !== identity.hash) throw new Error(`runs ${output.first}-${output.first + output.count - 1} ran a different scenario (hash ${output.scenarioHash}, not ${identity.hash}): did a scenario file change during the batch?`);
      sinks.write(output);
      await checkpoint?.save(output);
      written.add(output.tables.runs);
      progress();
      if (options.untilPrecision !== undefined) {
        convergence = stoppingRule(written, description.variants, options.untilPrecision);
        if (convergence.converged) break;
      }
    }
    if (listenerError) throw listenerError.error;
    // Blocks computed past the stopping point are dropped unwritten.
    await Promise.allSettled(inFlight);
    if (options.out !== undefined) await removeBatchRecords(options.out, description);
    const rows = await sinks.close();
    const summary = options.out === undefined
      ? summariseBatch(description, written)
      : await writeBatchRecords({ out: options.out, provenance, description, metrics: written, rows, digests: sinks.digests(), convergence, commandLine: options.commandLine ?? [], workers, startedAt, shard });
    // Finished, this batch's checkpoints are no use; nor is one an earlier batch left in the folder.
    if (checkpoint) await checkpoint.remove();
    else if (options.out !== undefined) await removeCheckpoint(options.out);
    return { description, scenario: { name: identity.name, hash: identity.hash, horizon: horizonOf(identity.resolved) }, runs: written.runs, ...(restored > 0 ? { restored } : {}), summary, rows, tables: sinks.tables(), convergence };
  } catch (error) {
    // Blocks still running are abandoned with the pool: their failures are no news.
    for (const pending of inFlight) pending.catch(() => undefined);
    if (options.signal?.aborted && error === options.signal.reason) throw await interrupted(options.out, sinks, checkpoint, checkpointIdentity, metrics, range);
    await sinks?.abort();
    // A failed run fails again on resume, so its checkpoints are no use; anything else (a full
    // disk, a file that could not be written) keeps them for --resume.
    if (error instanceof RunFailure) await checkpoint?.remove();
    throw error;
  } finally {
    clearInterval(ticker);
    await executor.close();
    await lock?.release();
  }
}

/**
 * Keeps what an interrupted batch wrote, and says how much: a batch with checkpoints has saved
 * every block it wrote; one without finishes the files it was writing (every block written so
 * far, in run order) as its checkpoint, which costs nothing until a batch is interrupted.
 */
async function interrupted(out: string | undefined, sinks: Sinks | undefined, checkpoint: Checkpoint | undefined, identity: CheckpointIdentity | undefined, metrics: MetricSeries | undefined, range: { firstRun: number; runs: number }): Promise<BatchInterrupted> {
  const runs = metrics?.runs ?? 0;
  let problem: string | undefined;
  try {
    if (checkpoint === undefined && out !== undefined && sinks !== undefined && identity !== undefined && runs > 0) await Checkpoint.keep(out, identity, range.firstRun, sinks.files());
  } catch (error) {
    if (!(error instanceof OutputError)) throw error;
    problem = error.message;
  } finally {
    // Whatever was not kept: no partial file is left.
    await sinks?.abort();
  }
  const kept = problem === undefined && out !== undefined ? runs : 0;
  return new BatchInterrupted(kept, range.runs, kept > 0 ? join(out!, CHECKPOINT_DIRECTORY) : undefined, problem);
}

/** The tables of a batch (batchTables: those it writes): files being written, or blocks kept for in-memory tables. */
export class Sinks {
  readonly byName: Partial<Record<TableName, Sink>> & { runs: Sink };
  /** The tables, in the order of TABLE_NAMES. */
  readonly names: readonly TableName[];

  constructor(description: BatchDescription, dir: string | undefined, metadata: Record<string, string>) {
    this.names = batchTables(description);
    const sink = (name: TableName): Sink => {
      const table = new ArrowTable(LAYOUT_OF[name](description), metadata);
      return new Sink(table, dir !== undefined ? new ArrowFileWriter(join(dir, `${name}.arrow`), table) : undefined);
    };
    this.byName = Object.fromEntries(this.names.map((name) => [name, sink(name)])) as Sinks['byName'];
  }

  /** The runs table's sink. */
  get runs(): Sink {
    return this.byName.runs;
  }

  /** The sinks, in table order. */
  private all(): Sink[] {
    return this.names.map((name) => this.byName[name]!);
  }

  write(output: BlockOutput): void {
    for (const name of this.names) {
      const block = output.tables[name];
      if (block) this.byName[name]!.write(block);
    }
  }

  /** Closes the files; the rows of each table (0 for a table the batch does not write). */
  async close(): Promise<TableRows> {
    await Promise.all(this.all().map((sink) => sink.close()));
    return eachTable((name) => this.byName[name]?.rows ?? 0);
  }

  async abort(): Promise<void> {
    await Promise.all(this.all().map((sink) => sink.abort()));
  }

  /** The files being written, by table (none for in-memory tables). */
  files(): Partial<Record<TableName, ArrowFileWriter>> {
    return Object.fromEntries(this.names.flatMap((name) => (this.byName[name]!.file ? [[name, this.byName[name]!.file]] : [])));
  }

  /** Each file's size and SHA-256, once closed. */
  digests(): Partial<Record<TableName, FileDigest>> {
    return Object.fromEntries(this.names.map((name) => [name, this.byName[name]!.file!.digest!]));
  }

  /** The tables in memory, when no files were asked for. */
  tables(): BatchOutcome['tables'] {
    if (this.runs.file) return undefined;
    return Object.fromEntries(this.names.map((name) => [name, this.byName[name]!.toTable()])) as BatchOutcome['tables'];
  }
}

/** One table's destination. */
class Sink {
  private readonly blocks: TableBlock[] = [];
  rows = 0;

  constructor(readonly table: ArrowTable, readonly file: ArrowFileWriter | undefined) {}

  write(block: TableBlock): void {
    this.rows += block.rows;
    if (this.file) this.file.write(block);
    else this.blocks.push(block);
  }

  close(): Promise<void> {
    return this.file?.close() ?? Promise.resolve();
  }

  /** Waits for the blocks handed to the file so far to be written. */
  drain(): Promise<void> {
    return this.file?.drain() ?? Promise.resolve();
  }

  abort(): Promise<void> {
    return this.file?.abort() ?? Promise.resolve();
  }

  toTable(): Table {
    return this.table.table(this.blocks);
  }
}
