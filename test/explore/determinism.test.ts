import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { WorkerReply, WorkerRequest } from '../../src/explore/protocol.js';
import type { ExploreSettings } from '../../src/explore/scenario.js';
import { buildSite, scenarioFiles, serveSite } from '../../src/explore/site.js';
import { ExploreWork } from '../../src/explore/work.js';
import { Replicator } from '../../src/experiment/replicate.js';
import { loadScenario } from '../../src/scenario/load.js';
import { describeWithBrowser } from '../support/browser.js';
import { decode, encodeInPage, openLocalPage } from '../support/local-page.js';
import type { LocalPage } from '../support/local-page.js';

/**
 * Determinism across platforms: the explore page's bundled worker (dist/explore/static/worker.js),
 * run in headless Chromium, gives the numbers the library gives in Node for the same scenario, seed
 * and run index, compared field by field: whole run results, the runs table's columns, the headline
 * series. Built first (`npm run build`; `npm test` builds through its pretest script).
 */

const scenarios = (name: string): string => fileURLToPath(new URL(`../../scenarios/${name}`, import.meta.url));

/** Sends requests to a fresh bundled worker in the page, one after another, and returns its replies encoded. */
async function inBrowserWorker(tab: LocalPage, requests: WorkerRequest[]): Promise<WorkerReply[]> {
  const encoded = await tab.page.evaluate(
    async ({ requests, encoder }) => {
      // The encoder travels as text, and is made a function again in the page.
      const encode = new Function(`return (${encoder})`)() as (value: unknown) => string;
      // The page's Worker, typed here: the project compiles without the DOM library.
      type PageWorker = { onmessage: (event: { data: unknown }) => void; onerror: (event: { message: string }) => void; postMessage(message: unknown): void; terminate(): void };
      const { Worker } = globalThis as unknown as { Worker: new (url: string) => PageWorker };
      const worker = new Worker('worker.js');
      const replies: unknown[] = [];
      for (const request of requests) {
        replies.push(await new Promise((resolve, reject) => {
          worker.onmessage = (event) => resolve(event.data);
          worker.onerror = (event) => reject(new Error(event.message));
          worker.postMessage(request);
        }));
      }
      worker.terminate();
      return encode(replies);
    },
    { requests, encoder: encodeInPage.toString() },
  );
  return decode(encoded) as WorkerReply[];
}

describeWithBrowser('the explore worker in a real browser gives the CLI\'s numbers', () => {
  let server: Server;
  let tab: LocalPage;

  beforeAll(async () => {
    const site = buildSite({ source: 'price-war.yaml', files: scenarioFiles(scenarios('price-war.yaml')), seed: '1', runs: 10 });
    // A blank page of the site, to start workers from: the explore page itself would start its own.
    site.set('blank.html', { content: '<!doctype html><title>blank</title>', type: 'text/html; charset=utf-8' });
    server = await serveSite(site, 0);
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    tab = await openLocalPage(origin);
    await tab.page.goto(`${origin}blank.html`);
  }, 120_000);

  afterAll(async () => {
    await tab?.close();
    server?.close();
  });

  const files = (): ExploreSettings['files'] => scenarioFiles(scenarios('price-war.yaml'));

  it('runs a scenario that extends another: whole results of several runs, equal in every field', async () => {
    const settings: ExploreSettings = { files: files(), edits: { texts: {}, sets: [] }, seed: '42', compare: false };
    const runs = [0, 1, 13];
    const replies = await inBrowserWorker(tab, [{ kind: 'prepare', generation: 1, settings }, ...runs.map((runIndex): WorkerRequest => ({ kind: 'run', generation: 1, runIndex }))]);
    // The library's way, from the file on disk, as `computerace run --only-run i --json` runs it.
    const loaded = loadScenario(scenarios('price-war.yaml'));
    const replicator = new Replicator({ variants: [{ name: 'baseline', spec: loaded.spec }], seed: '42', timeseries: 'none', scenarioHash: loaded.hash });
    expect(replies[0]).toMatchObject({ kind: 'prepared', description: replicator.describe() });
    runs.forEach((runIndex, i) => {
      const reply = replies[i + 1] as Extract<WorkerReply, { kind: 'run' }>;
      expect(reply.kind).toBe('run');
      expect(reply.results).toHaveLength(1);
      expect(reply.results[0], `run ${runIndex}`).toEqual(replicator.run(runIndex, 0));
    });
  }, 180_000);

  it('runs a block of an edited scenario against the file as loaded: the runs table and the headline series, equal in every value', async () => {
    const settings: ExploreSettings = { files: files(), edits: { texts: {}, sets: ['labs.openai.procurement.strategy=multi', 'providers.oracle.pricing.margin=0.1'] }, seed: 'browser', compare: true };
    const requests: WorkerRequest[] = [{ kind: 'prepare', generation: 7, settings }, { kind: 'block', generation: 7, first: 3, count: 3 }];
    const [prepared, block] = await inBrowserWorker(tab, requests);
    const node = new ExploreWork();
    const expected = requests.map((request) => node.handle(request).reply);
    // Everything but how long each side took.
    const timeless = (reply: WorkerReply | undefined): unknown => ({ ...reply, milliseconds: undefined });
    expect(timeless(prepared)).toEqual(timeless(expected[0]));
    expect((block as Extract<WorkerReply, { kind: 'block' }>).runs.rows).toBe(6);
    expect(timeless(block)).toEqual(timeless(expected[1]));
  }, 180_000);
});
