import type { Redis } from 'ioredis';
import { DeadlineExceededError } from './deadline.ts';

/**
 * Resolves once a connection is ready, or rejects after `ms`. A fail-fast
 * connection rejects commands until then; callers wait for it as long as an
 * enqueue would, and leave no listener behind either way.
 */
export function whenReady(redis: Redis, ms: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const ready = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      redis.off('ready', ready);
      reject(new DeadlineExceededError(ms));
    }, ms);
    redis.once('ready', ready);
  });
}
