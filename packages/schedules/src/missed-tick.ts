import { scheduledTick, type MissedRunPolicy } from '@conveyor/core';
import type { Job, JobSchedulerJobOptions } from 'bullmq';
import { nextTicks, timingOfRepeat } from './schedule-timing.ts';

export interface MissedTick {
  scheduleId: string;
  tickAt: number;
  policy: MissedRunPolicy;
}

/**
 * A fired job starts late enough to have missed a tick when its following
 * tick is already due: nothing was running (or everything was busy) for a
 * whole period. Only then does the schedule's `missed` policy apply.
 */
export function missedTick(job: Job, now: number): MissedTick | null {
  const tick = scheduledTick(job.id ?? '');
  if (!tick) return null;
  const timing = timingOfRepeat((job.opts as JobSchedulerJobOptions).repeat);
  if (!timing) return null;
  let following: number | undefined;
  try {
    [following] = nextTicks(timing, tick.tickAt, 1);
  } catch {
    return null;
  }
  if (following === undefined || now < following) return null;
  return { ...tick, policy: missedPolicy(job.data) };
}

/** Stored in the schedule's envelope; jobs fired before policies existed run once. */
function missedPolicy(data: unknown): MissedRunPolicy {
  const missed =
    typeof data === 'object' && data !== null
      ? (data as { missed?: unknown }).missed
      : undefined;
  return missed === 'skip' ? 'skip' : 'run-once';
}
