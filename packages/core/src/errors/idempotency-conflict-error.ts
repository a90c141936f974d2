import { ConveyorError } from './conveyor-error.ts';

/** The idempotency key was used for another payload of the same job. Nothing was enqueued. */
export class IdempotencyConflictError extends ConveyorError {
  readonly code = 'IDEMPOTENCY_CONFLICT';
  constructor(readonly jobName: string) {
    super(
      `This idempotency key was already used for ${jobName} with a different payload`,
    );
  }
}
