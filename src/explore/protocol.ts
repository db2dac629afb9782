import type { BatchDescription } from '../io/layout.js';
import type { TableBlock } from '../io/columns.js';
import type { RunResult } from '../market/results.js';
import type { Problem } from '../scenario/problems.js';
import type { ExploreSettings } from './scenario.js';

/**
 * What the explore page and its Web Workers say to each other. Each request carries the generation of
 * the page's settings it belongs to; a reply to an older generation is stale and the page drops it.
 */

/** A request to a worker. */
export type WorkerRequest =
  /** Load the scenario with these settings and plan its runs. */
  | { kind: 'prepare'; generation: number; settings: ExploreSettings }
  /** Run runs `first`..`first + count - 1` of every variant. */
  | { kind: 'block'; generation: number; first: number; count: number }
  /** Run one run of every variant and return its whole result (the drill-down). */
  | { kind: 'run'; generation: number; runIndex: number };

/** A worker's reply. */
export type WorkerReply =
  /** The batch's names and columns, and its months (the most of any variant) with the edited scenario's dates. */
  | { kind: 'prepared'; generation: number; description: BatchDescription; months: number; dates: string[]; milliseconds: number }
  /** The settings do not make a valid scenario. */
  | { kind: 'problems'; generation: number; problems: Problem[] }
  /** A block's runs table rows and headline series, both in (run, variant) order. */
  | { kind: 'block'; generation: number; first: number; count: number; runs: TableBlock; series: Float64Array; milliseconds: number }
  /** One run's whole result, per variant. */
  | { kind: 'run'; generation: number; runIndex: number; results: RunResult[] }
  /** A run threw (a formula that gave no finite number, ...): the message names the run, variant and seed. */
  | { kind: 'failure'; generation: number; message: string };
