import type { ChainableCommander, Redis } from 'ioredis';
import { PLATFORM_JOB_DEFAULTS } from './defaults.ts';
import { conveyorKeys } from './keys.ts';

/**
 * Every job is also listed in a per-queue sorted set scored by creation time,
 * which gives `jobs.list` a newest-first order that does not change while
 * jobs move between BullMQ's state lists. Entries outlive their jobs for at
 * most the longest retention; a trim runs now and then, not on every add.
 */
const KEEP_MS = (PLATFORM_JOB_DEFAULTS.removeOnFail.age + 24 * 60 * 60) * 1_000;
const KEEP_COUNT = 200_000;
const TRIM_EVERY = 1_000;

export class JobIndex {
  private addsSinceTrim = new Map<string, number>();
  private sequence = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Queues the index update on `pipeline` (or runs it) for jobs just added. */
  record(
    queue: string,
    entries: { id: string; createdAt: number }[],
    pipeline: ChainableCommander = this.redis.pipeline(),
  ): ChainableCommander {
    const key = conveyorKeys.index(this.prefix, queue);
    // Score = ms × 1000 + a sequence: a bulk add shares one timestamp, and
    // equal scores would make cursor pagination over ties fragile.
    const members = entries.flatMap((e) => {
      this.sequence = (this.sequence + 1) % 1_000;
      return [e.createdAt * 1_000 + this.sequence, e.id];
    });
    pipeline.zadd(key, ...members);
    const adds = (this.addsSinceTrim.get(queue) ?? 0) + entries.length;
    if (adds >= TRIM_EVERY) {
      pipeline.zremrangebyscore(
        key,
        '-inf',
        `(${(Date.now() - KEEP_MS) * 1_000}`,
      );
      pipeline.zremrangebyrank(key, 0, -(KEEP_COUNT + 1));
      this.addsSinceTrim.set(queue, 0);
    } else {
      this.addsSinceTrim.set(queue, adds);
    }
    return pipeline;
  }
}
