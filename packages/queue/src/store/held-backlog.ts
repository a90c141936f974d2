import type { Redis } from 'ioredis';
import type { Keyspace } from '../keyspace.ts';

/** One tenant's held jobs in one queue. */
export interface HeldBacklogRow {
  queue: string;
  tenant: string;
  held: number;
}

const backlogKey = (keys: Keyspace, queue: string) =>
  `${keys.flowPrefix(queue)}backlog`;

/** A tenant's held jobs (flow control, not yet dispatched) per queue. */
export async function tenantHeldBacklog(
  redis: Redis,
  keys: Keyspace,
  queues: readonly string[],
  tenant: string,
): Promise<Map<string, number>> {
  // One command per queue: each queue is on its own Cluster slot.
  const counts = await Promise.all(
    queues.map((queue) => redis.hget(backlogKey(keys, queue), tenant)),
  );
  return new Map(queues.map((queue, i) => [queue, heldCount(counts[i])]));
}

/**
 * Every tenant's held jobs per queue, largest first; tenants with none are
 * left out. For operators (admin) and metrics, never for a tenant.
 */
export async function heldBacklog(
  redis: Redis,
  keys: Keyspace,
  queues: readonly string[],
): Promise<HeldBacklogRow[]> {
  const hashes = await Promise.all(
    queues.map((queue) => redis.hgetall(backlogKey(keys, queue))),
  );
  const rows = hashes.flatMap((hash, i) =>
    Object.entries(hash).map(([tenant, count]) => ({
      queue: queues[i] ?? '',
      tenant,
      held: heldCount(count),
    })),
  );
  return rows
    .filter((row) => row.held > 0)
    .sort((a, b) => b.held - a.held || a.tenant.localeCompare(b.tenant));
}

/** A stored count; a missing or damaged one (or a negative one a crash left) is 0. */
function heldCount(value: string | null | undefined): number {
  const n = Number(value ?? 0);
  return Number.isSafeInteger(n) && n > 0 ? n : 0;
}
