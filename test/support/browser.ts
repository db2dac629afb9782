// A headless Chromium for tests of self-contained HTML pages (the report): open a file and tell what it
// logged, what it fetched, whether it shows anything and what its charts hold, with JavaScript and without.
// The inspections under way at one time share one Chromium, each in browser contexts of its own.
import { accessSync, constants, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page, type ViewportSize } from 'playwright-core';
import { PNG } from 'pngjs';
import { describe, it } from 'vitest';

/**
 * Debian's Chromium, as .ci/run installs it. The flags keep Chromium's own traffic (updates, sync,
 * QUIC probes) off the network, which is closed here and in CI.
 */
const DEFAULT_CHROMIUM = '/usr/bin/chromium';
/** Chromium's flags for tests: headless, without the sandbox and GPU a container lacks, and none of its own traffic. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const DEFAULT_VIEWPORT: ViewportSize = { width: 1280, height: 800 };
const DEFAULT_TIMEOUT_MS = 30_000;
/** A screenshot is blank when more than this share of its pixels is within TOLERANCE of its commonest colour. */
const BLANK_SHARE = 0.995;
const TOLERANCE = 8;

/** The Chromium to run: `CHROMIUM_PATH` when set, else Debian's /usr/bin/chromium. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || DEFAULT_CHROMIUM;
}

/** Why Chromium cannot be run, or undefined when its executable is there. */
export function missingBrowser(): string | undefined {
  const path = chromiumPath();
  try {
    accessSync(path, constants.X_OK);
    return undefined;
  } catch {
    return `no executable Chromium at ${path} (install Debian's chromium, or set CHROMIUM_PATH)`;
  }
}

/** Whether Chromium can be run: see missingBrowser for why not. */
export function browserAvailable(): boolean {
  return missingBrowser() === undefined;
}

/**
 * A describe block of tests that need Chromium. Without it, the block is one failing test when `CI`
 * is set (CI must prove the page in a real browser; .ci/run installs one) and is skipped with the
 * reason printed elsewhere: the pattern of test/cluster/slurm.test.ts.
 */
export function describeWithBrowser(title: string, body: () => void): void {
  describe(title, () => {
    const reason = missingBrowser();
    if (reason === undefined) {
      body();
    } else if (process.env.CI) {
      it('needs Chromium in CI', () => {
        throw new Error(`${reason}; .ci/run installs it with apt-get`);
      });
    } else {
      console.log(`skipping "${title}": ${reason}`);
      it.skip(`${title} (skipped: ${reason})`, () => undefined);
    }
  });
}

/** One `[data-chart]` element of a page. */
export interface ChartInfo {
  /** Its `data-chart` value. */
  name: string;
  /** Whether it holds an `<svg>` whose bounding box has a non-zero width and height. */
  svg: boolean;
  /** The marks drawn in its SVGs: `path`, `rect`, `line`, `circle` and `text` elements with a non-zero box. */
  marks: number;
}

/** What a page shows once loaded, in one browser context. */
export interface PageView {
  /** Every `[data-chart]` element, in document order. */
  charts: ChartInfo[];
  /** The screenshot, as PNG bytes. */
  screenshotPng: Buffer;
  /** Whether the screenshot is (almost) one colour: see isBlank. */
  blank: boolean;
}

export interface PageReport<T = undefined> extends PageView {
  /** The document's title. */
  title: string;
  /** Console messages of type error, then uncaught exceptions as `Name: message`, in the order they came. */
  consoleErrors: string[];
  /**
   * Every URL the page asked for, with JavaScript or without, other than its own file and data: URLs:
   * http(s), WebSockets, other files. Non-file requests are refused by the harness, so none leaves the machine.
   */
  requests: string[];
  /** The requests that failed (refused, missing file) or were answered with an HTTP status of 400 or more. */
  failedRequests: string[];
  /** The `src` of every `<script src>` (a self-contained page has none). */
  scripts: string[];
  /** The `href` of every `<link rel="stylesheet">` (a self-contained page has none). */
  stylesheets: string[];
  /** The same page in a second context with JavaScript disabled: what a reader without scripts sees. */
  withoutJavaScript: PageView;
  /** What `options.query` returned; undefined without one. */
  queried: T;
}

