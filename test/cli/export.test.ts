import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../src/experiment/batch.js';
import type { BatchOutcome } from '../../src/experiment/batch.js';
import { batchTables } from '../../src/io/layout.js';
import { bin, computerace } from '../support/cli.js';

/**
 * `computerace export DIR --csv`: the batch's tables as CSV files a spreadsheet or pandas without
 * pyarrow reads, one per table, every value as the Arrow file holds it (numbers that read back as
 * the same float64, dates as YYYY-MM-DD, nulls as empty cells), each file whole or absent.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Four variants, and an --timeseries all batch: every table, every kind of column, nulls in events.
const scenario = join(root, 'scenarios', 'multicloud-vs-exclusive.yaml');
const faultyDisk = join(root, 'test', 'support', 'faulty-disk.mjs');
const temp = mkdtempSync(join(tmpdir(), 'computerace-export-'));
const batch = join(temp, 'batch');
let outcome: BatchOutcome;
beforeAll(async () => {
  outcome = await runBatch({ scenario, runs: 4, seed: 2, blockSize: 2, timeseries: 'all', workers: 0, out: batch });
}, 120_000);
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** The cells of a CSV text, line by line (RFC 4180: quoted cells with doubled quotes, no line breaks in this batch's texts). */
function parseCsv(text: string): string[][] {
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n').map((line) => {
    const cells: string[] = [];
    for (let at = 0; at <= line.length; ) {
      if (line[at] === '"') {
        let cell = '';
        let end = at + 1;
        for (;;) {
          const quote = line.indexOf('"', end);
          cell += line.slice(end, quote);
          if (line[quote + 1] === '"') {
            cell += '"';
            end = quote + 2;
          } else {
            at = quote + 2;
            break;
          }
        }
        cells.push(cell);
      } else {
        const comma = line.indexOf(',', at);
        const end = comma < 0 ? line.length : comma;
        cells.push(line.slice(at, end));
        at = end + 1;
      }
    }
    return cells;
  });
}

/** An Arrow value as the CSV must write it: text, a date's day, a number's shortest round trip, empty for null. */
function expectedCell(value: unknown, type: string): string {
  if (value === null) return '';
  if (type.startsWith('Date32')) return new Date(Number(value)).toISOString().slice(0, 10);
  return String(value);
}

