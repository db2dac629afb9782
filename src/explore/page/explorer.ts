import { MetricSeries } from '../../experiment/metrics.js';
import type { TableBlock } from '../../io/columns.js';
import type { BatchDescription } from '../../io/layout.js';
import { runsLayout } from '../../io/layout.js';
import type { RunResult } from '../../market/results.js';
import type { Problem } from '../../scenario/problems.js';
import { SeriesStore } from '../fans.js';
import type { WorkerReply, WorkerRequest } from '../protocol.js';
import type { ExploreSettings } from '../scenario.js';
import { SeriesLayout } from '../series.js';
import type { Boot } from './boot.js';

/**
 * The page's batch: its runs spread over a pool of Web Workers in blocks, small at first so the first
 * picture comes quickly, growing as runs arrive; the blocks come back in any order and are taken in
 * run order, as `computerace run` writes them. A change of settings starts a new generation: the
 * workers load the new scenario, and blocks still running for the old one are dropped when they end.
 */

/** What the runs so far of one generation hold. */
export interface Batch {
  generation: number;
  settings: ExploreSettings;
  /** Runs asked for. */
  runs: number;
  description: BatchDescription;
  months: number;
  dates: string[];
  layout: SeriesLayout;
  /** The key metrics of the runs taken so far, by variant in run order. */
  metrics: MetricSeries;
  /** The headline series of each variant's runs, in run order. */
  stores: SeriesStore[];
  /** The runs table's blocks in run order, for the Arrow export. */
  blocks: TableBlock[];
  /** Runs taken so far (in order from run 0). */
  done: number;
  /** Milliseconds since the generation started: to the first runs taken, and to the last. */
  firstMs?: number;
  doneMs?: number;
  /** Milliseconds the workers spent running the blocks taken (summed over workers). */
  workMs: number;
}

/** What the pool tells the page. */
export interface PoolEvents {
  /** More runs were taken (or the batch completed). */
  progress(batch: Batch): void;
  /** The scenario of the current generation did not load in a worker. */
  problems(problems: Problem[]): void;
  /** A run failed, or a worker had an internal error. */
  failure(message: string): void;
}

interface Member {
  worker: Worker;
  /** The generation it has been told to prepare, and whether it has. */
  generation: number;
  prepared: boolean;
  /** Blocks asked of it and not yet answered. */
  queued: number;
}

/**
 * Blocks each worker holds at once: the next one waits in its queue while it runs one, so it never
 * idles while its last block's answer crosses to this thread and waits behind a drawing.
 */
const QUEUED_BLOCKS = 2;
/** The largest block: its runs arrive together, so the charts fill in steps of at most this many runs a worker. */
const MAX_BLOCK_RUNS = 25;

/** Runs a generation's blocks on a pool of workers. */
export class Pool {
  private readonly members: Member[];
  private generation = 0;
  private settings: ExploreSettings | undefined;
  private runs = 0;
  private started = 0;
  private batch: Batch | undefined;
  private next = 0;
  private readonly waiting = new Map<number, Extract<WorkerReply, { kind: 'block' }>>();
  private readonly runRequests = new Map<string, (results: RunResult[]) => void>();
  private failed = false;

  /** The workers boot.js started and asked to prepare, with their replies so far, until the page starts the same settings. */
  private boot: { settings: ExploreSettings; startedAt: number; replies: WorkerReply[][] } | undefined;

  /** A pool of the workers boot.js started (or of `size` new ones from `workerUrl`, without it). */
  constructor(workerUrl: string, size: number, private readonly events: PoolEvents) {
    const boot = (globalThis as { exploreBoot?: Boot }).exploreBoot;
    const workers = boot ? boot.workers.map((started) => started.worker) : Array.from({ length: size }, () => new Worker(workerUrl));
    if (boot) this.boot = { settings: boot.settings, startedAt: boot.startedAt, replies: boot.workers.map((started) => started.replies) };
    this.members = workers.map((worker, i) => {
      const member: Member = { worker, generation: 0, prepared: false, queued: 0 };
      member.worker.onmessage = (event: MessageEvent<WorkerReply>) => {
        // Until the page starts, replies to boot.js's request wait with the others.
        if (this.generation === 0 && this.boot) this.boot.replies[i]!.push(event.data);
        else this.receive(member, event.data);
      };
      member.worker.onerror = (event) => this.events.failure(`a worker failed: ${event.message}`);
      return member;
    });
  }

  /** Workers in the pool. */
  get size(): number {
    return this.members.length;
  }

