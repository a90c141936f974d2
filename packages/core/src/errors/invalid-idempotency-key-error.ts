import { ConveyorError } from './conveyor-error.ts';

/**
 * The idempotency key cannot be used as given: a malformed `Idempotency-Key`
 * header, a header that disagrees with `options.idempotencyKey`, or a
 * header on a call it cannot apply to. Nothing was enqueued.
 */
export class InvalidIdempotencyKeyError extends ConveyorError {
  readonly code = 'INVALID_IDEMPOTENCY_KEY';
}
