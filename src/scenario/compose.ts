import { dirname, isAbsolute, join, resolve } from './file-paths.js';
import { describeValue, isPlainObject } from './data.js';
import { originOf } from './origins.js';
import type { Origin } from './origins.js';
import { formatPath, pushAll } from './problems.js';
import type { Problem } from './problems.js';
import { SCENARIO_EXTENSIONS, UnreadableFile, hasScenarioExtension } from './read.js';
import { DISTRIBUTION_KINDS } from './schema.js';
import { METRIC_KINDS } from './targets.js';
import { SCENARIO, fieldsWithout, objectKeys, policyFields } from './schema-walk.js';
import { documentValue, locate, parseSource, writtenEmpty } from './source.js';
import type { SourceFile } from './source.js';
import { notAField } from './suggest.js';

/**
 * Reading a scenario file and the files it `extends`, merged into one value. Each value remembers the
 * file that wrote it, and a missing or cyclic base is reported at the `extends` entry that names it.
 *
 * A base is whatever path a scenario names, so it is held to more than the file given on the command
 * line: it must have a scenario file's extension, and it must parse as a map of scenario fields. A base
 * that does not is "not a scenario file", reported at the `extends` entry without a word of its
 * content: `extends: /etc/shadow` or `/proc/self/environ` must not print the file as unknown keys.
 */

/** What one load collects across every file it reads. */
export interface LoadContext {
  readFile: (file: string) => string;
  problems: Problem[];
  /** What is allowed but most likely not meant: said, not refused. */
  warnings: Problem[];
  files: string[];
}

/** A value with the origins of everything in it. */
export interface Tracked {
  value: unknown;
  origin: Origin;
}

/** The file that names a base file, and where: a missing or cyclic base is reported there. */
interface Referrer {
  source: SourceFile;
  path: (string | number)[];
}

interface StackEntry {
  absolute: string;
  file: string;
}

/** Reads `file` with its bases merged under it; undefined (with the reasons in `context.problems`) when any of them cannot be read. */
export function loadTracked(file: string, stack: StackEntry[], context: LoadContext, referrer: Referrer | undefined): Tracked | undefined {
  const report = (message: string): undefined => {
    if (referrer) {
      const position = locate(referrer.source.document, referrer.source.lineCounter, referrer.path);
      context.problems.push({ file: referrer.source.file, ...position, path: formatPath(referrer.path), message });
    } else {
      context.problems.push({ file, line: 1, column: 1, path: '(root)', message });
    }
    return undefined;
  };
  if (referrer && !hasScenarioExtension(file)) {
    return report(`cannot extend '${file}': a scenario file's name ends in ${SCENARIO_EXTENSIONS.slice(0, -1).join(', ')} or ${SCENARIO_EXTENSIONS.at(-1)}`);
  }
  let text: string;
  try {
    text = context.readFile(file);
  } catch (error) {
    return report(readFailure(error, referrer ? file : undefined));
  }
  if (!context.files.includes(file)) context.files.push(file);
  const source = parseSource(file, text);
  const data = source.document.errors.length === 0 ? documentValue(source) : undefined;
  if (referrer) {
    const reason = notAScenario(source, data);
    if (reason !== undefined) return report(`cannot extend '${file}': not a scenario file (${reason})`);
  }
  pushAll(context.problems, source.problems);
  if (source.document.errors.length > 0 || data === undefined) return undefined;
  if ('problem' in data) {
    context.problems.push(data.problem);
    return undefined;
  }
  const { value } = data;
  if (!isPlainObject(value)) {
    const position = locate(source.document, source.lineCounter, []);
    const message =
      value === null || value === undefined
        ? 'the file is empty; a scenario is a map of fields (name, start, end, chips, suppliers, providers, labs, ...)'
        : `a scenario is a map of fields (name, start, end, chips, ...), not ${kindOf(value)}`;
    context.problems.push({ file, ...position, path: '(root)', message });
    return undefined;
  }
  const own: Tracked = { value, origin: originOf(value, source, []) };
  if (!('extends' in value)) return own;

  const bases = value.extends;
  delete value.extends;
  own.origin.children.delete('extends');
  const references: { file: string; path: (string | number)[] }[] = [];
  if (typeof bases === 'string') references.push({ file: bases, path: ['extends'] });
  else if (Array.isArray(bases) && bases.every((entry) => typeof entry === 'string')) {
    bases.forEach((entry: string, index) => references.push({ file: entry, path: ['extends', index] }));
  } else {
    const position = locate(source.document, source.lineCounter, ['extends']);
    context.problems.push({ file, ...position, path: 'extends', message: `expected a file path or a list of file paths, got ${describeValue(bases)}` });
    return undefined;
  }
  // `extends: []` builds on nothing.
  if (references.length === 0) return own;

  const here: StackEntry = { absolute: resolve(file), file };
  let merged: Tracked | undefined;
  let failed = false;
  for (const reference of references) {
    // A URL joined to a folder would read as a path that mangles it (https:/...): say what it is.
    if (/^[a-z][a-z\d+.-]*:\/\//i.test(reference.file)) {
      const position = locate(source.document, source.lineCounter, reference.path);
      context.problems.push({ file, ...position, path: formatPath(reference.path), message: `cannot extend '${reference.file}': a base is a file on this machine, and a URL is never fetched` });
      failed = true;
      continue;
    }
    const target = isAbsolute(reference.file) ? reference.file : join(dirname(file), reference.file);
    const chain = [...stack, here];
    const cycleStart = chain.findIndex((entry) => entry.absolute === resolve(target));
    if (cycleStart >= 0) {
      const cycle = [...chain.slice(cycleStart).map((entry) => entry.file), target].join(' -> ');
      const position = locate(source.document, source.lineCounter, reference.path);
      context.problems.push({ file, ...position, path: formatPath(reference.path), message: `extends cycle: ${cycle}` });
      failed = true;
      continue;
    }
    const base = loadTracked(target, chain, context, { source, path: reference.path });
    if (!base) {
      failed = true;
      continue;
    }
    merged = merged ? merge(merged, base, context) : base;
  }
  if (failed || !merged) return undefined;
  return merge(merged, own, context);
}

