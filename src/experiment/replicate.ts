import { MONTHLY_SERIES, runScenario } from '../market/run.js';
import type { MonthlySeries } from '../market/run.js';
import type { RunResult } from '../market/results.js';
import { compileScenario } from '../scenario/compile.js';
import type { CompiledScenario } from '../scenario/compile.js';
import type { ScenarioSpec } from '../scenario/schema.js';
import { APPENDER_OF, textBytesPerRow } from '../io/columns.js';
import type { BlockSize, TableBlock } from '../io/columns.js';
import { ACTOR_KINDS, batchTables, TABLE_NAMES, TABLE_OF_KIND } from '../io/layout.js';
import type { ActorKind, BatchDescription, TableName, TimeseriesMode } from '../io/layout.js';
import { RunFailure } from './failure.js';
import { latinHypercube } from './lhs.js';
import type { LatinHypercube } from './lhs.js';
import { saltelliDesign } from './sobol.js';
import type { SaltelliDesign } from './sobol.js';
import type { DesignKind } from './limits.js';

/**
 * The work of one process of a batch, in a worker thread or in the caller's: compile the variants
 * once, then turn blocks of run indices into columns. Everything here is a function of the plan and
 * the run indices, so any process computes the same bytes for the same runs.
 */

/** What every process of a batch is given: plain data, so it crosses to worker threads. */
export interface ReplicationPlan {
  /** The variants' resolved scenarios; the first is the baseline. */
  variants: { name: string; spec: ScenarioSpec }[];
  seed: string;
  timeseries: TimeseriesMode;
  scenarioHash: string;
  /**
   * How uncertain parameters are drawn: each from its own stream, by a Latin hypercube over `runs`
   * runs, or by a Saltelli design of `runs` runs over the parameters `describe()` finds (sobol.ts).
   */
  design?: { kind: 'independent' } | { kind: Exclude<DesignKind, 'independent'>; runs: number };
  /** The tables blocks fill (default all; the runs table always): the explore page keeps only the runs table. */
  tables?: readonly TableName[];
}

/** The tables' rows for a block of runs: every variant of each run, in (run, variant) order. */
export interface BlockOutput {
  first: number;
  count: number;
  /** Each table's rows: the tables the batch writes (batchTables), no others. */
  tables: BlockTables;
  /** The hash of the scenario that produced the rows, so a batch can check every process ran the same one. */
  scenarioHash: string;
}

/** A block's rows by table: the runs always, the others when the batch has them. */
export type BlockTables = { runs: TableBlock } & Partial<Record<TableName, TableBlock>>;

const KIND_OF_OUTPUT: Record<MonthlySeries, ActorKind> = { market: 'market', labs: 'lab', providers: 'provider', suppliers: 'supplier', chips: 'chip' };

const NO_BLOCK: BlockSize = { rows: 0 };

/** The path of a lab's strategy, the one timeline path that changes it (market/timeline.ts). */
const STRATEGY_PATH = /^labs\.[^.]+\.procurement\.strategy$/;

/**
 * Sees each run of a block as its rows are appended, with at least the monthly series it asks for
 * kept: for a caller that wants more of a run than the tables hold (the explore page's fan charts).
 * Keeping more series changes no number of the run, so the tables are the same with or without one.
 */
export interface RunObserver {
  /** The monthly series the observer reads. */
  readonly keep: readonly MonthlySeries[];
  /** Called with every run of the block, in (run, variant) order. */
  see(runIndex: number, variant: number, result: RunResult): void;
}

/** Runs blocks of a batch's runs in this process. */
export class Replicator {
  private readonly compiled: CompiledScenario[];
  private readonly hypercube: LatinHypercube | undefined;
  private saltelli: SaltelliDesign | undefined;
  private described: BatchDescription | undefined;
  /** Per run (and variant) of the last block: each table's rows and text bytes per row (none before the first block). */
  private readonly lastBlock: Partial<Record<TableName, BlockSize>> = {};

  constructor(readonly plan: ReplicationPlan) {
    this.compiled = plan.variants.map((variant) => compileScenario(variant.spec));
    if (plan.design?.kind === 'lhs') this.hypercube = latinHypercube(plan.seed, plan.design.runs);
  }

  /** One run of one variant, as the market returns it. */
  run(runIndex: number, variant: number): RunResult {
    return this.simulate(runIndex, variant, this.uniforms(runIndex), undefined);
  }

  /** The Saltelli design of a `sobol` plan, over the parameters in description order (all variants share it); throws its SaltelliDesignError when the runs do not fit it. */
  private sobolDesign(): SaltelliDesign | undefined {
    if (this.plan.design?.kind !== 'sobol') return undefined;
    this.saltelli ??= saltelliDesign(this.plan.seed, this.describe().parameters, this.plan.design.runs);
    return this.saltelli;
  }

  /** The design's uniform of each parameter in run `runIndex`, or undefined for independent draws. */
  private uniforms(runIndex: number): ((path: string) => number) | undefined {
    const design = this.hypercube ?? this.sobolDesign();
    return design ? (path: string) => design.uniform(path, runIndex) : undefined;
  }

  /**
   * Runs one variant with the given uniforms (or independent draws), keeping the monthly series
   * `keep` (all when undefined); a failure becomes a RunFailure that names the run.
   */
  private simulate(runIndex: number, variant: number, design: ((path: string) => number) | undefined, keep: readonly MonthlySeries[] | undefined): RunResult {
    try {
      return runScenario(this.compiled[variant]!, this.plan.seed, runIndex, { ...(design ? { design } : {}), ...(keep ? { keep } : {}) });
    } catch (error) {
      throw new RunFailure(runIndex, this.plan.variants[variant]!.name, this.plan.seed, error);
    }
  }

