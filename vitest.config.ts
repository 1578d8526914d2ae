import { defineConfig } from 'vitest/config';

// One runner for all three tiers (unit, integration, e2e). Browser and nginx tests start
// their own processes on ephemeral ports, so files can run in parallel on a 2-core machine.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
    reporters: ['default'],
  },
});
