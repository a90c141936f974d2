import type { Redis } from 'ioredis';
import { scanKeys, type Keyspace } from '@conveyor/queue';

/**
 * Every tenant's schedules hash, by SCAN (every master on a Cluster): `{*}`
 * matches the tenant in the hash tag (braces are literal in a pattern).
 */
export function tenantScheduleHashes(
  redis: Redis,
  keys: Keyspace,
): Promise<string[]> {
  return scanKeys(redis, keys.schedules('*'));
}