  /**
   * The batch's names and columns, from the specs and run 0 of each variant (which samples every
   * uncertain parameter the scenario has). Run 0 draws independently here, whatever the design: it
   * only names the parameters, and a Saltelli design's columns are those names.
   */
  describe(): BatchDescription {
    if (this.described) return this.described;
    const union = (lists: string[][]): string[] => [...new Set(lists.flat())];
    const specs = this.plan.variants.map((variant) => variant.spec);
    const baseline = specs[0]!;
    // Every change any variant's timeline makes, for the events' and tenders' categories.
    const changes = specs.flatMap((spec) => spec.timeline.flatMap((entry) => Object.entries(entry.set).map(([path, value]) => ({ path, value, note: entry.note ?? '' }))));
    // A scenario's outputs name the kinds of actor it keeps series of; chip generations, which it
    // cannot name, are kept whenever the mode asks for them.
    const kept: ActorKind[] = [...baseline.outputs.timeseries.map((kind) => KIND_OF_OUTPUT[kind]), 'chip'];
    const wanted: readonly ActorKind[] = this.plan.timeseries === 'all' ? ACTOR_KINDS : this.plan.timeseries === 'summary' ? ['market', 'lab'] : [];
    this.described = {
      variants: this.plan.variants.map((variant) => variant.name),
      labs: union(specs.map((spec) => spec.labs.map((lab) => lab.id))),
      providers: union(specs.map((spec) => spec.providers.map((provider) => provider.id))),
      suppliers: union(specs.map((spec) => spec.suppliers.map((supplier) => supplier.id))),
      chips: union(specs.map((spec) => spec.chips.map((chip) => chip.id))),
      shocks: union(specs.map((spec) => spec.shocks.map((shock) => shock.id))),
      strategies: union([...specs.map((spec) => spec.labs.map((lab) => lab.procurement.strategy)), changes.filter((change) => STRATEGY_PATH.test(change.path)).map((change) => String(change.value))]),
      policies: {
        fields: union([changes.map((change) => change.path)]),
        // As the run writes them (market/run.ts): the value as JSON, the note as given.
        values: union([changes.map((change) => JSON.stringify(change.value))]),
        notes: union([changes.flatMap((change) => (change.note === '' ? [] : [change.note]))]),
      },
      parameters: union(specs.map((_, v) => Object.keys(this.simulate(0, v, undefined, []).sampled))),
      timeseriesKinds: wanted.filter((kind) => kept.includes(kind)),
    };
    return this.described;
  }

  /** Runs `count` runs from `first`, every variant of each, and returns their rows; `finished` counts the runs as they finish and `observer` sees each run. */
  block(first: number, count: number, { finished, observer }: { finished?: Int32Array; observer?: RunObserver } = {}): BlockOutput {
    const description = this.describe();
    const known = new Set(description.parameters);
    const done = count * this.compiled.length;
    // The last block's sizes, plus a little, size this block's arrays: no growing as it fills, and
    // little spare room to allocate (a block's arrays are megabytes, moved to the writer and freed there).
    const expected = (last: BlockSize): BlockSize => ({ rows: last.rows * 1.05 * done + 8, textBytesPerRow: last.textBytesPerRow?.map((bytes) => bytes * 1.05) });
    const wanted = this.plan.tables ?? TABLE_NAMES;
    const names = batchTables(description).filter((name) => name === 'runs' || wanted.includes(name));
    // The runs table has one row per run and variant; the others are sized from the last block.
    const appenders = names.map((name) => APPENDER_OF[name](description, name === 'runs' ? { rows: done } : expected(this.lastBlock[name] ?? NO_BLOCK)));
    // The monthly series the tables written keep (and the market's, which dates them), and those the observer reads; the runs spare building the others.
    const kept = description.timeseriesKinds.filter((kind) => names.includes(TABLE_OF_KIND[kind]));
    const keep = MONTHLY_SERIES.filter((series) => kept.includes(KIND_OF_OUTPUT[series]) || (series === 'market' && kept.length > 0) || observer?.keep.includes(series));
    for (let runIndex = first; runIndex < first + count; runIndex++) {
      for (let variant = 0; variant < this.compiled.length; variant++) {
        const result = this.simulate(runIndex, variant, this.uniforms(runIndex), keep);
        for (const path in result.sampled) {
          // The runs table's columns were fixed from run 0; a parameter only some runs draw would be lost.
          if (!known.has(path)) throw new RunFailure(runIndex, this.plan.variants[variant]!.name, this.plan.seed, new Error(`parameter ${path} was not sampled in run 0, so the runs table has no column for it`));
        }
        for (const appender of appenders) appender.append(variant, result);
        observer?.see(runIndex, variant, result);
        if (finished) Atomics.add(finished, 0, 1);
      }
    }
    const tables = Object.fromEntries(names.map((name, t) => [name, appenders[t]!.finish()])) as BlockTables;
    for (const name of names) {
      const block = tables[name]!;
      this.lastBlock[name] = { rows: block.rows / done, textBytesPerRow: textBytesPerRow(block) };
    }
    return { first, count, tables, scenarioHash: this.plan.scenarioHash };
  }
}
