import { defineConfig } from 'vitest/config';

/**
 * The suites that run a second time against a real 3-master Redis Cluster
 * (docs/architecture.md, "Redis Cluster"): the lifecycle through the typed
 * client, enqueue answers, quotas and tenancy, cancellation across
 * processes, schedules, the worker daemon, and flow control.
 */
const CLUSTER_SUITES = [
  'packages/server/test/lifecycle.test.ts',
  'packages/server/test/enqueue.test.ts',
  'packages/server/test/enqueue-deduplication.test.ts',
  'packages/server/test/quotas.test.ts',
  'packages/server/test/tenancy.test.ts',
  'packages/server/test/acknowledgements.test.ts',
  'packages/server/test/cancel-across-processes.test.ts',
  'packages/server/test/schedules.test.ts',
  'packages/server/test/watch.test.ts',
  'packages/server/test/tokens.test.ts',
  'packages/worker/test/daemon.test.ts',
  'packages/queue/test/flow-control.test.ts',
];

export default defineConfig({
  // Run workspaces from source: @conveyor/* resolve to src/*.ts, no build needed.
  resolve: { conditions: ['@conveyor/source'] },
  ssr: { resolve: { conditions: ['@conveyor/source'] } },
  test: {
    // Suites share one redis-server and some measure timing (backoff): one file at a time.
    fileParallelism: false,
    // Deadlines for a loaded machine: many tests start tsx child processes
    // or servers; a test's own waits give the precise failure first.
    // What the tests start never reads the repository's `.env` (it may name a
    // developer's own Redis): see packages/devtools/src/dot-env.ts.
    env: { CONVEYOR_DOTENV: 'off' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'redis',
          include: ['{packages,services}/*/{src,test}/**/*.test.ts'],
          globalSetup: ['packages/testkit/src/test-setup.ts'],
          typecheck: {
            enabled: true,
            include: ['{packages,services}/*/{src,test}/**/*.test-d.ts'],
            tsconfig: './tsconfig.json',
          },
        },
      },
      {
        extends: true,
        test: {
          name: 'cluster',
          include: [
            ...CLUSTER_SUITES,
            '{packages,services}/*/test/**/*.cluster-test.ts',
          ],
          globalSetup: ['packages/testkit/src/cluster-setup.ts'],
        },
      },
    ],
  },
});
