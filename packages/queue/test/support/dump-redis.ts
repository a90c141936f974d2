import type { Redis } from 'ioredis';
import { scanKeys } from '../../src/scan-keys.ts';

/** Every key under `prefix` with everything it holds, as text: for "never in clear" checks. */
export async function dumpRedis(redis: Redis, prefix: string): Promise<string> {
  const parts: string[] = [];
  for (const key of await scanKeys(redis, `${prefix}:*`)) {
    const type = await redis.type(key);
    const value =
      type === 'string'
        ? await redis.get(key)
        : type === 'hash'
          ? await redis.hgetall(key)
          : type === 'list'
            ? await redis.lrange(key, 0, -1)
            : type === 'set'
              ? await redis.smembers(key)
              : type === 'zset'
                ? await redis.zrange(key, '0', '-1', 'WITHSCORES')
                : type === 'stream'
                  ? await redis.xrange(key, '-', '+')
                  : null;
    parts.push(`${key} ${type} ${JSON.stringify(value)}`);
  }
  return parts.join('\n');
}
