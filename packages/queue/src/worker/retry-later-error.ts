import { MAX_BACKOFF_DELAY_MS } from '@conveyor/core';

/**
 * Thrown by a processor that knows when trying again makes sense (a provider
 * answered 429 with Retry-After, a resource is locked until a known time):
 * the attempt fails and the next one waits `delayMs` instead of the job's
 * backoff. It still uses an attempt, so a job cannot be postponed forever;
 * on the last attempt the job fails.
 */
export class RetryLaterError extends Error {
  override readonly name = 'RetryLaterError';
  /** Between 0 and MAX_BACKOFF_DELAY_MS (one hour): longer waits are schedules. */
  readonly delayMs: number;

  constructor(message: string, delayMs: number, options?: ErrorOptions) {
    super(message, options);
    this.delayMs = Number.isFinite(delayMs)
      ? Math.min(MAX_BACKOFF_DELAY_MS, Math.max(0, Math.round(delayMs)))
      : 0;
  }
}
