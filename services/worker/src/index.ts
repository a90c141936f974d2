import { registry } from '@conveyor/jobs';
import { runDaemon } from './daemon.ts';
import { readWorkerEnv } from './env.ts';
import { createLogger } from './logger.ts';
import { createProcessors } from './processors/index.ts';
import { createLogProviders } from './providers/providers.ts';

let env;
try {
  env = readWorkerEnv();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
const logger = createLogger(env.LOG_LEVEL);
await runDaemon({
  env,
  registry,
  processors: createProcessors(createLogProviders(logger)),
  logger,
});
