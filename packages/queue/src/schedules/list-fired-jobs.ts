import { scheduledTick } from '@conveyor/jobs';
import type { Redis } from 'ioredis';
import type { Keyspace } from '../keyspace.ts';
import type { AttemptHooks } from '../worker/attempt-hooks.ts';

/**
 * Jobs a schedule fires are added by BullMQ's scheduler, not by Conveyor's
 * producer, so they skip admission and its listing-index entry. When one
 * starts, it joins its tenant's index (scored by its tick), so `jobs.list`
 * shows it from then on like any job; a stalled restart adds nothing (NX).
 */
export function listFiredJobs(redis: Redis, keys: Keyspace): AttemptHooks {
  return {
    async beforeAttempt(info) {
      if (info.attempt !== 1) return;
      const tick = scheduledTick(info.jobId);
      if (!tick) return;
      await redis.zadd(
        keys.index(info.queue, info.tenantId),
        'NX',
        tick.tickAt * 1_000,
        info.jobId,
      );
    },
  };
}
