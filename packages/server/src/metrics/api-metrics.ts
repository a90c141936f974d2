import type { AnyRegistry } from '@conveyor/core';
import {
  createMetricsRegistry,
  enqueueMetrics,
  heldBacklogCollector,
  metricsRoute,
  queueDepthCollector,
  requestMetrics,
  type EnqueueCounter,
  type HttpRoute,
  type MetricsRegistry,
} from '@conveyor/ops';
import type { Keyspace } from '@conveyor/queue';
import type { Redis } from 'ioredis';
import type { RequestObserver } from '../request-observer.ts';
import { routerFor } from '../router-for.ts';

export interface ApiMetricsOptions {
  registry: AnyRegistry;
  /** The API's connection: queue depth is read on it when scraped. */
  redis: Redis;
  keys: Keyspace;
  /** METRICS_TENANT_LABELS: a `tenant` label on enqueue and request metrics. */
  tenantLabels?: boolean;
  /** METRICS_TOKEN: scrapes then need it as a Bearer token. */
  token?: string | undefined;
  /** Node process metrics (default on; tests with several APIs turn it off). */
  processMetrics?: boolean;
}

export interface ApiMetrics {
  readonly metrics: MetricsRegistry;
  /** For `createApiServer({ observers })`. */
  observer: RequestObserver;
  /** For `new QueueService({ onEnqueued })`. */
  onEnqueued: EnqueueCounter;
  /** `/metrics`, for `createApiServer({ routes })`. */
  route: HttpRoute;
  close(): Promise<void>;
}

/**
 * The API's metrics: requests by procedure and status, jobs enqueued, and
 * queue depth and held backlog (here too, not only on workers, so a backlog
 * with no worker left to report it still shows), plus Node's process metrics.
 */
export function createApiMetrics(options: ApiMetricsOptions): ApiMetrics {
  const metrics = createMetricsRegistry({
    service: 'conveyor-api',
    ...(options.processMetrics === undefined
      ? {}
      : { processMetrics: options.processMetrics }),
  });
  const tenantLabels = options.tenantLabels ?? false;
  const queueReads = {
    redis: options.redis,
    keys: options.keys,
    queues: options.registry.queues,
  };
  const depth = queueDepthCollector(metrics, queueReads);
  heldBacklogCollector(metrics, {
    ...queueReads,
    ...(tenantLabels ? {} : { topTenants: 0 }),
  });
  return {
    metrics,
    observer: requestMetrics(metrics, {
      // Only the router's names become labels, whatever a caller asks for.
      procedures: Object.keys(routerFor(options.registry)._def.procedures),
      tenantLabels,
    }),
    onEnqueued: enqueueMetrics(metrics, {
      registry: options.registry,
      tenantLabels,
    }),
    route: metricsRoute(metrics, { token: options.token }),
    close: () => depth.close(),
  };
}
