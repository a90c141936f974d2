import type { Logger } from 'pino';
import type { AttemptInfo, AttemptOutcome } from '../worker/attempt-hooks.ts';
import {
  lifecycleEventId,
  type LifecycleEvent,
  type LifecycleEventType,
  type LifecycleListener,
} from './lifecycle-event.ts';

/**
 * Tells the listeners of every lifecycle event, in order; one that throws
 * is logged and skipped. Synchronous listeners (the event log) cost no
 * promise: one is made only from the first listener that returns one.
 */
export class LifecycleEmitter {
  constructor(
    private readonly listeners: readonly LifecycleListener[],
    private readonly logger: Logger,
  ) {}

  emit(event: LifecycleEvent): Promise<void> | undefined {
    const { listeners } = this;
    for (let i = 0; i < listeners.length; i += 1) {
      let returned: void | Promise<void>;
      try {
        returned = listeners[i]?.(event);
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
    const event = outcomeEvent(info, type, durationMs, error, timedOut);
    if (type !== 'job.failed') return this.emit(event);
    return this.emitBoth(
      event,
      outcomeEvent(info, 'job.dead-lettered', durationMs, error, timedOut),
    );
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
    const { listeners } = this;
    for (let i = next; i < listeners.length; i += 1) {
      try {
        await listeners[i]?.(event);
      } catch (error) {
        this.listenerFailed(event, error);
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
  timedOut: boolean,
): LifecycleEvent {
  const event: LifecycleEvent = baseEvent(info, type);
  event.durationMs = durationMs;
  if (error !== undefined) event.error = error;
  if (timedOut) event.timedOut = true;
  return event;
}
