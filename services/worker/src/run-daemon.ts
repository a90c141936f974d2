import type { AnyRegistry } from '@conveyor/core';
import {
  createDeliveryWorker,
  createWebhookDispatcher,
} from '@conveyor/webhooks';
import {
  createKeyspace,
  createRedisClient,
  redisAddress,
  createWorkerPool,
  watchRedisCapacity,
  type JobObserver,
  type ProcessorMap,
  type Logger,
} from '@conveyor/queue';
import { firedTickGate, reconcileSchedules } from '@conveyor/schedules';
import { redisSelfCheck, onShutdownSignal } from '@conveyor/ops';
import type { WorkerEnv } from './env.ts';
import { startHealthServer } from './health-server.ts';
import { startWorkerHistory } from './history/worker-history.ts';
import { createWorkerMetrics } from './metrics/worker-metrics.ts';

export interface DaemonOptions<TRegistry extends AnyRegistry> {
  env: WorkerEnv;
  registry: TRegistry;
  processors: ProcessorMap<TRegistry>;
  logger: Logger;
  /** Told after the built-in ones (tracing, the event log, webhooks, metrics, history). */
  observers?: readonly JobObserver[];
  /** Runs after everything is closed, before the process exits 0 (flush traces). */
  beforeExit?: () => Promise<void>;
}

/**
 * Runs the worker pool until SIGTERM/SIGINT, then shuts down in BullMQ's
 * order: stop taking jobs, let active ones finish within the grace period,
 * close connections, exit 0. A second SIGINT exits at once (jobs left to
 * stalled-job recovery).
 */
export async function runDaemon<TRegistry extends AnyRegistry>(
  options: DaemonOptions<TRegistry>,
): Promise<void> {
  const { env, logger } = options;
  const connection = createRedisClient(redisAddress(env), {
    preset: 'worker',
    logger,
  });
  // Logs Redis's version, memory policy and persistence; warns on risky ones.
  void redisSelfCheck(connection, logger);
  // The contract's schedules, as this build declares them (APIs do the same).
  void reconcileSchedules({
    registry: options.registry,
    redis: connection,
    keys: createKeyspace(env.CONVEYOR_PREFIX),
    logger,
  }).catch((error: unknown) =>
    logger.warn({ err: error }, 'contract schedules not reconciled'),
  );
  const capacity = watchRedisCapacity(connection, logger);
  const keys = createKeyspace(env.CONVEYOR_PREFIX);
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
          registry: options.registry,
          redis: connection,
          keys,
          queues: env.WORKER_QUEUES.length
            ? env.WORKER_QUEUES
            : options.registry.queues,
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
  const pool = createWorkerPool({
    // In this order around attempts and for events (the order they had).
    observers: [
      webhooks.observer,
      ...(metrics ? [metrics.observer] : []),
      ...(history ? [history.observer] : []),
      ...(options.observers ?? []),
    ],
    capacity,
    gate: firedTickGate(connection, keys, options.registry.queues),
    registry: options.registry,
    processors: options.processors,
    redis: connection,
    logger,
    keys,
    concurrency: env.WORKER_CONCURRENCY,
    queues: env.WORKER_QUEUES,
    lockDuration: env.WORKER_LOCK_DURATION_MS,
    ...(env.WORKER_STALLED_INTERVAL_MS
      ? { stalledInterval: env.WORKER_STALLED_INTERVAL_MS }
      : {}),
    maxStalls: env.WORKER_MAX_STALLS,
  });
  const health =
    env.WORKER_HEALTH_PORT === undefined
      ? undefined
      : await startHealthServer({
          host: env.WORKER_HEALTH_HOST,
          port: env.WORKER_HEALTH_PORT,
          redis: connection,
          maxLagMs: env.WORKER_HEALTH_MAX_LAG_MS,
          logger,
          routes: metrics ? [metrics.route] : [],
        });

  onShutdownSignal(
    async (signal) => {
      logger.info(
        { signal, graceMs: env.WORKER_SHUTDOWN_GRACE_MS },
        'shutting down: no new jobs, finishing active ones',
      );
      // Beside the pool, not after it: in-flight deliveries (each at most
      // 10 s) finish within the same grace period; queued ones stay queued.
      const deliveriesClosed = deliveries.close();
      const leftOver = await pool.close(env.WORKER_SHUTDOWN_GRACE_MS);
      if (leftOver.length > 0) {
        logger.warn(
          { jobIds: leftOver },
          'grace period over: these jobs are left to stalled-job recovery and will run again',
        );
      }
      // After the pool, so the events of its last jobs are still enqueued.
      await webhooks.close();
      await history?.close();
      await deliveriesClosed;
      await health?.close();
      await metrics?.close();
      capacity.stop();
      connection.disconnect();
      await options.beforeExit?.().catch(() => undefined);
      logger.info('worker stopped');
      // pino writes synchronously to stdout by default, so nothing is lost here.
      process.exit(0);
    },
    (signal) => {
      // Ctrl-C in a terminal signals the whole process group, so a supervisor
      // (yarn start) may relay a SIGTERM on top: only a second SIGINT, a
      // person pressing Ctrl-C again, cuts the grace period short.
      if (signal !== 'SIGINT') return;
      logger.warn(
        'second Ctrl-C: exiting now; active jobs are left to stalled-job recovery',
      );
      process.exit(1);
    },
  );

  await pool.ready();
  await deliveries.ready();
  logger.info(
    {
      queues: pool.workers.map((w) => w.name),
      concurrency: env.WORKER_CONCURRENCY,
      lockDurationMs: env.WORKER_LOCK_DURATION_MS,
      maxStalls: env.WORKER_MAX_STALLS,
    },
    'Conveyor worker ready',
  );
}
