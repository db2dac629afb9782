import type { WorkerReply, WorkerRequest } from './protocol.js';
import { ExploreWork } from './work.js';

/** The explore page's Web Worker: requests in, answers out, one at a time (work.ts does the work). */

/** The part of a worker's global scope this uses: the project compiles without the DOM library. */
interface WorkerScope {
  onmessage: ((event: { data: WorkerRequest }) => void) | null;
  postMessage(message: WorkerReply, transfer: ArrayBuffer[]): void;
}

const scope = globalThis as unknown as WorkerScope;
const work = new ExploreWork();
scope.onmessage = (event) => {
  let answer;
  try {
    answer = work.handle(event.data);
  } catch (error) {
    // A bug, not a problem of the scenario: reported to the page, which shows it, rather than lost in the worker.
    const message = `internal error: ${error instanceof Error ? error.message : String(error)}`;
    answer = { reply: { kind: 'failure', generation: event.data.generation, message } satisfies WorkerReply, transfer: [] };
  }
  scope.postMessage(answer.reply, answer.transfer);
};
