import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, parseDocument, visit } from 'yaml';
import type { Document, Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { loadScenario } from '../../src/scenario/load.js';
import { ScenarioError } from '../../src/scenario/problems.js';
import type { Problem } from '../../src/scenario/problems.js';
import { starterScenario } from '../../src/scenario/starter.js';
import { budgetMs } from '../support/budget.js';

/**
 * Malformed scenarios, by the thousand: the shipped scenarios, the `init` starter and a small scenario,
 * mutated (keys deleted, renamed and added, values of the wrong type, swapped, or replaced by NaN,
 * infinities, negative and huge numbers, items duplicated, lines duplicated, deleted, swapped, indented
 * with tabs, files truncated, random bytes inserted, whole files of random YAML). Each goes through
 * `loadScenario` and must end in a ScenarioError whose every problem is located inside a file that was
 * read, or in a valid scenario with only finite numbers; never another exception, never more than 2 s.
 *
 * FUZZ_CASES sets the number of random cases (default 3000; `npm run fuzz` runs 50,000), FUZZ_SEED the seed.
 */

const CASES = Number(process.env.FUZZ_CASES ?? 3000);
const SEED = Number(process.env.FUZZ_SEED ?? 20251126);
const CASE_TIME_LIMIT_MS = 2000;

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIR = '/fuzz';
const SHIPPED = Object.fromEntries(
  readdirSync(join(root, 'scenarios'))
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => [`${DIR}/${name}`, readFileSync(join(root, 'scenarios', name), 'utf8')]),
);
const BASE = `${DIR}/openai-multicloud-2025.yaml`;

// A small scenario using every kind of field: formulas, distributions, a contract, the timeline, shocks.
const TINY = `name: tiny
start: 2025-01-01
end: 2026-12-31
chips:
  - { id: h100, release: 2022-10-01, perfH100e: 1, powerKw: 1.4, unitCostUsd: 30000, lifeYears: 5 }
  - { id: b200, release: 2025-06-01, perfH100e: 2.5, powerKw: 2.0, unitCostUsd: 45000, lifeYears: 5 }
suppliers:
  - id: nvidia
    products: [{ chip: h100, until: 2025-12-31 }, { chip: b200 }]
    capacityUnitsPerMonth: 100000 * 1.2^t
    leadTimeDays: { triangular: { min: 60, mode: 90, max: 180 } }
    allocation: priority
    priority: [oracle]
providers:
  - id: azure
    fleet: { h100: 100000 }
    powerMw: 200
    powerBuildMwPerYear: 100
    powerLeadTimeDays: 540
    capexUsdPerYear: 1e10
    internalDemandH100e: "20000 * 1.5^t"
    suppliers: [nvidia]
    pricing: { policy: competitive, margin: 0.8, elasticity: { uniform: { min: 0.5, max: 1 } } }
  - id: oracle
    fleet: {}
    powerMw: 50
    powerBuildMwPerYear: 50
    powerLeadTimeDays: 400
    capexUsdPerYear: 5e9
    suppliers: [nvidia]
    pricing: { policy: formula, expression: 'cost * (1 + utilization) / sqrt(bidders)' }
labs:
  - id: openai
    demand: { initialH100e: 100000, growthPerYear: { lognormal: { median: 2.5, sigma: 0.3 } }, formula: "initial * growth^t" }
    budgetUsdPerYear: 1e10
    procurement: { strategy: rightOfFirstRefusal, incumbent: azure, providers: [azure, oracle], maxShare: 0.6 }
contracts:
  - { lab: openai, provider: azure, volumeH100e: 50000, priceUsdPerGpuHour: 2.5, start: 2024-07-01, end: 2026-06-30 }
timeline:
  - date: 2025-06-01
    set: { labs.openai.procurement.strategy: multi, providers.oracle.pricing.expression: "cost * 2" }
    note: opens up
shocks:
  - { id: quake, target: { supplier: nvidia }, arrival: { date: 2025-09-01 }, magnitude: 0.5, durationDays: 30 }
  - { id: surge, target: { lab: openai }, arrival: { ratePerYear: { pert: { min: 0.1, mode: 0.3, max: 1 } } }, magnitude: 0.2, durationDays: 90 }
`;

const SEEDS: Record<string, Record<string, string>> = {
  starter: { [`${DIR}/starter.yaml`]: starterScenario({ name: 'starter' }) },
  tiny: { [`${DIR}/tiny.yaml`]: TINY },
  ...Object.fromEntries(Object.keys(SHIPPED).map((file) => [file.slice(DIR.length + 1, -'.yaml'.length), { [file]: SHIPPED[file]!, [BASE]: SHIPPED[BASE]! }])),
};

