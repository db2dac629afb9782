import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { computeraceWith } from '../support/cli.js';

// The shipped back-test against its document: the command docs/backtest.md names, at its seed and number of
// runs, prints exactly the table it shows. A target the model misses stays in both as NO.

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DOC_BLOCK = /<!-- backtest: computerace (backtest scenarios\/backtest-2023\.yaml[^>]*) -->\n```\n([\s\S]*?)\n```/;

// The targets (the H100 price path, its shape, lab compute and OpenAI's spend), none dropped.
const TARGETS = [
  'h100-price-2023q3', 'h100-price-2024q4', 'h100-price-2025q4', 'h100-price-2026q1', 'peak-over-trough', 'rebound',
  'openai-compute-2023', 'openai-compute-2024', 'openai-compute-2025', 'anthropic-compute-2025', 'xai-compute-2025',
  'openai-spend-2024', 'openai-spend-2025',
];

describe('scenarios/backtest-2023.yaml', () => {
  const match = DOC_BLOCK.exec(readFileSync(join(root, 'docs', 'backtest.md'), 'utf8'));

  it('is in docs/backtest.md with the command that prints its table', () => {
    expect(match).not.toBeNull();
  });

  it('prints the document\'s table, every target of the issue in it, each met or said not to be', async () => {
    const [, command, table] = match!;
    const result = await computeraceWith({ cwd: root }, ...command!.split(' '));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trimEnd()).toBe(table);
    const rows = table!.split('\n').slice(3, 3 + TARGETS.length);
    expect(rows.map((row) => row.split(/\s+/)[0])).toEqual(TARGETS);
    const met = rows.filter((row) => row.endsWith(' yes')).length;
    expect(rows.every((row) => row.endsWith(' yes') || row.endsWith(' NO'))).toBe(true);
    expect(table).toContain(`${met} of ${TARGETS.length} targets met`);
  });
});
