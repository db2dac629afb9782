import { describe, expect, it } from 'vitest';
import { workerCount } from '../../src/explore/page/workers.js';

/** How many Web Workers the explore page starts: the address's `?workers=N`, else one per core but one. */

const address = (search: string): URLSearchParams => new URLSearchParams(search);

describe('the explore page\'s worker count', () => {
  it('leaves a core for the page and V8\'s own threads: one worker on 2 cores, three on 4, fifteen on 16', () => {
    expect(workerCount(address(''), 2)).toBe(1);
    expect(workerCount(address(''), 4)).toBe(3);
    expect(workerCount(address(''), 16)).toBe(15);
  });

  it('starts at least one worker, and at most 16, whatever the browser says of its cores', () => {
    expect(workerCount(address(''), 1)).toBe(1);
    expect(workerCount(address(''), undefined)).toBe(1);
    expect(workerCount(address(''), 64)).toBe(16);
  });

  it('takes ?workers=N from the address, whole and at most 16; a value that is not a count leaves the default', () => {
    expect(workerCount(address('?workers=2'), 2)).toBe(2);
    expect(workerCount(address('?workers=4.7'), 8)).toBe(4);
    expect(workerCount(address('?workers=99'), 2)).toBe(16);
    for (const bad of ['0', '-3', 'many', '']) expect(workerCount(address(`?workers=${bad}`), 4)).toBe(3);
  });
});