// ---------------------------------------------------------------------------------------------------
// The check every case must pass

interface Tally {
  cases: number;
  errors: number;
  valid: number;
  slowestMs: number;
}

function newTally(): Tally {
  return { cases: 0, errors: 0, valid: 0, slowestMs: 0 };
}

/** Reads in-memory files; a missing one fails as the disk would. */
function reader(files: Record<string, string>): (file: string) => string {
  return (file) => {
    if (Object.hasOwn(files, file)) return files[file]!;
    throw Object.assign(new Error(`ENOENT: no such file, open '${file}'`), { code: 'ENOENT' });
  };
}

// A case may take CASE_TIME_LIMIT_MS, or 100 loads of the shipped scenario timed now if the machine is that slow:
// a blow-up on hostile input is orders of magnitude over either, the load of a shared machine is not.
const caseLimitMs = budgetMs(CASE_TIME_LIMIT_MS, 100, () => loadScenario(BASE, { readFile: reader(SHIPPED) }));

/** Loads `main` from the in-memory `files`; fails unless it is a valid scenario of finite numbers or a ScenarioError of located problems. */
function check(files: Record<string, string>, main: string, tally: Tally): 'valid' | 'error' {
  const started = performance.now();
  let outcome: 'valid' | 'error';
  try {
    const loaded = loadScenario(main, { readFile: reader(files) });
    const bad = nonFiniteNumbers(loaded.spec, 'spec');
    if (bad.length > 0) throw new Error(`a scenario loaded with non-finite numbers: ${bad.slice(0, 5).join(', ')}`);
    outcome = 'valid';
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    if (error.problems.length === 0) throw new Error('a ScenarioError without problems');
    const lines = new Map<string, string[]>();
    for (const problem of error.problems) expectLocated(problem, files, lines);
    outcome = 'error';
  }
  const ms = performance.now() - started;
  const limitMs = caseLimitMs();
  if (ms > limitMs) throw new Error(`loading took ${ms.toFixed(0)} ms, over the ${limitMs.toFixed(0)} ms limit`);
  tally.cases++;
  tally[outcome === 'valid' ? 'valid' : 'errors']++;
  tally.slowestMs = Math.max(tally.slowestMs, ms);
  return outcome;
}

/** A problem names a file that was read, a line and column inside it, a path and a one-line message (`linesOf`: each file's lines, split once for all its problems). */
function expectLocated(problem: Problem, files: Record<string, string>, linesOf: Map<string, string[]>): void {
  const fail = (what: string): never => {
    throw new Error(`${what}: ${JSON.stringify(problem)}`);
  };
  if (!Object.hasOwn(files, problem.file)) fail('a problem in a file that was not read');
  let lines = linesOf.get(problem.file);
  if (lines === undefined) {
    lines = files[problem.file]!.split('\n');
    linesOf.set(problem.file, lines);
  }
  if (!(Number.isInteger(problem.line) && problem.line >= 1 && problem.line <= lines.length)) fail('a line outside the file');
  const lineLength = lines[problem.line - 1]!.length;
  if (!(Number.isInteger(problem.column) && problem.column >= 1 && problem.column <= lineLength + 1)) fail('a column outside the line');
  if (!(typeof problem.path === 'string' && problem.path.length > 0)) fail('no path');
  if (!(typeof problem.message === 'string' && problem.message.length > 0)) fail('no message');
  // One problem a line, and nothing that could drive a terminal: text quoted from the file is escaped.
  if (UNPRINTABLE.test(problem.message) || UNPRINTABLE.test(problem.path)) fail('an unprintable character');
}

const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** The paths of every number in `value` that is not finite. */
function nonFiniteNumbers(value: unknown, path: string, found: string[] = []): string[] {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) found.push(`${path} = ${value}`);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => nonFiniteNumbers(item, `${path}[${index}]`, found));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) nonFiniteNumbers(item, `${path}.${key}`, found);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------
// Mutations

