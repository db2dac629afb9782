import { posix } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dirname, extname, isAbsolute, join, resolve } from '../../src/scenario/file-paths.js';

/** Paths made of the parts that make normalising hard: empty parts, `.`, `..`, dotted names and repeated slashes. */
const part = fc.constantFrom('', '.', '..', '...', 'a', 'b.yaml', '.hidden', 'scenarios', '..x', 'x..');
const path = fc.tuple(fc.boolean(), fc.array(part, { maxLength: 8 }), fc.boolean()).map(([root, parts, trailing]) => `${root ? '/' : ''}${parts.join('/')}${trailing ? '/' : ''}`);

describe('file paths', () => {
  it('join equals node:path (posix) join', () => {
    fc.assert(fc.property(fc.array(path, { maxLength: 4 }), (parts) => {
      expect(join(...parts)).toBe(posix.join(...parts));
    }), { numRuns: 5000 });
  });

  it('dirname equals node:path (posix) dirname', () => {
    fc.assert(fc.property(path, (p) => {
      expect(dirname(p)).toBe(posix.dirname(p));
    }), { numRuns: 5000 });
  });

  it('extname equals node:path (posix) extname', () => {
    fc.assert(fc.property(path, (p) => extname(p) === posix.extname(p)), { numRuns: 5000 });
    for (const p of ['a.YAML', 'x/.yaml', 'x/..yaml', '...', 'a.b.json', 'a.', '.', '..', '/']) expect(extname(p), p).toBe(posix.extname(p));
  });

  it('isAbsolute equals node:path (posix) isAbsolute', () => {
    fc.assert(fc.property(path, (p) => {
      expect(isAbsolute(p)).toBe(posix.isAbsolute(p));
    }), { numRuns: 2000 });
  });

  it('resolve equals node:path (posix) resolve, against the working directory', () => {
    fc.assert(fc.property(path, (p) => {
      expect(resolve(p)).toBe(posix.resolve(p));
    }), { numRuns: 5000 });
  });

  it('resolves as extends needs: a base beside its file, and the same file reached two ways', () => {
    expect(join(dirname('scenarios/price-war.yaml'), './openai-multicloud-2025.yaml')).toBe('scenarios/openai-multicloud-2025.yaml');
    expect(join(dirname('a/b/c.yaml'), '../../d.yaml')).toBe('d.yaml');
    expect(resolve('scenarios/../scenarios/x.yaml')).toBe(resolve('scenarios/x.yaml'));
  });
});
