import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // Unit tests live beside the code and do no I/O.
          include: ['src/**/*.test.ts', 'jobs/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          // Creates the test database, migrates it, and fails fast naming the URL when Postgres
          // or Redis is unreachable.
          globalSetup: ['test/setup/global-setup.ts'],
          // Files share one database and spawn processes: run them one at a time.
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
