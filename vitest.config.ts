import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Run workspaces from source: @conveyor/* resolve to src/*.ts, no build needed.
  resolve: { conditions: ['@conveyor/source'] },
  ssr: { resolve: { conditions: ['@conveyor/source'] } },
  test: {
    include: ['{packages,services}/*/{src,test}/**/*.test.ts'],
    globalSetup: ['packages/testkit/src/test-setup.ts'],
    // Suites share one redis-server and some measure timing (backoff): one file at a time.
    fileParallelism: false,
    testTimeout: 20_000,
    hookTimeout: 30_000,
    typecheck: {
      enabled: true,
      include: ['{packages,services}/*/{src,test}/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
  },
});
