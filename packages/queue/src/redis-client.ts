import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

/**
 * The connection kinds Conveyor uses, each with explicit settings:
 *
 * - `api`: fails fast. With the offline queue off, a command issued while
 *   Redis is down is rejected at once instead of holding an HTTP request
 *   until a reconnect; it reconnects in the background (≤ 1 s between tries),
 *   so the API recovers by itself.
 * - `producer`: the same, for a backend service that enqueues in-process.
 * - `worker`: blocks and never gives up on a command
 *   (`maxRetriesPerRequest: null`, as BullMQ requires for workers).
 */
export type RedisPreset = 'api' | 'producer' | 'worker';

const FAIL_FAST: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 2_000,
  retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
};

export const REDIS_PRESETS: Record<RedisPreset, RedisOptions> = {
  api: FAIL_FAST,
  producer: FAIL_FAST,
  worker: { maxRetriesPerRequest: null },
};

export interface RedisClientOptions {
  preset: RedisPreset;
  /** Outages are logged once per episode (lost, then restored), not once per reconnect attempt. */
  logger?: Logger;
}

export function createRedisClient(
  url: string,
  options: RedisClientOptions,
): Redis {
  const redis = new Redis(url, REDIS_PRESETS[options.preset]);
  const { logger } = options;
  let down = false;
  // Without an error listener ioredis would crash the process on an outage.
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger?.warn({ err: error.message }, 'Redis connection lost; retrying');
  });
  redis.on('ready', () => {
    if (down) logger?.info('Redis connection restored');
    down = false;
  });
  return redis;
}
