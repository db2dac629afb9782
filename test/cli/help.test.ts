import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { computerace } from '../support/cli.js';

/** Every command's --help ends with an example, and says its defaults one way: commander's "(default: x)". */

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const program = buildProgram();
const commands = program.commands.filter((command) => command.name() !== 'help');

/** The examples at the end of a --help: the words of each `$ computerace ...` line, up to a redirection. */
function examplesOf(help: string): string[][] {
  const [, section] = help.split(/\nExamples?:\n/);
  expect(section, 'an Example section').toBeDefined();
  return section!.trimEnd().split('\n').map((line) => line.trim().replace(/^\$ /, '').replace(/ >.*$/, '').split(' '));
}

describe('--help', () => {
  for (const command of [undefined, ...commands] as (Command | undefined)[]) {
    const name = command?.name();
    it(`of ${name ?? 'computerace'} shows examples that name options it has and files that exist, and writes defaults as "(default: x)"`, async () => {
      const { status, stdout } = await computerace(...(name ? [name] : []), '--help');
      expect(status).toBe(0);
      expect(stdout).not.toMatch(/\(default [^:]|default \d/);
      const examples = examplesOf(stdout);
      expect(examples.length).toBeGreaterThan(0);
      for (const [bin, sub, ...args] of examples) {
        expect(bin).toBe('computerace');
        const target = program.commands.find((c) => c.name() === sub);
        expect(target, `a command ${sub}`).toBeDefined();
        if (name) expect(sub).toBe(name);
        const known = new Set(target!.options.flatMap((option) => [option.long, option.short]));
        for (const word of args) {
          if (word.startsWith('--')) expect(known.has(word), `${sub} ${word}`).toBe(true);
          if (/^scenarios\/[\w-]+\.yaml$/.test(word)) expect(existsSync(join(root, word)), word).toBe(true);
        }
      }
    });
  }
});

describe('a reader that stops early', () => {
  it('ends the command as if it had read everything: exit 0 and nothing on stderr, no stack trace', () => {
    // `true` reads nothing and exits, so every line the command writes meets a closed pipe (EPIPE).
    const bin = join(root, 'dist', 'cli', 'bin.js');
    for (const args of ['run --help', '--version']) {
      const result = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${bin}" ${args} | true`], { encoding: 'utf8' });
      expect(result.stderr, args).toBe('');
      expect(result.status, args).toBe(0);
    }
  });
});
