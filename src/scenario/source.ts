import { Document, LineCounter, Pair, YAMLMap, YAMLParseError, isAlias, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import type { Alias, Node, YAMLError } from 'yaml';
import { formatPath } from './problems.js';
import type { Path, Problem } from './problems.js';

/** Scenario files as YAML (or JSON, which is YAML) documents that remember where each value was written. */

/** A parsed scenario file. */
export interface SourceFile {
  file: string;
  text: string;
  document: Document;
  lineCounter: LineCounter;
  /** YAML syntax errors and warnings, located. */
  problems: Problem[];
}

/** A 1-based position in a file. */
export interface Position {
  line: number;
  column: number;
}

/**
 * Parses a scenario file's text: YAML 1.2 with the core schema (so dates stay strings) and merge keys
 * (`<<: *anchor`, for several similar actors), duplicate keys and tab indentation are errors, and every
 * YAML error or warning becomes a located Problem.
 */
export function parseSource(file: string, raw: string): SourceFile {
  // A byte-order mark is no column of line 1 for an editor, nor for a location.
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    version: '1.2',
    schema: 'core',
    merge: true,
    // yaml's own check compares each key with every earlier key of its map, quadratic in a map's size:
    // duplicates are found here instead, in one pass (duplicateKeys).
    uniqueKeys: false,
    prettyErrors: false,
    lineCounter,
    logLevel: 'error',
  });
  const problems: Problem[] = [];
  // After a syntax error the parser guesses, and its later errors are mostly echoes of the first: keep the
  // first one. Duplicate keys and warnings do not derail parsing, so before it they are real.
  let syntax: YAMLError | undefined = document.errors[0];
  // A tab in the indentation confuses the parser in many ways, not all of which it names: say what it is.
  const tab = syntax && syntax.code !== 'TAB_AS_INDENT' ? tabIndentBefore(text, syntax.pos[0]) : undefined;
  if (syntax && tab !== undefined) syntax = new YAMLParseError([tab, tab + 1], 'TAB_AS_INDENT', 'Tabs are not allowed as indentation');
  const duplicates = duplicateKeys(document);
  // Past a syntax error the maps are the parser's guesses: a key it moved into a map above is no duplicate
  // the file wrote (a tab's line put the next actor's keys beside the previous one's).
  const written = syntax ? duplicates.filter(({ offset }) => offset < syntax.pos[0]) : duplicates;
  const reported: { offset: number; path: Path; message: string }[] = written.map(({ offset, path }) => ({
    offset,
    path,
    message: `duplicate key '${path[path.length - 1]}'; each key may appear once in a map`,
  }));
  for (const error of [...(syntax ? [syntax] : []), ...document.warnings]) {
    const path = pathAt(document, error.pos[0]);
    reported.push({ offset: error.pos[0], path: error === syntax ? writtenPart(path) : path, message: yamlMessage(error) });
  }
  reported.sort((a, b) => a.offset - b.offset);
  for (const { offset, path, message } of reported) {
    const { line, col } = lineCounter.linePos(offset);
    problems.push({ file, line, column: col, path: formatPath(path), message });
  }
  // A duplicate key is an error of the document, as yaml would have made it: readers check `document.errors`.
  for (const { offset } of duplicates) document.errors.push(new YAMLParseError([offset, offset + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
  return { file, text, document, lineCounter, problems };
}

/** Whether a map key is YAML's merge key (`<<`, unquoted), whose value's pairs are merged into the map. */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol' && key.value.description === '<<';
}

/**
 * Every key written a second time in its map, with its offset and path, in one walk of the document:
 * a set of the keys seen per map (scalar keys compared by value, as yaml compares them).
 */
function duplicateKeys(document: Document): { offset: number; path: Path }[] {
  interface Entry {
    node: unknown;
    parent: Entry | undefined;
    segment: string | number;
  }
  // The path of an entry is built only for a duplicate, from its parents: a deep document costs no copies.
  const pathOf = (entry: Entry | undefined): (string | number)[] => {
    const path: (string | number)[] = [];
    for (let at = entry; at?.parent !== undefined; at = at.parent) path.push(at.segment);
    return path.reverse();
  };
  const found: { offset: number; path: Path }[] = [];
  const stack: Entry[] = [{ node: document.contents, parent: undefined, segment: '' }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const { node } = entry;
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const { key } = pair;
        if (isScalar(key) && !isMergeKey(key)) {
          if (seen.has(key.value)) found.push({ offset: key.range?.[0] ?? 0, path: [...pathOf(entry), keyOf(document, key)] });
          else seen.add(key.value);
        } else if (isMap(key) || isSeq(key)) {
          stack.push({ node: key, parent: entry, segment: keyOf(document, key) });
        }
        stack.push({ node: pair.value, parent: entry, segment: keyOf(document, key) });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => stack.push({ node: item, parent: entry, segment: index }));
    }
  }
  return found;
}

