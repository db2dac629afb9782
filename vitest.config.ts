import { defineConfig } from 'vitest/config';
import SummaryLine from './test/support/summary-reporter.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', new SummaryLine()],
    // Theory tests replicate whole simulations; a generous per-test limit avoids flakiness on a loaded machine.
    testTimeout: 60_000,
  },
});
