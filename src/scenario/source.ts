import { Document, LineCounter, YAMLParseError, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, visit } from 'yaml';
import type { Alias, Node, Pair, YAMLError, YAMLMap } from 'yaml';
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
 * Parses a scenario file's text: YAML 1.2 with the core schema (so dates stay strings), duplicate keys
 * and tab indentation are errors, and every YAML error or warning becomes a located Problem.
 */
export function parseSource(file: string, text: string): SourceFile {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    version: '1.2',
    schema: 'core',
    uniqueKeys: true,
    prettyErrors: false,
    lineCounter,
    logLevel: 'error',
  });
  const problems: Problem[] = [];
  // After a syntax error the parser guesses, and its later errors are mostly echoes of the first: keep the
  // first one. Duplicate keys and warnings do not derail parsing, so all of them are real.
  let syntax: YAMLError | undefined = document.errors.find((error) => error.code !== 'DUPLICATE_KEY');
  // A tab in the indentation confuses the parser in many ways, not all of which it names: say what it is.
  const tab = syntax && syntax.code !== 'TAB_AS_INDENT' ? tabIndentBefore(text, syntax.pos[0]) : undefined;
  if (syntax && tab !== undefined) syntax = new YAMLParseError([tab, tab + 1], 'TAB_AS_INDENT', 'Tabs are not allowed as indentation');
  const reported = [...document.errors.filter((error) => error.code === 'DUPLICATE_KEY'), ...(syntax ? [syntax] : []), ...document.warnings];
  reported.sort((a, b) => a.pos[0] - b.pos[0]);
  for (const error of reported) {
    const offset = error.pos[0];
    const { line, col } = lineCounter.linePos(offset);
    const path = pathAt(document, offset);
    problems.push({ file, line, column: col, path: formatPath(path), message: yamlMessage(error, text, path) });
  }
  return { file, text, document, lineCounter, problems };
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
  let recursive: Alias | undefined;
  let firstAlias: Alias | undefined;
  visit(document, {
    Alias(_key, alias, ancestors) {
      firstAlias ??= alias;
      const target = alias.resolve(document);
      if (target !== undefined && ancestors.includes(target)) {
        recursive = alias;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (recursive) return at(recursive, `YAML: alias *${recursive.source} is inside the node it names, which would make the data endless`);
  try {
    return { value: document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (/alias count/i.test(reason)) {
      return at(firstAlias, `YAML: aliases expand to too much data (more than ${MAX_ALIAS_COUNT} values); write the values out instead`);
    }
    return at(firstAlias, `YAML: ${reason}`);
  }
}

/** The offset of the first tab in a line's indentation, up to the line holding `offset`. */
function tabIndentBefore(text: string, offset: number): number | undefined {
  const end = text.indexOf('\n', offset);
  const pattern = /^[ ]*\t/gm;
  for (const match of text.slice(0, end < 0 ? text.length : end).matchAll(pattern)) return match.index + match[0].length - 1;
  return undefined;
}

function yamlMessage(error: YAMLError, text: string, path: Path): string {
  switch (error.code) {
    case 'DUPLICATE_KEY': {
      const key = path[path.length - 1] ?? text.slice(error.pos[0]).split(/[:\n]/)[0]!.trim();
      return `duplicate key '${key}'; each key may appear once in a map`;
    }
    case 'TAB_AS_INDENT':
      return 'tabs are not allowed as indentation; indent with spaces';
    case 'MULTIPLE_DOCS':
      return 'a scenario file holds one YAML document; remove the `---` separator';
    default: {
      const message = error.message.split('\n')[0]!.replace(/\.$/, '');
      return `YAML: ${message.charAt(0).toLowerCase()}${message.slice(1)}`;
    }
  }
}

/** The path of the deepest map key or sequence item whose source contains `offset`. */
export function pathAt(document: Document, offset: number): (string | number)[] {
  const path: (string | number)[] = [];
  let node: unknown = document.contents;
  for (;;) {
    if (isMap(node)) {
      const pair = node.items.find((item) => {
        const start = rangeOf(item.key)?.[0];
        const end = rangeOf(item.value)?.[2] ?? rangeOf(item.key)?.[2];
        return start !== undefined && end !== undefined && start <= offset && offset < end;
      });
      if (!pair) return path;
      path.push(keyOf(pair.key));
      node = pair.value;
    } else if (isSeq(node)) {
      const index = node.items.findIndex((item) => {
        const range = rangeOf(item);
        return range !== undefined && range[0] <= offset && offset < range[2];
      });
      if (index < 0) return path;
      path.push(index);
      node = node.items[index];
    } else {
      return path;
    }
  }
}

function rangeOf(node: unknown): [number, number, number] | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const range = (node as { range?: [number, number, number] | null }).range;
    return range ?? undefined;
  }
  return undefined;
}

function keyOf(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

/**
 * The position of the node at `path` in a document, or of its deepest existing ancestor (so a missing
 * key points at the map that lacks it). With `key`, the last segment's map key is located instead of its
 * value: that is where an unknown key was written. An empty value (`name:`) is located at its key.
 */
export function locate(document: Document, lineCounter: LineCounter, path: Path, options: { key?: boolean } = {}): Position {
  let node: unknown = document.contents;
  let found: unknown = node;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    if (isAlias(node)) node = node.resolve(document);
    if (isMap(node)) {
      const pair = pairOf(node, segment);
      if (!pair) break;
      if ((options.key && i === path.length - 1) || isEmpty(pair.value)) {
        found = pair.key;
        break;
      }
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
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

/** The first pair of `map` whose key is `segment`. */
function pairOf(map: YAMLMap, segment: string | number): Pair | undefined {
  let pairs = pairsByKey.get(map);
  if (pairs === undefined) {
    pairs = new Map();
    for (const item of map.items) {
      const key = isPair(item) ? String(keyOf(item.key)) : undefined;
      if (key !== undefined && !pairs.has(key)) pairs.set(key, item);
    }
    pairsByKey.set(map, pairs);
  }
  return pairs.get(String(segment));
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
      const pair = pairOf(node, segment);
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
