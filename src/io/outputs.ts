import { access, constants, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BatchDescription } from './layout.js';

/**
 * The JSON files beside a batch's Arrow tables, and the provenance every output carries. What
 * goes into the Arrow files' metadata is only what determines their contents (never a time, a
 * command line or a worker count), so the same batch gives the same bytes on any machine.
 */

/** What determines a batch's results. */
export interface Provenance {
  engineVersion: string;
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
  /** Rows per output file. */
  files: Record<string, { rows: number }>;
  node: string;
  platform: string;
  /** The batch's tables as every process described them, so `merge` can rebuild their layouts. */
  description?: BatchDescription;
  /** For a shard of a batch: which one, and the runs it did. */
  shard?: { index: number; count: number; firstRun: number; runs: number };
}

/** The provenance part of a manifest, in the order `arrowMetadata` writes it (so merged files carry the same bytes). */
export function provenanceOf(manifest: Provenance): Provenance {
  const { engineVersion, scenarioName, scenarioHash, scenario, seed, runs, variants, design, sobol, timeseries, blockSize, untilPrecision } = manifest;
  return { engineVersion, scenarioName, scenarioHash, scenario, seed, runs, variants, design, ...(sobol !== undefined ? { sobol } : {}), timeseries, blockSize, ...(untilPrecision !== undefined ? { untilPrecision } : {}) };
}

/** Writes JSON to `dir/name` under a temporary name first, so a reader never sees half a file. */
export async function writeJsonFile(dir: string, name: string, value: unknown): Promise<void> {
  await writeWhole(join(dir, name), `${JSON.stringify(value, null, 2)}\n`);
}

/** Writes `text` to `path` under a temporary name, then renames it: the file is whole or absent, never half-written. */
export async function writeWhole(path: string, text: string): Promise<void> {
  const partial = `${path}.partial`;
  try {
    await writeFile(partial, text);
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/** An output directory that cannot be written. */
export class OutputError extends Error {
  constructor(readonly dir: string, reason: string) {
    super(`cannot write to output directory '${dir}': ${reason}`);
    this.name = 'OutputError';
  }
}

/** Creates `dir` (and its parents) and checks it is writable, or throws an OutputError saying why not. */
export async function prepareOutputDirectory(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new OutputError(dir, REASONS[code] ?? (error as Error).message);
  }
}

const REASONS: Record<string, string> = {
  ENOTDIR: 'a part of the path is a file, not a directory',
  EEXIST: 'a file of that name exists',
  EACCES: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
};