export interface InspectOptions<T = undefined> {
  /** Also write the screenshot (with JavaScript) to this PNG file. */
  screenshot?: string;
  /** The browser window; default 1280 x 800. */
  viewport?: ViewportSize;
  /** Screenshot the whole page rather than the window (default true). */
  fullPage?: boolean;
  /** The limit for each wait (start, load and network idle, queries, screenshot); default 30 s. */
  timeoutMs?: number;
  /** Further questions to the loaded page (with JavaScript), asked before the browser closes. */
  query?: (page: Page) => Promise<T>;
}

/**
 * Opens a local HTML file in a new browser context of a headless Chromium, waits for its load event
 * and for the network to go idle, and reports on it; meanwhile it opens the file in a second context
 * with JavaScript disabled. Inspections under way at the same time share the Chromium (see useBrowser):
 * a context is a profile of its own, as an incognito window is (its own storage, cookies, cache,
 * permissions, and its own renderer process for the page), so what one page does reaches no other,
 * and starting one Chromium instead of one per inspection spares a second or more of CPU each. Both
 * contexts are closed whatever happens, and the Chromium when the last inspection using it is done.
 * Each wait fails after `timeoutMs` with an error that names the file and what it waited for.
 */
export async function inspectPage<T = undefined>(htmlFile: string, options: InspectOptions<T> = {}): Promise<PageReport<T>> {
  const url = pathToFileURL(resolve(htmlFile)).href;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const within: Within = (what, work) => deadline(work, timeoutMs, `inspectPage(${htmlFile})`, what);
  const shared = useBrowser(timeoutMs);
  let browser: Browser;
  try {
    browser = await within(`Chromium (${chromiumPath()}) to start`, shared.launching);
  } catch (error) {
    // Others may still wait for this launch (a failed one is discarded as it fails); if it starts
    // after everyone gave up on it, the last to give up closes it.
    void release(shared);
    throw error;
  }
  try {
    const traffic: Traffic = { page: url, requests: new Set(), failed: new Set() };
    const settings = { viewport: options.viewport ?? DEFAULT_VIEWPORT, fullPage: options.fullPage ?? true, timeoutMs };
    // Both views are done, their contexts closed, before the Chromium may be: allSettled, not all.
    const [withJs, withoutJs] = fulfilled(await Promise.allSettled([
      openView(browser, url, { ...settings, javaScriptEnabled: true }, traffic, within, options.query),
      openView(browser, url, { ...settings, javaScriptEnabled: false }, traffic, within),
    ]));
    if (options.screenshot !== undefined) writeFileSync(options.screenshot, withJs.view.screenshotPng);
    return {
      ...withJs.view,
      title: withJs.title,
      consoleErrors: withJs.consoleErrors,
      requests: [...traffic.requests],
      failedRequests: [...traffic.failed],
      scripts: union(withJs.externals.scripts, withoutJs.externals.scripts),
      stylesheets: union(withJs.externals.stylesheets, withoutJs.externals.stylesheets),
      withoutJavaScript: withoutJs.view,
      queried: withJs.queried as T,
    };
  } catch (error) {
    // A page that timed out may have left its renderer busy, or the browser in a state no test
    // should inherit: the inspections that start from now on get a Chromium of their own.
    discard(shared);
    throw error;
  } finally {
    await release(shared);
  }
}

/** A Chromium that the inspections under way share, each in contexts of its own. */
interface SharedBrowser {
  launching: Promise<Browser>;
  /** The inspections using it; the last one to be done closes it. */
  users: number;
}

/** The Chromium a new inspection joins; undefined when none runs, or after one was discarded. */
let current: SharedBrowser | undefined;

/**
 * The Chromium of the inspections under way, launched when there is none, with one more user. It is
 * closed when its last user is done (release), so none outlives the tests that use it, and a test
 * file's tests that run side by side (it.concurrent) start one Chromium instead of one each: six
 * at once on two cores took 28 s each to start and inspect a page.
 */
