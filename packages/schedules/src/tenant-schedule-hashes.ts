import type { Redis } from 'ioredis';
import type { Keyspace } from '@conveyor/queue';

/**
 * Every tenant's schedules hash, by SCAN: `{*}` matches the tenant in the
 * hash tag (braces are literal in a pattern). On a Cluster each node holds
 * its own keys, so this sees only the node `redis` talks to.
 */
export async function tenantScheduleHashes(
  redis: Redis,
  keys: Keyspace,
): Promise<string[]> {
  const found = new Set<string>();
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(
      cursor,
      'MATCH',
      keys.schedules('*'),
      'COUNT',
      1_000,
    );
    for (const key of batch) found.add(key);
    cursor = next;
  } while (cursor !== '0');
  return [...found].sort();
}
