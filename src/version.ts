import { existsSync, readFileSync } from 'node:fs';

/** The engine's version, from package.json: results record it, since a new version may draw different numbers. */
export const ENGINE_VERSION: string = readVersion();

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
