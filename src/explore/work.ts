import { RunFailure } from '../experiment/failure.js';
import { Replicator } from '../experiment/replicate.js';
import { transferables } from '../io/columns.js';
import { calendarMonths } from '../market/calendar.js';
import { ScenarioError } from '../scenario/problems.js';
import type { WorkerReply, WorkerRequest } from './protocol.js';
import { explorePlan } from './scenario.js';
import { SeriesLayout, SeriesRecorder } from './series.js';

/**
 * The explore page's worker, apart from the Web Worker it runs in (worker.ts), so that Node can run
 * it too: it loads the scenario the page describes and runs blocks of its runs with the engine's own
 * Replicator, the code `computerace run` runs, so the page's numbers are the CLI's.
 */

/** A reply, and the buffers it hands over rather than copies. */
export interface Answer {
  reply: WorkerReply;
  transfer: ArrayBuffer[];
}

/** Answers the page's requests, one at a time. */
export class ExploreWork {
  private prepared: { generation: number; replicator: Replicator; recorder: SeriesRecorder } | undefined;

  /** The answer to `request`; a request of a generation not prepared fails (the page prepares every worker first). */
  handle(request: WorkerRequest): Answer {
    const { generation } = request;
    try {
      if (request.kind === 'prepare') return this.prepare(generation, request.settings);
      const prepared = this.prepared;
      if (!prepared || prepared.generation !== generation) return plain({ kind: 'failure', generation, message: `generation ${generation} was not prepared` });
      if (request.kind === 'block') {
        const started = performance.now();
        const output = prepared.replicator.block(request.first, request.count, { observer: prepared.recorder });
        const series = prepared.recorder.take();
        const runs = output.tables.runs;
        const reply: WorkerReply = { kind: 'block', generation, first: request.first, count: request.count, runs, series, milliseconds: performance.now() - started };
        return { reply, transfer: [...transferables([runs]), series.buffer as ArrayBuffer] };
      }
      const results = prepared.replicator.plan.variants.map((_, variant) => prepared.replicator.run(request.runIndex, variant));
      return plain({ kind: 'run', generation, runIndex: request.runIndex, results });
    } catch (error) {
      if (error instanceof ScenarioError) return plain({ kind: 'problems', generation, problems: error.problems });
      if (error instanceof RunFailure) return plain({ kind: 'failure', generation, message: error.message });
      throw error;
    }
  }

  private prepare(generation: number, settings: Parameters<typeof explorePlan>[0]): Answer {
    this.prepared = undefined;
    const started = performance.now();
    const { plan, edited } = explorePlan(settings);
    const replicator = new Replicator(plan);
    const description = replicator.describe();
    const months = Math.max(...plan.variants.map(({ spec }) => calendarMonths(spec.start, spec.end).date.length));
    const dates = calendarMonths(edited.spec.start, edited.spec.end).date;
    this.prepared = { generation, replicator, recorder: new SeriesRecorder(SeriesLayout.of(description, months)) };
    return plain({ kind: 'prepared', generation, description, months, dates, milliseconds: performance.now() - started });
  }
}

function plain(reply: WorkerReply): Answer {
  return { reply, transfer: [] };
}
