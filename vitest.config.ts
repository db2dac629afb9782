import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import SummaryLine from './test/support/summary-reporter.js';

/** Test files that read the process's whole policy registry, which other files add to: each in a fresh worker. */
const FRESH_MODULES = ['test/market/policies.test.ts'];

export default defineConfig({
  test: {
    reporters: ['default', new SummaryLine()],
    // Theory tests replicate whole simulations; a generous per-test limit avoids flakiness on a loaded machine.
    testTimeout: 60_000,
    // A test file on every core: vitest's default leaves one free, which on two cores runs the files one at a time.
    maxWorkers: availableParallelism(),
    setupFiles: ['test/support/pretenuring.ts'],
    projects: [
      {
        extends: true,
        // The other test files share their worker's modules: the simulation, mathjs and Arrow load once
        // per worker, not once per file. None relies on a fresh module; those that register a policy
        // give it a name of their own, and those that spy restore what they spied on.
        test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: FRESH_MODULES, isolate: false },
      },
      { extends: true, test: { name: 'fresh', include: FRESH_MODULES, isolate: true } },
    ],
  },
});
