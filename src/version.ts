import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Beside the compiled modules, written by the build.
const BUILD_FILE = 'build.json';

/** The engine's version, from package.json: results record it, since a new version may draw different numbers. */
export const ENGINE_VERSION: string = readVersion();

/**
 * The engine's build: a digest of its sources (src/) and of the locked versions of the packages it
 * runs on (package-lock.json). Versions are bumped by hand and outputs change between bumps; the build
 * tells two engines apart whatever their version says, so `merge` and `--resume` never mix the results
 * of two. The build (`npm run build`) writes it beside the compiled modules; run from its sources
 * (the tests) the engine computes it, the same way.
 */
export const ENGINE_BUILD: string = readBuild();

// The package file is above the compiled module: one level from dist/, two from dist-bench/src/.
function readVersion(): string {
  for (const candidate of ['../package.json', '../../package.json']) {
    const url = new URL(candidate, import.meta.url);
    if (!existsSync(url)) continue;
    const manifest = JSON.parse(readFileSync(url, 'utf8')) as { name?: string; version?: string };
    if (manifest.name === 'computerace' && manifest.version) return manifest.version;
  }
  throw new Error('computerace: cannot find its package.json');
}

function readBuild(): string {
  const recorded = new URL(BUILD_FILE, import.meta.url);
  if (existsSync(recorded)) return (JSON.parse(readFileSync(recorded, 'utf8')) as { build: string }).build;
  // Run from the sources, or compiled without the build's last step: the digest of the sources beside it.
  const sources = new URL('../src/', import.meta.url);
  return existsSync(sources) ? sourceDigest(fileURLToPath(sources)) : 'unknown';
}

/** The digest of the TypeScript sources under `srcDir` and the package-lock.json beside it, 16 hex digits. */
export function sourceDigest(srcDir: string): string {
  const hash = createHash('sha256');
  const files = (readdirSync(srcDir, { recursive: true, encoding: 'utf8' }) as string[]).filter((file) => file.endsWith('.ts')).sort();
  for (const file of files) hash.update(`${file}\0`).update(readFileSync(`${srcDir}/${file}`)).update('\0');
  const lock = `${srcDir}/../package-lock.json`;
  if (existsSync(lock)) hash.update(readFileSync(lock));
  return hash.digest('hex').slice(0, 16);
}

/** Writes the build's record beside the compiled modules (the last step of `npm run build`). */
export function writeBuildRecord(): void {
  writeFileSync(new URL(BUILD_FILE, import.meta.url), `${JSON.stringify({ build: sourceDigest(fileURLToPath(new URL('../src/', import.meta.url))) })}\n`);
}