function useBrowser(timeoutMs: number): SharedBrowser {
  if (current === undefined) {
    // The launch is shared, so it is not cut short by one caller's small limit (a test of timeouts,
    // say); each caller waits for it only as long as its own limit.
    const launching = chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, timeout: Math.max(timeoutMs, DEFAULT_TIMEOUT_MS) });
    const shared: SharedBrowser = { launching, users: 0 };
    launching.then((browser) => browser.on('disconnected', () => discard(shared)), () => discard(shared));
    current = shared;
  }
  current.users++;
  return current;
}

/** Lets no further inspection join this Chromium; those using it go on, and the last closes it. */
function discard(shared: SharedBrowser): void {
  if (current === shared) current = undefined;
}

/** One user fewer; the last one closes the Chromium. */
async function release(shared: SharedBrowser): Promise<void> {
  shared.users--;
  if (shared.users > 0) return;
  discard(shared);
  await shared.launching.then((browser) => browser.close(), () => undefined);
}

/** The values of settled promises, or the first failure among them. */
function fulfilled<R extends unknown[]>(results: { [K in keyof R]: PromiseSettledResult<R[K]> }): R {
  for (const result of results) if (result.status === 'rejected') throw result.reason;
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as R;
}

/** Whether a PNG is (almost) one colour: more than 99.5% of its pixels within 8 per channel of its commonest colour. */
export function isBlank(png: Buffer): boolean {
  const { data } = PNG.sync.read(png);
  const pixels = data.length / 4;
  if (pixels === 0) return true;
  // A run of pixels of one colour is counted at once: a page is mostly runs of its background, and
  // a count per pixel took seconds for a long page (the report's is 1280 x 15,000).
  const counts = new Map<number, number>();
  let run = data.readUInt32BE(0);
  let length = 0;
  for (let i = 0; i < data.length; i += 4) {
    const colour = data.readUInt32BE(i);
    if (colour === run) {
      length++;
    } else {
      counts.set(run, (counts.get(run) ?? 0) + length);
      [run, length] = [colour, 1];
    }
  }
  counts.set(run, (counts.get(run) ?? 0) + length);
  let commonest = 0;
  let most = -1;
  for (const [colour, count] of counts) {
    if (count > most) [commonest, most] = [colour, count];
  }
  const channels = [commonest >>> 24, (commonest >>> 16) & 0xff, (commonest >>> 8) & 0xff, commonest & 0xff];
  let near = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data.readUInt32BE(i) === commonest) {
      near++;
      continue;
    }
    let close = true;
    for (let channel = 0; channel < 4; channel++) {
      if (Math.abs(data[i + channel]! - channels[channel]!) > TOLERANCE) close = false;
    }
    if (close) near++;
  }
  return near / pixels > BLANK_SHARE;
}

/** The requests seen across both contexts; a Set keeps the first-seen order and drops repeats. */
interface Traffic {
  page: string;
  requests: Set<string>;
  failed: Set<string>;
}

interface Externals {
  scripts: string[];
  stylesheets: string[];
}

/** Awaits `work`, failing with a message that names the page and `what` was awaited. */
type Within = <R>(what: string, work: Promise<R>) => Promise<R>;

interface ViewSettings {
  viewport: ViewportSize;
  fullPage: boolean;
  timeoutMs: number;
  javaScriptEnabled: boolean;
}

interface View<T> {
  view: PageView;
  title: string;
  consoleErrors: string[];
  externals: Externals;
  queried: T | undefined;
}

