import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFailure } from '../io/errors.js';
import { makeDirectories, writeWhole } from '../io/outputs.js';
import { sha256Hex } from '../kernel/sha256.js';
import { loadScenario } from '../scenario/load.js';
import type { ScenarioFiles } from './scenario.js';

/**
 * The explore page as files: the static page and worker scripts that `npm run build` bundles into
 * dist/explore/static/, and an index.html with the scenario's files embedded in it (the page reads no
 * disk and fetches nothing but these files). Served on localhost by a small static server, or written
 * into a folder any static web server can serve.
 */

/** What the page is given: the scenario's files as text, and the runs to start with. */
export interface PageConfig {
  /** The scenario file as given on the command line, for the page's title and the export's header. */
  source: string;
  files: ScenarioFiles;
  seed: string;
  runs: number;
}

/** One file of the site. */
export interface SiteFile {
  content: Buffer | string;
  type: string;
}

/** A file's entity tag: a hash of its bytes, so a browser revalidates it and keeps its compiled scripts while it is unchanged. */
function entityTag(file: SiteFile): string {
  return `"${sha256Hex(typeof file.content === 'string' ? file.content : file.content.toString('latin1'))}"`;
}

/** The files a static server serves, by name (`index.html`, `page.js`, ...). */
export type Site = Map<string, SiteFile>;

/** The page's Content Security Policy: its own scripts, styles and worker only; no other origin, no inline script. */
export const CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; worker-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };
const STATIC_FILES = ['boot.js', 'page.js', 'worker.js', 'explore.css'];

/**
 * The scenario file and every file it extends, named as the page's loadScenario asks for them: the
 * file by its base name and the others relative to it, as `extends` names them. Loads it first as
 * `computerace validate` does, so a scenario with problems is reported here (a ScenarioError) and
 * never reaches the page.
 */
export function scenarioFiles(file: string): ScenarioFiles {
  loadScenario(file);
  const directory = dirname(resolve(file));
  const texts: Record<string, string> = {};
  const main = basename(file);
  loadScenario(main, {
    readFile: (name) => {
      const text = readFileSync(resolve(directory, name), 'utf8');
      texts[name] = text;
      return text;
    },
  });
  return { main, texts };
}

/** The directory of the bundled page: beside this module in dist/, or dist/explore/static/ when run from the sources (as tests do). */
export function staticDirectory(): string {
  const beside = fileURLToPath(new URL('./static/', import.meta.url));
  if (existsSync(join(beside, 'page.js'))) return beside;
  return fileURLToPath(new URL('../../dist/explore/static/', import.meta.url));
}

/** The site of the page for this configuration. */
export function buildSite(config: PageConfig, directory = staticDirectory()): Site {
  const site: Site = new Map();
  const template = readStatic(directory, 'index.html');
  // The configuration is JSON inside a script element: `<` is escaped so no text in a file can close the element.
  const json = JSON.stringify(config).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  const html = template.replace('__EXPLORE_CSP__', () => CONTENT_SECURITY_POLICY).replace('__EXPLORE_CONFIG__', () => json);
  site.set('index.html', { content: html, type: TYPES['.html']! });
  for (const name of STATIC_FILES) site.set(name, { content: readFileSync(join(directory, name)), type: TYPES[name.slice(name.lastIndexOf('.'))]! });
  return site;
}

function readStatic(directory: string, name: string): string {
  const path = join(directory, name);
  if (!existsSync(path)) throw new Error(`the explore page is not built (no ${path}): run \`npm run build\``);
  return readFileSync(path, 'utf8');
}

/** Writes the site into `dir` (made if missing), each file whole: written beside under a temporary name, then renamed. */
export async function writeSite(site: Site, dir: string): Promise<string[]> {
  // Not mkdir's recursive form: under /proc it never returns (makeDirectories says why).
  await makeDirectories(dir).catch((error: unknown) => {
    throw writeFailure(dir, error);
  });
  const written: string[] = [];
  for (const [name, file] of site) {
    const path = join(dir, name);
    await writeWhole(path, file.content);
    written.push(path);
  }
  return written;
}

/** Serves the site on `host:port` (port 0: any free one); resolves with the server once it listens. */
export function serveSite(site: Site, port: number, host = '127.0.0.1'): Promise<Server> {
  const tags = new Map([...site].map(([name, file]) => [name, entityTag(file)]));
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const name = path === '/' ? 'index.html' : path.slice(1);
    const file = site.get(name);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (!file) {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`not found: ${path}\n`);
      return;
    }
    const headers = {
      'Content-Type': file.type,
      // Always asked again (an edited scenario is served at once), answered 304 while unchanged: the browser then
      // keeps the scripts it compiled, and a reload starts the engine sooner.
      'Cache-Control': 'no-cache',
      ETag: tags.get(name)!,
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
    };
    if (request.headers['if-none-match'] === headers.ETag) {
      response.writeHead(304, headers).end();
      return;
    }
    response.writeHead(200, headers);
    response.end(request.method === 'HEAD' ? undefined : file.content);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