function readFailure(error: unknown, base: string | undefined): string {
  const code = (error as { code?: unknown } | null)?.code;
  const what = base === undefined ? '' : ` '${base}'`;
  if (code === 'ENOENT') return base === undefined ? 'no such file' : `cannot extend${what}: no such file`;
  if (code === 'EISDIR') return base === undefined ? 'is a directory, not a scenario file' : `cannot extend${what}: it is a directory`;
  if (code === 'EACCES' || code === 'EPERM') return base === undefined ? 'permission denied' : `cannot extend${what}: permission denied`;
  if (code === 'ENOTDIR') return base === undefined ? 'no such file (a part of the path is not a directory)' : `cannot extend${what}: no such file (a part of the path is not a directory)`;
  if (code === 'ELOOP') return base === undefined ? 'too many symbolic links' : `cannot extend${what}: too many symbolic links`;
  if (error instanceof UnreadableFile) return base === undefined ? error.reason : `cannot extend${what}: it ${error.reason}`;
  // Any other error of the file system: its code, never its message, which may quote more than the path.
  const reason = typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
  return base === undefined ? `cannot read the file: ${reason}` : `cannot extend${what}: ${reason}`;
}

// The fields a scenario file may hold at its top: a base with keys but none of these is some other file.
const SCENARIO_FIELDS = new Set(objectKeys(SCENARIO));

/**
 * Why a file named by `extends` is not a scenario file, in words that quote nothing from it; undefined
 * when it is one: YAML without errors, holding a map with at least one scenario field (or an empty map).
 */
function notAScenario(source: SourceFile, data: ReturnType<typeof documentValue> | undefined): string | undefined {
  // Where the first YAML error is and its kind (yaml's code, as words), but not its message, which may quote the file.
  const [first] = [...source.document.errors, ...source.document.warnings].sort((a, b) => a.pos[0] - b.pos[0]);
  if (first !== undefined) {
    const { line, col } = source.lineCounter.linePos(first.pos[0]);
    return `a YAML error at line ${line}, column ${col}: ${first.code.toLowerCase().replaceAll('_', ' ')}; validate it on its own to see it`;
  }
  if (data === undefined) return 'a YAML error; validate it on its own to see it';
  if ('problem' in data) return `a YAML error at line ${data.problem.line}, column ${data.problem.column}; validate it on its own to see it`;
  const { value } = data;
  if (value === null || value === undefined) return 'it is empty';
  if (!isPlainObject(value)) return `it holds ${kindOf(value)}, not a map of scenario fields`;
  const keys = Object.keys(value);
  if (keys.length > 0 && !keys.some((key) => SCENARIO_FIELDS.has(key))) return 'none of its top-level keys is a scenario field';
  return undefined;
}

/** What kind of value a file holds, without quoting it. */
function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'true or false';
  return describeValue(value);
}

/**
 * `over` applied on top of `base`: maps merge deeply, lists whose items all have an `id` (actors, targets,
 * timeline entries with ids) merge by id, other lists and values are replaced, and a `null` removes the field.
 * A `null` for a key the base does not have removes nothing: when the key is not a field there either, it
 * is reported as a file without `extends` would report it: a typo must not pass because a null removes nothing.
 */