/** Loads the page in a new context, adding what it requests to `traffic`, and asks it the questions of PageReport. */
async function openView<T>(browser: Browser, url: string, settings: ViewSettings, traffic: Traffic, within: Within, query?: (page: Page) => Promise<T>): Promise<View<T>> {
  const mode = settings.javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';
  const context = await within(`a browser context ${mode}`, browser.newContext({ viewport: settings.viewport, javaScriptEnabled: settings.javaScriptEnabled }));
  try {
    const record = (target: string): void => {
      if (target !== traffic.page && !target.startsWith('data:')) traffic.requests.add(target);
    };
    context.on('request', (request) => record(request.url()));
    context.on('requestfailed', (request) => traffic.failed.add(request.url()));
    context.on('response', (response) => {
      if (response.status() >= 400) traffic.failed.add(response.url());
    });
    // Refuse everything but files, so that a page that reaches out fails here as it would offline.
    await context.route((target) => target.protocol !== 'file:', (route) => route.abort('blockedbyclient'));
    await context.routeWebSocket(() => true, (socket) => {
      record(socket.url());
      traffic.failed.add(socket.url());
      void socket.close();
    });
    const page = await within(`a page ${mode}`, context.newPage());
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`${error.name}: ${error.message}`));
    page.on('websocket', (socket) => record(socket.url()));
    // The load event, then network idle. Playwright's network idle is 500 ms without a request since
    // the document arrived, whether or not it is parsed: alone, it let a view of the report (3 MB,
    // parsed slowly on a loaded machine) be read with 3 of its 56 charts. The load event alone is not
    // enough either: a page may ask for more once loaded (from a timer, a promise, a lazy image or
    // font), and `requests` promises those too. The half second is waited, not computed: it costs no
    // CPU, and the inspections under way wait it side by side.
    await within(`the page to load ${mode}`, page.goto(url, { waitUntil: 'load', timeout: settings.timeoutMs }));
    await within(`the network to go idle ${mode}`, page.waitForLoadState('networkidle', { timeout: settings.timeoutMs }));
    const charts = await within(`the charts ${mode}`, page.evaluate(chartsInPage));
    const externals = await within(`the scripts and stylesheets ${mode}`, page.evaluate(externalsInPage));
    const title = await within(`the title ${mode}`, page.title());
    const screenshotPng = await within(`a screenshot ${mode}`, page.screenshot({ fullPage: settings.fullPage, timeout: settings.timeoutMs }));
    const queried = query ? await within(`options.query ${mode}`, query(page)) : undefined;
    return { view: { charts, screenshotPng, blank: isBlank(screenshotPng) }, title, consoleErrors, externals, queried };
  } finally {
    await context.close();
  }
}

/** The few DOM members the in-page functions use: the project compiles without the DOM library. */
interface DomElement {
  getAttribute(name: string): string | null;
  querySelectorAll(selectors: string): ArrayLike<DomElement>;
  getBoundingClientRect(): { width: number; height: number };
}
interface DomWindow {
  document: { querySelectorAll(selectors: string): ArrayLike<DomElement> };
}

/** Runs in the page (so it refers to nothing outside itself): the ChartInfo of every `[data-chart]`. */
function chartsInPage(): ChartInfo[] {
  const { document } = globalThis as unknown as DomWindow;
  return Array.from(document.querySelectorAll('[data-chart]'), (container) => ({
    name: container.getAttribute('data-chart') ?? '',
    svg: Array.from(container.querySelectorAll('svg')).some((svg) => {
      const box = svg.getBoundingClientRect();
      return box.width > 0 && box.height > 0;
    }),
    marks: Array.from(container.querySelectorAll('svg path, svg rect, svg line, svg circle, svg text')).filter((mark) => {
      const box = mark.getBoundingClientRect();
      return box.width > 0 || box.height > 0;
    }).length,
  }));
}

/** Runs in the page: the scripts and stylesheets it would fetch. */
function externalsInPage(): Externals {
  const { document } = globalThis as unknown as DomWindow;
  return {
    scripts: Array.from(document.querySelectorAll('script[src]'), (script) => script.getAttribute('src') ?? ''),
    stylesheets: Array.from(document.querySelectorAll('link[rel~="stylesheet" i]'), (link) => link.getAttribute('href') ?? ''),
  };
}

function union(first: string[], second: string[]): string[] {
  return [...new Set([...first, ...second])];
}

/** The result of `work`, or an error from `who` naming what it waited for when `work` fails or takes longer than `ms`. */
async function deadline<R>(work: Promise<R>, ms: number, who: string, what: string): Promise<R> {
  work.catch(() => undefined); // a failure after the timeout must not surface as an unhandled rejection
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${who}: timed out after ${ms / 1000} s waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith(`${who}: timed out`)) throw error;
    throw new Error(`${who}: failed waiting for ${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
