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

/**
 * Which attempt of which job: what an attempt's observers, its lifecycle
 * events and history's transitions all say first (history leaves out
 * `attempts`).
 */
export interface AttemptIdentity {
  jobId: string;
  /** The tenant that enqueued the job. */
  tenantId: string;
  name: string;
  queue: string;
  /** Which run of the job (0 as enqueued, +1 per retry or redrive, which start attempts again at 1). */
  run: number;
  /** The attempt it concerns (1 = first); 0 for a stall, which uses none. */
  attempt: number;
  /** Total tries allowed. */
  attempts: number;
}

export interface LifecycleEvent extends AttemptIdentity {
  type: LifecycleEventType;
  /**
   * Unique per event and stable across replays of an attempt (a crash, a
   * stall): `{jobId}:{run}:{attempt}:{type}`, where `run` grows with each
   * retry or redrive.
   */
  id: string;
  /** When it happened (ms since the epoch). */
  at: number;
  /** Outcomes of an attempt that ran in this process (a stall-limit failure has none). */
  durationMs?: number;
  error?: string;
  /**
   * `job.retrying` / `job.failed` of an attempt whose processor threw an
   * Error: its stack (history keeps it; the event log and webhooks never send it).
   */
  stack?: string;
  /** The attempt outlived the job's `timeoutMs` (retrying or failed because of it). */
  timedOut?: boolean;
  /**
   * `job.completed` from an attempt: the processor's checked result, as it
   * returned it (history stores it; the event log and webhooks never send it).
   */
  result?: unknown;
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
