import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ACTOR_KINDS, batchTables } from './layout.js';
import { OutputError } from './errors.js';
import type { Manifest } from './outputs.js';

/**
 * Reading a batch's `manifest.json` back, and checking the folder's files against it. The manifest
 * records each table file's size and SHA-256 as it was written, so a file that was replaced,
 * emptied, truncated or changed by a single byte since is found before anything is read from it.
 */

/** The most a manifest is read of: its resolved scenario is what makes it large. */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

/** What a folder given as a batch's is expected to be, as the refusals of report, compare and export end. */
export const EXPECTED_BATCH_FOLDER = 'expected the output directory of a finished batch (computerace run ... --out DIR)';

/** What `dir` is when it is no folder (`no such folder`, or `a file, not a folder`: a scenario given in a batch's place), else undefined. */
export async function notAFolder(dir: string): Promise<string | undefined> {
  const kind = await stat(dir).catch(() => undefined);
  return kind === undefined ? 'no such folder' : kind.isDirectory() ? undefined : 'a file, not a folder';
}

/** Reads `DIR/manifest.json`: undefined when there is none, an OutputError naming the file when it is not one computerace wrote. */
export async function readManifest(dir: string): Promise<Manifest | undefined> {
  const file = join(dir, 'manifest.json');
  // Looked at before it is opened: a FIFO or a device would block or never end.
  const kind = await lstat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new OutputError(`${file}: cannot read (${error.code ?? error.message})`);
  });
  if (kind === undefined) return undefined;
  if (!kind.isFile()) throw new OutputError(`${file}: not a manifest computerace wrote (not a regular file)`);
  if (kind.size > MAX_MANIFEST_BYTES) throw new OutputError(`${file}: not a manifest computerace wrote (${kind.size} bytes, more than a manifest's ${MAX_MANIFEST_BYTES})`);
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new OutputError(code ? `${file}: cannot read (${code})` : `${file}: not a manifest computerace wrote (not valid JSON)`);
  }
  const problem = manifestProblem(value);
  if (problem !== undefined) throw new OutputError(`${file}: not a manifest computerace wrote (${problem})`);
  return value as Manifest;
}

/** Why `value` is not a manifest as `writeBatchRecords` writes it, or undefined when it is one. */
export function manifestProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'not a JSON object';
  for (const field of ['engineVersion', 'scenarioName', 'scenarioHash', 'seed', 'design', 'timeseries', 'startedAt', 'finishedAt'] as const) {
    if (typeof value[field] !== 'string') return `no '${field}' text`;
  }
  // Recorded since 0.3.0: a manifest before it has none.
  if (value.engineBuild !== undefined && typeof value.engineBuild !== 'string') return `no 'engineBuild' text`;
  for (const field of ['runs', 'blockSize', 'runsDone', 'workers'] as const) {
    if (!Number.isSafeInteger(value[field]) || (value[field] as number) < 0) return `no '${field}' count`;
  }
  for (const field of ['variants', 'commandLine'] as const) if (!isTextList(value[field])) return `no '${field}' list`;
  if (!isRecord(value.files)) return `no 'files'`;
  for (const [name, file] of Object.entries(value.files)) {
    if (!isRecord(file) || !Number.isSafeInteger(file.rows)) return `no rows for '${name}'`;
    if (file.bytes !== undefined && !Number.isSafeInteger(file.bytes)) return `'${name}' has no byte count`;
    if (file.sha256 !== undefined && !isSha256(file.sha256)) return `'${name}' has no SHA-256`;
  }
  if (value.description !== undefined) {
    if (!isRecord(value.description)) return `'description' is not an object`;
    for (const field of ['variants', 'labs', 'providers', 'suppliers', 'chips', 'parameters', 'timeseriesKinds'] as const) {
      if (!isTextList(value.description[field])) return `no 'description.${field}' list`;
    }
    // An older computerace described no shocks: its manifests are its, but not of tables this one reads (verifyBatchFiles).
    if (value.description.shocks !== undefined) {
      for (const field of ['shocks', 'strategies'] as const) if (!isTextList(value.description[field])) return `no 'description.${field}' list`;
      const policies = value.description.policies;
      if (!isRecord(policies) || !(['fields', 'values', 'notes'] as const).every((field) => isTextList(policies[field]))) return `no 'description.policies' lists`;
    }
    if (!(value.description.timeseriesKinds as string[]).every((kind) => (ACTOR_KINDS as readonly string[]).includes(kind))) return `'description.timeseriesKinds' names a kind of actor computerace does not know`;
  }
  if (value.shard !== undefined) {
    if (!isRecord(value.shard)) return `'shard' is not an object`;
    for (const field of ['index', 'count', 'firstRun', 'runs'] as const) {
      if (!Number.isSafeInteger(value.shard[field]) || (value.shard[field] as number) < 0) return `no 'shard.${field}' count`;
    }
  }
  return undefined;
}

