import { Gauge } from 'prom-client';
import { createKeyspace, heldBacklog, withDeadline } from '@conveyor/queue';
import type { MetricsRegistry, QueueDepthOptions } from './metrics-options.ts';
import { OTHER_LABEL } from './label-bound.ts';
import { TopTenants } from './top-tenants.ts';

export interface HeldBacklogCollector {
  /** The tenants the gauge names, refreshed by each read: for other flow-control metrics' labels. */
  readonly tenants: TopTenants;
}

/**
 * `conveyor_flow_held_jobs{queue,tenant}`: jobs flow control holds (not yet
 * dispatched), read from each queue's `{Q}:cv:fc:backlog` when scraped,
 * reused for `cacheMs`. Only the top tenants by backlog are named, the
 * rest summed as `other` (see TopTenants for why). When the read fails or
 * is late the gauge is emptied: absent = unknown.
 */
export function heldBacklogCollector(
  metrics: MetricsRegistry,
  options: QueueDepthOptions & { topTenants?: number },
): HeldBacklogCollector {
  const { redis, cacheMs = 2_000, timeoutMs = 1_000 } = options;
  const keys = options.keys ?? createKeyspace();
  const tenants = new TopTenants(options.topTenants);
  let readAt = -Infinity;
  let reading: Promise<void> | undefined;

  const gauge = new Gauge({
    name: 'conveyor_flow_held_jobs',
    help: 'Jobs flow control holds per queue and tenant (top tenants by backlog; the rest are "other")',
    labelNames: ['queue', 'tenant'],
    registers: [metrics],
    async collect() {
      if (Date.now() - readAt < cacheMs) return;
      reading ??= read().finally(() => (reading = undefined));
      await withDeadline(reading, timeoutMs).catch(() => gauge.reset());
    },
  });

  async function read(): Promise<void> {
    const rows = await heldBacklog(redis, keys, options.queues);
    tenants.update(rows);
    const sums = new Map<string, Map<string, number>>();
    for (const { queue, tenant, held } of rows) {
      const perTenant = sums.get(queue) ?? new Map<string, number>();
      const label = tenants.label(tenant);
      perTenant.set(label, (perTenant.get(label) ?? 0) + held);
      sums.set(queue, perTenant);
    }
    // Reset: a tenant that left the top (or emptied) must not stay shown.
    gauge.reset();
    for (const queue of options.queues) {
      gauge.set({ queue, tenant: OTHER_LABEL }, 0);
      for (const [tenant, held] of sums.get(queue) ?? [])
        gauge.set({ queue, tenant }, held);
    }
    readAt = Date.now();
  }

  return { tenants };
}
