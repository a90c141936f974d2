import type { TRPCRequestInfo } from '@trpc/server/http';
import type { IncomingMessage } from 'node:http';

/**
 * The request as `authenticate` should see it. A browser's EventSource
 * cannot send headers, so tRPC's `httpSubscriptionLink` carries
 * `connectionParams` in the URL instead: for a subscription without an
 * `Authorization` header, a `token` there becomes one, and is checked
 * exactly as the header is (same roles, same tenant, any `Authenticate`).
 * Queries and mutations never take a token from the URL.
 */
export function withSubscriptionCredentials(
  req: IncomingMessage,
  info: Pick<TRPCRequestInfo, 'type' | 'connectionParams'> | undefined,
): IncomingMessage {
  const token = info?.connectionParams?.token;
  if (info?.type !== 'subscription' || typeof token !== 'string') return req;
  if (req.headers.authorization !== undefined) return req;
  // Everything else (host, socket) stays the request's own.
  return Object.create(req, {
    headers: {
      value: { ...req.headers, authorization: `Bearer ${token}` },
      enumerable: true,
    },
  }) as IncomingMessage;
}
