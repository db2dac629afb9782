import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isPair, isScalar, parseDocument, visit } from 'yaml';
import type { Document, Scalar } from 'yaml';
import { runScenario } from '../../src/market/run.js';
import { compileScenario } from '../../src/scenario/compile.js';
import { FIELD_LIMITS } from '../../src/scenario/limits.js';
import type { LimitedField } from '../../src/scenario/limits.js';
import { loadScenario } from '../../src/scenario/load.js';
import { ScenarioError } from '../../src/scenario/problems.js';
import type { Problem } from '../../src/scenario/problems.js';
import { starterScenario } from '../../src/scenario/starter.js';

/**
 * Number-only mutations of the shipped scenarios (and the `init` starter): one number scaled by 1e300 or
 * 1e-300, set to zero, negated, or set to its field's limit. Every case must either fail validation with
 * located problems, or run (one run of the baseline and of the last variant, over the whole horizon)
 * to records whose every number is finite. Issue 19 found 18 of 500 such files running to NaN.
 *
 * NUMBER_FUZZ_CASES sets the number of cases (default 400; `npm run fuzz` runs 5,000), NUMBER_FUZZ_SEED the seed.
 */

const CASES = Number(process.env.NUMBER_FUZZ_CASES ?? 400);
const SEED = Number(process.env.NUMBER_FUZZ_SEED ?? 20251207);

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scenarios');
const SHIPPED: Record<string, string> = Object.fromEntries(
  readdirSync(DIR)
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => [join(DIR, name), readFileSync(join(DIR, name), 'utf8')]),
);
const STARTER = join(DIR, 'starter.yaml');
const FILES: Record<string, string> = { ...SHIPPED, [STARTER]: starterScenario({ name: 'starter' }) };

type Op = 'times1e300' | 'times1e-300' | 'zero' | 'negate' | 'limit';
const OPS: readonly Op[] = ['times1e300', 'times1e-300', 'zero', 'negate', 'limit'];

/** A number written in a file: its node, and the field it is a value of when that field has a limit (not a distribution's parameter). */
interface NumberSite {
  node: Scalar;
  limited: LimitedField | undefined;
}

// Each file is parsed once; a case clones the document and changes one number of the clone.
const documents = new Map<string, Document>();
function documentOf(file: string): Document {
  let document = documents.get(file);
  if (document === undefined) {
    document = parseDocument(FILES[file]!);
    documents.set(file, document);
  }
  return document;
}

function numbersOf(document: Document): NumberSite[] {
  const sites: NumberSite[] = [];
  visit(document, {
    Scalar(key, node, path) {
      if (key === 'key' || typeof node.value !== 'number') return;
      const parent = path[path.length - 1];
      const field = isPair(parent) && isScalar(parent.key) ? String(parent.key.value) : undefined;
      sites.push({ node, limited: field !== undefined && Object.hasOwn(FIELD_LIMITS, field) ? (field as LimitedField) : undefined });
    },
  });
  return sites;
}

const MUTABLE = Object.keys(FILES).filter((file) => numbersOf(documentOf(file)).length > 0);

/** The file's text with its `pick`th number changed by `op`; undefined when `op` does not apply (a limit for a field without one). */
function mutated(file: string, pick: number, op: Op): { text: string; was: number; now: number } | undefined {
  const document = documentOf(file).clone();
  const sites = numbersOf(document);
  const site = sites[pick % sites.length]!;
  const was = site.node.value as number;
  let now: number;
  if (op === 'times1e300') now = was * 1e300;
  else if (op === 'times1e-300') now = was * 1e-300;
  else if (op === 'zero') now = 0;
  else if (op === 'negate') now = -was;
  else if (site.limited !== undefined) now = FIELD_LIMITS[site.limited].max;
  else return undefined;
  site.node.value = now;
  return { text: document.toString({ lineWidth: 0 }), was, now };
}

/** Reads the in-memory files, `file` replaced by `text`; a missing one fails as the disk would. */
function reader(file: string, text: string): (path: string) => string {
  return (path) => {
    if (path === file) return text;
    if (Object.hasOwn(FILES, path)) return FILES[path]!;
    throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' });
  };
}

/** A problem names a file that was read, a line and column inside it, a path and a one-line message. */
function expectLocated(problem: Problem, texts: (path: string) => string): void {
  const lines = texts(problem.file).split('\n');
  expect(problem.line, JSON.stringify(problem)).toBeGreaterThanOrEqual(1);
  expect(problem.line, JSON.stringify(problem)).toBeLessThanOrEqual(lines.length);
  expect(problem.column, JSON.stringify(problem)).toBeGreaterThanOrEqual(1);
  expect(problem.column, JSON.stringify(problem)).toBeLessThanOrEqual(lines[problem.line - 1]!.length + 1);
  expect(problem.path.length, JSON.stringify(problem)).toBeGreaterThan(0);
  expect(problem.message, JSON.stringify(problem)).toMatch(/^[^\n]+$/);
}

/** The paths of every number in `value` that is not finite. */
function nonFinite(value: unknown, path: string, found: string[] = []): string[] {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) found.push(`${path} = ${value}`);
  } else if (Array.isArray(value)) value.forEach((item, i) => nonFinite(item, `${path}[${i}]`, found));
  else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) nonFinite(item, `${path}.${key}`, found);
  return found;
}

describe('number-only mutations of the shipped scenarios', () => {
  it(`fail validation with located problems, or run to finite records (${CASES} tries)`, () => {
    const tally = { cases: 0, refused: 0, ran: 0, inapplicable: 0 };
    const byOp = Object.fromEntries(OPS.map((op) => [op, { refused: 0, ran: 0 }]));
    fc.assert(
      fc.property(fc.constantFrom(...MUTABLE), fc.nat({ max: 1_000_000 }), fc.constantFrom(...OPS), (file, pick, op) => {
        const change = mutated(file, pick, op);
        if (change === undefined) {
          tally.inapplicable++;
          return;
        }
        tally.cases++;
        const texts = reader(file, change.text);
        let loaded;
        try {
          loaded = loadScenario(file, { readFile: texts });
        } catch (error) {
          if (!(error instanceof ScenarioError)) throw error;
          expect(error.problems.length).toBeGreaterThan(0);
          for (const problem of error.problems) expectLocated(problem, texts);
          tally.refused++;
          byOp[op]!.refused++;
          return;
        }
        const variants = loaded.variants.length > 1 ? [loaded.variants[0]!, loaded.variants.at(-1)!] : loaded.variants;
        for (const variant of variants) {
          const result = runScenario(compileScenario(variant.spec), 1, 0);
          expect(nonFinite(result, `${variant.name}: ${change.was} -> ${change.now}`)).toEqual([]);
        }
        tally.ran++;
        byOp[op]!.ran++;
      }),
      { numRuns: CASES, seed: SEED, endOnFailure: true },
    );
    console.log(`number-only mutations (seed ${SEED}): ${tally.cases} cases, ${tally.refused} refused at validation, ${tally.ran} ran finite (by op: ${JSON.stringify(byOp)}; ${tally.inapplicable} limits of fields without one skipped)`);
    // Both outcomes occur: the mutations reach past the limits and stay within them.
    expect(tally.refused).toBeGreaterThan(0);
    expect(tally.ran).toBeGreaterThan(0);
    // A case takes 30-100 ms (a run of the horizon when it validates), more on a loaded machine.
  }, Math.max(120_000, CASES * 300));
});
