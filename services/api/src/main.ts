import { HistoryOutbox } from '@conveyor/history';
import { registry } from '@conveyor/jobs';
import {
  createKeyspace,
  createRedisClient,
  redisAddress,
  watchRedisCapacity,
} from '@conveyor/queue';
import {
  onShutdownSignal,
  redisSelfCheck,
  startService,
  startTracing,
  traceHttpRequests,
} from '@conveyor/ops';
import type { AddressInfo } from 'node:net';
import { createAuthenticate } from './auth/authenticate.ts';
import { createDashboard } from './dashboard/create-dashboard.ts';
import { ApiEnvSchema, historySetting, httpOptionsFromEnv } from './env.ts';
import { connectHistory } from './history/connect-history.ts';
import { isLoopback } from './is-loopback.ts';
import { createApiMetrics } from './metrics/api-metrics.ts';
import { QueueService } from './queue-service.ts';
import { requestLog } from './request-observer.ts';
import { createApiServer } from './server.ts';

const { env, logger } = startService('conveyor-api', ApiEnvSchema);
// Before the producer is made: it asks once whether an SDK is registered.
const tracing = await startTracing({ serviceName: 'conveyor-api' });
if (tracing.enabled) logger.info('tracing on: spans exported by OTLP');

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

const redis = createRedisClient(redisAddress(env), { preset: 'api', logger });
const metrics = createApiMetrics({
  registry,
  redis,
  keys: createKeyspace(env.CONVEYOR_PREFIX),
  tenantLabels: env.METRICS_TENANT_LABELS,
  token: env.METRICS_TOKEN,
});
if (!env.METRICS_TOKEN && !isLoopback(env.API_HOST))
  logger.warn(
    `METRICS_TOKEN is not set: /metrics is open to anyone who reaches ${env.API_HOST}`,
  );
// History on: the database is opened (and migrated) in the background, so
// a PostgreSQL that is down does not stop enqueues (they wait in the outbox).
const historyOn = historySetting(env);
const history = historyOn.on
  ? connectHistory({ databaseUrl: historyOn.databaseUrl, logger })
  : undefined;
if (historyOn.on) {
  const host = new URL(historyOn.databaseUrl).host;
  logger.info({ host }, `history on: PostgreSQL at ${host}`);
} else logger.info(`history off (${historyOn.why})`);
const queues = new QueueService({
  onEnqueued: metrics.onEnqueued,
  ...(history
    ? {
        history: {
          store: () => history.store(),
          outbox: new HistoryOutbox(redis, createKeyspace(env.CONVEYOR_PREFIX)),
        },
      }
    : {}),
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
const authenticate = createAuthenticate({
  tokens: queues.tokens,
  adminToken: env.CONVEYOR_ADMIN_TOKEN,
  adminTenant: env.CONVEYOR_ADMIN_TENANT,
});
const dashboard = env.DASHBOARD_ENABLED
  ? createDashboard({
      queues,
      logger,
      authenticate,
      readOnly: env.DASHBOARD_READ_ONLY,
      sessionSecret: env.DASHBOARD_SESSION_SECRET ?? env.CONVEYOR_ADMIN_TOKEN,
      sessionTtlMs: env.DASHBOARD_SESSION_TTL_MINUTES * 60_000,
      secureCookie: env.DASHBOARD_SECURE_COOKIE,
    })
  : undefined;
const server = createApiServer({
  queues,
  logger,
  observers: [requestLog(logger), metrics.observer],
  routes: [metrics.route, ...(dashboard ? [dashboard.route] : [])],
  http: httpOptionsFromEnv(env),
  authenticate,
});

if (tracing.enabled) traceHttpRequests(server);

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
  if (dashboard) {
    const admin = `http://${env.API_HOST}:${port}/admin`;
    logger.info({ url: admin }, `Dashboard at ${admin}`);
  }
});

onShutdownSignal(async (signal) => {
  logger.info({ signal }, 'shutting down');
  server.close();
  server.closeIdleConnections();
  await metrics.close();
  await dashboard?.close();
  await queues.close();
  await history?.close();
  await tracing.shutdown().catch(() => undefined);
  process.exit(0);
});
