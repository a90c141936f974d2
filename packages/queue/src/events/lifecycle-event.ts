import type { MissedRunPolicy } from '@conveyor/core';

/**
 * What the worker reports about jobs, in the process that runs them. The
 * event log writes each as one line; webhooks subscribe to some of them.
 * `job.failed` and `job.dead-lettered` are the same moment (no attempt left,
 * or an unrecoverable error), kept apart so a subscriber can ask for either.
 */
export const LIFECYCLE_EVENT_TYPES = [
  'job.completed',
  'job.retrying',
  'job.failed',
  'job.dead-lettered',
  'job.cancelled',
  'job.stalled',
  'schedule.missed',
] as const;
export type LifecycleEventType = (typeof LIFECYCLE_EVENT_TYPES)[number];

export interface LifecycleEvent {
  type: LifecycleEventType;
  /**
   * Unique per event and stable across replays of an attempt (a crash, a
   * stall): `{jobId}:{run}:{attempt}:{type}`, where `run` grows with each
   * retry or redrive.
   */
  id: string;
  /** When it happened (ms since the epoch). */
  at: number;
  tenantId: string;
  queue: string;
  jobId: string;
  name: string;
  /** Which run of the job (0 as enqueued, +1 per retry or redrive). */
  run: number;
  /** The attempt it concerns (1 = first); 0 for a stall, which uses none. */
  attempt: number;
  attempts: number;
  durationMs?: number;
  error?: string;
  /** The attempt outlived the job's `timeoutMs` (retrying or failed because of it). */
  timedOut?: boolean;
  /** `schedule.missed`: the schedule, the tick that came due, and what was done. */
  scheduleId?: string;
  tickAt?: number;
  policy?: MissedRunPolicy;
}

export function lifecycleEventId(
  jobId: string,
  run: number,
  attempt: number,
  type: LifecycleEventType,
): string {
  return `${jobId}:${run}:${attempt}:${type}`;
}
