import type { WorkerReply, WorkerRequest } from '../protocol.js';
import type { ExploreSettings } from '../scenario.js';
import { workerCount } from './workers.js';

/**
 * The explore page's first script, a few lines loaded before the page's own (page.js: the engine and
 * its libraries, which take a second or more to load): it starts the Web Workers and asks them to
 * prepare the file as loaded, so that they load the engine and the scenario while the page loads its
 * own script. Their replies wait here until the page takes the workers over (explorer.ts).
 */

/** What boot.js leaves for the page: the workers, the settings they were asked to prepare (generation 1), their replies so far. */
export interface Boot {
  workers: { worker: Worker; replies: WorkerReply[] }[];
  settings: ExploreSettings;
  /** performance.now() when the workers were started. */
  startedAt: number;
}

const startedAt = performance.now();
const query = new URLSearchParams(location.search);
const config = JSON.parse(document.getElementById('explore-config')?.textContent ?? '{}') as { files: ExploreSettings['files']; seed: string };
const count = workerCount(query, navigator.hardwareConcurrency);
const settings: ExploreSettings = { files: config.files, edits: { texts: {}, sets: [] }, seed: query.get('seed') ?? config.seed, compare: false };

const workers = Array.from({ length: count }, () => {
  const worker = new Worker('worker.js');
  const started = { worker, replies: [] as WorkerReply[] };
  worker.onmessage = (event: MessageEvent<WorkerReply>) => started.replies.push(event.data);
  worker.postMessage({ kind: 'prepare', generation: 1, settings } satisfies WorkerRequest);
  return started;
});

(globalThis as { exploreBoot?: Boot }).exploreBoot = { workers, settings, startedAt };
