import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eachTable, TABLE_NAMES } from '../io/layout.js';
import type { BatchDescription, TableRows } from '../io/layout.js';
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
  convergence?: Convergence;
  commandLine: readonly string[];
  workers: number;
  startedAt: Date;
  shard?: Manifest['shard'];
}

/** Writes summary.json, then manifest.json last: a directory with a manifest holds a finished batch. */
export async function writeBatchRecords(records: BatchRecords): Promise<BatchSummary> {
  const { out, provenance, description, metrics, rows, convergence } = records;
  const summary = summariseBatch(description, metrics);
  await writeJsonFile(out, 'summary.json', { scenarioName: provenance.scenarioName, scenarioHash: provenance.scenarioHash, seed: provenance.seed, ...(convergence ? { convergence } : {}), ...summary });
  const manifest: Manifest = {
    ...provenance,
    commandLine: [...records.commandLine],
    workers: records.workers,
    startedAt: records.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    runsDone: metrics.runs,
    files: Object.fromEntries(TABLE_NAMES.map((name) => [`${name}.arrow`, { rows: rows[name] }])),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    description,
    ...(records.shard ? { shard: records.shard } : {}),
  };
  await writeJsonFile(out, 'manifest.json', manifest);
  return summary;
}

/** Reads `DIR/manifest.json`, or undefined when there is none (the batch never finished there). */
export async function readManifest(dir: string): Promise<Manifest | undefined> {
  const text = await readFile(join(dir, 'manifest.json'), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as Manifest);
}

/** The outcome of the same batch (provenance and shard) already finished in `out`, if it is there. */
export async function finishedBatch(out: string, provenance: Provenance, shard: Manifest['shard']): Promise<BatchOutcome | undefined> {
  const manifest = await readManifest(out);
  if (!manifest?.description) return undefined;
  if (JSON.stringify(provenanceOf(manifest)) !== JSON.stringify(provenance) || JSON.stringify(manifest.shard) !== JSON.stringify(shard)) return undefined;
  // summary.json is the summary headed by the batch's name, hash and seed (see writeBatchRecords).
  const { scenarioName, scenarioHash, seed: _seed, convergence, ...summary } = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as BatchSummary & { scenarioName: string; scenarioHash: string; seed: string; convergence?: Convergence };
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
