import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { hasUnprintable } from '../../src/printable.js';
import { sbatchValue, shellCommand, shellWord } from '../../src/cli/shell.js';
import { sbatchReads } from '../support/sbatch.js';

/** The words bash reads from a command line: each printed NUL-terminated by printf. */
function bashWords(line: string): string[] {
  const result = spawnSync('bash', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout.split('\0').slice(0, -1);
}

const WORDS = ['plain/path-1.yaml', 'a b', "it's", '$HOME', '`id`', 'a;b|c&d', '*', '', '-', 'new\nline', 'evil\u001b[2J', 'bidi\u202eevil', 'quote\'and\\back', 'é 中'];

describe('words for a shell', () => {
  it('read back as the same words in bash, one word each', () => {
    expect(bashWords(shellCommand(WORDS))).toEqual(WORDS);
  });

  it('are left bare when they need no quotes, and stay on one line with nothing that drives a terminal', () => {
    expect(shellWord('scenarios/price-war.yaml')).toBe('scenarios/price-war.yaml');
    expect(shellWord('--set')).toBe('--set');
    for (const word of WORDS) {
      expect(shellWord(word)).not.toContain('\n');
      expect(hasUnprintable(shellWord(word))).toBe(false);
    }
  });
});

describe('values for an #SBATCH line', () => {
  it('read back as the same value, as sbatch reads one', () => {
    for (const value of ['/plain/logs/shard-%a.out', '/a b/logs', "/it's/here", '/x#y', '/q"uote', '/back\\slash', 'gpu,short']) {
      expect(sbatchReads(sbatchValue(value))).toBe(value);
    }
  });

  it('refuse control characters, which no quoting keeps on the line', () => {
    expect(() => sbatchValue('gpu\n#SBATCH --wrap=id')).toThrow(RangeError);
    expect(() => sbatchValue('a\u001bb')).toThrow(RangeError);
  });
});