/** A file's size and content hash, as the manifest records them. */
export interface FileDigest {
  bytes: number;
  /** SHA-256 of the file's bytes, hex. */
  sha256: string;
}

/** Reads `path` through (one buffer at a time) for its size and SHA-256. */
export async function fileDigest(path: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).byteLength;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/**
 * Checks every table file of the batch in `dir` (batchTables of its description) against the size
 * and hash the manifest records; returns the first mismatch in one line, naming the file
 * (undefined when all match).
 */
export async function verifyBatchFiles(dir: string, manifest: Manifest): Promise<string | undefined> {
  const file = join(dir, 'manifest.json');
  const tables = manifest.description?.shocks !== undefined ? batchTables(manifest.description) : [];
  const files = new Set(tables.map((name) => `${name}.arrow`));
  const listed = Object.keys(manifest.files);
  // An older computerace wrote other tables (one wide timeseries.arrow), and described no shocks.
  if (tables.length === 0 || listed.some((name) => !files.has(name))) return `${file} records the tables of an older computerace (${listed.join(', ')})`;
  for (const name of tables) {
    const recorded = manifest.files[`${name}.arrow`];
    if (recorded?.sha256 === undefined || recorded.bytes === undefined) return `${file} records no content hash for ${name}.arrow (written by an older computerace)`;
    const problem = await checkFile(join(dir, `${name}.arrow`), recorded, 'the manifest');
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** The sizes and hashes of files in `value` (parsed JSON: file name to FileDigest), or undefined when it holds anything else. */
export function fileDigests(value: unknown): Record<string, FileDigest> | undefined {
  if (!isRecord(value)) return undefined;
  for (const digest of Object.values(value)) if (!isRecord(digest) || !Number.isSafeInteger(digest.bytes) || !isSha256(digest.sha256)) return undefined;
  return value as Record<string, FileDigest>;
}

function isSha256(value: unknown): boolean {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
}

/**
 * Checks the file at `path` against the size and SHA-256 that `recorder` (as "the manifest") records
 * for it; returns the mismatch in one line naming the file, or undefined when it matches.
 */
export async function checkFile(path: string, recorded: FileDigest, recorder: string): Promise<string | undefined> {
  const found = await stat(path).catch((error: NodeJS.ErrnoException) => error.code ?? 'unreadable');
  if (typeof found === 'string') return found === 'ENOENT' ? `${path} is missing` : `${path}: cannot read (${found})`;
  if (!found.isFile()) return `${path} is not a regular file`;
  if (found.size !== recorded.bytes) return `${path} has ${found.size} bytes, but ${recorder} records ${recorded.bytes}`;
  const digest = await fileDigest(path).catch((error: NodeJS.ErrnoException) => error.code ?? error.message);
  if (typeof digest === 'string') return `${path}: cannot read (${digest})`;
  if (digest.sha256 !== recorded.sha256) return `${path}: its SHA-256 is not the one ${recorder} records (the file changed after it was written)`;
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTextList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
