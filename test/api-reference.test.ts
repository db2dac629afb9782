import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { apiReference, firstSentence, libraryExports } from '../scripts/api-reference.mjs';

/**
 * docs/api.md lists every export of the library with the first sentence of its doc comment and its
 * signature; `npm run docs:api` writes it from the sources. A doc comment or signature changed without
 * running the script, or an export added without a doc comment, fails here, not in a reader's hands.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('docs/api.md', () => {
  const exports = libraryExports(root);

  it('is what `npm run docs:api` writes from the sources now', () => {
    // Compared as lines: a stale file's diff shows the entries that changed, not one 40 kB string.
    const committed = readFileSync(join(root, 'docs', 'api.md'), 'utf8').split('\n');
    expect(committed, 'docs/api.md is not what the sources make: run `npm run docs:api`').toEqual(apiReference(root, exports).split('\n'));
  });

  it('documents every export of src/index.ts: each has a doc comment at its declaration', () => {
    // Found where it is declared, through the modules that re-export it (resolveOverridePath is exported
    // by scenario/load.ts and declared in scenario/paths.ts).
    expect(exports.length).toBeGreaterThan(180);
    expect(exports.find((entry) => entry.name === 'resolveOverridePath')?.file).toBe('src/scenario/paths.ts');
    expect(new Set(exports.map((entry) => entry.name)).size).toBe(exports.length);
    expect(exports.filter((entry) => entry.doc === '').map((entry) => `${entry.name} (${entry.file})`)).toEqual([]);
  });
});

describe("a doc comment's first sentence", () => {
  it('ends at the first full stop that ends a sentence, not at one in code, an abbreviation or a number', () => {
    expect(firstSentence('Runs a batch. Writes its tables.')).toBe('Runs a batch.');
    expect(firstSentence('Reads `summary.json`. Then more.')).toBe('Reads `summary.json`.');
    expect(firstSentence('A level, e.g. GPUs. More.')).toBe('A level, e.g. GPUs.');
    expect(firstSentence('About 1.5x as fast (see below.) More.')).toBe('About 1.5x as fast (see below.)');
    expect(firstSentence('One line\nwrapped.\n\nA second paragraph.')).toBe('One line wrapped.');
    expect(firstSentence('A result\n@param x ignored')).toBe('A result');
    expect(firstSentence('@deprecated')).toBe('');
  });
});
