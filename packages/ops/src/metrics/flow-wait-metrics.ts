import { Histogram } from 'prom-client';
import type { AnyRegistry } from '@conveyor/core';
import type { AttemptInfo } from '@conveyor/queue';
import { LabelBound } from './label-bound.ts';
import type { MetricsRegistry } from './metrics-options.ts';
import { PICKUP_BUCKETS } from './job-metrics.ts';
import type { TopTenants } from './top-tenants.ts';

/**
 * `conveyor_flow_wait_seconds{queue,tenant}`: from enqueue (plus any delay)
 * to the first attempt's start, held time included, per tenant: what fair
 * share and per-key limits cost each tenant. The tenant label is one of the
 * top tenants by held backlog (`tenants`), else `other`: bounded (see
 * TopTenants). Memory only, nothing touches Redis on the job's path.
 */
export function flowWaitMetrics(
  metrics: MetricsRegistry,
  options: {
    registry: AnyRegistry;
    queues: readonly string[];
    tenants: TopTenants;
  },
): { beforeAttempt(info: AttemptInfo): void } {
  const queues = new LabelBound(new Set(options.queues), 0);
  const wait = new Histogram({
    name: 'conveyor_flow_wait_seconds',
    help: 'From enqueue (and delay) to the first attempt, per tenant (top tenants by held backlog; the rest are "other")',
    labelNames: ['queue', 'tenant'],
    buckets: PICKUP_BUCKETS,
    registers: [metrics],
  });
  return {
    beforeAttempt(info: AttemptInfo) {
      // Only jobs flow control holds: the others' wait is the pickup metric's.
      if (info.readyAt === undefined || !options.registry.get(info.name)?.flow)
        return;
      wait
        .labels(queues.label(info.queue), options.tenants.label(info.tenantId))
        .observe(Math.max(0, info.startedAt - info.readyAt) / 1_000);
    },
  };
}
