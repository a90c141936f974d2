import { ConveyorError } from '@conveyor/core';
import { TRPCError } from '@trpc/server';

/** Conveyor's error codes → tRPC codes. Anything unlisted stays a (redacted) 500. */
const CODES: Record<string, TRPCError['code']> = {
  UNKNOWN_JOB: 'BAD_REQUEST',
  INVALID_PAYLOAD: 'BAD_REQUEST',
  INVALID_FLOW_KEY: 'BAD_REQUEST',
  INVALID_CURSOR: 'BAD_REQUEST',
  INVALID_HISTORY_QUERY: 'BAD_REQUEST',
  INVALID_SEARCH_FILTER: 'BAD_REQUEST',
  // The request was understood and cannot be answered in time as asked:
  // narrowing it helps, retrying it as is does not.
  SEARCH_TIMEOUT: 'UNPROCESSABLE_CONTENT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  // The IETF idempotency-key draft's answers: a key reused with another
  // payload is 422; its first request still under way is 409.
  IDEMPOTENCY_CONFLICT: 'UNPROCESSABLE_CONTENT',
  IDEMPOTENCY_IN_FLIGHT: 'CONFLICT',
  INVALID_IDEMPOTENCY_KEY: 'BAD_REQUEST',
  CROSS_SLOT_BATCH: 'BAD_REQUEST',
  INVALID_STATE: 'CONFLICT',
  JOB_NOT_FOUND: 'NOT_FOUND',
  BULK_ACTION_NOT_FOUND: 'NOT_FOUND',
  QUEUE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  QUEUE_FULL: 'SERVICE_UNAVAILABLE',
  OUTCOME_UNKNOWN: 'SERVICE_UNAVAILABLE',
  FORBIDDEN: 'FORBIDDEN',
  QUOTA_EXCEEDED: 'TOO_MANY_REQUESTS',
  AUTH_FAILURES_LIMITED: 'TOO_MANY_REQUESTS',
  WEBHOOK_URL_REFUSED: 'BAD_REQUEST',
  WEBHOOK_LIMIT: 'BAD_REQUEST',
  WEBHOOK_NOT_FOUND: 'NOT_FOUND',
  SCHEDULE_LIMIT: 'BAD_REQUEST',
  INVALID_SCHEDULE: 'BAD_REQUEST',
  SCHEDULE_NOT_FOUND: 'NOT_FOUND',
  CONTRACT_SCHEDULE: 'FORBIDDEN',
  // A setting, not an outage: 501 tells clients and probes not to retry.
  HISTORY_DISABLED: 'NOT_IMPLEMENTED',
  HISTORY_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  // A sensitive value with no key to seal or open it: a setting to fix, then retry.
  ENCRYPTION_KEY: 'SERVICE_UNAVAILABLE',
};

export function toTRPCError(error: unknown): TRPCError {
  // tRPC wraps what a resolver throws in a 500 whose cause is the original.
  const original =
    error instanceof TRPCError &&
    error.code === 'INTERNAL_SERVER_ERROR' &&
    error.cause instanceof ConveyorError
      ? error.cause
      : error;
  if (original instanceof TRPCError) return original;
  if (original instanceof ConveyorError) {
    return new TRPCError({
      code: CODES[original.code] ?? 'INTERNAL_SERVER_ERROR',
      message: original.message,
      cause: original,
    });
  }
  return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: original });
}
