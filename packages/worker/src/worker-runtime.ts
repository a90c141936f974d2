import type { AnyRegistry } from '@conveyor/core';
import {
  assertKeysFor,
  createWorkerPool,
  type JobObserver,
  type Logger,
  type ProcessorMap,
  takeableJobs,
  type WorkerPool,
} from '@conveyor/queue';
import { firedTickGate } from '@conveyor/schedules';
import { checkWorkerQueues } from './check-worker-queues.ts';
import type { WorkerEnv } from './env.ts';
import { startHealthServer, type HealthServer } from './health-server.ts';
import {
  startProgressWatchdog,
  type ProgressWatchdog,
} from './watchdog/progress-watchdog.ts';
import { startRedisLiveness } from './watchdog/redis-liveness.ts';
import { startWorkerServices, type WorkerServices } from './worker-services.ts';

export interface WorkerRuntimeOptions<TRegistry extends AnyRegistry> {
  env: WorkerEnv;
  registry: TRegistry;
  processors: ProcessorMap<TRegistry>;
  logger: Logger;
  /** Told around every attempt and of every event, after the runtime's own (webhooks, metrics, history). */
  observers?: readonly JobObserver[];
}

export interface WorkerRuntime {
  readonly pool: WorkerPool;
  /** Resolves once every queue's worker and the webhook deliveries take jobs. */
  ready(): Promise<void>;
  /** The ordered shutdown; `reason` (a signal) is only logged. */
  close(reason?: string): Promise<void>;
}

/** The pool and everything beside it, started; no signal is handled here. */
export async function startWorkerRuntime<TRegistry extends AnyRegistry>(
  options: WorkerRuntimeOptions<TRegistry>,
): Promise<WorkerRuntime> {
  const { env, logger, registry } = options;
  // Before any connection: a misnamed queue is a configuration error.
  checkWorkerQueues(env.WORKER_QUEUES, registry);
  assertKeysFor(registry);
  const services = startWorkerServices(env, registry, logger);
  const { metrics, history } = services;
  const pool = createWorkerPool({
    // In this order around attempts and for events (the order they had).
    observers: [
      services.webhooks.observer,
      ...(metrics ? [metrics.observer] : []),
      ...(history ? [history.observer] : []),
      ...(options.observers ?? []),
    ],
    capacity: services.capacity,
    // Fired schedule ticks pass the tenant's quota and the missed-run policy first.
    gate: firedTickGate(services.connection, services.keys, registry.queues),
    registry,
    processors: options.processors,
    redis: services.connection,
    logger,
    keys: services.keys,
    concurrency: env.WORKER_CONCURRENCY,
    queues: env.WORKER_QUEUES,
    lockDuration: env.WORKER_LOCK_DURATION_MS,
    ...(env.WORKER_STALLED_INTERVAL_MS
      ? { stalledInterval: env.WORKER_STALLED_INTERVAL_MS }
      : {}),
    maxStalls: env.WORKER_MAX_STALLS,
  });
  const watchdog = watchProgress(env, pool, services, logger);
  const health =
    env.WORKER_HEALTH_PORT === undefined
      ? undefined
      : await startHealthServer({
          host: env.WORKER_HEALTH_HOST,
          port: env.WORKER_HEALTH_PORT,
          redis: services.connection,
          maxLagMs: env.WORKER_HEALTH_MAX_LAG_MS,
          reasons: watchdog.reasons,
          logger,
          routes: metrics ? [metrics.route] : [],
        });
  let closing: Promise<void> | undefined;
  return {
    pool,
    ready: async () => {
      await pool.ready();
      await services.deliveries.ready();
    },
    close: (reason) =>
      (closing ??= shutDown(
        { env, logger, pool, services, health, watchdog },
        reason,
      )),
  };
}

/**
 * The progress watchdog over the pool, its gauge on the worker's metrics,
 * and the Redis liveness ping: /readyz hears both.
 */
function watchProgress(
  env: WorkerEnv,
  pool: WorkerPool,
  services: WorkerServices,
  logger: Logger,
): ProgressWatchdog & { close(): Promise<void> } {
  const takeable = takeableJobs(
    services.connection,
    services.keys,
    pool.workers.map((w) => w.name),
  );
  const watchdog = startProgressWatchdog({
    workers: pool.workers,
    activeAttempts: () => pool.activeAttempts(),
    redis: services.connection,
    takeable,
    stuckAfterMs: env.WORKER_STUCK_AFTER_MS,
    logger,
  });
  services.metrics?.watchProgress(watchdog.secondsSinceProgress);
  const liveness = startRedisLiveness({
    redis: services.connection,
    deadlineMs: env.WORKER_REDIS_DEADLINE_MS,
    logger,
  });
  return {
    ...watchdog,
    reasons: () => [...liveness.reasons(), ...watchdog.reasons()],
    close: async () => {
      liveness.stop();
      watchdog.stop();
      await takeable.close();
    },
  };
}

interface RunningParts {
  env: WorkerEnv;
  logger: Logger;
  pool: WorkerPool;
  services: WorkerServices;
  health: HealthServer | undefined;
  watchdog: { close(): Promise<void> };
}

/** BullMQ's order: stop taking jobs, let active ones finish within the grace period, close connections. */
async function shutDown(parts: RunningParts, reason?: string): Promise<void> {
  const { env, logger, pool, services } = parts;
  // Before the pool closes: a draining pool takes no jobs, rightly.
  await parts.watchdog.close();
  logger.info(
    {
      ...(reason ? { signal: reason } : {}),
      graceMs: env.WORKER_SHUTDOWN_GRACE_MS,
    },
    'shutting down: no new jobs, finishing active ones',
  );
  // Beside the pool, not after it: in-flight deliveries (each at most
  // 10 s) finish within the same grace period; queued ones stay queued.
  const deliveriesClosed = services.deliveries.close();
  const leftOver = await pool.close(env.WORKER_SHUTDOWN_GRACE_MS);
  if (leftOver.length > 0) {
    logger.warn(
      { jobIds: leftOver },
      'grace period over: these jobs are left to stalled-job recovery and will run again',
    );
  }
  // After the pool, so the events of its last jobs are still enqueued.
  await services.webhooks.close();
  await services.history?.close();
  await deliveriesClosed;
  await parts.health?.close();
  await services.metrics?.close();
  services.capacity.stop();
  services.connection.disconnect();
}
