import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { OPTIONAL_FIGURES } from '../../src/io/layout.js';

/**
 * The command at the edges (issue 19): hostile scenario files given to `computerace run` as a user
 * would, in this process. Number-only mutations of the shipped scenarios (one number scaled by 1e300
 * or 1e-300, set to zero or negated), huge lists, and files that are not regular files, as the
 * scenario or as its base. Every case must end with exit 0 or 2, no stack trace, within its time
 * limit, and, when it ran, no non-finite number in any table it wrote or in its summary.
 *
 * CLI_FUZZ_CASES sets the number of random number mutations (default 300; `npm run fuzz` runs 2,000).
 */

const CASES = Number(process.env.CLI_FUZZ_CASES ?? 300);
const SEED = Number(process.env.CLI_FUZZ_SEED ?? 20261207);
const CASE_TIME_LIMIT_MS = 30_000;

const SCENARIOS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scenarios');
const SHIPPED = readdirSync(SCENARIOS).filter((name) => name.endsWith('.yaml')).sort();
const TEXTS = Object.fromEntries(SHIPPED.map((name) => [name, readFileSync(join(SCENARIOS, name), 'utf8')]));
// A number written as a value: after `key:`, a list's `-`, `[` or `,`; not inside a date, an id or a formula.
const NUMBER = /(?<=(?:^|[\s[{,])[\w.]+:\s|-\s|\[\s?|,\s)-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?=\s*(?:$|[,\]}#]))/gm;

const root = mkdtempSync(join(tmpdir(), 'computerace-cli-fuzz-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
// The shipped scenarios beside each other, as in scenarios/: a mutated file that extends another finds
// its base as shipped (each case restores the file it mutated), so it tests the mutation, not a missing base.
for (const name of SHIPPED) writeFileSync(join(root, name), TEXTS[name]!);
let cases = 0;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the command line in this process, capturing what it prints. */
async function computerace(...args: string[]): Promise<Outcome> {
  const captured = { stdout: '', stderr: '' };
  const write = { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) };
  const capture = (stream: 'stdout' | 'stderr') => (chunk: string | Uint8Array): boolean => {
    captured[stream] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  };
  const log = console.log;
  process.stdout.write = capture('stdout') as typeof process.stdout.write;
  process.stderr.write = capture('stderr') as typeof process.stderr.write;
  console.log = (...values: unknown[]): void => void capture('stdout')(`${values.join(' ')}\n`);
  const started = performance.now();
  try {
    const code = await main(['node', 'computerace', ...args]);
    return { code, ...captured, ms: performance.now() - started };
  } finally {
    process.stdout.write = write.stdout;
    process.stderr.write = write.stderr;
    console.log = log;
  }
}

/** Runs `file` as a small batch; asserts the outcome is one a user may meet, and the tables finite. */
async function expectGraceful(file: string, what: string): Promise<Outcome> {
  const out = join(root, `out-${cases++}`);
  const outcome = await computerace('run', file, '--runs', '2', '--workers', '0', '--quiet', '--timeseries', 'all', '--out', out);
  const context = `${what}: exit ${outcome.code}\n${outcome.stderr.slice(0, 2000)}`;
  expect([0, 2], context).toContain(outcome.code);
  expect(outcome.stderr, context).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(outcome.stderr, context).not.toMatch(/internal error/);
  expect(outcome.ms, context).toBeLessThan(CASE_TIME_LIMIT_MS);
  if (outcome.code === 0) expectFiniteOutputs(out, what);
  else expect(outcome.stderr.trim().length, context).toBeGreaterThan(0);
  rmSync(out, { recursive: true, force: true });
  return outcome;
}

/** Every number of every table and of the summary is finite (a null is a value no run had, never a NaN in disguise). */
function expectFiniteOutputs(out: string, what: string): void {
  for (const name of readdirSync(out).filter((file) => file.endsWith('.arrow'))) {
    const table = tableFromIPC(readFileSync(join(out, name)));
    for (const field of table.schema.fields) {
      if (String(field.type) !== 'Float64') continue;
      const column = table.getChild(field.name)!;
      for (let row = 0; row < table.numRows; row++) {
        const value = column.get(row) as number | null;
        if (value !== null && !Number.isFinite(value)) throw new Error(`${what}: ${name} ${field.name} row ${row} is ${value}`);
      }
    }
  }
  const summary = readFileSync(join(out, 'summary.json'), 'utf8');
  expect(summary, what).not.toMatch(/NaN|Infinity/);
  // A summary statistic is null only for a figure a run may not have (OPTIONAL_FIGURES) that no run had: a lab that never tendered, or was delivered nothing.
  const nulls = [...summary.matchAll(/"([\w.]+)":\s*\{[^{}]*null/g)].map((match) => match[1]!).filter((key) => !OPTIONAL_FIGURES.has(key.slice(key.lastIndexOf('.') + 1)));
  expect(nulls, what).toEqual([]);
}

/** One number of one shipped scenario, changed. */
const numberMutation = fc.record({
  file: fc.constantFrom(...SHIPPED),
  pick: fc.nat(),
  op: fc.constantFrom('times1e300', 'times1e-300', 'zero', 'negate'),
});

function mutate({ file, pick, op }: { file: string; pick: number; op: string }): { text: string; what: string } | undefined {
  const text = TEXTS[file]!;
  const sites = [...text.matchAll(NUMBER)];
  if (sites.length === 0) return undefined;
  const site = sites[pick % sites.length]!;
  const value = Number(site[0]);
  const changed = op === 'times1e300' ? value * 1e300 : op === 'times1e-300' ? value * 1e-300 : op === 'zero' ? 0 : -value;
  const line = text.slice(0, site.index).split('\n').length;
  return { text: text.slice(0, site.index) + String(changed) + text.slice(site.index! + site[0].length), what: `${file}:${line} ${site[0]} -> ${changed}` };
}

describe('computerace run on hostile files', () => {
  it(`ends ${CASES} number-only mutations of the shipped scenarios with exit 0 or 2, no stack trace, and finite outputs`, async () => {
    const tally = { mutated: 0, ran: 0, refused: 0 };
    const samples = fc.sample(numberMutation, { numRuns: CASES, seed: SEED });
    for (const sample of samples) {
      const mutated = mutate(sample);
      if (!mutated) continue;
      tally.mutated++;
      const file = join(root, sample.file);
      writeFileSync(file, mutated.text);
      const { code, stderr } = await expectGraceful(file, mutated.what);
      writeFileSync(file, TEXTS[sample.file]!);
      expect(stderr, mutated.what).not.toMatch(/cannot extend/);
      tally[code === 0 ? 'ran' : 'refused']++;
    }
    console.log(`cli fuzz: ${tally.mutated} number mutations (seed ${SEED}): ${tally.ran} ran to finite outputs, ${tally.refused} refused with exit 2`);
    // Files that only extend another and set no number are left as they are; the rest must all be mutated.
    expect(tally.mutated).toBeGreaterThan(CASES / 2);
    // Scaled by 1e300 or zeroed, many numbers leave their range and are refused; others change the run and it stays finite.
    expect(tally.refused).toBeGreaterThan(0);
    expect(tally.ran).toBeGreaterThan(0);
  }, Math.max(120_000, CASES * 3_000));

  it('refuses huge lists and files that are not regular, as the scenario or its base, with exit 2 in one line', async () => {
    const base = TEXTS['openai-multicloud-2025.yaml']!;
    const fifo = join(root, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const huge = {
      'a timeline of 4,000 entries': `${base.replace(/^timeline:[\s\S]*?(?=^\w)/m, '')}\ntimeline:\n${Array.from({ length: 4000 }, (_, i) => `  - { date: 2026-01-01, set: { providers.azure.pricing.margin: ${(0.2 + (i % 10) / 100).toFixed(2)} } }`).join('\n')}\n`,
      '20,000 unknown keys': `${base}\n${Array.from({ length: 20_000 }, (_, i) => `unknown${i}: ${i}`).join('\n')}\n`,
    };
    const files: [string, string][] = [
      ['a FIFO as the scenario', fifo],
      ['/dev/zero as the scenario', '/dev/zero'],
      ['/dev/urandom as the scenario', '/dev/urandom'],
      ['/proc/self/environ as the scenario', '/proc/self/environ'],
      ['a directory as the scenario', root],
    ];
    for (const [what, base] of [['a FIFO', fifo], ['/dev/zero', '/dev/zero'], ['/proc/self/environ', '/proc/self/environ'], ['/etc/passwd', '/etc/passwd']]) {
      const file = join(root, `extends-${files.length}.yaml`);
      writeFileSync(file, `extends: ${base}\nname: x\n`);
      files.push([`a scenario extending ${what}`, file]);
    }
    for (const [what, text] of Object.entries(huge)) {
      const file = join(root, `${what.replace(/\W+/g, '-')}.yaml`);
      writeFileSync(file, text);
      files.push([what, file]);
    }
    for (const [what, file] of files) {
      const outcome = await expectGraceful(file, what);
      if (!what.startsWith('a timeline')) expect(outcome.code, what).toBe(2);
      // One line, or the first problems and a count: never the contents of a file that is not a scenario.
      expect(outcome.stderr, what).not.toMatch(/root:|PATH=|HOME=/);
    }
  }, 240_000);
});
