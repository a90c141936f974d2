import type { AnyRegistry, JobState, JobViewBase } from '@conveyor/core';
import type { HistoryJobDetail, HistoryState } from '@conveyor/history';

/** A job view read from history, before the registry's types are put on it. */
export type ArchivedJobView = JobViewBase & {
  data: unknown;
  dataError: string | null;
  archived: true;
};

/** History's `retrying` is the wait between attempts, which Redis calls delayed. */
const STATE: Record<HistoryState, JobState> = {
  waiting: 'waiting',
  active: 'active',
  retrying: 'delayed',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

/**
 * What `jobs.get` answers for a job Redis no longer holds: the same fields
 * as a live job, from its history row. Attempts count the current run only
 * (as BullMQ does after a retry); the configured attempts are the job's
 * default, since history does not keep per-enqueue options.
 */
export function archivedJobView(
  { job, attempts }: HistoryJobDetail,
  registry: AnyRegistry,
): ArchivedJobView {
  const thisRun = attempts.filter((a) => a.run === job.run);
  const attemptsMade = thisRun.filter((a) => a.outcome !== null).length;
  const configured = registry.get(job.name)?.defaults.attempts ?? 1;
  const state = STATE[job.state];
  return {
    id: job.id,
    name: job.name,
    // Written by this system's producer and worker: one of the catalog's queues.
    queue: job.queue,
    state,
    ...archivedData(job),
    progress: null,
    result: state === 'completed' ? job.result : null,
    failedReason:
      state === 'failed' || state === 'cancelled' ? job.lastError : null,
    attemptsMade,
    attempts: Math.max(configured, attemptsMade),
    createdAt: job.enqueuedAt ?? job.startedAt ?? job.updatedAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    archived: true,
    ...(job.payloadVersion ? { payloadVersion: job.payloadVersion } : {}),
  };
}

/** The payload as history shows it (upcast by `JobHistory`), or why there is none. */
function archivedData(
  job: HistoryJobDetail['job'],
): { data: unknown; dataError: null } | { data: null; dataError: string } {
  if (job.dataError !== undefined)
    return { data: null, dataError: job.dataError };
  return job.data === null
    ? { data: null, dataError: 'The payload was not recorded in history' }
    : { data: job.data, dataError: null };
}
