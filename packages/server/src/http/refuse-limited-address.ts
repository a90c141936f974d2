import { AuthFailuresLimitedError } from '@conveyor/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FailureLimiter } from '../auth/failure-limiter.ts';
import { clientAddress } from '../auth/limit-auth-failures.ts';
import { sendTrpcError } from './send-error.ts';

/**
 * Answers 429 with `Retry-After` for an address that failed to authenticate
 * too often, before tRPC reads anything (limitAuthFailures refuses it too,
 * for the adapters that do not pass here, but without the header).
 */
export function refuseLimitedAddress(
  req: IncomingMessage,
  res: ServerResponse,
  limiter: FailureLimiter | undefined,
): boolean {
  const waitMs = limiter?.retryAfterMs(clientAddress(req)) ?? 0;
  if (waitMs <= 0) return false;
  sendTrpcError(
    res,
    429,
    'TOO_MANY_REQUESTS',
    new AuthFailuresLimitedError(waitMs).message,
    { 'retry-after': String(Math.ceil(waitMs / 1_000)) },
  );
  return true;
}
