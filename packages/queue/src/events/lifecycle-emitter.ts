import type { Logger } from 'pino';
import type {
  AttemptInfo,
  AttemptOutcome,
  JobObserver,
} from '../worker/job-observer.ts';
import {
  lifecycleEventId,
  type LifecycleEvent,
  type LifecycleEventType,
} from './lifecycle-event.ts';

type Listening = JobObserver & Required<Pick<JobObserver, 'onEvent'>>;

/**
 * Tells the observers of every attempt and lifecycle event, in order; one
 * that throws is logged and skipped. Only the observers that have a member
 * are called for it, sorted once: an attempt no observer watches costs no
 * await, and synchronous `onEvent`s (the event log, metrics) cost no
 * promise: one is made only from the first observer that returns one.
 */
export class LifecycleEmitter {
  /** The observers with `beforeAttempt` or `afterAttempt`. */
  private readonly watching: readonly JobObserver[];
  /** The observers with `onEvent`. */
  private readonly listening: readonly Listening[];

  constructor(
    observers: readonly JobObserver[],
    private readonly logger: Logger,
  ) {
    this.watching = observers.filter(
      (o) => o.beforeAttempt !== undefined || o.afterAttempt !== undefined,
    );
    this.listening = observers.filter(
      (o): o is Listening => o.onEvent !== undefined,
    );
  }

  /** Each observer's `beforeAttempt`; undefined when none has one. */
  beforeAttempt(info: AttemptInfo): Promise<void> | undefined {
    if (this.watching.length === 0) return undefined;
    return this.around(info, (o) => o.beforeAttempt?.(info));
  }

  /** Each observer's `afterAttempt`; undefined when none has one. */
  afterAttempt(
    info: AttemptInfo,
    outcome: AttemptOutcome,
    durationMs: number,
  ): Promise<void> | undefined {
    if (this.watching.length === 0) return undefined;
    return this.around(info, (o) =>
      o.afterAttempt?.(info, outcome, durationMs),
    );
  }

  emit(event: LifecycleEvent): Promise<void> | undefined {
    const { listening } = this;
    for (let i = 0; i < listening.length; i += 1) {
      let returned: void | Promise<void>;
      try {
        returned = listening[i]?.onEvent(event);
      } catch (error) {
        this.listenerFailed(event, error);
        continue;
      }
      if (returned) return this.emitFrom(event, returned, i + 1);
    }
    return undefined;
  }

  /** One event of an attempt: its identity, plus the fields given. */
  emitFor(
    info: AttemptInfo,
    type: LifecycleEventType,
    fields: Partial<LifecycleEvent>,
  ): Promise<void> | undefined {
    return this.emit({ ...baseEvent(info, type), ...fields });
  }

  /** The attempt's events; a promise only when a listener returned one. */
  emitOutcome(
    info: AttemptInfo,
    outcome: AttemptOutcome,
    durationMs: number,
  ): Promise<void> | undefined {
    const timedOut = outcome.kind === 'timed-out';
    let type: LifecycleEventType = 'job.failed';
    let error: string | undefined;
    switch (outcome.kind) {
      case 'completed':
        type = 'job.completed';
        break;
      case 'cancelled':
        type = 'job.cancelled';
        error = outcome.reason;
        break;
      case 'retrying':
        type = 'job.retrying';
        error = outcome.error;
        break;
      case 'timed-out':
        if (!outcome.final) type = 'job.retrying';
        error = outcome.error;
        break;
      case 'failed':
        error = outcome.error;
        break;
    }
    const event = outcomeEvent(info, type, durationMs, error);
    if (timedOut) event.timedOut = true;
    if ('stack' in outcome && outcome.stack !== undefined)
      event.stack = outcome.stack;
    // Kept even when undefined (a void processor): history records it.
    if (outcome.kind === 'completed') event.result = outcome.result;
    if (type !== 'job.failed') return this.emit(event);
    const dead = outcomeEvent(info, 'job.dead-lettered', durationMs, error);
    if (timedOut) dead.timedOut = true;
    return this.emitBoth(event, dead);
  }

  private async emitBoth(
    first: LifecycleEvent,
    second: LifecycleEvent,
  ): Promise<void> {
    await this.emit(first);
    await this.emit(second);
  }

  private async emitFrom(
    event: LifecycleEvent,
    pending: Promise<void>,
    next: number,
  ): Promise<void> {
    try {
      await pending;
    } catch (error) {
      this.listenerFailed(event, error);
    }
    const { listening } = this;
    for (let i = next; i < listening.length; i += 1) {
      try {
        await listening[i]?.onEvent(event);
      } catch (error) {
        this.listenerFailed(event, error);
      }
    }
  }

  private async around(
    info: AttemptInfo,
    call: (observer: JobObserver) => void | Promise<void>,
  ): Promise<void> {
    for (const observer of this.watching) {
      try {
        await call(observer);
      } catch (error) {
        this.logger.warn(
          { err: error, jobId: info.jobId },
          'attempt hook failed',
        );
      }
    }
  }

  private listenerFailed(event: LifecycleEvent, error: unknown): void {
    this.logger.warn(
      { err: error, jobId: event.jobId, event: event.type },
      'lifecycle listener failed',
    );
  }
}

/** The fields every lifecycle event of an attempt has. */
function baseEvent(
  info: AttemptInfo,
  type: LifecycleEventType,
): LifecycleEvent {
  return {
    type,
    id: lifecycleEventId(info.jobId, info.run, info.attempt, type),
    at: Date.now(),
    tenantId: info.tenantId,
    queue: info.queue,
    jobId: info.jobId,
    name: info.name,
    run: info.run,
    attempt: info.attempt,
    attempts: info.attempts,
  };
}

/** An attempt's outcome event, built without spreads (one per job: kept cheap). */
function outcomeEvent(
  info: AttemptInfo,
  type: LifecycleEventType,
  durationMs: number,
  error: string | undefined,
): LifecycleEvent {
  const event: LifecycleEvent = baseEvent(info, type);
  event.durationMs = durationMs;
  if (error !== undefined) event.error = error;
  return event;
}
