import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computeraceWith, type Ran } from '../support/cli.js';
import { compileScenario } from '../../src/scenario/compile.js';
import { runScenario } from '../../src/market/run.js';
import { loadScenario } from '../../src/scenario/load.js';
import { STARTER_SCHEMA_FILE, starterScenario } from '../../src/scenario/starter.js';

const root = mkdtempSync(join(tmpdir(), 'computerace-init-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;

/** A fresh empty directory to run the command in. */
function freshDir(): string {
  const dir = join(root, `case-${++dirs}`);
  mkdirSync(dir);
  return dir;
}

function computerace(cwd: string, ...args: string[]): Promise<Ran> {
  return computeraceWith({ cwd }, ...args);
}

/** Bad input: one line on stderr, exit code 2, nothing on stdout, no stack trace. */
function expectOneLineError(result: { status: number | null; stdout: string; stderr: string }, message: RegExp): void {
  expect(result.status).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(/^computerace: /);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/\bat .*\.js:\d+/);
}

describe('computerace init', () => {
  it('writes scenario.yaml and its schema, and the scenario validates', async () => {
    const dir = freshDir();
    const init = await computerace(dir, 'init');
    expect(init.stderr).toBe('');
    expect(init.status).toBe(0);
    expect(init.stdout).toMatch(/^wrote scenario\.yaml .* and scenario\.schema\.json/);
    const validate = await computerace(dir, 'validate', 'scenario.yaml');
    expect(validate.stderr).toBe('');
    expect(validate.stdout).toBe('scenario.yaml: ok\n');
    expect(validate.status).toBe(0);
  });

  it('points the first line at the schema, by a relative path to a file that is the schema `computerace schema` prints', async () => {
    const dir = freshDir();
    expect((await computerace(dir, 'init', 'world.yaml')).status).toBe(0);
    const text = readFileSync(join(dir, 'world.yaml'), 'utf8');
    const modeline = /^# yaml-language-server: \$schema=(\S+)\n/.exec(text);
    expect(modeline).not.toBeNull();
    const schemaPath = join(dir, modeline![1]!);
    expect(existsSync(schemaPath)).toBe(true);
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
    expect(schema).toEqual(JSON.parse((await computerace(dir, 'schema')).stdout));
    expect(schema.title).toBe('computerace scenario');
    // The scenario is named after its file.
    expect(text).toMatch(/^name: world\s+#/m);
  });

  it('writes into an existing directory, with the schema beside the scenario', async () => {
    const dir = freshDir();
    mkdirSync(join(dir, 'worlds'));
    expect((await computerace(dir, 'init', 'worlds/base.yaml')).status).toBe(0);
    expect(existsSync(join(dir, 'worlds', STARTER_SCHEMA_FILE))).toBe(true);
    expect((await computerace(dir, 'validate', 'worlds/base.yaml')).status).toBe(0);
  });

  it('refuses to overwrite an existing file without --force: one line, exit 2, the file untouched', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'scenario.yaml'), 'mine\n');
    expectOneLineError(await computerace(dir, 'init'), /'scenario\.yaml' already exists; use --force to overwrite it/);
    expect(readFileSync(join(dir, 'scenario.yaml'), 'utf8')).toBe('mine\n');
    expect(existsSync(join(dir, STARTER_SCHEMA_FILE))).toBe(false);
  });

  it('overwrites with --force', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'scenario.yaml'), 'mine\n');
    expect((await computerace(dir, 'init', '--force')).status).toBe(0);
    expect((await computerace(dir, 'validate', 'scenario.yaml')).status).toBe(0);
  });

  it('with --force replaces links at the scenario\'s and the schema\'s names, never the files they point to', async () => {
    const dir = freshDir();
    const elsewhere = freshDir();
    writeFileSync(join(elsewhere, 'system.txt'), 'root:x:0:0\n');
    writeFileSync(join(elsewhere, 'shared.yaml'), 'mine\n');
    symlinkSync(join(elsewhere, 'system.txt'), join(dir, STARTER_SCHEMA_FILE));
    symlinkSync(join(elsewhere, 'shared.yaml'), join(dir, 'scenario.yaml'));
    expect((await computerace(dir, 'init', '--force')).status).toBe(0);
    expect(readFileSync(join(elsewhere, 'system.txt'), 'utf8')).toBe('root:x:0:0\n');
    expect(readFileSync(join(elsewhere, 'shared.yaml'), 'utf8')).toBe('mine\n');
    for (const name of [STARTER_SCHEMA_FILE, 'scenario.yaml']) expect(lstatSync(join(dir, name)).isFile(), name).toBe(true);
    expect((await computerace(dir, 'validate', 'scenario.yaml')).status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([STARTER_SCHEMA_FILE, 'scenario.yaml'].sort());
  });

  it('keeps a schema file of its own from an earlier init up to date, but not someone else\'s file of that name', async () => {
    const dir = freshDir();
    expect((await computerace(dir, 'init', 'a.yaml')).status).toBe(0);
    expect((await computerace(dir, 'init', 'b.yaml')).status).toBe(0);
    writeFileSync(join(dir, STARTER_SCHEMA_FILE), '{"title": "something else"}');
    expectOneLineError(await computerace(dir, 'init', 'c.yaml'), /scenario\.schema\.json' exists and is not a computerace schema; use --force/);
    expect(existsSync(join(dir, 'c.yaml'))).toBe(false);
  });

  it('reports an empty file name for what it is, in one line, exit 2', async () => {
    const dir = freshDir();
    expectOneLineError(await computerace(dir, 'init', ''), /^computerace: init needs a file name \(default scenario\.yaml\), got an empty one\n$/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reports a path in a missing directory in one line, exit 2', async () => {
    const dir = freshDir();
    expectOneLineError(await computerace(dir, 'init', 'missing/scenario.yaml'), /cannot create 'missing\/scenario\.yaml': directory 'missing' does not exist/);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it('reports a directory given as the file, and a .json name, in one line, exit 2', async () => {
    const dir = freshDir();
    mkdirSync(join(dir, 'taken.yaml'));
    expectOneLineError(await computerace(dir, 'init', 'taken.yaml'), /it is a directory/);
    expectOneLineError(await computerace(dir, 'init', 'scenario.json'), /YAML with comments/);
    writeFileSync(join(dir, 'file'), '');
    expectOneLineError(await computerace(dir, 'init', 'file/scenario.yaml'), /'file' is not a directory/);
  });

  it('neither reads nor writes a FIFO in the scenario\'s or the schema\'s place, even with --force: one line, exit 2, no wait', async () => {
    const dir = freshDir();
    // Opening a FIFO with no writer, or writing one with no reader, would wait forever.
    expect(spawnSync('mkfifo', [join(dir, 'pipe.yaml'), join(dir, STARTER_SCHEMA_FILE)]).status).toBe(0);
    expectOneLineError(await computerace(dir, 'init', 'pipe.yaml', '--force'), /cannot create 'pipe\.yaml': it exists and is not a regular file/);
    expectOneLineError(await computerace(dir, 'init', 'scenario.yaml'), /cannot write the schema: '.*scenario\.schema\.json' exists and is not a regular file/);
    expectOneLineError(await computerace(dir, 'init', 'scenario.yaml', '--force'), /exists and is not a regular file/);
    expect(existsSync(join(dir, 'scenario.yaml'))).toBe(false);
  });
});

describe('the starter scenario', () => {
  const text = starterScenario({ name: 'starter' });

  it('loads and runs, with finite results', async () => {
    const loaded = loadScenario('starter.yaml', { readFile: () => text });
    const spec = loaded.spec;
    expect([spec.chips.length, spec.suppliers.length, spec.providers.length, spec.labs.length]).toEqual([1, 1, 2, 1]);
    expect(spec.timeline.length).toBeGreaterThanOrEqual(1);
    expect(spec.shocks.length).toBeGreaterThanOrEqual(1);
    const result = runScenario(compileScenario(spec), '42', 0);
    const lab = result.summary.labs[0]!;
    expect(Number.isFinite(lab.shortfallShare)).toBe(true);
    expect(Number.isFinite(lab.totalSpendUsd)).toBe(true);
  });

  it('comments every field it writes, with a comment on its line or the line above', async () => {
    const lines = text.split('\n');
    const uncommented = new Set<string>();
    const commented = new Set<string>();
    lines.forEach((line, index) => {
      const key = /^\s*(?:- )?([A-Za-z$][\w$]*):/.exec(line)?.[1];
      if (key === undefined) return;
      const hasComment = / #/.test(line) || /^\s*#/.test(lines[index - 1] ?? '');
      (hasComment ? commented : uncommented).add(key);
    });
    // Each field is explained at least once (a second provider need not repeat the first's comments).
    expect([...uncommented].filter((key) => !commented.has(key))).toEqual([]);
    expect(commented.size).toBeGreaterThan(40);
  });

  it('names its units where a field has one', async () => {
    for (const unit of ['(H100e)', '(USD per H100e-hour)', '(USD per year)', '(MW)', '(days)', '(chips per month)', '(kW)', '(years)']) {
      expect(text).toContain(unit);
    }
  });
});
