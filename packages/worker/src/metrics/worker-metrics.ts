import type { AnyRegistry } from '@conveyor/core';
import {
  createMetricsRegistry,
  flowWaitMetrics,
  heldBacklogCollector,
  jobMetrics,
  metricsRoute,
  queueDepthCollector,
  type HttpRoute,
  type MetricsRegistry,
  type QueueDepthOptions,
  versionHandbackMetrics,
  workerProgressGauge,
} from '@conveyor/ops';
import type { JobObserver, Keyspace } from '@conveyor/queue';

export interface WorkerMetricsOptions {
  registry: AnyRegistry;
  /** The worker's shared connection: queue depth is read on it when scraped. */
  redis: QueueDepthOptions['redis'];
  keys: Keyspace;
  /** The queues this worker serves (depth is reported for these). */
  queues: readonly string[];
  /** METRICS_TENANT_LABELS: a `tenant` label on job metrics. */
  tenantLabels?: boolean;
  /** METRICS_TOKEN: scrapes then need it as a Bearer token. */
  token?: string | undefined;
  /** Node process metrics (default on). */
  processMetrics?: boolean;
}

export interface WorkerMetrics {
  readonly metrics: MetricsRegistry;
  /** For `createWorkerPool({ observers })`: durations, pickup latency, flow wait per tenant, outcome and hand-back counts. */
  observer: JobObserver;
  /** `/metrics`, for the health server's routes. */
  route: HttpRoute;
  /** `conveyor_worker_seconds_since_progress`, from the progress watchdog once it runs. */
  watchProgress(secondsSinceProgress: () => number): void;
  close(): Promise<void>;
}

/** The worker's metrics, served on its health port. */
export function createWorkerMetrics(
  options: WorkerMetricsOptions,
): WorkerMetrics {
  const metrics = createMetricsRegistry({
    service: 'conveyor-worker',
    ...(options.processMetrics === undefined
      ? {}
      : { processMetrics: options.processMetrics }),
  });
  const jobs = jobMetrics(metrics, {
    registry: options.registry,
    tenantLabels: options.tenantLabels ?? false,
  });
  const queueReads = {
    redis: options.redis,
    keys: options.keys,
    queues: options.queues,
  };
  const depth = queueDepthCollector(metrics, queueReads);
  // The wait histogram names the tenants the backlog gauge found on top;
  // none when tenant labels are off (METRICS_TENANT_LABELS).
  const held = heldBacklogCollector(metrics, {
    ...queueReads,
    ...(options.tenantLabels ? {} : { topTenants: 0 }),
  });
  const wait = flowWaitMetrics(metrics, {
    registry: options.registry,
    queues: options.queues,
    tenants: held.tenants,
  });
  const handBacks = versionHandbackMetrics(metrics);
  return {
    metrics,
    observer: {
      ...jobs,
      ...handBacks,
      beforeAttempt(info) {
        wait.beforeAttempt(info);
        return jobs.beforeAttempt(info);
      },
    },
    route: metricsRoute(metrics, { token: options.token }),
    watchProgress: (since) => workerProgressGauge(metrics, since),
    close: () => depth.close(),
  };
}