/** Values that break a field: wrong types, special and extreme numbers, bad dates, odd strings. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    Number.NaN, Infinity, -Infinity, -1, 0, -0, 1e308, -1e308, 5e-324, 2 ** 53 + 1, 1.7976931348623157e308,
    true, false, null, '', ' ', '~', 'x', 'NaN', '.inf', '1e400', '-1', 'h100', 'azure', 'unknown-id', 'custom:flat', 'custom:',
    '2025-02-30', '0000-00-00', '9999-12-31', '2025-13-01', '2024-02-29', '1999-01-01', '2100-01-01',
    '9^9^9', '1e400', 'cos.constructor("x")()', 't * (1 / 0)', '(((((((((((((((((((((((((((((((((((((((((((((((((((((t)))))))))))))))))))))))))))))))))))))))))))))))))))',
    'x'.repeat(10_000), [], {}, [1, 2], { a: 1 }, { lognormal: { median: -1, sigma: 0 } }, { triangular: { min: 3, mode: 2, max: 1 } },
    { uniform: { min: 1, max: 1 } }, { normal: { mean: NaN, sd: 1 } }, { lognormal: { median: 1e308, sigma: 1e308 } },
  ),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 20 }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Keys that are typos, JavaScript's own property names, YAML's merge key, or random. */
const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', '<<', '$schema', 'extends', 'id', 'name', '', ' ', 'powerMW', 'Id', 'kind', 'policy'),
  fc.string({ minLength: 1, maxLength: 12 }),
);

/** The file text `extends` may be set to: a missing file, the file itself, the base, a list, a number. */
const extendsValue: fc.Arbitrary<unknown> = fc.constantFrom<unknown>('./missing.yaml', './openai-multicloud-2025.yaml', './tiny.yaml', './starter.yaml', ['./missing.yaml'], [], 42, null, '', '/', '.');

type Mutation =
  | { op: 'deleteKey' | 'deleteItem' | 'duplicateItem' | 'toCollection' | 'toScalar'; pick: number }
  | { op: 'replaceScalar'; pick: number; value: unknown }
  | { op: 'swapScalars'; pick: number; other: number }
  | { op: 'renameKey'; pick: number; key: string }
  | { op: 'addKey'; pick: number; key: string; value: unknown }
  | { op: 'setExtends'; value: unknown }
  | { op: 'truncate'; at: number }
  | { op: 'insertBytes'; at: number; bytes: Uint8Array; utf8: boolean }
  | { op: 'tabIndent' | 'duplicateLine' | 'deleteLine'; line: number }
  | { op: 'swapLines'; line: number; other: number }
  | { op: 'indent'; line: number; by: number }
  | { op: 'randomYaml'; value: unknown; flow: boolean }
  | { op: 'randomText'; text: string };

const pick = fc.nat({ max: 1_000_000 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('replaceScalar' as const), pick, value: hostileValue }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('deleteKey' as const, 'deleteItem' as const, 'duplicateItem' as const, 'toCollection' as const, 'toScalar' as const), pick }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('swapScalars' as const), pick, other: pick }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('renameKey' as const), pick, key: hostileKey }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('addKey' as const), pick, key: hostileKey, value: hostileValue }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('setExtends' as const), value: extendsValue }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: pick }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('insertBytes' as const), at: pick, bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }), utf8: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('tabIndent' as const, 'duplicateLine' as const, 'deleteLine' as const), line: pick }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('swapLines' as const), line: pick, other: pick }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('indent' as const), line: pick, by: fc.integer({ min: -4, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('randomYaml' as const), value: fc.jsonValue({ maxDepth: 4 }), flow: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('randomText' as const),
      text: fc.string({ unit: fc.constantFrom(':', '-', ' ', ' ', '\n', '{', '}', '[', ']', ',', '&', '*', '!', '#', '|', '>', '"', "'", '%', '@', '?', '\t', 'a', 'id', 'name', '1', '.', 'e'), maxLength: 200 }),
    }),
  },
);

interface Nodes {
  pairs: { map: YAMLMap; pair: Pair }[];
  items: { seq: YAMLSeq; index: number }[];
  scalars: Scalar[];
  collections: Node[];
}

function nodesOf(document: Document): Nodes {
  const nodes: Nodes = { pairs: [], items: [], scalars: [], collections: [] };
  visit(document, {
    Pair(_key, pair, path) {
      const parent = path[path.length - 1];
      if (isMap(parent)) nodes.pairs.push({ map: parent, pair: pair as Pair });
    },
    Scalar(key, scalar) {
      if (key !== 'key') nodes.scalars.push(scalar);
    },
    Seq(_key, seq) {
      nodes.collections.push(seq);
      seq.items.forEach((_item, index) => nodes.items.push({ seq, index }));
    },
    Map(_key, map) {
      nodes.collections.push(map);
    },
  });
  return nodes;
}

