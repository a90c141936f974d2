import type {
  AttemptInfo,
  AttemptOutcome,
  JobObserver,
  LifecycleEvent,
} from '@conveyor/queue';
import { hostname } from 'node:os';
import type { HistoryOutbox } from './history-outbox.ts';
import {
  transitionId,
  type Transition,
  type TransitionType,
} from './transition.ts';

export interface HistoryObserverOptions {
  /** Recorded on each attempt; default `{hostname}:{pid}`. */
  worker?: string;
  /**
   * Also record each attempt's start (the job shows `active` in history
   * while it runs). Off by default: an outcome carries its start (from its
   * duration) and its worker, so the story is whole without it, and every
   * job then costs one outbox append instead of two.
   */
  starts?: boolean;
}

/** How an attempt's outcome reads in history: a timeout is a retry or a failure. */
export function outcomeTransitionType(outcome: AttemptOutcome): TransitionType {
  switch (outcome.kind) {
    case 'timed-out':
      return outcome.final ? 'failed' : 'retrying';
    default:
      return outcome.kind;
  }
}

function transition(
  info: AttemptInfo,
  type: TransitionType,
  at: number,
  worker: string,
): Transition {
  return {
    id: transitionId(info.jobId, info.run, info.attempt, type),
    jobId: info.jobId,
    tenantId: info.tenantId,
    name: info.name,
    queue: info.queue,
    run: info.run,
    attempt: info.attempt,
    type,
    at,
    worker,
  };
}

/**
 * A job BullMQ fails for stalling too often never reaches an attempt, so
 * `afterAttempt` records nothing: its failure comes from its event.
 */
function stallFailure(event: LifecycleEvent): Transition | null {
  if (event.type !== 'job.failed' || event.durationMs !== undefined)
    return null;
  return {
    id: transitionId(event.jobId, event.run, event.attempt, 'failed'),
    jobId: event.jobId,
    tenantId: event.tenantId,
    name: event.name,
    queue: event.queue,
    run: event.run,
    attempt: event.attempt,
    type: 'failed',
    at: event.at,
    ...(event.error === undefined ? {} : { error: event.error }),
  };
}

/**
 * The worker's side of history, for `createWorkerPool({ observers })`: each
 * attempt's start and outcome, and stall-limit failures, go to the outbox,
 * awaited (in Redis before BullMQ records the outcome; appends of one turn
 * share a round trip).
 */
export function historyObserver(
  outbox: HistoryOutbox,
  options: HistoryObserverOptions = {},
): JobObserver {
  const worker = options.worker ?? `${hostname()}:${process.pid}`;
  return {
    ...(options.starts
      ? {
          beforeAttempt: (info: AttemptInfo) =>
            outbox.append(transition(info, 'started', info.startedAt, worker)),
        }
      : {}),
    afterAttempt: (info, outcome, durationMs) => {
      const t = transition(
        info,
        outcomeTransitionType(outcome),
        Date.now(),
        worker,
      );
      t.durationMs = durationMs;
      if (outcome.kind === 'completed') t.result = outcome.result;
      else
        t.error = outcome.kind === 'cancelled' ? outcome.reason : outcome.error;
      return outbox.append(t);
    },
    onEvent: (event) => {
      const failed = stallFailure(event);
      return failed ? outbox.append(failed) : undefined;
    },
  };
}
