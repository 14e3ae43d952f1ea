import { defineConfig } from 'vitest/config';

/**
 * The export condition under which every workspace package resolves to its TypeScript sources (no build
 * needed). Project-prefixed, so an app that runs with a generic `--conditions=source` never picks up the
 * published `.ts` files.
 */
const SOURCE_CONDITION = '@topiary/source';

export default defineConfig({
  resolve: { conditions: [SOURCE_CONDITION] },
  ssr: { resolve: { conditions: [SOURCE_CONDITION], externalConditions: [SOURCE_CONDITION] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'benchmarks/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
