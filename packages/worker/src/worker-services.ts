import type { AnyRegistry } from '@conveyor/core';
import {
  createDeliveryWorker,
  createWebhookDispatcher,
} from '@conveyor/webhooks';
import {
  createKeyspace,
  createRedisClient,
  redisAddress,
  watchRedisCapacity,
  type Logger,
} from '@conveyor/queue';
import { reconcileSchedules } from '@conveyor/schedules';
import { redisSelfCheck } from '@conveyor/ops';
import type { WorkerEnv } from './env.ts';
import { startWorkerHistory } from './history/worker-history.ts';
import { createWorkerMetrics } from './metrics/worker-metrics.ts';

export type WorkerServices = ReturnType<typeof startWorkerServices>;

/**
 * What runs beside the pool on the worker's one Redis connection: the
 * contract's schedules, the capacity watch, webhooks, metrics and history.
 */
export function startWorkerServices(
  env: WorkerEnv,
  registry: AnyRegistry,
  logger: Logger,
) {
  const connection = createRedisClient(redisAddress(env), {
    preset: 'worker',
    logger,
  });
  const keys = createKeyspace(env.CONVEYOR_PREFIX);
  // Logs Redis's version, memory policy and persistence; warns on risky ones.
  void redisSelfCheck(connection, logger);
  // The contract's schedules, as this build declares them (APIs do the same).
  void reconcileSchedules({ registry, redis: connection, keys, logger }).catch(
    (error: unknown) =>
      logger.warn({ err: error }, 'contract schedules not reconciled'),
  );
  const capacity = watchRedisCapacity(connection, logger);
  // Webhooks: the dispatcher only enqueues (on the job's path, cheaply); the
  // delivery worker sends, on its own queue and concurrency.
  const webhooks = createWebhookDispatcher({ redis: connection, keys, logger });
  const deliveries = createDeliveryWorker({
    redis: connection,
    keys,
    logger,
    allowPrivate: env.WEBHOOK_ALLOW_PRIVATE,
    concurrency: env.WEBHOOK_CONCURRENCY,
  });
  // Served on the health port: without one, no metrics are kept.
  const metrics =
    env.WORKER_HEALTH_PORT === undefined
      ? undefined
      : createWorkerMetrics({
          registry,
          redis: connection,
          keys,
          queues: env.WORKER_QUEUES.length
            ? env.WORKER_QUEUES
            : registry.queues,
          tenantLabels: env.METRICS_TENANT_LABELS,
          token: env.METRICS_TOKEN,
        });
  const history = startWorkerHistory({
    mode: env.HISTORY,
    databaseUrl: env.DATABASE_URL,
    retentionDays: env.HISTORY_RETENTION_DAYS,
    redis: connection,
    keys,
    logger,
  });
  return { connection, keys, capacity, webhooks, deliveries, metrics, history };
}
