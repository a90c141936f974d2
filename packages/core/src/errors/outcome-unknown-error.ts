import { ConveyorError } from './conveyor-error.ts';

/**
 * The add was sent to Redis and no answer came: the job may or may not be
 * stored. Retrying with the same idempotency key is safe (it leads to the
 * one job); without a key, a retry may create a second job.
 */
export class OutcomeUnknownError extends ConveyorError {
  readonly code = 'OUTCOME_UNKNOWN';
  constructor(options?: { cause?: unknown }) {
    super(
      'The enqueue reached the queue but no answer came back: the job may or may not exist. Retry with the same idempotency key',
      options,
    );
  }
}
