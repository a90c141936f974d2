// The example app's worker, whole: its settings, its catalog, its processors
// with their providers, handed to the framework's runtime.
import { registry } from '@conveyor/jobs';
import { startService } from '@conveyor/ops';
import { runWorker } from '@conveyor/worker';
import { ExampleWorkerEnvSchema } from './env.ts';
import { createProcessors } from './processors/index.ts';
import { createLogProviders } from './providers/log-providers.ts';

const { env, logger } = startService('conveyor-worker', ExampleWorkerEnvSchema);
await runWorker({
  registry,
  env,
  logger,
  processors: createProcessors(
    createLogProviders(logger, {
      feedUrls: env.FEED_URLS,
      generatorStepMs: env.CONTENT_STEP_MS,
    }),
    { feedAllowPrivate: env.FEED_ALLOW_PRIVATE },
  ),
});
