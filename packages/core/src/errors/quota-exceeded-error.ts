import { ConveyorError } from './conveyor-error.ts';

/**
 * The tenant is at a limit: unfinished jobs (`quota`) or enqueue rate
 * (`rate`). Nothing was enqueued; `retryAfterMs` says when to try again.
 */
export class QuotaExceededError extends ConveyorError {
  readonly code = 'QUOTA_EXCEEDED';
  constructor(
    readonly limit: 'quota' | 'rate',
    readonly retryAfterMs: number,
    message: string,
  ) {
    super(message);
  }
}
