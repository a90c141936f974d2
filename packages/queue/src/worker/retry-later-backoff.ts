import type { Job } from 'bullmq';

/**
 * BullMQ computes a retry's wait from the job's backoff and consults a
 * custom strategy only for a kind it does not know. An attempt that asked
 * for its own delay gets this kind on its in-memory options (never stored),
 * so BullMQ waits what the error says instead of the job's backoff.
 */
export const RETRY_LATER_BACKOFF = 'conveyor.retry-later';

export function useRetryLaterBackoff(job: Job): void {
  job.opts.backoff = { type: RETRY_LATER_BACKOFF, delay: 0 };
}
