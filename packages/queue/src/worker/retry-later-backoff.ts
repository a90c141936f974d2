import type { BackoffStrategy, Job } from 'bullmq';
import { RetryLaterError } from './retry-later-error.ts';

/**
 * BullMQ computes a retry's wait from the job's backoff and consults a
 * custom strategy only for a kind it does not know. An attempt that asked
 * for its own delay gets this kind on its in-memory options (never stored),
 * so BullMQ waits what the error says instead of the job's backoff.
 */
const RETRY_LATER_BACKOFF = 'conveyor.retry-later';

export function useRetryLaterBackoff(job: Job): void {
  job.opts.backoff = { type: RETRY_LATER_BACKOFF, delay: 0 };
}

/** The pool's `settings.backoffStrategy`: the delay the processor's error carries. */
export const retryLaterBackoff: BackoffStrategy = (_made, type, error) =>
  type === RETRY_LATER_BACKOFF && error instanceof RetryLaterError
    ? error.delayMs
    : 0;
