import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start real daemons and servers; two cores do not want more in parallel.
    maxWorkers: 2,
    globalSetup: ['test/globalSetup.ts'],
  },
});
