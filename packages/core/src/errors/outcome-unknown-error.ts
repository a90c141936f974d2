import { ConveyorError } from './conveyor-error.ts';

const NO_ANSWER =
  'The enqueue reached the queue but no answer came back: the job may or may not exist. Retry with the same idempotency key';

/**
 * The add was sent to Redis and no answer came: the job may or may not be
 * stored. Or it was stored on the primary but fewer replicas than asked
 * confirmed it in time (`unconfirmed`): it may not survive a failover.
 * Retrying with the same idempotency key is safe (it leads to the one job);
 * without a key, a retry may create a second job.
 */
export class OutcomeUnknownError extends ConveyorError {
  readonly code = 'OUTCOME_UNKNOWN';
  constructor(options?: {
    cause?: unknown;
    unconfirmed?: { replicas: number; confirmed: number; timeoutMs: number };
  }) {
    const unconfirmed = options?.unconfirmed;
    super(
      unconfirmed
        ? `The job reached the Redis primary but ${unconfirmed.confirmed} of the ${unconfirmed.replicas} replicas asked for confirmed it within ${unconfirmed.timeoutMs} ms: it may be lost if the primary fails now. Retry with the same idempotency key`
        : NO_ANSWER,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
  }
}
