import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Theory tests replicate whole simulations; a generous per-test limit avoids flakiness on a loaded machine.
    testTimeout: 60_000,
  },
});