const at = <T>(list: readonly T[], index: number): T | undefined => (list.length === 0 ? undefined : list[index % list.length]);

const TEXT_OPS = new Set(['truncate', 'insertBytes', 'tabIndent', 'duplicateLine', 'deleteLine', 'swapLines', 'indent', 'randomYaml', 'randomText']);

// Parsing dominates a mutation's cost: each seed file is parsed once, and its document cloned or its data copied.
const seedDocuments = new Map<string, Document>();
function seedDocument(text: string): Document {
  let document = seedDocuments.get(text);
  if (document === undefined) {
    document = parseDocument(text, { version: '1.2', schema: 'core', uniqueKeys: false });
    seedDocuments.set(text, document);
  }
  return document;
}

// ... and its data read once: each case mutates a copy.
const seedValues = new Map<string, unknown>();
function seedData(text: string): unknown {
  if (!seedValues.has(text)) seedValues.set(text, seedDocument(text).toJS({ maxAliasCount: -1 }));
  return seedValues.get(text);
}

/** The file with structural mutations applied to its YAML document, printed back as YAML (comments kept). */
function mutateYaml(text: string, mutations: readonly Mutation[]): string {
  const document = seedDocument(text).clone();
  if (document.errors.length > 0) return text;
  for (const m of mutations) {
    try {
      mutateDocument(document, m);
    } catch {
      // The yaml library may refuse what a mutation builds: the others still apply.
    }
  }
  try {
    return document.toString({ lineWidth: 0 });
  } catch {
    return text; // ... or refuse to print it.
  }
}

