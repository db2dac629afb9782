import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFailure } from '../io/errors.js';
import { batchTables, eachTable, TABLE_NAMES } from '../io/layout.js';
import type { BatchDescription, TableName, TableRows } from '../io/layout.js';
import { CSV_FILES, LEGACY_TABLE_NAMES } from '../io/folder.js';
import { readManifest, verifyBatchFiles } from '../io/manifest.js';
import type { FileDigest } from '../io/manifest.js';
import { provenanceOf, writeJsonFile } from '../io/outputs.js';
import type { Manifest, Provenance } from '../io/outputs.js';
import type { MetricSeries } from './metrics.js';
import { summariseBatch } from './summary.js';
import type { BatchSummary, Convergence } from './summary.js';
import type { BatchOutcome } from './batch.js';

/**
 * The JSON records that close a batch directory, written the same way by `run` and by `merge` so
 * a merged directory's summary is the bytes a single machine would have written.
 */

/** What the closing records are made of. */
export interface BatchRecords {
  out: string;
  provenance: Provenance;
  description: BatchDescription;
  metrics: MetricSeries;
  rows: TableRows;
  /** Each table file's size and SHA-256, as its writer hashed it. */
  digests: Partial<Record<TableName, FileDigest>>;
  convergence?: Convergence;
  commandLine: readonly string[];
  workers: number;
  startedAt: Date;
  shard?: Manifest['shard'];
}

/**
 * Removes the records of the batch that finished in `out` before, manifest first, the tables this
 * batch does not write (an earlier batch's providers.arrow beside a summary batch's tables, or an
 * older computerace's tables) and the CSV files exported from it: called before the first of a new batch's files replaces one
 * of its tables, so the folder never shows an old manifest (or summary, or report, or table)
 * beside new tables, whatever stops the new batch.
 */
export async function removeBatchRecords(out: string, description: BatchDescription): Promise<void> {
  const written = new Set<string>(batchTables(description));
  const others = [...TABLE_NAMES, ...LEGACY_TABLE_NAMES].filter((name) => !written.has(name)).map((name) => `${name}.arrow`);
  // CSV files exported from the batch are of that batch: they go with it.
  for (const name of ['manifest.json', 'summary.json', 'report.html', ...others, ...CSV_FILES]) {
    const path = join(out, name);
    await rm(path, { force: true }).catch((error: unknown) => {
      throw writeFailure(path, error);
    });
  }
}

/** Writes summary.json, then manifest.json last: a directory with a manifest holds a finished batch. */
export async function writeBatchRecords(records: BatchRecords): Promise<BatchSummary> {
  const summary = summariseBatch(records.description, records.metrics);
  try {
    await writeSummaryAndManifest(records, summary);
  } catch (error) {
    // No summary left without its manifest (the disk filled up between the two, say).
    await rm(join(records.out, 'summary.json'), { force: true }).catch(() => undefined);
    throw error;
  }
  return summary;
}

async function writeSummaryAndManifest(records: BatchRecords, summary: BatchSummary): Promise<void> {
  const { out, provenance, description, metrics, rows, convergence } = records;
  await writeJsonFile(out, 'summary.json', { scenarioName: provenance.scenarioName, scenarioHash: provenance.scenarioHash, seed: provenance.seed, ...(convergence ? { convergence } : {}), ...summary });
  const manifest: Manifest = {
    ...provenance,
    commandLine: [...records.commandLine],
    workers: records.workers,
    startedAt: records.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    runsDone: metrics.runs,
    files: Object.fromEntries(batchTables(description).map((name) => [`${name}.arrow`, { rows: rows[name], ...records.digests[name]! }])),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    description,
    ...(records.shard ? { shard: records.shard } : {}),
  };
  await writeJsonFile(out, 'manifest.json', manifest);
}

/**
 * The outcome of the same batch (provenance and shard) already finished in `out`, if it is there
 * and its files are the ones its manifest records; `onMismatch` hears why a finished batch's files
 * are not (the batch is then run again).
 */
export async function finishedBatch(out: string, provenance: Provenance, shard: Manifest['shard'], onMismatch?: (problem: string) => void): Promise<BatchOutcome | undefined> {
  const manifest = await readManifest(out);
  if (!manifest?.description) return undefined;
  if (JSON.stringify(provenanceOf(manifest)) !== JSON.stringify(provenance) || JSON.stringify(manifest.shard) !== JSON.stringify(shard)) return undefined;
  const problem = await verifyBatchFiles(out, manifest);
  if (problem !== undefined) {
    onMismatch?.(problem);
    return undefined;
  }
  // summary.json is the summary headed by the batch's name, hash and seed (see writeBatchRecords).
  const text = await readFile(join(out, 'summary.json'), 'utf8').catch(() => undefined);
  let written: BatchSummary & { scenarioName: string; scenarioHash: string; seed: string; convergence?: Convergence };
  try {
    written = JSON.parse(text ?? '') as typeof written;
  } catch {
    onMismatch?.(`${join(out, 'summary.json')} is ${text === undefined ? 'missing' : 'not valid JSON'}`);
    return undefined;
  }
  const { scenarioName, scenarioHash, seed: _seed, convergence, ...summary } = written;
  const files = manifest.files;
  return {
    description: manifest.description,
    scenario: { name: scenarioName, hash: scenarioHash },
    runs: manifest.runsDone,
    summary,
    rows: eachTable((name) => files[`${name}.arrow`]?.rows ?? 0),
    convergence,
  };
}