  /** Starts a new generation: `runs` runs of the scenario these settings make. */
  start(settings: ExploreSettings, runs: number): number {
    const boot = this.boot;
    this.boot = undefined;
    this.generation++;
    this.settings = settings;
    this.runs = runs;
    this.batch = undefined;
    this.next = 0;
    this.waiting.clear();
    this.failed = false;
    this.started = performance.now();
    if (boot && this.generation === 1 && JSON.stringify(boot.settings) === JSON.stringify(settings)) {
      // boot.js asked for these settings already: take its workers' replies as if just received.
      this.started = boot.startedAt;
      this.members.forEach((member, i) => {
        member.generation = 1;
        member.prepared = false;
        for (const reply of boot.replies[i]!) this.receive(member, reply);
      });
      return this.generation;
    }
    // A different first generation: boot.js's generation 1 is stale; this one is numbered after it.
    if (boot && this.generation === 1) this.generation = 2;
    for (const member of this.members) {
      member.generation = this.generation;
      member.prepared = false;
      this.post(member, { kind: 'prepare', generation: this.generation, settings });
    }
    return this.generation;
  }

  /** The whole result of run `runIndex` of every variant of the current generation (a worker answers after the block it is running). */
  run(runIndex: number): Promise<RunResult[]> {
    const member = this.members.find((candidate) => candidate.queued === 0) ?? this.members[0]!;
    const generation = this.generation;
    return new Promise((resolve) => {
      this.runRequests.set(`${generation}:${runIndex}`, resolve);
      this.post(member, { kind: 'run', generation, runIndex });
    });
  }

  private post(member: Member, request: WorkerRequest): void {
    member.worker.postMessage(request);
  }

  private receive(member: Member, reply: WorkerReply): void {
    if (reply.kind === 'block') member.queued--;
    if (reply.kind === 'run') {
      const key = `${reply.generation}:${reply.runIndex}`;
      this.runRequests.get(key)?.(reply.results);
      this.runRequests.delete(key);
      return;
    }
    // Replies of an earlier generation: the worker has the new settings queued behind them.
    if (reply.generation !== this.generation) return;
    if (reply.kind === 'prepared') {
      member.prepared = true;
      this.batch ??= this.newBatch(reply);
    } else if (reply.kind === 'problems') {
      this.fail();
      this.events.problems(reply.problems);
      return;
    } else if (reply.kind === 'failure') {
      this.fail();
      this.events.failure(reply.message);
      return;
    } else {
      this.waiting.set(reply.first, reply);
      this.take();
    }
    this.dispatch(member);
  }

  private fail(): void {
    this.failed = true;
    this.next = this.runs;
  }

  private newBatch(reply: Extract<WorkerReply, { kind: 'prepared' }>): Batch {
    const { description, months, dates } = reply;
    const layout = SeriesLayout.of(description, months);
    return {
      generation: reply.generation,
      settings: this.settings!,
      runs: this.runs,
      description,
      months,
      dates,
      layout,
      metrics: new MetricSeries(description, runsLayout(description)),
      stores: description.variants.map(() => new SeriesStore(layout, this.runs)),
      blocks: [],
      done: 0,
      workMs: 0,
    };
  }

  /**
   * Fills the member's queue with its next blocks, while runs remain: small blocks first, for a quick
   * first picture, and small again at the end, so that no worker is left running long blocks alone.
   */
  private dispatch(member: Member): void {
    while (member.prepared && member.queued < QUEUED_BLOCKS && !this.failed && this.next < this.runs) {
      const remaining = this.runs - this.next;
      const size = Math.max(2, Math.min(MAX_BLOCK_RUNS, Math.floor(this.next / 4), Math.ceil(remaining / (QUEUED_BLOCKS * 2 * this.members.length))));
      const count = Math.min(size, remaining);
      member.queued++;
      this.post(member, { kind: 'block', generation: this.generation, first: this.next, count });
      this.next += count;
    }
  }

  /** Takes the blocks that continue the runs in order. */
  private take(): void {
    const batch = this.batch!;
    let taken = false;
    for (let reply = this.waiting.get(batch.done); reply; reply = this.waiting.get(batch.done)) {
      this.waiting.delete(reply.first);
      const variants = batch.description.variants.length;
      batch.metrics.add(reply.runs);
      batch.blocks.push(reply.runs);
      batch.stores.forEach((store, variant) => store.add(reply!.series, variant, reply!.count, variants));
      batch.done += reply.count;
      batch.workMs += reply.milliseconds;
      taken = true;
    }
    if (!taken) return;
    const now = performance.now() - this.started;
    batch.firstMs ??= now;
    if (batch.done >= batch.runs) batch.doneMs = now;
    this.events.progress(batch);
  }
}
