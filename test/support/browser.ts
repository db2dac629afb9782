// A headless Chromium for tests of self-contained HTML pages (the report): open a file and tell what it
// logged, what it fetched, whether it shows anything and what its charts hold, with JavaScript and without.
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
 * Opens a local HTML file in a fresh headless Chromium, waits for its load event and for the network
 * to go idle, and reports on it; meanwhile it opens the file in a second context with JavaScript
 * disabled. The browser is closed whatever happens, and each wait fails after `timeoutMs` with an
 * error that names the file and what it waited for.
 */
export async function inspectPage<T = undefined>(htmlFile: string, options: InspectOptions<T> = {}): Promise<PageReport<T>> {
  const url = pathToFileURL(resolve(htmlFile)).href;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const within: Within = (what, work) => deadline(work, timeoutMs, `inspectPage(${htmlFile})`, what);
  const launching = chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, timeout: timeoutMs });
  let browser: Browser;
  try {
    browser = await within(`Chromium (${chromiumPath()}) to start`, launching);
  } catch (error) {
    void launching.then((late) => late.close(), () => undefined); // one that starts after the timeout is closed too
    throw error;
  }
  try {
    const traffic: Traffic = { page: url, requests: new Set(), failed: new Set() };
    const settings = { viewport: options.viewport ?? DEFAULT_VIEWPORT, fullPage: options.fullPage ?? true, timeoutMs };
    const [withJs, withoutJs] = await Promise.all([
      openView(browser, url, { ...settings, javaScriptEnabled: true }, traffic, within, options.query),
      openView(browser, url, { ...settings, javaScriptEnabled: false }, traffic, within),
    ]);
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
  } finally {
    await browser.close();
  }
}

/** Whether a PNG is (almost) one colour: more than 99.5% of its pixels within 8 per channel of its commonest colour. */
export function isBlank(png: Buffer): boolean {
  const { data } = PNG.sync.read(png);
  const pixels = data.length / 4;
  const counts = new Map<number, number>();
  for (let i = 0; i < data.length; i += 4) {
    const colour = data.readUInt32BE(i);
    counts.set(colour, (counts.get(colour) ?? 0) + 1);
  }
  let commonest = 0;
  let most = -1;
  for (const [colour, count] of counts) {
    if (count > most) [commonest, most] = [colour, count];
  }
  let near = 0;
  for (let i = 0; i < data.length; i += 4) {
    let close = true;
    for (let channel = 0; channel < 4; channel++) {
      if (Math.abs(data[i + channel]! - ((commonest >>> (24 - 8 * channel)) & 0xff)) > TOLERANCE) close = false;
    }
    if (close) near++;
  }
  return pixels === 0 || near / pixels > BLANK_SHARE;
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
    await within(`the page to load and the network to go idle ${mode}`, page.goto(url, { waitUntil: 'networkidle', timeout: settings.timeoutMs }));
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