/** How many values aliases may expand to, in all: enough for any scenario, too few for a "billion laughs" file. */
const MAX_ALIAS_COUNT = 1000;

/**
 * The file's value as plain data, or the problem that prevents it: an alias inside the node it names (which
 * would make the data recursive) or aliases that expand into too much data. Call on a document without errors.
 */
export function documentValue(source: SourceFile): { value: unknown } | { problem: Problem } {
  const { document, lineCounter, file } = source;
  const at = (node: Node | null | undefined, message: string): { problem: Problem } => {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = lineCounter.linePos(offset);
    return { problem: { file, line, column: col, path: formatPath(pathAt(document, offset)), message } };
  };
  const { recursive, firstAlias, badMerge } = aliasesOf(document);
  if (recursive) return at(recursive, `YAML: alias *${recursive.source} is inside the node it names, which would make the data endless`);
  if (badMerge) return at(badMerge.key as Node, 'YAML: a merge key (<<) takes a map, an alias of one, or a list of them');
  try {
    const value: unknown = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    return { value: firstAlias === undefined ? value : unshared(value) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (/alias count/i.test(reason)) {
      return at(firstAlias, `YAML: aliases expand to too much data (more than ${MAX_ALIAS_COUNT} values); write the values out instead`);
    }
    return at(firstAlias, `YAML: ${reason}`);
  }
}

/** What documentValue must know of a document's aliases and merge keys. */
interface Aliases {
  /** The first alias inside the node it names. */
  recursive?: Alias;
  /** The first alias, in document order. */
  firstAlias?: Alias;
  /** The first merge key whose value is not a map or a list of maps. */
  badMerge?: Pair;
}

/**
 * The aliases of a document, in one walk in document order (keys before values) that stops at the first
 * recursive alias: a stack of nodes with their parents, whose chain is followed only at an alias (yaml's
 * `visit` would make a frozen copy of the path at every node).
 */
function aliasesOf(document: Document): Aliases {
  const found: Aliases = {};
  interface Entry {
    node: unknown;
    parent: Entry | undefined;
  }
  const resolve = (node: unknown): unknown => (isAlias(node) ? node.resolve(document) : node);
  const inside = (entry: Entry, target: unknown): boolean => {
    for (let at = entry.parent; at !== undefined; at = at.parent) if (at.node === target) return true;
    return false;
  };
  const stack: Entry[] = [{ node: document.contents, parent: undefined }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const { node } = entry;
    if (isAlias(node)) {
      found.firstAlias ??= node;
      const target = node.resolve(document);
      if (target !== undefined && inside(entry, target)) {
        found.recursive = node;
        break;
      }
    } else if (isPair(node)) {
      if (isMergeKey(node.key) && !found.badMerge) {
        const source = resolve(node.value);
        if (!(isMap(source) || (isSeq(source) && source.items.every((item) => isMap(resolve(item)))))) found.badMerge = node;
      }
      // Pushed in reverse, so that the key is walked before the value.
      stack.push({ node: node.value, parent: entry }, { node: node.key, parent: entry });
    } else if (isMap(node) || isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) stack.push({ node: node.items[i], parent: entry });
    }
  }
  return found;
}

/**
 * The data as a tree: yaml gives an alias the very object of its anchor, so two providers written
 * `pricing: *p` would share one map, and an override of one provider's margin would change the other's.
 */
function unshared(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unshared);
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  // Defined rather than assigned, so that a key `__proto__` stays a key of the data.
  for (const [key, item] of Object.entries(value)) Object.defineProperty(copy, key, { value: unshared(item), writable: true, enumerable: true, configurable: true });
  return copy;
}

