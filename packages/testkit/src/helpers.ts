import { connectRedis, masters } from './redis-cluster.ts';
import { randomUUID } from 'node:crypto';

/** A key prefix no other test uses: suites share one Redis without seeing each other. */
export function uniquePrefix(label = 'test'): string {
  return `t-${label}-${randomUUID().slice(0, 8)}`;
}

/** Deletes every key under a prefix (SCAN, never KEYS or FLUSHDB: REDIS_URL may be shared). */
export async function deletePrefix(
  redisUrl: string,
  prefix: string,
): Promise<void> {
  const redis = connectRedis(redisUrl);
  try {
    // A Cluster's keys are spread over its masters: SCAN each.
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
        // One UNLINK per key: a Cluster refuses one command across slots.
        await Promise.all(keys.map((key) => node.unlink(key)));
      } while (cursor !== '0');
    }
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
