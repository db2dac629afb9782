import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layout is the architecture: each folder of src/ is a layer, and a module imports only from its
 * own layer and the layers below it (type-only imports too), so the engine never depends on what is
 * built on it: the kernel knows nothing of GPUs, and the explore page's layer is imported by the
 * command line alone.
 */

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

/** Each layer's rank: a module may import from layers of its rank or below. */
const RANK: Record<string, number> = {
  // Leaf utilities at src/'s root (escaping text, the engine's version).
  'printable.ts': 0,
  'version.ts': 0,
  kernel: 0,
  examples: 1,
  scenario: 1,
  market: 2,
  io: 3,
  experiment: 4,
  report: 5,
  explore: 5,
  cli: 6,
  // The library's exports, over everything but the command line.
  'index.ts': 6,
};

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []));
}

/** The layer of a file under src/: its first folder, or its own name at the root. */
function layerOf(file: string): string {
  return relative(src, file).split('/')[0]!;
}

/** The relative modules a file imports or re-exports, statically or dynamically. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'(\.[^']+)'|\bimport\(\s*'(\.[^']+)'\s*\)/gm)].map((match) => match[1] ?? match[2]!);
  return specifiers.map((specifier) => normalize(join(dirname(file), specifier)));
}

describe('the layers of src/', () => {
  const files = sources(src);

  it('are all known, and their imports are found', () => {
    expect([...new Set(files.map(layerOf))].filter((layer) => !(layer in RANK))).toEqual([]);
    // Every layer but the leaves imports something: a pattern that missed imports would find none.
    expect(files.flatMap(importsOf).length).toBeGreaterThan(500);
    expect(importsOf(join(src, 'market', 'build.ts')).map((target) => relative(src, target))).toContain('kernel/libm.js');
  });

  it('import only from their own layer and the layers below', () => {
    const upward: string[] = [];
    for (const file of files) {
      for (const target of importsOf(file)) {
        const [from, to] = [layerOf(file), layerOf(target)];
        if (RANK[to]! > RANK[from]!) upward.push(`${relative(src, file)} imports ${relative(src, target)}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('keep the explore page to itself: only the command line imports it, and the kernel imports nothing above it', () => {
    const importers = (layer: string): Set<string> =>
      new Set(files.filter((file) => layerOf(file) !== layer && importsOf(file).some((target) => layerOf(target) === layer)).map(layerOf));
    expect([...importers('explore')]).toEqual(['cli']);
    expect(files.filter((file) => layerOf(file) === 'kernel').flatMap(importsOf).filter((target) => layerOf(target) !== 'kernel')).toEqual([]);
  });
});
