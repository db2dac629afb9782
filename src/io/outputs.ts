import { access, constants, mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { BatchDescription } from './layout.js';
import { OutputError, reasonOf, writeFailure, WriteFailure } from './errors.js';
import { checkFolderIsOurs, lockFolder } from './folder.js';
import type { FolderLock } from './folder.js';
import type { FileDigest } from './manifest.js';

export { OutputError, WriteFailure } from './errors.js';

/**
 * The JSON files beside a batch's Arrow tables, and the provenance every output carries. What
 * goes into the Arrow files' metadata is only what determines their contents (never a time, a
 * command line or a worker count), so the same batch gives the same bytes on any machine.
 */

/** What determines a batch's results. */
export interface Provenance {
  engineVersion: string;
  /** The engine's build (a digest of its sources and locked packages): two builds may compute different numbers under one version. */
  engineBuild: string;
  scenarioName: string;
  /** Content hash of the resolved scenario: the scenario's identity. */
  scenarioHash: string;
  /** The resolved scenario as plain data. */
  scenario: unknown;
  seed: string;
  /** Runs asked for (the most, when a stopping rule may end the batch sooner). */
  runs: number;
  variants: string[];
  /** How uncertain parameters were sampled: `independent`, `lhs` or `sobol`. */
  design: string;
  /**
   * For a `sobol` design: its base samples n and its columns, the parameter paths in order, so a
   * reader can rebuild its matrices (run r is row floor(r / (k+2)) of A, B or AB_i; see experiment/sobol.ts).
   */
  sobol?: { baseSamples: number; parameters: string[] };
  timeseries: string;
  blockSize: number;
  /** The stopping rule, when there is one. */
  untilPrecision?: number;
}

/** The provenance as Arrow schema metadata (string values, keys prefixed `computerace.`). */
export function arrowMetadata(provenance: Provenance): Record<string, string> {
  const { scenario, ...rest } = provenance;
  const entries = Object.entries(rest).map(([key, value]) => [`computerace.${key}`, typeof value === 'string' ? value : JSON.stringify(value)]);
  return Object.fromEntries([...entries, ['computerace.scenario', JSON.stringify(scenario)]]);
}

/** Everything about a finished batch, for `manifest.json`. */
export interface Manifest extends Provenance {
  commandLine: string[];
  workers: number;
  startedAt: string;
  finishedAt: string;
  /** Runs done per variant. */
  runsDone: number;
  /** Per table file: its rows, and its size and SHA-256 as written (what `merge`, `--resume` and `report` check it against). */
  files: Record<string, FileRecord>;
  node: string;
  platform: string;
  /** The batch's tables as every process described them, so `merge` can rebuild their layouts. */
  description?: BatchDescription;
  /** For a shard of a batch: which one, and the runs it did. */
  shard?: { index: number; count: number; firstRun: number; runs: number };
}

/** A table file as the manifest records it. */
export interface FileRecord extends FileDigest {
  rows: number;
}

/** The provenance part of a manifest, in the order `arrowMetadata` writes it (so merged files carry the same bytes). */
export function provenanceOf(manifest: Provenance): Provenance {
  const { engineVersion, engineBuild, scenarioName, scenarioHash, scenario, seed, runs, variants, design, sobol, timeseries, blockSize, untilPrecision } = manifest;
  return { engineVersion, engineBuild, scenarioName, scenarioHash, scenario, seed, runs, variants, design, ...(sobol !== undefined ? { sobol } : {}), timeseries, blockSize, ...(untilPrecision !== undefined ? { untilPrecision } : {}) };
}

/** Writes JSON to `dir/name` under a temporary name first, so a reader never sees half a file. */
export async function writeJsonFile(dir: string, name: string, value: unknown): Promise<void> {
  await writeWhole(join(dir, name), `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Writes `text` to `path` under a temporary name, then renames it: the file is whole or absent,
 * never half-written. Refuses a path that exists and is not a regular file (renaming over
 * /dev/null would replace the device), and never writes through a link left at the temporary name.
 */
export async function writeWhole(path: string, text: string | Uint8Array): Promise<void> {
  await refuseNonRegularFile(path);
  const partial = `${path}.partial`;
  try {
    await rm(partial, { force: true });
    await writeFile(partial, text, { flag: 'wx' });
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true }).catch(() => undefined);
    throw writeFailure(path, error);
  }
}

/**
 * Refuses, before any work, a path whose folder is missing or is not a folder: the WriteFailure
 * (with the system's code) that writing there would end in.
 */
export async function refuseMissingFolder(path: string): Promise<void> {
  const folder = await stat(dirname(path)).catch((error: unknown) => error as Error);
  if (folder instanceof Error) throw writeFailure(path, folder);
  if (!folder.isDirectory()) throw new WriteFailure(path, 'ENOTDIR');
}

/** Refuses to write over `path` when it exists and is not a regular file (a device, a directory, a FIFO). */
export async function refuseNonRegularFile(path: string): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  if (existing && !existing.isFile()) throw new OutputError(`cannot write ${path}: it exists and is not a regular file`);
}

/** The pages and charts computerace writes outside a batch's folder, each named and marked in its first bytes. */
export const OWN_FILES = {
  report: { name: 'computerace report', mark: '<meta name="generator" content="computerace' },
  comparison: { name: 'computerace comparison', mark: '<meta name="generator" content="computerace' },
  chart: { name: 'computerace chart', mark: '<!-- generator: computerace' },
} as const;

/** A kind of file computerace writes outside a batch's folder. */
export type OwnFile = keyof typeof OWN_FILES;

/**
 * Refuses to write over `path` unless it is absent or an earlier file of the same kind, known by
 * its mark: a report, a comparison or a chart replaces its predecessor, never a batch's table, a
 * scenario or someone's page that a mistyped `--out` names (the file would be lost whole).
 */
export async function refuseToReplace(path: string, kind: OwnFile): Promise<void> {
  await refuseNonRegularFile(path);
  const head = await readHead(path).catch((error: NodeJS.ErrnoException) => {
    // Nothing there (or a file on the path): the write itself reports what stops it.
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw writeFailure(path, error);
  });
  const own = OWN_FILES[kind];
  if (head !== undefined && !head.includes(own.mark)) throw new OutputError(`cannot write ${path}: it exists and is not a ${own.name}; remove it or choose another file`);
}

/** The first kilobyte of a file, as text: where a page's or a chart's mark is. */
async function readHead(path: string): Promise<string> {
  const file = await open(path, 'r');
  try {
    const bytes = new Uint8Array(1024);
    const { bytesRead } = await file.read(bytes, 0, bytes.length, 0);
    return Buffer.from(bytes.buffer, 0, bytesRead).toString('utf8');
  } finally {
    await file.close();
  }
}

/**
 * `mkdir -p`, one level at a time from the deepest that exists. Node 20's recursive mkdir never
 * returns under /proc (it retries a parent the kernel will not create), so `--out /proc/x/y` hung.
 */
export async function makeDirectories(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let path = resolve(dir); !(await stat(path).then(() => true, () => false)); path = dirname(path)) {
    if (dirname(path) === path) break;
    missing.unshift(path);
  }
  for (const path of missing) {
    // Another process may make it first (two shards creating their common parent).
    await mkdir(path).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST' || !(await stat(path)).isDirectory()) throw error;
    });
  }
}

/**
 * Creates `dir` (and its parents), checks it is writable and holds only what computerace writes,
 * and locks it for this process: a second batch into it is refused until the lock is released.
 */
export async function prepareOutputDirectory(dir: string): Promise<FolderLock> {
  // A file in the folder's place (a scenario given as --out) is named for what it is.
  if ((await stat(dir).catch(() => undefined))?.isFile()) throw new OutputError(`cannot write to output directory '${dir}': it is a file, not a folder`);
  try {
    await makeDirectories(dir);
    await access(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new OutputError(`cannot write to output directory '${dir}': ${code === 'EEXIST' ? 'a file of that name exists' : code ? reasonOf(code) : (error as Error).message}`);
  }
  await checkFolderIsOurs(dir);
  return lockFolder(dir);
}