function merge(base: Tracked, over: Tracked, context: LoadContext, path: (string | number)[] = []): Tracked {
  // A distribution or a metric of another kind replaces the base's: merged, the two kinds made one invalid map.
  if (otherKind(base.value, over.value)) return over;
  // A pricing of another policy keeps of the base's only the fields that policy has: merged whole, the
  // base policy's own (utilization's scarcityMarkup under costPlus) made a map no policy takes.
  const policy = switchedPolicy(base.value, over.value);
  const fields = policy === undefined ? undefined : policyFields(path, policy);
  if (fields !== undefined) base = onlyFields(base, fields);
  if (isPlainObject(base.value) && isPlainObject(over.value)) {
    const value: Record<string, unknown> = { ...base.value };
    const origin: Origin = { ...over.origin, children: new Map(base.origin.children) };
    for (const [key, item] of Object.entries(over.value)) {
      const itemOrigin = over.origin.children.get(key)!;
      if (item === null) {
        if (!Object.hasOwn(value, key)) refuseUnknownRemoval(path, key, itemOrigin, context);
        else if (writtenEmpty(itemOrigin.source.document, itemOrigin.path)) warnEmptyRemoval(path, key, itemOrigin, context);
        delete value[key];
        origin.children.delete(key);
      } else if (Object.hasOwn(value, key)) {
        const merged = merge({ value: value[key], origin: base.origin.children.get(key)! }, { value: item, origin: itemOrigin }, context, [...path, key]);
        value[key] = merged.value;
        origin.children.set(key, merged.origin);
      } else {
        value[key] = item;
        origin.children.set(key, itemOrigin);
      }
    }
    return { value, origin };
  }
  if (isActorList(base.value) && isActorList(over.value)) {
    const baseItems = base.value;
    const value = [...baseItems];
    const origin: Origin = { ...over.origin, children: new Map(base.origin.children) };
    const written = new Set<string>();
    // The first item of each id in the base, found once: lists of thousands of actors merge in linear time.
    const baseIndex = new Map<string, number>();
    baseItems.forEach((existing, index) => {
      if (!baseIndex.has(existing.id)) baseIndex.set(existing.id, index);
    });
    over.value.forEach((item, index) => {
      const itemOrigin = over.origin.children.get(String(index))!;
      // An item merges with the base's item of its id; an id written twice in this list stays twice, for the duplicate-id check.
      const at = written.has(item.id) ? -1 : (baseIndex.get(item.id) ?? -1);
      written.add(item.id);
      if (at < 0) {
        origin.children.set(String(value.length), itemOrigin);
        value.push(item);
      } else {
        const merged = merge({ value: value[at], origin: base.origin.children.get(String(at))! }, { value: item, origin: itemOrigin }, context, [...path, at]);
        value[at] = merged.value as Record<string, unknown> & { id: string };
        origin.children.set(String(at), merged.origin);
      }
    });
    return { value, origin };
  }
  return over;
}

/** The policy `over` names when it is another than the base's, both being maps that name one. */
function switchedPolicy(base: unknown, over: unknown): string | undefined {
  if (!isPlainObject(base) || !isPlainObject(over)) return undefined;
  return typeof over.policy === 'string' && typeof base.policy === 'string' && over.policy !== base.policy ? over.policy : undefined;
}

/** The map `tracked` with only the keys in `fields`, and their origins. */
function onlyFields(tracked: Tracked, fields: readonly string[]): Tracked {
  const value = Object.fromEntries(Object.entries(tracked.value as Record<string, unknown>).filter(([key]) => fields.includes(key)));
  const children = new Map([...tracked.origin.children].filter(([key]) => fields.includes(key)));
  return { value, origin: { ...tracked.origin, children } };
}

/** Values written `{ kind: { ... } }` with one key, the kind: a distribution, a target's metric. */
const KIND_FAMILIES: readonly (readonly string[])[] = [DISTRIBUTION_KINDS, METRIC_KINDS];

/** Whether `over` is a value of another kind of the same family as `base` (a normal over a lognormal). */
function otherKind(base: unknown, over: unknown): boolean {
  const [was, is] = [onlyKey(base), onlyKey(over)];
  return was !== undefined && is !== undefined && was !== is && KIND_FAMILIES.some((kinds) => kinds.includes(was) && kinds.includes(is));
}

function onlyKey(value: unknown): string | undefined {
  if (!isPlainObject(value)) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 ? keys[0] : undefined;
}

/**
 * Warns of a field left empty (`targetUtilization:   # 0.95`) that removes the base's value: YAML reads an
 * empty value as null, which removes a field, but a value commented out is more often meant to keep the base's.
 */
function warnEmptyRemoval(path: (string | number)[], key: string, origin: Origin, context: LoadContext): void {
  context.warnings.push(atKey(origin, [...path, key], `left empty, which removes the base's value as null does: write null to remove it, or delete the line to keep it`));
}

/** Reports a `null` written for `key` of the map at `path` when the scenario has no such field there. */
function refuseUnknownRemoval(path: (string | number)[], key: string, origin: Origin, context: LoadContext): void {
  const fields = fieldsWithout(path, key);
  if (fields !== undefined) context.problems.push(atKey(origin, [...path, key], notAField(key, formatPath(path), fields)));
}

/** A problem at the key of the value `origin` records, named by its `path` in the composed scenario. */
function atKey(origin: Origin, path: (string | number)[], message: string): Problem {
  const { source } = origin;
  return { file: source.file, ...locate(source.document, source.lineCounter, origin.path, { key: true }), path: formatPath(path), message };
}

function isActorList(value: unknown): value is (Record<string, unknown> & { id: string })[] {
  return Array.isArray(value) && value.length > 0 && value.every((item) => isPlainObject(item) && typeof item.id === 'string');
}
