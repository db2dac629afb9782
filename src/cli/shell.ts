import { hasUnprintable } from '../printable.js';

/**
 * Words printed or written for a shell (replay commands, `sbatch` hints, job scripts) and values for
 * `#SBATCH` lines, quoted so that each reads back as the one word it was, whatever it holds.
 */

/** Characters a word may hold and still need no quotes, in any POSIX shell and in an `#SBATCH` line. */
const PLAIN = /^[\w@%+=:,./-]+$/;

/**
 * A word as a POSIX shell reads it back: bare when it can be, else in single quotes; a word with
 * control characters in `$'...'` (POSIX.1-2024, bash, zsh, ksh) with those characters as `\xHH`
 * bytes, so the command stays on one line and drives no terminal when printed.
 */
export function shellWord(word: string): string {
  if (PLAIN.test(word)) return word;
  if (!hasUnprintable(word)) return `'${word.replace(/'/g, `'\\''`)}'`;
  let quoted = '';
  for (const c of word) {
    if (c === '\\' || c === "'") quoted += `\\${c}`;
    else if (hasUnprintable(c)) quoted += [...Buffer.from(c, 'utf8')].map((byte) => `\\x${byte.toString(16).padStart(2, '0')}`).join('');
    else quoted += c;
  }
  return `$'${quoted}'`;
}

/** A command line of words, each quoted as it needs. */
export function shellCommand(words: readonly string[]): string {
  return words.map(shellWord).join(' ');
}

/**
 * A value for an `#SBATCH` line, as sbatch reads one: bare when it can be, else in double quotes with
 * `\`, quotes and `#` (which starts a comment there) escaped by a backslash. A value with a control
 * character has no safe form (a newline would start another line): callers refuse those first.
 */
export function sbatchValue(value: string): string {
  if (hasUnprintable(value)) throw new RangeError(`an #SBATCH value cannot hold control characters: ${JSON.stringify(value)}`);
  return PLAIN.test(value) ? value : `"${value.replace(/["'\\#]/g, (c) => `\\${c}`)}"`;
}
