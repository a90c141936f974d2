import type { Keyspace } from '../keyspace.ts';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export interface TakeableJobs {
  /** Per queue, the jobs a worker of it could take right now. */
  count(): Promise<Map<string, number>>;
  close(): Promise<void>;
}

/**
 * Jobs BullMQ itself would hand a worker now: `wait` and `prioritized`,
 * none while the queue is paused, rate limited or at its global
 * concurrency. Jobs held for fair share sit in their flow lanes, not in
 * `wait`, so they never count. Read only when the watchdog suspects.
 */
export function takeableJobs(
  redis: Redis,
  keys: Keyspace,
  queueNames: readonly string[],
): TakeableJobs {
  let queues: Queue[] | undefined;
  const open = () =>
    (queues ??= queueNames.map((name) => {
      const queue = new Queue(name, {
        connection: redis,
        prefix: keys.bullPrefix(name),
      });
      queue.on('error', () => undefined); // the connection's owner logs outages
      return queue;
    }));
  return {
    async count() {
      const entries = await Promise.all(
        open().map(async (q) => [q.name, await takeable(q)] as const),
      );
      return new Map(entries);
    },
    async close() {
      await Promise.all((queues ?? []).map((q) => q.close()));
    },
  };
}

async function takeable(queue: Queue): Promise<number> {
  const [paused, limitedMs, global, counts] = await Promise.all([
    queue.isPaused(),
    queue.getRateLimitTtl(),
    queue.getGlobalConcurrency(),
    queue.getJobCounts('wait', 'prioritized', 'active'),
  ]);
  if (paused || limitedMs > 0) return 0;
  if (global !== null && (counts.active ?? 0) >= global) return 0;
  return (counts.wait ?? 0) + (counts.prioritized ?? 0);
}
