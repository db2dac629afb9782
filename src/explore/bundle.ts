import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Plugin } from 'esbuild';

/**
 * Builds the explore page's static files (`npm run build` runs this after tsc): the page's script and
 * its Web Worker's, each one file with the engine and its dependencies bundled in by esbuild, and the
 * HTML and CSS beside them, into dist/explore/static/. The CLI serves or copies these; nothing is
 * fetched from elsewhere at run time.
 */

/**
 * Node modules the engine imports for what a browser never does: reading a scenario from disk (the page
 * passes loadScenario its own `readFile`) and writing Arrow files with their hashes (the page builds them in memory). They
 * become a module whose every function throws; any other Node module fails the build, so a new Node-only
 * dependency of the engine is found here rather than in a browser.
 */
const STUBBED = new Set(['node:fs', 'node:fs/promises', 'node:crypto']);

const root = fileURLToPath(new URL('../../', import.meta.url));
const source = `${root}src/explore/`;
const out = `${root}dist/explore/static/`;

const nodeStubs: Plugin = {
  name: 'node-stubs',
  setup(builder) {
    builder.onResolve({ filter: /^node:/ }, (args) => {
      if (!STUBBED.has(args.path)) return { errors: [{ text: `${args.path} (imported by ${args.importer}) does not exist in a browser; the engine must not need it to run a scenario` }] };
      return { path: args.path, namespace: 'node-stub' };
    });
    // CommonJS, so that any name imported from it resolves (to a function that throws) without listing them.
    builder.onLoad({ filter: /.*/, namespace: 'node-stub' }, (args) => ({
      contents: `module.exports = new Proxy({}, { get: (_, name) => name === '__esModule' ? false : () => { throw new Error(${JSON.stringify(`${args.path} is not available in a browser`)} + ': ' + String(name)); } });`,
      loader: 'js',
    }));
  },
};

/** apache-arrow's builders test null values with a function made by `new Function`; the page's CSP forbids eval, so they take arrow-valid.ts. */
const arrowWithoutEval: Plugin = {
  name: 'arrow-without-eval',
  setup(builder) {
    builder.onResolve({ filter: /valid\.mjs$/ }, (args) => (/apache-arrow[\\/]builder[\\/]valid\.mjs$/.test(join(args.resolveDir, args.path)) ? { path: `${source}page/arrow-valid.ts` } : undefined));
  },
};

/**
 * The engine imports mathjs's prebuilt single file (quick to load in Node); the page's bundles take
 * page/mathjs.ts in its place: the same instance, `create(all)`, built from mathjs's ES modules.
 */
const mathjsFromModules: Plugin = {
  name: 'mathjs-from-modules',
  setup(builder) {
    builder.onResolve({ filter: /^mathjs\/lib\/browser\/math\.js$/ }, () => ({ path: `${source}page/mathjs.ts` }));
  },
};

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: { boot: `${source}page/boot.ts`, page: `${source}page/main.ts`, worker: `${source}worker.ts` },
  outdir: out,
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  // EXPLORE_MINIFY=0 keeps the bundles readable, for stack traces while debugging the page.
  minify: process.env.EXPLORE_MINIFY !== '0',
  legalComments: 'eof',
  plugins: [nodeStubs, arrowWithoutEval, mathjsFromModules],
  logLevel: 'warning',
});
for (const file of ['index.html', 'explore.css']) copyFileSync(`${source}page/${file}`, `${out}${file}`);
