import type { Redis } from 'ioredis';
import { connectRedis, masters } from './redis-cluster.ts';
import { randomUUID } from 'node:crypto';

/** A key prefix no other test uses: suites share one Redis without seeing each other. */
export function uniquePrefix(label = 'test'): string {
  return `t-${label}-${randomUUID().slice(0, 8)}`;
}

/** Every key under a prefix, from every master of a Cluster (SCAN, never KEYS). */
export async function keysUnder(
  redis: Redis,
  prefix: string,
): Promise<string[]> {
  const found: string[] = [];
  for (const node of masters(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(
        cursor,
        'MATCH',
        `${prefix}:*`,
        'COUNT',
        500,
      );
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
  }
  return found;
}

/** Deletes every key under a prefix (SCAN, never KEYS or FLUSHDB: REDIS_URL may be shared). */
export async function deletePrefix(
  redisUrl: string,
  prefix: string,
): Promise<void> {
  const redis = connectRedis(redisUrl);
  try {
    // One UNLINK per key: a Cluster refuses one command across slots.
    const keys = await keysUnder(redis, prefix);
    await Promise.all(keys.map((key) => redis.unlink(key)));
  } finally {
    redis.disconnect();
  }
}

/** Polls until `check` returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
