import { isScalar } from 'yaml';
import { isPlainObject } from './data.js';
import type { Path } from './problems.js';
import { locate, nodeAt } from './source.js';
import type { SourceFile } from './source.js';

/**
 * Where each value was written. A scenario composed with `extends` mixes values from several files, so
 * every value keeps its own file and path there, and a problem is reported in the file that wrote it.
 */

/** Where a value was written: a file's document and the path in it; children by key or index. */
export interface Origin {
  source: SourceFile;
  path: (string | number)[];
  children: Map<string, Origin>;
}

// The children of every number, string and the like: one empty map, never changed (merging makes new maps), so
// that a file of 100,000 chips does not hold 600,000 empty maps.
const NO_CHILDREN = new Map<string, Origin>();

/** The origins of a value just read from `source` at `path`, and of everything inside it. */
export function originOf(value: unknown, source: SourceFile, path: (string | number)[]): Origin {
  if (!Array.isArray(value) && !isPlainObject(value)) return { source, path, children: NO_CHILDREN };
  const children = new Map<string, Origin>();
  if (Array.isArray(value)) value.forEach((item, index) => children.set(String(index), originOf(item, source, [...path, index])));
  else for (const [key, item] of Object.entries(value)) children.set(key, originOf(item, source, [...path, key]));
  return { source, path, children };
}

/** The position of the value at `path`, in the file where it was written. */
export function locateOrigin(root: Origin, path: Path, key = false): { file: string; line: number; column: number } {
  let origin = root;
  let depth = 0;
  for (; depth < path.length; depth++) {
    const child = origin.children.get(String(path[depth]));
    if (!child) break;
    origin = child;
  }
  const { source } = origin;
  const position = locate(source.document, source.lineCounter, [...origin.path, ...path.slice(depth)], { key: key && depth === path.length });
  return { file: source.file, ...position };
}

/** The position of column `column` of a formula written on one line as a plain or quoted scalar. */
export function formulaPosition(root: Origin, path: Path, column: number): { file: string; line: number; column: number } | undefined {
  let origin: Origin | undefined = root;
  for (const segment of path) origin = origin?.children.get(String(segment));
  if (!origin) return undefined;
  const node = nodeAt(origin.source.document, origin.path);
  if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return undefined;
  const [start, end] = node.range;
  const written = origin.source.text.slice(start, end);
  const quote = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? 1 : 0;
  if (node.type !== 'PLAIN' && quote === 0) return undefined;
  // Only when the text is exactly the value (one line, no escapes) do columns in the value map onto the file.
  if (written.slice(quote, written.length - quote) !== node.value) return undefined;
  const { line, col } = origin.source.lineCounter.linePos(start + quote + column - 1);
  return { file: origin.source.file, line, column: col };
}
