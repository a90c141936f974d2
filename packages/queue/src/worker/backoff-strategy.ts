import type { BackoffStrategy } from 'bullmq';
import { ladderDelay } from '../ladder-backoff.ts';
import { RetryLaterError } from './retry-later-error.ts';
import { RETRY_LATER_BACKOFF } from './retry-later-backoff.ts';

/**
 * The pool's `settings.backoffStrategy`, which BullMQ consults for kinds it
 * does not know: a RetryLaterError's own delay, or a ladder's step.
 */
export const backoffStrategy: BackoffStrategy = (made, type, error, job) => {
  if (type === RETRY_LATER_BACKOFF)
    return error instanceof RetryLaterError ? error.delayMs : 0;
  return (
    ladderDelay(
      type ?? '',
      made,
      job?.opts.backoff && typeof job.opts.backoff === 'object'
        ? job.opts.backoff.jitter
        : 0,
    ) ?? 0
  );
};
