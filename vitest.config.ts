import { defineConfig } from 'vitest/config';

/**
 * The fast lane (`npm run test:unit`): the pure core, the HTTP layer and the CLI in process, with
 * no endpoint, no broker process, no synthesis and no Lambda bundles.
 */
const UNIT = ['test/core/**/*.test.ts', 'test/http/**/*.test.ts', 'test/cli/**/*.test.ts', 'test/*.test.ts'];

export default defineConfig({
  test: {
    setupFiles: ['./vitest.setup.ts'],
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: UNIT, testTimeout: 15_000 },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: UNIT,
          // Prebuilt Lambda bundles for the stack tests (see the file).
          globalSetup: ['./test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