/** The file with structural mutations applied to its data, printed as JSON (which is YAML) with .nan and .inf. */
function mutateData(text: string, mutations: readonly Mutation[]): string {
  const data: unknown = structuredClone(seedData(text));
  if (!isRecord(data)) return text;
  for (const m of mutations) mutateValue(data, m);
  return jsonText(data, '');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON, except the numbers JSON cannot write, written as YAML writes them. */
function jsonText(value: unknown, indent: string): string {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan';
    if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
    return Object.is(value, -0) ? '-0' : JSON.stringify(value);
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[\n${value.map((item) => inner + jsonText(item, inner)).join(',\n')}\n${indent}]`;
  if (isRecord(value)) {
    const entries = Object.keys(value).map((key) => `${inner}${JSON.stringify(key)}: ${jsonText(value[key], inner)}`);
    return entries.length === 0 ? '{}' : `{\n${entries.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number };

function slotsOf(value: unknown, slots: Slot[] = []): Slot[] {
  if (Array.isArray(value)) value.forEach((item, index) => (slots.push({ parent: value, key: index }), slotsOf(item, slots)));
  else if (isRecord(value)) for (const key of Object.keys(value)) slots.push({ parent: value, key }), slotsOf(value[key], slots);
  return slots;
}

const get = (slot: Slot): unknown => (slot.parent as Record<string | number, unknown>)[slot.key];
// defineProperty, so that a key like __proto__ becomes a field rather than the prototype.
const put = (slot: Slot, value: unknown): void => {
  Object.defineProperty(slot.parent, slot.key, { value, enumerable: true, writable: true, configurable: true });
};

/** The same structural mutations as mutateDocument, on plain data. */
function mutateValue(root: Record<string, unknown>, m: Mutation): void {
  const slots = slotsOf(root);
  const inObjects = slots.filter((slot) => !Array.isArray(slot.parent));
  const inArrays = slots.filter((slot) => Array.isArray(slot.parent));
  const scalars = slots.filter((slot) => { const v = get(slot); return v === null || typeof v !== 'object'; });
  switch (m.op) {
    case 'deleteKey': {
      const slot = at(inObjects, m.pick);
      if (slot) delete (slot.parent as Record<string, unknown>)[slot.key];
      break;
    }
    case 'deleteItem': {
      const slot = at(inArrays, m.pick);
      if (slot) (slot.parent as unknown[]).splice(slot.key as number, 1);
      break;
    }
    case 'duplicateItem': {
      const slot = at(inArrays, m.pick);
      if (slot) (slot.parent as unknown[]).splice(slot.key as number, 0, structuredClone(get(slot)));
      break;
    }
    case 'replaceScalar': {
      const slot = at(scalars, m.pick);
      if (slot) put(slot, m.value);
      break;
    }
    case 'swapScalars': {
      const a = at(scalars, m.pick);
      const b = at(scalars, m.other);
      if (a && b) {
        const value = get(a);
        put(a, get(b));
        put(b, value);
      }
      break;
    }
    case 'renameKey': {
      const slot = at(inObjects, m.pick);
      if (!slot) break;
      const parent = slot.parent as Record<string, unknown>;
      // Rebuilt in order, with the key renamed where it was.
      const entries = Object.entries(parent).map(([key, value]) => [key === slot.key ? m.key : key, value] as const);
      for (const key of Object.keys(parent)) delete parent[key];
      for (const [key, value] of entries) put({ parent, key }, value);
      break;
    }
    case 'addKey': {
      const objects = [root, ...slots.map(get).filter(isRecord)];
      put({ parent: at(objects, m.pick)!, key: m.key }, m.value);
      break;
    }
    case 'toCollection': {
      const slot = at(scalars, m.pick);
      if (slot) put(slot, m.pick % 2 === 0 ? [get(slot)] : { value: get(slot) });
      break;
    }
    case 'toScalar': {
      const scalarSlots = new Set(scalars);
      const slot = at(slots.filter((candidate) => !scalarSlots.has(candidate)), m.pick);
      if (slot) put(slot, m.pick % 3 === 0 ? 'text' : m.pick % 3 === 1 ? 7 : null);
      break;
    }
    case 'setExtends':
      put({ parent: root, key: 'extends' }, m.value);
      break;
  }
}

function mutateText(text: string, m: Mutation): string {
  const lines = text.split('\n');
  switch (m.op) {
    case 'truncate':
      return text.slice(0, m.at % (text.length + 1));
    case 'insertBytes': {
      const position = m.at % (text.length + 1);
      const inserted = Buffer.from(m.bytes).toString(m.utf8 ? 'utf8' : 'latin1');
      return text.slice(0, position) + inserted + text.slice(position);
    }
    case 'tabIndent': {
      const index = m.line % lines.length;
      lines[index] = lines[index]!.replace(/^( *)/, (spaces) => (spaces.length > 0 ? `\t${spaces.slice(1)}` : '\t'));
      return lines.join('\n');
    }
    case 'duplicateLine': {
      const index = m.line % lines.length;
      lines.splice(index, 0, lines[index]!);
      return lines.join('\n');
    }
    case 'deleteLine':
      lines.splice(m.line % lines.length, 1);
      return lines.join('\n');
    case 'swapLines': {
      const a = m.line % lines.length;
      const b = m.other % lines.length;
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      return lines.join('\n');
    }
    case 'indent': {
      const index = m.line % lines.length;
      lines[index] = m.by >= 0 ? ' '.repeat(m.by) + lines[index] : lines[index]!.replace(new RegExp(`^ {0,${-m.by}}`), '');
      return lines.join('\n');
    }
    case 'randomYaml':
      return m.flow ? JSON.stringify(m.value) : parseDocument('{}').createNode(m.value).toString() + '\n';
    case 'randomText':
      return m.text;
    default:
      return text;
  }
}

/** One structural mutation of a YAML document. */
function mutateDocument(document: Document, m: Mutation): void {
  const nodes = nodesOf(document);
  switch (m.op) {
    case 'deleteKey': {
      const found = at(nodes.pairs, m.pick);
      if (!found) return;
      found.map.items.splice(found.map.items.indexOf(found.pair), 1);
      break;
    }
    case 'deleteItem': {
      const found = at(nodes.items, m.pick);
      if (!found) return;
      found.seq.items.splice(found.index, 1);
      break;
    }
    case 'duplicateItem': {
      const found = at(nodes.items, m.pick);
      if (!found) return;
      const item = found.seq.items[found.index];
      found.seq.items.splice(found.index, 0, document.createNode(isScalar(item) || isMap(item) || isSeq(item) ? item.toJSON() : item));
      break;
    }
    case 'replaceScalar': {
      const scalar = at(nodes.scalars, m.pick);
      if (!scalar) return;
      if (m.value !== null && typeof m.value === 'object') {
        const owner = nodes.pairs.find(({ pair }) => pair.value === scalar);
        if (!owner) return;
        owner.pair.value = document.createNode(m.value);
      } else {
        scalar.value = m.value;
        scalar.type = undefined;
      }
      break;
    }
    case 'swapScalars': {
      const a = at(nodes.scalars, m.pick);
      const b = at(nodes.scalars, m.other);
      if (!a || !b) return;
      [a.value, b.value] = [b.value, a.value];
      break;
    }
    case 'renameKey': {
      const found = at(nodes.pairs, m.pick);
      if (!found) return;
      found.pair.key = document.createNode(m.key);
      break;
    }
    case 'addKey': {
      const map = at(nodes.collections.filter(isMap), m.pick) as YAMLMap | undefined;
      if (!map) return;
      map.set(document.createNode(m.key), document.createNode(m.value));
      break;
    }
    case 'toCollection': {
      const found = at(
        nodes.pairs.filter(({ pair }) => isScalar(pair.value)),
        m.pick,
      );
      if (!found) return;
      found.pair.value = document.createNode(m.pick % 2 === 0 ? [(found.pair.value as Scalar).value] : { value: (found.pair.value as Scalar).value });
      break;
    }
    case 'toScalar': {
      const found = at(
        nodes.pairs.filter(({ pair }) => isMap(pair.value) || isSeq(pair.value)),
        m.pick,
      );
      if (!found) return;
      found.pair.value = document.createNode(m.pick % 3 === 0 ? 'text' : m.pick % 3 === 1 ? 7 : null);
      break;
    }
    case 'setExtends': {
      if (!isMap(document.contents)) return;
      document.contents.set('extends', document.createNode(m.value));
      break;
    }
  }
}

interface FuzzCase {
  seed: string;
  /** For a scenario that extends the base: mutate the base file rather than the scenario itself. */
  mutateBase: boolean;
  /** Write the mutated file as JSON (which is YAML) rather than YAML. */
  json: boolean;
  mutations: Mutation[];
}

// Most cases mutate the small files, which load in a few milliseconds; the shipped ones take 15-30 ms.
const seedName = fc.oneof(
  { weight: 40, arbitrary: fc.constant('starter') },
  { weight: 50, arbitrary: fc.constant('tiny') },
  { weight: 4, arbitrary: fc.constant('openai-multicloud-2025') },
  ...Object.keys(SEEDS)
    .filter((name) => !['starter', 'tiny', 'openai-multicloud-2025'].includes(name))
    .map((name) => ({ weight: 2, arbitrary: fc.constant(name) })),
);
const fuzzCase: fc.Arbitrary<FuzzCase> = fc.record({
  seed: seedName,
  mutateBase: fc.boolean(),
  json: fc.boolean(),
  mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
});

/** The case's files: structural mutations first (on the YAML document, or on the data for JSON), then changes to the text. */
function filesFor(c: FuzzCase): { files: Record<string, string>; main: string } {
  const files = { ...SEEDS[c.seed]! };
  const main = Object.keys(files)[0]!;
  const target = c.mutateBase && main !== BASE && Object.hasOwn(files, BASE) ? BASE : main;
  const structural = c.mutations.filter((m) => !TEXT_OPS.has(m.op));
  let text = files[target]!;
  if (c.json) text = mutateData(text, structural);
  else if (structural.length > 0) text = mutateYaml(text, structural);
  for (const m of c.mutations) if (TEXT_OPS.has(m.op)) text = mutateText(text, m);
  files[target] = text;
  return { files, main };
}

// ---------------------------------------------------------------------------------------------------
// Cases

/** Pathological files, each run once: resource exhaustion and parser-breaking shapes. */
const FIXED: Record<string, string> = {
  'empty file': '',
  'only a comment': '# nothing\n',
  'a byte-order mark': `\uFEFF${TINY}`,
  'CRLF line ends': TINY.replaceAll('\n', '\r\n'),
  'a NUL byte in the name': `name: a\u0000b\n${TINY.slice(TINY.indexOf('\n') + 1)}`,
  'two documents': `${TINY}---\n${TINY}`,
  'a YAML 1.1 directive': `%YAML 1.1\n---\n${TINY}`,
  'a list': '- 1\n- 2\n',
  'a number': '42\n',
  'billion laughs': [
    'a: &a [x, x, x, x, x, x, x, x, x]',
    ...['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`),
  ].join('\n'),
  'a recursive alias': `${TINY}loop: &loop [*loop]\n`,
  'a map that contains itself': `${TINY.replace('name: tiny', 'name: &n { x: *n }')}`,
  'an alias to a missing anchor': `${TINY}x: *nowhere\n`,
  'aliases, used legitimately': TINY.replace('powerLeadTimeDays: 540', 'powerLeadTimeDays: &lead 540').replace('powerLeadTimeDays: 400', 'powerLeadTimeDays: *lead'),
  'JavaScript tags': `${TINY}x: !!js/function "function () { globalThis.pwned = 1 }"\n`,
  'a custom tag': TINY.replace('name: tiny', 'name: !pwn tiny'),
  'a merge key': TINY.replace('name: tiny', 'name: tiny\n<<: { start: 2020-01-01 }'),
  '__proto__ keys': TINY.replace('name: tiny', 'name: tiny\n__proto__: { polluted: 1 }').replace('fleet: {}', 'fleet: { __proto__: 1 }'),
  '10,000 nested flow lists': `name: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`,
  '10,000 nested flow maps': `name: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`,
  '2,000 nested block maps': Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1\n',
  '2,000 nested block lists': Array.from({ length: 2000 }, (_, i) => `${' '.repeat(2 * i)}- `).join('\n') + '1\n',
  '1,000 unknown keys': `${TINY}${Array.from({ length: 1000 }, (_, i) => `key${i}: ${i}`).join('\n')}\n`,
  '500 chips with a bad field': TINY.replace('chips:\n', `chips:\n${Array.from({ length: 500 }, (_, i) => `  - { id: c${i}, bogus: 1 }`).join('\n')}\n`),
  'a 5 MB line': `name: ${'x'.repeat(5_000_000)}\n`,
  'a megabyte formula': TINY.replace('100000 * 1.2^t', `"${'t+'.repeat(500_000)}t"`),
  'huge numbers everywhere': TINY.replace(/: (\d+(\.\d+)?(e\d+)?)\b/g, ': 1e308'),
  'infinities everywhere': TINY.replace(/: (\d+(\.\d+)?(e\d+)?)\b/g, ': .inf'),
  'NaN everywhere': TINY.replace(/: (\d+(\.\d+)?(e\d+)?)\b/g, ': .nan'),
  'negative numbers everywhere': TINY.replace(/: (\d+(\.\d+)?(e\d+)?)\b/g, ': -$1'),
  'tabs for indentation': TINY.replace(/^ {4}/gm, '\t'),
  'control characters and a terminal escape in a key': TINY.replace('name: tiny', 'name: tiny\n"\\e[2J\\r\\u202eevil": 1'),
  'extends itself': `extends: ./self.yaml\n${TINY}`,
};

/** The pathological files that are valid scenarios all the same. */
const FIXED_VALID = new Set(['a byte-order mark', 'a NUL byte in the name', 'CRLF line ends', 'aliases, used legitimately', 'a YAML 1.1 directive', 'a merge key']);

describe('fuzzing the scenario loader', () => {
  it('loads pathological files to a located error or a valid scenario, each within the time limit', () => {
    // Warm up first, so that mathjs's and the schema's one-time set-up do not count against a case's time.
    check({ [`${DIR}/tiny.yaml`]: TINY }, `${DIR}/tiny.yaml`, newTally());
    const tally = newTally();
    const unexpected: string[] = [];
    for (const [what, text] of Object.entries(FIXED)) {
      const main = what === 'extends itself' ? `${DIR}/self.yaml` : `${DIR}/fixed.yaml`;
      let outcome: string;
      try {
        outcome = check({ [main]: text }, main, tally);
      } catch (error) {
        throw new Error(`${what}: ${error instanceof Error ? error.stack : String(error)}`);
      }
      if (outcome !== (FIXED_VALID.has(what) ? 'valid' : 'error')) unexpected.push(`${what}: ${outcome}`);
    }
    expect(unexpected).toEqual([]);
    console.log(`fuzz: ${tally.cases} pathological files, ${tally.errors} located errors, ${tally.valid} valid, slowest ${tally.slowestMs.toFixed(0)} ms`);
  }, 60_000);

  it(`loads ${CASES} mutated scenarios to a located error or a valid scenario, each within ${CASE_TIME_LIMIT_MS} ms (or 100 loads of the shipped scenario on a slow machine)`, () => {
    const tally = newTally();
    const started = performance.now();
    const cpu = process.cpuUsage();
    fc.assert(
      fc.property(fuzzCase, (c) => {
        const { files, main } = filesFor(c);
        check(files, main, tally);
      }),
      { numRuns: CASES, seed: SEED, endOnFailure: false },
    );
    const seconds = (performance.now() - started) / 1000;
    const { user, system } = process.cpuUsage(cpu);
    console.log(
      `fuzz: ${tally.cases} malformed scenarios (seed ${SEED}), ${tally.errors} located errors, ${tally.valid} valid; ` +
        `slowest ${tally.slowestMs.toFixed(0)} ms, ${seconds.toFixed(1)} s (${((user + system) / 1e6).toFixed(1)} s of CPU)`,
    );
    expect(tally.cases).toBe(CASES);
    // Mutations that change nothing a scenario depends on (a comment, a name) leave it valid; most must break it.
    expect(tally.errors).toBeGreaterThan(CASES / 2);
  }, Math.max(120_000, CASES * 50));
});

/** The problems of loading `main` from in-memory files (none when it loads). */
function problemsOf(files: Record<string, string>, main: string): Problem[] {
  try {
    loadScenario(main, { readFile: reader(files) });
    return [];
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    return error.problems;
  }
}

// Bugs the fuzzing found, each pinned down.
describe('loader bugs found by fuzzing', () => {
  const overlay = (shocks: string): Record<string, string> => ({
    [`${DIR}/base.yaml`]: TINY,
    [`${DIR}/over.yaml`]: `extends: ./base.yaml\nshocks:\n${shocks}`,
  });
  const shock = (id: string): string => `  - { id: ${id}, target: { supplier: nvidia }, arrival: { date: 2026-01-01 }, magnitude: 0.5, durationDays: 30 }\n`;

  it('an id written twice in a list that extends another is a duplicate, not a crash', () => {
    // Was: TypeError (reading 'children') while merging the second item with the first.
    const problems = problemsOf(overlay(shock('new') + shock('new')), `${DIR}/over.yaml`);
    expect(problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.path}: ${p.message}`)).toEqual([
      `${DIR}/over.yaml:4:11: shocks[3].id: duplicate shock id 'new'; shocks[2] has it already`,
    ]);
    // An id of the base's written twice: the first merges with the base's item, the second is the duplicate.
    const twice = problemsOf(overlay(`  - { id: quake, magnitude: 0.4 }\n  - { id: quake, magnitude: 0.6 }\n`), `${DIR}/over.yaml`);
    expect(twice.some((p) => p.line === 4 && p.message === "duplicate shock id 'quake'; shocks[0] has it already")).toBe(true);
  });

  it('`extends: []` builds on nothing, rather than failing with no problem to report', () => {
    expect(problemsOf({ [`${DIR}/x.yaml`]: `extends: []\n${TINY}` }, `${DIR}/x.yaml`)).toEqual([]);
  });

  it('aliases that expand without end, or into too much data, are located problems', () => {
    // Was: RangeError (stack overflow) and yaml's ReferenceError, uncaught.
    expect(problemsOf({ [`${DIR}/x.yaml`]: FIXED['a recursive alias']! }, `${DIR}/x.yaml`)).toEqual([
      { file: `${DIR}/x.yaml`, line: TINY.split('\n').length, column: 14, path: 'loop[0]', message: 'YAML: alias *loop is inside the node it names, which would make the data endless' },
    ]);
    const [laughs] = problemsOf({ [`${DIR}/x.yaml`]: FIXED['billion laughs']! }, `${DIR}/x.yaml`);
    expect(laughs).toMatchObject({ line: 2, column: 8, message: 'YAML: aliases expand to too much data (more than 1000 values); write the values out instead' });
  });

  it('escapes control characters quoted from the file, so each problem stays one line', () => {
    // Was: a key with a carriage return or a terminal escape printed as it was.
    const [problem] = problemsOf({ [`${DIR}/x.yaml`]: FIXED['control characters and a terminal escape in a key']! }, `${DIR}/x.yaml`);
    expect(problem!.message).toMatch(/^'\\u001b\[2J\\r\\u202eevil' is not a field of \(root\)/);
    expect(problem!.path).toBe('["\\u001b[2J\\r\\u202eevil"]');
  });

  it('locates thousands of problems quickly, each at its own line', () => {
    // Was: quadratic (each problem searched its map's keys); 50,000 unknown keys took 95 s.
    const keys = 5000;
    const text = `${TINY}${Array.from({ length: keys }, (_, i) => `key${i}: ${i}`).join('\n')}\n`;
    const started = performance.now();
    const problems = problemsOf({ [`${DIR}/x.yaml`]: text }, `${DIR}/x.yaml`);
    expect(performance.now() - started).toBeLessThan(caseLimitMs() * 2);
    const first = TINY.split('\n').length;
    expect(problems).toHaveLength(keys);
    problems.forEach((problem, i) => expect(problem.line).toBe(first + i));
  });
});
