import type { AnyRegistry, QueueOf, QueueStats } from '@conveyor/core';
import { tenantHeldBacklog } from './held-backlog.ts';
import type { JobReader } from './job-reader.ts';

/**
 * A tenant's counts per queue: its unfinished jobs (from its ledger, by
 * their state now), of its waiting ones those flow control still holds, and
 * its finished totals. BullMQ's own counts are per
 * queue, shared by every tenant, so they are never shown to one.
 */
export async function tenantStats<TRegistry extends AnyRegistry>(
  store: JobReader<TRegistry>,
  tenant: string,
): Promise<QueueStats<QueueOf<TRegistry['jobs']>>> {
  // Stats are where a leaked entry would show (as waiting forever), so they
  // heal first, whatever the tenant's limits.
  await store.ledger.heal(tenant);
  const [ledger, held] = await Promise.all([
    store.ledger.counts(tenant),
    tenantHeldBacklog(store.redis, store.keys, store.registry.queues, tenant),
  ]);
  // Pipelines, not MULTIs: no transaction over a large backlog. One per
  // queue: each queue's keys live on its own Cluster slot.
  const perQueue = await Promise.all(
    ledger.map(async ({ queue, open }) => {
      if (open.length === 0) return [];
      const states = store.redis.pipeline();
      for (const id of open) {
        states.zscore(store.keys.bull(queue, 'delayed'), id);
        states.lpos(store.keys.bull(queue, 'active'), id);
      }
      return ((await states.exec()) ?? []).map(([, value]) => value);
    }),
  );
  const replies = perQueue.flat();
  const stats = {} as QueueStats;
  let at = 0;
  for (const { queue, open, ...finished } of ledger) {
    const counts = {
      waiting: 0,
      delayed: 0,
      active: 0,
      ...finished,
      held: held.get(queue) ?? 0,
    };
    for (let i = 0; i < open.length; i += 1, at += 2) {
      if (replies[at] !== null) counts.delayed += 1;
      else if (replies[at + 1] !== null) counts.active += 1;
      else counts.waiting += 1;
    }
    stats[queue] = counts;
  }
  return stats;
}
