import { describe, expect, it } from 'vitest';
import { closest } from '../../src/scenario/suggest.js';

/** The optimal-string-alignment distance, by the whole table: the reference the bounded one must agree with. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

describe('the closest name to a misspelt one', () => {
  it('counts two neighbours swapped as one edit: mutli is multi', () => {
    // Levenshtein counts a swap as two edits, past the limit of one for a five-letter word.
    expect(closest('mutli', ['multi', 'exclusive', 'rightOfFirstRefusal'])).toBe('multi');
    expect(closest('exclsuive', ['multi', 'exclusive'])).toBe('exclusive');
    expect(closest('oracel', ['oracle', 'azure'])).toBe('oracle');
    expect(closest('zzzzz', ['multi'])).toBeUndefined();
  });

  it('finds what the whole table finds, within the limit, for random words', () => {
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const word = (): string => Array.from({ length: 1 + Math.floor(random() * 9) }, () => 'abcd'[Math.floor(random() * 4)]).join('');
    for (let trial = 0; trial < 2000; trial++) {
      const [typed, candidates] = [word(), Array.from({ length: 5 }, word)];
      for (const limit of [0, 1, 2, 3]) {
        const best = Math.min(...candidates.map((candidate) => distance(typed, candidate)));
        const found = closest(typed, candidates, limit);
        if (best > limit) expect(found, `${typed} ${candidates.join(',')} ${limit}`).toBeUndefined();
        else expect(distance(typed, found!), `${typed} ${candidates.join(',')} ${limit}`).toBe(best);
      }
    }
  });
});
