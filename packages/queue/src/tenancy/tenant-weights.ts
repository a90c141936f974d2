import type { Redis } from 'ioredis';
import type { Keyspace } from '../keyspace.ts';

/**
 * Copies a tenant's fair-share weight into every queue's `{Q}:cv:fc:weights`
 * (null removes it: the dispatch script then uses 1). The limits hash is the
 * source; this copy lives on each queue's own slot because the dispatch
 * script may only touch that slot. One command per queue, not a pipeline:
 * on a Cluster each queue is on its own node.
 */
export async function mirrorTenantWeight(
  redis: Redis,
  keys: Keyspace,
  queues: readonly string[],
  change: { tenant: string; weight: number | null },
): Promise<void> {
  const { tenant, weight } = change;
  await Promise.all(
    queues.map((queue) => {
      const key = `${keys.flowPrefix(queue)}weights`;
      return weight === null
        ? redis.hdel(key, tenant)
        : redis.hset(key, tenant, String(weight));
    }),
  );
}
