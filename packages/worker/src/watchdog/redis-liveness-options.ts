import type { Logger } from '@conveyor/queue';

export interface RedisLivenessOptions {
  /** The shared connection: BullMQ renews job locks on it. */
  redis: { ping(): Promise<string> };
  /** WORKER_REDIS_DEADLINE_MS: a ping unanswered this long makes the worker unready. */
  deadlineMs: number;
  logger: Logger;
}