/** The offset of the first tab in a line's indentation, up to the line holding `offset`. */
function tabIndentBefore(text: string, offset: number): number | undefined {
  const end = text.indexOf('\n', offset);
  const pattern = /^[ ]*\t/gm;
  for (const match of text.slice(0, end < 0 ? text.length : end).matchAll(pattern)) return match.index + match[0].length - 1;
  return undefined;
}

/**
 * The part of a syntax error's path that the file wrote: past the error the parser guesses, and a key it
 * makes of several lines (`packaging kind`) or of a whole list (printed as YAML) names nothing in the file.
 */
function writtenPart(path: (string | number)[]): (string | number)[] {
  const guessed = path.findIndex((segment) => typeof segment === 'string' && /[\s:[\]{}]/.test(segment));
  return guessed < 0 ? path : path.slice(0, guessed);
}

/** What most often causes YAML's syntax errors in a hand-written scenario (by yaml's words), said after them. */
const LIKELY_CAUSES: readonly [RegExp, string][] = [
  [/implicit keys need to be on a single line|need to be followed by map values/i, 'write a key and its value as `key: value`, with a space after the colon (`powerMw: 120`)'],
  [/block sequence may not be used|nested mappings are not allowed/i, 'check this line\'s indentation against the lines above it (a list item indented as its neighbours are, a key under its map), and quote a value that holds ": "'],
  [/must be sufficiently indented and end with|missing closing|flow (map|sequence)/i, 'a `{` or `[` before it may not be closed'],
  [/not allowed within flow collections/i, 'quote a value that holds ": " inside `{ }` or `[ ]`'],
];

function yamlMessage(error: YAMLError): string {
  switch (error.code) {
    case 'TAB_AS_INDENT':
      return 'tabs are not allowed as indentation; indent with spaces';
    case 'MULTIPLE_DOCS':
      return 'a scenario file holds one YAML document; remove the `---` separator';
    default: {
      const message = error.message.split('\n')[0]!.replace(/\.$/, '');
      const cause = error.name === 'YAMLParseError' ? LIKELY_CAUSES.find(([words]) => words.test(message))?.[1] : undefined;
      return `YAML: ${message.charAt(0).toLowerCase()}${message.slice(1)}${cause ? `: ${cause}` : ''}`;
    }
  }
}

/** The path of the deepest map key or sequence item whose source contains `offset`. */
export function pathAt(document: Document, offset: number): (string | number)[] {
  const path: (string | number)[] = [];
  let node: unknown = document.contents;
  for (;;) {
    if (isMap(node)) {
      const index = itemAt(node.items, offset, (item) => [rangeOf(item.key)?.[0], rangeOf(item.value)?.[2] ?? rangeOf(item.key)?.[2]]);
      if (index < 0) return path;
      const pair = node.items[index]!;
      path.push(keyOf(document, pair.key));
      node = pair.value;
    } else if (isSeq(node)) {
      const index = itemAt(node.items, offset, (item) => [rangeOf(item)?.[0], rangeOf(item)?.[2]]);
      if (index < 0) return path;
      path.push(index);
      node = node.items[index];
    } else {
      return path;
    }
  }
}

/**
 * The index of the first item whose [start, end) holds `offset`, or -1. Items come in the order they were
 * written, so a binary search finds it (a file with thousands of warnings locates each in log time); an
 * item without a range falls back to a scan.
 */
function itemAt<T>(items: readonly T[], offset: number, span: (item: T) => [number | undefined, number | undefined]): number {
  const holds = (item: T): boolean => {
    const [start, end] = span(item);
    return start !== undefined && end !== undefined && start <= offset && offset < end;
  };
  let low = 0;
  let high = items.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const [start] = span(items[middle]!);
    if (start === undefined) return items.findIndex(holds);
    if (start <= offset) low = middle + 1;
    else high = middle - 1;
  }
  // `high` is the last item starting at or before `offset`: items do not overlap, so no other can hold it.
  return high >= 0 && holds(items[high]!) ? high : -1;
}

function rangeOf(node: unknown): [number, number, number] | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const range = (node as { range?: [number, number, number] | null }).range;
    return range ?? undefined;
  }
  return undefined;
}

function keyOf(document: Document, key: unknown): string {
  if (isMergeKey(key)) return '<<';
  // As the data has it: an empty or null key is '', a list or map as key is yaml's flow text (`[ a, b ]`).
  if (isScalar(key)) return key.value === null ? '' : String(key.value);
  const probe = new YAMLMap();
  probe.items.push(new Pair(key, null));
  return Object.keys(probe.toJS(document) as object)[0] ?? String(key);
}

