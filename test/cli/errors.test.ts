import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bin } from '../support/cli.js';
import { EXIT_BAD_INPUT, reportable, UsageError } from '../../src/cli/errors.js';
import { OutputError } from '../../src/io/outputs.js';
import { ShardMismatch } from '../../src/experiment/merge.js';
import { SaltelliDesignError } from '../../src/experiment/sobol.js';
import { ScenarioError } from '../../src/scenario/problems.js';

/** An error as Node's fs functions throw it. */
function systemError(code: string, message: string, fields: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${code}: ${message}`), { code, errno: -1, syscall: 'write', ...fields });
}

describe('errors that are not bugs', () => {
  it('are bad input: usage errors, scenario problems and the library\'s input errors, exit 2', () => {
    expect(reportable(new UsageError('--runs 0: no'))).toEqual({ message: '--runs 0: no', exitCode: EXIT_BAD_INPUT });
    expect(reportable(new UsageError('run 3 failed\nreproduce it with: x', 1))).toEqual({ message: 'run 3 failed\nreproduce it with: x', exitCode: 1 });
    expect(reportable(new ScenarioError([{ file: 'a.yaml', line: 1, column: 2, path: 'name', message: 'bad' }]))?.exitCode).toBe(EXIT_BAD_INPUT);
    for (const error of [new OutputError("cannot write to output directory 'out': permission denied"), new ShardMismatch('shards of different seeds'), new SaltelliDesignError({ kind: 'no-parameters' })]) {
      expect(reportable(error), error.name).toEqual({ message: error.message, exitCode: EXIT_BAD_INPUT });
    }
  });

  it('include a full, read-only or missing disk or file: "PATH: reason", exit 2, however deep the cause', () => {
    expect(reportable(systemError('ENOSPC', 'no space left on device, write', { path: '/data/out/runs.arrow' }))).toEqual({ message: '/data/out/runs.arrow: no space left on the device', exitCode: EXIT_BAD_INPUT });
    expect(reportable(systemError('EROFS', 'read-only file system', { path: '/mnt/ro/x' }))?.message).toBe('/mnt/ro/x: read-only file system');
    expect(reportable(systemError('EEXIST', 'file already exists', { path: 'a', dest: 'b' }))?.message).toBe('a -> b: already exists');
    expect(reportable(systemError('ENOSPC', 'no space left on device, write'))?.message).toBe('no space left on the device (ENOSPC)');
    const wrapped = new Error('could not save the checkpoint', { cause: systemError('EDQUOT', 'quota', { path: '/home/me/out' }) });
    expect(reportable(wrapped)).toEqual({ message: '/home/me/out: disk quota exceeded', exitCode: EXIT_BAD_INPUT });
  });

  it('are reported on one line, with the names and paths in them escaped', () => {
    expect(reportable(systemError('EACCES', 'permission denied', { path: 'out\n\u001b[2J' }))?.message).toBe('out\\n\\u001b[2J: permission denied');
    expect(reportable(new OutputError("cannot write to output directory 'a\nb': permission denied"))?.message).not.toContain('\n');
    expect(reportable(new UsageError('unknown example \'\u001b[2J\'\nsecond line'))?.message).toBe('unknown example \'\\u001b[2J\'\nsecond line');
  });

  it('leave everything else to be reported as a bug', () => {
    expect(reportable(new TypeError('cannot read properties of undefined'))).toBeUndefined();
    expect(reportable(systemError('EBADF', 'bad file descriptor'))).toBeUndefined();
    expect(reportable('a string')).toBeUndefined();
  });
});

describe('a full disk under standard output', () => {
  it('is one line, exit 2, where the output was lost and the command said nothing and exited 0', () => {
    // /dev/full refuses every write with ENOSPC.
    const full = openSync('/dev/full', 'w');
    try {
      const { status, stderr } = spawnSync(process.execPath, [bin, 'schema'], { encoding: 'utf8', stdio: ['ignore', full, 'pipe'] });
      expect(stderr).toBe('computerace: cannot write to standard output: no space left on the device\n');
      expect(status).toBe(2);
    } finally {
      closeSync(full);
    }
  });

  it('is no failure when the reader has stopped reading (a pipe into head)', () => {
    const { status, stderr } = spawnSync('bash', ['-c', `set -o pipefail; '${process.execPath}' '${bin}' schema | head -c 1 > /dev/null`], { encoding: 'utf8' });
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });
});
