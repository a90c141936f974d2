import { registry } from '@conveyor/jobs';
import {
  createRedisClient,
  onShutdownSignal,
  startService,
} from '@conveyor/queue';
import type { AddressInfo } from 'node:net';
import { ApiEnvSchema } from './env.ts';
import { QueueService } from './queue-service.ts';
import { createApiServer } from './server.ts';

const { env, logger } = startService('conveyor-api', ApiEnvSchema);
const queues = new QueueService({
  registry,
  redis: createRedisClient(env.REDIS_URL, { preset: 'api', logger }),
  logger,
  prefix: env.CONVEYOR_PREFIX,
});
const server = createApiServer({ queues, logger });

server.on('error', (error: NodeJS.ErrnoException) => {
  logger.fatal(
    error.code === 'EADDRINUSE'
      ? `Port ${env.API_PORT} is in use; set API_PORT to a free port`
      : `HTTP server failed: ${error.message}`,
  );
  process.exit(1);
});

server.listen(env.API_PORT, env.API_HOST, () => {
  const { port } = server.address() as AddressInfo;
  const url = `http://${env.API_HOST}:${port}/trpc`;
  logger.info({ url }, `Conveyor API listening on ${url}`);
});

onShutdownSignal(async (signal) => {
  logger.info({ signal }, 'shutting down');
  server.close();
  server.closeIdleConnections();
  await queues.close();
  process.exit(0);
});
