import type { TRPCError } from '@trpc/server';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { ServerResponse } from 'node:http';
import superjson from 'superjson';

/**
 * Answers a request refused before tRPC sees it (method, content type) with
 * the body tRPC itself would send, so clients read one error shape.
 */
// eslint-disable-next-line max-params -- 5 params: sendTrpcError an options object is a follow-up
export function sendTrpcError(
  res: ServerResponse,
  status: number,
  code: TRPCError['code'],
  message: string,
  headers: Record<string, string> = {},
): void {
  const shape = {
    message,
    code: TRPC_ERROR_CODES_BY_KEY[code],
    data: { code, httpStatus: status, path: null, issues: null, reason: null },
  };
  res.writeHead(status, { ...headers, 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: superjson.serialize(shape) }));
}
