import { registry } from '@conveyor/jobs';
import {
  createRedisClient,
  onShutdownSignal,
  redisSelfCheck,
  startService,
  watchRedisCapacity,
} from '@conveyor/queue';
import type { AddressInfo } from 'node:net';
import { createAuthenticate } from './auth/authenticate.ts';
import { ApiEnvSchema, httpOptionsFromEnv } from './env.ts';
import { isLoopback } from './is-loopback.ts';
import { QueueService } from './queue-service.ts';
import { requestLog } from './request-observer.ts';
import { createApiServer } from './server.ts';

const { env, logger } = startService('conveyor-api', ApiEnvSchema);

if (!env.CONVEYOR_ADMIN_TOKEN && !isLoopback(env.API_HOST)) {
  logger.fatal(
    `Refusing to listen on ${env.API_HOST} without API tokens: set CONVEYOR_ADMIN_TOKEN (docs/security.md), or API_HOST=127.0.0.1`,
  );
  process.exit(1);
}
if (!env.CONVEYOR_ADMIN_TOKEN)
  logger.warn(
    'CONVEYOR_ADMIN_TOKEN is not set: every caller is the local admin (loopback only)',
  );

const redis = createRedisClient(env.REDIS_URL, { preset: 'api', logger });
const queues = new QueueService({
  registry,
  redis,
  logger,
  prefix: env.CONVEYOR_PREFIX,
  webhooks: { allowPrivate: env.WEBHOOK_ALLOW_PRIVATE },
  limits: {
    defaults: {
      maxUnfinished: env.TENANT_MAX_UNFINISHED,
      ratePerSecond: env.TENANT_RATE_PER_SECOND,
      burst: env.TENANT_BURST,
      maxSchedules: env.TENANT_MAX_SCHEDULES,
    },
    unlimitedTenants: [env.CONVEYOR_ADMIN_TENANT],
  },
});
void redisSelfCheck(redis, logger);
void queues.reconcileSchedules();
void queues
  .publishTenantPolicy()
  .catch((error: unknown) =>
    logger.warn({ err: error }, 'tenant policy not published for workers'),
  );
// Enqueue refusals for lack of memory: one warn per episode, not per request.
watchRedisCapacity(redis, logger);
const server = createApiServer({
  queues,
  logger,
  observers: [requestLog(logger)],
  http: httpOptionsFromEnv(env),
  authenticate: createAuthenticate({
    tokens: queues.tokens,
    adminToken: env.CONVEYOR_ADMIN_TOKEN,
    adminTenant: env.CONVEYOR_ADMIN_TENANT,
  }),
});

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
