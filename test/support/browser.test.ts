import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, it } from 'vitest';
import { describeWithBrowser, inspectPage } from './browser.js';

/**
 * The harness that opens the HTML report in headless Chromium, tried on small pages written here:
 * each page shows one thing the report test must catch. Without Chromium this fails in CI and is
 * skipped elsewhere (see describeWithBrowser). The tests run side by side, their pages in contexts of
 * one Chromium (see inspectPage); the page that never ends must not keep the others from theirs.
 */

const CHART = `<div data-chart="bars"><svg width="300" height="200" viewBox="0 0 300 200">
  <rect x="10" y="50" width="60" height="150" fill="#4c78a8"/><rect x="90" y="100" width="60" height="100" fill="#f58518"/>
  <line x1="0" y1="199" x2="300" y2="199" stroke="black"/><text x="10" y="40">2026</text></svg></div>`;

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;
}

describeWithBrowser('inspecting a page in headless Chromium', () => {
  const temp = mkdtempSync(join(tmpdir(), 'computerace-browser-'));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));
  const write = (name: string, html: string): string => {
    const file = join(temp, name);
    writeFileSync(file, html);
    return file;
  };

  it.concurrent('finds a clean page with an inline SVG chart clean, drawn, and the same without JavaScript', async ({ expect }) => {
    const file = write('clean.html', page('Clean', `<h1>A report</h1>${CHART}`));
    const screenshot = join(temp, 'clean.png');
    const report = await inspectPage(file, { screenshot, query: (page) => page.locator('h1').textContent() });
    expect(report.title).toBe('Clean');
    expect(report.consoleErrors).toEqual([]);
    expect(report.requests).toEqual([]);
    expect(report.failedRequests).toEqual([]);
    expect(report.scripts).toEqual([]);
    expect(report.stylesheets).toEqual([]);
    expect(report.blank).toBe(false);
    expect(report.charts).toEqual([{ name: 'bars', svg: true, marks: 4 }]);
    expect(report.withoutJavaScript.charts).toEqual(report.charts);
    expect(report.withoutJavaScript.blank).toBe(false);
    expect(report.queried).toBe('A report');
    expect(readFileSync(screenshot).equals(report.screenshotPng)).toBe(true);
    expect(report.screenshotPng.subarray(1, 4).toString()).toBe('PNG');
  });

  it.concurrent('reports console errors and uncaught exceptions', async ({ expect }) => {
    const file = write('errors.html', page('Errors', `<p>text</p><script>console.error('bad data'); throw new TypeError('boom');</script>`));
    const report = await inspectPage(file);
    expect(report.consoleErrors).toEqual(['bad data', 'TypeError: boom']);
  });

  it.concurrent('lists requests to the network and to other files, refused or missing', async ({ expect }) => {
    const image = write('image.html', page('Image', `<p>text</p><img src="http://example.com/x.png"><script>new WebSocket('ws://localhost:9/live');</script>`));
    const fromImage = await inspectPage(image);
    expect(fromImage.requests.sort()).toEqual(['http://example.com/x.png', 'ws://localhost:9/live']);
    expect(fromImage.failedRequests.sort()).toEqual(['http://example.com/x.png', 'ws://localhost:9/live']);

    write('style.css', 'p { color: red; }');
    const script = write('script.html', page('Script', '<link rel="stylesheet" href="style.css"><p>text</p><script src="other.js"></script>'));
    const fromScript = await inspectPage(script);
    const url = (name: string): string => pathToFileURL(join(temp, name)).href;
    expect(fromScript.scripts).toEqual(['other.js']);
    expect(fromScript.stylesheets).toEqual(['style.css']);
    expect(fromScript.requests.sort()).toEqual([url('other.js'), url('style.css')]);
    expect(fromScript.failedRequests).toEqual([url('other.js')]);
  });

  it.concurrent('finds a blank page blank', async ({ expect }) => {
    const report = await inspectPage(write('blank.html', page('Blank', '')));
    expect(report.blank).toBe(true);
    expect(report.withoutJavaScript.blank).toBe(true);
    expect(report.charts).toEqual([]);
  });

  it.concurrent('sees a chart drawn by JavaScript only with JavaScript', async ({ expect }) => {
    const draw = `<script>
      const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
      svg.setAttribute('width', '300'); svg.setAttribute('height', '200');
      for (const [x, h] of [[10, 150], [90, 100], [170, 50]]) {
        const rect = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
        for (const [k, v] of Object.entries({ x, y: 200 - h, width: 60, height: h, fill: '#4c78a8' })) rect.setAttribute(k, String(v));
        svg.append(rect);
      }
      document.querySelector('[data-chart]').append(svg);
    </script>`;
    const report = await inspectPage(write('scripted.html', page('Scripted', `<h1>A report</h1><div data-chart="late"></div>${draw}`)));
    expect(report.charts).toEqual([{ name: 'late', svg: true, marks: 3 }]);
    expect(report.withoutJavaScript.charts).toEqual([{ name: 'late', svg: false, marks: 0 }]);
  });

  it.concurrent('gives up on a page whose script never ends, saying what it waited for', async ({ expect }) => {
    const file = write('hang.html', page('Hang', '<script>for (;;) {}</script>'));
    await expect(inspectPage(file, { timeoutMs: 1_500 })).rejects.toThrow(/hang\.html\): timed out after 1\.5 s waiting for /);
  });
});
