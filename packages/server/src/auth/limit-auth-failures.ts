import { AuthFailuresLimitedError } from '@conveyor/core';
import type { IncomingMessage } from 'node:http';
import type { Authenticate } from './authenticate.ts';
import type { FailureLimiter } from './failure-limiter.ts';

/**
 * The peer's own address. X-Forwarded-For is not read: the API has no
 * trusted-proxy setting, and any client can write that header (behind a
 * proxy, every client then shares the proxy's address and its limit).
 */
export function clientAddress(req: IncomingMessage): string {
  return req.socket?.remoteAddress ?? 'unknown';
}

/**
 * `authenticate`, refusing an address that failed too often (without
 * checking its credentials, so guessing gains nothing) and counting each
 * credential it refuses. A request with no credentials at all is not a
 * guess and is not counted; successes are not counted either.
 */
export function limitAuthFailures(
  authenticate: Authenticate,
  limiter: FailureLimiter,
): Authenticate {
  return async (req) => {
    const address = clientAddress(req);
    const waitMs = limiter.retryAfterMs(address);
    if (waitMs > 0) throw new AuthFailuresLimitedError(waitMs);
    const principal = await authenticate(req);
    if (!principal && req.headers.authorization !== undefined)
      limiter.fail(address);
    return principal;
  };
}
