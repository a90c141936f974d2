import { ConveyorError } from '@conveyor/jobs';
import { TRPCError } from '@trpc/server';

const CODES: Record<string, TRPCError['code']> = {
  UNKNOWN_JOB: 'BAD_REQUEST',
  INVALID_PAYLOAD: 'BAD_REQUEST',
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
