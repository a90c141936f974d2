import type { ScheduleTick } from '@conveyor/core';
import type { Keyspace } from '@conveyor/queue';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { lastTick } from './last-tick.ts';
import { nextTicks, type StoredTiming } from './schedule-timing.ts';

/**
 * An interval's next runs from BullMQ's pending one. A pending run already
 * due (fired, no worker has started it) is the last tick, not a next run:
 * the next are the ticks after now on the same grid.
 */
function intervalRuns(
  timing: StoredTiming,
  pending: number,
  now: number,
): number[] {
  if (pending > now)
    return [pending, ...nextTicks(timing, pending, NEXT_RUNS - 1)];
  const every = timing.everyMs ?? 1;
  const base = pending + Math.floor((now - pending) / every) * every;
  return nextTicks(timing, base, NEXT_RUNS);
}

/** How many next runs a view lists. */
export const NEXT_RUNS = 5;

/** Where a schedule's runs are read: Redis, and the queue its job is on. */
export interface RunsSource {
  redis: Redis;
  keys: Keyspace;
  queue: Queue | undefined;
}

/**
 * A schedule's next runs and last tick. Next runs: a cron's from now; an
 * interval's from the pending run BullMQ holds (it counts each run from the
 * previous one). The last tick's `state` is left null: the API fills it
 * only for a caller who may read that job.
 */
export async function scheduleRuns(
  source: RunsSource,
  scheduleId: string,
  timing: StoredTiming,
  paused: boolean,
): Promise<{ nextRuns: Date[]; lastTick: ScheduleTick | null }> {
  const scheduler = paused
    ? undefined
    : await source.queue?.getJobScheduler(scheduleId);
  let nextRuns: number[] = [];
  if (!paused && timing.cron !== undefined)
    nextRuns = nextTicks(timing, Date.now(), NEXT_RUNS);
  else if (scheduler?.next)
    nextRuns = intervalRuns(timing, scheduler.next, Date.now());
  const last = await lastTick(source, scheduleId, scheduler?.next);
  return {
    nextRuns: nextRuns.map((t) => new Date(t)),
    lastTick: last && { at: new Date(last.at), jobId: last.jobId, state: null },
  };
}
