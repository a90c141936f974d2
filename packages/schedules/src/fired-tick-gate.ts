import type { QueueName } from '@conveyor/core';
import type { AttemptGate, AttemptInfo, Keyspace } from '@conveyor/queue';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { admitFiredJobs } from './admit-fired-job.ts';
import { recordTick } from './last-tick.ts';
import { missedTick, type MissedTick } from './missed-tick.ts';

/**
 * The worker pool's `gate` for contract schedules: a fired tick's first
 * attempt is listed for its tenant, noted as its schedule's last, checked against the schedule's missed-tick
 * policy (`schedule.missed` reported), then admitted like an enqueue. A tick
 * that is skipped ends cancelled with the reason.
 */
export function firedTickGate(
  redis: Redis,
  keys: Keyspace,
  queues: readonly QueueName[],
): AttemptGate {
  const admission = admitFiredJobs(redis, keys, queues);
  return {
    concerns: isFiredTick,
    async admit(job, info, report) {
      await admission.list(info);
      await recordTick(redis, keys, info.jobId);
      const missed = missedTick(job, info.startedAt);
      if (missed)
        await report('schedule.missed', {
          scheduleId: missed.scheduleId,
          tickAt: missed.tickAt,
          policy: missed.policy,
        });
      if (missed?.policy === 'skip') return skippedReason(missed);
      return admission.admit(info);
    },
  };
}

/** A fired schedule tick's first attempt: the only one that may be skipped. */
function isFiredTick(job: Job, info: AttemptInfo): boolean {
  return info.attempt === 1 && job.id?.startsWith('repeat:') === true;
}

function skippedReason({ tickAt }: MissedTick): string {
  return `Missed tick at ${new Date(tickAt).toISOString()} skipped (schedule policy: skip)`;
}