describe('computerace export --csv', () => {
  it('writes one CSV per table of the batch, every cell the Arrow file\'s value, numbers read back exactly', async () => {
    const out = join(temp, 'csv');
    const ran = await computerace('export', batch, '--csv', '--out', out);
    expect(ran.stderr).toBe('');
    expect(ran.status).toBe(0);
    const tables = batchTables(outcome.description);
    expect(readdirSync(out).sort()).toEqual(tables.map((table) => `${table}.csv`).sort());
    expect(ran.stdout).toContain(`wrote ${out}/: runs.csv (${outcome.rows.runs} rows), market.csv (${outcome.rows.market}), labs.csv (${outcome.rows.labs})`);
    let numbers = 0;
    let nulls = 0;
    for (const table of tables) {
      const arrow = tableFromIPC(readFileSync(join(batch, `${table}.arrow`)));
      const [header, ...rows] = parseCsv(readFileSync(join(out, `${table}.csv`), 'utf8'));
      expect(header, table).toEqual(arrow.schema.fields.map((field) => field.name));
      expect(rows, table).toHaveLength(arrow.numRows);
      // Every cell is checked; the cells that differ are gathered and compared with none at once
      // (an assertion per cell cost seconds), each named by its table, column and row.
      const wrong: string[] = [];
      for (const [c, field] of arrow.schema.fields.entries()) {
        const column = arrow.getChildAt(c)!;
        const type = String(field.type);
        for (let row = 0; row < arrow.numRows; row++) {
          const value = column.get(row);
          const cell = rows[row]![c]!;
          const expected = expectedCell(value, type);
          if (cell !== expected) wrong.push(`${table}.${field.name} row ${row}: ${JSON.stringify(cell)}, expected ${JSON.stringify(expected)}`);
          if (type === 'Float64' && value !== null) {
            // The text reads back as the very same float64.
            if (!Object.is(Number(cell), value)) wrong.push(`${table}.${field.name} row ${row}: ${cell} reads back as ${Number(cell)}, not ${value}`);
            numbers++;
          }
          if (value === null) nulls++;
        }
      }
      expect(wrong.slice(0, 20), table).toEqual([]);
    }
    expect(numbers).toBeGreaterThan(10_000);
    expect(nulls).toBeGreaterThan(100);
  });

  it('quotes a text with commas or quotes, as a policy change\'s value and note have', async () => {
    const out = join(temp, 'quoted');
    expect((await computerace('export', batch, '--csv', '--out', out)).status).toBe(0);
    const events = parseCsv(readFileSync(join(out, 'events.csv'), 'utf8'));
    const field = events[0]!.indexOf('value');
    const lists = events.filter((row) => row[field]!.startsWith('['));
    expect(lists.length).toBeGreaterThan(0);
    // A list of providers is JSON with commas and quotes: one cell all the same.
    for (const row of lists) expect(JSON.parse(row[field]!)).toEqual(expect.any(Array));
    expect(readFileSync(join(out, 'events.csv'), 'utf8')).toMatch(/,"\[""azure"",""oracle""/);
  });

  it('writes beside the tables by default, and a batch run again into the folder removes them with the rest of the old batch', async () => {
    const dir = join(temp, 'beside');
    cpSync(batch, dir, { recursive: true });
    expect((await computerace('export', dir, '--csv')).status).toBe(0);
    expect(readdirSync(dir).filter((name) => name.endsWith('.csv')).sort()).toEqual(batchTables(outcome.description).map((table) => `${table}.csv`).sort());
    await runBatch({ scenario, runs: 2, seed: 3, timeseries: 'none', workers: 0, out: dir });
    expect(readdirSync(dir).filter((name) => name.endsWith('.csv'))).toEqual([]);
  }, 60_000);

  it('refuses a batch whose table changed after it was written, in one line, writing nothing', async () => {
    const dir = join(temp, 'damaged');
    cpSync(batch, dir, { recursive: true });
    const path = join(dir, 'labs.arrow');
    const bytes = readFileSync(path);
    const middle = Math.floor(bytes.byteLength / 2);
    bytes[middle] = bytes[middle]! ^ 0xff;
    writeFileSync(path, bytes);
    const out = join(temp, 'from-damaged');
    const ran = await computerace('export', dir, '--csv', '--out', out);
    expect(ran.status).toBe(2);
    expect(ran.stderr).toBe(`computerace: ${path}: its SHA-256 is not the one the manifest records (the file changed after it was written): the folder does not hold the batch its manifest describes; run the batch again\n`);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it('on a full disk, stops in one line and leaves each CSV whole or absent, never a partial one', async () => {
    const out = join(temp, 'full');
    const ran = spawnSync(process.execPath, ['--import', faultyDisk, bin, 'export', batch, '--csv', '--out', out], { encoding: 'utf8', env: { ...process.env, COMPUTERACE_TEST_DISK_BYTES: '200000' } });
    expect(ran.status).toBe(2);
    expect(ran.stderr).toMatch(/^computerace: cannot write .*\.csv: no space left on the device \(ENOSPC\); the batch is untouched: once there is room, export it again\n$/);
    const written = readdirSync(out).filter((name) => name !== '.lock');
    expect(written.some((name) => name.endsWith('.partial'))).toBe(false);
    // What was written before the disk filled is whole: every line has the header's cells.
    for (const name of written) {
      const [header, ...rows] = parseCsv(readFileSync(join(out, name), 'utf8'));
      for (const row of rows) expect(row).toHaveLength(header!.length);
    }
    expect(written.length).toBeLessThan(batchTables(outcome.description).length);
  });

  it('asks for a format, and refuses a folder that holds no batch, in one line', async () => {
    const none = await computerace('export', batch);
    expect(none.status).toBe(2);
    expect(none.stderr).toBe('computerace: export: say which format to write: --csv (the only one)\n');
    const empty = mkdtempSync(join(temp, 'empty-'));
    const missing = await computerace('export', empty, '--csv');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`computerace: ${join(empty, 'manifest.json')}: not found; expected the output directory of a finished batch (computerace run ... --out DIR)\n`);
  });
});
