import { ConveyorError } from './conveyor-error.ts';

/**
 * The first request with this idempotency key is still being processed.
 * Nothing was done for this one; sending it again (same key, same payload)
 * after a short wait answers the first request's job.
 */
export class IdempotencyInFlightError extends ConveyorError {
  readonly code = 'IDEMPOTENCY_IN_FLIGHT';
  constructor(readonly jobName: string) {
    super(
      `An earlier request with this idempotency key for ${jobName} is still being processed: retry shortly with the same key`,
    );
  }
}
