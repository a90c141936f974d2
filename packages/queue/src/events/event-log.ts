import type { Logger } from 'pino';
import type { JobObserver } from '../worker/job-observer.ts';
import type { LifecycleEvent } from './lifecycle-event.ts';

/** What the attempt came to, as the log line says it; null for events that end no attempt. */
const OUTCOME: Record<LifecycleEvent['type'], string | null> = {
  'job.completed': 'completed',
  'job.retrying': 'retrying',
  'job.failed': 'failed',
  'job.dead-lettered': null,
  'job.cancelled': 'cancelled',
  'job.stalled': null,
  'schedule.missed': null,
};

const LEVEL: Record<LifecycleEvent['type'], 'info' | 'warn' | 'error'> = {
  'job.completed': 'info',
  'job.retrying': 'warn',
  'job.failed': 'error',
  // The same moment as job.failed: one line is enough.
  'job.dead-lettered': 'info',
  'job.cancelled': 'info',
  'job.stalled': 'warn',
  'schedule.missed': 'warn',
};

/**
 * The worker's event log: one structured line per lifecycle event, with
 * `event` as the field to filter on; an attempt's line also says its
 * `outcome` (completed · retrying · failed · cancelled · timed-out) and
 * `durationMs`. It needs no watcher connected: the process that ran the
 * job writes it. Job payloads and results are never logged.
 */
export function eventLog(logger: Logger): JobObserver {
  return {
    onEvent(event) {
      const level = LEVEL[event.type];
      // Checked first: a busy worker completes thousands of jobs a second,
      // and building the line costs more than the no-op job.
      if (event.type === 'job.dead-lettered' || !logger.isLevelEnabled(level))
        return;
      logger[level](logLine(event), event.type);
    },
  };
}

/**
 * The line's fields, in one object literal: a rest-and-spread copy costs
 * more per job than the no-op job itself. Absent fields are undefined,
 * which pino leaves out.
 */
function logLine(event: LifecycleEvent) {
  const { type } = event;
  return {
    event: type,
    outcome: (event.timedOut ? 'timed-out' : OUTCOME[type]) ?? undefined,
    tenantId: event.tenantId,
    queue: event.queue,
    jobId: event.jobId,
    name: event.name,
    run: event.run,
    attempt: event.attempt,
    attempts: event.attempts,
    durationMs: event.durationMs,
    error: event.error,
    scheduleId: event.scheduleId,
    tickAt: event.tickAt,
    policy: event.policy,
  };
}
