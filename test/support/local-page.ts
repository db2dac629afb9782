// A headless Chromium on a page served from localhost (the explore page): everything else is refused
// and recorded, and console errors and uncaught exceptions are collected.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from './browser.js';

/** A page of a local site in its own browser. */
export interface LocalPage {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Console messages of type error, then uncaught exceptions as `Name: message`, in the order they came. */
  consoleErrors: string[];
  /** Every URL asked for outside `origin` (refused), and every WebSocket. */
  outside: string[];
  close(): Promise<void>;
}

/** Opens a browser whose pages may reach `origin` (`http://127.0.0.1:PORT/`) only, and one page in it. */
export async function openLocalPage(origin: string, options: { viewport?: { width: number; height: number }; flags?: string[] } = {}): Promise<LocalPage> {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, ...(options.flags ?? [])], timeout: 60_000 });
  try {
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1440, height: 1000 }, acceptDownloads: true });
    const outside: string[] = [];
    // Workers' requests go through the context too: anything not of the site is refused and recorded
    // (blob: and data: URLs are the page's own memory, a download of an export, say).
    await context.route((url) => !url.href.startsWith(origin) && url.protocol !== 'blob:' && url.protocol !== 'data:', (route) => {
      outside.push(route.request().url());
      return route.abort('blockedbyclient');
    });
    await context.routeWebSocket(() => true, (socket) => {
      outside.push(socket.url());
      void socket.close();
    });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`${error.name}: ${error.message}`));
    return { browser, context, page, consoleErrors, outside, close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/**
 * Runs in a page: a value as JSON that keeps what JSON loses (typed arrays, NaN, ±Infinity, -0), for
 * `decode` on the Node side, so values computed in the browser can be compared with Node's exactly.
 */
export function encodeInPage(value: unknown): string {
  const number = (n: number): unknown => (Number.isNaN(n) ? { $n: 'NaN' } : n === Infinity ? { $n: 'Infinity' } : n === -Infinity ? { $n: '-Infinity' } : Object.is(n, -0) ? { $n: '-0' } : n);
  return JSON.stringify(value, function (this: unknown, _key: string, item: unknown) {
    if (ArrayBuffer.isView(item) && !(item instanceof DataView)) return { $typed: item.constructor.name, values: Array.from(item as unknown as ArrayLike<number>, number) };
    return typeof item === 'number' ? number(item) : item;
  });
}

const TYPED: Record<string, new (values: number[]) => ArrayLike<number>> = { Float64Array, Float32Array, Int32Array, Uint8Array, Uint32Array, Int8Array, Int16Array, Uint16Array };

/** The value `encodeInPage` encoded. */
export function decode(text: string): unknown {
  const number = (item: unknown): unknown => {
    if (typeof item === 'object' && item !== null && '$n' in item) return Number((item as { $n: string }).$n);
    return item;
  };
  return JSON.parse(text, (_key, item: unknown) => {
    if (typeof item === 'object' && item !== null && '$typed' in item) {
      const { $typed, values } = item as { $typed: string; values: unknown[] };
      return new TYPED[$typed]!(values.map((value) => number(value) as number));
    }
    return number(item);
  });
}
