import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * The API's Redis client fails fast: with the offline queue off, a command
 * issued while Redis is down is rejected at once instead of waiting (and
 * holding an HTTP request) until a reconnect. It keeps reconnecting in the
 * background, so the API recovers by itself when Redis returns.
 */
export function createApiRedis(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    // Reconnect quickly (≤ 1 s) so recovery is prompt once Redis is back.
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  });
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return; // one line per outage, not one per reconnect attempt
    down = true;
    logger.warn({ err: error.message }, 'Redis connection lost; retrying');
  });
  redis.on('ready', () => {
    if (down) logger.info('Redis connection restored');
    down = false;
  });
  return redis;
}