/**
 * The position of the node at `path` in a document, or of its deepest existing ancestor (so a missing
 * key points at the map that lacks it: a block map under a key at that key, since the map itself starts
 * at its first key, another field). With `key`, the last segment's map key is located instead of its
 * value: that is where an unknown key was written. An empty value (`name:`) is located at its key. A
 * value a map has through a merge key (`<<: *anchor`) is located where the anchored map wrote it.
 */
export function locate(document: Document, lineCounter: LineCounter, path: Path, options: { key?: boolean } = {}): Position {
  let node: unknown = document.contents;
  let found: unknown = node;
  // The key the current node is the value of, if it is a map's value.
  let keyOfNode: unknown;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    if (isAlias(node)) node = node.resolve(document);
    if (isMap(node)) {
      const pair = pairOf(document, node, segment);
      if (!pair) {
        if (i === path.length - 1 && !node.flow && keyOfNode !== undefined) found = keyOfNode;
        break;
      }
      if ((options.key && i === path.length - 1) || isEmpty(pair.value)) {
        found = pair.key;
        break;
      }
      keyOfNode = pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
      // A list item starts at its own first line (`- id: x`), where it is best located.
      keyOfNode = undefined;
      node = node.items[segment];
    } else {
      break;
    }
    found = node;
  }
  return positionOf(found as Node | null, lineCounter);
}

// A map's pairs by key, built once per map: a file with thousands of problems locates each in constant time per level.
const pairsByKey = new WeakMap<YAMLMap, Map<string, Pair>>();

/** The pair of `map` whose key is `segment`, as the data has it: the first written in the map, else the first its merge keys bring. */
function pairOf(document: Document, map: YAMLMap, segment: string | number): Pair | undefined {
  return pairsOf(document, map).get(String(segment));
}

function pairsOf(document: Document, map: YAMLMap): Map<string, Pair> {
  let pairs = pairsByKey.get(map);
  if (pairs !== undefined) return pairs;
  pairs = new Map();
  // Set before the merges are followed, so that a map merged into itself ends rather than recursing.
  pairsByKey.set(map, pairs);
  const merged: unknown[] = [];
  for (const item of map.items) {
    if (!isPair(item)) continue;
    if (isMergeKey(item.key)) merged.push(item.value);
    else if (!pairs.has(keyOf(document, item.key))) pairs.set(keyOf(document, item.key), item);
  }
  // A key written in the map wins over a merged one, and an earlier merge source over a later one (as yaml merges them).
  const resolve = (node: unknown): unknown => (isAlias(node) ? node.resolve(document) : node);
  for (const value of merged) {
    const source = resolve(value);
    for (const from of isSeq(source) ? source.items.map(resolve) : [source]) {
      if (!isMap(from)) continue;
      for (const [key, pair] of pairsOf(document, from)) if (!pairs.has(key)) pairs.set(key, pair);
    }
  }
  return pairs;
}

/** Whether the value at `path` of a map is left empty (`name:`, `name:   # a comment`), not written `null` or `~`. */
export function writtenEmpty(document: Document, path: Path): boolean {
  const parent = nodeAt(document, path.slice(0, -1));
  const resolved = isAlias(parent) ? parent.resolve(document) : parent;
  if (!isMap(resolved)) return false;
  const pair = pairOf(document, resolved, path[path.length - 1]!);
  return pair !== undefined && isEmpty(pair.value);
}

/** A value left empty (`name:`), which has no position of its own. */
function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (!isScalar(value) || value.value !== null) return false;
  const range = rangeOf(value);
  return range === undefined || range[0] === range[1];
}

/** The position where a node starts (1:1 for an empty document). */
export function positionOf(node: Node | null | undefined, lineCounter: LineCounter): Position {
  const range = rangeOf(node);
  if (!range) return { line: 1, column: 1 };
  const { line, col } = lineCounter.linePos(range[0]);
  return { line, column: col };
}

/** The YAML node at `path`, if every segment exists. */
export function nodeAt(document: Document, path: Path): unknown {
  let node: unknown = document.contents;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(document);
    if (isMap(node)) {
      const pair = pairOf(document, node, segment);
      if (!pair) return undefined;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
    } else {
      return undefined;
    }
  }
  return node;
}
