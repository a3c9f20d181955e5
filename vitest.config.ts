import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql 16 ships CommonJS (`main`) and ESM (`module`) builds. Node, and every dependency
    // (Apollo, graphql-query-complexity), loads the CommonJS one; Vite would hand our sources the
    // ESM one, and schema objects from one build fail the other's `instanceof` checks. One build.
    alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }],
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // Unit tests live beside the code and do no I/O (the dashboard's too: web/).
          include: ['src/**/*.test.ts', 'jobs/**/*.test.ts', 'web/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
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
