import { registry } from '@conveyor/jobs';
import { startService } from '@conveyor/queue';
import { runDaemon } from './run-daemon.ts';
import { WorkerEnvSchema } from './env.ts';
import { createProcessors } from './processors/index.ts';
import { createLogProviders } from './providers/log-providers.ts';

const { env, logger } = startService('conveyor-worker', WorkerEnvSchema);
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
});
