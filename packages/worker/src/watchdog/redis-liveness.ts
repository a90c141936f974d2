import type { RedisLivenessOptions } from './redis-liveness-options.ts';

export interface RedisLiveness {
  /** Why /readyz should fail; empty while Redis answers in time. */
  reasons: () => string[];
  stop(): void;
}

/**
 * Notices a Redis connection that stays open but no longer answers (a
 * partition, a stalled network path): ioredis still says `ready`, and a
 * worker's commands (lock renewals, fetches) wait without end. One ping at
 * a time, never stacked on a silent socket: unready once the one in flight
 * has waited `deadlineMs`, ready again as soon as it is answered.
 */
export function startRedisLiveness(
  options: RedisLivenessOptions,
): RedisLiveness {
  const { deadlineMs, logger } = options;
  let sentAt: number | undefined;
  let silent = false;
  const ping = () => {
    if (sentAt !== undefined) {
      if (!silent && Date.now() - sentAt >= deadlineMs) {
        silent = true;
        logger.warn({ deadlineMs }, 'Redis does not answer: unready');
      }
      return;
    }
    const started = Date.now();
    sentAt = started;
    // A rejection (connection closed) is an answer too: ioredis's status
    // then says why the worker is unready.
    void options.redis
      .ping()
      .catch(() => undefined)
      .finally(() => {
        sentAt = undefined;
        if (!silent) return;
        silent = false;
        logger.info(
          { silentMs: Date.now() - started },
          'Redis answers again: ready',
        );
      });
  };
  const timer = setInterval(
    ping,
    Math.max(50, Math.min(1_000, deadlineMs / 4)),
  );
  timer.unref();
  ping();
  return {
    reasons: () =>
      sentAt !== undefined && Date.now() - sentAt >= deadlineMs
        ? [
            `redis does not answer: a ping has waited ${Math.round((Date.now() - sentAt) / 1_000)} s (limit ${deadlineMs} ms)`,
          ]
        : [],
    stop: () => clearInterval(timer),
  };
}
