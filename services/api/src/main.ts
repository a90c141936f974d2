import { registry } from '@conveyor/jobs';
import type { AddressInfo } from 'node:net';
import { readApiEnv } from './env.ts';
import { createLogger } from './logger.ts';
import { QueueService } from './queue-service.ts';
import { createApiRedis } from './redis-connection.ts';
import { createApiServer } from './server.ts';

let env;
try {
  env = readApiEnv();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

const logger = createLogger(env.LOG_LEVEL);
const redis = createApiRedis(env.REDIS_URL, logger);
const queues = new QueueService(registry, redis, logger, env.CONVEYOR_PREFIX);
const server = createApiServer({ queues, logger });

process.on('unhandledRejection', (reason) =>
  logger.error({ err: reason }, 'unhandled rejection'),
);
process.on('uncaughtException', (error) =>
  logger.error({ err: error }, 'uncaught exception'),
);

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
  logger.info(
    { url: `http://${env.API_HOST}:${port}/trpc` },
    `Conveyor API listening on http://${env.API_HOST}:${port}/trpc`,
  );
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  server.close();
  server.closeIdleConnections();
  await queues.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
