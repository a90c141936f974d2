import { registry } from '@conveyor/jobs';
import { startService, startTracing } from '@conveyor/ops';
import { runDaemon } from './run-daemon.ts';
import { WorkerEnvSchema } from './env.ts';
import { createProcessors } from './processors/index.ts';
import { createLogProviders } from './providers/log-providers.ts';

const { env, logger } = startService('conveyor-worker', WorkerEnvSchema);
// Before the pool is made: it asks once whether an SDK is registered.
const tracing = await startTracing({ serviceName: 'conveyor-worker' });
if (tracing.enabled) logger.info('tracing on: spans exported by OTLP');
await runDaemon({
  env,
  registry,
  processors: createProcessors(
    createLogProviders(logger, {
      feedUrls: env.FEED_URLS,
      generatorStepMs: env.CONTENT_STEP_MS,
    }),
    { feedAllowPrivate: env.FEED_ALLOW_PRIVATE },
  ),
  logger,
  // After the pool has closed: the spans of jobs that ended in the grace
  // period are exported too.
  beforeExit: () => tracing.shutdown(),
});
