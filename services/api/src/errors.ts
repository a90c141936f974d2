import { ConveyorError } from '@conveyor/jobs';
import { TRPCError } from '@trpc/server';

export class JobNotFoundError extends ConveyorError {
  readonly code = 'JOB_NOT_FOUND';
  constructor(readonly jobId: string) {
    super(`No job with id "${jobId}"`);
    this.name = 'JobNotFoundError';
  }
}

/** The job exists but is in a state the operation does not apply to. */
export class JobStateError extends ConveyorError {
  readonly code = 'INVALID_STATE';
  constructor(message: string) {
    super(message);
    this.name = 'JobStateError';
  }
}

const CODES: Record<string, TRPCError['code']> = {
  UNKNOWN_JOB: 'BAD_REQUEST',
  INVALID_PAYLOAD: 'BAD_REQUEST',
  IDEMPOTENCY_CONFLICT: 'CONFLICT',
  INVALID_STATE: 'CONFLICT',
  JOB_NOT_FOUND: 'NOT_FOUND',
  QUEUE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
};

/** Maps Conveyor's errors onto tRPC codes; anything else stays a (redacted) 500. */
export function toTRPCError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error;
  if (error instanceof ConveyorError) {
    return new TRPCError({
      code: CODES[error.code] ?? 'INTERNAL_SERVER_ERROR',
      message: error.message,
      cause: error,
    });
  }
  return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: error });
}
