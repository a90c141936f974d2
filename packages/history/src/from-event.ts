import type {
  AttemptIdentity,
  LifecycleEvent,
  LifecycleEventType,
} from '@conveyor/queue';
import {
  transitionId,
  type Transition,
  type TransitionType,
} from './transition.ts';

/**
 * The lifecycle events that are steps of a job's story, and which step.
 * A timed-out attempt is `job.retrying` or `job.failed` already;
 * `job.dead-lettered` is the same moment as `job.failed`; stalls and missed
 * ticks are not steps.
 */
const STEP_OF: Partial<Record<LifecycleEventType, TransitionType>> = {
  'job.completed': 'completed',
  'job.retrying': 'retrying',
  'job.failed': 'failed',
  'job.cancelled': 'cancelled',
};

/** The transition's identity: which step of which attempt of which job. */
export function transitionOf(
  subject: Omit<AttemptIdentity, 'attempts'>,
  type: TransitionType,
  at: number,
): Transition {
  return {
    id: transitionId(subject.jobId, subject.run, subject.attempt, type),
    jobId: subject.jobId,
    tenantId: subject.tenantId,
    name: subject.name,
    queue: subject.queue,
    run: subject.run,
    attempt: subject.attempt,
    type,
    at,
  };
}

/**
 * The one place the worker's history rows come from: a lifecycle event as a
 * transition, or null for an event that is no step. An attempt that ran in
 * this process (it has a duration) is recorded with `worker`; a job failed
 * for stalling too often ran nowhere, and has neither.
 */
export function transitionFromEvent(
  event: LifecycleEvent,
  worker: string,
): Transition | null {
  const type = STEP_OF[event.type];
  if (type === undefined) return null;
  const t = transitionOf(event, type, event.at);
  if (event.durationMs !== undefined) {
    t.worker = worker;
    t.durationMs = event.durationMs;
  }
  if (type === 'completed') t.result = event.result;
  else if (event.error !== undefined) t.error = event.error;
  if (event.stack !== undefined && type !== 'cancelled') t.stack = event.stack;
  return t;
}
