import { transitionOf, type Transition } from '@conveyor/history';
import { jobRun, type Found } from '@conveyor/queue';
import superjson from 'superjson';

/** The job a transition is about. */
export interface TransitionJob {
  id: string;
  name: string;
  queue: string;
}

export interface EnqueuedDetails {
  /** The parsed payload; absent for a new run (the first enqueue's stays). */
  data?: unknown;
  /** The job's input version `data` is of (1 when omitted). */
  version?: number;
  idempotencyKey?: string | undefined;
  /** The principal's subject (`token:<id>`, `bootstrap-admin`, `local`): never a secret. */
  enqueuedBy?: string;
  /** Through what (`Caller.via`). */
  enqueuedVia?: string;
  /** The delay asked for (ms). */
  delayMs?: number | undefined;
  /** 0 as enqueued; a retry or redrive's new run. */
  run?: number;
}

/** A job stored (or a new run of it admitted) by the API. */
export function enqueuedTransition(
  job: TransitionJob,
  tenant: string,
  at: number,
  details: EnqueuedDetails = {},
): Transition {
  return {
    ...apiTransition(job, tenant, details.run ?? 0, 'enqueued', at),
    // As the envelope stores it: history decodes it the way the worker does.
    ...(details.data === undefined
      ? {}
      : { payload: superjson.serialize(details.data) }),
    ...(details.data === undefined || (details.version ?? 1) === 1
      ? {}
      : { payloadVersion: details.version }),
    ...(details.idempotencyKey === undefined
      ? {}
      : { idempotencyKey: details.idempotencyKey }),
    ...(details.enqueuedBy === undefined
      ? {}
      : { enqueuedBy: details.enqueuedBy }),
    ...(details.enqueuedVia === undefined
      ? {}
      : { enqueuedVia: details.enqueuedVia }),
    ...(details.delayMs ? { delayMs: details.delayMs } : {}),
  };
}

/** A waiting or delayed job cancelled before any attempt of its run. */
// eslint-disable-next-line max-params -- 5 params: cancelledTransition an options object is a follow-up
export function cancelledTransition(
  job: TransitionJob,
  tenant: string,
  run: number,
  at: number,
  reason: string,
): Transition {
  return { ...apiTransition(job, tenant, run, 'cancelled', at), error: reason };
}

/** What every transition the API records has: before any attempt of the run. */
// eslint-disable-next-line max-params -- 5 params: apiTransition an options object is a follow-up
function apiTransition(
  job: TransitionJob,
  tenant: string,
  run: number,
  type: 'enqueued' | 'cancelled',
  at: number,
): Transition {
  const subject = {
    jobId: job.id,
    tenantId: tenant,
    name: job.name,
    queue: job.queue,
    run,
    attempt: 0,
  };
  return transitionOf(subject, type, at);
}

/** The run a job is on, from its envelope (`run`; 0 when absent), live or cancelled. */
export function runOf(found: Found): number {
  let data: unknown = found.kind === 'job' ? found.job.data : undefined;
  if (found.kind === 'cancelled') {
    try {
      data = JSON.parse(found.snapshot.data);
    } catch {
      data = undefined;
    }
  }
  return jobRun(data);
}
