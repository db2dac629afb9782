import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { computeraceWith, type Ran } from '../support/cli.js';

/**
 * Stack traces: bad input never shows one, with or without --debug (the message says what to fix); an
 * internal error shows one line without --debug, and its stack trace with it.
 */

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli', 'bin.js');
const dir = mkdtempSync(join(tmpdir(), 'computerace-debug-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// An internal failure no input can cause: loaded before the command, it makes the command's first output throw.
const failure = join(dir, 'fail-on-output.mjs');
writeFileSync(failure, "console.log = () => { throw new Error('simulated internal failure'); };\n");
writeFileSync(join(dir, 'bad.yaml'), 'name: a\nname: b\n');
writeFileSync(join(dir, 'exists.yaml'), 'name: a\n');

/** Runs the command in `dir`; in a process of its own with `preload` loaded first (node --import) when given. */
async function computerace(args: string[], preload?: string): Promise<Ran> {
  if (preload === undefined) return computeraceWith({ cwd: dir }, ...args);
  const result = spawnSync(process.execPath, ['--import', preload, bin, ...args], { encoding: 'utf8', cwd: dir });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const STACK = /^\s+at .+:\d+:\d+\)?$/m;

describe('--debug', () => {
  const badInputs: [string, string[], RegExp][] = [
    ['a scenario with problems', ['validate', 'bad.yaml'], /^bad\.yaml:2:1: name: duplicate key 'name'/],
    ['a missing scenario', ['validate', 'missing.yaml'], /^missing\.yaml:1:1: \(root\): no such file/],
    ['a file init would overwrite', ['init', 'exists.yaml'], /^computerace: 'exists\.yaml' already exists/],
    ['an unknown option', ['validate', '--bogus', 'bad.yaml'], /^computerace: unknown option '--bogus'/],
  ];
  for (const [what, args, message] of badInputs) {
    for (const debug of [[], ['--debug']]) {
      it(`shows no stack trace for ${what}${debug.length > 0 ? ', even with --debug' : ''}`, async () => {
        const { status, stderr } = await computerace([...debug, ...args]);
        expect(status).toBe(2);
        expect(stderr).toMatch(message);
        expect(stderr).not.toMatch(STACK);
        expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      });
    }
  }

  it('reports an internal error in one line without --debug, and says how to see more', async () => {
    const { status, stdout, stderr } = await computerace(['schema'], failure);
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe('computerace: internal error: simulated internal failure (run with --debug for the stack trace)\n');
  });

  it.each([
    ['before the command', ['--debug', 'schema']],
    ['after the command', ['schema', '--debug']],
  ])('shows the stack trace of an internal error with --debug %s', async (_where, args) => {
    const { status, stderr } = await computerace(args, failure);
    expect(status).toBe(1);
    expect(stderr).toMatch(/Error: simulated internal failure/);
    expect(stderr).toMatch(STACK);
  });
});
